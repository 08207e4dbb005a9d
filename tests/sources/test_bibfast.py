"""The fast path for plain entries gives exactly the blocks of bibtexparser's splitter."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from citekb.sources.bibfast import Plain, split_plain
from citekb.sources.bibsplit import split_blocks, splitter_blocks

PLAIN = "@article{k1,\n  author = {A, B},\n  title = {T {N} x},\n  year = 2001\n}\n"

# Pieces of entries, plain and not: every mark the splitter knows, escapes, `@` in values.
PIECES = [
    PLAIN,
    "@Book{k2, title = {Paren} # pub, year = {2020},}\n",
    "@book(k3, title = {Paren})\n",
    "@string{pub = {Publisher}}\n",
    "@article{k4,\n  title = {Missing comma}\n  year = {2003}\n}\n",
    "@article{k5,\n  title = {Never closed\n",
    "@article{k6,\n  note = {a value with\n@misc{k7, title = {at a line start}}\n}}\n",
    "@misc{k8, title = {Late \\\\ \n line}, month = jan}\n",
    "@comment{ignored @article{x, title = {y}} }\n",
    "@COMMENTARY{k9, title = {a comment to the splitter}}\n",
    "@article{k10, title = {x} } trailing text\n",
    "@misc{k11, note = {mail a@b.org, @ {x}}, url = {a\\{b}}\n",
    "@misc{k12, note = {\\}}, x = {y}}\n",
    "@misc{k13, title = {A}, title = {twice}}\n",
    '@misc{k14, title = "Quoted {"} text", crossref = {k1}}\n',
    "@misc{k15, title = {deep {a {b {c {d {e}}}}}}}\n",
    "@misc{k16, title = {x}, junk }\n",
    "@misc{k17}\n",
    "@misc{ k18 ,\n\n  title\n  =\n  {multi\n line}\n ,\n}\n",
    "  @misc{k19, title = {indented}}\n",
    "@misc{k20, a = {1}, b = c d = e}\n",
    "junk line with @ sign and { brace\n",
    "\n% a comment\n",
    '@misc{k22, title = "a {b" # "c}", x = "\\"q", y = "@ home"}\n',
    '@misc{k23, title = "x {"} y", z = "{"}"}\n',
    '@misc{k24, title = "open quote}\n',
    '@misc{k25, t = "{"}\n',  # `{"}` keeps the quote open: not the end of the entry
    "@misc{k21, note = {x}}",
]


def blocks(text: str) -> tuple[object, ...]:
    return tuple(split_blocks(text)), tuple(split_blocks(text, 7))


def reference(text: str) -> tuple[object, ...]:
    return tuple(splitter_blocks(text)), tuple(splitter_blocks(text, 7))


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=14), st.text(alphabet='@{}(),="#\n a\\', max_size=30)
)
@example([PLAIN, PIECES[5], PLAIN], "")
@example([PIECES[5], PLAIN, PIECES[6], PLAIN], "")
@example([PIECES[-2], PLAIN], "")
def test_pieces_split_as_the_splitter(pieces: list[str], noise: str) -> None:
    text = "".join(pieces) + noise
    assert blocks(text) == reference(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='@{}()",=#%\\ \t\nabkx01', max_size=200))
def test_arbitrary_text_splits_as_the_splitter(noise: str) -> None:
    text = noise.replace("a{", "\n@article{k, t = {")  # entry openings, often
    assert blocks(text) == reference(text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="ab1:-_ ", min_size=1, max_size=6),
            st.lists(
                st.tuples(
                    st.text(alphabet="abc ", max_size=5),
                    st.text(alphabet='ab {}",=@\\\n()#', max_size=20),
                ),
                max_size=4,
            ),
        ),
        max_size=6,
    )
)
def test_generated_entries_split_as_the_splitter(
    entries: list[tuple[str, list[tuple[str, str]]]],
) -> None:
    text = "".join(
        f"@misc{{{key},\n" + "".join(f"  {name} = {value},\n" for name, value in fields) + "}\n"
        for key, fields in entries
    )
    assert blocks(text) == reference(text)


def test_plain_entries_are_read_by_the_fast_path() -> None:
    pieces = split_plain(PLAIN * 3 + PIECES[9] + PLAIN)
    assert [type(p).__name__ for p in pieces] == ["Plain", "Plain", "Plain", "Stretch", "Plain"]
    first = pieces[0]
    assert isinstance(first, Plain)
    assert first == Plain(
        0,
        PLAIN.rstrip("\n"),
        "k1",
        "article",
        (("author", "{A, B}", 1), ("title", "{T {N} x}", 2), ("year", "2001", 3)),
    )
    text = PLAIN * 3 + PIECES[4] + PIECES[9] + PLAIN
    assert blocks(text) == reference(text)
