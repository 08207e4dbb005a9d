"""The citation scanner's inline mask: code, raw HTML, autolinks, math, link targets, URLs
and escapes hidden, so that no ``@`` inside them reads as a citation.

Openers that may run on (a backtick run, ``<!--``, ``<?``, ``<!X``, ``<![CDATA[``) match alone,
and ``spans`` finds where they close: a regex that scans on to its closer from each opener is
quadratic in a page that repeats the opener with no closer.
"""

from __future__ import annotations

import re

from citekb.pages.spans import Closers, CodeSpans

__all__ = ["FILL", "mask_inline"]

# Inline masks fill with NUL: not a word character, so it neither starts nor continues a key
# and never counts as "right after a word"; it stays inside a bracket group like any inline.
FILL = "\x00"

# Inline constructs whose text is not prose, earliest match first (as CommonMark does).
_INLINE_MASK = re.compile(
    r"""
    (?P<esc>\\[!-/:-@\[-`{-~])
  | (?P<tex>\\[A-Za-z]+(?:\{(?:[^{}]|\{[^{}]*\})*\})*)  # pandoc's raw TeX, e.g. \emph{x}
  | (?P<ticks>`++)  # a backtick run: mask_inline finds where its code span closes
  | (?P<auto><[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*>
      | <[A-Za-z0-9.!\#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?
        (?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*>)
  | (?P<comment><!--(?:-?>)?)  # comments, instructions, declarations, CDATA: openers only
  | (?P<pi><\?)
  | (?P<decl><![A-Za-z])
  | (?P<cdata><!\[CDATA\[)
  | (?P<html></?[A-Za-z][A-Za-z0-9\-]*+
        (?:\s+[A-Za-z_:][A-Za-z0-9_.:\-]*+(?:\s*=\s*(?:[^\s"'=<>`]++|'[^']*'|"[^"]*"))?)*+\s*/?>)
  | (?P<math>\$\$[\s\S]+?\$\$|\$(?=\S)(?:[^$\\]|\\[\s\S])+?(?<=\S)\$(?!\d))
  | \](?P<dest>\((?:[^()]|\([^()]*\))*\))
  | (?P<url>(?<![\w/{@])(?:https?://|ftp://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'"])
    """,
    re.VERBOSE,
)

# A key that a URL continues, "@url:https://x.org/a" or "@{url:https://…}": no mask.
_KEY_BEFORE_URL = re.compile(r"@(?:[\w*][\w:.\#$%&\-+?<>~/]*:|\{[^\s{}]*)\Z")
# Where an opener of raw HTML that may run on for lines closes (``mask_inline`` finds it).
_CLOSERS = {"comment": "-->", "pi": "?>", "decl": ">", "cdata": "]]>"}


def mask_inline(plain: str) -> str:
    """Replace code, raw HTML, autolinks, math, link targets, URLs and escapes with NUL."""
    if not (
        "\\" in plain
        or "`" in plain
        or "<" in plain
        or "$" in plain
        or "](" in plain
        or "://" in plain
        or "www." in plain
    ):
        return plain
    out: list[str] = []
    last = pos = 0
    first_bracket = plain.find("[")
    code = CodeSpans(plain) if "`" in plain else None
    closers = {kind: Closers(plain, end) for kind, end in _CLOSERS.items()}
    while (m := _INLINE_MASK.search(plain, pos)) is not None:
        kind = m.lastgroup or ""
        a, b = m.span("dest") if kind == "dest" else m.span()
        pos = b
        if kind == "ticks" and code is not None:
            b = code.close(a, b - a)
        elif kind in closers and not (kind == "comment" and m[0].endswith(">")):
            close = closers[kind].find(b)
            pos = a + 1 if close < 0 else pos
            b = close + len(_CLOSERS[kind]) if close >= 0 else -1
        if b < 0 or (kind == "dest" and not 0 <= first_bracket < a):
            continue  # a lone backtick run or opener, or "](" that closes no link text
        if kind == "url" and _KEY_BEFORE_URL.search(plain, max(0, a - 200), a):
            continue
        out.append(plain[last:a])
        out.append(FILL * (b - a))
        last = pos = b
    out.append(plain[last:])
    return "".join(out)
