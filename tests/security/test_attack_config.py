"""Attack 4 (config): a constructing YAML tag in mkdocs.yml runs nothing; `check` and
`build` exit 2 at its line, `build` before MkDocs reads the file. `!!python/name:` stays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from security_helpers import SITE_YML, no_traceback, run

if TYPE_CHECKING:
    from pathlib import Path

TAGS = [
    "!!python/object/apply:os.system ['touch {m}']",
    "!!python/object/new:os.system ['touch {m}']",
    "!!python/object:os.system {{}}",
    "!!python/module:os",
    "!!python/tuple ['touch {m}']",
]


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("command", ["check", "build", "serve", "handouts"])
def test_constructing_tags_are_refused(site, tmp_path: Path, tag: str, command: str) -> None:
    marker = tmp_path / "pwned"
    yml = SITE_YML + "extra:\n  x: " + tag.format(m=marker) + "\n"
    root = site({"mkdocs.yml": yml})
    result = run(root, command)
    no_traceback(result)
    assert not marker.exists(), "mkdocs.yml ran a command"
    assert result.returncode == 2
    assert "mkdocs.yml:9:6: refused tag !!python/" in result.stderr
    assert "only !!python/name: tags are allowed" in result.stderr
    assert not (root / "site").exists(), "MkDocs ran"


def test_name_tags_are_kept_as_inert_values(site) -> None:
    yml = SITE_YML + "extra:\n  fn: !!python/name:os.system\n  env: !ENV [HOME, x]\n"
    root = site({"mkdocs.yml": yml})
    result = run(root, "check")
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "mkdocs.yml:10:8: warning[env-in-config] !ENV reads the environment variable HOME" in (
        result.stdout
    )


def test_an_alias_bomb_in_mkdocs_yml_is_refused(site) -> None:
    rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    rows += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)
    ]
    root = site({"mkdocs.yml": SITE_YML + "extra:\n" + "".join(f"  {r}\n" for r in rows)})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert "invalid YAML: aliases expand to more than 100,000 values" in result.stderr


def test_a_name_tag_cannot_import_a_module_from_the_repository(site, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\ndef fn():\n    pass\n"
    yml = SITE_YML.replace("theme:\n  name: mkdocs\n", "") + (
        "theme:\n  name: mkdocs\nmarkdown_extensions:\n  - toc:\n"
        "      slugify: !!python/name:evilmod.fn\n"
    )
    root = site({"mkdocs.yml": yml, "evilmod.py": evil})
    result = run(root, "build", timeout=180)
    no_traceback(result)
    assert not marker.exists(), "MkDocs imported a module from the repository"
    assert result.returncode == 1
