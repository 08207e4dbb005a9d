"""The site's references: formatted once (through the cache of :class:`~citekb.project.files.FormatCache`),
the cache keys, the export blocks and the fingerprint of a project's inputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citekb.core.diagnostics import Code, diagnostic
from citekb.pages.markers import has_full_bibliography
from citekb.project.cache import add_contents, cache_folder, code_digest
from citekb.project.files import FormatCache
from citekb.project.load import bibliography_files, style_engine
from citekb.render.style import references_for
from citekb.sources.export import FORMATS, entry_blocks, join_blocks
from citekb.sources.trust import Trust

if TYPE_CHECKING:
    from collections.abc import Iterable, MutableMapping, Sequence

    from citekb.core.config import Config
    from citekb.core.diagnostics import Diagnostic
    from citekb.core.model import Entry
    from citekb.project.load import Project
    from citekb.render.style import Engine, References
    from citekb.sources.evidence import Evidence

ASSETS = Path(__file__).parent.parent / "assets"
#: Bumped when the export writers change what they write for an entry.
EXPORT_VERSION = "1"
#: Bumped when the cached project state changes shape.
CACHE_VERSION = "citekb-state-2"
#: Where the assets land in the built site (``extra_css``/``extra_javascript`` entries).
ASSET_URIS = ("assets/citekb/citekb.css", "assets/citekb/citekb.js")


def export_key(entry: Entry) -> str:
    """The cache key of an entry's export blocks: its key, type and fields."""
    import hashlib

    blob = json.dumps([EXPORT_VERSION, entry.key, entry.type, sorted(entry.fields.items())])
    return hashlib.sha256(blob.encode()).hexdigest()


def export_texts(entries: Sequence[Entry], cache: MutableMapping[str, Any]) -> dict[str, str]:
    """Each export format's file for ``entries``, joined from per-entry blocks kept in ``cache``
    (so an edit elsewhere does not decode every entry's LaTeX again)."""

    blocks = []
    for entry in entries:
        key = export_key(entry)
        found = cache.get(key)
        if not (isinstance(found, dict) and all(isinstance(found.get(f), str) for f in FORMATS)):
            found = cache[key] = entry_blocks(entry)
        blocks.append(found)
    return {fmt: join_blocks(fmt, [block[fmt] for block in blocks]) for fmt in FORMATS}


def cache_file(root: Path, cache_dir: str | None, style_id: str) -> Path | None:
    """``references-<style_id>.json`` in the cache folder (None: no cache, or one outside)."""

    folder = cache_folder(root, cache_dir)
    return folder / f"references-{style_id}.json" if folder is not None else None


def fingerprint(root: Path, config: Config, extra: str = "", *, pages: bool = True) -> str:
    """A digest of everything ``load_project`` reads: config, and each input file's name and
    content (without ``pages``, all but the docs). Any edit, addition or removal changes it."""
    import hashlib

    digest = hashlib.sha256(f"{CACHE_VERSION}\0{config!r}\0{extra}".encode())
    paths: set[Path] = set()
    docs = root / config.docs_dir
    if docs.is_dir() and pages:
        paths.update(p for p in docs.rglob("*"))
    paths.update(bibliography_files(root, config)[0])
    if config.evidence:
        paths.add(root / config.evidence)
    paths.add(root / "mkdocs.yml")
    digest.update(code_digest().encode())  # citekb's own code and styles
    add_contents(digest, sorted(paths))
    return digest.hexdigest()


def works_key(project: Project, config: Config, extra: str = "") -> str:
    """A digest of what :func:`site_references` and the cited entries depend on: config,
    library, evidence, citekb's code, ``extra``, and the keys the pages cite in order (an
    edit of a page's prose keeps it)."""
    keys = "\n".join(c.key for p in project.pages for c in p.citations)
    full = any(has_full_bibliography(p.text) for p in project.pages)
    aliases = sorted(project.resolution.keys.items())
    text = f"works\0{extra}\0{full}\0{aliases!r}\0{keys}"
    return fingerprint(project.root, config, text, pages=False)


def evidence_types(evidence: Evidence | None, keys: Iterable[str]) -> dict[str, str]:
    """Key -> evidence type for the keys that have a record (empty without evidence)."""
    if evidence is None:
        return {}
    return {k: kind for k in dict.fromkeys(keys) if (kind := evidence.type_of(k))}


def site_references(
    project: Project, engine: Engine, cache: MutableMapping[str, Any] | None = None
) -> References:
    """Every work the site cites (every entry where a page holds ``\\full_bibliography``),
    formatted once with its evidence type: the one reference
    set the MkDocs plugin and the PDF handouts share (same year suffixes, same badges).

    Raises :class:`~citekb.render.style.StyleError` when citeproc-py cannot use the style.
    """
    from dataclasses import replace

    keys = [c.key for p in project.pages for c in p.citations]
    if any(has_full_bibliography(p.text) for p in project.pages):  # every entry is shown
        keys += list(project.library.by_key)
    evidence = evidence_types(project.evidence, keys)
    refs = references_for(project.library, keys, engine, cache, evidence)
    refs = replace(refs, trust=evidence_trust(project, keys))
    return replace(refs, cited_as=project.resolution.keys) if project.resolution.keys else refs


def cached_references(
    project: Project, engine: Engine | None = None, cache: FormatCache | None = None
) -> References:
    """The site's references through the reference cache: every caller's one sequence.

    The style's engine (the configured style unless ``engine`` is given), its cache file under
    ``cache_dir`` (:func:`cache_file`), :func:`site_references`, then the cache is saved. A
    ``cache`` that is given is the caller's to keep and save (the MkDocs plugin keeps it
    across rebuilds and saves it after the build). Raises
    :class:`~citekb.render.style.StyleError` for a style that cannot be read or used.
    """
    engine = engine if engine is not None else style_engine(project.config, project.root)
    if cache is not None:
        return site_references(project, engine, cache)
    own = FormatCache(cache_file(project.root, project.config.cache_dir, engine.id))
    refs = site_references(project, engine, own)
    own.save()
    return refs


def evidence_trust(project: Project, keys: Iterable[str]) -> Trust:
    """Each cited work's verification status and notices, with the configured labels."""

    labels = dict(project.config.verification_labels)
    if project.evidence is None:
        return Trust(labels=labels)
    status: dict[str, str] = {}
    notices = {}
    for key in dict.fromkeys(keys):
        record = project.evidence.get(key)
        if record is not None:
            status[key] = record.status
            if record.notices:
                notices[key] = record.notices
    return Trust(status, notices, labels)


def citeproc_failures(project: Project, refs: References) -> list[Diagnostic]:
    """``citeproc-failed`` at each entry that citeproc-py could not format (a fallback is shown)."""
    found = []
    for item in refs.entries.values():
        if item.error:
            entry = project.library.get(item.key)
            found.append(
                diagnostic(
                    Code.CITEPROC_FAILED,
                    entry.path if entry else "",
                    entry.line if entry else 0,
                    1 if entry else 0,
                    f"citeproc-py could not format {item.key}: {item.error}",
                    "check the entry's names and dates, or ignore citeproc-failed",
                )
            )
    return found
