"""Round two (config): the guards hold for `build` as for `check`. `outside-project` cannot be
ignored or lowered, inherited configs are guarded like mkdocs.yml, `!ENV` is reported, and no
option reads a file outside the project or a device; bad values end in a diagnostic."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from security_helpers import SITE_YML, no_traceback, run

if TYPE_CHECKING:
    from pathlib import Path

PLUGIN = "  - citekb:\n      bibliography: [references/*.bib]\n"


def with_options(extra: str) -> str:
    """SITE_YML with more citekb options (each line indented under the plugin)."""
    return SITE_YML + "".join(f"      {line}\n" for line in extra.splitlines())


@pytest.mark.parametrize(
    ("option", "where"),
    [
        ("ignore: [outside-project]", "plugins.citekb.ignore"),
        ('per_path_ignore: {"docs/*": [outside-project]}', "plugins.citekb.per_path_ignore"),
        ("per_path_ignore: {'**': outside-project}", "plugins.citekb.per_path_ignore"),
        ("severity: {outside-project: warning}", "plugins.citekb.severity"),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_outside_project_cannot_be_ignored_or_lowered(
    site, tmp_path: Path, option: str, where: str, command: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("PRIVATE-KEY-321\n", encoding="utf-8")
    root = site({"mkdocs.yml": with_options(option)})
    (root / "docs" / "key.txt").symlink_to(secret)
    result = run(root, command, timeout=180)
    no_traceback(result)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"mkdocs.yml: {where}" in result.stderr
    assert "outside-project cannot be ignored or lowered" in result.stderr
    assert not (root / "site").exists()


def test_an_inline_comment_cannot_silence_outside_project(site, tmp_path: Path) -> None:
    root = site(
        {"docs/index.md": "# Home <!-- citekb: ignore outside-project -->\n\n[@smith2020]\n"}
    )
    (root / "docs" / "passwd.md").symlink_to("/etc/passwd")
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "docs/passwd.md:0:0: error[outside-project]" in result.stdout


TAG = "!!python/object/apply:os.system ['touch {m}']"


@pytest.mark.parametrize("command", ["check", "build", "serve", "handouts"])
def test_an_inherited_config_is_guarded_like_mkdocs_yml(site, tmp_path: Path, command: str) -> None:
    marker = tmp_path / "pwned"
    sub = "theme:\n  name: mkdocs\nextra:\n  x: " + TAG.format(m=marker) + "\n"
    yml = "INHERIT: config/sub.yml\nsite_name: Attack KB\nplugins:\n" + PLUGIN
    root = site({"mkdocs.yml": yml, "config/sub.yml": sub})
    result = run(root, command, timeout=180)
    no_traceback(result)
    assert not marker.exists(), "the inherited config ran a command"
    assert result.returncode == 2
    assert "config/sub.yml:4:6: refused tag !!python/object/apply:os.system" in result.stderr
    assert not (root / "site").exists(), "MkDocs ran"


def test_inherit_chains_are_followed_and_merged(site, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    yml = "INHERIT: a.yml\nsite_name: Attack KB\n"
    a = "INHERIT: b.yml\nplugins:\n" + PLUGIN
    b = "extra:\n  x: " + TAG.format(m=marker) + "\n"
    root = site({"mkdocs.yml": yml, "a.yml": a, "b.yml": b})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert "b.yml:2:6: refused tag" in result.stderr
    (root / "b.yml").write_text("site_url: https://kb.example.org/\n", encoding="utf-8")
    result = run(root, "check", timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr  # citekb options from a.yml


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("/etc/passwd", "resolves to /etc/passwd, outside the project"),
        ("/dev/zero", "resolves to /dev/zero, outside the project"),
        ("../outside.yml", "outside the project"),
        ("loop.yml", ""),  # INHERIT: itself
    ],
)
def test_inherit_reads_nothing_outside_the_project(
    site, tmp_path: Path, target: str, why: str
) -> None:
    (tmp_path / "outside.yml").write_text("site_name: Outside\n", encoding="utf-8")
    yml = f"INHERIT: {target}\n" + SITE_YML
    root = site({"mkdocs.yml": yml, "loop.yml": "INHERIT: loop.yml\n"})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert why in result.stderr
    assert "INHERIT" in result.stderr


def test_a_committed_inherit_link_to_a_device_is_refused(site) -> None:
    root = site({"mkdocs.yml": "INHERIT: sub.yml\n" + SITE_YML})
    (root / "sub.yml").symlink_to("/dev/zero")
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert "mkdocs.yml: INHERIT 'sub.yml': cannot read sub.yml: not read: it resolves to" in (
        result.stderr
    )


def test_mkdocs_yml_linked_to_a_device_is_refused(site) -> None:
    root = site({})
    (root / "mkdocs.yml").unlink()
    (root / "mkdocs.yml").symlink_to("/dev/zero")
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert "cannot read mkdocs.yml: not read: it resolves to /dev/zero" in result.stderr


@pytest.mark.parametrize(
    ("yml", "where"),
    [
        ("site_name: !ENV [SECRET_TOKEN, x]\n", "mkdocs.yml:1:12"),
        ("site_name: A\nextra:\n  token: !ENV SECRET_TOKEN\n", "mkdocs.yml:3:10"),
        ("site_name: A\ncopyright: !ENV [SECRET_TOKEN, OTHER, x]\n", "mkdocs.yml:2:12"),
    ],
)
def test_env_tags_are_reported_with_their_variable(site, yml: str, where: str) -> None:
    root = site({"mkdocs.yml": yml + SITE_YML.split("\n", 1)[1]})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert f"{where}: warning[env-in-config] !ENV reads the environment variable" in result.stdout
    assert "SECRET_TOKEN" in result.stdout
    assert result.returncode == 0
    assert run(root, "check", "--strict", timeout=60).returncode == 1
    built = run(root, "build", timeout=180)
    assert built.returncode == 1 and not (root / "site").exists()  # the build stops on it


def test_env_tags_in_an_inherited_config_are_reported(site) -> None:
    root = site({"mkdocs.yml": "INHERIT: base.yml\n" + SITE_YML, "base.yml": "a: !ENV X_KEY\n"})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert "base.yml:1:4: warning[env-in-config] !ENV reads the environment variable X_KEY" in (
        result.stdout
    )


@pytest.mark.parametrize(
    ("style", "why"),
    [
        ("/etc/passwd", "not read: it resolves to /etc/passwd, outside the project"),
        ("/dev/zero", "not read: it resolves to /dev/zero, outside the project"),
        ("../outside.csl", "outside the project"),
        ("styles/zero.csl", "not read: it resolves to /dev/zero, outside the project"),
        ("styles/out.csl", "outside the project"),
        ("styles/fifo.csl", "not read: it is not a regular file"),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_style_reads_nothing_outside_the_project(
    site, tmp_path: Path, style: str, why: str, command: str
) -> None:
    import os

    (tmp_path / "outside.csl").write_text("<style>SECRET-CONTENT</style x", encoding="utf-8")
    root = site({"mkdocs.yml": with_options(f"style: {style}"), "styles/.keep": ""})
    (root / "styles" / "zero.csl").symlink_to("/dev/zero")
    (root / "styles" / "out.csl").symlink_to(tmp_path / "outside.csl")
    os.mkfifo(root / "styles" / "fifo.csl")
    result = run(root, command, timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert "mkdocs.yml: plugins.citekb.style:" in result.stderr and why in result.stderr
    assert "SECRET" not in result.stderr + result.stdout
    assert "line 1, column" not in result.stderr  # no position inside the outside file


def test_a_huge_style_inside_the_project_is_refused_before_it_is_read(site) -> None:
    root = site({"mkdocs.yml": with_options("style: big.csl")})
    with (root / "big.csl").open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: 64 MiB of NULs
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert "it has 67,108,864 bytes, more than 4,194,304" in result.stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ('style: "a\\0b.csl"', "plugins.citekb.style holds a NUL character"),
        ('evidence: "refs\\0.yaml"', "plugins.citekb.evidence holds a NUL character"),
        ('bibliography: ["a\\0.bib"]', "plugins.citekb.bibliography holds a NUL character"),
        ('cache_dir: "c\\0"', "plugins.citekb.cache_dir holds a NUL character"),
    ],
)
def test_a_nul_in_an_option_is_a_config_error(site, option: str, message: str) -> None:
    root = site({"mkdocs.yml": with_options(option)})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 2
    assert f"mkdocs.yml: {message}" in result.stderr


def test_a_nul_byte_in_mkdocs_yml_is_a_config_error(site) -> None:
    root = site({"mkdocs.yml": SITE_YML.replace("Attack KB", "Attack\x00KB")})
    for command in ("check", "build"):
        result = run(root, command, timeout=60)
        no_traceback(result)
        assert result.returncode == 2
        assert "mkdocs.yml:1:18: invalid YAML: character U+0000 is not allowed" in result.stderr


def test_a_nul_byte_in_the_evidence_file_is_a_finding(site) -> None:
    root = site({"references/evidence.yaml": "smith2020:\n  status: V-primary\x00\n"})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "references/evidence.yaml:2:20: error[bad-evidence]" in result.stdout


def test_a_nul_byte_in_front_matter_is_a_finding(site) -> None:
    root = site({"docs/index.md": "---\ntitle: A\x00B\n---\n# Home\n\n[@smith2020]\n"})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert "docs/index.md:2:9: error[bad-frontmatter]" in result.stdout


@pytest.mark.parametrize("reviewed", ["9999-12-31", "9997-06-01"])
def test_a_review_date_at_the_end_of_time_is_a_finding(site, reviewed: str) -> None:
    page = f"---\ntitle: Home\nreviewed: {reviewed}\nhandout: true\n---\n# Home\n\n[@smith2020]\n"
    root = site({"docs/index.md": page})
    for command in ("check", "status"):
        result = run(root, command, timeout=60)
        no_traceback(result)
    result = run(root, "check", timeout=60)
    assert result.returncode == 1
    assert (
        f"docs/index.md:3:1: error[bad-frontmatter] reviewed: {reviewed} puts the next review"
        " after the year 9999"
    ) in result.stdout


@pytest.mark.parametrize(
    ("option", "shown"),
    [
        ("evidence: /etc/passwd", "/etc/passwd"),
        ("evidence: ../outside.yaml", "../outside.yaml"),
        ("evidence: /dev/zero", "/dev/zero"),
        ("bibliography: ['../outside.bib']", "../outside.bib"),
        ("bibliography: ['/dev/zero']", "/dev/zero"),
    ],
)
def test_evidence_and_bibliography_read_nothing_outside(
    site, tmp_path: Path, option: str, shown: str
) -> None:
    (tmp_path / "outside.yaml").write_text("smith2020: [SECRET-EVIDENCE\n", encoding="utf-8")
    (tmp_path / "outside.bib").write_text("@article{SECRET-BIB\n", encoding="utf-8")
    yml = with_options(option)
    if option.startswith("bibliography"):
        yml = yml.replace("      bibliography: [references/*.bib]\n", "")
    root = site({"mkdocs.yml": yml})
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert "error[outside-project] not read: it resolves to" in result.stdout
    assert "SECRET" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "size", "limit"),
    [
        ("docs/big.md", 30 * 1024 * 1024, "20,971,520"),
        ("references/evidence.yaml", 300 * 1024 * 1024, "268,435,456"),
    ],
)
def test_huge_files_are_refused_before_they_are_read(
    site, name: str, size: int, limit: str
) -> None:
    root = site({name: ""})
    with (root / name).open("wb") as handle:
        handle.truncate(size)  # sparse: no disk, but read() would fill memory
    result = run(root, "check", timeout=60)
    no_traceback(result)
    assert result.returncode == 1
    assert (
        f"{name}:0:0: error[unreadable-file] not read: it has {size:,} bytes, more than {limit}"
        in (result.stdout)
    )
