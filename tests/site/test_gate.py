"""check is the gate: whatever would stop `citekb build` is a finding of `citekb check` first."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner

from citekb.cli.main import main
from citekb.project.load import load_project
from citekb.render.style import Engine, References, style_path
from citekb.site.references import citeproc_failures

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

BIB = "@article{a2020,\n  author = {Able, Ann},\n  title = {A},\n  journal = {J},\n  year = {2020},\n}\n"
PAGE = "# Home\n\nSee [@a2020].\n"


def _yml(extra: str = "", options: str = "") -> str:
    return (
        "site_name: T\nsite_url: https://kb.example.org/\ntheme:\n  name: material\n"
        f"{extra}plugins:\n  - citekb:\n      bibliography: [references/*.bib]\n{options}"
    )


def _check(root: Path) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(
        main, ["check", "--strict", "--no-cache", "--format", "json", "--root", str(root)]
    )
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.output)[
        "diagnostics"
    ] if result.exit_code != 2 else []


def test_a_nav_entry_for_a_missing_page_fails_check_where_it_fails_the_build(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    nav = "nav:\n  - Home: index.md\n  - Gone: gone.md\n  - Bibliography: bibliography.md\n  - Out: https://example.org/x.md\n"
    root = make_site({"mkdocs.yml": _yml(nav), "docs/index.md": PAGE, "references/a.bib": BIB})
    code, found = _check(root)
    assert code == 1
    assert [(d["code"], d["path"], d["line"], d["column"]) for d in found] == [
        ("nav-missing-page", "mkdocs.yml", 7, 11)
    ]
    built = CliRunner().invoke(main, ["build", "--root", str(root)])
    assert built.exit_code == 1 and "nav-missing-page" in built.output
    # the same site with the entry fixed passes both
    (root / "docs" / "gone.md").write_text("# Gone\n", encoding="utf-8")
    assert _check(root) == (0, [])
    assert CliRunner().invoke(main, ["build", "--root", str(root)]).exit_code == 0


def test_a_missing_evidence_file_named_in_the_config_is_an_error(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    options = "      evidence: references/evidnce.yaml\n"
    root = make_site(
        {"mkdocs.yml": _yml(options=options), "docs/index.md": PAGE, "references/a.bib": BIB}
    )
    code, found = _check(root)
    assert code == 1
    assert [(d["code"], d["path"]) for d in found] == [("unreadable-file", "mkdocs.yml")]
    assert "references/evidnce.yaml does not exist" in str(found[0]["message"])


def test_the_default_evidence_file_may_be_absent(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site({"mkdocs.yml": _yml(), "docs/index.md": PAGE, "references/a.bib": BIB})
    assert _check(root) == (0, [])


def test_a_citeproc_failure_is_a_located_finding_with_a_code(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site({"mkdocs.yml": _yml(), "docs/index.md": PAGE, "references/a.bib": BIB})
    project = load_project(root)
    bad = Engine(style_path("apa")).format_one(
        {"id": "a2020", "type": "article-journal", "title": "A", "issued": {"date-parts": "x"}}
    )
    assert bad.error  # citeproc-py raised; a plain fallback stands in
    found = citeproc_failures(project, References({"a2020": bad}, ("a2020",)))
    assert [(d.code, d.location, d.severity.value) for d in found] == [
        ("citeproc-failed", "references/a.bib:1:1", "warning")
    ]
    assert "a2020" in found[0].message and "ignore citeproc-failed" in found[0].hint
