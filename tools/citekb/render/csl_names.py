"""``cs:name`` rendered as CSL 1.0.2 and citeproc-js have it, in place of citeproc-py's
``Name.process``: particles ("Gerard van DER MEER", "One, Alan al-", "Hoppel, Gustav von"),
suffixes ("Jeffrey Doe, Jr."), initials (``initialize="false"``, "Ts.", "<b>J.</b> Q."),
names in Chinese or Japanese script ("我妻栄"), name-part formatting and affixes,
``delimiter-precedes-et-al``/``-last`` (``after-inverted-name`` too), ``and`` terms in any
script, ``et-al-use-first="0"``, ``et-al-subsequent-*``, ``et-al-use-last``, ``form="count"``
across variables, and the CSL 1.0.2 name variables citeproc-py did not know
(``reviewed-author``, ``director``…).

Part of the adapter (:mod:`citekb.render.csl_adapter`) (pinned to the same citeproc-py,
listed in its ``PATCHED``); the parsing and the initials are :mod:`citekb.render.csl_name_parts`.
"""

from __future__ import annotations

from typing import Any

from citekb.render import csl_name_parts as np

#: CSL 1.0.2 name variables, as citeproc-py stores them (underscores).
_NAME_VARIABLES = (
    "chair",
    "compiler",
    "contributor",
    "curator",
    "director",
    "editor_translator",
    "executive_producer",
    "guest",
    "host",
    "narrator",
    "organizer",
    "performer",
    "producer",
    "reviewed_author",
    "script_writer",
    "series_creator",
)
#: CSL-JSON name keys that citeproc-py warned about and ignored.
_NAME_OPTIONS = ("comma-suffix", "static-ordering", "parse-names", "static-particles")
_DEFAULTS: dict[str, str | None] = {
    "and": None,
    "delimiter-precedes-et-al": "contextual",
    "delimiter-precedes-last": "contextual",
    "et-al-min": None,
    "et-al-use-first": None,
    "et-al-subsequent-min": None,
    "et-al-subsequent-use-first": None,
    "et-al-use-last": "false",
    "initialize": "true",
    "initialize-with": None,
    "name-as-sort-order": None,
    "sort-separator": ", ",
    "form": "long",
    "delimiter": ", ",
}
_PARENT = "./ancestor::*[self::cs:citation or self::cs:bibliography][1]"
_JOINING = ("'", "\u2019", "-", " ")


def install_names() -> None:
    """Replace citeproc-py's ``Name.process`` (once); ``form="count"`` stays a number through
    ``Name.markup``, and a name's parts (``source.Name.parts``, used for sort keys) are parsed."""
    import citeproc
    from citeproc import model, source

    if getattr(model.Name, "_citekb_names", False):
        return
    for variable in _NAME_VARIABLES:
        for known in (citeproc.NAMES, citeproc.VARIABLES):
            if variable not in known:
                known.append(variable)
    markup = model.Name.markup
    name_init = source.Name.__init__

    def name_with_options(self: Any, **data: Any) -> None:
        extra = {k: data.pop(k) for k in _NAME_OPTIONS if k in data}
        name_init(self, **data)  # warns about keys it does not know: these it now reads
        dict.update(self, extra)

    def name_markup(self: Any, text: Any) -> Any:
        return text if isinstance(text, int) else markup(self, text)

    def parts(self: Any) -> tuple[Any, ...]:
        found = _parsed(self)
        if found.literal is not None:
            return (None, found.literal, None, None, None)
        given, family, dropping, ndp, suffix = (
            found.given,
            found.family,
            found.dropping,
            found.non_dropping,
            found.suffix,
        )
        dropping, ndp = _unquoted(dropping), _unquoted(ndp)  # "’t Horvath" sorts under t
        return (given or None, family or None, dropping or None, ndp or None, suffix or None)

    model.Name.process = _process
    model.Name.initialize = _initialize
    model.Name.markup = name_markup
    source.Name.parts = parts
    source.Name.__init__ = name_with_options
    model.Name._citekb_names = True


def _unquoted(particle: str) -> str:
    return particle.replace("'", "").replace("\u2019", "").strip()


def _parsed(name: Any) -> np.Parts:
    """The parsed parts of a citeproc-py name, kept on it with the values they were parsed
    from (a copy with a changed given name is parsed again)."""
    if not isinstance(name, dict):
        return np.Parts(literal=str(name))
    key = tuple(name.values())
    cached = vars(name).get("_citekb_parts")
    if cached is None or cached[0] != key:
        cached = (key, np.name_parts(name))
        object.__setattr__(name, "_citekb_parts", cached)
    parts: np.Parts = cached[1]
    return parts


class _Options:
    """The name options in force for one ``cs:name``: its own attributes, then those of the
    citation or bibliography, then of the style; ``overrides`` (citeproc-py's sort options,
    the disambiguation's added names) first."""

    def __init__(self, element: Any, context: Any, overrides: Any) -> None:
        self.element = element
        found = (context if context is not None else element).xpath_search(_PARENT)
        self.parent = found[0] if found else None
        self.root = element.get_root()
        self.overrides = overrides if isinstance(overrides, dict) else {}

    def __getitem__(self, name: str) -> Any:
        if name in self.overrides:
            return self.overrides[name]
        value = self.element.get(name)
        if value is not None:
            return value
        inherited = "name-" + name if name in ("form", "delimiter") else name
        for holder in (self.parent, self.root):
            if holder is not None and holder.get(inherited) is not None:
                return holder.get(inherited)
        return _DEFAULTS[name]

    def number(self, name: str) -> int | None:
        value = self[name]
        try:
            return None if value is None else int(value)
        except ValueError:
            return None


def _process(
    self: Any, item: Any, variable: str, context: Any = None, sort_options: Any = None, **kw: Any
) -> Any:
    """``Name.process``: the rendered names of ``variable``, a count for ``form="count"``."""
    options = _Options(self, context, sort_options)
    value = item.reference.get(variable, None) or []
    names = [value] if isinstance(value, str) else list(value)  # a string: one literal name
    sorting = isinstance(sort_options, dict) and "name-as-sort-order" in sort_options
    et_al_min, use_first = _et_al_limits(self, item, context, options)
    truncated = bool(et_al_min) and use_first is not None and len(names) >= (et_al_min or 0)
    truncated = truncated and use_first < len(names)
    use_last = truncated and str(options["et-al-use-last"]).lower() == "true"
    use_last = use_last and use_first is not None and len(names) >= use_first + 2 >= 3
    if options["form"] == "count":
        return min(len(names), use_first) if truncated and use_first is not None else len(names)
    shown = names[:use_first] if truncated else names
    if use_last:
        shown = [*shown, names[-1]]
    renderer = _Renderer(self, item, context, options, sorting)
    rendered = [renderer.render(name, index) for index, name in enumerate(shown)]
    people = [(text, inverted) for text, inverted in rendered if text]
    if not people:
        return None
    delimiter = str(options["delimiter"])
    texts = [text for text, _ in people]
    if sorting:  # a sort key: no "et al." (citeproc-js)
        return delimiter.join(texts)
    if use_last and len(people) >= 2:  # "A, B, … Z": the delimiter, an ellipsis, the last
        return _join(texts[:-1], delimiter) + delimiter + "\u2026 " + texts[-1]
    if truncated:
        et_al = self.et_al()
        if not et_al:
            return _join(texts, delimiter)
        return _join(texts, delimiter) + _et_al_join(options, people, et_al) + str(et_al)
    return _and_join(self, options, people)


def _initialize(self: Any, given: Any, mark: str, context: Any = None) -> str:
    """``Name.initialize``: a given name with ``initialize-with`` (``mark``), as the name's
    ``initialize`` and the style's ``initialize-with-hyphen`` say."""
    options = _Options(self, context, None)
    return np.initialize_given(
        str(given),
        mark,
        initials=str(options["initialize"]).lower() != "false",
        hyphen=str(options.root.get("initialize-with-hyphen", "true")).lower() != "false",
    )


def _et_al_limits(element: Any, item: Any, context: Any, options: _Options) -> tuple[Any, Any]:
    """et-al-min and et-al-use-first, or their -subsequent- forms for a cite already cited."""
    et_al_min, use_first = options.number("et-al-min"), options.number("et-al-use-first")
    later_min = options.number("et-al-subsequent-min")
    later_first = options.number("et-al-subsequent-use-first")
    later = later_min is not None or later_first is not None
    if later and _cited_before(element, item, context):
        et_al_min = later_min if later_min is not None else et_al_min
        use_first = later_first if later_first is not None else use_first
    return et_al_min, use_first


def _cited_before(element: Any, item: Any, context: Any) -> bool:
    holder = (context if context is not None else element).xpath_search(_PARENT)
    if not holder or not str(holder[0].tag).endswith("citation"):
        return False
    cites = getattr(holder[0], "cites", None) or []
    return any(cite.key == item.key for cite in cites)


def _et_al_join(options: _Options, people: list[tuple[str, bool]], et_al: Any) -> str:
    rule = options["delimiter-precedes-et-al"]
    delimiter = str(options["delimiter"])
    if rule == "always":
        use = True
    elif rule == "after-inverted-name":
        use = people[-1][1]
    elif rule == "never":
        use = False
    else:
        use = len(people) >= 2
    if use:
        return delimiter
    return " " if np.STARTS_ROMANESQUE.match(_bare(et_al)) else ""


def _and_join(element: Any, options: _Options, people: list[tuple[str, bool]]) -> str:
    delimiter = str(options["delimiter"])
    texts = [text for text, _ in people]
    if len(texts) == 1:
        return texts[0]
    and_ = options["and"]
    if and_ == "text":
        term = str(element.get_single_term(name="and"))
    elif and_ == "symbol":
        term = str(element.preformat("&"))
    else:
        return _join(texts, delimiter)
    spaced = bool(np.STARTS_ROMANESQUE.match(term))
    rule = options["delimiter-precedes-last"]
    if rule == "always":
        before = delimiter if len(texts) == 2 or spaced else ""
    elif rule == "never":
        before = " " if spaced else ""
    elif rule == "after-inverted-name":
        before = delimiter if people[-2][1] else (" " if spaced else "")
    else:  # contextual
        before = delimiter if len(texts) > 2 and spaced else (" " if spaced else "")
    after = " " if spaced else ""
    return _join(texts[:-1], delimiter) + _seam(texts[-2], before) + term + after + texts[-1]


def _join(texts: list[str], delimiter: str) -> str:
    out = texts[0]
    for text in texts[1:]:
        out += _seam(out, delimiter) + text
    return out


def _seam(left: str, separator: str) -> str:
    """A separator after ``left`` without a second space ("John\u00a0" + " " + "Doe")."""
    if separator.startswith(" ") and left[-1:].isspace():
        return separator[1:]
    return separator


def _bare(text: Any) -> str:
    return np._TAG.sub("", str(text))


class _Renderer:
    """One ``cs:name``'s rendering of single names, with its ``cs:name-part`` formatting."""

    def __init__(
        self, element: Any, item: Any, context: Any, options: _Options, sorting: bool
    ) -> None:
        self.element = element
        self.context = context
        self.options = options
        self.sorting = sorting
        self.form = options["form"]
        self.order = options["name-as-sort-order"]
        self.separator = str(options["sort-separator"])
        self.initialize_with = options["initialize-with"]
        root = options.root
        self.demote = str(root.get("demote-non-dropping-particle", "display-and-sort"))
        locale = str(root.get("default-locale", "") or "")
        self.nbsp = "\u00a0" if locale[:2] in ("fr", "ru", "cs") else " "
        self.language = str(dict.get(item.reference, "language", "") or "")
        self.parts: dict[str, Any] = {}
        for part in element.findall("cs:name-part", element.nsmap):
            self.parts[part.get("name")] = part

    def decor(self, which: str, text: str) -> str:
        """A part with its name-part's text case and font (not its affixes)."""
        part = self.parts.get(which)
        if not text or part is None:
            return text
        from citeproc.string import String  # citeproc is loaded by now

        return str(part.format(part.case(String(text))))

    def affix(self, which: str, text: str) -> str:
        part = self.parts.get(which)
        if not text or part is None:
            return text
        return str(part.get("prefix", "")) + text + str(part.get("suffix", ""))

    def render(self, name: Any, index: int) -> tuple[str, bool]:
        """One name and whether it is inverted (family name first, with the separator)."""
        parts = _parsed(name)
        if parts.literal is not None:
            return self.decor("family", np.typographic(parts.literal)), False
        family = self.decor("family", np.typographic(parts.family))
        ndp_raw = np.typographic(parts.non_dropping)
        dp_raw = np.typographic(parts.dropping)
        if self.sorting:
            ndp_raw, dp_raw = _unquoted(ndp_raw), _unquoted(dp_raw)
        ndp = self.decor("family", ndp_raw)
        given = self.decor("given", self.given(name, parts))
        dp = self.decor("given", dp_raw) if given or self.form == "long" else ""
        suffix = self.suffix(parts) if given or self.form == "long" else ""
        hyphenated = ndp_raw[-1:] in _JOINING
        script = np.script_order(parts, self.language)
        if self.form == "short" or self.form == "count":
            return self.affix("family", _words([ndp, family], "" if hyphenated else " ")), False
        if script == 0:
            return ndp + family + given, False
        if script == 1 or parts.static_order:
            return _words([_words([ndp, family], self.nbsp), given], " "), False
        if self.sorting:
            if self.demote == "never":
                head = _words([_words([ndp, family], self.nbsp), dp], " ")
                return _words([_words([head, given], self.separator), suffix], " "), True
            tail = _words([given, dp, ndp], " ")
            return _words([_words([family, tail], self.separator), suffix], " "), True
        if self.order == "all" or (self.order == "first" and index == 0):
            separator = ", " if parts.given in ("Lord", "Lady") else self.separator
            if self.demote in ("always", "display-and-sort"):
                first = self.affix("family", family)
                second = self.affix("given", _words([_words([given, dp], " "), ndp], " "))
            else:
                joined = _words([ndp, family], "" if hyphenated else self.nbsp)
                first = self.affix("family", joined)
                second = self.affix("given", _words([given, dp], " "))
            return _words([_words([first, second], separator), suffix], separator), True
        if dp and family and not ndp and dp_raw[-1:] in "'\u02bc\u2019-" and dp_raw[:-1] != "de":
            family, dp = dp + family, ""  # "d’Jones"
        if hyphenated:
            second = _words([dp, ndp + family], self.nbsp)
        else:
            second = _words([dp, ndp, family], self.nbsp)
        second = self.affix("family", _words([second, suffix], ", " if parts.comma_suffix else " "))
        space = " "
        if (
            given
            and parts.family
            and any(c in (self.initialize_with or "") for c in "\u00a0\ufeff")
        ):
            space = self.nbsp  # initials bound to the family name (French, Russian, Czech)
        return _words([self.affix("given", given), second], space), False

    def given(self, name: Any, parts: np.Parts) -> str:
        """The given name at the form's level: none in the short form, initials where
        ``initialize-with`` is set (a name without a family name stays whole), made by
        ``Name.initialize``, which gets the given name in the type it came in (a wrapper may
        mark a name to keep whole with a ``str`` subclass)."""
        given = np.typographic(parts.given)
        if self.form != "long" or not given:
            return "" if self.form != "long" else given
        if self.initialize_with is None or not parts.family:
            return given
        raw = name.get("given")
        if isinstance(raw, str) and type(raw) is not str:
            given = type(raw)(given)
        return str(self.element.initialize(given, str(self.initialize_with), self.context))

    def suffix(self, parts: np.Parts) -> str:
        suffix = np.typographic(parts.suffix)
        if suffix and self.initialize_with is not None:
            return np.initialize_given(suffix, str(self.initialize_with), initials=False)
        return suffix


def _words(texts: list[str], separator: str) -> str:
    """The non-empty texts joined, without a doubled space."""
    out = ""
    for text in texts:
        if text:
            out = out + _seam(out, separator) + text if out else text
    return out
