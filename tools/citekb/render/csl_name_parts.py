"""The parts of a CSL name as citeproc-js reads them, and its initials: particles parsed from
the family and given names ("van Gogh", "Alexander von", "d'Aubignac", "al-One"), a suffix
after a comma in the given name ("John, III"; "John,! Jr." keeps the comma), a quoted family
name kept whole, the script of a name (no space and no initials for Chinese or Japanese), and
``initialize-with`` / ``initialize="false"`` on given names ("ME", "M.E", "Ph. M.E.",
"TSerendorjiin" -> "Ts.").

Pure functions, used by :mod:`citekb.render.csl_names`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

#: Scripts that write names without spaces and have no initials (Chinese, Japanese, Korean).
_CJK = (
    "\u1100-\u11ff\u2e80-\u2fff\u3000-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
    "\uff00-\uffef\U00020000-\U0003ffff"
)
#: A letter of a script written with spaces between names (citeproc-js "romanesque"; any
#: letter outside :data:`_CJK`, except the Hebrew conjunction "ו", which joins the next word).
ROMANESQUE = re.compile(f"[^\\W_{_CJK}\u05d5]|-")
STARTS_ROMANESQUE = re.compile(f"^(?:[^\\W_{_CJK}\u05d5]|&)")
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_PARTICLE_GIVEN = re.compile("^([^ ]+(?:\u02bb |\u2019 | |' ) *)(.+)$", re.S)
_PARTICLE_FAMILY = re.compile("^([^ ]+(?:-|\u02bb|\u2019| |') *)(.+)$", re.S)
_PARTICLE_START = re.compile("^[-'\u02bb\u2019\\s]*(.)", re.S)
_SUFFIX_COMMA = re.compile(r"(\s*,!*\s*)")
#: A word that gives an initial: a capital (or a letter of a script without case), the
#: letters after it, and a period ("Ph." is kept as it is).
_INITIAL = re.compile(r"^([^\W\d_])([^\W\d_]*)(\.)*")
_SEPARATOR = re.compile(r"([-\s]*</?(?:i|sc|b|sub|sup)>[-\s]*|[-\s]+)")
_TAG = re.compile(r"<[^>]+>")
_APOSTROPHE = re.compile("'(?![^<>]*>)")


@dataclass(frozen=True)
class Parts:
    """A personal name's parts after parsing, or a ``literal`` (institution) name."""

    family: str = ""
    given: str = ""
    dropping: str = ""
    non_dropping: str = ""
    suffix: str = ""
    comma_suffix: bool = False
    static_order: bool = False
    literal: str | None = None


def name_parts(name: Mapping[str, Any]) -> Parts:
    """A CSL-JSON name as citeproc-js reads it (``parse-names: false`` reads it as given)."""
    if name.get("literal") is not None:
        return Parts(literal=str(name["literal"]))
    family = str(name.get("family") or "")
    given = str(name.get("given") or "")
    dropping = str(name.get("dropping-particle") or "")
    non_dropping = str(name.get("non-dropping-particle") or "")
    suffix = str(name.get("suffix") or "")
    comma = bool(name.get("comma-suffix"))
    parse_names = name.get("parse-names")
    quoted = len(family) > 1 and family[0] == family[-1] == '"'
    if quoted and parse_names in (None, True, "true", 1):
        family = family[1:-1]
    elif (
        not non_dropping
        and family
        and given
        and parse_names in (None, True, "true", 1)
        and not name.get("static-particles")
    ):
        family, particles = _split_particles(family, given=False)
        non_dropping = _trim_last("".join(particles))
        if not suffix:
            given, suffix, comma = _split_suffix(given, suffix, comma)
        given, particles = _split_particles(given, given=True)
        dropping = "".join(particles).strip() or dropping
    return Parts(
        family=family,
        given=given,
        dropping=dropping,
        non_dropping=non_dropping,
        suffix=suffix,
        comma_suffix=comma,
        static_order=bool(name.get("static-ordering")),
    )


def _split_particles(value: str, given: bool) -> tuple[str, list[str]]:
    """Lower-case words at the start of a family name or the end of a given name."""
    original = value
    rex = _PARTICLE_GIVEN if given else _PARTICLE_FAMILY
    work = value[::-1] if given else value
    particles: list[str] = []
    match = rex.match(work)
    while match:
        piece = match.group(1)[::-1] if given else match.group(1)
        first = _PARTICLE_START.match(piece)
        if not first or first.group(1).upper() == first.group(1):
            break
        if given:
            particles.append(original[-len(piece) :])
            original = original[: -len(piece)]
        else:
            particles.append(original[: len(piece)])
            original = original[len(piece) :]
        work = match.group(2)
        match = rex.match(work)
    if not given:
        return original, particles
    particles.reverse()
    for i in range(1, len(particles)):
        if particles[i].startswith(" "):
            particles[i - 1] += " "
    return original, [p[1:] if p.startswith(" ") else p for p in particles]


def _trim_last(text: str) -> str:
    """Particles joined and trimmed; "d' " keeps its space."""
    trimmed = text.strip()
    if text.endswith(" ") and trimmed[-1:] in ("'", "\u2019"):
        trimmed += " "
    return trimmed


def _split_suffix(given: str, suffix: str, comma: bool) -> tuple[str, str, bool]:
    """``John, III`` -> (John, III); ``John,! Jr.`` -> (John, Jr., comma before the suffix)."""
    match = _SUFFIX_COMMA.search(given)
    if not match:
        return given, suffix, comma
    found = given[match.end() :]
    if found.replace(".", "") == "et al":
        return given, suffix, comma
    return given[: match.start()], found, comma or len(match.group(1).replace(" ", "")) == 2


def typographic(text: str) -> str:
    """Straight apostrophes as typographic ones ("d'Aubignac" -> "d’Aubignac"), outside tags."""
    return _APOSTROPHE.sub("\u2019", text) if "'" in text else text


def script_order(parts: Parts, language: str = "") -> int:
    """0: a name in a script without spaces (family and given names run together), 1: family
    name first with a space (static ordering, or a Chinese/Japanese-language item), 2: Latin."""
    if not ROMANESQUE.search(parts.family.replace('"', "")):
        return 1 if STARTS_ROMANESQUE.match(parts.given) else 0
    return 1 if language[:2] in ("ja", "zh") else 2


@lru_cache(maxsize=1 << 14, typed=True)  # pure; a name recurs (cite and reference, co-authors)
def initialize_given(
    given: str, terminator: str, *, initials: bool = True, hyphen: bool = True
) -> str:
    """A given name with ``initialize-with``: "John Quiggly" -> "J. Q."; ``initials=False``
    (CSL ``initialize="false"``) only normalises the initials already there ("M.E" -> "M. E.").
    A name in a script without initials is returned as it is."""
    if not given:
        return ""
    letter = _FIRST_LETTER.search(_TAG.sub("", given))
    if given in ("Lord", "Lady") or not letter or not ROMANESQUE.match(letter.group()):
        return given
    if not hyphen:
        given = given.replace("-", " ")
    given = re.sub(r"\s+", " ", re.sub(r"\s*-\s*", "-", given))
    given = re.sub(r"\.(?=[^ ])", ". ", given)
    pieces = _SEPARATOR.split(given)
    if len(pieces) == 1:
        tail = re.search(r"[^.]+$", pieces[0])
        if tail and len(tail.group()) == 1 and tail.group() != tail.group().lower():
            pieces[0] += "."
    out = _initials(pieces, terminator) if initials else _normalize(pieces, terminator)
    return re.sub(r"[ \t\n\r\f\v]+", " ", re.sub(r"\s*-\s*", "-", out)).lstrip()


def _initials(names: list[str], terminator: str) -> str:
    lower = all(not n or n.islower() for n in names[::2])  # "james": initials all the same
    last = len(names) - 1
    for i in range(0, len(names), 2):
        word = names[i]
        if not word.strip("."):  # "M ." : a stray period is no name
            names[i] = ""
            continue
        after_hyphen = i > 0 and "-" in names[i - 1]
        if lower or (after_hyphen and word[0].islower() and word[0].isalpha()):
            names[i] = word[0].upper() if lower else word[0]  # "S.-i.", "J." for "james"
            match = True
        else:
            found = _INITIAL.match(word)
            if found and found.group(1).islower():
                found = None  # a particle inside the given name ("J. B. de C. M."): kept whole
            if found and found.group(2) and found.group(3) and len(found.group(2)) == 1:
                names[i] = found.group(1) + found.group(2)  # "Ph.", "Yu." stay abbreviated
            elif found:
                rest = found.group(2)
                upper = next((n for n, c in enumerate(rest) if not c.isupper()), len(rest))
                extra = rest[:upper].lower() if upper < len(rest) else ""  # "TSerendorjiin"
                extra = "J" if found.group(1) + extra == "Ij" else extra  # Dutch "IJsbrand"
                names[i] = found.group(1) + extra
            elif ROMANESQUE.search(word):
                names[i] = " " + word
            match = found is not None
        if not match:
            continue
        if i < last:
            if "-" in names[i + 1]:
                names[i + 1] = _merge_tag(names[i + 1].replace("-", "", 1), terminator) + "-"
            else:
                names[i + 1] = _merge_tag(names[i + 1], terminator)
        else:
            names.append(terminator)
    return "".join(names).rstrip(" \t\n\r\f\v\ufeff\u00a0")


def _normalize(names: list[str], terminator: str) -> str:
    abbreviated = []
    for i, word in enumerate(names):
        bare = _TAG.sub("", word)
        if len(bare) > 1 and bare.endswith("."):
            names[i] = re.sub(r"^(.*)\.(.*)$", r"\1\2", word, flags=re.S)
            abbreviated.append(True)
        else:
            abbreviated.append(len(word) == 1 and word.upper() == word)
    for i in range(0, len(names), 2):
        if not abbreviated[i]:
            continue
        if i < len(names) - 2:
            names[i + 1] = _tags_only(names[i + 1])
            if not abbreviated[i + 2]:
                names[i + 1] = _tags_only(names[i + 1]) + " "
            if len(names[i + 2]) > 1:
                names[i + 1] = terminator.rstrip("\ufeff") + names[i + 1]
            else:
                names[i + 1] = _merge_tag(names[i + 1], terminator)
        if i == len(names) - 1:
            names[i] += terminator
    return "".join(names).rstrip(" \t\n\r\f\v\ufeff\u00a0")


def _merge_tag(separator: str, terminator: str) -> str:
    """The terminator placed before the separator's spaces, after its tags ("J.</b> ")."""
    tags = re.findall(r"-*<[^>]+>-*", separator)
    if not tags:
        return terminator
    match = re.match(r"^(.*[^\s])?(\s+)$", terminator, re.S)
    if match:
        return (match.group(1) or "") + "".join(tags) + match.group(2)
    return terminator + "".join(tags)


def _tags_only(separator: str) -> str:
    match = re.search(r"(?:<[^>]+>)+", separator)
    return match.group() if match else separator
