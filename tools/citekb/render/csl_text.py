"""Text-level corrections to citeproc-py: CSL title case, initials of given names, page
ranges, and variables with a hyphen. Part of the adapter in
:mod:`citekb.render.csl_adapter` (pinned to the same citeproc-py, listed in its
``PATCHED``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# --- title case: words split at hyphens, dashes and slashes; spacing kept ------------------

# flip-flop markers (:mod:`citekb.render.csl_flipflop`) are no part of a word
_WORD = re.compile(r"[^\s\-\u2010\u2013\u2014/\ue020-\ue03f]+")
_OPENERS = "\u201c\u2018\"'([\u00ab"
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "down",
        "for",
        "from",
        "in",
        "into",
        "nor",
        "of",
        "on",
        "onto",
        "or",
        "over",
        "so",
        "the",
        "till",
        "to",
        "up",
        "via",
        "with",
        "yet",
        # name particles, lower case in an English title too ("Antiquités de l’Égypte")
        "de",
        "van",
        "von",
    ]
)


def title_case_words() -> None:
    """CSL title case as the specification has it, which citeproc-py approximates: every
    lower-case word capitalised except stop words (first and last word, and a word after a
    colon, "?" or "!", always), words inside hyphenated compounds and after dashes or slashes
    too ("Out-of-Fashion", "Self-Esteem—With", "Cat/Mouse"), a word after an opening quote,
    no-case spans and spacing untouched; name particles ("de", "van", "von") and words that
    do not start with a Latin letter ("β-Carotine") stay as written.

    Also: ``capitalize-all`` and ``capitalize-first`` work across rich text (flip-flop
    markers of :mod:`citekb.render.csl_flipflop`), no-case text keeps its case under
    ``uppercase``/``lowercase``, and Turkish and Azeri upper-case "i" as "İ"."""
    from citeproc import model
    from citeproc.string import NoCase

    if getattr(model.TextCased, "_citekb_title", False):
        return
    case = model.TextCased.case

    def cased(self: Any, text: Any, language: Any = None) -> Any:
        text_case = self.get("text-case")
        if not text:
            return case(self, text, language)
        if text_case == "title" and language == "en":
            return _title_case(text)
        if text_case == "capitalize-all":
            return _title_case(text, stop_words=frozenset())
        if text_case == "capitalize-first":
            return _capitalize_first(text)
        if text_case == "uppercase" and language in ("tr", "az"):  # dotted capital I
            text = text.replace("i", "\u0130")
        return case(self, text, language)

    NoCase.lower = NoCase.upper = lambda self: self  # no-case text keeps its case
    model.TextCased.case = cased
    model.TextCased._citekb_title = True


def _capitalize_first(text: Any) -> Any:
    """The first letter upper-cased, wherever the first piece with a letter is; a word that
    starts with a digit is left alone ("10th International …", not "10Th")."""
    from citeproc.string import MixedString, NoCase, String

    pieces = list(text) if isinstance(text, MixedString) else [text]
    for index, piece in enumerate(pieces):
        match = re.search(r"[^\W_]", str(piece))
        if match is None:
            continue
        if not isinstance(piece, NoCase) and not match.group().isdigit():
            at = match.start()
            value = str(piece)
            pieces[index] = String(value[:at] + value[at].upper() + value[at + 1 :])
        break
    return MixedString(pieces) if isinstance(text, MixedString) else pieces[0]


def _title_case(text: Any, stop_words: frozenset[str] = _STOP_WORDS) -> Any:
    from citeproc.string import MixedString, NoCase, String

    pieces = list(text) if isinstance(text, MixedString) else [text]
    words = [(i, m) for i, p in enumerate(pieces) for m in _WORD.finditer(str(p))]
    upper: dict[int, set[int]] = {}  # piece -> starts of the words to capitalise
    previous = ""
    for n, (i, match) in enumerate(words):
        word = match.group()
        core = word.lstrip(_OPENERS)
        start = match.start() + len(word) - len(core)
        piece = str(pieces[i])
        compound = match.start() > 0 and piece[match.start() - 1] in "-\u2010"
        edge = n == 0 or n == len(words) - 1 or previous[-1:] in ":?!"
        stop = core.casefold() in stop_words and not (edge and not compound)
        stop = stop or (compound and len(core) == 1)  # "07-x", as citeproc-js
        latin = core[:1].isascii() or "LATIN" in unicodedata.name(core[:1], "")
        if core.islower() and latin and not stop and not isinstance(pieces[i], NoCase):
            upper.setdefault(i, set()).add(start)
        previous = word
    out = []
    for i, piece in enumerate(pieces):
        starts = upper.get(i)
        if not starts:
            out.append(piece)
            continue
        chars = list(str(piece))
        for at in starts:
            chars[at] = chars[at].upper()
        out.append(type(piece)("".join(chars)) if isinstance(piece, String) else "".join(chars))
    return MixedString(out) if isinstance(text, MixedString) else out[0]


# --- names and page ranges -----------------------------------------------------------------


def initials_and_ranges() -> None:
    """Two citeproc-py gaps that APA shows on real libraries:

    * a lower-case part of a given name was taken for a particle and printed whole:
      "Shun-ichi" gave "S.-. ichi .", "james" ". james ."; now "S.-i." (as citeproc-js) and
      "J." (a given name written all in lower case is capitalised);
    * ``page-range-format`` never filled an abbreviated last page: "16187-92" stayed
      "16187–92" under APA's "expanded"; now "16187–16192" (and minimal forms are computed
      from the full number).
    """
    from citeproc import model

    if getattr(model.Name, "_citekb_initials", False):
        return

    def initialize(self: Any, given: Any, mark: str, context: Any) -> str:
        if self.get_option("initialize-with-hyphen", context):
            pieces = str(given).split("-")
        else:
            pieces = [str(given).replace("-", " ")]
        lower = str(given).islower()
        out = []
        for index, piece in enumerate(pieces):
            text, group = "", []
            for word in piece.replace(".", " ").split():
                if word[0].isupper() or lower or index:  # "james", "Shun-ichi": initials
                    group.append(word[0].upper() if lower else word[0])
                else:  # a particle inside the given name ("J. B. de C. M."): kept whole
                    text += mark.join(group) + mark + " " + word + " " if group else word + " "
                    group = []
            if group:
                text += mark.join(group) + mark
            out.append(" ".join(text.split()))
        return "-".join(out)

    last_page = model.FormatNumber._format_last_page

    def format_last_page(self: Any, first: str, last: str) -> str:
        if (
            self.get_root().get_option("page-range-format")
            and first.isdigit()
            and last.isdigit()
            and len(last) < len(first)
        ):
            last = first[: len(first) - len(last)] + last
        return str(last_page(self, first, last))

    model.Name.initialize = initialize
    model.FormatNumber._format_last_page = format_last_page
    model.Name._citekb_initials = True


#: CSL's numeric content: numbers with affixes ("D2", "2b"), joined by "-", "–", "&" or ","
#: ("2-4", "2 & 4"); citeproc-py's ``is-numeric`` took one number only.
NUMERIC = re.compile(r"^(\s*[a-z]*\d+[a-z]*)(?:\s*[-\u2013&,]\s*[a-z]*\d+[a-z]*)*\s*$", re.I)

_NUMBER_PAIR = re.compile(r"^\s*(\d+)\s*[-\u2013]\s*(\d+)\s*$")


def number_variables() -> None:
    """Variables with a hyphen (``number-of-volumes``, ``container-author``,
    ``chapter-number``): citeproc-py stores them with underscores but ``cs:number``, labels and
    ``cs:names`` looked them up hyphenated, missed, and dropped APA's "(Vols. 1–5)" and the
    "In J. Cavaillès, Œuvres complètes" of a chapter; a label's plural asked the citation item
    instead of the reference; ``is-numeric`` as CSL defines it (:data:`NUMERIC`)."""
    from citeproc import model
    from citeproc.source import Reference

    if getattr(Reference, "_citekb_hyphen", False):
        return

    def getitem(self: Any, key: str) -> Any:
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            alternative = key.replace("-", "_")
            if alternative != key and alternative in self:
                return dict.__getitem__(self, alternative)
            raise model.VariableError from None

    is_plural = model.Label._is_plural

    def label_is_plural(self: Any, item: Any) -> bool:
        variable = self.get("variable") or ""
        if variable.startswith("number-of"):
            try:
                return int(str(item.reference[variable])) > 1
            except (model.VariableError, ValueError):
                return False
        if variable == "number" and (pair := _NUMBER_PAIR.match(str(item.reference.get("number")))):
            return int(pair[2]) > int(pair[1])  # report "99-02" is one number: "No. 99-02"
        return bool(is_plural(self, item))

    def contains(self: Any, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        return isinstance(key, str) and dict.__contains__(self, key.replace("-", "_"))

    def get(self: Any, key: str, default: Any = None) -> Any:
        return dict.get(self, key, dict.get(self, key.replace("-", "_"), default))

    Reference.__getitem__ = getitem
    Reference.__contains__ = contains
    Reference.get = get
    model.Label._is_plural = label_is_plural
    model.If.re_numeric = NUMERIC  # "1–3" is numeric: APA's "(Vols. 1–3)", not "Title: 1–3"
    Reference._citekb_hyphen = True
