"""citeproc-py made fast enough for thousands of works: its look-ups on the style tree, which
never changes after loading, memoised per element; a cited item's reference and its fields
read without citeproc-py's Python-level indirections; a work's conditions, children and
formatting read once per element. The output is the same. Part of the adapter
(:mod:`citekb.render.csl_adapter`), pinned with :data:`citekb.render.csl_patches.PATCHED`.
"""

from __future__ import annotations

from typing import Any


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
    base.get_root = _memo_method(base.get_root)  # an element's tree never changes
    base.get_layout = _memo_method(base.get_layout)  # nor the layout an element is in
    base.get_formatter = _fast_formatter
    model.SomewhatObjectifiedElement.__getattr__ = _memo_child(
        model.SomewhatObjectifiedElement.__getattr__
    )
    _memo_reference()
    _fast_conditions()
    _bare_texts()
    for cls in vars(model).values():
        if isinstance(cls, type) and "calls_variable" in vars(cls):
            name = "calls_variable"  # assigned through a name: mypy cannot see these classes
            setattr(cls, name, _memo_method(vars(cls)[name]))
    base._citekb_fast = True


def _memo_reference() -> None:
    """A cited item's reference, looked up once: citeproc-py finds it through three
    dictionaries for every variable it renders (a quarter of its time per work); after the
    first look-up it is an attribute of the item."""
    from citeproc.source import CitationItem

    CitationItem.reference = _Reference()


class _Reference:
    """A non-data descriptor: the first look-up stores the reference in the item's
    ``__dict__``, where Python finds it before the class from then on."""

    def __get__(self, item: Any, owner: Any = None) -> Any:
        if item is None:
            return self
        citation = dict.__getitem__(item, "citation")
        bibliography = dict.__getitem__(citation, "bibliography")
        hit = item.__dict__["reference"] = bibliography.source[item.key]
        return hit


def _fast_formatter(self: Any) -> Any:
    """The output formatter, set on the style's root for each bibliography (a locale's
    elements ask their style's root); which root answers is memoised per element."""
    owner = _OWNERS.get(self)
    if owner is None:
        from citeproc.model import Locale

        root = self.get_root()
        owner = _OWNERS[self] = root.style if isinstance(root, Locale) else root
    return owner.formatter


_OWNERS: dict[Any, Any] = {}
_MISSING = object()


def _fast_conditions() -> None:
    """``cs:if``, ~90 per work in APA: which tests an element makes and the style's types
    read once per element, and a reference's fields read without citeproc-py's three
    Python-level look-ups."""
    from citeproc import model
    from citeproc.source import Reference
    from citeproc.string import String, join

    types: dict[Any, list[str]] = {}

    def if_type(self: Any, item: Any) -> list[bool]:
        wanted = types.get(self)
        if wanted is None:
            wanted = types[self] = [typ.lower() for typ in self.get("type").split()]
        kind = dict.__getitem__(item.reference, "type")  # set by Reference.__init__
        return [typ == kind for typ in wanted]

    def field(self: Any, name: str) -> Any:
        value = dict.get(self, name, _MISSING)
        if value is _MISSING:
            if "-" in name:
                return self[name]  # a hyphenated alias, or citeproc-py's VariableError
            raise model.VariableError  # what ``self[name]`` raises, without two misses
        return value

    names: dict[Any, tuple[str, ...]] = {}
    has = dict.__contains__

    def if_variable(self: Any, item: Any) -> list[bool]:
        wanted = names.get(self)
        if wanted is None:
            wanted = names[self] = tuple(v.replace("-", "_") for v in self.get("variable").split())
        reference = item.reference
        # a name without a hyphen: what ``Reference.__contains__`` (csl_text) answers
        return [("locator" in item) if v == "locator" else has(reference, v) for v in wanted]

    tests = (
        ("type", "_type"),
        ("variable", "_variable"),
        ("is-numeric", "_is_numeric"),
        ("is-uncertain-date", "_is_uncertain_date"),
        ("locator", "_locator"),
    )
    plans: dict[Any, tuple[list[str], bool, str | None]] = {}

    def if_met(self: Any, item: Any, context: Any = None) -> bool:
        plan = plans.get(self)
        if plan is None:  # which tests the element makes: read from its attributes once
            attrib = self.attrib
            made = [method for name, method in tests if name in attrib]
            plan = plans[self] = (made, "position" in attrib, self.get("match"))
        made, position, match = plan
        if len(made) == 1 and not position:  # most conditions make one test
            results = getattr(self, made[0])(item)
        else:
            results = []
            for method in made:
                results += getattr(self, method)(item)
            if position:
                results += self._position(item, context)
        if match == "any":
            return any(results)
        if match == "none":
            return not any(results)
        return all(results)

    def if_render(self: Any, item: Any, context: Any = None, delimiter: str = "", **kw: Any) -> Any:
        if not self._citekb_met(item, context):
            raise model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kw)

    Branches = tuple[tuple[tuple[Any, bool], ...], tuple[str, ...] | None]
    branches: dict[Any, Branches] = {}
    picks: dict[tuple[Any, ...], int] = {}

    def choose_plan(self: Any) -> Branches:
        """A ``cs:choose``'s branches, each with whether it is tested; and, when every test is
        of the work's type and which variables it has, those variables (else None)."""
        listed = tuple((c, isinstance(c, model.If)) for c in self.getchildren())
        tests = [set(c.attrib.keys()) for c, test in listed if test]
        if not all(keys <= _KEYED for keys in tests) or (model.If._type, model.If._variable) != (
            if_type,
            if_variable,
        ):
            return listed, None
        named = (c.get("variable", "").split() for c, test in listed if test)
        return listed, tuple(dict.fromkeys(v.replace("-", "_") for vs in named for v in vs))

    def pick(listed: tuple[tuple[Any, bool], ...], item: Any, context: Any) -> int:
        for index, (child, test) in enumerate(listed):
            if not test or child._citekb_met(item, context):
                return index
        return -1

    def choose_render(
        self: Any, item: Any, context: Any = None, delimiter: str = "", **kw: Any
    ) -> Any:
        # citeproc-py's, without an exception for each branch not taken (~70 a work in APA);
        # where only the work's type and which variables it has decide, the branch they pick
        # is looked up (a condition without ``disambiguate`` or ``position`` is a pure test)
        plan = branches.get(self)
        if plan is None:
            plan = branches[self] = choose_plan(self)
        listed, names = plan
        if names is None:
            index = pick(listed, item, context)
        else:
            reference = item.reference
            key = (self, dict.__getitem__(reference, "type"))
            if names:
                key += tuple(
                    [("locator" in item) if v == "locator" else has(reference, v) for v in names]
                )
            index = picks.get(key, -2)
            if index == -2:
                index = picks[key] = pick(listed, item, context)
        if index < 0:
            return None
        return listed[index][0].render_children(item, context=context, delimiter=delimiter, **kw)

    texts: dict[Any, tuple[str, Any, str]] = {}

    def text_plan(self: Any) -> tuple[str, Any, str]:
        """What a ``cs:text`` renders (its macro found), and the style's default language."""
        attrib = self.attrib
        kind = next((k for k in ("variable", "macro", "term", "value") if k in attrib), "")
        macro = self.get_macro(self.get("macro")) if kind == "macro" else None
        default = self.get_root().get("default-locale", "en")
        return kind, macro, default

    def text_process(self: Any, item: Any, context: Any = None, **kw: Any) -> Any:
        # citeproc-py's, with the language read without raising for most works (no language)
        if context is None:
            context = self
        plan = texts.get(self)
        if plan is None:
            plan = texts[self] = text_plan(self)
        kind, macro, default = plan
        language = dict.get(item.reference, "language", _MISSING)
        if not isinstance(language, str):  # missing (most works), or not text: the style's
            language = default
        language = language[:2]
        if kind == "variable":
            text = self._variable(item, context)
        elif kind == "macro":
            text = macro.render(item, context)
        elif kind == "term":
            text = self._term(item)
        elif kind == "value":
            text = String(self.preformat(self.get("value")))
        return text, language

    kids: dict[Any, tuple[tuple[Any, bool, bool | None], ...]] = {}

    def children(self: Any) -> tuple[tuple[Any, bool, bool | None], ...]:
        """An element's children, each with whether it is a ``cs:choose`` and whether it calls
        a variable (None where asking raised: it is asked again where citeproc-py asks)."""
        hit = kids.get(self)
        if hit is None:
            hit = kids[self] = tuple(
                (c, isinstance(c, model.Choose), _calls(c)) for c in self.iterchildren()
            )
        return hit

    def render_children(self: Any, item: Any, delimiter: str = "", **kw: Any) -> Any:
        output = []  # citeproc-py's, over the listed children
        for child, choose, _ in children(self):
            try:
                if choose:
                    text = child.render(item, delimiter=delimiter, **kw)
                else:
                    text = child.render(item, **kw)
                if text is not None:
                    output.append(text)
            except model.VariableError:
                pass
        return join(output, delimiter) if output else None

    delimiters: dict[Any, str] = {}
    delimited = model.Delimited.join

    def group_process(self: Any, item: Any, context: Any = None, **kw: Any) -> Any:
        output = []  # citeproc-py's, over the listed children
        called = rendered = False
        delimiter = delimiters.get(self)
        if delimiter is None:
            delimiter = delimiters[self] = self.get("delimiter", "")
        for child, choose, calls in children(self):
            called = called or (child.calls_variable() if calls is None else calls)
            try:
                if choose:
                    text = child.render(item, context=context, delimiter=delimiter, **kw)
                else:
                    text = child.render(item, context=context, **kw)
                if text is not None:
                    output.append(text)
                    rendered = rendered or (child.calls_variable() if calls is None else calls)
            except model.VariableError:
                pass
        if output and (not called or rendered):
            if type(self).join is not delimited:
                return self.join(output)
            try:  # ``Delimited.join``, with the delimiter read once
                return join(output, delimiter)
            except Exception:
                return String("")
        raise model.VariableError

    model.Text.process = text_process
    model.Parent.render_children = render_children
    model.Group.process = group_process
    model.If._type = if_type
    model.If._variable = if_variable
    model.If.render = if_render
    model.If._citekb_met = if_met
    model.Choose.render = choose_render
    model.Formatted.format = _plain_unformatted(model.Formatted.format)
    Reference.__getattr__ = field


#: The attributes of a condition whose result the work's type and variables alone decide.
_KEYED = frozenset({"type", "variable", "match"})


def _calls(element: Any) -> bool | None:
    """Whether an element calls a variable (memoised: the style tree never changes); None
    when asking raises (a broken style), so that it raises where citeproc-py asks."""
    try:
        return bool(element.calls_variable())
    except Exception:
        return None


def _bare_texts() -> None:
    """``cs:text`` without a case, quotes, stripped periods or formatting (most of them):
    its text goes straight to its affixes. ``markup`` would pass it through
    ``strip_periods``, ``case`` (and citekb's wrap of it, :mod:`citekb.render.csl_text`),
    ``format`` and ``quote`` (:mod:`citekb.render.csl_flipflop`), each of which returns such
    an element's text as it is, a number as a string."""
    from citeproc import model

    markup = model.Text.markup
    bare: dict[Any, bool] = {}

    def text_render(self: Any, *args: Any, **kwargs: Any) -> Any:
        text, language = self.process(*args, **kwargs)
        if not text:
            return None
        plain = bare.get(self)
        if plain is None:
            plain = bare[self] = (
                self.get("strip-periods", "false").lower() != "true"
                and self.get("text-case") is None
                and self.get("quotes", "false").lower() != "true"
                and not any(self.get(name) for name in _FORMATTING)
            )
        if not plain:
            return markup(self, text, language)
        return self.wrap(str(text) if isinstance(text, (int, float)) else text)

    model.Text.render = text_render


#: The attributes ``Formatted.format`` reads (through its five steps, and citekb's wraps of
#: them); an element with none of them returns its text as it is.
_FORMATTING = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align")


def _plain_unformatted(format_: Any) -> Any:
    plain: dict[Any, bool] = {}

    def formatted(self: Any, string: Any) -> Any:
        bare = plain.get(self)
        if bare is None:
            bare = plain[self] = not any(self.get(name) for name in _FORMATTING)
        if not bare:
            return format_(self, string)
        return str(string) if isinstance(string, (int, float)) else string

    return formatted


def _memo_child(getattr_: Any) -> Any:
    """``element.layout``, ``style.root.citation``: citeproc-py's ``find`` of a child by
    name, run once per element and name."""
    found: dict[tuple[Any, str], Any] = {}
    missing = object()

    def child(self: Any, name: str) -> Any:
        key = (self, name)
        hit = found.get(key, missing)
        if hit is missing:
            hit = found[key] = getattr_(self, name)
        return hit

    return child


def _memo_method(method: Any) -> Any:
    results: dict[Any, Any] = {}

    def memo(self: Any) -> Any:
        hit = results.get(self)
        if hit is None:
            hit = results[self] = method(self)
        return hit

    return memo
