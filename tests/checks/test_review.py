"""Review governance: dates, review-overdue and review-missing, SOURCE_DATE_EPOCH, citekb status."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.checks.review import add_months, check_reviews, review_of, review_rows
from citekb.checks.rules import run_checks
from citekb.cli.main import main
from citekb.core.config import ConfigError, parse_config
from citekb.pages.page import parse_page
from citekb.project.clock import today
from citekb.project.load import load_project

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

JUNE_2026 = str(int(dt.datetime(2026, 6, 1, tzinfo=dt.UTC).timestamp()))
CONFIG = """\
site_name: Review KB
plugins:
  - citekb:
      bibliography: [references/*.bib]
      review_months: 24
"""
BIB = "@book{b, author = {Doe, Jo}, title = {T}, publisher = {P}, year = {2000}}\n"


def page(text: str, name: str = "p.md") -> object:
    return parse_page(f"docs/{name}", name, text)[0]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2022, 1, 10), 24, dt.date(2024, 1, 10)),
        (dt.date(2022, 1, 10), 36, dt.date(2025, 1, 10)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),  # no 31 February: the last day
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2025, 11, 15), 1, dt.date(2025, 12, 15)),
        (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


@settings(deadline=None)  # a shared, loaded machine
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2400, 1, 1)), st.integers(1, 240))
def test_add_months_lands_in_the_right_month(start: dt.date, months: int) -> None:
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day <= start.day


def test_issue_scenario_overdue_and_undated() -> None:
    overdue = page("---\ntitle: Old\nreviewed: 2022-01-10\n---\n\n# Old\n", "old.md")
    undated = page("---\ntitle: New\n---\n\n# New\n", "new.md")
    found = check_reviews([overdue, undated], 24, dt.date(2026, 6, 1))  # type: ignore[list-item]
    assert [(d.code, d.path, d.line, d.column, d.severity) for d in found] == [
        ("review-overdue", "docs/old.md", 3, 1, "warning")
    ]
    assert "review was due on 2024-01-10" in found[0].message
    assert "today is 2026-06-01" in found[0].message


def test_next_review_overrides_the_interval_and_is_reported_at_its_line() -> None:
    text = "---\ntitle: X\nreviewed: 2022-01-10\nnext_review: 2027-01-01\n---\n"
    assert check_reviews([page(text)], 24, dt.date(2026, 6, 1)) == []  # type: ignore[list-item]
    text = "---\ntitle: X\nreviewed: 2026-01-10\nnext_review: 2026-03-01\n---\n"
    found = check_reviews([page(text)], 24, dt.date(2026, 6, 1))  # type: ignore[list-item]
    assert [(d.code, d.line) for d in found] == [("review-overdue", 4)]


def test_due_today_is_not_overdue() -> None:
    text = "---\ntitle: X\nreviewed: 2024-06-01\n---\n"
    assert check_reviews([page(text)], 24, dt.date(2026, 6, 1)) == []  # type: ignore[list-item]
    found = check_reviews([page(text)], 24, dt.date(2026, 6, 2))  # type: ignore[list-item]
    assert [d.code for d in found] == ["review-overdue"]


def test_without_today_no_overdue_is_reported() -> None:
    text = "---\ntitle: X\nreviewed: 2000-01-01\n---\n"
    assert check_reviews([page(text)], 24, None) == []  # type: ignore[list-item]


def test_handout_without_reviewed_is_review_missing() -> None:
    handout = page("---\ntitle: H\nsummary: s\nhandout: true\n---\n\n# H\n")
    found = check_reviews([handout], 36, dt.date(2026, 6, 1))  # type: ignore[list-item]
    assert [(d.code, d.line, d.severity) for d in found] == [("review-missing", 4, "warning")]
    dated = page("---\ntitle: H\nhandout: true\nreviewed: 2026-01-01\n---\n")
    assert check_reviews([dated], 36, dt.date(2026, 6, 1)) == []  # type: ignore[list-item]


def test_review_of_reads_reviewed_by_as_a_name_or_a_list() -> None:
    one = review_of({"reviewed": "2026-01-02", "reviewed_by": "Dr Jo Doe"}, 36)
    assert one.reviewed_by == ("Dr Jo Doe",)
    assert one.next_due == dt.date(2029, 1, 2)
    two = review_of({"reviewed_by": ["A B", "C D"]}, 36)
    assert two.reviewed_by == ("A B", "C D")
    assert two.reviewed is None and two.next_due is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("next_review", "soon", "`next_review` must be an ISO date, not 'soon'"),
        ("reviewed_by", "[1, 2]", "`reviewed_by` must be a name or a list of names"),
        ("reviewed_by", '""', "`reviewed_by` must be a name or a list of names"),
    ],
)
def test_front_matter_schema_for_review_fields(field: str, value: str, message: str) -> None:
    text = f"---\ntitle: X\n{field}: {value}\n---\n"
    _, problems = parse_page("docs/x.md", "x.md", text)
    assert [(d.code, d.line, d.message) for d in problems] == [("bad-frontmatter", 3, message)]


def test_today_honours_source_date_epoch() -> None:
    assert today({"SOURCE_DATE_EPOCH": JUNE_2026}) == dt.date(2026, 6, 1)
    assert today({"SOURCE_DATE_EPOCH": "0"}) == dt.date(1970, 1, 1)
    assert today({}) == dt.date.today()
    with pytest.raises(ConfigError, match="SOURCE_DATE_EPOCH must be a whole number"):
        today({"SOURCE_DATE_EPOCH": "yesterday"})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("review_months: 0", "review_months must be a whole number from 1 to 1200"),
        ("review_months: 2.5", "review_months must be a number"),
        (
            "verification_labels: {V-primry: Fine}",
            "unknown status .V-primry. \\(did you mean .V-primary.",
        ),
        ("verification_labels: {unverified: ''}", "verification_labels.unverified is empty"),
    ],
)
def test_bad_review_options_are_config_errors(options: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(f"plugins:\n  - citekb:\n      {options}\n")


def test_verification_labels_merge_over_the_defaults() -> None:
    config = parse_config(
        "plugins:\n  - citekb:\n      verification_labels: {V-primary: Checked}\n"
    )
    assert config.verification_labels == {
        "V-primary": "Checked",
        "V-secondary": "Verified second-hand",
        "unverified": "Not verified",
    }


@pytest.fixture
def review_kb(make_site: Callable[[Mapping[str, str | bytes]], Path]) -> Path:
    return make_site(
        {
            "mkdocs.yml": CONFIG,
            "references/library.bib": BIB,
            "docs/index.md": "---\ntitle: Home\n---\n\n# Home\n\nSee [@b].\n",
            "docs/old.md": "---\ntitle: Old page\nreviewed: 2022-01-10\n---\n\n# Old\n",
            "docs/soon.md": "---\ntitle: Soon\nreviewed: 2024-07-01\n---\n\n# Soon\n",
            "docs/fresh.md": "---\ntitle: Fresh\nreviewed: 2026-05-01\n---\n\n# Fresh\n",
        }
    )


def test_check_cli_uses_source_date_epoch_and_caches_per_day(review_kb: Path) -> None:
    runner = CliRunner()
    args = ["check", "--root", str(review_kb), "--format", "json"]
    result = runner.invoke(main, args, env={"SOURCE_DATE_EPOCH": JUNE_2026})
    assert result.exit_code == 0, result.output
    found = [(d["code"], d["path"], d["line"]) for d in json.loads(result.output)["diagnostics"]]
    assert found == [("review-overdue", "docs/old.md", 3)]
    # a cached result must not outlive its day
    earlier = str(int(dt.datetime(2023, 1, 1, tzinfo=dt.UTC).timestamp()))
    result = runner.invoke(main, args, env={"SOURCE_DATE_EPOCH": earlier})
    assert json.loads(result.output)["diagnostics"] == []
    result = runner.invoke(main, args, env={"SOURCE_DATE_EPOCH": "noon"})
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH must be a whole number" in result.output


def test_run_checks_passes_today_through(review_kb: Path) -> None:
    project = load_project(review_kb)
    assert [d.code for d in run_checks(project, dt.date(2026, 6, 1))] == ["review-overdue"]
    assert run_checks(project) == []


def test_review_rows_sort_by_due_date(review_kb: Path) -> None:
    project = load_project(review_kb)
    rows = review_rows(project.pages, 24, dt.date(2026, 6, 1))
    assert [(r.path, r.state) for r in rows] == [
        ("docs/old.md", "overdue"),
        ("docs/soon.md", "due-soon"),
        ("docs/fresh.md", "ok"),
        ("docs/index.md", "no-date"),
    ]


def test_status_command_table_and_json(review_kb: Path) -> None:
    runner = CliRunner()
    env = {"SOURCE_DATE_EPOCH": JUNE_2026}
    result = runner.invoke(main, ["status", "--root", str(review_kb)], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DUE", "REVIEWED", "STATE", "PAGE", "TITLE"]
    assert lines[1].split() == ["2024-01-10", "2022-01-10", "overdue", "docs/old.md", "Old", "page"]
    assert lines[2].split()[:3] == ["2026-07-01", "2024-07-01", "due-soon"]
    assert lines[4].split() == ["-", "-", "no-date", "docs/index.md", "Home"]
    assert "1 of 4 pages overdue for review (today is 2026-06-01)" in result.stderr
    result = runner.invoke(main, ["status", "--root", str(review_kb), "--format", "json"], env=env)
    data = json.loads(result.stdout)
    assert data["today"] == "2026-06-01"
    assert data["review_months"] == 24
    assert data["pages"][0] == {
        "path": "docs/old.md",
        "title": "Old page",
        "reviewed": "2022-01-10",
        "next_review": "2024-01-10",
        "state": "overdue",
    }
    assert data["pages"][-1]["next_review"] is None
