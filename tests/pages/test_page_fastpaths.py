"""Each shortcut in page parsing equals the general path it stands in for, on arbitrary text."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from citekb.pages import citations, statistics
from citekb.pages import page as pages
from citekb.pages.blocks import block_tokens
from citekb.pages.citations import _CANDIDATE, _STRUCTURE, line_starts, scan_clusters
from citekb.pages.page import _HTML_ID, _PLAIN_TEXT, _SAFE_LOADER, _plain_fields, markdown_parser
from citekb.pages.statistics import (
    _CONTAINER,
    _DIGIT,
    _NUMBER_WORD,
    _STATISTIC,
    _blank,
    _blank_containers,
    _blank_match,
    _may_state,
    _statistics_in,
    prose,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

# Markdown-ish pieces: citations, statistics, containers, tables, code, HTML, front matter.
_PIECES = st.sampled_from(
    [
        *"@@[[]];;-- `*#>|\n\n0123456789%.,{}_!<=&\\\"'~$^(): \t\r",
        *"abcxyzAEIOTFSNHſİıK\x00é—",
        "[@key]",
        "[see @a, p. 3]",
        "[-@b, pp. 3-5; @c]",
        "[@k; x]",
        "@doe [p. 3]",
        "; @c",
        ", p. 3]",
        "[@fig-1]",
        "(@good) ",
        "@good. ",
        "[@tag:a]: doi:10.1/x\n",
        "@url:https://x.org/a/b.html",
        "[@*]",
        "@*",
        "[^1]",
        "[^1]: note\n",
        "](x)",
        "[a](b.md)",
        "[ref]",
        "[ref]: https://x.org\n",
        "https://x.org/@a",
        "a@b.com",
        "`code`",
        "```\n",
        "$x$",
        "<div>",
        "</div>",
        "<!-- c -->",
        '<a id="here">',
        "id = 'x'",
        "&amp;",
        "\n\n",
        "\r\n",
        "- ",
        "* ",
        "1. ",
        "2) ",
        "> ",
        "    ",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "# ",
        "## Head {#h}\n",
        "# Plain heading\n",
        "Heading\n===\n",
        "---\ntitle: Page 1\n---\n",
        "---\ntitle: x\nsummary: yes\n---\n",
        "!!! note\n",
        "term\n: def\n",
        "29% ",
        "95% CI 1.2-3.4",
        "OR 1.5",
        "twice as ",
        "one in 5",
        "One ",
        "ten ",
        "often ",
        "loneliness ",
        " percent",
        "3 million",
        "N = 40",
        "20 people",
        "Smith et al. ",
        ". The ",
        "? A",
        "about ",
    ]
)
_TEXT = st.one_of(st.text(max_size=120), st.lists(_PIECES, max_size=40).map("".join))
_NEVER = re.compile(r"(?!)")


@contextmanager
def _general_path() -> Iterator[None]:
    """Every shortcut switched off, so that parsing takes the general path."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "_PLAIN_TEXT", _NEVER)
        patch.setattr(pages, "_plain_fields", lambda source: None)
        patch.setattr(statistics, "_may_state", lambda masked: True)
        patch.setattr(statistics, "_blank_containers", lambda t: _CONTAINER.sub(_blank_match, t))
        patch.setattr(citations, "_SIMPLE_GROUP", _NEVER)
        patch.setattr(citations, "_split_locator", citations._split_locator.__wrapped__)
        yield


@settings(max_examples=300)
@given(_TEXT)
def test_parse_page_is_the_same_without_any_shortcut(text: str) -> None:
    fast = pages.parse_page("docs/p.md", "p.md", text)
    with _general_path():
        slow = pages.parse_page("docs/p.md", "p.md", text)
    assert fast == slow


# -- statistics --------------------------------------------------------------------------------


@settings(max_examples=500)
@given(_TEXT)
def test_pre_check_is_the_regex_it_stands_for(text: str) -> None:
    expected = _DIGIT.search(text) is not None or _NUMBER_WORD.search(text) is not None
    assert _may_state(text) is expected


@settings(max_examples=300)
@given(_TEXT)
@example("People who feel lonely often do better [@k, p. 3]. Someone gone, tone: x_one.")
def test_no_statistic_where_the_pre_check_says_none(text: str) -> None:
    masked, segments = prose(text)
    if _may_state(masked):
        return
    assert _STATISTIC.search(masked) is None
    assert all(_statistics_in(masked, text, segment) == [] for segment in segments)


@pytest.mark.parametrize(
    ("masked", "expected"),
    [
        ("People who feel lonely do better.", False),
        ("Loneliness, someone, often, attention, weight.", False),
        ("One in five.", True),
        ("(seventy-one)", True),
        ("x_one", False),
        ("ſix", True),  # a long s matches "s" when case is ignored
        ("fİve", True),
        ("٣ people", True),  # an Arabic-Indic digit is a \d
        ("twice as likely", True),
        ("", False),
    ],
)
def test_pre_check_examples(masked: str, expected: bool) -> None:
    assert _may_state(masked) is expected


@settings(max_examples=500)
@given(_TEXT)
@example("x\n  - item")
@example("> a\n\t1. b")
@example(" 2) first")
def test_container_shortcut_equals_the_substitution(text: str) -> None:
    assert _blank_containers(text) == _CONTAINER.sub(_blank_match, text)


@given(_TEXT, st.integers(0, 200), st.integers(0, 200))
def test_blanking_a_slice_is_slicing_the_blanked_text(text: str, a: int, b: int) -> None:
    assert _blank(text) == re.sub(r"[^\n]", " ", text)
    assert _blank(text)[a:b] == _blank(text[a:b])


# -- citations ---------------------------------------------------------------------------------


@settings(max_examples=500)
@given(_TEXT)
def test_line_starts_count_cr_lf_and_crlf_like_the_regex(text: str) -> None:
    assert line_starts(text) == [0, *(m.end() for m in re.finditer(r"\r\n?|\n", text))]


@settings(max_examples=500)
@given(_TEXT, st.integers(0, 50), st.integers(0, 200))
def test_candidate_regexes_equal_their_plain_forms(text: str, lo: int, hi: int) -> None:
    for fast, plain in ((_CANDIDATE, r"\[|-?@"), (_STRUCTURE, r"[\[\];]|-?@")):
        ours, reference = fast.search(text, lo, hi), re.compile(plain).search(text, lo, hi)
        assert (ours and (ours.span(), ours.group())) == (
            reference and (reference.span(), reference.group())
        )


@settings(max_examples=300)
@given(_TEXT)
@example("[@a; see]")
@example("[x -@a y] [-@b] x[@c] [@d](e) [@f] [g] [@h]{.i}")
@example("[see\n@a, p.\n3] and [^@b] and [x [ @c] and [y [@d] z]")
def test_scan_is_the_same_without_the_simple_group_shortcut(text: str) -> None:
    tokens = block_tokens(text)
    fast = scan_clusters(text, "p.md", tokens=tokens)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(citations, "_SIMPLE_GROUP", _NEVER)
        slow = scan_clusters(text, "p.md", tokens=tokens)
    assert fast == slow


# -- pages -------------------------------------------------------------------------------------


@settings(max_examples=500)
@given(_TEXT)
def test_html_id_regex_equals_the_word_boundary_form(text: str) -> None:
    assert _HTML_ID.findall(text) == re.findall(r"""\bid\s*=\s*["']([^"']+)["']""", text)


_SCALAR = st.lists(
    st.sampled_from(
        [
            *"aZ09 _-.,;'()!?/&+:#",
            "yes",
            "No",
            "ON",
            "off",
            "true",
            "False",
            "null",
            "Null",
            "y",
            "n",
            "~",
            "Page 1",
            "it's",
            ".inf",
            "0x1f",
            "1e3",
            "2026-11-22",
            "<<",
            "=",
        ]
    ),
    min_size=1,
    max_size=5,
).map("".join)
_LINE = st.tuples(
    _SCALAR, st.sampled_from([":", ": ", ":  ", " : "]), _SCALAR, st.sampled_from(["", " "])
)
_FRONT = st.lists(_LINE.map("".join), min_size=1, max_size=4).map("\n".join)


@settings(max_examples=500)
@given(st.one_of(_FRONT, st.text(max_size=60)))
def test_plain_front_matter_reads_as_yaml_does(source: str) -> None:
    fast = _plain_fields(source)
    if fast is None:
        return
    loaded = yaml.load(source, Loader=_SAFE_LOADER)
    assert list(fast.items()) == list(loaded.items())
    assert all(type(v) is str for v in loaded.values())


def test_plain_front_matter_cases() -> None:
    assert _plain_fields("title: Page 1\nsummary: It's short, and plain.") == {
        "title": "Page 1",
        "summary": "It's short, and plain.",
    }
    for source in ("title: yes", "on: x", "title: x # c", "title: a: b", "title: 'x'", ""):
        assert _plain_fields(source) is None
    assert _plain_fields("a" * 101 + ": x") is None  # YAML limits the length of a plain key


_WORD = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=5)
_HEADING = st.lists(
    st.one_of(_WORD, st.sampled_from([*" ,.'\"()?/;", "  ", ". ", *"*_`[]<>&\\!#~:=-"])),
    max_size=8,
).map("".join)


@settings(max_examples=500)
@given(st.one_of(_HEADING, _TEXT))
@example("a *b* c")
@example("a `b` c [d] e &amp; f \\* g <b> h ![i](j) k:l")
def test_plain_heading_text_is_one_text_token(content: str) -> None:
    if _PLAIN_TEXT.fullmatch(content) is None:
        return
    children = markdown_parser().parseInline(content, {})[0].children or []
    assert [(c.type, c.content) for c in children] == [("text", content)]


@settings(max_examples=300)
@given(_TEXT)
def test_outline_is_the_same_without_the_plain_heading_shortcut(text: str) -> None:
    env: dict[str, object] = {}
    tokens = block_tokens(text, env)
    fast = pages.outline(text, tokens, dict(env))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "_PLAIN_TEXT", _NEVER)
        slow = pages.outline(text, tokens, dict(env))
    assert fast == slow
