"""Run the CSL processor test suite (citation-style-language/test-suite) through citekb's
engine and print the pass rate per category.

    python benchmarks/csl_test_suite.py /path/to/test-suite/processor-tests/humans
    python benchmarks/csl_test_suite.py PATH --untouched      # citeproc-py without citekb
    python benchmarks/csl_test_suite.py PATH --only disambiguate --show-failures

citekb's engine here is citeproc-py with citekb's adapter (``render/csl_patches.py``:
substitutes suppressed, labels cased, memoised look-ups) and the reference post-processing
that is not APA-specific (no "?." or ".."). citekb's own composition of citations (year
letters, added names, numbering in :mod:`citekb.render.style`) works on its records, not on
fixtures, and is tested by ``tests/render/test_csl_engine.py``. The suite is never copied into
the repository: fetch it and pass its path.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import re
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECTION = re.compile(r">>=+ *([A-Z-]+) *=+>>\n(.*?)\n<<=+ *\1 *=+<<", re.S)
#: Fixtures that test citeproc-js features rather than CSL (citeproc-py skips them too).
IGNORED = {
    "date_Accessed",
    "date_LoneJapaneseMonth",
    "date_LopsidedDataYearSuffixCollapse",
    "date_RawParseSimpleDate",
    "date_RawSeasonRange1",
    "date_RawSeasonRange2",
    "date_RawSeasonRange3",
    "date_String",
}


@dataclass
class Fixture:
    name: str
    mode: str
    result: str
    csl: str
    input: list[dict[str, Any]]
    citation_items: list[list[dict[str, Any]]] | None = None
    citations: list[Any] | None = None
    bibentries: list[list[str]] | None = None
    bibsection: Any = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def category(self) -> str:
        return self.name.split("_", 1)[0]


def parse_fixture(path: Path) -> Fixture:
    """A human-readable fixture: ``>>== NAME ==>> … <<== NAME ==<<`` sections."""
    text = path.read_text(encoding="utf-8")
    sections = dict(SECTION.findall(text))

    def load(name: str) -> Any:
        body = sections.get(name)
        return json.loads(body) if body and body.strip() else None

    return Fixture(
        name=path.stem,
        mode=sections["MODE"].strip(),
        result=sections.get("RESULT", ""),
        csl=sections["CSL"],
        input=load("INPUT") or [],
        citation_items=load("CITATION-ITEMS"),
        citations=load("CITATIONS"),
        bibentries=load("BIBENTRIES"),
        bibsection=load("BIBSECTION"),
    )


def _citation_item(data: dict[str, Any]) -> Any:
    from citeproc import CitationItem, Locator

    options: dict[str, Any] = {}
    key = ""
    for name, value in data.items():
        if name == "id":
            key = str(value)
        elif name == "locator":
            options["locator"] = Locator(data.get("label", "page"), value)
        elif name != "label":
            options[name.replace("-", "_")] = value
    return CitationItem(key, **options)


def _documents(calls: list[Any]) -> list[list[dict[str, Any]]]:
    """The document after each ``processCitationCluster`` call of a CITATIONS section
    (``[citation, citationsPre, citationsPost]``): its citations in order, note numbers
    as the call gives them, a citation processed again replaced."""
    known: dict[str, dict[str, Any]] = {}
    documents = []
    for index, (data, pre, post) in enumerate(calls):
        cid = str(data.get("citationID") or f"CITATION-{index}")
        known[cid] = data
        document = []
        for other, note in pre:
            document.append({**known[str(other)], "properties": {"noteIndex": note}})
        note = data.get("properties", {}).get("noteIndex", 0)
        document.append({**data, "citationID": cid, "properties": {"noteIndex": note}})
        for other, note in post:
            document.append({**known[str(other)], "properties": {"noteIndex": note}})
        documents.append(document)
    return documents


def _states(fixture: Fixture, document: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What makes citeproc-js re-render a citation besides its text: its note number when
    the style prints first-reference note numbers, its works' numbers in a numeric style."""
    numbers: dict[str, int] = {}
    for data in document:
        for cite in data["citationItems"]:
            numbers.setdefault(str(cite["id"]), len(numbers) + 1)
    out = []
    for data in document:
        note = data["properties"]["noteIndex"]
        out.append(
            (
                note if "first-reference-note-number" in fixture.csl else 0,
                tuple(numbers[str(c["id"])] for c in data["citationItems"])
                if "citation-number" in fixture.csl
                else (),
            )
        )
    return out


def _render_document(fixture: Fixture, document: list[dict[str, Any]], adapter: bool) -> list[str]:
    """Each citation of a document, rendered with all of them registered in order."""
    return _render(fixture, _citations(document), adapter).split("\n")


def _citations(document: list[dict[str, Any]]) -> list[Any]:
    from citeproc import Citation

    citations = []
    for data in document:
        citation = Citation([_citation_item(i) for i in data["citationItems"]])
        citation.key = data.get("citationID")
        citation.note_index = data.get("properties", {}).get("noteIndex", 0)
        citations.append(citation)
    return citations


def run_fixture(fixture: Fixture, adapter: bool) -> str:
    """What the engine renders for a fixture, in the suite's result format. A CITATIONS
    fixture shows the document after its last call, as citeproc-js's runner does: ``>>``
    marks the citations that call (re)rendered (new, changed, or moved to another note)."""
    if fixture.citations and fixture.mode != "citation":
        return _render(fixture, _citations(_documents(fixture.citations)[-1]), adapter)
    if fixture.citations:
        documents = _documents(fixture.citations)
        last = documents[-1]
        now = _render_document(fixture, last, adapter)
        before: dict[str, tuple[str, Any]] = {}
        if len(documents) > 1:
            old = _render_document(fixture, documents[-2], adapter)
            states = _states(fixture, documents[-2])
            for data, text, state in zip(documents[-2], old, states, strict=True):
                before[data["citationID"]] = (text, state)
        processed = fixture.citations[-1][0].get("citationID")
        lines = []
        states = _states(fixture, last)
        for index, (data, text) in enumerate(zip(last, now, strict=True)):
            state = (text, states[index])
            same = data["citationID"] != processed and before.get(data["citationID"]) == state
            lines.append(f"{'..' if same else '>>'}[{index}] {text}")
        return "\n".join(lines)
    return _render(fixture, None, adapter)


def _render(fixture: Fixture, citations: list[Any] | None, adapter: bool) -> str:
    from citeproc import Citation, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    if adapter:
        from citekb.render.csl_adapter import adapt_citeproc

        adapt_citeproc(own_numbers=False)  # the suite checks citeproc's own numbers
    items = copy.deepcopy(fixture.input)
    for index, item in enumerate(items):
        item.setdefault("id", index)
        item.setdefault("type", "book")
    style = CitationStylesStyle(io.BytesIO(fixture.csl.encode()), validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.html)
    if citations is None and fixture.citation_items:
        citations = [Citation([_citation_item(i) for i in c]) for c in fixture.citation_items]
    elif citations is None and fixture.bibentries:
        citations = [Citation([_citation_item({"id": k}) for k in fixture.bibentries[-1]])]
    synthesized = citations is None and not fixture.citation_items and not fixture.bibentries
    if synthesized:
        citations = [Citation([_citation_item({"id": i["id"]}) for i in items])]
    assert citations is not None
    for citation in citations:
        bib.register(citation)
    if style.has_bibliography():
        bib.sort()
        if synthesized:  # citeproc-js's runner cites every item in bibliography order
            citations = [Citation([_citation_item({"id": k}) for k in bib.keys])]
            bib.register(citations[0])
    lines: list[str] = []
    if fixture.mode == "citation":
        for citation in citations:
            text = str(bib.cite(citation, lambda _item: None))
            if adapter and style.root.get_locale_option("punctuation-in-quote").lower() == "true":
                text = re.sub("\u201d([,.])", "\\1\u201d", text)  # as citekb's cites
            lines.append(text)
    else:
        entries = [str(e) for e in bib.bibliography()]
        if adapter:
            entries = [_post(e, style) for e in entries]
        lines.append('<div class="csl-bib-body">')
        firsts = _first_fields(bib) if len(entries) == len(bib.items) else []
        for entry, first in zip(entries, firsts or [""] * len(entries), strict=True):
            if first and entry.startswith(first):  # second-field-align: two blocks
                lines.append('  <div class="csl-entry">')
                lines.append(
                    f'    <div class="csl-left-margin">{first}</div>'
                    f'<div class="csl-right-inline">{entry[len(first) :]}</div>'
                )
                lines.append("  </div>")
            else:
                lines.append(f'  <div class="csl-entry">{entry}</div>')
        lines.append("</div>")
    escaped = {"&amp;": "&#38;", "&lt;": "&#60;", "&gt;": "&#62;"}  # citeproc-js's escapes
    return re.sub("&(amp|lt|gt);", lambda m: escaped[m.group()], "\n".join(lines))


def _first_fields(bib: Any) -> list[str]:
    """Each entry's first field (the layout's first element, as rendered), which a style
    with ``second-field-align`` (or a first element shown in the left margin) sets apart;
    [] for other styles."""
    bibliography = bib.style.root.bibliography
    if bibliography is None:
        return []
    layout = bibliography.layout
    children = list(layout)
    aligned = bibliography.get("second-field-align")
    if not children or not (aligned or children[0].get("display") == "left-margin"):
        return []
    out = []
    for item in bib.items:
        layout.repressed = {}
        try:
            text = children[0].render(item)
        except Exception:  # the whole entry then stays one block
            text = None
        out.append(str(text) if text is not None else "")
    return out


def _post(html: str, style: Any) -> str:
    """citekb's clean-up of a reference (``render/style.py``): no period after "?", "!" or
    ".", and a period or comma inside closing quotes where the locale says so."""
    html = re.sub(r"([?!]|(?<![.])\.)(</[a-z]+>)?\.(?=\s|$|<)", r"\1\2", html)
    if style.root.get_locale_option("punctuation-in-quote").lower() == "true":
        html = re.sub("\u201d([,.])", "\\1\u201d", html)
    return html


def run(folder: Path, adapter: bool, only: str | None, show: bool) -> int:
    warnings.simplefilter("ignore")  # citeproc-py warns about every CSL variable it lacks
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    skipped = 0
    start = time.perf_counter()
    for path in sorted(folder.glob("*.txt")):
        try:
            fixture = parse_fixture(path)
        except (KeyError, json.JSONDecodeError):
            skipped += 1
            continue
        if fixture.name in IGNORED or fixture.mode not in ("citation", "bibliography"):
            skipped += 1
            continue
        if only and fixture.category != only:
            continue
        total[fixture.category] += 1
        try:
            got = run_fixture(fixture, adapter)
        except Exception as exc:  # a fixture the engine cannot run counts as failed
            got = f"<{type(exc).__name__}: {exc}>"
        if got.strip() == fixture.result.strip():
            passed[fixture.category] += 1
        elif show:
            print(f"--- {fixture.name}\nexpected: {fixture.result}\n     got: {got}\n")
    engine = "citekb adapter on citeproc-py" if adapter else "citeproc-py untouched"
    print(f"CSL test suite ({engine}); {skipped} fixtures skipped (other modes, citeproc-js only)")
    print(f"{'category':<14}{'passed':>7}{'total':>7}{'rate':>7}")
    for category in sorted(total):
        rate = passed[category] / total[category]
        print(f"{category:<14}{passed[category]:>7}{total[category]:>7}{rate:>7.0%}")
    overall = sum(passed.values()), sum(total.values())
    print(f"{'overall':<14}{overall[0]:>7}{overall[1]:>7}{overall[0] / max(overall[1], 1):>7.0%}")
    print(f"({time.perf_counter() - start:.1f} s)")
    return overall[0]


def pass_rates(folder: Path, adapter: bool = True) -> dict[str, tuple[int, int]]:
    """Category -> (passed, total), for tests."""
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run(folder, adapter, None, False)
    rates = {}
    for line in out.getvalue().splitlines()[2:]:
        parts = line.split()
        if len(parts) == 4 and parts[1].isdigit():
            rates[parts[0]] = (int(parts[1]), int(parts[2]))
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the suite's processor-tests/humans folder")
    parser.add_argument("--untouched", action="store_true", help="citeproc-py without citekb")
    parser.add_argument("--only", help="one category, e.g. disambiguate")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder}: not a folder (fetch citation-style-language/test-suite)")
        return 2
    run(args.folder, not args.untouched, args.only, args.show_failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
