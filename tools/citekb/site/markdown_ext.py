"""A Python-Markdown extension that renders pandoc citations as APA links with previews.

Any Python-Markdown site can load it::

    markdown.markdown(text, extensions=[CitekbExtension(bibliography=["refs.bib"])])

Each citation becomes a link to ``#ref-<key>`` in a "References" section appended to the page,
described (``aria-describedby``) by that entry so screen readers read the full reference; the
bundled script shows the same entry as a preview on hover and keyboard focus. Unknown keys stay
visible as a marked ``@key``. The MkDocs plugin shares one :class:`SiteData` across pages, so
year suffixes, anchors and the site-wide bibliography agree everywhere.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from citekb.core.anchors import cite_id, ref_id, text_id
from citekb.core.identifiers import resolve_clusters, resolve_keys
from citekb.pages.citations import scan_clusters
from citekb.pages.markers import FULL_BIBLIOGRAPHY, PAGE_BIBLIOGRAPHY
from citekb.project.files import read_library
from citekb.project.paths import read_regular
from citekb.render import richtext as rt
from citekb.render.cite_positions import note_positions
from citekb.render.citeforms import ordered_citations, render_cluster
from citekb.render.style import Engine, references_for, style_path
from citekb.site.forest_block import ForestPreprocessor
from citekb.site.notes import note_marker, notes_html
from citekb.site.references import ASSETS
from citekb.site.sitedata import Backlink, SiteData
from citekb.site.sourcestatus import status_html
from citekb.sources.evidence import Evidence as Records
from citekb.sources.evidence import parse_evidence, summarize, type_label

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from markdown import Markdown

    from citekb.core.model import Citation, Cluster
    from citekb.render.cite_positions import Position
    from citekb.render.style import Formatted, References
    from citekb.sources.evidence import Evidence

#: A line holding only this comment is replaced by the site-wide bibliography.
BIBLIOGRAPHY_MARKER = "<!-- citekb:bibliography -->"
#: Standalone use logs its bibliography problems here (the MkDocs plugin logs its own).
log = logging.getLogger("citekb")


def citation_anchors(citations: Iterable[Citation]) -> dict[int, str]:
    """Citation offset -> anchor id, numbering each key's citations in source order."""
    seen: Counter[str] = Counter()
    out: dict[int, str] = {}
    for citation in sorted(citations, key=lambda c: c.offset):
        seen[citation.key] += 1
        out[citation.offset] = cite_id(citation.key, seen[citation.key])
    return out


# --- HTML for one cluster, a reference list, the bibliography -------------------------


def _esc(value: str) -> str:
    return html.escape(value, quote=True)


def cluster_html(
    cluster: Cluster,
    refs: References,
    anchors: Mapping[int, str],
    positions: Mapping[int, Position] | None = None,
) -> str:
    """A cluster's HTML: each known citation a link with an id, each unknown key a marker;
    ``positions``: a note style's, by citation offset (short forms, "Ibid.")."""
    parts: list[str] = []
    for piece in render_cluster(cluster, refs, positions):
        inner = rt.to_html(piece.rich)
        if not piece.key:
            parts.append(inner)
        elif not piece.known:
            parts.append(
                f'<mark class="citekb-unknown" data-key="{_esc(piece.key)}"'
                f' title="Unknown reference: {_esc(piece.key)}">{inner}'
                '<span class="citekb-sr"> (unknown reference)</span></mark>'
            )
        else:
            anchor = anchors.get(piece.citation.offset, "") if piece.citation else ""
            id_attr = f' id="{_esc(anchor)}"' if anchor else ""
            if not inner:  # a work inside a numeric range "1–3": its anchor, no empty link
                parts.append(f'<span class="citekb-in-range"{id_attr}></span>')
                continue
            target = _esc(ref_id(piece.key))
            parts.append(
                f'<a class="citekb-cite"{id_attr} href="#{target}"'
                f' aria-describedby="{_esc(text_id(piece.key))}"'
                f' data-key="{_esc(piece.key)}">{inner}</a>'
            )
    return "".join(parts)


def _badge(kind: str | None) -> str:
    if not kind:
        return ""

    return f' <span class="citekb-badge citekb-badge--{_esc(kind)}">{_esc(type_label(kind))}</span>'


def reference_item(item: Formatted, refs: References, extra: str = "") -> str:
    """One ``<li>`` of a reference list, anchored at ``ref-<key>``."""

    badge = _badge(refs.evidence.get(item.key)) + status_html(item.key, refs)
    body = (
        f'<span class="citekb-ref-text" id="{_esc(text_id(item.key))}">'
        f"{rt.to_html(item.reference)}</span>"
    )
    return f'<li id="{_esc(ref_id(item.key))}" class="citekb-ref">{body}{badge}{extra}</li>'


def references_html(
    keys: Iterable[str],
    refs: References,
    anchors_by_key: Mapping[str, Sequence[str]],
    *,
    searchable: bool = True,
) -> str:
    """The page's reference list in reference-list order, with "back to citation" links
    (kept out of the site search unless ``searchable``)."""
    items = []
    for item in refs.ordered(keys):
        backs = anchors_by_key.get(item.key, ())
        if len(backs) == 1:
            links = (
                f' <span class="citekb-backs"><a class="citekb-back" href="#{_esc(backs[0])}"'
                ' aria-label="Back to the citation">↩</a></span>'
            )
        else:
            numbered = " ".join(
                f'<a class="citekb-back" href="#{_esc(a)}"'
                f' aria-label="Back to citation {i} of this work">{i}</a>'
                for i, a in enumerate(backs, 1)
            )
            links = (
                f' <span class="citekb-backs"><span aria-hidden="true">↩</span> {numbered}</span>'
                if backs
                else ""
            )
        items.append(reference_item(item, refs, links))
    summary = _evidence_summary(keys, refs, searchable)
    return f'{summary}<ul class="citekb-references"{hidden_from_search(searchable)}>{"".join(items)}</ul>'


def hidden_from_search(searchable: bool) -> str:
    """The attribute that keeps an element out of Material's search index (unless wanted)."""
    return "" if searchable else " data-search-exclude"


def _evidence_summary(keys: Iterable[str], refs: References, searchable: bool = True) -> str:
    if not refs.evidence:
        return ""

    kinds = [refs.evidence[k] for k in dict.fromkeys(keys) if k in refs.evidence]
    text = summarize(kinds)
    if not text:
        return ""
    return (
        f'<p class="citekb-evidence-summary"{hidden_from_search(searchable)}>'
        "<strong>Evidence on this page:</strong>"
        f" {_esc(text)}</p>"
    )


def bibliography_html(
    refs: References,
    backlinks: Mapping[str, Sequence[Backlink]],
    keys: Iterable[str] | None = None,
) -> str:
    """Every work (``keys``: those works) once, each with "Cited on:" links to the citing
    places."""
    items = []
    for item in refs.ordered(keys):
        links = backlinks.get(item.key, ())
        cited = ""
        if links:
            cited = f'<div class="citekb-cited-on">Cited on: {_backlinks_html(links)}</div>'
        items.append(reference_item(item, refs, cited))
    return f'<ul class="citekb-references citekb-bibliography">{"".join(items)}</ul>'


def _backlinks_html(links: Sequence[Backlink]) -> str:
    """Places under one label share it: "Page › Section", then "2", "3" for further places."""
    groups: dict[str, list[str]] = {}
    for link in links:
        groups.setdefault(link.label, []).append(link.href)
    out = []
    for label, hrefs in groups.items():
        first = f'<a class="citekb-backlink" href="{_esc(hrefs[0])}">{_esc(label)}</a>'
        more = "".join(
            f' <a class="citekb-backlink citekb-backlink--more" href="{_esc(h)}"'
            f' aria-label="{_esc(label)}, citation {n}">{n}</a>'
            for n, h in enumerate(hrefs[1:], 2)
        )
        out.append(first + more)
    return "; ".join(out)


# --- the extension ------------------------------------------------------------------------


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def marker_lines(lines: Sequence[str], marker: str = BIBLIOGRAPHY_MARKER) -> list[int]:
    """Indexes of the lines that hold only ``marker``, outside fenced or indented code
    (documentation that shows the marker keeps it as text)."""
    out: list[int] = []
    fence = ""
    for i, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            if match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
                fence = "" if line.strip() == match[1] else fence
        elif match:
            fence = match[1]
        elif line.strip() == marker and not line.startswith(("    ", "\t")):
            out.append(i)
    return out


def _replace_markers(lines: list[str], blocks: Mapping[str, Callable[[], str]]) -> list[str]:
    """``lines`` with each line that holds only a marker replaced by its block's HTML."""
    for marker, block in blocks.items():
        if marker in "\n".join(lines) and (at := marker_lines(lines, marker)):
            html = block()
            lines = [html if i in at else line for i, line in enumerate(lines)]
    return lines


class CitePreprocessor(Preprocessor):
    """Replace citation clusters by stashed HTML and append the page's References."""

    def __init__(self, md: Markdown, ext: CitekbExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, lines: list[str]) -> list[str]:
        data = self.ext.site_data()
        stash = self.md.htmlStash.store
        lines = _replace_markers(
            lines,
            {
                BIBLIOGRAPHY_MARKER: lambda: stash(
                    bibliography_html(data.refs, data.backlinks, data.cited)
                ),
                FULL_BIBLIOGRAPHY: lambda: stash(bibliography_html(data.refs, data.backlinks)),
            },
        )
        text = "\n".join(lines).rstrip("\n")
        here = marker_lines(lines, PAGE_BIBLIOGRAPHY) if PAGE_BIBLIOGRAPHY in text else []
        if "@" not in text:
            return [line for i, line in enumerate(lines) if i not in here]
        found, shift = self.ext.clusters(text, data)
        # reused clusters index the page as loaded (front matter included): resolve there
        source = data.pages[data.page].text if shift else text
        clusters, hidden = self.ext.resolved(source, found)
        refs = self.ext.refs_for(clusters)
        anchors = citation_anchors(c for cl in clusters for c in cl.citations)
        positions = None
        if refs.layout.note:
            positions = note_positions((ordered_citations(cl, refs) for cl in clusters), refs)
        out: list[str] = []
        last = 0
        cited: dict[str, list[str]] = {}
        notes: list[str] = []  # a note style's clusters, each a numbered note
        for cluster in [*clusters, None]:
            while hidden and (cluster is None or hidden[0][0] < cluster.start):
                start, last_hidden = hidden.pop(0)  # an alias line: not shown
                out.append(text[last : start - shift])
                last = last_hidden - shift
            if cluster is None:
                break
            start, end = cluster.start - shift, cluster.end - shift
            if start < last:  # nested inside a cluster already rendered
                continue
            out.append(text[last:start])
            rendered = cluster_html(cluster, refs, anchors, positions)
            if refs.layout.note:
                notes.append(rendered)
                rendered = note_marker(len(notes))
            out.append(self.md.htmlStash.store(rendered))
            last = end
            for citation in cluster.citations:
                if citation.key in refs:
                    cited.setdefault(citation.key, []).append(anchors[citation.offset])
        out.append(text[last:])
        if notes:
            out.append("\n\n## Notes\n\n")
            out.append(stash(notes_html(notes)))
        listing = ""
        if cited:
            listing = references_html(cited, refs, cited, searchable=data.searchable)
        result = "".join(out)
        if here:  # mkdocs-bibtex's `\bibliography`: the page's references go there
            return _replace_markers(
                result.rstrip("\n").split("\n"),
                {PAGE_BIBLIOGRAPHY: lambda: stash(listing) if listing else ""},
            )
        if cited:
            result += f"\n\n## {data.references_title}\n\n" + stash(listing)
        # a trailing newline would end up inside the last paragraph and stop the stashed
        # block from replacing its <p> wrapper
        return result.rstrip("\n").split("\n")


class _InlineAssets(Preprocessor):
    """Append the stylesheet and the preview script, for hosts that cannot link assets.

    A stashed block at the end of the document: never a postprocessor, which the ``toc``
    extension also runs over each heading's text (the CSS would land in every heading's id
    and table-of-contents entry).
    """

    def run(self, lines: list[str]) -> list[str]:
        css = (ASSETS / "citekb.css").read_text(encoding="utf-8")
        js = (ASSETS / "citekb.js").read_text(encoding="utf-8")
        block = self.md.htmlStash.store(f"<style>{css}</style>\n<script>{js}</script>")
        return [*lines, "", block]


class CitekbExtension(Extension):
    """Citations with APA formatting; standalone (``bibliography``) or fed by the MkDocs plugin."""

    def __init__(self, site: SiteData | None = None, **kwargs: Any) -> None:
        self.config = {
            "bibliography": [[], "BibTeX files to load when used without the MkDocs plugin."],
            "style": ["apa", "`apa` or a path to a CSL style."],
            "xref_prefixes": [["fig", "tbl", "eq", "sec"], "Cross-reference key prefixes."],
            "references_title": ["References", "Heading of each page's reference list."],
            "evidence": ["", "Evidence YAML for `forest` blocks (without the MkDocs plugin)."],
            "inline_assets": [
                False,
                "Append citekb's CSS and preview script to each document (sites without the"
                " MkDocs plugin, which links them instead).",
            ],
        }
        super().__init__(**kwargs)
        self.site = site
        self._library: Any = None
        self._engine: Any = None
        self._evidence_read: Evidence | None = None

    def extendMarkdown(self, md: Markdown) -> None:  # Python-Markdown's name
        md.registerExtension(self)
        # after whitespace normalisation (30), before forest blocks (26), fenced code (25) and
        # raw HTML (20) are stashed: the text is then the page as loaded, whose clusters are reused
        md.preprocessors.register(CitePreprocessor(md, self), "citekb", 27)
        # before fenced code (25), which would otherwise show the block as code
        md.preprocessors.register(ForestPreprocessor(md, self.site_data), "citekb-forest", 26)
        if self.getConfig("inline_assets"):
            md.preprocessors.register(_InlineAssets(md), "citekb-assets", 24)

    def site_data(self) -> SiteData:
        if self.site is not None:
            return self.site
        return SiteData(
            xref_prefixes=tuple(self.getConfig("xref_prefixes")),
            references_title=str(self.getConfig("references_title")),
            evidence=self._evidence(),
        )

    def _evidence(self) -> Evidence | None:
        """The standalone ``evidence`` file, read once; its problems are logged."""
        path = str(self.getConfig("evidence"))
        if not path:
            return None
        if self._evidence_read is None:
            from pathlib import Path

            try:
                text = read_regular(Path(path)).decode("utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("%s: cannot read the evidence file: %s", path, exc)
                self._evidence_read = Records(path=path)
            else:
                self._evidence_read, problems = parse_evidence(text, path)
                for d in problems:
                    log.warning("%s: %s [%s] (%s)", d.location, d.message, d.code, d.hint)
        return self._evidence_read

    def clusters(self, text: str, data: SiteData) -> tuple[Sequence[Cluster], int]:
        """The page's clusters and the offset to subtract from theirs to index ``text``.

        A loaded page whose body is ``text`` gives its own clusters (the page is not scanned
        again); other texts are scanned once per distinct text.
        """
        import hashlib

        page = data.pages.get(data.page)
        if page is not None:
            body = text.rstrip("\n")
            full = page.text.rstrip("\n")
            shift = len(full) - len(body)
            starts_a_line = shift == 0 or full[shift - 1] == "\n"
            if (
                full.endswith(body)
                and starts_a_line
                and all(cl.start >= shift for cl in page.clusters)
            ):
                return page.clusters, shift
        digest = hashlib.sha1(f"{data.xref_prefixes}\0{text}".encode(), usedforsecurity=False)
        key = digest.hexdigest()
        found = data.clusters.get(key)
        if found is None:
            found = data.clusters[key] = scan_clusters(
                text, data.page, xref_prefixes=data.xref_prefixes
            )
        return found, 0

    def resolved(
        self, text: str, clusters: Sequence[Cluster]
    ) -> tuple[list[Cluster], list[tuple[int, int]]]:
        """Clusters citing entries by key (not identifier or alias), and the alias lines."""

        if self.site is not None:
            keys = self.site.refs.cited_as
        else:
            cites = [c for cl in clusters for c in cl.citations]
            keys = resolve_keys(self._standalone_library(), [(text, cites)])[0].keys
        return resolve_clusters(text, clusters, keys)

    def _standalone_library(self) -> Any:
        if self._library is None:
            self._library, problems = read_library(self.getConfig("bibliography"))
            for d in problems:
                log.warning("%s: %s [%s] (%s)", d.location, d.message, d.code, d.hint)
            self._engine = Engine(style_path(str(self.getConfig("style"))))
        return self._library

    def refs_for(self, clusters: Sequence[Cluster]) -> References:
        """The plugin's site-wide references, or (standalone) this document's own."""
        if self.site is not None:
            return self.site.refs

        self._standalone_library()
        keys = [c.key for cl in clusters for c in cl.citations]
        return references_for(self._library, keys, self._engine)


def makeExtension(**kwargs: Any) -> CitekbExtension:
    return CitekbExtension(**kwargs)
