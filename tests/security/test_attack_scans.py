"""Super-linear scans: each hostile shape, at a size where quadratic (or worse) work takes minutes,
is checked well within a generous time limit, with the findings a small input would give.

At these sizes the old scanners took from minutes to hours: 40 KB of dots after a statistic took
28.6 s and 16 KB of backticks 55 s (about cubic). ``benchmarks/hostile_shapes.py`` prints how
the time grows; here the limit only catches a scanner that is super-linear again.
"""

from __future__ import annotations

import re
import signal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from security_helpers import BIB, no_traceback, run

from citekb.pages.page import attr_list
from citekb.pages.spans import Closers, CodeSpans

N = 160_000  # characters in each hostile run
LIMIT = 30  # seconds for a whole `citekb check`, start-up included


def _check(site: Any, files: dict[str, str]) -> str:
    root = site(files)
    result = run(root, "check", "--no-cache", timeout=LIMIT)
    no_traceback(result)
    return result.stdout


def _page(body: str) -> dict[str, str]:
    return {"docs/index.md": f"# Home\n\n{body}\n"}


UNSOURCED = "docs/index.md:3:12: error[unsourced-statistic] statistic `40%` has no citation"


@pytest.mark.parametrize("stop", [".", "!", "?"])
def test_a_run_of_stops_after_a_statistic(site: Any, stop: str) -> None:
    # The sentence ends at the run: "Then …" is another sentence, so 40% is uncited.
    out = _check(site, _page("Rates rose 40%" + stop * N + " Then [@smith2020] said so."))
    assert UNSOURCED in out
    out = _check(site, _page("Rates rose 40%" + stop * N + " then [@smith2020] said so."))
    assert "no problems found" in out


def test_a_long_backtick_run(site: Any) -> None:
    # A run with no closing run of its length is text: the statistic and citation after it count.
    out = _check(site, _page("Text " + "`" * N + " rates rose 40% here [@nokey]."))
    assert "error[unknown-key] @nokey is not in the library" in out
    assert "statistic `40%`" not in out  # cited in its sentence (by an unknown key)


def test_backtick_runs_of_every_length(site: Any) -> None:
    runs = " ".join("`" * k for k in range(1, 560))  # about 160 KB, no run closes another
    out = _check(site, _page("Rates rose 40% " + runs + " [@nokey]"))
    assert "error[unknown-key] @nokey is not in the library" in out


def test_a_code_span_still_hides_what_it_holds(site: Any) -> None:
    out = _check(site, _page("x" * N + " ``a `@nokey` b`` and 40% [@smith2020]."))
    assert "no problems found" in out


@pytest.mark.parametrize(("opener", "column"), [("<!--", 4 * (N // 4) + 16), ("<?", N + 16)])
def test_repeated_openers_between_citations(site: Any, opener: str, column: int) -> None:
    # An opener with no closer is text: the citation after the run counts.
    body = "[@smith2020] " + opener * (N // len(opener)) + " [@nokey]"
    out = _check(site, _page(body))
    assert f"docs/index.md:3:{column}: error[unknown-key] @nokey is not in the library" in out


def test_a_closed_comment_still_hides_a_citation(site: Any) -> None:
    out = _check(site, _page("[@smith2020] " + "<!--" * 1000 + " [@nokey] --> done"))
    assert "no problems found" in out


def test_repeated_footnote_openers_after_a_statistic(site: Any) -> None:
    assert UNSOURCED in _check(site, _page("Rates rose 40% " + "[^" * (N // 2) + "."))


def test_repeated_ats_in_a_bracket_after_a_statistic(site: Any) -> None:
    assert UNSOURCED in _check(site, _page("Rates rose 40% [" + " @" * (N // 2)))


def test_a_heading_of_spaces(site: Any) -> None:
    page = "# A" + " " * N + "B {#x}\n\nSee [@smith2020], [the top](#x) and [elsewhere](#y).\n"
    out = _check(site, {"docs/index.md": page})
    assert out.splitlines()[0] == (
        "docs/index.md:3:49: error[broken-link] index.md has no heading with anchor #y"
    )
    assert "#x" not in out


def test_many_equal_headings(site: Any) -> None:
    page = "# Home\n\n" + "## Same\n\n" * 20_000 + "[@smith2020] [last](#same_19999)\n"
    out = _check(site, {"docs/index.md": page})
    assert "no problems found" in out


def test_a_bib_author_of_spaces(site: Any) -> None:
    author = "Smith," + " " * N + "Ann and" + " " * N + "Jones, Bob"
    out = _check(site, {"references/library.bib": BIB.replace("Smith, Ann", author)})
    assert "no problems found" in out


def test_a_handout_page_with_one_long_tag(site: Any) -> None:
    page = (
        "---\ntitle: H\nhandout: true\nreviewed: 2024-01-01\n---\n# H\n\n"
        f'<img {"a" * N} src="file:///etc/passwd">\n\n<p {"b=" * (N // 2)}>x</p>\n\n[@smith2020]\n'
    )
    out = _check(site, {"docs/index.md": page})
    assert out.splitlines()[0] == (
        "docs/index.md:8:1: warning[handout-unsafe-html] the printed handout drops `<img>`: it is"
        " a file: address (handouts fetch only files of the site)"
    )


# --- the linear helpers agree with the regexes they replace ---------------------------------

_ATTR_ID = re.compile(r"\s*\{[^}]*#([\w.:-]+)[^}]*\}\s*$")


@given(st.text(alphabet=" {}#a.:-\t", max_size=30))
def test_attr_list_is_the_regex(content: str) -> None:
    found = _ATTR_ID.search(content)
    assert attr_list(content) == (None if found is None else (found.start(), found[1]))


_CODE = re.compile(r"(?<!`)(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))+?(?<!`)\1(?!`)")


@given(st.text(alphabet="`a \n", max_size=30))
def test_code_spans_pair_runs_of_equal_length(text: str) -> None:
    spans = CodeSpans(text)
    for backticks in re.finditer("`+", text):
        end = spans.close(backticks.start(), len(backticks[0]))
        expected = _CODE.match(text, backticks.start())
        assert end == (expected.end() if expected else -1)


@given(st.text(alphabet="-> a", max_size=30), st.lists(st.integers(0, 30), max_size=10))
def test_closers_are_find(text: str, positions: list[int]) -> None:
    closers = Closers(text, "-->")
    for pos in sorted(positions):
        assert closers.find(pos) == text.find("-->", pos)


def test_a_handout_page_with_many_style_tags(site: Any) -> None:
    page = (
        "---\ntitle: H\nhandout: true\nreviewed: 2024-01-01\n---\n# H\n\n"
        + "<style>" * (N // 7)
        + "\n\np { background: url(file:///etc/passwd) }\n\n[@smith2020]\n"
    )
    out = _check(site, {"docs/index.md": page})
    assert out.splitlines()[0] == (
        "docs/index.md:8:1: warning[handout-unsafe-html] the printed handout drops `<style>`: it is"
        " a file: address (handouts fetch only files of the site)"
    )


def test_a_bib_value_of_spaces_with_a_line_break(site: Any) -> None:
    author = "Smith," + " " * 90_000 + "Ann\n  and" + " " * 90_000 + "Jones, Bob"
    out = _check(site, {"references/library.bib": BIB.replace("Smith, Ann", author)})
    assert "no problems found" in out


def test_an_isbn_of_spaces(site: Any) -> None:
    isbn = "978" + " " * 90_000 + "0-465-07691-9"  # the last digit is wrong
    bib = BIB.replace("year = {2020},", f"year = {{2020}},\n  isbn = {{{isbn}}},")
    out = _check(site, {"references/library.bib": bib})
    # The spaces split the field into words that are read together until they make an ISBN.
    assert (
        "references/library.bib:6:1: error[invalid-isbn] smith2020: ISBN '978 0-465-07691-9'"
        " fails its checksum"
    ) in out
    words = "x " * 60_000  # words without digits never make an ISBN: still linear
    bib = BIB.replace("year = {2020},", f"year = {{2020}},\n  isbn = {{{words}}},")
    assert "error[invalid-isbn]" in _check(site, {"references/library.bib": bib})


def _late(signum: int, frame: object) -> None:
    raise TimeoutError("a super-linear scan")


def test_the_post_build_pass_with_many_list_openers() -> None:
    from citekb.site import postbuild

    opener = '<ul class="citekb-references">'
    page = "<p>x</p>" + opener * (N // len(opener) * 8)  # 1.3 MB, no </ul>
    signal.signal(signal.SIGALRM, _late)
    signal.alarm(LIMIT)
    try:
        assert postbuild._with_downloads(page, "<p>downloads</p>") == page
        listed = page + "<li>a</li></ul>"
        out = postbuild._with_downloads(listed, "<p>downloads</p>")
    finally:
        signal.alarm(0)
    assert out == listed + "<p>downloads</p>"
