"""``case-lost``: a title word that APA sentence case would lower-case but that is probably a
proper noun or an acronym, e.g. ``title = {Contact Samaritans}`` published by Samaritans.

A word is flagged when it is capitalised in the middle of a title (not first, not after a
colon or full stop), sentence case would lower-case it, and it is also written capitalised in
the entry's author or editor names, or in a publisher, institution or organisation of at most
five words ("Samaritans", "988 Suicide & Crisis Lifeline"), or in the project's
``proper_nouns`` option. Journal names are not used: they are in title case, so every word
of "Psychology and Aging" is capitalised. Words that the library's titles also use in lower
case ("social", "young") are common words, and are never flagged from the entry's fields.
The hint is the braced title, which sentence case keeps as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from citekb.checks.authors import split_names
from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.sources.biblatex_fields import is_english
from citekb.sources.sentence_case import sentence_case

if TYPE_CHECKING:
    from collections.abc import Iterable

    from citekb.core.model import Entry

#: Fields naming a person or an organisation: their capitalised words vouch for a proper noun.
NAME_FIELDS = ("author", "editor")
ORGANISATION_FIELDS = ("publisher", "institution", "organization", "school")
#: An organisation's name longer than this many words vouches for its words only when the
#: title quotes it whole ("WHO Commission on Social Connection" does not make "Connection" a name).
MAX_NAME_WORDS = 3
_TITLE_FIELDS = ("title", "subtitle")
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['\u2019][^\W\d_]+)?")
_TOKEN = re.compile(r"\S+")


def _words(value: str) -> set[str]:
    return set(_WORD.findall(re.sub(r"\\[A-Za-z]+", " ", value)))


def lower_words(entries: Iterable[Entry]) -> frozenset[str]:
    """Every word written in lower case in some title of the library (common words)."""
    out: set[str] = set()
    for entry in entries:
        for name in (*_TITLE_FIELDS, "booktitle"):
            out.update(w for w in _words(entry.get(name)) if w[:1].islower())
    return frozenset(out)


def may_lose(entry: Entry) -> bool:
    """Whether sentence case could lower-case a word of the entry's title: only if some title
    field has a capital after its first character (most exports already write sentence case)."""
    for name in _TITLE_FIELDS:
        tail = entry.get(name)[1:]
        if tail != tail.lower():
            return True
    return False


def lost_words(entry: Entry, common: frozenset[str], proper: frozenset[str]) -> list[str]:
    """Title words sentence case lower-cases that the entry or the project says are names."""
    title = " ".join(entry.get(name) for name in _TITLE_FIELDS)
    sources = [
        value
        for value in (*_people(entry), *_phrases(entry))
        if len(value.split()) <= MAX_NAME_WORDS or value in title
    ]
    vouched = {w for value in sources for w in _words(value) if w[:1].isupper()}
    vouched = {w for w in vouched if w not in common and w.casefold() not in common}
    vouched |= set(proper)
    found: list[str] = []
    for name in _TITLE_FIELDS:
        raw = entry.get(name)
        if not raw or not vouched & _words(raw):
            continue  # the common case, settled without sentence-casing the title
        cased = sentence_case(raw)
        if cased == raw:
            continue
        for before, after in zip(_TOKEN.findall(raw), _TOKEN.findall(cased), strict=False):
            if before == after or before.casefold() != after.casefold():
                continue
            for word in _words(before):
                if word in vouched and word not in found and word not in after:
                    found.append(word)
    return found


def _people(entry: Entry) -> list[str]:
    """The author and editor names that are people (not a braced organisation)."""
    return [
        person
        for name in NAME_FIELDS
        for person in split_names(entry.get(name))
        if not person.startswith("{")
    ]


def _phrases(entry: Entry) -> list[str]:
    """Organisations: braced author/editor names and the publisher-like fields, braces off."""
    out = []
    values = [p for name in NAME_FIELDS for p in split_names(entry.get(name)) if p.startswith("{")]
    values += [entry.get(name) for name in ORGANISATION_FIELDS]
    for value in values:
        value = value.strip()
        while value.startswith("{") and value.endswith("}"):
            value = value[1:-1].strip()
        if value:
            out.append(value)
    return out


def brace_words(title: str, words: Iterable[str], phrases: Iterable[str] = ()) -> str:
    """The title with each word (or a whole name that contains it) in braces."""
    words = list(words)
    for phrase in phrases:
        if len(phrase.split()) > 1 and phrase in title and any(w in _words(phrase) for w in words):
            title = title.replace(phrase, f"{{{phrase}}}", 1)
            words = [w for w in words if w not in _words(phrase)]
    for word in words:
        title = re.sub(rf"(?<![{{\w\\]){re.escape(word)}(?![\w}}])", f"{{{word}}}", title)
    return title


def check_case_lost(entries: Iterable[Entry], proper_nouns: Iterable[str] = ()) -> list[Diagnostic]:
    """``case-lost`` at the title's line, with the braced title as the hint."""
    entries = list(entries)
    candidates = [e for e in entries if may_lose(e) and is_english(e.fields)]
    if not candidates:
        return []
    common = lower_words(entries)
    proper = frozenset(proper_nouns)
    out: list[Diagnostic] = []
    for entry in candidates:  # other languages keep their own case
        words = lost_words(entry, common, proper)
        if not words:
            continue
        field = "title" if any(w in _words(entry.get("title")) for w in words) else "subtitle"
        braced = brace_words(entry.get(field), words, _phrases(entry))
        listed = ", ".join(f"`{w}`" for w in words)
        out.append(
            diagnostic(
                Code.CASE_LOST,
                entry.path,
                entry.field_lines.get(field, entry.line),
                1,
                f"{entry.key}: APA sentence case will lower-case {listed} in the {field}, "
                "which looks like a proper noun or acronym",
                f"brace it to keep its case: `{field} = {{{braced}}}`, or add it to the "
                "`proper_nouns` option",
            )
        )
    return out
