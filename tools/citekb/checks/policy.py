"""Which findings a user wants: silenced codes, per-path globs, inline comments, severities."""

from __future__ import annotations

import re
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from citekb.core.config import GUARD_CODES
from citekb.core.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from citekb.core.config import Config

_INLINE = re.compile(r"citekb:\s*ignore\s+([a-z0-9-]+(?:[ \t]*,?[ \t]*[a-z0-9][a-z0-9-]*)*)", re.I)
_ALONE = re.compile(r"^\s*(?:<!--.*-->|%.*)\s*$")


def inline_ignores(text: str) -> dict[int, set[str]]:
    """Map 1-based lines to codes silenced by ``<!-- citekb: ignore CODE -->`` (or ``% …`` in bib).

    A comment silences its own line; a comment alone on its line also silences the next one.
    """
    out: dict[int, set[str]] = {}
    if "citekb:" not in text:
        return out
    for number, line in enumerate(text.split("\n"), start=1):
        match = _INLINE.search(line)
        if not match:
            continue
        codes = {c for c in re.split(r"[\s,]+", match.group(1).strip().lower()) if c}
        out.setdefault(number, set()).update(codes)
        if _ALONE.match(line):
            out.setdefault(number + 1, set()).update(codes)
    return out


def apply_policy(
    diagnostics: Iterable[Diagnostic], config: Config, texts: Mapping[str, str]
) -> list[Diagnostic]:
    """Drop silenced findings, apply severity overrides and sort by location."""
    ignores = {path: inline_ignores(text) for path, text in texts.items()}
    kept: list[Diagnostic] = []
    for diag in diagnostics:
        if diag.code in GUARD_CODES:  # never silenced nor lowered (the config refuses that too)
            kept.append(diag)
            continue
        if diag.code in config.ignore:
            continue
        if any(
            diag.code in codes and fnmatchcase(diag.path, glob)
            for glob, codes in config.per_path_ignore.items()
        ):
            continue
        if diag.code in ignores.get(diag.path, {}).get(diag.line, ()):
            continue
        if (level := config.severity.get(diag.code)) and level != diag.severity.value:
            diag = replace(diag, severity=Severity(level))
        kept.append(diag)
    return sorted(kept, key=lambda d: (d.path, d.line, d.column, d.code, d.message))
