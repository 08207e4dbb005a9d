"""Render diagnostics as text, JSON, GitHub workflow annotations or SARIF 2.1.0."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

from citekb import __version__
from citekb.core.diagnostics import CODES, Diagnostic, Severity
from citekb.core.diagnostics import escape_controls as safe

if TYPE_CHECKING:
    from collections.abc import Sequence

FORMATS = ("text", "json", "github", "sarif")
DOCS_URL = "https://citekb.example.org/reference/diagnostics/"

_COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


def summary(diagnostics: Sequence[Diagnostic], files: int = 0) -> dict[str, int]:
    counts = Counter(d.severity for d in diagnostics)
    return {
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "files": files,
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(diagnostics: Sequence[Diagnostic], *, files: int = 0, colour: bool = False) -> str:
    """``path:line:col: error[code] message`` with an indented hint, then a summary line."""
    lines: list[str] = []
    for d in diagnostics:
        level = f"{d.severity.value}[{d.code}]"
        if colour:
            level = f"{_COLOURS[d.severity]}{level}{_RESET}"
            location = f"{_BOLD}{safe(d.location)}{_RESET}"
        else:
            location = safe(d.location)
        lines.append(f"{location}: {level} {safe(d.message)}")
        if d.hint:
            hint = safe(d.hint)
            lines.append(f"  {_DIM if colour else ''}hint: {hint}{_RESET if colour else ''}")
    s = summary(diagnostics, files)
    checked = f" in {_plural(files, 'file')}" if files else ""
    if diagnostics:
        lines.append(
            f"{_plural(s['errors'], 'error')}, {_plural(s['warnings'], 'warning')}{checked}"
        )
    else:
        lines.append(f"no problems found{checked}")
    return "\n".join(lines) + "\n"


def render_json(diagnostics: Sequence[Diagnostic], *, files: int = 0) -> str:
    rows = [
        {
            "code": d.code,
            "severity": d.severity.value,
            "path": d.path,
            "line": d.line,
            "column": d.column,
            "message": d.message,
            "hint": d.hint,
        }
        for d in diagnostics
    ]
    return (
        json.dumps({"diagnostics": rows, "summary": summary(diagnostics, files)}, indent=2) + "\n"
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Sequence[Diagnostic], **_: object) -> str:
    """GitHub Actions workflow commands; they become annotations on a pull request."""
    out = []
    for d in diagnostics:
        props = [f"file={_escape_property(safe(d.path))}"]
        if d.line:
            props += [f"line={d.line}", f"col={max(d.column, 1)}"]
        props.append(f"title={_escape_property(f'citekb {d.code}')}")
        message = safe(d.message) + (f"\n{safe(d.hint)}" if d.hint else "")
        out.append(f"::{d.severity.value} {','.join(props)}::{_escape_data(message)}")
    return "".join(line + "\n" for line in out)


def render_sarif(diagnostics: Sequence[Diagnostic], **_: object) -> str:
    """A SARIF 2.1.0 log with one run and a rule for every known code."""
    rules = [
        {
            "id": code.code,
            "shortDescription": {"text": code.summary},
            "defaultConfiguration": {"level": code.severity.value},
            "helpUri": f"{DOCS_URL}#{code.code}",
        }
        for code in CODES.values()
    ]
    index = {code: i for i, code in enumerate(CODES)}
    results = []
    for d in diagnostics:
        location: dict[str, object] = {"artifactLocation": {"uri": d.path}}
        if d.line:
            location["region"] = {"startLine": d.line, "startColumn": max(d.column, 1)}
        result: dict[str, object] = {
            "ruleId": d.code,
            "level": d.severity.value,
            "message": {"text": d.message + (f" Hint: {d.hint}" if d.hint else "")},
            "locations": [{"physicalLocation": location}],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "citekb",
                        "version": __version__,
                        "informationUri": DOCS_URL,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def render(
    fmt: str, diagnostics: Sequence[Diagnostic], *, files: int = 0, colour: bool = False
) -> str:
    if fmt == "text":
        return render_text(diagnostics, files=files, colour=colour)
    if fmt == "json":
        return render_json(diagnostics, files=files)
    if fmt == "github":
        return render_github(diagnostics)
    if fmt == "sarif":
        return render_sarif(diagnostics)
    raise ValueError(f"unknown format {fmt!r}")
