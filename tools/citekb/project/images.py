"""``handout-image-limit``: images on handout pages that the PDF writer would leave out (an
I/O edge: the images are read, bounded, from ``docs/``).

WeasyPrint draws every ``<use>`` of an SVG; a 3 KB ``<use>`` bomb keeps it busy for minutes.
The handout writer refuses such images (:mod:`citekb.handouts.fetcher`); this says so at the
line of the page, before the build. The bounds are :mod:`citekb.core.svgsafe`'s.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from bisect import bisect_right
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_to_bytes

from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.core.svgsafe import MAX_IMAGE_BYTES, image_problem, inline_svgs, svg_problem
from citekb.project.paths import Refused, read_inside

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from citekb.pages.page import Page

# bounded repeats: a page of `![` without `]` costs linear time
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,1000}\]\(\s*<?([^)\s>]{1,4096})")
_HTML_SOURCE = re.compile(
    r"<(?:img|image|object|embed|source|input)\b[^<>]{0,2000}?"
    r"\b(?:src|data|href|xlink:href)\s*=\s*[\"']?([^\"'\s>]{1,300000})",
    re.I,
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def handout_images(root: Path, docs_dir: str, pages: Sequence[Page]) -> list[Diagnostic]:
    """A warning for each image (file, ``data:`` URI or inline ``<svg>``) of a handout page that
    is too large or an SVG whose ``<use>`` elements expand too far."""
    found: list[Diagnostic] = []
    for page in pages:
        if not page.is_handout:
            continue
        starts = [0] + [m.end() for m in re.finditer("\n", page.text)]

        def at(offset: int, why: str, page: Page = page, starts: list[int] = starts) -> None:
            line = bisect_right(starts, offset)
            found.append(
                diagnostic(
                    Code.HANDOUT_IMAGE_LIMIT,
                    page.path,
                    line,
                    offset - starts[line - 1] + 1,
                    f"the printed handout leaves this image out: {why}",
                    "use a smaller image, or an SVG without nested <use> (export it flat)",
                )
            )

        for offset, target in _targets(page.text):
            why = _target_problem(root, docs_dir, page.name, target)
            if why:
                at(offset, why)
        for start, end in inline_svgs(page.text):
            why = svg_problem(page.text[start:end])
            if why:
                at(start, why)
    return found


def _targets(text: str) -> Iterator[tuple[int, str]]:
    for pattern in (_MD_IMAGE, _HTML_SOURCE):
        for match in pattern.finditer(text):
            yield match.start(), match[1]


def _target_problem(root: Path, docs_dir: str, name: str, target: str) -> str | None:
    if target.lower().startswith("data:"):
        data = _data_uri(target)
        return (
            image_problem(data, "x.svg" if "svg" in target[:40].lower() else "") if data else None
        )
    if _SCHEME.match(target) or target.startswith(("/", "#")):
        return None  # not a file of the site (handout-unsafe-html reports what is dropped)
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(target)))
    relative = relative.split("#", 1)[0].split("?", 1)[0]
    if relative.startswith("../") or relative == "..":
        return None
    path = root / docs_dir / relative
    try:
        data = read_inside(path, root, MAX_IMAGE_BYTES)
    except Refused as exc:
        return exc.strerror if "bytes" in (exc.strerror or "") else None
    except (OSError, ValueError):
        return None  # missing: broken-link's business, or outside: outside-project's
    return image_problem(data, relative)


def _data_uri(uri: str) -> bytes | None:
    """The payload of a ``data:`` URI, or None when it does not decode."""
    head, _, payload = uri.partition(",")
    try:
        if head.lower().endswith(";base64"):
            return base64.b64decode(unquote(payload), validate=False)
        return unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None
