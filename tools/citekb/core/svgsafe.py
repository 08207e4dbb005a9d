"""Bounds on an image a handout embeds: its size, and how far an SVG's ``<use>`` elements expand.

A ``<use href="#a">`` draws a copy of element ``a``; ten ``<use>`` of a group that holds ten
``<use>`` of the next group, a few levels deep, is a 3 KB file that asks the renderer to draw
billions of shapes (WeasyPrint works on it for minutes). As with YAML aliases, the expanded
size is counted once per element, so the count is linear in the file; a ``<use>`` that
refers to its own ancestor counts as unbounded. Pure: bytes in, a reason (or None) out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Largest image a handout embeds (and the fetcher serves), in bytes.
MAX_IMAGE_BYTES = 16 * 1024 * 1024
#: Most ``<use>`` elements in one SVG.
MAX_USES = 1_000
#: Most elements an SVG may draw once every ``<use>`` is expanded.
MAX_EXPANDED = 50_000
#: Deepest chain of ``<use>`` that refers to an element holding another ``<use>``.
MAX_USE_DEPTH = 8

_XLINK = "{http://www.w3.org/1999/xlink}href"
_SVG_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.*?-->\s*)*<(?:svg|!DOCTYPE svg)",
    re.S | re.I,
)


def looks_like_svg(data: bytes, name: str = "") -> bool:
    """Whether ``data`` (a file called ``name``) is an SVG image."""
    return name.lower().endswith((".svg", ".svgz")) or bool(_SVG_START.match(data[:4096]))


def image_problem(data: bytes, name: str = "") -> str | None:
    """Why a handout must leave this image out, or None: too large, or an SVG whose
    ``<use>`` elements expand too far (or that does not parse)."""
    if len(data) > MAX_IMAGE_BYTES:
        return f"it has {len(data):,} bytes, more than {MAX_IMAGE_BYTES:,}"
    if not looks_like_svg(data, name):
        return None
    return svg_problem(data)


def svg_problem(data: bytes | str) -> str | None:
    """Why an SVG's ``<use>`` elements make it too costly to draw, or None."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    if b"use" not in raw:
        return None
    try:
        root = ET.fromstring(raw)  # expat refuses entity bombs; no external entity is read
    except (ET.ParseError, ValueError):
        return "it is an SVG that does not parse as XML" if b"<use" in raw else None
    elements = list(root.iter())
    uses = [e for e in elements if _local(e.tag) == "use"]
    if len(uses) > MAX_USES:
        return f"it is an SVG with {len(uses):,} <use> elements, more than {MAX_USES:,}"
    if not uses:
        return None
    by_id = {e.get("id"): e for e in elements if e.get("id")}
    return _expansion(root, by_id)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _target(element: ET.Element, by_id: dict[str | None, ET.Element]) -> ET.Element | None:
    href = element.get(_XLINK) or element.get("href") or ""
    return by_id.get(href[1:]) if href.startswith("#") else None


def _parts(element: ET.Element, by_id: dict[str | None, ET.Element]) -> Iterator[ET.Element]:
    """What drawing ``element`` draws: its children, and for a ``<use>`` its target."""
    yield from element
    if _local(element.tag) == "use" and (target := _target(element, by_id)) is not None:
        yield target


def _expansion(root: ET.Element, by_id: dict[str | None, ET.Element]) -> str | None:
    """The first bound the expanded drawing passes, counted once per element (iteratively)."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        ident = id(element)
        if done:
            open_.discard(ident)
            parts = list(_parts(element, by_id))
            sizes[ident] = 1 + sum(sizes[id(p)] for p in parts)
            is_use = _local(element.tag) == "use"
            depths[ident] = max((depths[id(p)] for p in parts), default=0) + int(is_use)
            if sizes[ident] > MAX_EXPANDED:
                return (
                    f"it is an SVG whose <use> elements draw more than {MAX_EXPANDED:,}"
                    " elements (a <use> bomb)"
                )
            if depths[ident] > MAX_USE_DEPTH:
                return f"it is an SVG with <use> nested more than {MAX_USE_DEPTH} deep"
            continue
        if ident in sizes:
            continue
        if ident in open_:
            return "it is an SVG with a <use> that refers to itself"
        open_.add(ident)
        stack.append((element, True))
        stack.extend((p, False) for p in _parts(element, by_id) if id(p) not in sizes)
    return None


def inline_svgs(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each ``<svg>…</svg>`` written inline in HTML or Markdown, where a
    ``<use`` occurs at all (an unclosed one runs to the end); one linear pass."""
    lower = text.lower()
    if "<use" not in lower:
        return
    pos = 0
    while (start := lower.find("<svg", pos)) >= 0:
        close = lower.find("</svg", start)
        end = len(text) if close < 0 else (lower.find(">", close) + 1 or len(text))
        yield start, end
        pos = end
