from __future__ import annotations

import json
from dataclasses import replace

from citekb.cli.report import render
from citekb.core.diagnostics import CODES, diagnostic

FOUND = [
    diagnostic("unknown-key", "docs/a.md", 3, 9, "@x is not in the library", "did you mean @y?"),
    diagnostic("unused-entry", "refs/a,b.bib", 12, 1, "y: 100% unused", ""),
]


def test_text() -> None:
    assert render("text", FOUND, files=4) == (
        "docs/a.md:3:9: error[unknown-key] @x is not in the library\n"
        "  hint: did you mean @y?\n"
        "refs/a,b.bib:12:1: warning[unused-entry] y: 100% unused\n"
        "1 error (1 unknown-key), 1 warning (1 unused-entry) in 4 files\n"
    )
    assert render("text", [], files=1) == "no problems found in 1 file\n"


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[1;31merror[unknown-key]\x1b[0m" in render("text", FOUND, colour=True)
    assert "\x1b" not in render("text", FOUND)


def test_json() -> None:
    data = json.loads(render("json", FOUND, files=4))
    assert data["summary"] == {
        "errors": 1,
        "warnings": 1,
        "files": 4,
        "by_code": {"unknown-key": 1, "unused-entry": 1},
        "uncited_entries_with_problems": 0,
    }
    assert data["diagnostics"][0] == {
        "code": "unknown-key",
        "severity": "error",
        "path": "docs/a.md",
        "line": 3,
        "column": 9,
        "message": "@x is not in the library",
        "hint": "did you mean @y?",
    }


def test_github_annotations_escape_properties_and_data() -> None:
    assert render("github", FOUND).splitlines() == [
        "::error file=docs/a.md,line=3,col=9,title=citekb unknown-key::@x is not in the library%0Adid you mean @y?",
        "::warning file=refs/a%2Cb.bib,line=12,col=1,title=citekb unknown-key::y: 100%25 unused".replace(
            "unknown-key", "unused-entry"
        ),
    ]


def test_sarif() -> None:
    log = json.loads(render("sarif", FOUND))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(CODES)
    first = run["results"][0]
    assert first["ruleId"] == "unknown-key" and first["level"] == "error"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "docs/a.md"},
        "region": {"startLine": 3, "startColumn": 9},
    }
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "unknown-key"


WARNINGS = [
    diagnostic("review-overdue", "docs/a.md", 2, 1, "overdue", ""),
    diagnostic("review-overdue", "docs/b.md", 2, 1, "overdue", ""),
    diagnostic("missing-site-url", "mkdocs.yml", 0, 0, "no site_url", ""),
]


def test_summary_counts_each_code_and_says_why_a_strict_run_failed() -> None:
    out = render("text", WARNINGS, files=3, strict="check").splitlines()
    assert out[-2] == "0 errors, 3 warnings (2 review-overdue, 1 missing-site-url) in 3 files"
    assert out[-1] == "check failed because --strict treats the 3 warnings as errors"
    build = render("text", WARNINGS[:1], strict="build").splitlines()[-1]
    assert build.startswith(
        "the build stopped because it is strict: it treats the warning as an error (fix it,"
    )
    # no such line when errors stop it anyway, or when the run is not strict
    error = diagnostic("unknown-key", "docs/a.md", 3, 9, "@x is not in the library")
    assert "strict" not in render("text", [error, *WARNINGS], strict="check")
    assert "strict" not in render("text", WARNINGS)


def test_findings_on_uncited_entries_only_count_in_the_summary() -> None:
    bad = diagnostic("invalid-url", "refs.bib", 4, 1, "k: 'x y' is not a URL", "fix it")
    hidden = [
        replace(bad, uncited="k"),
        replace(bad, line=9, uncited="k"),
        replace(bad, uncited="j"),
    ]
    out = render("text", hidden, files=2)
    assert "invalid-url" not in out
    assert out.splitlines() == [
        "no problems found in 2 files",
        "2 entries that no page cites have problems, not counted above: `citekb check"
        " --all-entries` lists them (or set `check_uncited: true` in mkdocs.yml to check"
        " every entry)",
    ]
    assert json.loads(render("json", hidden))["summary"]["uncited_entries_with_problems"] == 2
    assert json.loads(render("json", hidden))["diagnostics"] == []
    assert render("github", hidden) == ""
