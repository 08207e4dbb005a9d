"""Notices on cited works: parsing, the retracted-source and source-notice checks, writing new
notices into the evidence text, and reading Crossref's update relations."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.checks.notices import check_notices
from citekb.core.model import Citation, CitationMode
from citekb.sources.crossref import notices_from_response, updates_path
from citekb.sources.evidence import parse_evidence
from citekb.sources.notices import Notice, NoticeEditError, add_notices, new_notices

EVIDENCE = """\
# comment kept
a2019:
  type: cohort-study
  status: V-primary
  notices:
    - {type: retraction, date: 2021-03-04, url: "https://doi.org/10.5555/n1"}
b2018:
  type: blog
  status: unverified
  notices:
    - type: correction
      date: 2019-02-01
c2020:
  type: theory
  status: V-secondary
"""


def cite(key: str, line: int = 3, column: int = 7) -> Citation:
    return Citation(key, CitationMode.NORMAL, "docs/p.md", line, column, 0)


def test_notices_parse_with_their_lines() -> None:
    evidence, problems = parse_evidence(EVIDENCE, "references/evidence.yaml")
    assert problems == []
    a = evidence.get("a2019")
    assert a is not None
    assert a.notices == (Notice("retraction", "2021-03-04", "https://doi.org/10.5555/n1", 6),)
    b = evidence.get("b2018")
    assert b is not None and b.notices == (Notice("correction", "2019-02-01", "", 11),)
    assert a.notices[0].label == "Retracted (2021-03-04)"
    assert b.notices[0].label == "Corrected (2019-02-01)"


@pytest.mark.parametrize(
    ("notices", "line", "message"),
    [
        ("notices: yes", 4, "`notices` of record `k` must be a list"),
        ("notices: [{type: retracted}]", 4, "a notice of record `k` has type `retracted`"),
        ("notices: [{date: 2020-01-01}]", 4, "a notice of record `k` lacks `type`"),
        ("notices: [{type: retraction, date: March}]", 4, "`date` of a notice of record `k`"),
        ("notices: [{type: correction, url: 'javascript:x'}]", 4, "`url` of a notice"),
        ("notices: [{type: correction, by: me}]", 4, "unknown field `by` in a notice"),
        ("notices:\n    - retraction", 5, "a notice of record `k` must be a mapping"),
    ],
)
def test_bad_notices_are_bad_evidence_at_their_line(notices: str, line: int, message: str) -> None:
    text = f"k:\n  type: theory\n  status: V-primary\n  {notices}\n"
    evidence, problems = parse_evidence(text, "e.yaml")
    assert [(d.code, d.line) for d in problems] == [("bad-evidence", line)]
    assert message in problems[0].message
    assert "k" in evidence  # the record itself stays usable


def test_retracted_source_is_an_error_at_each_citation() -> None:
    evidence, _ = parse_evidence(EVIDENCE, "e.yaml")
    found = check_notices([cite("a2019", 3, 7), cite("a2019", 9, 2), cite("c2020")], evidence)
    assert [(d.code, d.severity, d.line, d.column) for d in found] == [
        ("retracted-source", "error", 3, 7),
        ("retracted-source", "error", 9, 2),
    ]
    assert "retracted (2021-03-04): https://doi.org/10.5555/n1" in found[0].message


@pytest.mark.parametrize("kind", ["withdrawal", "retraction"])
def test_withdrawal_counts_as_retraction(kind: str) -> None:
    text = f"w:\n  type: theory\n  status: V-primary\n  notices: [{{type: {kind}}}]\n"
    evidence, _ = parse_evidence(text, "e.yaml")
    assert [d.code for d in check_notices([cite("w")], evidence)] == ["retracted-source"]


@pytest.mark.parametrize("kind", ["correction", "expression-of-concern"])
def test_other_notices_are_source_notice_warnings(kind: str) -> None:
    text = f"w:\n  type: theory\n  status: V-primary\n  notices: [{{type: {kind}}}]\n"
    evidence, _ = parse_evidence(text, "e.yaml")
    found = check_notices([cite("w")], evidence)
    assert [(d.code, d.severity) for d in found] == [("source-notice", "warning")]


# --- writing notices into the evidence text -----------------------------------------------

RETRACTION = Notice("retraction", "2022-05-06", "https://doi.org/10.5555/notice")


def test_add_notices_to_a_record_without_any() -> None:
    new = add_notices(EVIDENCE, {"c2020": [RETRACTION]})
    assert new == EVIDENCE + (
        '  notices:\n    - {type: retraction, date: 2022-05-06, url: "https://doi.org/10.5555/notice"}\n'
    )
    evidence, problems = parse_evidence(new, "e.yaml")
    assert problems == []
    record = evidence.get("c2020")
    assert record is not None and record.notices[0].same(RETRACTION)


def test_add_notices_to_existing_lists_keeps_every_other_line() -> None:
    new = add_notices(EVIDENCE, {"a2019": [RETRACTION], "b2018": [Notice("correction")]})
    old_lines = EVIDENCE.splitlines()
    new_lines = new.splitlines()
    assert [line for line in new_lines if line not in old_lines] == [
        '    - {type: retraction, date: 2022-05-06, url: "https://doi.org/10.5555/notice"}',
        "    - {type: correction}",
    ]
    assert new_lines.index("    - {type: correction}") == new_lines.index("b2018:") + 6
    evidence, problems = parse_evidence(new, "e.yaml")
    assert problems == []
    a = evidence.get("a2019")
    assert a is not None and len(a.notices) == 2


def test_add_notices_before_trailing_comments_and_at_end_without_newline() -> None:
    text = "x:\n  type: theory\n  status: V-primary\n\n# next record\ny:\n  type: blog\n  status: unverified"
    new = add_notices(text, {"x": [Notice("correction")], "y": [Notice("withdrawal")]})
    assert new == (
        "x:\n  type: theory\n  status: V-primary\n  notices:\n    - {type: correction}\n"
        "\n# next record\ny:\n  type: blog\n  status: unverified\n  notices:\n"
        "    - {type: withdrawal}\n"
    )


def test_add_notices_refuses_what_it_cannot_edit_safely() -> None:
    with pytest.raises(NoticeEditError, match="`zz` has no evidence record"):
        add_notices(EVIDENCE, {"zz": [RETRACTION]})
    with pytest.raises(NoticeEditError, match="not written as a block"):
        add_notices("k: {type: theory, status: V-primary}\n", {"k": [RETRACTION]})
    with pytest.raises(NoticeEditError, match="not a block list"):
        add_notices("k:\n  type: theory\n  notices: []\n", {"k": [RETRACTION]})


_names = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)


@settings(deadline=None)  # a shared, loaded machine
@given(
    st.lists(_names, min_size=1, max_size=5, unique=True),
    st.integers(0, 4),
    st.sampled_from(["retraction", "correction", "withdrawal", "expression-of-concern"]),
    st.dates().map(lambda d: d.isoformat() if d.year >= 1000 else ""),
)
def test_added_notices_always_parse_back(keys: list[str], pick: int, kind: str, date: str) -> None:
    text = "".join(f"{k}:\n  type: theory\n  status: V-primary\n  note: about {k}\n" for k in keys)
    key = keys[pick % len(keys)]
    notice = Notice(kind, date, "https://example.org/n?a=1&b=2")
    new = add_notices(text, {key: [notice]})
    evidence, problems = parse_evidence(new, "e.yaml")
    assert problems == []
    for k in keys:
        record = evidence.get(k)
        assert record is not None
        assert [n.same(notice) for n in record.notices] == ([True] if k == key else [])


def test_new_notices_skips_known_ones() -> None:
    known = (Notice("retraction", "2022-05-06", "HTTPS://doi.org/10.5555/NOTICE", 9),)
    assert new_notices(known, [RETRACTION, RETRACTION, Notice("correction")]) == [
        Notice("correction")
    ]


# --- Crossref -----------------------------------------------------------------------------


def test_updates_path_quotes_the_doi() -> None:
    assert updates_path("10.5555/a b") == "/works?filter=updates:10.5555/a%20b&rows=100"


def test_notices_from_a_crossref_works_list() -> None:
    data = {
        "status": "ok",
        "message": {
            "items": [
                {
                    "DOI": "10.5555/notice.1",
                    "update-to": [
                        {
                            "DOI": "10.5555/ORIGINAL",
                            "type": "retraction",
                            "updated": {"date-parts": [[2021, 3, 4]]},
                        },
                        {"DOI": "10.5555/other", "type": "retraction"},
                    ],
                },
                {
                    "DOI": "10.5555/notice.2",
                    "update-to": [
                        {
                            "DOI": "10.5555/original",
                            "type": "erratum",
                            "updated": {"date-parts": [[2020]]},
                        },
                        {"DOI": "10.5555/original", "type": "new_edition"},
                    ],
                },
                "junk",
            ]
        },
    }
    assert notices_from_response("10.5555/original", data) == [
        Notice("retraction", "2021-03-04", "https://doi.org/10.5555/notice.1"),
        Notice("correction", "", "https://doi.org/10.5555/notice.2"),
    ]


def test_notices_from_a_single_work_updated_by() -> None:
    data = {
        "message": {
            "DOI": "10.5555/original",
            "updated-by": [
                {
                    "DOI": "10.5555/eoc",
                    "type": "expression_of_concern",
                    "updated": {"date-parts": [[2023, 1, 2]]},
                }
            ],
        }
    }
    assert notices_from_response("10.5555/original", data) == [
        Notice("expression-of-concern", "2023-01-02", "https://doi.org/10.5555/eoc")
    ]


@pytest.mark.parametrize("data", [[], {"status": "ok"}, {"message": "x"}])
def test_a_reply_that_is_not_crossref_is_refused(data: object) -> None:
    with pytest.raises(ValueError, match="not a Crossref answer"):
        notices_from_response("10.5555/x", data)


_scalars = st.one_of(
    st.sampled_from(["retraction", "correction", "2021-03-04", "https://x.org/n", "", "~"]),
    st.text(alphabet="abc-:/ 0123456789", max_size=12),
    st.integers(),
)
_notice_yaml = st.dictionaries(
    st.sampled_from(["type", "date", "url", "by"]), _scalars, max_size=4
).map(lambda d: "{" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in d.items()) + "}")


@settings(deadline=None)  # a shared, loaded machine
@given(st.lists(st.one_of(_notice_yaml, _scalars.map(json.dumps)), max_size=4))
def test_any_notices_list_parses_without_raising(items: list[str]) -> None:
    text = "k:\n  type: theory\n  status: V-primary\n  notices:\n" + "".join(
        f"    - {item}\n" for item in items
    )
    evidence, problems = parse_evidence(text, "e.yaml")
    record = evidence.get("k")
    assert record is not None
    assert all(d.code == "bad-evidence" and 5 <= d.line <= 4 + len(items) for d in problems)
    for notice in record.notices:
        assert notice.type in {"retraction", "correction", "withdrawal", "expression-of-concern"}
        assert notice.url == "" or notice.url.startswith(("http://", "https://"))
