"""citekb fmt's core: canonical form, refusal on bad input, and losslessness as properties."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekb.sources.bibfmt import DEFAULT_ORDER, format_bib, parse_value, render_value
from support import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

BIB_FIXTURES = FIXTURES / "bib"
GOOD = sorted(
    p
    for p in BIB_FIXTURES.glob("*.bib")
    if p.stem not in {"missing-comma", "unclosed"} and not p.stem.endswith(".formatted")
)


def meaning(text: str) -> dict[str, object]:
    """What a BibTeX reader sees, read by bibtexparser's default stack (an independent oracle)."""
    lib = bibtexparser.parse_string(text)
    assert not [b for b in lib.failed_blocks if "Duplicate" not in type(b).__name__]
    return {
        "entries": [
            (e.entry_type.lower(), e.key, sorted((f.key.lower(), str(f.value)) for f in e.fields))
            for e in lib.entries
        ],
        "strings": [(s.key, s.value) for s in lib.strings],
        "preambles": [p.value for p in lib.preambles],
        "comments": [c.comment for c in lib.comments],
    }


def assert_lossless(text: str) -> str:
    out, diags = format_bib(text)
    assert diags == []
    assert meaning(out) == meaning(text)
    again, diags = format_bib(out)
    assert (again, diags) == (out, [])
    return out


# --- fixtures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_fixture_is_formatted_losslessly_and_idempotently(path: Path) -> None:
    assert_lossless(path.read_text(encoding="utf-8"))


def test_messy_fixture_gives_the_golden_canonical_form() -> None:
    out, diags = format_bib((BIB_FIXTURES / "messy.bib").read_text(encoding="utf-8"))
    assert diags == []
    assert out == (BIB_FIXTURES / "messy.formatted.bib").read_text(encoding="utf-8")


def test_missing_comma_is_refused_at_the_field_that_lost_its_comma() -> None:
    text = (BIB_FIXTURES / "missing-comma.bib").read_text(encoding="utf-8")
    out, diags = format_bib(text, path="refs.bib")
    assert out == text
    assert [(d.code, d.location) for d in diags] == [("missing-comma", "refs.bib:7:23")]


def test_unclosed_entry_is_refused_with_its_line() -> None:
    text = (BIB_FIXTURES / "unclosed.bib").read_text(encoding="utf-8")
    out, diags = format_bib(text, path="refs.bib")
    assert out == text
    assert [(d.code, d.location) for d in diags] == [("bib-syntax", "refs.bib:5:1")]


# --- canonical form ---------------------------------------------------------------------------


def test_canonical_form() -> None:
    text = (
        '@Article(k:1,\n\tYear = 2020, Title = "A {B}",\n'
        "  Verification={p. 3},Zeta={z}, author={X})"
    )
    out = assert_lossless(text)
    assert out == (
        "@article{k:1,\n"
        "  author = {X},\n"
        "  title = {A {B}},\n"
        "  year = 2020,\n"
        "  zeta = {z},\n"
        "  verification = {p. 3}\n"
        "}\n"
    )


def test_field_order_is_configurable_and_verification_stays_last() -> None:
    text = "@misc{k, verification = {v}, author = {a}, year = {1}, title = {t}}"
    out, _ = format_bib(text, field_order=["year", "title"])
    names = [line.split("=")[0].strip() for line in out.splitlines()[1:-1]]
    assert names == ["year", "title", "author", "verification"]


def test_values_survive_byte_for_byte() -> None:
    value = '{Multi\n      line  {\\"o}  value, with = and "quotes" and # and @ sign}'
    out = assert_lossless(f"@misc{{k,\n  note = {value}}}\n")
    assert f"note = {value}\n" in out


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ('"plain"', "{plain}"),
        ('"with {nested} braces"', "{with {nested} braces}"),
        ('"unbalanced } brace"', '"unbalanced } brace"'),
        ("2020", "2020"),
        ("jan", "jan"),
        ('jan # " 1"', 'jan # " 1"'),
        ('a   #\n  "b"#{c}', 'a # "b" # {c}'),
    ],
)
def test_render_value(raw: str, canonical: str) -> None:
    pieces, bad = parse_value(raw)
    assert bad == -1
    assert render_value(pieces) == canonical


@pytest.mark.parametrize("raw", ["{a} b", "{a", '"a', "a # ", "a = b", ""])
def test_parse_value_reports_where_a_value_stops_being_well_formed(raw: str) -> None:
    assert parse_value(raw)[1] >= 0


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff@misc{k,\r\n  Title = {a\r\n  b}}\r\n"
    out, diags = format_bib(text)
    assert diags == []
    assert out == "\ufeff@misc{k,\r\n  title = {a\r\n  b}\r\n}\r\n"


def test_mixed_line_endings_keep_the_bytes_inside_values() -> None:
    text = "@misc{k,\r\n  note = {a\r\nb},\n  title = {c\nd}}\n"
    out = assert_lossless(text)
    assert "note = {a\r\nb}" in out
    assert "title = {c\nd}" in out


def test_duplicate_keys_are_kept_for_the_checker_to_report() -> None:
    out = assert_lossless("@misc{k, title={a}}\n@misc{k, title={c}}")
    assert out.count("@misc{k,") == 2


def test_duplicate_field_is_refused_as_the_library_loader_does() -> None:
    text = "@misc{k, title={a}, title={b}}\n"
    out, diags = format_bib(text, path="x.bib")
    assert out == text
    assert [(d.code, d.location) for d in diags] == [("bib-syntax", "x.bib:1:27")]


def test_comment_inside_an_entry_is_refused() -> None:
    text = "@misc{k,\n  % why\n  title = {a}}\n"
    out, diags = format_bib(text, path="x.bib")
    assert out == text
    assert [(d.code, d.location) for d in diags] == [("bib-syntax", "x.bib:2:3")]


def test_empty_and_canonical_inputs_are_unchanged() -> None:
    assert format_bib("") == ("", [])
    out = assert_lossless("@misc{k,\n  title = {t}\n}\n")
    assert out == "@misc{k,\n  title = {t}\n}\n"


# --- generated bibs ---------------------------------------------------------------------------

_words = st.text(alphabet="abcXYZ019 .,;:-–ü'=#@()[]\n\t", max_size=12)


@st.composite
def _braced(draw: st.DrawFn, depth: int = 0) -> str:
    parts = draw(
        st.lists(
            _words
            | st.sampled_from(['{\\"o}', "\\&", '"', "{}", "%"])
            | (st.deferred(lambda: _braced(depth + 1)) if depth < 2 else _words),
            max_size=4,
        )
    )
    # A line must not start with "@": the splitter would read it as a new block.
    return "{" + re.sub(r"(\n[ \t]*)@", r"\1x@", "".join(parts)) + "}"


_quoted = _braced().map(lambda b: '"' + b[1:-1].replace('"', "'") + '"')
_bare = st.from_regex(r"\A(?:[0-9]{1,4}|[a-z][a-z0-9_]{0,6})\Z")
_piece = _braced() | _quoted | _bare
_value = st.lists(_piece, min_size=1, max_size=3).map(lambda ps: " # ".join(ps))
_ws = st.sampled_from(["", " ", "  ", "\n  ", "\t", " \n"])
_name = st.sampled_from([*DEFAULT_ORDER, "verification", "crossref", "Abstract", "x-note"]).map(
    lambda n: n.upper() if len(n) == 4 else n
)
_key = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9:_\-./+]{0,15}\Z")


@st.composite
def _entry(draw: st.DrawFn) -> str:
    names = draw(st.lists(_name, unique_by=str.lower, max_size=6))
    fields = [f"{draw(_ws)}{n}{draw(_ws)}={draw(_ws)}{draw(_value)}" for n in names]
    open_, close = draw(st.sampled_from(["{}", "()"]))
    body = ",".join([draw(_key), *fields]) + draw(st.sampled_from(["", ",", ",\n", "\n"]))
    kind = draw(st.sampled_from(["article", "Book", "misc", "INPROCEEDINGS", "online"]))
    return f"@{kind}{open_}{body}{close}"


_other = (
    st.builds(lambda k, v: f"@string{{{k} = {v}}}", _bare.filter(str.isalpha), _braced())
    | _braced().map(lambda b: f"@comment{b}")
    | _quoted.map(lambda q: f"@preamble{{{q}}}")
    | st.text(alphabet="abc %-.:\n", min_size=1, max_size=20).filter(str.strip)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_entry() | _other, max_size=5), st.sampled_from(["\n", "\n\n", "\n \n\n", " "]))
def test_generated_bibs_are_formatted_losslessly_and_idempotently(
    blocks: list[str], sep: str
) -> None:
    assert_lossless(sep.join(blocks))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='@{}()",=#%ab \n', max_size=60))
def test_arbitrary_text_never_raises_and_is_either_refused_or_lossless(text: str) -> None:
    out, diags = format_bib(text)
    if diags:
        assert out == text
        assert all(d.code in {"bib-syntax", "missing-comma"} for d in diags)
    else:
        assert_lossless(text)


def test_a_bibtexparser_crash_is_a_refusal_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import citekb.sources.bibfmt

    class Broken:
        def __init__(self, text: str) -> None:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(citekb.sources.bibfmt, "Splitter", Broken)
    text = "@misc{a, title = {T}}\n"
    out, found = citekb.sources.bibfmt.format_bib(text, path="refs.bib")
    assert out == text
    assert [(d.code, d.path, d.line) for d in found] == [("bib-syntax", "refs.bib", 1)]
    assert "bibtexparser could not read the file" in found[0].message
