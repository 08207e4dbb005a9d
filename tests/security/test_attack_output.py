"""Round two (low): a file name holding a newline and `::error file=…`, or an escape sequence,
prints no workflow command and no raw control character in the text and github formats."""

from __future__ import annotations

import json

import pytest
from security_helpers import no_traceback, run

FORGED = "a\n::error file=forged.md,line=1::forged annotation\n.md"
ESCAPES = "b\x1b]0;pwned\x07\x1b[31mred\u202e.md"


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_control_characters_in_file_names_are_escaped(site, fmt: str) -> None:
    root = site({f"docs/{FORGED}": "# A\n\n[@nokey]\n", f"docs/{ESCAPES}": "# B\n\n[@nokey]\n"})
    result = run(root, "check", "--format", fmt, timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    out = result.stdout
    assert not any(line.startswith("::error file=forged") for line in out.splitlines())
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "docs/a\\n::error file=forged.md" in out.replace("%3A", ":").replace("%2C", ",")
    assert "b\\x1b]0;pwned\\x07\\x1b[31mred\\u202e.md" in out.replace("%3A", ":")
    if fmt == "github":
        assert all(line.startswith("::") for line in out.splitlines())
        assert sum("unknown-key" in line for line in out.splitlines()) == 2


def test_json_keeps_the_names_exactly(site) -> None:
    root = site({f"docs/{FORGED}": "# A\n\n[@nokey]\n"})
    result = run(root, "check", "--format", "json", timeout=60)
    no_traceback(result)
    paths = {d["path"] for d in json.loads(result.stdout)["diagnostics"]}
    assert f"docs/{FORGED}" in paths


def test_config_errors_print_no_control_characters(site) -> None:
    from security_helpers import SITE_YML

    root = site({"mkdocs.yml": 'INHERIT: "x\\e]0;pwned\\a\\e[31m.yml"\n' + SITE_YML})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert "INHERIT" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_the_handouts_written_are_named_escaped(site) -> None:
    page = (
        "---\nhandout: true\nreviewed: 2026-01-01\n---\n# Sheet\n\nTalk to people [@smith2020].\n"
    )
    root = site({f"docs/{FORGED}": page})
    (root / "site").mkdir()
    result = run(root, "handouts", timeout=120)
    no_traceback(result)
    lines = result.stdout.splitlines()
    assert not any(line.startswith("::error") for line in lines), result.stdout
    assert "wrote site/handouts/a\\n::error file=forged" in result.stdout
