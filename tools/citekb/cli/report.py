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
DOCS_URL = "https://citekb.example.org/manual/diagnostics/"

_COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m"}
_DIM, _BOLD, _RESET = "\x1b[2m", "\x1b[1m", "\x1b[0m"


def shown(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The findings to report: not those on uncited entries (``check_uncited: false``)."""
    return [d for d in diagnostics if not d.uncited]


def uncited_entries(diagnostics: Sequence[Diagnostic]) -> int:
    """How many uncited entries have findings that are left out of the report."""
    return len({(d.path, d.uncited) for d in diagnostics if d.uncited})


def by_code(diagnostics: Sequence[Diagnostic], severity: Severity) -> dict[str, int]:
    """Code -> count for one severity, most frequent first."""
    counts = Counter(str(d.code) for d in diagnostics if d.severity is severity)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def summary(diagnostics: Sequence[Diagnostic], files: int = 0) -> dict[str, object]:
    visible = shown(diagnostics)
    counts = Counter(d.severity for d in visible)
    return {
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "files": files,
        "by_code": {
            **by_code(visible, Severity.ERROR),
            **by_code(visible, Severity.WARNING),
        },
        "uncited_entries_with_problems": uncited_entries(diagnostics),
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _counted(n: int, word: str, codes: dict[str, int]) -> str:
    """ "3 warnings (2 review-overdue, 1 missing-site-url)"."""
    detail = ", ".join(f"{count} {code}" for code, count in codes.items())
    return _plural(n, word) + (f" ({detail})" if detail else "")


def summary_lines(
    diagnostics: Sequence[Diagnostic], *, files: int = 0, strict: str = ""
) -> list[str]:
    """The summary: per-code counts, the uncited entries left out, and (``strict``: "check" or
    "build") a plain line when warnings alone made the strict run fail."""
    visible = shown(diagnostics)
    errors = by_code(visible, Severity.ERROR)
    warnings = by_code(visible, Severity.WARNING)
    checked = f" in {_plural(files, 'file')}" if files else ""
    if visible:
        lines = [
            f"{_counted(sum(errors.values()), 'error', errors)}, "
            f"{_counted(sum(warnings.values()), 'warning', warnings)}{checked}"
        ]
    else:
        lines = [f"no problems found{checked}"]
    if hidden := uncited_entries(diagnostics):
        lines.append(
            f"{hidden} {'entry' if hidden == 1 else 'entries'} that no page cites"
            f" {'has' if hidden == 1 else 'have'} problems, not counted above:"
            " `citekb check --all-entries` lists them (or set `check_uncited: true`"
            " in mkdocs.yml to check every entry)"
        )
    n = sum(warnings.values())
    if strict and n and not errors:
        them = "the warning as an error" if n == 1 else f"the {n} warnings as errors"
        if strict == "build":
            fix = "fix it" if n == 1 else "fix them"
            lines.append(
                f"the build stopped because it is strict: it treats {them} ({fix}, or lower"
                " or silence a code with `severity:` or `ignore:` in mkdocs.yml)"
            )
        else:
            lines.append(f"check failed because --strict treats {them}")
    return lines


def render_text(
    diagnostics: Sequence[Diagnostic], *, files: int = 0, colour: bool = False, strict: str = ""
) -> str:
    """``path:line:col: error[code] message`` with an indented hint, then the summary."""
    lines: list[str] = []
    for d in shown(diagnostics):
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
    lines += summary_lines(diagnostics, files=files, strict=strict)
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
        for d in shown(diagnostics)
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
    for d in shown(diagnostics):
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
    for d in shown(diagnostics):
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
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    *,
    files: int = 0,
    colour: bool = False,
    strict: str = "",
) -> str:
    if fmt == "text":
        return render_text(diagnostics, files=files, colour=colour, strict=strict)
    if fmt == "json":
        return render_json(diagnostics, files=files)
    if fmt == "github":
        return render_github(diagnostics)
    if fmt == "sarif":
        return render_sarif(diagnostics)
    raise ValueError(f"unknown format {fmt!r}")
