"""Typography of a finished citation or bibliography entry (the last steps of
:func:`citekb.render.csl_flipflop.install_flipflop`'s pass): typographic apostrophes,
superscript characters as ``<sup>``, and a cite prefix that starts with punctuation in place
of the layout's delimiter, as citeproc-js writes them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


def typographic_apostrophes(text: str) -> str:
    """ "O'Brien" -> "O’Brien": a straight apostrophe between letters (names, terms, affixes:
    the resolved output has them all typographic, as field text already is)."""
    return _APOSTROPHE.sub("\u2019", text) if "'" in text else text


@cache
def _superscript_table() -> tuple[re.Pattern[str], dict[str, str]]:
    """Unicode's superscript characters (``<super>`` decompositions) and their letters."""
    import unicodedata

    table = {"\u02c0": "\u0294", "\u02c1": "\u0295", "\u06e5": "\u0648", "\u06e6": "\u064a"}
    for code in [*range(0x00A0, 0x3200), *range(0xA600, 0xAC00)]:
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition.startswith("<super>"):
            table[chr(code)] = "".join(chr(int(h, 16)) for h in decomposition.split()[1:])
    return re.compile("[" + "".join(table) + "]"), table


def superscripts(html: str) -> str:
    """ "1ᵉʳ" -> "1<sup>e</sup><sup>r</sup>", as citeproc-js writes superscript characters."""
    if html.isascii():
        return html
    pattern, table = _superscript_table()
    return pattern.sub(lambda m: f"<sup>{table[m.group()]}</sup>", html)


def no_delimiter_before_punctuation(bib: Any, citation: Any, rendered: Any) -> Any:
    """A cite whose prefix starts with punctuation (", cited in") takes the place of the
    layout's delimiter: "A, cited in B", not "A; , cited in B"."""
    delimiter = bib.style.root.citation.layout.get("delimiter", "")
    prefixes = [str(c.get("prefix") or "") for c in citation.cites[1:]]
    if not delimiter or rendered is None or not any(p[:1] in ",;:." for p in prefixes if p):
        return rendered
    text = str(rendered)
    for prefix in prefixes:
        if prefix[:1] in ",;:." and prefix:
            text = text.replace(delimiter + prefix, prefix, 1)
    return text
