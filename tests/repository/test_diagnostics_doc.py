"""Every diagnostic code is documented, with an example and a fix, and nothing stale is."""

from __future__ import annotations

import re

from citekb.core.diagnostics import CODES
from support import REPO

DOC = REPO / "manual" / "diagnostics.md"


def rows() -> dict[str, list[str]]:
    out = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 5:
            out[cells[0].strip("`")] = cells
    return out


def test_every_code_has_a_complete_row() -> None:
    documented = rows()
    missing = sorted(set(CODES) - set(documented))
    assert not missing, f"codes without a row in {DOC.name}: {missing}"
    for code, cells in documented.items():
        assert cells[1] == CODES[code].severity.value, f"{code}: severity differs from CODES"
        assert all(cells[2:5]), f"{code}: meaning, example and fix must all be filled in"


def test_no_row_documents_a_code_that_does_not_exist() -> None:
    assert sorted(set(rows()) - set(CODES)) == []


def test_codes_are_kebab_case() -> None:
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code) for code in CODES)
