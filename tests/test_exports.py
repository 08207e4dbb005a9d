"""Whole-library exports (Mendeley, Zotero): faults in entries no page cites do not block."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner

from citekb.cli.main import main

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

# What a Mendeley export looks like: its own types and field habits, faults in uncited entries.
EXPORT = """@article{Holt-Lunstad2015,
author = {Holt-Lunstad, Julianne and Smith, Timothy B},
doi = {10.1177/1745691614568352},
journal = {Perspectives on Psychological Science},
title = {{Loneliness and social isolation as risk factors for mortality}},
year = {2015}
}
@article{Knox2020,
author = {Knox, Emily J M},
title = {{A paper with no journal}},
year = {2020}
}
@book{Berg2019,
author = {van Den Berg, Sarah},
isbn = {0028-0836},
publisher = {Press},
title = {{A book with an ISSN for an ISBN}},
year = {2019}
}
@misc{Web2021,
title = {{A page}},
url = {https://example.org/a page with spaces},
year = {2021}
}
@article{Copy2018,
author = {Gil de Z{\\'{u}}{\\~{n}}iga, Homero},
doi = {10.1177/1745691614568352},
journal = {Journal},
title = {{Another work, the DOI pasted from the first}},
year = {2018}
}
"""

SITE = {
    "mkdocs.yml": "site_name: Export\nplugins:\n  - citekb:\n      evidence: null\n",
    "docs/index.md": "# Home\n\nNothing here is cited.\n",
    "references/My Collection.bib": EXPORT,
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_an_export_with_faults_only_in_uncited_entries_checks_clean(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site(SITE)
    code, out = run("check", "--root", str(root), "--strict", "--no-cache")
    assert code == 0, out
    assert out.splitlines() == [
        "no problems found in 2 files",
        "4 entries that no page cites have problems, not counted above: `citekb check"
        " --all-entries` lists them (or set `check_uncited: true` in mkdocs.yml to check"
        " every entry)",
    ]
    code, out = run("check", "--root", str(root), "--all-entries", "--format", "json")
    assert code == 1
    found = {(d["code"], d["path"], d["line"]) for d in json.loads(out)["diagnostics"]}
    bib = "references/My Collection.bib"
    assert {
        ("missing-field", bib, 8),
        ("invalid-isbn", bib, 15),
        ("invalid-url", bib, 22),
        ("duplicate-work", bib, 27),
        ("unused-entry", bib, 1),
    } <= found


def test_a_cited_entry_still_fails(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site({**SITE, "docs/index.md": "# Home\n\nA claim [@Knox2020].\n"})
    code, out = run("check", "--root", str(root), "--no-cache")
    assert code == 1
    assert (
        "references/My Collection.bib:8:1: error[missing-field] @article{Knox2020} has no"
        " `journal` or `journaltitle`" in out
    )
    assert "3 entries that no page cites have problems" in out


def test_the_export_builds_with_no_config_edits(
    make_site: Callable[[Mapping[str, str | bytes]], Path], tmp_path: Path
) -> None:
    root = make_site(SITE)
    site = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "--root", str(root), "--site-dir", str(site), "--engine", "mkdocs"]
    )
    assert result.exit_code == 0, result.output
    assert (site / "index.html").is_file()


def test_a_leftover_mkdocs_bibtex_plugin_is_reported(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    yml = (
        "site_name: Moved\nplugins:\n  - search\n  - bibtex:\n      bib_file: refs.bib\n"
        "  - citekb:\n      evidence: null\n"
    )
    root = make_site({**SITE, "mkdocs.yml": yml})
    code, out = run("check", "--root", str(root), "--no-cache")
    assert code == 0
    assert "mkdocs.yml:4:5: warning[leftover-bibtex-plugin] plugins still lists `bibtex`" in out
    assert "hint: remove the `bibtex` entry" in out
