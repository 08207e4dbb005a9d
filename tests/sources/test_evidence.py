"""Evidence records: parsing, schema diagnostics at their lines, and the page summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekb.core.diagnostics import CODES, Severity
from citekb.sources.evidence import (
    EVIDENCE_TYPES,
    TYPE_LABELS,
    Evidence,
    Figure,
    parse_evidence,
    summarize,
)
from support import FIXTURES, REPO

EVIDENCE_FIXTURES = FIXTURES / "evidence"


def _parse(name: str) -> tuple[Evidence, list[tuple[int, int, str]]]:
    evidence, diagnostics = parse_evidence((EVIDENCE_FIXTURES / name).read_text(), name)
    assert all(d.code == "bad-evidence" and d.severity is Severity.ERROR for d in diagnostics)
    assert all(d.path == name and d.hint for d in diagnostics)
    return evidence, [(d.line, d.column, d.message) for d in diagnostics]


def test_fixture_parses_into_frozen_records() -> None:
    evidence, problems = _parse("evidence.yaml")
    assert problems == []
    assert list(evidence.records)[:3] == ["holtlunstad2015", "holtlunstad2010", "valtorta2016"]
    record = evidence.records["holtlunstad2010"]
    assert (record.type, record.status, record.line) == ("meta-analysis", "V-primary", 21)
    (finding,) = record.findings
    assert finding.id == "hl2010-relationships-survival"
    assert (finding.locator, finding.status, finding.line) == ("abstract", "V-primary", 25)
    assert finding.figures[0] == Figure(1.5, "OR", "148 studies", (1.42, 1.59), 30)
    assert [f.value for f in finding.figures] == [1.5, 148, 308849]
    # Records may omit findings; an empty list is the same.
    assert evidence.records["johnson2008"].findings == ()
    assert evidence.records["quick1992"].status == "unverified"
    assert "who2025" in evidence and evidence.get("nope") is None
    with pytest.raises(AttributeError):
        record.status = "unverified"  # type: ignore[misc]


def test_schema_problems_are_reported_at_their_nodes() -> None:
    evidence, problems = _parse("bad-schema.yaml")
    located = [(line, column) for line, column, _ in problems]
    assert located == [
        (2, 9),  # type: meta-analyses
        (8, 15),  # status: checked
        (10, 19),  # value: "1.29" (quoted)
        (11, 32),  # measure: odds
        (12, 58),  # ci: [1.6, 1.4]
        (13, 37),  # popluation (typo)
        (13, 11),  # ... so population is missing
        (14, 7),  # duplicate finding id
        (18, 1),  # house1988 lacks type
        (20, 1),  # house1988 again
    ]
    messages = "\n".join(message for _, _, message in problems)
    assert "type `meta-analyses`" in messages
    assert "unknown field `popluation`" in messages
    assert "duplicate finding id `hl2015-a` (first at line 5)" in messages
    assert "duplicate evidence record `house1988` (first at line 18)" in messages
    # Neither broken record is kept, so the check reports them as missing evidence.
    assert list(evidence.records) == []


def test_unclosed_quote_points_at_where_it_opened() -> None:
    evidence, problems = _parse("bad-syntax.yaml")
    assert evidence.records == {}
    assert [(line, column) for line, column, _ in problems] == [(6, 18)]
    assert "does not parse" in problems[0][2]


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("- a\n- b\n", (1, 1), "must be a mapping"),
        ("k:\n  type: theory\n", (1, 1), "lacks `status`"),
        ("k:\n  type: theory\n  status: V-primary\n  findings: {a: 1}\n", (4, 13), "list"),
        ("k: 3\n", (1, 4), "must be a mapping"),
        ("k:\n  type: theory\n  status: V-primary\n  extra: 1\n", (4, 3), "unknown field"),
        (
            "k:\n  type: theory\n  status: V-primary\n  findings:\n    - id: a\n",
            (5, 7),
            "lacks `statement`",
        ),
        (
            "k:\n  type: theory\n  status: V-primary\n  findings:\n"
            "    - {id: a, statement: s, locator: l, status: V-primary,"
            " figures: [{value: 1, measure: OR, population: p, ci: [1]}]}\n",
            (5, 113),
            "`ci`",
        ),
        ("k:\n  type: theory\n  status: V-primary\n\tbad: tab\n", (4, 1), "does not parse"),
        ("k:\n  type: theory\n  status: V-primary\nk:\n  type: blog\n", (4, 1), "duplicate"),
        ("k:\n  type: [theory]\n  status: V-primary\n", (2, 9), "type `None`"),
    ],
)
def test_small_schema_errors(text: str, where: tuple[int, int], fragment: str) -> None:
    _, diagnostics = parse_evidence(text, "e.yaml")
    assert diagnostics, text
    first = diagnostics[0]
    assert (first.code, (first.line, first.column)) == ("bad-evidence", where)
    assert fragment in first.message


def test_empty_file_and_numbers_in_yaml_forms() -> None:
    assert parse_evidence("", "e.yaml") == (Evidence(path="e.yaml"), [])
    assert parse_evidence("# only a comment\n", "e.yaml")[1] == []
    text = (
        "k:\n  type: cohort-study\n  status: V-secondary\n  findings:\n"
        "    - id: a\n      statement: s\n      locator: l\n      status: unverified\n"
        "      figures:\n        - {value: 3_400_000, measure: count, population: p}\n"
        "        - {value: 3.4e6, measure: count, population: p}\n"
        "        - {value: .inf, measure: count, population: p}\n"
    )
    evidence, diagnostics = parse_evidence(text, "e.yaml")
    assert [(d.line, d.message.split(" of ")[0]) for d in diagnostics] == [(12, "`value`")]
    values = [f.value for f in evidence.records["k"].findings[0].figures]
    assert values == [3_400_000, 3_400_000]


@given(st.text(max_size=300))
def test_parser_never_raises(text: str) -> None:
    evidence, diagnostics = parse_evidence(text, "e.yaml")
    assert all(d.code == "bad-evidence" and d.line >= 1 and d.column >= 1 for d in diagnostics)
    assert all(record.type in EVIDENCE_TYPES for record in evidence.records.values())


def test_real_evidence_file_is_valid() -> None:
    path = REPO / "references" / "evidence.yaml"
    if not path.exists():
        pytest.skip("references/evidence.yaml is not there")
    evidence, diagnostics = parse_evidence(path.read_text(encoding="utf-8"), str(path))
    assert [d.location + " " + d.message for d in diagnostics] == []
    assert "holtlunstad2015" in evidence


# --- the summary and badges ---------------------------------------------------------------


def test_summary_counts_types_with_plurals_in_a_stable_order() -> None:
    types = [
        "press-article",
        "meta-analysis",
        "popular-book",
        "consensus-report",
        "meta-analysis",
        "popular-book",
        "meta-analysis",
        "press-article",
    ]
    expected = "3 meta-analyses, 1 consensus report, 2 popular books, 2 press articles"
    assert summarize(types) == expected
    assert summarize(reversed(types)) == expected
    assert summarize([]) == ""
    assert summarize(["government-advisory", "government-advisory"]) == "2 government advisories"
    assert summarize(["qualitative-study", "cohort-study", "cohort-study"]) == (
        "2 cohort studies, 1 qualitative study"
    )
    assert summarize(["blog", "interview", "theory", "theory"]) == (
        "2 theories, 1 interview, 1 blog post"
    )
    assert summarize(["zine", "blog"]) == "1 blog post, 1 zine"


def test_every_type_has_a_label() -> None:
    assert set(TYPE_LABELS) == set(EVIDENCE_TYPES)
    assert TYPE_LABELS["popular-book"] == "popular book"
    evidence, _ = _parse("evidence.yaml")
    assert evidence.records["cft_blog"].label == "blog post"


def test_figures_describe_themselves_for_hints() -> None:
    assert Figure(1.5, "OR", "p", (1.42, 1.59)).describe() == "OR 1.50 (CI 1.42–1.59)"
    assert Figure(29, "percent").describe() == "29%"
    assert Figure(308849, "count", "participants").describe() == "308,849 participants"
    assert Figure(6, "one-in-n").describe() == "1 in 6"
    assert Figure(4, "times").describe() == "4 times"
    assert Figure(-0.49, "SMD", "p", (-0.84, -0.13)).describe() == "SMD -0.49 (CI -0.84–-0.13)"
    assert Figure(0.43, "g").describe() == "g 0.43"


def test_effect_size_measures_are_accepted() -> None:
    evidence, problems = parse_evidence(
        "k:\n  type: meta-analysis\n  status: V-primary\n  findings:\n"
        "    - {id: a, statement: s, locator: l, status: V-primary, figures:\n"
        "       [{value: 0.43, measure: g}, {value: -6.03, measure: MD}, {value: 0.95, measure: d},\n"
        "        {value: -0.49, measure: SMD}, {value: 1, measure: Cohen}]}\n",
        "evidence.yaml",
    )
    measures = [f.measure for _, f in evidence.records["k"].figures]
    assert measures == ["g", "MD", "d", "SMD"]
    assert [p.message for p in problems if "measure" in p.message] == [
        "a figure of finding `a` has measure `Cohen`, not one of the allowed values"
    ]


def test_codes_are_registered_and_documented() -> None:
    doc = (REPO / "manual" / "diagnostics.md").read_text(encoding="utf-8")
    for code, severity in [
        ("bad-evidence", Severity.ERROR),
        ("unsourced-statistic", Severity.ERROR),
        ("statistic-mismatch", Severity.ERROR),
        ("unverified-source", Severity.WARNING),
        ("missing-evidence", Severity.WARNING),
    ]:
        assert CODES[code].severity is severity
        assert f"| `{code}` | {severity.value} |" in doc


def test_study_designs_beyond_cohorts_have_their_own_labels() -> None:
    assert summarize(
        ["cross-sectional-study", "experimental-study", "cross-sectional-study", "narrative-review"]
    ) == ("1 narrative review, 1 experimental study, 2 cross-sectional studies")


def test_deep_nesting_is_bad_evidence_not_a_recursion_error() -> None:
    text = "k:\n  type: theory\n  note: " + "[" * 3000 + "]" * 3000 + "\n"
    evidence, found = parse_evidence(text, "e.yaml")
    assert evidence.records == {}
    assert [(d.code, d.location) for d in found] == [("bad-evidence", "e.yaml:3:9")]
    assert "nesting is too deep" in found[0].message
