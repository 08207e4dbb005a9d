"""The `case-lost` shortcut: a title with no capital after its first character loses nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from citekb.checks.case_lost import lost_words, may_lose
from citekb.core.model import Entry

TAIL = st.text(alphabet="abcdefgh xyz-:{}\\0123'", max_size=40)
HEAD = st.sampled_from(["A", "a", "{", "\\", "1", '"', "Ü", "M"])
NAMES = st.sampled_from(["Smith, Ann", "{World Health Organization}", "Ann Cline", ""])


@given(HEAD, TAIL, st.one_of(st.just(""), st.builds(str.__add__, HEAD, TAIL)), NAMES)
def test_a_title_without_inner_capitals_loses_no_word(
    head: str, tail: str, subtitle: str, author: str
) -> None:
    fields = {"title": head + tail, "author": author, "publisher": "Some Press"}
    if subtitle:
        fields["subtitle"] = subtitle
    entry = Entry("k", "book", fields, "refs.bib", 1)
    assert not may_lose(entry)
    assert lost_words(entry, frozenset(), frozenset({"Smith", "Cline", "World"})) == []


def test_a_title_with_an_inner_capital_may_lose_it() -> None:
    fields = {"title": "Contact Samaritans", "publisher": "Samaritans"}
    entry = Entry("k", "book", fields, "refs.bib", 1)
    assert may_lose(entry)
    assert lost_words(entry, frozenset(), frozenset()) == ["Samaritans"]
