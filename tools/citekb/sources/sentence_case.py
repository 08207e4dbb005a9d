"""APA 7 sentence case for titles, applied to the raw BibTeX text before LaTeX decoding.

APA (6.17, 9.19) writes the titles of articles, chapters, books, reports and web pages in
sentence case: only the first word, the first word after a colon (or a full stop, question or
exclamation mark) and proper nouns keep a capital. Journal names keep title case, so they are
left alone. Because citekb cannot know every proper noun, it keeps as written:

- anything in braces, as BibTeX does (``{U.S.}``, ``{Sue Johnson}``);
- acronyms and words with a capital after the first letter (``COVID-19``, ``EdD``, ``iPhone``);
- the pronoun "I" and a short list of names of countries, peoples, languages, months and days.

The transform works on the raw field, where braces still mark what the author protected, and
returns raw text for :func:`citekb.sources.csl.latex_to_text` to decode.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from citekb.sources.biblatex_fields import (
    compose_booktitle,
    compose_title,
    is_english,
    issue_title_fields,
)
from citekb.sources.latex import latex_to_text

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

#: People's names in terms of science and medicine, and the adjectives made from them, which
#: Merriam-Webster (APA's dictionary) capitalises and which are never common words.
_EPONYMS = (
    *("Bayes", "Bayesian", "Gauss", "Gaussian", "Poisson", "Markov", "Markovian"),
    *("Hamiltonian", "Lagrangian", "Laplace", "Laplacian", "Euclidean", "Riemannian"),
    *("Hilbert", "Fourier", "Boolean", "Newtonian", "Darwinian", "Freudian", "Hebbian"),
    *("Kalman", "Dirichlet", "Bernoulli", "Boltzmann", "Langevin", "Helmholtz", "Turing"),
    *("Monte", "Carlo", "Pavlovian", "Jacobian", "Hessian", "Cauchy", "Weibull", "Pareto"),
    *("Bellman", "Wasserstein", "Kullback", "Leibler", "Hopfield", "Hodgkin", "Huxley"),
    *("Alzheimer", "Parkinson", "Huntington", "Asperger", "Gibbs", "Nash"),
)
#: Eponyms capitalised even where the entry wrote them in lower case (Google Scholar exports
#: "approximate bayesian inference"); "gauss" (the unit) and "hessian" (the cloth) are words.
_CAPITALISED = frozenset(_EPONYMS) - {"Gauss", "Hessian"}
#: Words kept capitalised wherever they stand (compared without a possessive ``'s``): the
#: pronoun I, places and peoples, months and days, eponyms (APA 6.14, Merriam-Webster).
PROPER_NOUNS: frozenset[str] = frozenset(
    [
        "I",
        "Vol",
        "America",
        "American",
        "Americans",
        "Africa",
        "African",
        "Asia",
        "Asian",
        "Australia",
        "Australian",
        "Britain",
        "British",
        "Canada",
        "Canadian",
        "China",
        "Chinese",
        "England",
        "English",
        "Europe",
        "European",
        "France",
        "French",
        "Germany",
        "German",
        "India",
        "Indian",
        "Ireland",
        "Irish",
        "Italy",
        "Italian",
        "Japan",
        "Japanese",
        "Mexico",
        "Mexican",
        "Scotland",
        "Scottish",
        "Spain",
        "Spanish",
        "Wales",
        "Welsh",
        "Latino",
        "Latina",
        "Hispanic",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        *_EPONYMS,
        # sacred texts (APA 6.14)
        *("Bible", "Pentateuch", "Torah", "Talmud", "Quran", "Qur'an", "Koran"),
    ]
)
# "May" is also a verb, so it is not kept: brace it (``{May}``) where it is the month.
_MAYBE = frozenset({"May"})
#: A full stop after these does not end a sentence: the next word stays lower case.
_ABBREVIATIONS = frozenset({"vs", "v", "e.g", "i.e", "etc", "cf", "al", "ca", "approx"})
_COMMAND = re.compile(r"\\[A-Za-z]+|\\.")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_APOSTROPHES = ("'s", "\u2019s", "'", "\u2019")
_EDGE = ".,;:!?()[]\"'\u2018\u2019\u201c\u201d"


def sentence_case(raw: str) -> str:
    """``Loneliness and Social Isolation: A Meta-Analytic Review`` ->
    ``Loneliness and social isolation: A meta-analytic review`` (braces kept)."""
    out: list[str] = []
    capitalise = True
    for token, space in _tokens(raw):
        out.append(_word(token, capitalise) + space)
        if token.strip("{}"):  # after a leading "[1506.07365]" the title's first word
            capitalise = _ends_sentence(token) or (capitalise and _bracketed(token))
    return "".join(out)


def _bracketed(token: str) -> bool:
    """A label in square brackets, which APA's order disregards (9.44): "[1506.07365]"."""
    return token.startswith("[") and token.rstrip(".,:;").endswith("]")


def _tokens(raw: str) -> Iterator[tuple[str, str]]:
    """Whitespace-separated tokens at brace depth 0, each with the spaces after it."""
    depth = 0
    start = 0
    i = 0
    n = len(raw)
    while i < n:
        ch = raw[i]
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch.isspace() and depth == 0:
            end = i
            while i < n and raw[i].isspace():
                i += 1
            yield raw[start:end], raw[end:i]
            start = i
            continue
        i += 1
    if start < n:
        yield raw[start:], ""


def _ends_sentence(token: str) -> bool:
    bare = token.rstrip("}\"')\u2019\u201d")
    if bare.endswith((":", "?", "!")):
        return True
    if bare.endswith("."):
        word = bare.rstrip(".").lstrip("{(\"'\u2018\u201c").casefold()
        initial = len(word) == 1 and word.isalpha() and word not in "ivx"  # "I." is a numeral
        return word not in _ABBREVIATIONS and not initial
    return False


@lru_cache(maxsize=1 << 16)  # a pure function of its token: title words recur across works
def _word(token: str, capitalise: bool) -> str:
    """One token: braced parts verbatim, the rest lower case unless protected."""
    parts = []
    first = True
    for piece, braced in _pieces(token):
        if braced:
            parts.append(piece)
        else:
            parts.append(_plain(piece, capitalise and first))
        if _LETTER_RUN.search(_COMMAND.sub("", piece)):
            first = False
    return "".join(parts)


def _pieces(token: str) -> Iterator[tuple[str, bool]]:
    """Split a token into (text, braced) runs; a brace group runs to its matching brace."""
    depth = 0
    start = 0
    i = 0
    while i < len(token):
        ch = token[i]
        if ch == "\\" and i + 1 < len(token) and depth == 0 and token[i + 1] not in "{}":
            i += 2
            continue
        if ch == "{":
            if depth == 0 and i > start:
                yield token[start:i], False
                start = i
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                yield token[start : i + 1], True
                start = i + 1
        i += 1
    if start < len(token):
        yield token[start:], depth > 0


def _plain(text: str, capitalise: bool) -> str:
    """Lower-case each hyphen- or slash-joined part that is not protected."""
    parts = re.split(r"([-/\u2013\u2014]+)", text)
    out = []
    for index, part in enumerate(parts):
        if index % 2 or not part:
            out.append(part)
            continue
        kept = _protected(part)
        changed = part if kept else _lower(part)
        if not kept and changed.strip(_EDGE).capitalize() in _CAPITALISED:
            changed = _upper_first(changed)  # "bayesian" -> "Bayesian"
        if capitalise and index == 0 and not (kept and _lower_initial_brand(part)):
            changed = _upper_first(changed)
        out.append(changed)
    return "".join(out)


def _protected(part: str) -> bool:
    letters = _LETTER_RUN.findall(_COMMAND.sub("", part))
    word = "".join(letters)
    if not word:
        return True
    if sum(ch.isupper() for ch in word) >= 2 or any(ch.isupper() for ch in word[1:]):
        return True  # an acronym (US, COVID, PTSD) or a word like EdD, iPhone, McDonald
    plain = _COMMAND.sub("", part)
    if any(ch.isdigit() for ch in plain) and any(ch.isupper() for ch in plain):
        return True  # F1, N2pc, 4E, B12
    if len(word) == 1 and word.isupper() and word != "A":
        return True  # a letter that is a word: "Advanced R", "vitamin D", "type B"
    bare = _COMMAND.sub("", part).strip(_EDGE)
    for tail in _APOSTROPHES:
        if bare.endswith(tail):
            bare = bare[: -len(tail)]
            break
    if re.split(r"['\u2019]", bare, maxsplit=1)[0] == "I":
        return True  # I, I'm, I've
    return bare in PROPER_NOUNS and bare not in _MAYBE


def _lower_initial_brand(part: str) -> bool:
    """volBrain, iPhone, eLife: a brand written with a small first letter keeps it."""
    letters = "".join(_LETTER_RUN.findall(_COMMAND.sub("", part)))
    return bool(letters) and letters[0].islower() and any(ch.isupper() for ch in letters[1:])


def _lower(part: str) -> str:
    """Lower-case letters outside LaTeX command names (``\\LaTeX`` stays a command)."""
    out = []
    last = 0
    for match in _COMMAND.finditer(part):
        out.append(part[last : match.start()].lower())
        out.append(match.group())
        last = match.end()
    out.append(part[last:].lower())
    return "".join(out)


def _upper_first(part: str) -> str:
    for index, ch in enumerate(part):
        if ch.isalpha():
            if index and part[index - 1] == "\\":
                return part  # a command such as \emph: leave it
            return part[:index] + ch.upper() + part[index + 1 :]
    return part


#: CSL types whose container title is a book (sentence case); others are journals or sites.
_BOOK_CONTAINERS = frozenset({"chapter", "entry-encyclopedia", "entry-dictionary"})


def apply_sentence_case(item: dict[str, object], raw: Mapping[str, str]) -> dict[str, object]:
    """Replace ``title`` (and a chapter's book title) in a CSL item by its sentence-case form.

    ``raw`` holds the BibTeX fields (``title``, ``subtitle``, ``maintitle``, ``booktitle``…)
    before decoding. A work in another language (``langid``/``language``) keeps its own case:
    English sentence case would lower-case German nouns. ``title-short`` is left alone: APA
    cites a title in title case in the text.
    """
    if not is_english(raw):
        if isinstance(item.get("container-title"), str):
            item["container-title"] = f"{_NOCASE[0]}{item['container-title']}{_NOCASE[1]}"
        return item
    periodical = item.get("type") == "periodical" and raw.get("issuetitle")
    title = compose_title(issue_title_fields(raw) if periodical else raw, sentence_case)
    if title and "title" in item:
        item["title"] = latex_to_text(title)
    container = item.get("container-title")
    if isinstance(container, str) and item.get("type") not in _BOOK_CONTAINERS:
        item["container-title"] = keep_journal_case(container)
    if item.get("type") in _BOOK_CONTAINERS and raw.get("booktitle") and "container-title" in item:
        booktitle = compose_booktitle(raw, sentence_case)
        if booktitle:
            item["container-title"] = latex_to_text(booktitle)
    return item


_NOCASE = ('<span class="nocase">', "</span>")
#: Function words of other languages that CSL's (English) title case would capitalise.
_FOREIGN_MINOR = frozenset(
    (
        *("und", "der", "die", "das", "des", "dem", "den", "für", "fur", "zur", "zum", "im"),
        *("am", "vom", "von", "van", "de", "del", "della", "dell", "di", "da", "dos", "do"),
        *("du", "la", "le", "les", "et", "en", "au", "aux", "sur", "och", "og", "i", "y", "e"),
        *("em", "über", "d", "l"),
    )
)


def keep_journal_case(title: str) -> str:
    """Protect the words of a journal name that CSL title case would wrongly capitalise.

    APA writes a periodical's name as the periodical does (9.25): ``npj Digital Medicine``,
    ``eLife``, ``Zeitschrift für Psychologie``. A word with a small first letter that is a
    brand (a capital inside, or no vowel), has letters outside ASCII, or is a function word
    of another language is wrapped in ``<span class="nocase">`` (which citeproc-py honours);
    everything else is left to the style's title case ("Machine learning" -> "Machine Learning").
    """
    out = []
    for word in re.split(r"(\s+)", title):
        letters = "".join(_LETTER_RUN.findall(word))
        if letters and letters[0].islower() and (_keeps_case(letters) or _DOMAIN.search(word)):
            out.append(f"{_NOCASE[0]}{word}{_NOCASE[1]}")
        else:
            out.append(word)
    return "".join(out)


_DOMAIN = re.compile(r"\w\.\w")  # lichess.org, arxiv.org


def _keeps_case(letters: str) -> bool:
    return (
        any(ch.isupper() for ch in letters)
        or not any(ch in "aeiouy" for ch in letters.casefold())
        or not letters.isascii()
        or letters.casefold() in _FOREIGN_MINOR
    )
