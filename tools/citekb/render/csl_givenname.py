"""Names in disambiguated cites (CSL 1.0.2 §Disambiguation): more names before "et al."
(``disambiguate-add-names``) and given names or initials added to names that are ambiguous
(``disambiguate-add-givenname`` under every ``givenname-disambiguation-rule``).

:func:`install_given_names` wraps citeproc-py's ``Name.process``: a reference may carry a name count
(:data:`NAMES`) and per-name hints (:data:`GIVENS`: ``initials`` or ``given``, ``-primary`` when
only the first name of a list may grow). A hinted name in a ``form="short"`` list is shown in
the long form; ``given`` also skips ``initialize-with``. The wrapper sets the options on the
``cs:name`` element for the call and restores them, and hands citeproc-py copies of the names,
so it works over any ``Name.process`` that reads its options and names the usual way.
The hint computations follow citeproc-js and jgm/citeproc: names are compared by family name,
then by initials. Part of the adapter (:mod:`citekb.render.csl_adapter`).
"""

from __future__ import annotations

import re
from collections import Counter
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

#: How many names a cite shows at least (raises et-al-use-first).
NAMES = "citekb_names"
#: name key -> hint (``initials``, ``given``, ``initials-primary``, ``given-primary``).
GIVENS = "citekb_givens"

NameKey = tuple[tuple[str, str], ...]
#: The name lists a cite rendered, while :func:`recording` collects them (else None).
_SEEN: list[list[NameKey]] | None = None
#: True while a cite is rendered as a later cite (et-al-subsequent-* options in force).
SUBSEQUENT = [False]


class FullGiven(str):
    """A given name shown whole: ``Name.initialize`` returns it unchanged."""

    __slots__ = ()


def install_given_names() -> None:
    """Wrap ``Name.process`` (counts, hints, recording) and ``Name.initialize`` once."""
    from citeproc import model

    if getattr(model.Name, "_citekb_givenname", False):
        return
    process = model.Name.process
    initialize = model.Name.initialize

    def names_process(
        self: Any,
        item: Any,
        variable: Any,
        context: Any = None,
        sort_options: Any = None,
        **kw: Any,
    ) -> Any:
        reference = item.reference
        count = dict.get(reference, NAMES)
        hints = dict.get(reference, GIVENS)
        busy = count or hints or _SEEN is not None or SUBSEQUENT[0]
        if sort_options is not None or not busy:
            return process(self, item, variable, context=context, sort_options=sort_options, **kw)
        if not _in_citation(self, context):
            return process(self, item, variable, context=context, **kw)
        names = list(dict.get(reference, variable) or [])
        if _SEEN is not None:
            _SEEN.append([name_key(n) for n in names])
        attrs: dict[str, str] = {}
        if SUBSEQUENT[0]:
            attrs.update(_subsequent(self, context))
        if count:
            attrs.update(_et_al(self, context, count, len(names)))
        shown = _with_hints(self, context, names, hints, attrs) if hints else None
        saved = {name: self.get(name) for name in attrs}
        for name, value in attrs.items():
            self.set(name, value)
        if shown is not None:
            dict.__setitem__(reference, variable, shown)
        try:
            return process(self, item, variable, context=context, **kw)
        finally:
            if shown is not None:
                dict.__setitem__(reference, variable, names)
            for name, value in saved.items():
                if value is None:
                    self.attrib.pop(name, None)
                else:
                    self.set(name, value)

    def initialize_unless_full(self: Any, given: Any, mark: str, context: Any) -> Any:
        if isinstance(given, FullGiven):
            return str(given)
        return initialize(self, given, mark, context)

    model.Name.process = names_process
    model.Name.initialize = initialize_unless_full
    model.Name._citekb_givenname = True


def _in_citation(element: Any, context: Any) -> bool:
    found = (context if context is not None else element).xpath_search(
        "./ancestor::*[self::cs:citation or self::cs:bibliography][1]"
    )
    return bool(found) and str(found[0].tag).endswith("citation")


def _subsequent(element: Any, context: Any) -> dict[str, str]:
    """The et-al options of a later cite, where the style sets them."""
    out = {}
    for option in ("et-al-min", "et-al-use-first"):
        later = option.replace("et-al-", "et-al-subsequent-")
        try:
            value = element.get_option(later, context)
        except (TypeError, ValueError, KeyError, IndexError):
            continue
        if value not in (None, ""):
            out[option] = str(value)
    return out


def _et_al(element: Any, context: Any, count: int, total: int) -> dict[str, str]:
    """At least ``count`` names before "et al." (all of them: no "et al.")."""
    if count >= total:
        return {"et-al-min": "0", "et-al-subsequent-min": "0"}
    out = {}
    for option in ("et-al-use-first", "et-al-subsequent-use-first"):
        try:
            current = int(element.get_option(option, context))
        except (TypeError, ValueError, KeyError, IndexError):
            current = 0
        out[option] = str(max(current, count))
    return out


def _with_hints(
    element: Any, context: Any, names: list[Any], hints: dict[NameKey, str], attrs: dict[str, str]
) -> list[Any] | None:
    """Copies of the names that show their hints (None when no hint changes anything)."""
    try:
        form = str(element.get_option("form", context) or "long")
        initialize_with = element.get_option("initialize-with", context)
    except (KeyError, IndexError):
        return None
    if form == "count":
        return None
    wanted: list[str | None] = []
    for index, name in enumerate(names):
        hint = hints.get(name_key(name))
        if hint and hint.endswith("-primary"):
            hint = hint.split("-")[0] if index == 0 else None
        if hint == "initials" and form != "short":
            hint = None  # the long form already shows the initials, or more
        if hint == "given" and form != "short" and initialize_with is None:
            hint = None  # the long form already shows the given name
        wanted.append(hint)
    if not any(wanted):
        return None
    shown = []
    for name, hint in zip(names, wanted, strict=True):
        fields = dict(dict.items(name))
        if hint == "given" and fields.get("given"):
            fields["given"] = FullGiven(fields["given"])
        elif hint is None and form == "short" and "literal" not in fields:
            family = " ".join(
                str(p) for p in (fields.get("non-dropping-particle"), fields.get("family")) if p
            )
            fields = {"family": family}  # in the long form, as the short form shows it
        shown.append(type(name)(**fields))
    if form == "short":
        attrs["form"] = "long"
    return shown


def name_key(name: Any) -> NameKey:
    """A hashable identity of a citeproc-py name ("J.J." and "J. J." are one given name)."""
    return tuple(sorted((str(k), _spaced(k, v)) for k, v in dict.items(name)))


def _spaced(part: str, value: Any) -> str:
    text = str(value)
    return re.sub(r"\.\s*", ". ", text).strip() if part == "given" else text


def _part(key: NameKey, part: str) -> str:
    return next((v for k, v in key if k == part), "")


def family(key: NameKey) -> str:
    """The family name (with its non-dropping particle); "" for a literal name."""
    return " ".join(p for p in (_part(key, "non-dropping-particle"), _part(key, "family")) if p)


def initials(key: NameKey) -> str:
    """The initials of the given name: "Jean-Paul" -> "JP", "J. R." -> "JR"."""
    return "".join(w[0] for w in re.split(r"[\s.\-\u2010]+", _part(key, "given")) if w)


def _without_given(key: NameKey) -> NameKey:
    return tuple(kv for kv in key if kv[0] != "given")


def _with_initials(key: NameKey) -> NameKey:
    return tuple((k, initials(key) if k == "given" else v) for k, v in key)


@contextmanager
def recording() -> Iterator[list[list[NameKey]]]:
    """Collect the name lists that the renders inside the block show."""
    global _SEEN
    outer, seen = _SEEN, list[list[NameKey]]()
    _SEEN = seen
    try:
        yield seen
    finally:
        _SEEN = outer


def global_hints(lists: Iterable[Sequence[Sequence[NameKey]]], rule: str) -> dict[NameKey, str]:
    """Hints for every ambiguous name of the document (rules other than ``by-cite``): a name
    shares its family name with another; initials tell them apart, else the given name (not
    under the ``-with-initials`` rules). ``primary-*`` rules look at first names only."""
    primary = rule.startswith("primary")
    by_family: dict[str, set[NameKey]] = {}
    for cite in lists:
        for names in cite:
            for key in names[:1] if primary else names:
                if family(key) and initials(key):
                    by_family.setdefault(family(key), set()).add(key)
    out: dict[NameKey, str] = {}
    for group in by_family.values():
        out.update(family_hints(group, rule))
    return out


def family_hints(group: Iterable[NameKey], rule: str) -> dict[NameKey, str]:
    """The hints of names that share a family name, under a document-wide rule."""
    names = set(group)
    if len(names) < 2:
        return {}
    counts = Counter(initials(k) for k in names)
    out = {}
    for key in names:
        hint = "given" if counts[initials(key)] > 1 else "initials"
        if hint == "given" and rule.endswith("with-initials"):
            continue
        out[key] = f"{hint}-primary" if rule.startswith("primary") else hint
    return out


def by_cite_hints(names: dict[str, list[NameKey]]) -> dict[str, dict[NameKey, str]]:
    """Hints that tell ambiguous cites apart (``by-cite``): name by name, in order, a name
    whose family another cite shares at that place (with other given names) grows; a cite
    stops growing after its first grown name."""
    out: dict[str, dict[NameKey, str]] = {}
    remaining = set(names)
    for index in range(max((len(v) for v in names.values()), default=0)):
        if not remaining:
            break
        here = [(key, lst[index]) for key, lst in names.items() if len(lst) > index]
        for key, name in here:
            matches = [o for _, o in here if o != name and family(o) == family(name)]
            if matches and family(name):
                same = any(initials(o) == initials(name) for o in matches)
                out.setdefault(key, {})[name] = "given" if same else "initials"
                remaining.discard(key)
    return out


def comparable(names: Sequence[NameKey], rule: str | None) -> tuple[NameKey, ...]:
    """The names as far as the rule lets given names tell them apart."""
    if rule in ("all-names", "by-cite"):
        return tuple(names)
    if rule == "all-names-with-initials":
        return tuple(_with_initials(n) for n in names)
    rest = tuple(_without_given(n) for n in names[1:])
    if rule == "primary-name":
        return tuple(names[:1]) + rest
    if rule == "primary-name-with-initials":
        return tuple(_with_initials(n) for n in names[:1]) + rest
    return tuple(_without_given(n) for n in names)


def add_names(names: dict[str, list[NameKey]], rule: str | None) -> dict[str, int]:
    """How many names each ambiguous cite shows: one more at a time, while a count splits
    the cites into more sets ("et al." counts: a list shown whole differs from one cut);
    the cites still alike keep the last count that split them."""
    out: dict[str, int] = {}
    remaining = list(names)
    sets = 1
    for count in range(1, max((len(v) for v in names.values()), default=0) + 1):
        if len(remaining) < 2:
            break
        seen = {
            key: (comparable(names[key][:count], rule), len(names[key]) > count)
            for key in remaining
        }
        tally = Counter(seen.values())
        if len(tally) > sets:
            out.update(dict.fromkeys(remaining, count))
            remaining = [key for key in remaining if tally[seen[key]] > 1]
            sets = len({seen[key] for key in remaining})
    return out
