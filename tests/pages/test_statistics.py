"""Statistic provenance: unsourced statistics, mismatches with recorded figures, coverage."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.checks.statcheck import check_page_statistics, figure_matches
from citekb.core.diagnostics import Severity
from citekb.core.model import Citation, CitationMode
from citekb.pages.statistics import (
    _STATISTIC,
    Statistic,
    _statistic,
    _statistics_in,
    find_statistics,
    prose,
    split_sentences,
)
from citekb.sources.evidence import Evidence, Figure, check_evidence_coverage, parse_evidence
from support import FIXTURES

EVIDENCE_FIXTURES = FIXTURES / "evidence"
EVIDENCE, _PROBLEMS = parse_evidence(
    (EVIDENCE_FIXTURES / "evidence.yaml").read_text(), "evidence.yaml"
)
BLOG = (
    "Did you know that social isolation has been linked to a 29% increased risk of early "
    "death, equivalent to other major risk factors like smoking and obesity "
    "[@holtlunstad2015]?"
)
_KEY = re.compile(r"(?<![\w@])@([\w][\w:-]*\w|\w)")


def citations(text: str, path: str = "page.md") -> list[Citation]:
    """Citations as the scanner reports them: one per ``@key``, located at the ``@``."""
    out = []
    for m in _KEY.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        out.append(Citation(m.group(1), CitationMode.NORMAL, path, line, column, m.start()))
    return out


def check(text: str, path: str = "page.md") -> list[tuple[str, int, int]]:
    found = check_page_statistics(text, path, citations(text, path), EVIDENCE)
    assert all(d.hint and d.path == path for d in found)
    return [(d.code, d.line, d.column) for d in found]


def test_fixture_evidence_is_clean() -> None:
    assert _PROBLEMS == []


U, M = "unsourced-statistic", "statistic-mismatch"

# Each row: one prose line, and (code, the text the diagnostic must point at).
ROWS: list[tuple[str, list[tuple[str, str]]]] = [
    # statistics without a citation
    ("About 29% of people are isolated.", [(U, "29%")]),
    ("Isolation raised the odds by 29 percent.", [(U, "29 percent")]),
    ("Isolation raised the odds by 29 per cent.", [(U, "29 per")]),
    ("The odds ratio was 1.29 in adjusted studies.", [(U, "odds ratio")]),
    ("The pooled OR = 1.29 for isolation.", [(U, "OR =")]),
    ("Loneliness had an RR 1.29 for heart disease.", [(U, "RR")]),
    ("The hazard ratio 1.2 was small.", [(U, "hazard")]),
    ("Lonely people were four times as likely to die.", [(U, "four")]),
    ("Lonely people are twice as likely to be depressed.", [(U, "twice")]),
    ("One in six people is lonely.", [(U, "One in")]),
    ("About 1 in 3 older adults is isolated.", [(U, "1 in")]),
    ("The result was OR 1.50 (95% CI 1.42 to 1.59).", [(U, "OR 1.50"), (U, "95%")]),
    ("The confidence interval was 1.42–1.59.", [(U, "confidence")]),
    ("The review pooled 148 studies.", [(U, "148")]),
    ("It included 308,849 participants.", [(U, "308,849")]),
    ("It covered 3.4 million people.", [(U, "3.4")]),
    ("The survey had N = 355 students.", [(U, "N =")]),
    ("Between 17–21% of young people report loneliness.", [(U, "17–21%")]),
    ("Risk rose 2-fold after a loss.", [(U, "2-fold")]),
    ("Eighty percent of teens felt lonely at times.", [(U, "Eighty")]),
    ("Loneliness is linked to 100 deaths every hour.", [(U, "100 deaths")]),
    ("Costs reached $6.7 billion a year.", [(U, "6.7")]),
    ("The 2015 study found 29% higher odds; the 2010 one found more.", [(U, "29%")]),
    # not statistics
    ("In 1988, House and colleagues wrote a review.", []),
    ("The 2015 study and the 2010 paper agree.", []),
    ("It was published on 12 March 2015.", []),
    ("See p. 33, pp. 20–24 and chapter 7 for details.", []),
    ("The five signs are listed below.", []),
    ("1. First item, from 2015.", []),
    ("# Heading with 29% and OR 1.29", []),
    ("Text with `29%` in code.", []),
    ("A [link](https://example.org/29%25) here.", []),
    ("See <https://example.org/29-percent> here.", []),
    ("Call a friend twice a week.", []),
    ("Call three times a week.", []),
    ("Many times people struggle with this.", []),
    ("Adults aged 65 and older, and people aged 13–29.", []),
    ("The DSM-5 does not list it.", []),
    ("The 95% confidence level is a convention.", []),
    ("Text <!-- 29% of nothing --> continues.", []),
    ("As Fig. 6 and Table 2 show, in the 1990s and in 2023 views changed.", []),
    # cited and matching
    (BLOG, []),
    ("Social isolation was associated with 29% higher odds of death [@holtlunstad2015].", []),
    ("Poor relationships carried a 29% higher risk of heart disease [@valtorta2016].", []),
    ("Isolation meant about 30% higher odds of death [@holtlunstad2015].", []),
    ("Isolation had an OR of 1.3 [@holtlunstad2015].", []),
    (
        "Across 148 studies (308,849 participants) the OR was 1.50 (95% CI 1.42 to 1.59) "
        "[@holtlunstad2010].",
        [],
    ),
    ("Roughly 3.4 million participants took part [@holtlunstad2015].", []),
    ("It pooled over 300,000 participants [@holtlunstad2010].", []),
    ("One in six people is lonely [@who2025].", []),
    ("Between 17–21% of young people report loneliness [@who2025].", []),
    ("Nearly four times the risk of death [@nasem2020].", []),
    ("Lonely people are twice as likely to be depressed [@who2025].", []),
    ("@holtlunstad2010 reported an odds ratio of 1.50.", []),
    ("The meta-analysis pooled 70 studies. [@holtlunstad2015]", []),
    ("The hazard ratio was 0.25 [@nasem2020].", []),
    ("A 75% lower hazard [@nasem2020].", []),
    ("Isolation is common (24 percent; see [@nasem2020, p. 12]).", []),
    ("A 29% increase [@quick1992; @holtlunstad2015].", []),
    ("A 29% increase [@unknown2020].", []),
    ("Isolation meant 29% higher odds, 26% for loneliness [@holtlunstad2015].", []),
    # cited but not matching
    (BLOG.replace("29%", "50%"), [(M, "50%")]),
    ("The RR was 1.29 for death [@holtlunstad2015].", [(M, "RR")]),
    ("Isolation meant about 40% higher odds of death [@holtlunstad2015].", [(M, "40%")]),
    ("Between 17–25% of young people report loneliness [@who2025].", [(M, "17–25%")]),
    ("An OR of 1.3 (95% CI 1.1 to 1.5) [@holtlunstad2015].", [(M, "95%")]),
    ("A 29% increase in risk [@johnson2008].", [(M, "29%")]),
    ("One in five people is lonely [@who2025].", [(M, "One in")]),
    ("It pooled 148 studies [@holtlunstad2015].", [(M, "148")]),
    ("Isolation had an OR of 1.31 [@holtlunstad2015].", [(M, "OR of")]),
    ("About 29% are isolated. Loneliness hurts [@who2025].", [(U, "29%")]),
]


@pytest.mark.parametrize(("text", "expected"), ROWS, ids=[row[0][:40] for row in ROWS])
def test_statistic_table(text: str, expected: list[tuple[str, str]]) -> None:
    want = [(code, 1, text.index(marker) + 1) for code, marker in expected]
    assert check(text) == want


def test_blog_sentence_passes_on_its_29_percent() -> None:
    text = (EVIDENCE_FIXTURES / "blog.md").read_text()
    assert BLOG in text
    assert check(text, "blog.md") == []
    assert [s.text for s in find_statistics(text)] == ["29%"]


def test_mismatch_built_from_the_blog_names_what_the_sources_record() -> None:
    text = (EVIDENCE_FIXTURES / "mismatch.md").read_text()
    (found,) = check_page_statistics(text, "mismatch.md", citations(text), EVIDENCE)
    assert (found.code, found.severity) == ("statistic-mismatch", Severity.ERROR)
    assert found.location == f"mismatch.md:6:{text.splitlines()[5].index('50%') + 1}"
    assert found.message == "statistic `50%` matches no figure recorded for `holtlunstad2015`"
    assert "holtlunstad2015 records OR 1.29, OR 1.26, 70 studies" in found.hint
    assert "It is recorded for holtlunstad2010 with OR 1.50 (CI 1.42–1.59)." in found.hint
    assert "Cite the source that reports this figure" in found.hint


def test_unsourced_fixture_points_into_the_file_past_front_matter() -> None:
    text = (EVIDENCE_FIXTURES / "unsourced.md").read_text()
    (found,) = check_page_statistics(text, "unsourced.md", [], EVIDENCE)
    assert found.location == f"unsourced.md:6:{text.splitlines()[5].index('29%') + 1}"
    assert "Cite the source of this figure" in found.hint
    assert "holtlunstad2015 with OR 1.29" in found.hint  # sources that record it


def test_blocks_lines_and_columns() -> None:
    text = "\n".join(
        [
            "---",
            "title: 29% of titles",  # front matter: never prose
            "tags: [1988, 2015]",
            "---",
            "",
            "A paragraph that wraps onto",
            "a second line with 29% in it.",
            "",
            "- A list item stating 148 studies",
            "  across two lines [@holtlunstad2010].",
            "  1. A nested item with 70 studies.",
            "",
            "> A quote with OR 1.29",
            "> and no citation.",
            "",
            "| Measure | Value | Source |",
            "| --- | --- | --- |",
            "| Isolation | OR 1.29 | [@holtlunstad2015] |",
            "| Heart disease | RR 1.29 | none |",
            "",
            "```",
            "42% in code",
            "```",
            "",
            "    indented code: 42%",
            "",
            "<div>HTML block with 42%</div>",
            "",
            "Term 29% at the end",
        ]
    )
    assert check(text) == [
        (U, 7, 20),
        (U, 11, 25),
        (U, 13, 16),
        (U, 19, 19),
        (U, 29, 6),
    ]


def test_citation_after_the_full_stop_belongs_to_the_sentence_before() -> None:
    text = "Isolation meant 29% higher odds. [@holtlunstad2015] Then 50% of people agreed."
    assert check(text) == [(U, 1, text.index("50%") + 1)]


def test_in_text_citation_starts_its_own_sentence() -> None:
    text = "Loneliness is common. @who2025 found that one in six people are lonely."
    assert check(text) == []


def test_each_sentence_is_checked_against_its_own_citations() -> None:
    text = (
        "Isolation meant 29% higher odds [@holtlunstad2015]. "
        "Strong ties meant 50% higher odds of survival [@holtlunstad2015]."
    )
    assert check(text) == [(M, 1, text.index("50%") + 1)]


def test_admonitions_definition_lists_and_footnotes_are_prose() -> None:
    text = "\n".join(
        [
            '!!! note "A title with 29% is like a heading"',
            "",
            "    Inside the note, 29% of people.",
            "",
            "Term 29%",
            ": A definition with 148 studies.",
            "",
            "Body text[^1].",
            "",
            "[^1]: A footnote with 70 studies [@holtlunstad2015].",
        ]
    )
    assert check(text) == [(U, 3, 22), (U, 6, 21)]


def test_crlf_line_endings_keep_lines_and_columns() -> None:
    text = "---\r\ntitle: t\r\n---\r\n\r\nFirst line.\r\nAbout 29% of people.\r\n"
    assert check(text) == [(U, 6, 7)]


def test_range_hint_names_the_figures_for_both_ends() -> None:
    text = "Between 17–21% of young people report loneliness [@nasem2020]."
    (found,) = check_page_statistics(text, "p.md", citations(text), EVIDENCE)
    assert "It is recorded for who2025 with 17% and 21%." in found.hint
    assert "nasem2020 records 24%, 4 times, HR 0.25" in found.hint


def test_agrees_with_the_citation_scanner() -> None:
    scanner = pytest.importorskip("citekb.pages.citations")
    for name in ("blog.md", "mismatch.md", "unsourced.md"):
        text = (EVIDENCE_FIXTURES / name).read_text()
        scanned = scanner.scan(text, name)
        assert [(c.key, c.offset) for c in scanned] == [
            (c.key, c.offset) for c in citations(text, name)
        ]
        assert check_page_statistics(text, name, scanned, EVIDENCE) == check_page_statistics(
            text, name, citations(text, name), EVIDENCE
        )


# --- sentences ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three? Four.", ["One.", "Two!", "Three?", "Four."]),
        ("Holt-Lunstad et al. (2015) found it. Next one.", 2),
        ("Some sources, e.g. NASEM, say so. Others do not.", 2),
        ("See p. 33 and pp. 34. Then more.", 2),
        ("Isolation vs. Loneliness is a question. Yes.", 2),
        ("The OR was 1.29. The RR was 1.32.", ["The OR was 1.29.", "The RR was 1.32."]),
        ("Dr. Smith agreed. Prof. Jones did not.", 2),
        ("It is common in the U.S. and elsewhere.", 1),
        ('She said "it helps." Then she left.', ['She said "it helps."', "Then she left."]),
        ("A claim [@a, p. 3]. Another claim.", 2),
        ("lower case after. a stop does not split", 1),
        ("Ends with a citation [@k]. Next.", ["Ends with a citation [@k].", "Next."]),
    ],
)
def test_sentence_splitting(text: str, sentences: list[str] | int) -> None:
    found = [text[s.start : s.end] for s in split_sentences(text)]
    if isinstance(sentences, int):
        assert len(found) == sentences, found
    else:
        assert found == sentences


def test_prose_blanks_everything_else_and_keeps_offsets() -> None:
    text = "---\ntitle: x\n---\n# H 29%\n\nSee [a](http://x.org/1) and `2` [@k, p. 3].\n"
    masked, segments = prose(text)
    assert len(masked) == len(text)
    assert masked.count("\n") == text.count("\n")
    assert [masked[s.start : s.end].split() for s in segments] == [["See", "[a", "and", "."]]


# --- matching -----------------------------------------------------------------------------


def _stat(text: str) -> Statistic:
    (stat,) = find_statistics(text)
    return stat


@pytest.mark.parametrize(
    ("written", "figure", "expected"),
    [
        ("29%", Figure(1.29, "OR"), True),
        ("29%", Figure(1.29, "RR"), True),
        ("29%", Figure(29.4, "percent"), True),
        ("29%", Figure(29.6, "percent"), False),
        ("50%", Figure(1.50, "OR"), True),
        ("29% lower", Figure(0.71, "RR"), True),
        ("30%", Figure(1.29, "OR"), False),
        ("about 30%", Figure(1.29, "OR"), True),
        ("29.0%", Figure(29.04, "percent"), True),
        ("29.0%", Figure(29.1, "percent"), False),
        ("OR 1.3", Figure(1.29, "OR"), True),
        ("OR 1.3", Figure(1.29, "RR"), False),
        ("OR 1.30", Figure(1.29, "OR"), False),
        ("1.3 times as likely", Figure(1.29, "OR"), True),
        ("four times as likely", Figure(4, "times"), True),
        ("3.4 million people", Figure(3_400_000, "count"), True),
        ("3.4 million people", Figure(3_460_000, "count"), False),
        ("308,849 participants", Figure(308_849, "count"), True),
        ("one in six", Figure(6, "one-in-n"), True),
        ("one in six", Figure(6, "count"), False),
        ("CI 1.42 to 1.59", Figure(1.5, "OR", ci=(1.42, 1.59)), True),
        ("CI 1.4 to 1.6", Figure(1.5, "OR", ci=(1.42, 1.59)), True),
        ("CI 1.42 to 1.60", Figure(1.5, "OR", ci=(1.42, 1.59)), False),
    ],
)
def test_figure_matching(written: str, figure: Figure, expected: bool) -> None:
    assert figure_matches(_stat(f"It was {written} in all."), figure) is expected


# --- coverage -----------------------------------------------------------------------------


def test_unverified_source_per_citation_and_missing_evidence_once_per_key() -> None:
    text = "A [@quick1992]. B [@nobody2020; @holtlunstad2015]. C [@quick1992; @nobody2020]."
    found = check_evidence_coverage(citations(text), EVIDENCE)
    assert [(d.code, d.severity, d.column) for d in found] == [
        ("unverified-source", Severity.WARNING, text.index("@quick1992") + 1),
        ("missing-evidence", Severity.WARNING, text.index("@nobody2020") + 1),
        ("unverified-source", Severity.WARNING, text.rindex("@quick1992") + 1),
    ]
    assert "`nobody2020` has no evidence record" in found[1].message
    assert "evidence.yaml" in found[1].hint
    assert "V-primary" in found[0].hint
    assert check_evidence_coverage(citations(text), Evidence()) != []


# --- robustness ---------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "29%",
        "29 per cent",
        " percent",
        "OR = 1.29",
        "odds ratio of",
        "RR",
        "HR 1.2",
        "(95% CI",
        " 1.42 to 1.59)",
        "1 in 6",
        "one in six",
        "twice as",
        "four times as",
        "times",
        "-fold",
        "148 studies",
        "308,849",
        " 000",
        "3.4 million",
        "people",
        "N = 5",
        "1988",
        ". ",
        "? ",
        "et al. ",
        "e.g. ",
        "p. 3",
        "\n",
        "\n\n",
        "- ",
        "1. ",
        "> ",
        "| a | b |\n|---|---|\n",
        "# ",
        "`",
        "```\n",
        "[@k]",
        "[@k, p. 3]",
        "@k",
        "[",
        "]",
        "(",
        ")",
        "<!--",
        "-->",
        "---\n",
        "about ",
        "nearly ",
        "Twenty-nine",
        "fifty ",
        "\r",
        "\t",
        "é",
        "A",
        "a",
        " ",
        "0",
        "9",
        ".5",
        ",",
        "–",
    ]
)
_TEXT = st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map("".join))


@settings(max_examples=300)
@given(_TEXT)
def test_splitter_and_finder_never_raise_and_point_into_the_text(text: str) -> None:
    masked, _ = prose(text)
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]
    sentences = split_sentences(text)
    previous = 0
    for sentence in sentences:
        assert previous <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end].strip()
        previous = sentence.end
    for stat in find_statistics(text):
        assert 0 <= stat.start < stat.end <= len(text)
        assert text[stat.start : stat.end] == stat.text
        assert len(stat.values) == len(stat.tolerances) >= 1
    for found in check_page_statistics(text, "p.md", citations(text), EVIDENCE):
        assert found.line >= 1 and found.column >= 1


@settings(max_examples=300)
@given(_TEXT)
def test_trigger_scan_finds_what_the_full_regex_finds(text: str) -> None:
    masked, segments = prose(text)
    for segment in segments:
        reference = [
            stat
            for match in _STATISTIC.finditer(masked, segment.start, segment.end)
            if (stat := _statistic(match, masked, text, segment.start)) is not None
        ]
        assert _statistics_in(masked, text, segment) == reference
