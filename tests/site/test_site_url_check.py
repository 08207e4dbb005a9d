"""``missing-site-url`` and ``placeholder-site-url`` are check findings (with a handout), as
documented; ``citekb build`` reports them with the handouts and still builds."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from click.testing import CliRunner

from citekb.cli.main import main
from support import build_site

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    MakeSite = Callable[[Mapping[str, str | bytes]], Path]

BIB = "@book{smith2020, author = {Smith, Ann}, title = {Friends}, publisher = {P}, year = {2020}}\n"
HANDOUT = (
    "---\ntitle: Sheet\nreviewed: 2026-01-02\nhandout: true\n---\n\n# Sheet\n\n"
    "Friends help [@smith2020].\n"
)
PAGE = "---\ntitle: Home\n---\n\n# Home\n\nFriends help [@smith2020].\n"


def _yml(site_url: str) -> str:
    line = f"site_url: {site_url}\n" if site_url else ""
    return f"site_name: T\n{line}plugins:\n  - citekb:\n      bibliography: [references/*.bib]\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_check_strict_reports_a_missing_site_url_on_each_handout(make_site: MakeSite) -> None:
    root = make_site({"mkdocs.yml": _yml(""), "references/a.bib": BIB, "docs/sheet.md": HANDOUT})
    code, out = run("check", "--root", str(root), "--no-cache", "--no-color")
    assert code == 0  # a warning
    assert "docs/sheet.md:1:1: warning[missing-site-url]" in out
    code, out = run("check", "--root", str(root), "--no-cache", "--strict")
    assert code == 1 and "missing-site-url" in out


def test_check_reports_a_placeholder_site_url(make_site: MakeSite) -> None:
    root = make_site(
        {
            "mkdocs.yml": _yml("https://kb.example.org/"),
            "references/a.bib": BIB,
            "docs/sheet.md": HANDOUT,
        }
    )
    code, out = run("check", "--root", str(root), "--no-cache", "--strict")
    assert code == 1
    assert "mkdocs.yml:0:0: warning[placeholder-site-url]" in out
    assert "missing-site-url" not in out


def test_without_handouts_no_site_url_is_needed(make_site: MakeSite) -> None:
    root = make_site({"mkdocs.yml": _yml(""), "references/a.bib": BIB, "docs/index.md": PAGE})
    code, out = run("check", "--root", str(root), "--no-cache", "--strict")
    assert code == 0 and "site-url" not in out


def test_the_ignore_option_silences_it_in_check_and_on_handouts(make_site: MakeSite) -> None:
    yml = _yml("https://kb.example.org/") + "      ignore: [placeholder-site-url]\n"
    root = make_site({"mkdocs.yml": yml, "references/a.bib": BIB, "docs/sheet.md": HANDOUT})
    code, out = run("check", "--root", str(root), "--no-cache", "--strict")
    assert code == 0, out
    code, out = run("handouts", "--root", str(root))
    assert code == 0 and "placeholder" not in out


def test_build_reports_it_with_the_handouts_and_still_builds(make_site: MakeSite) -> None:
    yml = _yml("https://kb.example.org/") + "strict: true\n"
    root = make_site({"mkdocs.yml": yml, "references/a.bib": BIB, "docs/sheet.md": HANDOUT})
    for _ in range(2):  # the second build reuses the cached check
        code, out = run("build", "--root", str(root))
        assert code == 0, out
        assert out.count("warning[placeholder-site-url]") == 1
        assert (root / "site" / "handouts" / "sheet.pdf").is_file()
    # a plain strict MkDocs build runs the plugin's own check: not stopped by it either
    shutil.rmtree(root / ".citekb-cache")
    build_site(root, root / "plain")
    assert (root / "plain" / "sheet" / "index.html").is_file()
