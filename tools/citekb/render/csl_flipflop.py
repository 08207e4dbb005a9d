"""CSL rich text in fields and flip-flopping, which citeproc-py lacks.

A field (or a ``value``) may carry ``<i>``, ``<b>``, ``<sc>``, ``<sup>``, ``<sub>``,
``<span class="nocase">``, ``<span class="nodecor">`` and quotes (``"…"``, ``'…'``, “…”,
‘…’); a straight apostrophe is typographic (’). Fields are read into citeproc-py strings
whose markup is private-use markers that text-case leaves alone (the text of ``<sc>``,
``<sup>`` and ``<sub>`` is no-case, as citeproc-js); ``quotes="true"`` and
``font-*="normal"`` on a node give markers too. The finished citation or bibliography entry
is then resolved in one linear pass: nested quotes alternate between the locale's outer and
inner quotes, italics (bold, small caps) inside italics flip to
``<span style="font-style:normal;">``, and a period or comma after a closing quote moves
inside it where the locale's ``punctuation-in-quote`` says so.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from citekb.render.csl_punctuation import install_seams, join_marks
from citekb.render.csl_typography import (
    no_delimiter_before_punctuation,
    superscripts,
    typographic_apostrophes,
)

if TYPE_CHECKING:
    from collections.abc import Callable

# --- markers ------------------------------------------------------------------------------

#: kind -> (open marker, close marker)
_MARKS = {
    "i": ("\ue020", "\ue021"),
    "b": ("\ue022", "\ue023"),
    "sc": ("\ue024", "\ue025"),
    "sup": ("\ue026", "\ue027"),
    "sub": ("\ue028", "\ue029"),
    "q": ("\ue02a", "\ue02b"),
    "nodecor": ("\ue02c", "\ue02d"),
    "ni": ("\ue02e", "\ue02f"),  # font-style="normal" on a node
    "nb": ("\ue030", "\ue031"),  # font-weight="normal"
    "nsc": ("\ue032", "\ue033"),  # font-variant="normal"
}
#: Before a term's text: capitalised where it opens a citation (or follows a sentence).
TERM = "\ue034"
MARKERS = "".join(m for pair in _MARKS.values() for m in pair) + TERM
_STRIP = str.maketrans(dict.fromkeys(map(ord, MARKERS)))


def strip_markers(text: str) -> str:
    """``text`` without flip-flop markers (for sort keys and comparisons)."""
    return text.translate(_STRIP)


@cache
def markup_class() -> Any:
    """citeproc-py's string for a marker piece: no text-case touches it."""
    from citeproc.string import NoCase

    class Markup(NoCase):  # type: ignore[misc]
        def lower(self) -> Any:
            return self

        def upper(self) -> Any:
            return self

    return Markup


def _marker(kind: str, opening: bool) -> Any:
    return markup_class()(_MARKS[kind][0 if opening else 1])


# --- reading a field ----------------------------------------------------------------------

_TOKEN = re.compile(
    r"<span class=\"(nocase|nodecor)\">|<span style=\"font-variant:\s*small-caps;?\">"
    r"|</span>|<(/?)(i|b|sc|sup|sub)>|[\"'\u201c\u201d\u2018\u2019]",
    re.IGNORECASE,
)
_SPECIAL = re.compile(r"[<>\"'\u201c\u201d\u2018\u2019]")
_OPEN_BEFORE = set(' \t\n([{\u2014\u2013-/"\u201c\u2018') | set(MARKERS)
_DOUBLE = '"\u201c\u201d'


def parse_rich(
    text: str, escape: Callable[[str], str] | None = None, literal_quotes: bool = False
) -> Any:
    """A field's text as citeproc-py pieces: String, NoCase and :class:`Markup`; ``escape``
    is applied to the text (not the markup) when given. With ``literal_quotes`` (a cite's
    own prefix or suffix) quotes become typographic quotes of their own kind, unflipped."""
    tokens: list[list[Any]] = []  # [kind, value]: "text", "open", "close", "quote"
    last = 0
    for match in _TOKEN.finditer(text):
        if match.start() > last:
            tokens.append(["text", text[last : match.start()]])
        last = match.end()
        token = match.group()
        if token[0] != "<":
            tokens.append(["quote", token, match.start()])
        elif token.lower() == "</span>":
            tokens.append(["close", "span", token])
        elif token.lower().startswith("<span"):
            kind = (match.group(1) or "sc").lower()
            tokens.append(["open", kind, token])
        else:
            kind = match.group(3).lower()
            tokens.append(["close" if match.group(2) else "open", kind, token])
    if last < len(text):
        tokens.append(["text", text[last:]])
    _match_tags(tokens)
    _match_quotes(tokens, text)
    for piece in tokens:
        if literal_quotes and piece[0] == "mark" and piece[1] == "q":
            piece[:] = ["text", "\u201c\u201d\u2018\u2019"[(not piece[3]) * 2 + (not piece[2])]]
        if escape is not None and piece[0] == "text":
            piece[1] = escape(piece[1])
    return _pieces(tokens)


def _escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")  # "&": citeproc-py's own affair


def _match_tags(tokens: list[list[Any]]) -> None:
    """Pair tags; a tag without its partner is text. Pairs become ("mark", kind, open)."""
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token[0] == "open":
            stack.append(index)
        elif token[0] == "close":
            opener = next(
                (n for n in range(len(stack) - 1, -1, -1) if _closes(token, tokens[stack[n]])),
                None,
            )
            if opener is None:
                tokens[index] = ["text", token[2]]
                continue
            for n in stack[opener + 1 :]:
                tokens[n] = ["text", tokens[n][2]]
            kind = tokens[stack[opener]][1]
            tokens[stack[opener]] = ["mark", kind, True]
            tokens[index] = ["mark", kind, False]
            del stack[opener:]
    for n in stack:
        tokens[n] = ["text", tokens[n][2]]


def _closes(closer: list[Any], opener: list[Any]) -> bool:
    """``</span>`` closes a span (nocase, nodecor, small caps), ``</i>`` an ``<i>``…"""
    span = opener[2].lower().startswith("<span")
    return span if closer[1] == "span" else not span and opener[1] == closer[1]


def _match_quotes(tokens: list[list[Any]], text: str) -> None:
    """Pair quotes (a closing quote matches the innermost open one of its kind); a straight
    or right single quote left over is an apostrophe."""
    stack: list[tuple[int, bool]] = []  # (token index, double)
    for index, token in enumerate(tokens):
        if token[0] != "quote":
            continue
        char, at = token[1], token[2]
        before = text[at - 1] if at else ""
        after = text[at + 1] if at + 1 < len(text) else ""
        after_tag = index > 0 and tokens[index - 1][0] == "mark"  # '<i>"x"</i>' opens
        double = char in _DOUBLE
        if char in "'\u2019" and before.isalnum() and after.isalnum():
            tokens[index] = ["text", "\u2019"]
            continue
        can_open = char not in "\u201d\u2019" and (
            not before or before in _OPEN_BEFORE or after_tag
        )
        can_open = can_open and bool(after) and not after.isspace()
        can_close = char not in "\u201c\u2018" and bool(before) and not before.isspace()
        can_close = can_close and not after.isalnum()
        if can_close and stack and stack[-1][1] == double:
            opener = stack.pop()[0]
            tokens[opener] = ["mark", "q", True, double]
            tokens[index] = ["mark", "q", False, double]
        elif can_open:
            stack.append((index, double))
        else:
            tokens[index] = ["text", "\u2019" if char == "'" else char]
    for index, _double in stack:
        char = tokens[index][1]
        tokens[index] = ["text", "\u2019" if char == "'" else char]


def _pieces(tokens: list[list[Any]]) -> Any:
    from citeproc.string import MixedString, NoCase, String

    out: list[Any] = []
    nocase = 0
    for token in tokens:
        if token[0] == "mark":
            kind, opening = token[1], token[2]
            if kind in ("nocase", "nodecor", "sc", "sup", "sub"):
                nocase += 1 if opening else -1
            if kind != "nocase":
                out.append(_marker(kind, opening))
            continue
        piece = NoCase if nocase else String
        if out and type(out[-1]) is piece:
            out[-1] = piece(out[-1] + token[1])
        else:
            out.append(piece(token[1]))
    return MixedString(out)


# --- resolving a rendered citation or entry -----------------------------------------------

_RESOLVE = re.compile(
    '<(/?)(i|b)>|<span style="font-variant:small-caps;">|<span[^>]*>|</span>|[' + MARKERS + "]"
)
_NORMAL = {
    "i": '<span style="font-style:normal;">',
    "b": '<span style="font-weight:normal;">',
    "sc": '<span style="font-variant:normal;">',
}
_ON = {"i": "<i>", "b": "<b>", "sc": '<span style="font-variant:small-caps;">'}
_OFF = {"i": "</i>", "b": "</b>", "sc": "</span>"}
_BY_MARK = {m: (kind, n == 0) for kind, pair in _MARKS.items() for n, m in enumerate(pair)}


def resolve_markers(html: str, quotes: tuple[str, str, str, str], piq: bool) -> str:
    """Markers to HTML: marks merged where pieces join (and moved inside closing quotes
    with ``piq``), quotes alternating outer/inner, nested formatting flipped."""
    html = join_marks(html, piq)
    if (
        not any(m in html for m in MARKERS)
        and max(html.count("<i>"), html.count("<b>"), html.count("small-caps")) < 2
    ):
        return html
    out: list[str] = []
    state = {"i": False, "b": False, "sc": False}
    stack: list[tuple[str, tuple[str, ...]]] = []  # (closing html, kinds flipped)
    depth = 0
    last = 0
    for match in _RESOLVE.finditer(html):
        out.append(html[last : match.start()])
        last = match.end()
        token = match.group()
        kind, opening = _token_kind(token, match)
        if kind == "q":
            if opening:
                out.append(quotes[depth % 2 * 2])
                depth += 1
            else:
                depth = max(depth - 1, 0)
                out.append(quotes[depth % 2 * 2 + 1])
        elif not opening:
            if stack:
                closing, flipped = stack.pop()
                out.append(closing)
                for k in flipped:
                    state[k] = not state[k]
            elif token[0] == "<":
                out.append(token)
        elif kind in state:
            out.append(_NORMAL[kind] if state[kind] else _ON[kind])
            stack.append(("</span>" if state[kind] else _OFF[kind], (kind,)))
            state[kind] = not state[kind]
        elif kind in ("nodecor", "ni", "nb", "nsc"):
            kinds = {"ni": ("i",), "nb": ("b",), "nsc": ("sc",)}.get(kind, ("i", "b", "sc"))
            flipped = tuple(k for k in kinds if state[k])
            out.extend(_NORMAL[k] for k in flipped)
            stack.append(("</span>" * len(flipped), flipped))
            for k in flipped:
                state[k] = False
        else:  # sup, sub, another span
            out.append(token if token[0] == "<" else f"<{kind}>")
            stack.append(("</span>" if token.startswith("<span") else f"</{kind}>", ()))
    out.append(html[last:])
    return "".join(out)


def _token_kind(token: str, match: re.Match[str]) -> tuple[str, bool]:
    if token in _BY_MARK:
        return _BY_MARK[token]
    if match.group(2):
        return match.group(2), not match.group(1)
    if token == "</span>":
        return "span", False
    return ("sc" if "small-caps" in token else "span"), True


# --- installing ---------------------------------------------------------------------------


def install_flipflop() -> None:
    """Install the patches (once)."""
    from citeproc import frontend, model
    from citeproc.source import json as csl_json
    from citeproc.string import MixedString

    if getattr(model.Quoted, "_citekb_flipflop", False):
        return
    install_seams()
    parse_string = csl_json.CiteProcJSON.parse_string

    def parse_field(self: Any, string: Any) -> Any:
        text = str(string)
        if not _SPECIAL.search(text):
            return parse_string(self, string)
        return parse_rich(text, _escape)  # field text is text: "<" outside markup escaped

    text_process = model.Text.process
    plans: dict[Any, tuple[bool, bool, bool]] = {}

    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        text, language = text_process(self, item, context, **kwargs)
        if not text:
            return text, language
        plan = plans.get(self)
        if plan is None:  # read once per element
            attrib = self.attrib
            special = "value" in attrib and bool(_SPECIAL.search(self.get("value")))
            term = "term" in attrib and "variable" not in attrib
            plan = plans[self] = (special, self.get("variable") == "locator", term)
        special, locator, term = plan
        if special:
            text = parse_rich(self.get("value"), self.preformat)
        elif locator and _SPECIAL.search(str(text)):
            text = parse_rich(str(text), _escape)  # a cite's locator is rich text too
        elif term:
            text = markup_class()(TERM) + text
        return text, language

    number_process = model.Number.process

    def number_as_text(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        text = number_process(self, item, context=context, **kwargs)
        if text is not None and any(m in str(text) for m in MARKERS):
            return str(text).translate(_AS_TEXT)  # a number's markup is text: "1<sup>er…"
        return text

    model.Number.process = number_as_text

    def quote(self: Any, string: Any) -> Any:
        if self.get("quotes", "false").lower() == "true" and string:
            return _marker("q", True) + string + _marker("q", False)
        return string

    for name, kind in (("font_style", "ni"), ("font_weight", "nb"), ("font_variant", "nsc")):
        setattr(model.Formatted, name, _normal_marked(getattr(model.Formatted, name), kind))

    vertical_align = model.Formatted.vertical_align

    def baseline(self: Any, text: Any) -> Any:  # explicit baseline resets a superscript
        if self.get("vertical-align") == "baseline" and text:
            return f'<span style="baseline">{text}</span>'
        return vertical_align(self, text)

    model.Formatted.vertical_align = baseline
    wrap = model.Affixed.wrap

    def wrap_escaped(self: Any, string: Any) -> Any:  # an affix is text: "&lt;" stays text
        prefix, suffix = self.get("prefix", ""), self.get("suffix", "")
        if string is None or not _ANGLES.search(prefix + suffix):
            return wrap(self, string)
        prefix, suffix = _escape(prefix), _escape(suffix)
        text = prefix + model.normalize_seam(prefix, string)
        return text + model.normalize_seam(text, suffix)

    model.Affixed.wrap = wrap_escaped
    cite = frontend.CitationStylesBibliography.cite
    bibliography = frontend.CitationStylesBibliography.bibliography

    def cite_resolved(self: Any, citation: Any, callback: Any) -> Any:
        for cite_item in citation.cites:  # a citation's own affixes are rich text too
            for affix in ("prefix", "suffix"):
                value = cite_item.get(affix)
                if isinstance(value, str) and _SPECIAL.search(value):
                    cite_item[affix] = str(parse_rich(value, literal_quotes=True))
        # citekb composes its in-text citation from the text and moves punctuation into
        # quotes itself, after cutting the author part off ("Title," 2020)
        move = not getattr(self, "citekb_alone", False)
        rendered = no_delimiter_before_punctuation(self, citation, cite(self, citation, callback))
        return _resolve_for(self, rendered, move, cite=True)

    def bibliography_resolved(self: Any) -> Any:
        return [_resolve_for(self, entry) for entry in bibliography(self)]

    sort_keys = model.Key.sort_keys

    def sort_keys_plain(self: Any, items: Any, context: Any) -> Any:
        return [
            strip_markers(str(k)) if isinstance(k, (str, MixedString)) else k
            for k in sort_keys(self, items, context)
        ]

    csl_json.CiteProcJSON.parse_string = parse_field
    model.Text.process = process
    model.Quoted.quote = quote
    model.Key.sort_keys = sort_keys_plain
    frontend.CitationStylesBibliography.cite = cite_resolved
    frontend.CitationStylesBibliography.bibliography = bibliography_resolved
    model.Quoted._citekb_flipflop = True


def _normal_marked(method: Any, kind: str) -> Any:
    attribute = {"ni": "font-style", "nb": "font-weight", "nsc": "font-variant"}[kind]

    def formatted(self: Any, text: Any) -> Any:
        if self.get(attribute) == "normal" and text:
            return _marker(kind, True) + text + _marker(kind, False)
        return method(self, text)

    return formatted


def _resolve_for(bib: Any, rendered: Any, move: bool = True, cite: bool = False) -> Any:
    """``rendered`` resolved; a citation's punctuation is left outside its quotes (citekb
    moves it inside after cutting the author part off, "Title," 2020)."""
    if rendered is None:
        return rendered
    html = original = str(rendered)
    html = typographic_apostrophes(html)
    if "&" in html:  # a field's "&" is text (citeproc-py escapes only its own terms)
        html = _RAW_AMPERSAND.sub("&amp;", html)
    if TERM in html:
        note = bib.style.root.get("class") == "note"  # in-text styles keep "n.d."
        html = _capitalized_terms(html) if cite and move and note else html.replace(TERM, "")
    quotes, piq = _locale_quotes(bib.style.root)
    resolved = resolve_markers(html, quotes, move and piq)
    if not getattr(bib, "citekb_alone", False):  # citekb keeps "²" a character (plain text)
        resolved = superscripts(resolved)
    return rendered if resolved == original else resolved


#: style root -> its locale's quotes and punctuation-in-quote (the tree never changes)
_QUOTES: dict[Any, tuple[tuple[str, str, str, str], bool]] = {}


def _locale_quotes(root: Any) -> tuple[tuple[str, str, str, str], bool]:
    found = _QUOTES.get(root)
    if found is None:
        names = ("open-quote", "close-quote", "open-inner-quote", "close-inner-quote")
        terms = [str(root.get_single_term(name)) for name in names]
        piq = root.get_locale_option("punctuation-in-quote").lower() == "true"
        found = _QUOTES[root] = ((terms[0], terms[1], terms[2], terms[3]), piq)
    return found


_RAW_AMPERSAND = re.compile(r"&(?!#?\w+;)")
_AS_TEXT = str.maketrans(
    {
        m: f"&lt;{'/' * n}{kind}&gt;"
        for kind in ("i", "b", "sc", "sup", "sub")
        for n, m in enumerate(_MARKS[kind])
    }
    | {_MARKS["q"][0]: '"', _MARKS["q"][1]: '"'}
)
_ANGLES = re.compile("[<>]")
_TAGS = re.compile(r"<[^>]*>|[" + MARKERS + "]")


def _capitalized_terms(html: str) -> str:
    """In a note: a term that opens the citation, or follows a sentence of two words or more in the
    prefix ("This has been said. Ibid." but "See ibid.", "Nocapsafter. ibid."), is
    capitalised, as citeproc-js does."""
    parts = html.split(TERM)
    out = [parts[0]]
    for part in parts[1:]:
        before = _TAGS.sub("", "".join(out)).strip()
        sentence = before.endswith(".") and len(before.rsplit(". ", 1)[-1].split()) > 1
        if not before or sentence:
            at = next((m.end() for m in _TAGS.finditer(part) if m.start() == 0), 0)
            while True:  # skip the tags and markers before the term's first letter
                match = _TAGS.match(part, at)
                if match is None:
                    break
                at = match.end()
            part = part[:at] + part[at : at + 1].upper() + part[at + 1 :]
        out.append(part)
    return "".join(out)
