"""CSL ``display`` and ``second-field-align`` in a bibliography, which citeproc-py ignores.

An element with ``display="block|left-margin|right-inline|indent"`` is rendered between
markers that become ``<div class="csl-…">``; with ``second-field-align`` the first child of
the bibliography's layout becomes the left margin and the rest the right column, as
citeproc-js lays them out. citekb formats each work alone and lays out its own reference
list (numbers included), so for it (``citekb_alone``) the markers are simply dropped and its
references are unchanged.
"""

from __future__ import annotations

import re
from typing import Any

#: display value -> opening marker; one closing marker for all.
_OPEN = {
    "block": "\ue040",
    "left-margin": "\ue041",
    "right-inline": "\ue042",
    "indent": "\ue043",
}
_CLOSE = "\ue044"
_FIRST_OPEN, _FIRST_CLOSE = "\ue045", "\ue046"  # the first field, with second-field-align
_ALL = "".join(_OPEN.values()) + _CLOSE + _FIRST_OPEN + _FIRST_CLOSE
_DROP = str.maketrans(dict.fromkeys(map(ord, _ALL)))
_EMPTY = re.compile(f"[{''.join(_OPEN.values())}]\\s*{_CLOSE}")
_SUFFIX_OUTSIDE = re.compile(f"({_CLOSE})([^{_ALL}]+)$")
_KIND = {marker: kind for kind, marker in _OPEN.items()}
_DISPLAY = re.compile(f"([{''.join(_OPEN.values())}])|{_CLOSE}")


def lay_out(entry: str) -> str:
    """A bibliography entry's markers as citeproc-js's divs (and its line breaks)."""
    if _FIRST_OPEN in entry and _FIRST_CLOSE in entry:
        head, _, rest = entry.partition(_FIRST_OPEN)
        left, _, right = rest.partition(_FIRST_CLOSE)
        trailing = right[len(right.rstrip()) :]  # a layout's trailing space: after the div
        return (
            f'\n    <div class="csl-left-margin">{_divs(head + left)}</div>'
            f'<div class="csl-right-inline">{_divs(right.rstrip())}</div>\n  {trailing}'
        )
    if any(marker in entry for marker in _OPEN.values()):
        entry = _EMPTY.sub("", entry)  # a block left empty (a substituted author): no div
        if not any(marker in entry for marker in _OPEN.values()):
            return entry
        entry = _SUFFIX_OUTSIDE.sub(r"\2\1", entry)  # the layout's suffix: in the last div
        return _divs(entry, lines=True) + "\n  "
    return entry


def _divs(text: str, lines: bool = False) -> str:
    """Markers to divs; with ``lines``, citeproc-js's line breaks: a block on lines of its
    own, a left margin that starts the entry or follows a block on a new line."""
    text = text.replace(_FIRST_OPEN, "").replace(_FIRST_CLOSE, "")
    out: list[str] = []
    kinds: list[str] = []
    last = 0
    for match in _DISPLAY.finditer(text):
        out.append(text[last : match.start()])
        last = match.end()
        if match.group(1):
            kind = _KIND[match.group(1)]
            kinds.append(kind)
            if lines and kind == "block":
                out.append("\n\n    ")
            elif lines and kind == "left-margin":
                prior = "".join(out)
                if not prior.strip() or prior.endswith("\n"):
                    out.append("\n    ")
            out.append(f'<div class="csl-{kind}">')
        else:
            out.append("</div>")
            if lines and kinds and kinds.pop() == "block":
                out.append("\n")
    out.append(text[last:])
    return "".join(out)


def install_display() -> None:
    """Install the patches (once); after :func:`citekb.render.csl_flipflop.install_flipflop`,
    whose bibliography this wraps."""
    from citeproc import frontend, model

    if getattr(model.Affixed, "_citekb_display", False):
        return
    wrap = model.Affixed.wrap
    plans: dict[Any, tuple[bool, str | None]] = {}

    def displayed(self: Any, string: Any) -> Any:
        plan = plans.get(self)
        if plan is None:  # read once per element: most have no affix and no display
            affixed = bool(self.get("prefix") or self.get("suffix"))
            plan = plans[self] = (affixed, _OPEN.get(self.get("display", "")))
        affixed, marker = plan
        text = wrap(self, string) if affixed else string  # no affix: the text as it is
        if text and marker:
            return f"{marker}{text}{_CLOSE}"
        return text

    bibliography = frontend.CitationStylesBibliography.bibliography

    def laid_out(self: Any) -> Any:
        alone = getattr(self, "citekb_alone", False)
        first = None if alone else _first_field(self.style.root)
        saved = (first.get("prefix"), first.get("suffix")) if first is not None else None
        plans.pop(first, None)  # its affixes change for this bibliography, and back
        if first is not None and saved is not None:
            first.set("prefix", _FIRST_OPEN + (saved[0] or ""))
            first.set("suffix", (saved[1] or "") + _FIRST_CLOSE)
        try:
            entries = bibliography(self)
        finally:
            if first is not None and saved is not None:
                for name, value in zip(("prefix", "suffix"), saved, strict=True):
                    if value is None:
                        del first.attrib[name]
                    else:
                        first.set(name, value)
                plans.pop(first, None)
        out = []
        for entry in entries:
            text = str(entry)
            if not any(marker in text for marker in _ALL):
                out.append(entry)
            else:
                out.append(text.translate(_DROP) if alone else lay_out(text))
        return out

    model.Affixed.wrap = displayed
    frontend.CitationStylesBibliography.bibliography = laid_out
    model.Affixed._citekb_display = True


def _first_field(root: Any) -> Any:
    """The first child of the bibliography's layout when ``second-field-align`` is set."""
    bibliography = getattr(root, "bibliography", None)
    if bibliography is None or not bibliography.get("second-field-align"):
        return None
    children = bibliography.layout.getchildren()
    return children[0] if children else None
