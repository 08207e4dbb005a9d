"""mkdocs-bibtex's bibliography commands, which citekb renders too.

``\\full_bibliography`` alone on a line lists every library entry (a ``nocite``-style list);
``\\bibliography`` alone on a line places the page's references there instead of at its end.
"""

from __future__ import annotations

import re

FULL_BIBLIOGRAPHY = "\\full_bibliography"
PAGE_BIBLIOGRAPHY = "\\bibliography"
_FULL = re.compile(r"^[ ]{0,3}\\full_bibliography[ \t]*$", re.M)


def has_full_bibliography(text: str) -> bool:
    """Whether a line of ``text`` holds only ``\\full_bibliography``."""
    return FULL_BIBLIOGRAPHY in text and _FULL.search(text) is not None
