"""Is a file a CSL style? A stdlib check, so the bare install refuses what the build would."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citekb.render.style_files import StyleError

if TYPE_CHECKING:
    from pathlib import Path

_CSL = "{http://purl.org/net/xbiblio/csl}"


def validate_style(source: bytes, path: Path) -> None:
    """Raise ``StyleError`` unless ``source`` is a CSL style with a citation and a bibliography.

    A stdlib parse, so the bare install's ``citekb check`` refuses what the build would.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(source)
    except ET.ParseError as exc:
        raise StyleError(f"{path} is not a CSL style: not well-formed XML ({exc})") from None
    if root.tag != f"{_CSL}style":
        raise StyleError(f"{path} is not a CSL style (its root element is not a CSL <style>)")
    missing = [part for part in ("citation", "bibliography") if root.find(_CSL + part) is None]
    if missing:
        raise StyleError(f"{path} is not a usable CSL style: no <{'> or <'.join(missing)}>")
