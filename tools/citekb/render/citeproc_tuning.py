"""citeproc-py, made fast enough for thousands of entries (memoised look-ups, worker
processes) and closer to the CSL specification (substituted variables are not repeated).

All of it is internal to :mod:`citekb.render.style`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    class _Formatter(Protocol):
        def format_any(self, item: Any) -> Any: ...


#: One formatted item as it crosses processes: key, ``Formatted.to_json()``, error.
Done = tuple[str, dict[str, Any], str]

_WORKER: _Formatter | None = None


def _init_worker(factory: Callable[[Path], _Formatter], path: str) -> None:
    global _WORKER
    _WORKER = factory(Path(path))


def _work(item: Any) -> Done:
    assert _WORKER is not None
    done = _WORKER.format_any(item)
    return done.key, done.to_json(), done.error


def format_parallel(
    factory: Callable[[Path], _Formatter],
    path: Path,
    items: Sequence[Any],
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Done]:
    """Format items in order on ``workers`` processes, each making its formatter once;
    ``progress(done, total)`` is called as results arrive."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: MkDocs' serve runs threads, and forking a threaded process is unsafe
    context = multiprocessing.get_context("spawn")
    chunk = max(1, len(items) // (workers * 4))
    done: list[Done] = []
    with ProcessPoolExecutor(workers, context, _init_worker, (factory, str(path))) as pool:
        for result in pool.map(_work, items, chunksize=chunk):
            done.append(result)
            if progress is not None and (len(done) % chunk == 0 or len(done) == len(items)):
                progress(len(done), len(items))
    return done


def speed_up_citeproc() -> None:
    """Memoise citeproc-py's look-ups on the style tree, which never changes after loading.

    It runs an XPath query for every macro, term and option it touches, and walks subtrees to
    ask whether they call a variable: two thirds of its time. Keys hold the elements, so an
    element's identity can never be reused while its entry lives.
    """
    from citeproc import model

    base = model.CitationStylesElement
    if getattr(base, "_citekb_fast", False):
        return
    xpath_search = base.xpath_search
    found: dict[tuple[Any, str], Any] = {}

    def fast_xpath_search(self: Any, expression: str) -> Any:
        key = (self, expression)
        hit = found.get(key)
        if hit is None:
            hit = found[key] = xpath_search(self, expression)
        return hit

    base.xpath_search = fast_xpath_search
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            name = "calls_variable"  # assigned through a name: mypy cannot see these classes
            setattr(cls, name, _memo_calls_variable(vars(cls)[name]))
    base._citekb_fast = True


def _memo_calls_variable(method: Any) -> Any:
    results: dict[Any, bool] = {}

    def calls_variable(self: Any) -> bool:
        hit = results.get(self)
        if hit is None:
            hit = results[self] = method(self)
        return hit

    return calls_variable


# --- cs:substitute: a variable that stood in for the author is not repeated --------------

# Kept in citeproc-py's per-item ``layout.repressed`` dict, which it empties before each
# rendered item and each sort key: the suppressed variables, and one set per substitute
# being rendered (they nest through macros) that collects the variables it renders.
_DONE = "citekb:substituted"
_RECORDING = "citekb:recording"


def suppress_substituted() -> None:
    """Make citeproc-py follow CSL 1.0.2 on ``cs:substitute``: the variables that the first
    non-empty substitute rendered are suppressed in the rest of the output.

    citeproc-py only suppresses a substitute that is itself ``<text variable="…"/>``, not the
    variables of a substituted macro, ``cs:choose`` or ``cs:names``, so APA repeated the title,
    the editors or the group author's publisher of a work without an author. Like citeproc-py
    itself, this keeps per-render state on the style tree: one style renders on one thread.
    """
    from citeproc import model

    if getattr(model.Substitute, "_citekb_suppress", False):
        return
    text_variable = model.Text._variable
    names_process = model.Names.process
    number_process = model.Number.process

    def render_substitute(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        repressed = (context if context is not None else self).get_layout().repressed
        recording: list[set[str]] = repressed.setdefault(_RECORDING, [])
        text = None
        for child in self.getchildren():
            seen: set[str] = set()
            recording.append(seen)
            try:
                if isinstance(child, model.Names) and child.name is None:
                    names = self.xpath_search("./parent::cs:names[1]")[0]
                    text = child.render(item, names_context=names, context=context, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
            except model.VariableError:
                continue
            finally:
                recording.pop()
            if text:
                repressed.setdefault(_DONE, set()).update(seen)
                for outer in recording:
                    outer.update(seen)
                break
        return text

    def text_variable_checked(self: Any, item: Any, context: Any) -> Any:
        variable = self.get("variable")
        if _is_done(context if context is not None else self, variable):
            return None
        text = text_variable(self, item, context)
        if text:
            _record(context if context is not None else self, [variable])
        return text

    def number_process_checked(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        variable = self.get("variable")
        if _is_done(context if context is not None else self, variable):
            return None
        text = number_process(self, item, context=context, **kwargs)
        if text:
            _record(context if context is not None else self, [variable])
        return text

    def names_process_checked(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        roles = self.get("variable", "")
        present = [r for r in roles.split() if r.replace("-", "_") in item.reference]
        kept = [r for r in present if not _is_done(context if context is not None else self, r)]
        if kept == present:
            text = names_process(self, item, context=context, **kwargs)
        else:  # render as if the suppressed names were absent (the substitute may run)
            self.set("variable", " ".join(kept) or "citekb-none")
            try:
                text = names_process(self, item, context=context, **kwargs)
            finally:
                self.set("variable", roles)
        if text:
            _record(context if context is not None else self, kept)
        return text

    label_process = model.Label.process

    def label_process_checked(
        self: Any,
        item: Any,
        variable: Any = None,
        plural: Any = None,
        context: Any = None,
        **kw: Any,
    ) -> Any:
        own = self.get("variable")
        if variable is None and own and _is_done(context if context is not None else self, own):
            return None  # the label of a variable already rendered by a substitute: "(Ed.)"
        return label_process(self, item, variable, plural, context=context, **kw)

    model.Label.process = label_process_checked
    model.Substitute.render = render_substitute
    model.Text._variable = text_variable_checked
    model.Number.process = number_process_checked
    model.Names.process = names_process_checked
    model.Substitute._citekb_suppress = True


def _is_done(context: Any, variable: str) -> bool:
    return variable in context.get_layout().repressed.get(_DONE, ())


def _record(context: Any, variables: list[str]) -> None:
    for seen in context.get_layout().repressed.get(_RECORDING, ()):
        seen.update(variables)


# --- the adapter's other corrections ------------------------------------------------------

#: Rendered in place of ``citation-number``: each work is formatted alone, so citeproc-py
#: would number every work 1; :func:`citekb.render.style.build_references` puts the number
#: of the work in the cited set here.
NUMBER = "\ue010"


def number_placeholder() -> None:
    """``citation-number`` renders as :data:`NUMBER`, to be numbered across the cited set."""
    from citeproc import model
    from citeproc.string import String

    if getattr(model.Text, "_citekb_number", False):
        return
    variable = model.Text._variable

    def text_variable(self: Any, item: Any, context: Any) -> Any:
        if self.get("variable") == "citation-number":
            return String(NUMBER)
        return variable(self, item, context)

    model.Text._variable = text_variable
    model.Text._citekb_number = True


def case_labels() -> None:
    """Apply ``text-case`` to the labels of names in an English style: APA's "(Ed.)",
    "(D. W. Lucas, Ed.)", "(K. P. Bland, Ed. & Trans.)".

    citeproc-py title-cases only text it knows to be English, and a label has no language,
    so ``text-case="title"`` on a term was dropped.
    """
    from citeproc import model

    if getattr(model.Label, "_citekb_case", False):
        return

    def markup(self: Any, text: Any) -> Any:
        if not text:
            return None
        locale = str(self.get_root().get("default-locale", "en-US") or "en-US")
        language = "en" if locale.startswith("en") else locale[:2]
        return self.wrap(self.format(self.case(self.strip_periods(text), language)))

    model.Label.markup = markup
    model.Label._citekb_case = True


#: The citeproc-py release whose internals these patches replace (pinned in pyproject.toml).
CITEPROC_VERSION = "0.11.1"
#: The internals patched here, in :mod:`citekb.render.csl_disambiguate` and
#: :mod:`citekb.render.csl_collapse`:
#: ``(citeproc module, class, attribute)``.
PATCHED = (
    ("model", "CitationStylesElement", "xpath_search"),
    ("model", "Substitute", "render"),
    ("model", "Text", "_variable"),
    ("model", "Number", "process"),
    ("model", "Names", "process"),
    ("model", "Name", "process"),
    ("model", "Name", "initialize"),
    ("model", "Label", "process"),
    ("model", "Label", "markup"),
    ("model", "Label", "_is_plural"),
    ("model", "TextCased", "case"),
    ("model", "FormatNumber", "_format_last_page"),
    ("model", "Date", "process"),
    ("model", "Date_Part", "process"),
    ("model", "If", "render"),
    ("model", "Layout", "render_children"),
    ("model", "Layout", "render_citation"),
    ("source", "Reference", "__getitem__"),
    ("source", "Reference", "__contains__"),
    ("source", "Reference", "get"),
    ("frontend", "CitationStylesBibliography", "cite"),
    ("frontend", "CitationStylesBibliography", "bibliography"),
)


def missing_internals() -> list[str]:
    """The patched citeproc-py internals that this citeproc-py lacks (empty when all hold)."""
    import importlib

    missing = []
    for module, cls, name in PATCHED:
        owner = getattr(importlib.import_module(f"citeproc.{module}"), cls, None)
        if owner is None or not hasattr(owner, name):
            missing.append(f"{module}.{cls}.{name}")
    return missing


# --- title case: words split at hyphens, dashes and slashes; spacing kept ------------------

_WORD = re.compile(r"[^\s\-\u2010\u2013\u2014/]+")
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
    ]
)


def title_case_words() -> None:
    """CSL title case as the specification has it, which citeproc-py approximates: every
    lower-case word capitalised except stop words (first and last word, and a word after a
    colon, "?" or "!", always), words inside hyphenated compounds and after dashes or slashes
    too ("Out-of-Fashion", "Self-Esteem—With", "Cat/Mouse"), a word after an opening quote,
    no-case spans and spacing untouched."""
    from citeproc import model

    if getattr(model.TextCased, "_citekb_title", False):
        return
    case = model.TextCased.case

    def cased(self: Any, text: Any, language: Any = None) -> Any:
        if self.get("text-case") != "title" or language != "en" or not text:
            return case(self, text, language)
        return _title_case(text)

    model.TextCased.case = cased
    model.TextCased._citekb_title = True


def _title_case(text: Any) -> Any:
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
        stop = core.casefold() in _STOP_WORDS and not (edge and not compound)
        stop = stop or (compound and len(core) == 1)  # "07-x", as citeproc-js
        if core.islower() and not stop and not isinstance(pieces[i], NoCase):
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


def number_variables() -> None:
    """Variables with a hyphen (``number-of-volumes``, ``container-author``,
    ``chapter-number``): citeproc-py stores them with underscores but ``cs:number``, labels and
    ``cs:names`` looked them up hyphenated, missed, and dropped APA's "(Vols. 1–5)" and the
    "In J. Cavaillès, Œuvres complètes" of a chapter; a label's plural asked the citation item
    instead of the reference."""
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
    Reference._citekb_hyphen = True
