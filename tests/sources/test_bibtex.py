"""The BibTeX loader: values, macros, crossrefs, encodings and located diagnostics."""

from __future__ import annotations

import logging
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.core.diagnostics import CODES, Severity
from citekb.core.model import Entry, Library
from citekb.sources.bibsplit import decode
from citekb.sources.bibtex import MONTHS, load_library


def load(text: str, path: str = "refs.bib") -> tuple[Library, list[tuple[str, str, int, int]]]:
    """Load one UTF-8 file; diagnostics as (code, path, line, column)."""
    library, diagnostics = load_library([(path, text.encode())])
    return library, [(d.code, d.path, d.line, d.column) for d in diagnostics]


def only(text: str) -> Entry:
    library, found = load(text)
    assert found == []
    assert len(library) == 1
    return library.entries[0]


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{Plain}", "Plain"),
        ('"Quoted"', "Quoted"),
        ("2015", "2015"),
        ("{A {Nested} {\\'E}t\\'e}", "A {Nested} {\\'E}t\\'e"),
        ('"with {"} inside"', 'with {"} inside'),
        ('"a {b, c} d"', "a {b, c} d"),
        ("{x = y, z}", "x = y, z"),
        ('{a} # "b" # 12 # {c}', "ab12c"),
        ("{a}#{b}", "ab"),
        ("mar", "March"),
        ("DEC", "December"),
        ('jan # "~1"', "January~1"),
        ("{two\n     lines}", "two lines"),
        ("{ spaced }", " spaced "),
        ("{}", ""),
        ("{$\\alpha$ \\& {\\c{c}}}", "$\\alpha$ \\& {\\c{c}}"),
        ("{LeQua @ {CLEF}}", "LeQua @ {CLEF}"),
    ],
)
def test_values_lose_delimiters_and_keep_latex(value: str, expected: str) -> None:
    entry = only(f"@misc{{k,\n  note = {value},\n}}\n")
    assert entry.fields["note"] == expected


def test_entry_shape_key_type_fields_and_lines() -> None:
    library, found = load(
        "% a comment\n"
        "\n"
        "@Article{Smith2020:X,\n"
        "  Title = {T},\n"
        "  AUTHOR = {A. Smith},\n"
        "  year = 2020\n"
        "}\n"
        "@comment{ignored}\n"
        '@preamble{"\\newcommand{\\x}{y}"}\n'
        "  @book(b1, title = {Paren})\n"
    )
    assert found == []
    first, second = library.entries
    assert (first.key, first.type, first.path, first.line) == (
        "Smith2020:X",
        "article",
        "refs.bib",
        3,
    )
    assert dict(first.fields) == {"title": "T", "author": "A. Smith", "year": "2020"}
    assert dict(first.field_lines) == {"title": 4, "author": 5, "year": 6}
    assert (second.key, second.type, second.line, second.fields["title"]) == (
        "b1",
        "book",
        10,
        "Paren",
    )


def test_line_numbers_survive_backslash_at_end_of_line_and_crlf() -> None:
    # bibtexparser alone does not count a newline right after a backslash.
    text = "@misc{a,\r\n  note = {one \\\\\r\n two},\r\n}\r\n\r\n@misc{b,\r\n  title = {x}}\r\n"
    library, found = load(text)
    assert found == []
    a, b = library.entries
    assert a.fields["note"] == "one \\\\ two"
    assert (b.line, b.field_lines["title"]) == (6, 7)


def test_duplicate_keys_are_kept_in_order_without_diagnostic() -> None:
    library, found = load("@misc{k, note={1}}\n@misc{other, note={x}}\n@misc{k, note={2}}\n")
    assert found == []
    assert [(e.key, e.fields["note"], e.line) for e in library] == [
        ("k", "1", 1),
        ("other", "x", 2),
        ("k", "2", 3),
    ]
    assert library.get("k") is library.entries[0]


def test_duplicate_keys_across_files_are_kept() -> None:
    library, diagnostics = load_library(
        [("a.bib", b"@misc{k, note={a}}\n"), ("b.bib", b"@misc{k, note={b}}\n")]
    )
    assert diagnostics == []
    assert [(e.path, e.fields["note"]) for e in library] == [("a.bib", "a"), ("b.bib", "b")]


# --- macros -------------------------------------------------------------------------------------


def test_string_macros_concatenation_and_case_insensitivity() -> None:
    library, found = load(
        '@string{acm = "ACM"}\n'
        "@STRING(Pub = acm # { Press})\n"
        "@misc{k, publisher = PUB, journal = {J. } # Acm # { } # 7}\n"
    )
    assert found == []
    assert dict(library.entries[0].fields) == {"publisher": "ACM Press", "journal": "J. ACM 7"}


def test_macro_from_an_earlier_file_is_visible_in_a_later_one() -> None:
    library, diagnostics = load_library(
        [
            ("a.bib", b'@string{jpsp = "J. Pers. Soc. Psychol."}\n'),
            ("b.bib", b"@misc{k, journal = jpsp}"),
        ]
    )
    assert diagnostics == []
    assert library.entries[0].fields["journal"] == "J. Pers. Soc. Psychol."


def test_string_redefines_a_month() -> None:
    entry = only('@string{mar = "Mär"}\n@misc{k, month = mar, other = apr}\n')
    assert (entry.fields["month"], entry.fields["other"]) == ("Mär", MONTHS["apr"])


# --- crossref -----------------------------------------------------------------------------------


def test_crossref_inherits_missing_fields_and_title_as_booktitle() -> None:
    library, diagnostics = load_library(
        [
            ("a.bib", b"@inproceedings{child, crossref = {proc}, title = {Paper}, year = 2001}\n"),
            (
                "b.bib",
                b"@proceedings{proc, title = {Proc. X}, year = 2000, publisher = {P}}\n"
                b"@book{whole, title = {Book}, crossref = {series}}\n"
                b"@inbook{part, crossref = {whole}, pages = {1--2}}\n"
                b"@misc{series, publisher = {Series Pub}, ids = {old}}\n",
            ),
        ]
    )
    assert diagnostics == []
    child = library.get("child")
    assert child is not None
    assert dict(child.fields) == {
        "crossref": "proc",
        "title": "Paper",
        "year": "2001",
        "booktitle": "Proc. X",
        "publisher": "P",
    }
    assert dict(child.field_lines) == {"crossref": 1, "title": 1, "year": 1}
    part = library.get("part")
    assert part is not None
    # Grandparent fields arrive through the parent; crossref and ids are never inherited.
    assert dict(part.fields) == {
        "crossref": "whole",
        "pages": "1--2",
        "booktitle": "Book",
        "title": "Book",
        "publisher": "Series Pub",
    }


# --- diagnostics --------------------------------------------------------------------------------

DIAGNOSTIC_CASES = [
    pytest.param(
        "@article{a,\n  title = {A}\n  year = {2000},\n}\n",
        [("missing-comma", 2, 14, ("`title`", "`year`"), "add a comma after the value of `title`")],
        {"title": "A", "year": "2000"},
        id="missing-comma-braces",
    ),
    pytest.param(
        '@article{a,\n  title = "A"\n  year = "2000"\n}\n',
        [("missing-comma", 2, 14, ("`title`",), "add a comma after the value of `title`")],
        {"title": "A", "year": "2000"},
        id="missing-comma-quotes",
    ),
    pytest.param(
        "@article{a,\n  year = 2000\n  title = {A},\n}\n",
        [("missing-comma", 2, 14, ("`year`", "`title`"), "add a comma after the value of `year`")],
        {"year": "2000", "title": "A"},
        id="missing-comma-bare-number",
    ),
    pytest.param(
        "@article{a,\n  month = jan\n  note = {x} journal = {J}}\n",
        [
            ("missing-comma", 2, 14, ("`month`",), "add a comma after the value of `month`"),
            (
                "missing-comma",
                3,
                13,
                ("`note`", "`journal`"),
                "add a comma after the value of `note`",
            ),
        ],
        {"month": "January", "note": "x", "journal": "J"},
        id="missing-comma-twice",
    ),
    pytest.param(
        "@misc{a,\n  note = {x} # nomacro,\n}\n",
        [("undefined-macro", 2, 16, ("`nomacro`", "`note`", "`a`"), "@string{nomacro")],
        {"note": "xnomacro"},
        id="undefined-macro",
    ),
    pytest.param(
        "@misc{a, journal = later}\n@string{later = {L}}\n",
        [("undefined-macro", 1, 20, ("`later`",), "define it first")],
        {"journal": "later"},
        id="macro-used-before-definition",
    ),
    pytest.param(
        '@string{s = "x" # undefined}\n',
        [("undefined-macro", 1, 19, ("@string `s`", "`undefined`"), "@string{undefined")],
        {},
        id="undefined-macro-in-string",
    ),
    pytest.param(
        "@book{c,\n  crossref = {missing},\n  title = {T}}\n",
        [("bad-crossref", 2, 14, ("`missing`", "`c`", "not in the library"), "crossref")],
        {"crossref": "missing", "title": "T"},
        id="bad-crossref",
    ),
    pytest.param(
        "@book{c, crossref = {c}}\n",
        [("bad-crossref", 1, 21, ("cycle",), "crossref")],
        {"crossref": "c"},
        id="crossref-cycle",
    ),
    pytest.param(
        "@misc{ok, note = {fine}}\n\n@article{b,\n  title = {unclosed\n",
        [("bib-syntax", 3, 1, ("`@article{b`", "end of file"), "close the block")],
        {"note": "fine"},
        id="truncated-entry",
    ),
    pytest.param(
        "@article{b,\n  title = {unbalanced\n\n@misc{ok, note = {fine}}\n",
        [("bib-syntax", 1, 1, ("`@article{b`", "Unexpected block start"), "braces")],
        {"note": "fine"},
        id="unbalanced-brace-recovers-at-next-entry",
    ),
    pytest.param(
        "@article{nokeycomma title = {x}}\n",
        [("bib-syntax", 1, 1, ("comma after entry key",), "add a comma after the entry key")],
        {},
        id="missing-comma-after-key",
    ),
    pytest.param(
        "  @misc{, note = {x}}\n",
        [("bib-syntax", 1, 3, ("has no key",), "write a key")],
        {},
        id="no-key",
    ),
    pytest.param(
        "@misc{a,\n  note = {x} {y},\n}\n",
        [("bib-syntax", 2, 14, ("`note`", "unexpected text `{y}`"), "joined with #")],
        {"note": "x"},
        id="junk-after-value",
    ),
    pytest.param(
        "@misc{a,\n  note = {x} #,\n}\n",
        [("bib-syntax", 2, 14, ("ends with `#`",), "joined with #")],
        {"note": "x"},
        id="dangling-hash",
    ),
    pytest.param(
        "@misc{a,\n  note = ,\n}\n",
        [("bib-syntax", 2, 10, ("has no value",), "joined with #")],
        {"note": ""},
        id="empty-value",
    ),
    pytest.param(
        "@misc{a,\n  note = {1},\n  Note = {2}}\n",
        [("bib-syntax", 3, 10, ("`note` is given twice", "first one is kept"), "remove one")],
        {"note": "1"},
        id="repeated-field",
    ),
]


@pytest.mark.parametrize(("text", "expected", "fields"), DIAGNOSTIC_CASES)
def test_diagnostics_are_located_and_explained(
    text: str,
    expected: list[tuple[str, int, int, tuple[str, ...], str]],
    fields: dict[str, str],
) -> None:
    library, diagnostics = load_library([("kb/refs.bib", text.encode())])
    assert [(d.code, d.path, d.line, d.column) for d in diagnostics] == [
        (code, "kb/refs.bib", line, column) for code, line, column, _, _ in expected
    ]
    for found, (code, _, _, fragments, hint) in zip(diagnostics, expected, strict=True):
        assert found.severity is CODES[code].severity is Severity.ERROR
        for fragment in fragments:
            assert fragment in found.message
        assert hint in found.hint
    if fields:
        assert dict(library.entries[-1].fields) == fields


def test_errors_in_one_entry_do_not_affect_the_next() -> None:
    library, found = load(
        "@misc{a, note = nomac}\n@misc{b,\n  title = {A}\n  year = 1}\n@misc{c, x={y}}\n"
    )
    assert [code for code, *_ in found] == ["undefined-macro", "missing-comma"]
    assert [e.key for e in library] == ["a", "b", "c"]
    assert library.get("c") is not None
    assert library.entries[2].fields == {"x": "y"}


def test_diagnostics_come_in_file_order_then_line_order() -> None:
    _, diagnostics = load_library(
        [
            ("a.bib", b"@misc{x,\n  crossref = {nowhere}}\n@misc{y, note = nomac}\n"),
            ("b.bib", b"@misc{z, note = {unclosed}\n"),
        ]
    )
    assert [(d.path, d.line, d.code) for d in diagnostics] == [
        ("a.bib", 2, "bad-crossref"),
        ("a.bib", 3, "undefined-macro"),
        ("b.bib", 1, "bib-syntax"),
    ]


def test_bibtexparser_log_lines_are_silenced(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        _, diagnostics = load_library([("a.bib", b"@misc{z, note = {unclosed}\n")])
    assert [d.code for d in diagnostics] == ["bib-syntax"]
    assert [r for r in caplog.records if r.name.startswith("bibtexparser")] == []


# --- encodings ----------------------------------------------------------------------------------

ENTRY = "@misc{k,\n  title = {Café},\n}\n"


@pytest.mark.parametrize(
    "data",
    [
        ENTRY.encode("utf-8"),
        ENTRY.encode("utf-8-sig"),
        b"\xff\xfe" + ENTRY.encode("utf-16-le"),
        b"\xfe\xff" + ENTRY.encode("utf-16-be"),
        ENTRY.replace("\n", "\r\n").encode("utf-8-sig"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "crlf"],
)
def test_supported_encodings(data: bytes) -> None:
    library, diagnostics = load_library([("refs.bib", data)])
    assert diagnostics == []
    entry = library.entries[0]
    assert (entry.key, entry.fields["title"], entry.line, entry.field_lines["title"]) == (
        "k",
        "Café",
        1,
        2,
    )


@pytest.mark.parametrize(
    ("data", "line", "column", "fragments"),
    [
        (ENTRY.encode("latin-1"), 2, 15, ("not valid UTF-8", "0xE9", "byte offset 23")),
        (b"\xef\xbb\xbf" + ENTRY.encode("latin-1"), 2, 15, ("0xE9", "byte offset 26")),
        (b"\x89PNG\r\n\x1a\n\x00\x00junk", 1, 1, ("0x89", "byte offset 0")),
        (b"@misc{k,\n  title = {a\x00b}}\n", 2, 13, ("NUL", "byte offset 21")),
        (ENTRY.encode("utf-16-le"), 1, 2, ("NUL", "byte offset 1", "UTF-16")),
        (
            b"\xff\xfe" + ENTRY.encode("utf-16-le")[:-1],
            3,
            2,
            ("UTF-16-LE", "0x0A", "byte offset 58"),
        ),
    ],
    ids=["latin-1", "latin-1-after-bom", "binary", "nul", "utf-16-without-bom", "odd-utf-16"],
)
def test_bad_encodings_are_located(
    data: bytes, line: int, column: int, fragments: tuple[str, ...]
) -> None:
    _, diagnostics = load_library([("refs.bib", data)])
    assert [(d.code, d.path, d.line, d.column) for d in diagnostics] == [
        ("bib-encoding", "refs.bib", line, column)
    ]
    for fragment in fragments:
        assert fragment in diagnostics[0].message
    assert "refs.bib" in diagnostics[0].message
    assert "UTF-8" in diagnostics[0].hint


def test_latin1_file_still_loads_with_replacement_characters() -> None:
    library, _ = load_library([("refs.bib", ENTRY.encode("latin-1"))])
    assert library.entries[0].fields["title"] == "Caf\ufffd"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"   \n\n% only a comment\n"])
def test_empty_files(data: bytes) -> None:
    library, diagnostics = load_library([("refs.bib", data)])
    assert (len(library), diagnostics) == (0, [])


def test_decode_strips_bom_and_normalises_newlines() -> None:
    assert decode(b"\xef\xbb\xbfa\r\nb\rc", "x.bib") == ("a\nb\nc", [])


# --- properties ---------------------------------------------------------------------------------

BIBLIKE = st.text(alphabet='@{}()"#=,%\\ \n\tabcxyz019éjan', max_size=300)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), BIBLIKE.map(str.encode)))
def test_never_raises_on_arbitrary_input(data: bytes) -> None:
    library, diagnostics = load_library([("a.bib", data), ("b.bib", data)])
    assert isinstance(library, Library)
    for found in diagnostics:
        assert found.code in CODES
        assert found.path in {"a.bib", "b.bib"}
        assert found.line >= 0 and found.column >= 0


KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9_:.+-]{0,15}", fullmatch=True)
NAMES = st.from_regex(r"[a-z][a-z_-]{0,10}", fullmatch=True).filter(lambda n: n != "crossref")
TEXT = st.text(alphabet=string.ascii_letters + string.digits + " ,.;:=#'()-+/@é", max_size=30)


@st.composite
def values(draw: st.DrawFn) -> tuple[str, str]:
    """(BibTeX value as written, expected loaded value)."""
    kinds = ["braces", "nested", "quotes", "number", "month", "concat", "lines", "macro"]
    kind = draw(st.sampled_from(kinds))
    text = draw(TEXT)
    if kind == "lines":  # a line break, also after a LaTeX `\\`, becomes one space
        return f"{{{text} \\\\\n    more}}", f"{text} \\\\ more"
    if kind == "macro":
        return "Pub # { X}", "Publisher X"
    if kind == "braces":
        return f"{{{text}}}", text
    if kind == "nested":
        inner = draw(TEXT)
        return f"{{{text}{{{inner}}}}}", f"{text}{{{inner}}}"
    if kind == "quotes":
        clean = text.replace('"', "")
        return f'"{clean}"', clean
    if kind == "number":
        number = str(draw(st.integers(0, 99999)))
        return number, number
    if kind == "month":
        month = draw(st.sampled_from(sorted(MONTHS)))
        return month, MONTHS[month]
    other = draw(st.integers(0, 99))
    return f"{{{text}}} # {other} # feb", f"{text}{other}February"


def _line_count(lines: list[str]) -> int:
    return sum(1 + line.count("\n") for line in lines)


@st.composite
def libraries(
    draw: st.DrawFn,
) -> tuple[str, list[tuple[str, str, int, dict[str, str], dict[str, int]]]]:
    """A bib text and, per entry, (key, type, line, fields, field lines)."""
    lines: list[str] = ["@string{pub = {Publisher}}"]
    expected = []
    noise = ["", "% a comment", "@comment{x = {y}}", '@preamble{"p"}', "junk text"]
    for key in draw(st.lists(KEYS, max_size=6)):
        lines.extend(draw(st.lists(st.sampled_from(noise), max_size=2)))
        kind = draw(st.sampled_from(["article", "Book", "MISC", "inproceedings"]))
        lines.append(f"@{kind}{{{key},")
        fields: dict[str, str] = {}
        field_lines: dict[str, int] = {}
        start = _line_count(lines)
        for name in draw(st.lists(NAMES, max_size=5, unique=True)):
            written, value = draw(values())
            upper = draw(st.booleans())
            lines.append(f"  {name.upper() if upper else name} = {written},")
            fields[name] = value
            field_lines[name] = _line_count(lines) - written.count("\n")
        lines.append("}")
        expected.append((key, kind.lower(), start, fields, field_lines))
    return "\n".join(lines) + "\n", expected


@settings(max_examples=150, deadline=None)
@given(libraries())
def test_generated_entries_round_trip(
    case: tuple[str, list[tuple[str, str, int, dict[str, str], dict[str, int]]]],
) -> None:
    text, expected = case
    library, diagnostics = load_library([("gen.bib", text.encode())])
    assert diagnostics == []
    assert [
        (e.key, e.type, e.line, dict(e.fields), dict(e.field_lines)) for e in library
    ] == expected


def test_large_generated_file_loads_every_entry() -> None:
    count = 3000
    text = "".join(
        f"@article{{k{i},\n  title = {{T {i}}},\n  month = may,\n  year = {1900 + i % 100}}}\n"
        for i in range(count)
    )
    library, diagnostics = load_library([("big.bib", text.encode())])
    assert diagnostics == []
    assert len(library) == count
    last = library.entries[-1]
    assert (last.key, last.line, last.field_lines["year"], last.fields["month"]) == (
        f"k{count - 1}",
        4 * count - 3,
        4 * count,
        "May",
    )
