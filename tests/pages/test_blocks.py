"""The plain-page fast path gives exactly markdown-it's block tokens, or steps aside."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.pages.blocks import _parser, simple_tokens
from support import REPO

FIELDS = ("type", "tag", "nesting", "map", "content", "level", "block", "markup", "hidden")
FIELDS += ("info", "attrs", "meta", "children")

#: Lines of every kind that matter to the block parser, prose and near-prose first.
LINES = [
    "Plain prose [@smith2020, p. 3].",
    "Trailing spaces  ",
    "A | b",
    "Text with `code` and <b>html</b>",
    "x",
    "#",
    "# Heading",
    "###### Six",
    "####### Seven",
    "#NoSpace",
    "# Closed #",
    "# Trailing ",
    "#  Two spaces",
    "## Mid # hash",
    "",
    "",
    "---",
    "...",
    "===",
    "- item",
    "* item",
    "1. item",
    "> quote",
    "    indented",
    "\tTabbed",
    " Leading space",
    "```",
    "```python",
    "``` x `y`",
    "````",
    "```` ",
    "  ```",
    " ```",
    "~~~",
    "~~~ a b ",
    "~~~~",
    "<div>",
    "[ref]: https://example.org",
    "[^1]: note",
    ": definition",
    "!!! note",
    "|a|b|",
    "|-|-|",
    "Ünïcode start",
    "9 to 5",
]


def markdown_it(text: str) -> list[tuple[Any, ...]]:
    return [tuple(getattr(t, f) for f in FIELDS) for t in _parser().parse(text, {})]


def fast(text: str) -> list[tuple[Any, ...]] | None:
    tokens = simple_tokens(text)
    return None if tokens is None else [tuple(getattr(t, f) for f in FIELDS) for t in tokens]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(LINES), max_size=12), st.booleans())
def test_the_fast_path_agrees_with_markdown_it(lines: list[str], newline: bool) -> None:
    text = "\n".join(lines) + ("\n" if newline else "")
    got = fast(text)
    if got is not None:
        assert got == markdown_it(text), text


@given(st.text(alphabet="ab #-\n:[]^|>`~\t*", max_size=60))
def test_the_fast_path_agrees_on_any_text(text: str) -> None:
    got = fast(text)
    if got is not None:
        assert got == markdown_it(text), text


def test_plain_pages_take_the_fast_path() -> None:
    page = "---\ntitle: Page 1\n---\n# Page 1\n\nProse [@a]. More.\nAnd more.\n\n## Part\nText.\n"
    assert fast(page) == markdown_it(page)
    assert fast("---\ntitle: x\n\nNo closing line\n") is None
    assert fast("- a list\n") is None
    code = "# Code\nSee:\n```python\nprint('@x')\n\n```\nAfter [@a].\n"
    assert fast(code) == markdown_it(code)
    assert fast("```\nnot closed\n") is None


def test_every_page_of_this_knowledge_base_agrees_where_it_applies() -> None:
    docs = REPO / "docs"
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        got = fast(text)
        if got is not None:
            assert got == markdown_it(text), path


PROSE = st.from_regex(r"[A-Za-z][A-Za-z0-9 .,;@\[\]`*_<>|!?:-]{0,30}", fullmatch=True)
HEADING = st.builds(
    lambda n, t: "#" * n + " " + t,
    st.integers(1, 6),
    st.from_regex(r"[A-Za-z][a-z ]{0,10}[a-z]", fullmatch=True),
)
FENCE = st.builds(
    lambda mark, info, body: f"{mark}{info}\n" + "".join(f"{b}\n" for b in body) + mark,
    st.sampled_from(["```", "~~~", "````"]),
    st.sampled_from(["", "python", " x "]),
    st.lists(st.sampled_from(["code @x", "", "# not a heading", "- not a list"]), max_size=3),
)
BLOCK = st.one_of(st.lists(PROSE, min_size=1, max_size=3).map("\n".join), HEADING, FENCE)


@settings(max_examples=300)
@given(st.lists(BLOCK, max_size=8), st.sampled_from(["\n", "\n\n"]), st.booleans())
def test_simple_documents_take_the_fast_path_to_the_same_tokens(
    blocks: list[str], gap: str, matter: bool
) -> None:
    text = ("---\ntitle: T\n---\n" if matter else "") + gap.join(blocks) + "\n"
    got = fast(text)
    assert got is not None, text
    assert got == markdown_it(text), text
