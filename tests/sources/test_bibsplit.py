"""A bib file split in two (head here, tail in a helper) loads exactly as the whole file."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.sources.bibsplit import (
    Block,
    bib_text,
    ends_open,
    split_blocks,
    split_point,
    split_tail,
)
from citekb.sources.bibtex import load_library

if TYPE_CHECKING:
    from citekb.core.diagnostics import Diagnostic
    from citekb.core.model import Library


def snapshot(library: Library, diagnostics: list[Diagnostic]) -> tuple[object, ...]:
    entries = [
        (e.key, e.type, e.path, e.line, dict(e.fields), dict(e.field_lines)) for e in library
    ]
    return tuple(entries), tuple(diagnostics)


def load_split(data: bytes) -> tuple[object, ...]:
    """Load with the tail split apart from the head, as the helper process does it."""
    asked: list[str] = []

    def tail(path: str) -> list[Block] | None:
        asked.append(path)
        return split_tail(bib_text(data, path)[0])

    with mock.patch("citekb.sources.bibsplit.SPLIT_FROM", 1):
        result = snapshot(*load_library([("a.bib", data)], tail=tail))
        text = bib_text(data, "a.bib")[0]
        at = split_point(text)
        # The tail is asked for unless the cut fell inside a block (then all is read here).
        assert asked == (["a.bib"] if at and not ends_open(split_blocks(text[:at])) else [])
    return result


BLOCKS = [
    "@article{k1,\n  author = {A, B},\n  title = {T},\n  year = 2001\n}\n",
    "@book(k2, title = {Paren} # pub, year = {2020})\n",
    "@string{pub = {Publisher}}\n",
    "@article{k3,\n  title = {Missing comma}\n  year = {2003}\n}\n",
    "@article{k4,\n  title = {Never closed\n",
    "@article{k5,\n  note = {a value with\n@misc{k6, title = {at a line start}}\n}}\n",
    "@misc{k7, title = {Late \\\\\n line}, month = jan}\n",
    "@comment{ignored @article{x, title = {y}} }\n",
    "junk line with @ sign and { brace\n",
    "@article{k1,\n  title = {Duplicate key}, title = {Twice}, year = {1999}\n}\n",
    '@misc{k8, title = "Quoted {"} text", crossref = {k1}}\n',
    "@misc{k9, title = undefinedmacro}\n",
    "\n% a comment\n",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(BLOCKS), max_size=12), st.text(alphabet='@{}(),="#\n a', max_size=40)
)
def test_split_load_equals_whole_load(blocks: list[str], noise: str) -> None:
    data = ("".join(blocks) + noise).encode()
    assert load_split(data) == snapshot(*load_library([("a.bib", data)]))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='@{}()",=#%\\ \nabkx01', max_size=200))
def test_split_load_equals_whole_load_on_arbitrary_text(text: str) -> None:
    data = text.encode()
    assert load_split(data) == snapshot(*load_library([("a.bib", data)]))


def test_the_split_falls_at_a_block_start_near_the_middle() -> None:
    text = "".join(f"@misc{{k{i}, title = {{T{i}}}}}\n" for i in range(100))
    with mock.patch("citekb.sources.bibsplit.SPLIT_FROM", 100):
        at = split_point(text)
        assert split_point(text[:99]) == 0  # too short to be worth a second process
        assert split_tail(text) == split_blocks(text)[-len(split_tail(text) or ()) :]
    assert len(text) // 2 <= at < len(text) // 2 + 30
    assert text[at - 1 : at + 5] == "\n@misc"
    assert split_blocks(text[:at]) + split_blocks(text[at:], text.count("\n", 0, at)) == (
        split_blocks(text)
    )


def test_a_block_left_open_at_the_cut_is_read_from_the_whole_file() -> None:
    good = "".join(f"@misc{{k{i}, title = {{T}}}}\n" for i in range(10))
    text = good + "@article{open, title = {never closed " + "x" * 200 + "\n" + good
    with mock.patch("citekb.sources.bibsplit.SPLIT_FROM", 1):
        at = split_point(text)
    assert ends_open(split_blocks(text[:at]))  # the head ends inside @article{open
    data = text.encode()
    whole = snapshot(*load_library([("a.bib", data)]))
    assert load_split(data) == whole
    # Read whole, the splitter gives up on the open entry at the next line-start `@`.
    messages = [d.message for d in whole[1] if d.code == "bib-syntax"]  # type: ignore[attr-defined]
    assert len(messages) == 1
    assert "Unexpected block start" in messages[0]


def test_a_failing_tail_split_loads_nothing_of_the_file_as_a_failing_whole_split() -> None:
    import citekb.sources.bibtex

    first = "@string{j = {J}}\n@misc{a, title = {A}}\n"
    second = "".join(f"@misc{{k{i}, title = {{T}}, journal = j}}\n" for i in range(10))
    real = citekb.sources.bibtex.split_blocks

    def split(text: str, first_line: int = 0) -> list[Block]:
        if first_line:  # the tail: as if bibtexparser hit one of its own bugs
            raise RuntimeError("parser state")
        return real(text, first_line)

    with (
        mock.patch("citekb.sources.bibsplit.SPLIT_FROM", 1),
        mock.patch.object(citekb.sources.bibtex, "split_blocks", split),
    ):
        library, found = load_library(
            [("one.bib", first.encode()), ("two.bib", second.encode())], tail=lambda _: None
        )
    assert [e.key for e in library] == ["a"]  # nothing of two.bib, not even its head
    assert [(d.code, d.path) for d in found] == [("bib-syntax", "two.bib")]
    assert "parser state" in found[0].message
