"""Which files citekb reads (paths), how far YAML aliases expand (safeyaml) and page limits."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekb.core.safeyaml import (
    MAX_EXPANDED_NODES,
    RefusedTag,
    TooLarge,
    check_expansion,
    check_tags,
)
from citekb.pages.limits import MAX_NESTING, page_limit
from citekb.project.paths import expand_pattern, outside

TREE = [
    "references/a.bib",
    "references/b.bib",
    "references/x1.bib",
    "references/notes.txt",
    "references/.hidden.bib",
    "references/sub/c.bib",
    "references/sub/deeper/d.bib",
    "references/sub/deeper/x2.bib",
    "other/e.bib",
    "top.bib",
]
PATTERNS = [
    "references/*.bib",
    "references/**/*.bib",
    "**/*.bib",
    "references/**",
    "references/[ab].bib",
    "references/[!a]*.bib",
    "references/**/x?.bib",
    "references/sub/**/*.bib",
    "*.bib",
    "references/**/.hidden.bib",
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name in TREE:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("pattern", PATTERNS)
def test_expand_pattern_matches_glob_without_links(tree: Path, pattern: str) -> None:
    matches = glob.glob(str(tree / pattern), recursive=True)  # noqa: PTH207 - the reference
    expected = sorted(p for p in matches if Path(p).is_file())
    assert [p for p in expand_pattern(tree, pattern) if Path(p).is_file()] == expected


def test_expand_pattern_walks_each_real_folder_once(tree: Path) -> None:
    (tree / "references" / "sub" / "up").symlink_to("..")
    (tree / "references" / "loop").symlink_to("loop")
    (tree / "references" / "out").symlink_to(tree.parent)
    found = expand_pattern(tree, "references/**/*.bib")
    assert sorted(Path(p).name for p in found) == [
        "a.bib",
        "b.bib",
        "c.bib",
        "d.bib",
        "x1.bib",
        "x2.bib",
    ]


def test_outside_refuses_links_out_devices_and_loops(tree: Path) -> None:
    docs = tree / "references"
    assert outside(docs / "a.bib", tree, "a") is None
    (docs / "in.bib").symlink_to("a.bib")
    assert outside(docs / "in.bib", tree, "in") is None
    cases = {
        "passwd.bib": "/etc/passwd",
        "null.bib": os.devnull,
        "self": ".",
        "spin": "spin",
    }
    for name, target in cases.items():
        (docs / name).symlink_to(target)
    os.mkfifo(docs / "fifo.bib")
    messages = {
        name: found.message
        for name in [*cases, "fifo.bib"]
        if (found := outside(docs / name, tree, name)) is not None
    }
    assert messages == {
        "passwd.bib": "not read: it resolves to /etc/passwd, outside the project",
        "null.bib": "not read: it resolves to /dev/null, outside the project",
        "self": "not read: it is a symbolic link to a folder that contains it (a loop)",
        "spin": "not read: it is a symbolic link loop",
        "fifo.bib": "not read: it is not a regular file (a device, FIFO or socket)",
    }


def test_aliases_count_every_copy_but_each_node_once() -> None:
    ten = "a: &a [" + ", ".join("x" * 1 for _ in range(10)) + "]\n"
    shared = ten + "b: [" + ", ".join(["*a"] * 1000) + "]\n"
    check_expansion(yaml.compose(shared, Loader=yaml.SafeLoader))  # 11,000 values: fine
    bomb = ten + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(5)
    )
    with pytest.raises(TooLarge) as caught:
        check_expansion(yaml.compose(bomb, Loader=yaml.SafeLoader))
    assert caught.value.limit == MAX_EXPANDED_NODES
    assert caught.value.mark is not None and caught.value.mark.line + 1 == 5  # line of `e`


def test_an_alias_inside_its_own_anchor_is_unbounded() -> None:
    with pytest.raises(TooLarge):
        check_expansion(yaml.compose("a: &a [1, *a]", Loader=yaml.SafeLoader))


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("a: !!python/name:os.system", None),
        ("a: !ENV HOME", None),
        ("a: !!python/object/apply:os.system [x]", "!!python/object/apply:os.system"),
        ("a:\n  - 1\n  - !!python/module:os\n", "!!python/module:os"),
        ("a: {b: !!python/tuple [1]}", "!!python/tuple"),
    ],
)
def test_only_python_name_tags_pass(text: str, refused: str | None) -> None:
    class Loader(yaml.SafeLoader):
        pass

    node = yaml.compose(text, Loader=Loader)
    if refused is None:
        check_tags(node)
        return
    with pytest.raises(RefusedTag) as caught:
        check_tags(node)
    assert caught.value.shown == refused


def nested(depth: int, unit: str = "    ") -> str:
    return "\n".join(unit * i + "- x" for i in range(depth))


@pytest.mark.parametrize(
    ("text", "code_line"),
    [
        (nested(MAX_NESTING - 1), None),
        (nested(MAX_NESTING + 1), MAX_NESTING),
        ("> " * (MAX_NESTING + 5) + "quote", 1),
        ("- " * (MAX_NESTING + 5) + "item", 1),
        ("# T\n\n" + "> " * 50 + "    " * 50 + "- x", 3),
        ("---\ntitle: x\n---\n" + "text\n" * 10, None),
        ("---\nnote: " + "y" * 70_000 + "\n---\n# T\n", 1),
        ("---\n\n" + "z" * 70_000 + "\n", None),  # a rule, not front matter
    ],
)
def test_page_limits(text: str, code_line: int | None) -> None:
    found = page_limit(text, "docs/p.md")
    assert (found.line if found else None) == code_line
    if found:
        assert found.code == "page-limit"


NAMES = st.sampled_from(["a", "b", "ab", "x-1", "c.d"])
PARTS = st.sampled_from(["*", "**", "a", "b*", "?", "[ab]", "x-1", "*b"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.lists(st.lists(NAMES, min_size=1, max_size=4), min_size=1, max_size=8),
    parts=st.lists(PARTS, min_size=1, max_size=4),
)
def test_expand_pattern_agrees_with_glob(
    tmp_path_factory: pytest.TempPathFactory, files: list[list[str]], parts: list[str]
) -> None:
    root = tmp_path_factory.mktemp("tree")
    for names in files:
        path = root.joinpath("r", *names[:-1], names[-1] + ".bib")
        if any(p.is_file() for p in path.parents) or path.is_dir():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    pattern = "/".join(["r", *parts]) + ("" if parts[-1] == "**" else ".bib")
    matches = glob.glob(str(root / pattern), recursive=True)  # noqa: PTH207 - the reference
    expected = sorted({p for p in matches if Path(p).is_file()})  # `**/**` repeats a match
    assert sorted({p for p in expand_pattern(root, pattern) if Path(p).is_file()}) == expected
