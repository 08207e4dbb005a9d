"""CSL sorting (``cs:sort``) as citeproc-js does it, which the CSL test suite encodes, added to
citeproc-py: keys compared case- and accent-insensitively with punctuation ignored and numbers
by value ("[F]linders" under F, "“A er …”" under A, 9 before 10); an empty key last in either
direction; a macro key rendered without name labels, without "and", with its dates as
sortable numbers of the parts the macro shows ("2002" before "2002-10-25").

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
Sorting stays O(n log n): each key is computed once per item, then one stable sort per key.
"""

from __future__ import annotations

import html
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Joins the names of one list in a key: sorts before every character a name can hold.
_NAME_GAP = "\x01"
_APOSTROPHE = "\x02"
_TAG = re.compile(r"<[^>]*>")
_DIGITS = re.compile(r"\d+")
_LEADING = re.compile(r"^[\s\[\]'\"\u2018\u2019\u201c\u201d\u00ab\u00bb]+")
_SPACES = re.compile(r"\s+")
_NO_LABELS: ContextVar[bool] = ContextVar("citekb_no_labels", default=False)
_SORTING: ContextVar[bool] = ContextVar("citekb_sorting", default=False)


@contextmanager
def labels_dropped() -> Iterator[None]:
    """Render without name and term labels inside the block (a bare author for
    ``subsequent-author-substitute``)."""
    token = _NO_LABELS.set(True)
    try:
        yield
    finally:
        _NO_LABELS.reset(token)


def collation_key(text: str) -> str:
    """The comparable form of a sort key: markup, leading quotes and brackets, accents, case
    and punctuation dropped; each number as its digit count then its digits, so numbers
    compare by value."""
    text = html.unescape(_TAG.sub("", text))
    text = _LEADING.sub("", text)
    text = unicodedata.normalize("NFKD", text).translate(_COLLATION)
    return _DIGITS.sub(_number, _SPACES.sub(" ", text).strip().casefold())


class _Collation(dict[int, "str | None"]):
    """:func:`collation_key`'s ``str.translate`` table, filled in as characters are first seen
    (at most :data:`_TABLE_MAX` of them): an apostrophe sorts before the letters; combining
    marks, punctuation and symbols are dropped."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        category = unicodedata.category(char)
        if char in "'\u2019":  # an apostrophe inside a name sorts before the letters
            out: str | None = _APOSTROPHE
        elif category == "Mn" or (category[0] in "PS" and char != _NAME_GAP):
            out = None
        else:
            out = char
        if len(self) < _TABLE_MAX:
            self[code] = out
        return out


_TABLE_MAX = 1 << 14
_COLLATION = _Collation()


def _number(match: re.Match[str]) -> str:
    digits = match.group().lstrip("0") or "0"
    return f"0{len(digits):02d}{digits}"


def _date_key(date: Any, parts: list[str]) -> str:
    """A date (or range) as digits of the parts shown: ``YYYYY[MM[DD]]``, years offset so
    that years BC sort first."""
    if "begin" in date:  # citeproc's dates are dicts whose missing attributes raise
        end = date.get("end")
        end_key = _date_key(end, parts) if end is not None and not end.is_nil() else ""
        return _date_key(date["begin"], parts) + end_key
    if "year" not in date:  # a literal date sorts as its text
        return str(date.get("text", ""))
    key = f"{int(date.year) + 10000:05d}"
    if "month" in parts:
        key += f"{int(date.get('month', 0) or 0):02d}"
        if "day" in parts:
            key += f"{int(date.get('day', 0) or 0):02d}"
    return key


def install_sorting() -> None:
    """Patch citeproc-py's ``Sort.sort`` (replaced: its comparison is a nested function) and
    ``Key.sort_keys`` (replaced for macro keys, to render them in sort mode), and make
    ``Date`` and ``Label`` render sort forms under a macro key."""
    from citeproc import model

    if getattr(model.Sort, "_citekb_sort", False):
        return
    sort_keys = model.Key.sort_keys
    date_process = model.Date.process
    label_render = model.Label.render
    et_al = model.Name.et_al

    def no_et_al(self: Any) -> Any:
        return "" if _SORTING.get() else et_al(self)

    def keys(self: Any, items: Any, context: Any) -> list[str | None]:
        if "macro" in self.attrib:
            raw = _macro_keys(self, items, context)
        else:
            raw = sort_keys(self, items, context)
            if self.get("variable", "").replace("-", "_") in model.NAMES:
                raw = [_names_key(self, item) for item in items]
        out: list[str | None] = []
        for value in raw:
            text = "" if value is None else collation_key(str(value))
            out.append(text or None)
        return out

    def sort(self: Any, items: Any, context: Any) -> Any:
        items = list(items)
        if len(items) < 2:  # a work formatted alone: its keys would be rendered for nothing
            return items
        columns = []
        for key in self.findall("cs:key", self.nsmap):
            descending = key.get("sort", "ascending").lower() == "descending"
            columns.append((key.sort_keys(items, context), descending))
        order = list(range(len(items)))
        for values, descending in reversed(columns):  # least significant key first
            present = [i for i in order if values[i] is not None]
            present.sort(key=lambda i: values[i] or "", reverse=descending)
            order = present + [i for i in order if values[i] is None]
        return [items[i] for i in order]

    def date_sorted(self: Any, item: Any, variable: Any = None, **kw: Any) -> Any:
        if kw.get("sort_options") is None or self.is_locale_date():
            return date_process(self, item, variable, **kw)
        name = (variable or self.get("variable", "")).replace("-", "_")
        date = item.reference.get(name)
        if not date:
            return None
        if self.get("form") is not None:
            parts = self.get("date-parts", "year-month-day").split("-")
        else:
            parts = [part.get("name") for part in self.iterchildren()]
        return _date_key(date, parts)

    def label_dropped(self: Any, *args: Any, **kw: Any) -> Any:
        if kw.get("sort_options") is not None or _NO_LABELS.get():
            return None
        return label_render(self, *args, **kw)

    model.Sort.sort = sort
    model.Key.sort_keys = keys
    model.Date.process = date_sorted
    model.Label.render = label_dropped
    model.Name.et_al = no_et_al
    model.Sort._citekb_sort = True


def _macro_keys(key: Any, items: Any, context: Any) -> list[Any]:
    """A macro key rendered per item: names in sort order, one gap between names."""
    layout = context.get_layout()
    options: dict[str, Any] = {
        "name-as-sort-order": "all",
        "and": None,
        "delimiter": _NAME_GAP,
        "sort-separator": " ",
    }
    for option in ("names-min", "names-use-first", "names-use-last"):
        if option in key.attrib:
            options[option.replace("names", "et-al")] = key.get(option)
    macro = key.get_macro(key.get("macro"))
    out = []
    token = _SORTING.set(True)  # no "et al." in a key
    try:
        for item in items:
            layout.repressed = {}
            out.append(macro.render(item, context=context, sort_options=options))
    finally:
        _SORTING.reset(token)
    return out


def _names_key(key: Any, item: Any) -> str | None:
    """A name variable as a key: each name family first, the names one gap apart."""
    names = item.reference.get(key.get("variable").replace("-", "_"))
    if not names:
        return None
    demote = key.get_root().get("demote-non-dropping-particle", "display-and-sort").lower()
    out = []
    for name in names:
        given, family, dp, ndp, suffix = name.parts()
        if demote in ("sort-only", "display-and-sort"):
            given = " ".join(n for n in (given, dp, ndp) if n)
        else:
            family = " ".join(n for n in (ndp, family) if n)
            given = " ".join(n for n in (given, dp) if n)
        out.append(" ".join(n for n in (family, given, suffix) if n))
    return _NAME_GAP.join(out)
