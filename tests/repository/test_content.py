"""Content checks for the knowledge base itself: pages, library and evidence records.

These guard the prose in ``docs/`` rather than the citekb code: no copying from the seed
articles, valid front matter, enough pages, citations and cross-links, a library that matches
what the pages cite, and an evidence record for every source.
"""

from __future__ import annotations

import datetime as dt
import re

import bibtexparser
import pytest
import yaml
from markdown.extensions.toc import slugify

from citekb.sources.evidence import EVIDENCE_TYPES as _EVIDENCE_TYPES
from support import REPO

DOCS = REPO / "docs"
SEEDS = REPO / ".." / "shared" / "seeds"
LIBRARY = REPO / "references" / "library.bib"
EVIDENCE = REPO / "references" / "evidence.yaml"

EVIDENCE_TYPES = set(_EVIDENCE_TYPES)
STATUSES = {"V-primary", "V-secondary", "unverified"}
MEASURES = {"OR", "RR", "HR", "percent", "count", "times", "one-in-n", "SMD", "MD", "g", "d"}
HANDOUTS = {
    "handout-signs.md",
    "handout-small-steps.md",
    "handout-connection-health.md",
    "handout-getting-help.md",
}
# The pages added for issue 15, each with the sources it must cite.
NEW_PAGES: dict[str, set[str]] = {
    "what-helps.md": {"masi2011", "hickin2021", "veronese2021", "eccles2021", "lasgaard2025"},
    "isolation-vs-loneliness.md": {"steptoe2013", "valtorta2016measures", "nasem2020", "who2025"},
    "loneliness-depression.md": {"cacioppo2006", "cacioppo2010", "mann2022"},
    "getting-help.md": {"lifeline988_us", "helpline988_ca", "samaritans_uk", "nhs111_mh"},
    "supporting-someone.md": {"feeney2007", "vogel2005", "hickin2021", "bodenmann2020"},
    "couple-therapy.md": {"wiebe2016", "bodenmann2020", "feeney2007"},
    "handout-getting-help.md": {"lifeline988_us", "helpline988_ca", "samaritans_uk", "nhs111_mh"},
}
REQUIRED_PAGES = (
    {
        "index.md",
        "hyper-independence.md",
        "toxic-independence.md",
        "origins.md",
        "codependence.md",
        "health-effects.md",
        "small-steps.md",
        "claim-check.md",
        "glossary.md",
        "methods.md",
    }
    | HANDOUTS
    | set(NEW_PAGES)
)

RUN = 12  # longest allowed run of words shared with a seed article, minus one

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
_CODE = re.compile(r"`[^`\n]*`")
# A pandoc citation key: starts with a word character, may hold internal punctuation.
_CITE = re.compile(r"(?<![\w@.])-?@([A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*\w)?)")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$", re.M)
# A quotation may wrap across lines but not across paragraphs.
_QUOTED = re.compile(r"“(?:[^”\n]|\n(?!\s*\n))*”|\"(?:[^\"\n]|\n(?!\s*\n))*\"")


def _pages() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))}


def _split(text: str) -> tuple[dict[str, object], str]:
    match = _FRONT.match(text)
    if not match:
        return {}, text
    meta = yaml.safe_load(match.group(1))
    return (meta if isinstance(meta, dict) else {}), text[match.end() :]


def _prose(text: str) -> str:
    """Body text without fenced code blocks and inline code spans."""
    return _CODE.sub(" ", _FENCE.sub(" ", _split(text)[1]))


def cited_keys(text: str) -> list[str]:
    return _CITE.findall(_prose(text))


def _library_keys() -> list[str]:
    return [entry.key for entry in bibtexparser.parse_file(str(LIBRARY)).entries]


def _words(text: str) -> list[str]:
    words = (re.sub(r"[^\w]", "", token.lower()) for token in text.split())
    return [w for w in words if w]


def shared_runs(page: str, seed_grams: set[tuple[str, ...]]) -> list[str]:
    """Runs of ``RUN`` words in ``page`` (outside quotation marks) that occur in a seed."""
    hits = []
    for segment in _QUOTED.split(page):
        words = _words(segment)
        for i in range(len(words) - RUN + 1):
            gram = tuple(words[i : i + RUN])
            if gram in seed_grams:
                hits.append(" ".join(gram))
    return hits


def _anchors(text: str) -> set[str]:
    return {slugify(m.group(2), "-") for m in _HEADING.finditer(_FENCE.sub("", text))}


# --- (a) no copying from the seed articles -------------------------------------------------


def test_shared_runs_detects_a_copied_sentence() -> None:
    seed = "one two three four five six seven eight nine ten eleven twelve thirteen"
    grams = {tuple(_words(seed)[i : i + RUN]) for i in range(2)}
    copied = "Intro. One, two three four five six seven eight nine ten eleven twelve!"
    assert shared_runs(copied, grams) == [" ".join(_words(seed)[:RUN])]
    assert shared_runs(f'Intro "{copied}" outro.', grams) == []
    wrapped = copied.replace(" six ", " six\n")
    assert shared_runs(f'Intro "{wrapped}" outro.', grams) == []
    assert shared_runs(f'Intro "{wrapped}\n\nOutro."', grams) != []  # a quote ends at a blank line


def test_no_page_copies_twelve_words_from_a_seed() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    grams: set[tuple[str, ...]] = set()
    for seed in SEEDS.iterdir():
        words = _words(seed.read_text(encoding="utf-8"))
        grams.update(tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1))
    assert grams, "no seed text was read"
    copied = {name: runs for name, text in _pages().items() if (runs := shared_runs(text, grams))}
    assert copied == {}, f"pages share {RUN}-word runs with a seed article: {copied}"


# --- (b) front matter -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REQUIRED_PAGES))
def test_front_matter(name: str) -> None:
    path = DOCS / name
    assert path.is_file(), f"docs/{name} is missing"
    meta, body = _split(path.read_text(encoding="utf-8"))
    assert isinstance(meta.get("title"), str) and meta["title"], f"{name}: title must be a string"
    assert isinstance(meta.get("summary"), str) and meta["summary"], f"{name}: summary"
    tags = meta.get("tags")
    assert isinstance(tags, list) and tags, f"{name}: tags must be a non-empty list, got {tags!r}"
    assert all(isinstance(t, str) for t in tags), f"{name}: every tag must be a string"
    assert isinstance(meta.get("reviewed"), dt.date), f"{name}: reviewed must be an ISO date"
    assert (meta.get("handout") is True) == (name in HANDOUTS), f"{name}: handout flag"
    assert body.strip(), f"{name}: empty body"


def test_every_page_has_front_matter() -> None:
    missing = [name for name, text in _pages().items() if not _FRONT.match(text)]
    assert missing == [], f"pages without front matter: {missing}"


# --- (c) size, citations and cross-links ----------------------------------------------------


def test_enough_pages_and_citations() -> None:
    pages = _pages()
    assert len(pages) >= 8, f"only {len(pages)} content pages: {sorted(pages)}"
    counts = {name: len(cited_keys(text)) for name, text in pages.items()}
    assert sum(counts.values()) >= 25, f"only {sum(counts.values())} citations: {counts}"


def test_citation_regex() -> None:
    text = "A [@a; @b, p. 3] and @c_d says; mail x@y.org; `[@code]` -@e."
    assert cited_keys(text) == ["a", "b", "c_d", "e"]


@pytest.mark.parametrize("name", sorted(REQUIRED_PAGES))
def test_page_links_to_two_other_pages(name: str) -> None:
    pages = _pages()
    targets = {link.split("#")[0] for link in _LINK.findall(_prose(pages[name])) if ".md" in link}
    others = targets - {name}
    assert len(others) >= 2, f"{name} links to {sorted(others)}; needs at least 2 other pages"


def test_links_resolve_to_pages_and_headings() -> None:
    pages = _pages()
    broken = []
    for name, text in pages.items():
        for link in _LINK.findall(_prose(text)):
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            target, _, anchor = link.partition("#")
            path = DOCS / (target or name)
            if not path.is_file():
                broken.append(f"{name}: {link} (no page)")
            elif anchor and anchor not in _anchors(path.read_text(encoding="utf-8")):
                broken.append(f"{name}: {link} (no heading #{anchor})")
    assert broken == [], "broken links:\n" + "\n".join(broken)


# --- (d) citations match the library --------------------------------------------------------


def test_cited_keys_match_library() -> None:
    library = set(_library_keys())
    cited = {key: name for name, text in _pages().items() for key in cited_keys(text)}
    unknown = {key: page for key, page in cited.items() if key not in library}
    unused = sorted(library - set(cited))
    assert unknown == {}, f"cited keys missing from library.bib: {unknown}"
    assert unused == [], f"library entries never cited: {unused}"


def test_library_has_no_duplicate_keys() -> None:
    keys = _library_keys()
    assert len(keys) == len(set(keys)), (
        f"duplicate keys: {sorted(k for k in keys if keys.count(k) > 1)}"
    )


# --- (e) evidence records -------------------------------------------------------------------


def test_every_library_key_has_a_valid_evidence_record() -> None:
    records = yaml.safe_load(EVIDENCE.read_text(encoding="utf-8"))
    keys = set(_library_keys())
    assert sorted(keys - set(records)) == [], "library keys without an evidence record"
    assert sorted(set(records) - keys) == [], "evidence records for keys not in the library"
    bad = {k: r.get("type") for k, r in records.items() if r.get("type") not in EVIDENCE_TYPES}
    assert bad == {}, f"invalid evidence types: {bad}"
    bad = {k: r.get("status") for k, r in records.items() if r.get("status") not in STATUSES}
    assert bad == {}, f"invalid record statuses: {bad}"


def test_findings_are_well_formed() -> None:
    records = yaml.safe_load(EVIDENCE.read_text(encoding="utf-8"))
    ids: list[str] = []
    problems = []
    for key, record in records.items():
        for finding in record.get("findings") or []:
            ids.append(finding["id"])
            if finding.get("status") not in STATUSES:
                problems.append(f"{key}/{finding['id']}: status {finding.get('status')!r}")
            if not finding.get("statement") or not finding.get("locator"):
                problems.append(f"{key}/{finding['id']}: statement and locator required")
            for fig in finding.get("figures") or []:
                if fig.get("measure") not in MEASURES or not isinstance(
                    fig.get("value"), int | float
                ):
                    problems.append(f"{key}/{finding['id']}: bad figure {fig}")
    assert problems == [], "\n".join(problems)
    assert len(ids) == len(set(ids)), "finding ids must be unique"


# --- handouts: plain language, short, and statistics traced to their sources ----------------

_CITE_GROUP = re.compile(r"\[[^\]]*@[^\]]*\]")
_LINK_TEXT = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def handout_prose(text: str) -> str:
    """The readable words of a page: no citations, link targets, headings or list markers."""
    body = _LINK_TEXT.sub(r"\1", _CITE_GROUP.sub("", _prose(text)))
    lines = []
    for line in body.splitlines():
        if line.lstrip().startswith("#"):
            continue
        line = re.sub(r"^\s*(?:[-*]|\d+\.)\s+", "", line).replace("*", "").strip()
        if line:
            lines.append(line)
    return " ".join(lines)


@pytest.fixture
def offline_textstat(monkeypatch: pytest.MonkeyPatch) -> object:
    """textstat, made to count syllables with pyphen only.

    For English, textstat 0.7 loads NLTK's cmudict and downloads it when it is missing;
    tests must never touch the network, so the dictionary lookup is switched off.
    """
    textstat = pytest.importorskip("textstat")
    try:
        from textstat.backend.counts import _count_syllables
    except ImportError:  # an older textstat without the cmudict lookup
        return textstat
    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: None)
    return textstat


def test_handout_prose_strips_markup() -> None:
    text = "---\ntitle: t\n---\n# Head\n\n- **Bold** item [@a; @b].\n1. See [page](x.md).\n"
    assert handout_prose(text) == "Bold item . See page."


# The crisis handout must fit on one printed page with its references, so it may be shorter.
HANDOUT_MIN_WORDS = {"handout-getting-help.md": 150}


@pytest.mark.parametrize("name", sorted(HANDOUTS))
def test_handout_is_short_and_plain(name: str, offline_textstat: object) -> None:
    prose = handout_prose((DOCS / name).read_text(encoding="utf-8"))
    words = len(prose.split())
    least = HANDOUT_MIN_WORDS.get(name, 250)
    assert least <= words <= 450, f"{name}: {words} words; handouts should be {least}-450"
    grade = offline_textstat.flesch_kincaid_grade(prose)  # type: ignore[attr-defined]
    assert grade <= 8, f"{name}: Flesch-Kincaid grade {grade:.1f} is above 8"


def test_pages_pass_the_statistics_check() -> None:
    """Every statistic on every page is cited in its sentence to a source that records it.

    The one exception is the page's own ``<!-- citekb: ignore CODE -->`` comment, which pages use
    only where a figure is plainly said to be reported by the press and not by the paper.
    """
    statcheck = pytest.importorskip("citekb.checks.statcheck")
    from citekb.checks.policy import inline_ignores
    from citekb.pages.citations import scan
    from citekb.sources.evidence import check_evidence_coverage, parse_evidence

    evidence, problems = parse_evidence(EVIDENCE.read_text(encoding="utf-8"), str(EVIDENCE))
    assert problems == [], [f"{d.location} {d.code} {d.message}" for d in problems]
    found = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        cites = list(scan(text, path.name))
        ignored = inline_ignores(text)
        page = statcheck.check_page_statistics(text, path.name, cites, evidence)
        found += [d for d in page if d.code not in ignored.get(d.line, set())]
        found += check_evidence_coverage(cites, evidence)
    assert found == [], "\n".join(f"{d.location} {d.code}: {d.message}" for d in found)


# --- issue 15: new pages, navigation, "In short" boxes, crisis lines, review fixes -----------

MKDOCS = REPO / "mkdocs.yml"
LONG_PAGE = 600  # words of prose above which a page must open with an "In short" box
BOX_MAX_WORDS = 80
BOX_MAX_GRADE = 8.0
_BOX = re.compile(r'^!!! abstract "In short"[ \t]*\n((?:(?:    |\t).*\n|[ \t]*\n(?=    ))+)', re.M)
_H1 = re.compile(r"^# .*\n", re.M)


class _MkdocsLoader(yaml.SafeLoader):
    """Safe YAML that reads mkdocs.yml's ``!!python/name`` tags as plain ``None``."""


_MkdocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _mkdocs() -> dict[str, object]:
    data = yaml.load(MKDOCS.read_text(encoding="utf-8"), Loader=_MkdocsLoader)
    assert isinstance(data, dict)
    return data


def _nav_files(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [f for item in node for f in _nav_files(item)]
    if isinstance(node, dict):
        return [f for value in node.values() for f in _nav_files(value)]
    return []


def in_short_box(text: str) -> str | None:
    """The text of the ``!!! abstract "In short"`` box that opens the page, or ``None``.

    "Opens" means the box is the first block after the page's level-1 heading.
    """
    body = _split(text)[1]
    heading = _H1.search(body)
    rest = body[heading.end() :] if heading else body
    match = _BOX.match(rest.lstrip("\n"))
    if not match:
        return None
    lines = (line.strip() for line in match.group(1).splitlines())
    return _LINK_TEXT.sub(r"\1", _CITE_GROUP.sub("", " ".join(line for line in lines if line)))


def _without_box(text: str) -> str:
    return _BOX.sub("", text)


def _box_grade(text: str) -> float:
    from citekb.checks.readability import grade

    return grade(text)


def test_in_short_box_is_found_only_where_it_opens_the_page() -> None:
    page = (
        '---\ntitle: t\n---\n# T\n\n!!! abstract "In short"\n    One two [@a].\n    Three.\n\nX\n'
    )
    assert in_short_box(page) == "One two . Three."
    late = '---\ntitle: t\n---\n# T\n\nIntro.\n\n!!! abstract "In short"\n    One.\n'
    assert in_short_box(late) is None
    assert in_short_box('# T\n\n!!! note "In short"\n    One.\n') is None


@pytest.mark.parametrize("name", sorted(set(_pages()) - HANDOUTS))
def test_long_pages_open_with_a_short_plain_in_short_box(name: str) -> None:
    text = (DOCS / name).read_text(encoding="utf-8")
    words = len(handout_prose(_without_box(text)).split())
    box = in_short_box(text)
    if words > LONG_PAGE:
        assert box is not None, f'{name}: {words} words but no opening !!! abstract "In short" box'
    if box is None:
        return
    count = len(box.split())
    assert count <= BOX_MAX_WORDS, f"{name}: In-short box has {count} words (max {BOX_MAX_WORDS})"
    score = _box_grade(box)
    assert score <= BOX_MAX_GRADE, f"{name}: In-short box reads at grade {score:.1f}"


def test_box_grade_rises_with_hard_prose() -> None:
    easy = "We went out. It was fun. We came home."
    hard = (
        "Epidemiological investigations characteristically demonstrate heterogeneous associations "
        "notwithstanding methodological considerations."
    )
    assert _box_grade(easy) <= BOX_MAX_GRADE < _box_grade(hard)


def test_every_page_is_in_nav_and_new_pages_are_linked_from_old_ones() -> None:
    nav = set(_nav_files(_mkdocs()["nav"]))
    missing = sorted(name for name in _pages() if name not in nav)
    assert missing == [], f"pages missing from mkdocs.yml nav: {missing}"
    old = {name: text for name, text in _pages().items() if name not in NEW_PAGES}
    for new in NEW_PAGES:
        linkers = [
            n
            for n, t in old.items()
            if any(new == link.split("#")[0] for link in _LINK.findall(_prose(t)))
        ]
        assert linkers, f"{new} is not linked from any existing page"


@pytest.mark.parametrize("name", sorted(NEW_PAGES))
def test_new_page_cites_its_sources(name: str) -> None:
    cited = set(cited_keys((DOCS / name).read_text(encoding="utf-8")))
    assert NEW_PAGES[name] <= cited, f"{name} does not cite {sorted(NEW_PAGES[name] - cited)}"


# Each crisis line: where it applies, a pattern for its number, and its library key.
CRISIS_LINES = {
    "US": (r"\b988\b(?!-)", "lifeline988_us"),
    "Canada": (r"(?<![\d-])9-8-8(?![\d-])", "helpline988_ca"),
    "UK": (r"Samaritans\**[^.\n]*?\b116 123\b", "samaritans_uk"),
    "England": (r"NHS 111\**\s+and\s+choose\s+the\s+mental\s+health\s+option", "nhs111_mh"),
}
CRISIS_PAGES = ("getting-help.md", "handout-getting-help.md", "index.md")


@pytest.mark.parametrize("name", CRISIS_PAGES)
def test_crisis_lines_are_listed_with_the_right_numbers(name: str) -> None:
    text = (DOCS / name).read_text(encoding="utf-8")
    items = [" ".join(item.split()) for item in re.split(r"\n\s*- ", _prose(text))]
    for place, (number, key) in CRISIS_LINES.items():
        label = {"US": "(US|United States)", "UK": "(UK|United Kingdom)"}.get(place, place)
        hits = [i for i in items if re.search(rf"\*\*{label}:\*\*", i) and re.search(number, i)]
        assert hits, f"{name}: no {place} crisis line matching {number!r}"
        assert any(f"@{key}" in i for i in hits), f"{name}: the {place} line does not cite {key}"


def test_crisis_numbers_agree_with_the_library_and_the_handout_footer() -> None:
    notes = {
        e.key: e.fields_dict["note"].value
        for e in bibtexparser.parse_file(str(LIBRARY)).entries
        if e.key in {k for _, k in CRISIS_LINES.values()}
    }
    assert "988" in notes["lifeline988_us"]
    assert "9-8-8" in notes["helpline988_ca"]
    assert "116 123" in notes["samaritans_uk"]
    assert "mental health option" in notes["nhs111_mh"]
    plugin = next(
        p["citekb"] for p in _mkdocs()["plugins"] if isinstance(p, dict) and "citekb" in p
    )
    footer = " ".join(f"{line['country']}: {line['text']}" for line in plugin["crisis_lines"])
    for needle in ("988", "9-8-8", "116 123", "NHS 111", "mental health option"):
        assert needle in footer, f"handout crisis line lacks {needle!r}: {footer!r}"


_OPTION_TWO = re.compile(r"\b(?:option|press)\W{0,3}(?:2|two)\b", re.I)


def test_option_two_detector() -> None:
    assert _OPTION_TWO.search("call 111 and select Option 2")
    assert _OPTION_TWO.search('select "Option 2"')
    assert _OPTION_TWO.search("press two") and _OPTION_TWO.search("option 21") is None
    assert _OPTION_TWO.search("press 2 for mental health")
    assert _OPTION_TWO.search("choose the mental health option") is None


def test_nothing_says_option_2() -> None:
    files = [*sorted(DOCS.rglob("*.md")), MKDOCS]
    hits = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _OPTION_TWO.search(line)
    ]
    assert hits == [], "NHS 111 is 'the mental health option', not a number:\n" + "\n".join(hits)


_CRISIS_ITEM = re.compile(
    r"^(?P<indent> *)- \*\*(?P<where>United States|US|Canada|United Kingdom|UK):\*\*"
    r"(?P<body>.*(?:\n(?P=indent)  \S.*)*)",
    re.MULTILINE,
)
_EMERGENCY = {"United States": "911", "US": "911", "Canada": "911"}


@pytest.mark.parametrize("name", ["index.md", "getting-help.md", "handout-getting-help.md"])
def test_every_crisis_list_says_whom_to_call_in_immediate_danger(name: str) -> None:
    """Beside each country's crisis line: 911 in the US and Canada, 999 in the UK."""
    text = (DOCS / name).read_text(encoding="utf-8")
    items = {m["where"]: m["body"] for m in _CRISIS_ITEM.finditer(text)}
    assert {"Canada"} <= items.keys() and items.keys() & {"United States", "US"}, items
    assert items.keys() & {"United Kingdom", "UK"}, items
    for where, body in items.items():
        number = _EMERGENCY.get(where, "999")
        assert re.search(rf"\b{number}\b", body), f"{name}: {where} item lacks {number}: {body}"
    assert re.search(r"\*\*Elsewhere in the UK:\*\*", text), (
        f"{name}: no line for the rest of the UK"
    )


def test_crisis_pages_are_the_ones_the_test_checks() -> None:
    listed = {p.name for p in DOCS.glob("*.md") if "116 123" in p.read_text(encoding="utf-8")}
    assert listed == {"index.md", "getting-help.md", "handout-getting-help.md"}


def test_couple_therapy_puts_safety_before_recommending_joint_therapy() -> None:
    text = (DOCS / "couple-therapy.md").read_text(encoding="utf-8")
    caveat = re.search(r'^!!! warning "Safety first[^"]*"\n((?: {4}.*\n|\n)+)', text, re.M)
    assert caveat, "couple-therapy.md: no safety warning"
    body = " ".join(caveat[1].split())
    for words in ("violence", "coercive control", "afraid", "domestic-abuse service", "911", "999"):
        assert words in body, words
    assert caveat.start() < text.index("either kind\nof couple therapy is a reasonable choice")


def test_therapy_is_not_called_best_on_trials_against_control_groups() -> None:
    """hickin2021 compared therapy with control conditions only: it cannot back a "best"."""
    for page in sorted(DOCS.glob("*.md")):
        for sentence in _sentences(page.name):
            if "@hickin2021" in sentence:
                assert not re.search(r"\bbest\b", sentence), f"{page.name}: {sentence}"


def _entry(key: str) -> dict[str, str]:
    entry = next(e for e in bibtexparser.parse_file(str(LIBRARY)).entries if e.key == key)
    return {name: field.value for name, field in entry.fields_dict.items()}


def test_gottman2001_describes_one_edition() -> None:
    """The 2001 Crown first edition (verified second-hand); the 2002 paperback only in the note."""
    fields = _entry("gottman2001")
    assert fields["author"] == "Gottman, John M. and DeClaire, Joan"
    assert (fields["publisher"], fields["year"]) == ("Crown Publishers", "2001")
    assert "isbn" not in fields  # the known ISBN is the 2002 paperback's
    assert "978-0-609-80953-2" in fields["note"] and "2002" in fields["note"]


def test_blog_entry_has_no_access_date_that_the_sources_do_not_give() -> None:
    fields = _entry("cft_effective_dependence_blog")
    assert "urldate" not in fields
    assert "2026-11-22" not in fields["verification"]


def _sentences(name: str) -> list[str]:
    """The page's prose sentences; a sentence never runs across a paragraph or heading."""
    out = []
    for block in re.split(r"\n\s*\n", _prose((DOCS / name).read_text(encoding="utf-8"))):
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("#")]
        text = " ".join(" ".join(lines).split())
        out += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*\"“])", text) if s]
    return out


@pytest.mark.parametrize(
    ("name", "figure", "paper"),
    [
        ("codependence.md", "115 couples", "feeney2007"),
        ("health-effects.md", "70 studies", "holtlunstad2015"),
        ("claim-check.md", "15 cigarettes", "holtlunstad2010"),
        ("handout-connection-health.md", "15 cigarettes", "holtlunstad2010"),
    ],
)
def test_press_figures_are_not_cited_to_the_paper(name: str, figure: str, paper: str) -> None:
    """A press-reported figure may cite the paper's record only if the sentence says the press
    reported it and that it was not checked in the paper."""
    hits = [s for s in _sentences(name) if figure in s]
    assert hits, f"{name}: expected a sentence with {figure!r}"
    for sentence in hits:
        if f"@{paper}" in sentence:
            said = re.search(r"\b(press|news|newspaper)\b", sentence) and "not checked" in sentence
            assert said, f"{name}: press figure cited to {paper} as its own: {sentence}"
        press = ("press", "newspaper", "@byu2010_press", "@osg2023")
        assert any(p in sentence for p in press), f"{name}: say the press reported it: {sentence}"


def test_who_death_toll_keeps_the_sources_wording() -> None:
    text = " ".join(_prose((DOCS / "health-effects.md").read_text(encoding="utf-8")).split())
    assert "estimated 871,000" not in text
    assert "more than 871,000" in text
    assert "over 870,000" in text


def test_secure_base_is_credited_to_ainsworth_not_bowlby() -> None:
    for name in _pages():
        for sentence in _sentences(name):
            if "secure base" in sentence.lower() and "@" in sentence:
                assert (
                    "@ainsworth1978" in sentence or "@cft_effective_dependence_blog" in sentence
                ), f"{name}: {sentence}"
                assert "@bowlby1982" not in sentence, f"{name}: {sentence}"


def test_eft_is_not_credited_to_johnson_alone() -> None:
    bad = re.compile(
        r"developed by Sue Johnson|Johnson,? (?:the psychologist )?who developed|Johnson built",
        re.I,
    )
    hits = {name: m.group(0) for name, text in _pages().items() if (m := bad.search(_prose(text)))}
    assert hits == {}


def test_odds_ratio_for_depression_is_stated_as_odds() -> None:
    for sentence in _sentences("loneliness-depression.md"):
        if "2.33" in sentence:
            assert "odds" in sentence or sentence.startswith("It does not mean"), sentence


def test_unverified_attributions_are_hedged_where_cited() -> None:
    records = yaml.safe_load(EVIDENCE.read_text(encoding="utf-8"))
    only_unverified = {
        key
        for key, record in records.items()
        if record.get("findings")
        and all(f.get("status") == "unverified" for f in record["findings"])
    }
    assert {"bowlby1973", "bowlby1977", "ainsworth1978"} <= only_unverified
    hedges = ("not checked", "unverified", "usually credited", "widely credited", "unchecked")
    for name, text in _pages().items():
        for para in re.split(r"\n\s*\n", _prose(text)):
            keys = set(_CITE.findall(para)) & only_unverified
            if keys:
                assert any(h in " ".join(para.split()) for h in hedges), f"{name}: {para[:120]}"


def test_index_and_methods_say_unverified_material_supports_nothing() -> None:
    index = " ".join((DOCS / "index.md").read_text(encoding="utf-8").split())
    assert "No figure or finding on this site rests on it" in index
    assert "compulsive self-reliance" in index
