"""APA fix-ups of citeproc-py's output, and what the CSL item must carry to get them.

Close citeproc-py gaps ("(Ed.)", "Trans.", a bare "Retrieved" before a URL), carry
``<span class="nocase">`` through the HTML formatter, and render a name list the source
truncated with ``and others`` honestly, as "…, et al.", never as a complete list "… & Last".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from citekb.render import richtext as rt
from citekb.sources.biblatex_fields import OTHERS
from citekb.sources.bibnames import has_others

if TYPE_CHECKING:
    from collections.abc import Mapping

    from citekb.render.richtext import Rich

# citeproc-py passes some field text through its HTML formatter unescaped, so markup
# characters travel through it as private-use stand-ins and come back as plain text.
_STAND_INS = {"&": "\ue000", "<": "\ue001", ">": "\ue002"}
_RESTORE = str.maketrans({v: k for k, v in _STAND_INS.items()})
_PROTECT = str.maketrans(_STAND_INS)
#: citeproc-py reads these tags (and only these) in field text: they must reach it unescaped.
_NOCASE = ('<span class="nocase">', "</span>")
_NOCASE_PROTECTED = tuple(tag.translate(_PROTECT) for tag in _NOCASE)


def protect(value: Any) -> Any:
    if isinstance(value, str):
        out = value.translate(_PROTECT)
        if _NOCASE_PROTECTED[0] in out:
            for tag, protected in zip(_NOCASE, _NOCASE_PROTECTED, strict=True):
                out = out.replace(protected, tag)
        return out
    if isinstance(value, list):
        return [protect(v) for v in value]
    if isinstance(value, dict):
        return {k: protect(v) for k, v in value.items()}
    return value


def parse_html(markup: str) -> Rich:
    return rt.map_text(rt.from_html(markup), lambda s: (s.translate(_RESTORE),), in_links=True)


_EDITOR_TERMS = re.compile(r"\((ed|eds|trans)\.\)")
_TRANSLATOR = re.compile(r"(, )trans\.\)")  # "(T. Tran, trans.)" after an editor
_RETRIEVED_BARE = re.compile(r"Retrieved (?=https?://)")  # no access date: APA gives the URL
#: A period after a title's own "?" or "!", or after a period (not an ellipsis): dropped.
_DOUBLE_STOP = re.compile(r"(?:[?!]|(?<![.])\.)(\.)(?=\s|$)")


def collapse_punctuation(rich: Rich) -> Rich:
    """CSL's punctuation rule that citeproc-py lacks: "To explain or to predict?." -> "…?",
    "Ed.." -> "Ed.", across formatting ("<i>Why?</i>." too); an ellipsis is kept."""
    plain = rt.to_text(rich)
    for match in reversed(list(_DOUBLE_STOP.finditer(plain))):
        at = match.start(1)
        rich = rt.normalize(rt.slice_text(rich, 0, at) + rt.slice_text(rich, at + 1))
    return rich


def fix_reference(reference: Rich, item: Mapping[str, Any] | None = None) -> Rich:
    """Close citeproc-py gaps: "(Ed.)" and "Trans." capitalised, no "Retrieved" before a bare
    URL (APA gives an access date only with "Retrieved … from"), DOIs and URLs as links.

    Editors standing in for the author are not repeated since
    :func:`citekb.render.csl_patches.suppress_substituted`.
    """
    item = item or {}

    def fix(value: str) -> Rich:
        if not item.get("number"):  # an empty "Publication No." group left behind
            value = value.replace(" (Publication)", "")
        value = _EDITOR_TERMS.sub(lambda m: f"({m.group(1).capitalize()}.)", value)
        value = _TRANSLATOR.sub(r"\1Trans.)", value)
        value = honest_others_text(value)
        return (_RETRIEVED_BARE.sub("", value),)

    return rt.linkify(collapse_punctuation(rt.map_text(reference, fix)))


_OTHERS_TAIL = re.compile(r"(?:,\s*)?(?:\s*(?:&|and)\s+)?" + re.escape(OTHERS))


def honest_others_text(value: str) -> str:
    """``Smith, J., & <others>`` -> ``Smith, J., et al.``; ``Smith & <others>`` -> ``Smith et al.``."""
    if OTHERS not in value:
        return value

    def repl(match: re.Match[str]) -> str:
        before = value[: match.start()]
        return ", et al." if before.rstrip().endswith(".") else " et al."

    out = _OTHERS_TAIL.sub(repl, value)
    return out.replace("et al..", "et al.")


def honest_others(rich: Rich) -> Rich:
    """:func:`honest_others_text` over a rich text."""
    return rt.map_text(rich, lambda s: (honest_others_text(s),))


def add_others(item: dict[str, Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """Mark name lists that end in ``and others`` with the :data:`OTHERS` stand-in name."""
    for role in ("author", "editor", "translator"):
        if item.get(role) and has_others(fields.get(role, "")):
            item[role] = [*item[role], {"literal": OTHERS}]
    return item
