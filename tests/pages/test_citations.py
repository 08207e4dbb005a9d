"""The citation scanner: a table of forms, clusters, and hypothesis properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekb.core.model import CitationMode
from citekb.pages.citations import DEFAULT_XREF_PREFIXES, scan, scan_clusters

N, T, S = CitationMode.NORMAL, CitationMode.IN_TEXT, CitationMode.SUPPRESS_AUTHOR

# (source, [(key, mode, prefix, locator, suffix, line, column)])
FORMS = [
    ("[@doe99]", [("doe99", N, "", "", "", 1, 2)]),
    ("x [@a; @b]", [("a", N, "", "", "", 1, 4), ("b", N, "", "", "", 1, 8)]),
    (
        "Blah [see @doe99, pp. 33-35; also @smith04, ch. 1].",
        [
            ("doe99", N, "see", "pp. 33-35", "", 1, 11),
            ("smith04", N, "also", "ch. 1", "", 1, 35),
        ],
    ),
    (
        "[@doe, pp. 33-35, 38-39 and passim]",
        [("doe", N, "", "pp. 33-35, 38-39", "and passim", 1, 2)],
    ),
    ("[@doe, 33]", [("doe", N, "", "33", "", 1, 2)]),
    ("[@doe, chapter 3]", [("doe", N, "", "chapter 3", "", 1, 2)]),
    ("[@doe, p. {iv, xi} here]", [("doe", N, "", "p. {iv, xi}", "here", 1, 2)]),
    ("[@doe, and elsewhere]", [("doe", N, "", "", ", and elsewhere", 1, 2)]),
    ("[@doe, sec. 2.3]", [("doe", N, "", "sec. 2.3", "", 1, 2)]),
    ("[@doe, vol. 2, para. 4]", [("doe", N, "", "vol. 2", ", para. 4", 1, 2)]),
    ("Smith says [-@smith04].", [("smith04", S, "", "", "", 1, 14)]),
    ("-@smith04 says", [("smith04", S, "", "", "", 1, 2)]),
    ("@smith04 says blah.", [("smith04", T, "", "", "", 1, 1)]),
    ("@smith04 [p. 33] says.", [("smith04", T, "", "p. 33", "", 1, 1)]),
    ("@a [and passim]", [("a", T, "", "", "and passim", 1, 1)]),
    ("@a [p. 3; @b]", [("a", T, "", "p. 3", "", 1, 1), ("b", N, "", "", "", 1, 11)]),
    ("x @{odd key}? no; @{a:b/c} yes", [("a:b/c", T, "", "", "", 1, 19)]),
    ("End @doe99.", [("doe99", T, "", "", "", 1, 5)]),
    ("x @a:b.c/d+e-f_g#h y", [("a:b.c/d+e-f_g#h", T, "", "", "", 1, 3)]),
    ("x @Müller2020 y", [("Müller2020", T, "", "", "", 1, 3)]),
    ("ü é @clé", [("clé", T, "", "", "", 1, 5)]),  # columns count characters
    ("me@example.com, x_@y.org", []),
    ("<https://x.org/@a> https://x.org/@b [l](https://x.org/@c)", []),
    ("`@a` ``[@b]`` \\@c <!-- @d --> <b title='@e'>", []),
    ("$x @a$", []),
    ("[@fig-1] @tbl:x @eq-2 @sec:intro", []),
    ("[@fig-1; @real]", [("real", N, "", "", "", 1, 10)]),
    ("line one\n\n> quote [@a;\n> @b]", [("a", N, "", "", "", 3, 10), ("b", N, "", "", "", 4, 3)]),
    ("a\r\nb @c\r\nd", [("c", T, "", "", "", 2, 3)]),
    ("---\ntitle: '@no'\n---\n\n# Head @h", [("h", T, "", "", "", 5, 8)]),
    ("```\n@no\n```\n\n    @no\n\n@yes", [("yes", T, "", "", "", 7, 1)]),
    ("<div>\n@no\n</div>\n\n@yes", [("yes", T, "", "", "", 5, 1)]),
    ("[ref]: https://x.org/@no\n\n@yes", [("yes", T, "", "", "", 3, 1)]),
    (
        "| a | [@b] |\n|---|---|\n| @c | `@no` |",
        [("b", N, "", "", "", 1, 8), ("c", T, "", "", "", 3, 3)],
    ),
    (
        "| x \\| y [@a] | `c\\|d` @b |\n|---|---|",
        [("a", N, "", "", "", 1, 11), ("b", T, "", "", "", 1, 24)],
    ),
    (
        "x @a@b and see@c@d and @e.@f",
        [
            ("a", T, "", "", "", 1, 3),
            ("b", T, "", "", "", 1, 5),
            ("d", T, "", "", "", 1, 17),
            ("e", T, "", "", "", 1, 24),
        ],
    ),
    ("Text.[^1]\n\n[^1]: A note [@n].", [("n", N, "", "", "", 3, 15)]),
    ("!!! note\n    In an admonition [@adm].", [("adm", N, "", "", "", 2, 23)]),
    ("Term\n\n:   Definition [@def].", [("def", N, "", "", "", 3, 17)]),
    ("- item [@a]\n    - nested @b", [("a", N, "", "", "", 1, 9), ("b", T, "", "", "", 2, 14)]),
    ("x [see\n  @a, p. 3\n  and more] y", [("a", N, "see", "p. 3", "and more", 2, 3)]),
]


@pytest.mark.parametrize(("src", "expected"), FORMS, ids=[f[0][:40] for f in FORMS])
def test_forms(src: str, expected: list[tuple[object, ...]]) -> None:
    got = [(c.key, c.mode, c.prefix, c.locator, c.suffix, c.line, c.column) for c in scan(src)]
    assert got == expected


def test_path_and_offset() -> None:
    (cite,) = scan("ab\n[@k]", "docs/page.md")
    assert (cite.path, cite.offset, cite.line, cite.column) == ("docs/page.md", 4, 2, 2)


def test_clusters_span_the_source() -> None:
    src = "See [@a; -@b, p. 2] and @c [p. 4] and @d."
    clusters = scan_clusters(src)
    assert [src[c.start : c.end] for c in clusters] == ["[@a; -@b, p. 2]", "@c [p. 4]", "@d"]
    assert [[x.key for x in c.citations] for c in clusters] == [["a", "b"], ["c"], ["d"]]


def test_suppress_author_cluster_starts_at_dash() -> None:
    (cluster,) = scan_clusters("x -@a y")
    assert (cluster.start, cluster.end, cluster.citations[0].offset) == (2, 5, 3)


def test_nested_clusters_follow_their_parent() -> None:
    src = "x [@a, see @b] y"
    clusters = scan_clusters(src)
    assert [src[c.start : c.end] for c in clusters] == ["[@a, see @b]", "@b"]
    assert [(c.key, c.mode) for c in scan(src)] == [("a", N), ("b", T)]


def test_xref_prefixes_parameter() -> None:
    src = "@fig-a @tbl:b @thm-c"
    assert DEFAULT_XREF_PREFIXES == ("fig", "tbl", "eq", "sec")
    assert [c.key for c in scan(src)] == ["thm-c"]
    assert [c.key for c in scan(src, xref_prefixes=("thm",))] == ["fig-a", "tbl:b"]
    assert [c.key for c in scan(src, xref_prefixes=())] == ["fig-a", "tbl:b", "thm-c"]
    assert [c.key for c in scan("@figure1 @fig")] == ["figure1", "fig"]


def test_cached_results_are_fresh_lists() -> None:
    page = "# T\n\n" + "\n\n".join(f"Claim {i} [@k{i}, p. {i}]." for i in range(10))
    first = scan_clusters(page, "a.md")
    first.clear()
    again = scan_clusters(page, "a.md")
    assert [c.citations[0].locator for c in again] == [f"p. {i}" for i in range(10)]
    assert {c.path for c in scan(page, "b.md")} == {"b.md"}


# -- properties --------------------------------------------------------------------------------

LINE_BREAK = re.compile(r"\r\n?|\n")

junk = st.text(
    alphabet=st.sampled_from(list("[]@-;{}`<>!\\$^*_ \n\r\t:./#abc1é>|(~\x00")) | st.characters(),
    max_size=200,
)


def _position(text: str, offset: int) -> tuple[int, int]:
    starts = [0, *(m.end() for m in LINE_BREAK.finditer(text))]
    line = sum(1 for s in starts if s <= offset)
    return line, offset - starts[line - 1] + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(junk, st.text(max_size=300)))
def test_never_raises_and_points_at_the_at_sign(text: str) -> None:
    clusters = scan_clusters(text)
    for cluster in clusters:
        assert 0 <= cluster.start < cluster.end <= len(text)
        for cite in cluster.citations:
            assert cluster.start <= cite.offset < cluster.end
    for cite in scan(text, "p.md"):
        assert text[cite.offset] == "@"
        rest = text[cite.offset + 1 :]
        assert rest.startswith((cite.key, "{" + cite.key + "}"))
        assert (cite.line, cite.column) == _position(text, cite.offset)
        assert cite.path == "p.md"


KEYS = st.from_regex(
    r"[A-Za-z][A-Za-z0-9_]{0,6}(?:[:./+-][A-Za-z0-9]{1,4}){0,2}", fullmatch=True
).filter(lambda k: not re.match(r"(?:fig|tbl|eq|sec)[-:]", k))
WORDS = st.sampled_from(["alpha", "beta", "gamma,", "delta.", "(eps)", "zeta;", "eta:"])
FORM = st.sampled_from(["[@{}]", "[see @{}, p. 3]", "@{}", "[-@{}]", "@{} [p. 9]", "[@{}; @{}]"])
DECOYS = st.sampled_from(
    [
        "`@x1`",
        "me@x.org",
        "so <!-- @x2 -->",
        "\\@x3",
        "<https://a.org/@x4>",
        "[t](https://a.org/@x5)",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[tuple[str, int]]]:
    """A page of paragraphs, code blocks and decoys, with citations at known offsets."""
    text = ""
    expected: list[tuple[str, int]] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["para", "fence", "indented", "quote"]))
        if kind == "fence":
            text += f"```\n@{draw(KEYS)} [@{draw(KEYS)}]\n```\n\n"
            continue
        if kind == "indented":
            text += f"    @{draw(KEYS)}\n\n"
            continue
        # A paragraph must not open with a raw HTML decoy: that would make it an HTML block.
        text += "> Start " if kind == "quote" else "Start "
        for _ in range(draw(st.integers(1, 8))):
            choice = draw(st.integers(0, 3))
            if choice == 0:
                form = draw(FORM)
                keys = [draw(KEYS) for _ in range(form.count("{}"))]
                at = 0
                piece = form.format(*keys)
                for key in keys:
                    at = piece.index("@" + key, at)
                    expected.append((key, len(text) + at))
                    at += 1
                text += piece
            elif choice == 1:
                text += draw(DECOYS)
            else:
                text += draw(WORDS)
            text += draw(st.sampled_from([" ", " ", "\n"]))
        text += "\n\n"
    return text, expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_inserted_citations_are_found_where_inserted(
    doc: tuple[str, list[tuple[str, int]]],
) -> None:
    text, expected = doc
    assert [(c.key, c.offset) for c in scan(text)] == expected
