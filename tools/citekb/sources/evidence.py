"""Evidence records: what each source is and which figures it reports.

``references/evidence.yaml`` maps a citation key to a record::

    holtlunstad2015:
      type: meta-analysis
      status: V-primary
      findings:
        - id: hl2015-isolation-mortality
          statement: Social isolation was associated with higher odds of death.
          locator: abstract
          status: V-primary
          figures:
            - {value: 1.29, measure: OR, population: "...", ci: [1.1, 1.5]}

``findings`` and ``figures`` may be omitted or empty; ``ci`` is optional; a ``note`` is allowed
on records and findings; ``design`` (see :mod:`citekb.sources.design`) is optional; a record may list ``notices`` (see :mod:`citekb.sources.notices`). Anything else is a ``bad-evidence`` diagnostic at its own line.
Parsing works on the YAML node tree, so every diagnostic and record keeps its line.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import yaml

from citekb.core.configyaml import reader_failure, yaml_failure
from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.core.safeyaml import TooLarge, check_expansion, may_alias
from citekb.sources.design import DESIGNS
from citekb.sources.notices import Notice, parse_notices

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from citekb.core.model import Citation

#: Evidence type → (singular, plural) label, in the order summaries list them.
_TYPES: dict[str, tuple[str, str]] = {
    "meta-analysis": ("meta-analysis", "meta-analyses"),
    "systematic-review": ("systematic review", "systematic reviews"),
    "randomised-controlled-trial": ("randomised controlled trial", "randomised controlled trials"),
    "consensus-report": ("consensus report", "consensus reports"),
    "government-advisory": ("government advisory", "government advisories"),
    "narrative-review": ("narrative review", "narrative reviews"),
    "experimental-study": ("experimental study", "experimental studies"),
    "cohort-study": ("cohort study", "cohort studies"),
    "case-control-study": ("case-control study", "case-control studies"),
    "cross-sectional-study": ("cross-sectional study", "cross-sectional studies"),
    "qualitative-study": ("qualitative study", "qualitative studies"),
    "theory": ("theory", "theories"),
    "popular-book": ("popular book", "popular books"),
    "interview": ("interview", "interviews"),
    "press-article": ("press article", "press articles"),
    "blog": ("blog post", "blog posts"),
}

#: Evidence type → the label shown on a reference's badge.
TYPE_LABELS: dict[str, str] = {name: labels[0] for name, labels in _TYPES.items()}
EVIDENCE_TYPES: tuple[str, ...] = tuple(_TYPES)
STATUSES: tuple[str, ...] = ("V-primary", "V-secondary", "unverified")
#: ``one-in-n`` figures store n ("1 in 6" is ``value: 6``). Effect sizes: ``SMD`` (standardised
#: mean difference), ``MD`` (mean difference on the study's scale), Hedges' ``g``, Cohen's ``d``.
MEASURES: tuple[str, ...] = (
    *("OR", "RR", "HR", "percent", "count", "times", "one-in-n"),
    *("SMD", "MD", "g", "d"),
)
RATIO_MEASURES: frozenset[str] = frozenset({"OR", "RR", "HR"})

_RECORD_KEYS = {"type", "design", "status", "findings", "note", "notices"}
_FINDING_KEYS = {"id", "statement", "locator", "status", "figures", "note"}
_FIGURE_KEYS = {"value", "measure", "population", "ci"}


@dataclass(frozen=True, slots=True)
class Figure:
    """One reported number: ``value`` in ``measure`` for ``population``."""

    value: float
    measure: str
    population: str = ""
    ci: tuple[float, float] | None = None
    line: int = 0

    def describe(self) -> str:
        """Short human form, e.g. ``OR 1.29 (95% CI 1.1–1.5)`` or ``29%``."""
        number = f"{self.value:,.15g}"
        if self.measure == "percent":
            text = f"{number}%"
        elif self.measure == "times":
            text = f"{number} times"
        elif self.measure == "one-in-n":
            text = f"1 in {number}"
        elif self.measure == "count":
            text = f"{number} {self.population}".strip()
        else:  # a ratio keeps two decimals, as papers print them
            text = (
                f"{self.measure} {self.value:.2f}"
                if round(self.value, 2) == self.value
                else (f"{self.measure} {number}")
            )
        if self.ci is not None:
            text += f" (CI {self.ci[0]:g}–{self.ci[1]:g})"
        return text


@dataclass(frozen=True, slots=True)
class Finding:
    id: str
    statement: str
    locator: str
    status: str
    figures: tuple[Figure, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """What one source is (``type``), how far it was checked, and what it reports."""

    key: str
    type: str
    status: str
    findings: tuple[Finding, ...] = ()
    line: int = 0
    notices: tuple[Notice, ...] = ()
    design: str = ""  # "" when not given: ``sources.design.design_of`` derives it from type

    @property
    def figures(self) -> tuple[tuple[Finding, Figure], ...]:
        return tuple((finding, fig) for finding in self.findings for fig in finding.figures)

    @property
    def label(self) -> str:
        return type_label(self.type)


@dataclass(frozen=True)
class Evidence:
    """Every record by key, in file order."""

    records: Mapping[str, EvidenceRecord] = field(default_factory=dict)
    path: str = ""

    def get(self, key: str) -> EvidenceRecord | None:
        return self.records.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self.records

    def type_of(self, key: str) -> str | None:
        record = self.records.get(key)
        return record.type if record else None


def type_label(kind: str) -> str:
    """Badge label for an evidence type; unknown types are shown with spaces for dashes."""
    return TYPE_LABELS.get(kind, kind.replace("-", " "))


def summarize(types: Iterable[str]) -> str:
    """Count evidence types for an "Evidence on this page" line.

    ``summarize(["meta-analysis", "blog", "meta-analysis"])`` →
    ``"2 meta-analyses, 1 blog post"``. Known types come in ``EVIDENCE_TYPES`` order (strongest
    first), unknown ones after them alphabetically; an empty input gives ``""``.
    """
    counts = Counter(types)
    order = {name: i for i, name in enumerate(EVIDENCE_TYPES)}
    parts = []
    for kind in sorted(counts, key=lambda k: (order.get(k, len(order)), k)):
        singular, plural = _TYPES.get(kind, (type_label(kind), type_label(kind) + "s"))
        n = counts[kind]
        parts.append(f"{n} {singular if n == 1 else plural}")
    return ", ".join(parts)


def check_evidence_coverage(citations: Iterable[Citation], evidence: Evidence) -> list[Diagnostic]:
    """``unverified-source`` for each citation of an unverified source, and
    ``missing-evidence`` once per key without a record (at its first citation)."""
    out: list[Diagnostic] = []
    missing: set[str] = set()
    for cite in citations:
        record = evidence.get(cite.key)
        if record is None:
            if cite.key not in missing:
                missing.add(cite.key)
                out.append(
                    diagnostic(
                        Code.MISSING_EVIDENCE,
                        cite.path,
                        cite.line,
                        cite.column,
                        f"`{cite.key}` has no evidence record",
                        f"Add a `{cite.key}:` record with its type, status and findings "
                        f"to {evidence.path or 'the evidence file'}.",
                    )
                )
        elif record.status == "unverified":
            out.append(
                diagnostic(
                    Code.UNVERIFIED_SOURCE,
                    cite.path,
                    cite.line,
                    cite.column,
                    f"`{cite.key}` is cited but its evidence record is marked unverified",
                    "Check the source and set its status to V-primary or V-secondary, "
                    "or cite a verified source instead.",
                )
            )
    return out


# --- parsing ---------------------------------------------------------------------------


class _Problems:
    """Collects ``bad-evidence`` diagnostics for one file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Diagnostic] = []

    def add(self, node: yaml.Node, message: str, hint: str) -> None:
        mark = node.start_mark
        self.items.append(
            diagnostic(Code.BAD_EVIDENCE, self.path, mark.line + 1, mark.column + 1, message, hint)
        )


def parse_evidence(text: str, path: str) -> tuple[Evidence, list[Diagnostic]]:
    """Parse evidence YAML; bad input gives ``bad-evidence`` diagnostics, never an exception.

    A record with problems is still kept when its type and status are usable, so one typo
    does not turn every citation of that source into ``missing-evidence``.
    """
    problems = _Problems(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if may_alias(text):
            check_expansion(root)
    except TooLarge as exc:
        line, column = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (1, 1)
        message = f"evidence YAML is too large: {exc}"
        hint = "Write the records out instead of nesting YAML aliases."
        return Evidence(path=path), [
            diagnostic(Code.BAD_EVIDENCE, path, line, column, message, hint)
        ]
    except yaml.reader.ReaderError as exc:
        line, column, problem = reader_failure(text, exc)
        hint = "Remove the control character."
        return Evidence(path=path), [
            diagnostic(Code.BAD_EVIDENCE, path, line, column, f"evidence YAML: {problem}", hint)
        ]
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", None) or exc)
        context = getattr(exc, "context", None)
        mark = getattr(exc, "problem_mark", None)
        if "stream end" in problem or "end of stream" in problem:
            # Hitting the end means something never closed: point at where it opened.
            mark = getattr(exc, "context_mark", None) or mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"evidence YAML does not parse: {context + ', ' if context else ''}{problem}"
        hint = "Fix the YAML syntax here (indentation, a missing colon, an unclosed quote)."
        return Evidence(path=path), [
            diagnostic(Code.BAD_EVIDENCE, path, line, column, message, hint)
        ]
    except (ValueError, RecursionError) as exc:
        line, column, problem = yaml_failure(text, exc)
        message = f"evidence YAML does not parse: {problem}"
        hint = (
            "Nest lists and mappings less deeply."
            if isinstance(exc, RecursionError)
            else "Fix the value, or quote it to keep it as text."
        )
        return Evidence(path=path), [
            diagnostic(Code.BAD_EVIDENCE, path, line, column, message, hint)
        ]
    if root is None:
        return Evidence(path=path), []
    if not isinstance(root, yaml.MappingNode):
        problems.add(root, "evidence file must be a mapping", "Start each record with `key:`.")
        return Evidence(path=path), problems.items
    records: dict[str, EvidenceRecord] = {}
    finding_ids: dict[str, int] = {}
    seen: dict[str, int] = {}
    for key_node, value in root.value:
        key = _scalar(key_node)
        if not key:
            problems.add(key_node, "record key must be a citation key", "Use the BibTeX key.")
            continue
        if key in seen:
            problems.add(
                key_node,
                f"duplicate evidence record `{key}` (first at line {seen[key]})",
                "Merge the two records into one.",
            )
            continue
        seen[key] = key_node.start_mark.line + 1
        record = _record(key, key_node, value, problems, finding_ids)
        if record is not None:
            records[key] = record
    return Evidence(records, path), problems.items


def _scalar(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
        return str(node.value)
    return None


def _number(node: yaml.Node) -> float | None:
    if not isinstance(node, yaml.ScalarNode) or node.style not in (None, ""):
        return None  # a quoted "1.29" is a string, a likely slip worth reporting
    try:
        value = float(str(node.value).replace("_", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _mapping(
    node: yaml.Node, allowed: set[str], what: str, problems: _Problems
) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
    """Key → (key node, value node), reporting unknown and duplicate keys."""
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, f"{what} must be a mapping", f"Give the {what} as `name: value` lines.")
        return None
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value in node.value:
        name = _scalar(key_node) or ""
        if name not in allowed:
            problems.add(
                key_node,
                f"unknown field `{name}` in {what}",
                f"Use only: {', '.join(sorted(allowed))}.",
            )
        elif name in out:
            problems.add(key_node, f"duplicate field `{name}` in {what}", "Keep one of them.")
        else:
            out[name] = (key_node, value)
    return out


def _sequence(
    fields: Mapping[str, tuple[yaml.Node, yaml.Node]], name: str, what: str, problems: _Problems
) -> Sequence[yaml.Node]:
    if name not in fields:
        return ()
    node = fields[name][1]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if _scalar(node) is None and isinstance(node, yaml.ScalarNode):
        return ()  # `findings:` with nothing after it
    problems.add(node, f"`{name}` of {what} must be a list", f"Write `{name}:` then `- ` items.")
    return ()


def _choice(
    fields: Mapping[str, tuple[yaml.Node, yaml.Node]],
    name: str,
    choices: Sequence[str],
    what: str,
    owner: yaml.Node,
    problems: _Problems,
) -> str | None:
    if name not in fields:
        problems.add(owner, f"{what} lacks `{name}`", f"Add `{name}:` ({' | '.join(choices)}).")
        return None
    node = fields[name][1]
    value = _scalar(node)
    if value not in choices:
        problems.add(
            node,
            f"{what} has {name} `{value}`, not one of the allowed values",
            f"Use one of: {', '.join(choices)}.",
        )
        return None
    return value


def _text(
    fields: Mapping[str, tuple[yaml.Node, yaml.Node]],
    name: str,
    what: str,
    owner: yaml.Node,
    problems: _Problems,
) -> str:
    if name not in fields:
        problems.add(owner, f"{what} lacks `{name}`", f"Add `{name}:` with a short text.")
        return ""
    node = fields[name][1]
    value = _scalar(node)
    if not value or not value.strip():
        problems.add(node, f"`{name}` of {what} must be non-empty text", f"Write the {name}.")
        return ""
    return value.strip()


def _record(
    key: str,
    key_node: yaml.Node,
    node: yaml.Node,
    problems: _Problems,
    finding_ids: dict[str, int],
) -> EvidenceRecord | None:
    what = f"record `{key}`"
    fields = _mapping(node, _RECORD_KEYS, what, problems)
    if fields is None:
        return None
    kind = _choice(fields, "type", EVIDENCE_TYPES, what, key_node, problems)
    status = _choice(fields, "status", STATUSES, what, key_node, problems)
    design = (
        _choice(fields, "design", DESIGNS, what, key_node, problems) if "design" in fields else ""
    )
    findings = []
    for item in _sequence(fields, "findings", what, problems):
        finding = _finding(item, key, problems)
        if finding is None:
            continue
        if finding.id in finding_ids:
            problems.add(
                item,
                f"duplicate finding id `{finding.id}` (first at line {finding_ids[finding.id]})",
                "Give every finding its own id.",
            )
        finding_ids.setdefault(finding.id, finding.line)
        findings.append(finding)
    notices = parse_notices(fields["notices"][1], what, problems.add) if "notices" in fields else ()
    if kind is None or status is None:
        return None
    line = key_node.start_mark.line + 1
    return EvidenceRecord(key, kind, status, tuple(findings), line, notices, design or "")


def _finding(node: yaml.Node, key: str, problems: _Problems) -> Finding | None:
    what = f"a finding of `{key}`"
    fields = _mapping(node, _FINDING_KEYS, what, problems)
    if fields is None:
        return None
    ident = _text(fields, "id", what, node, problems)
    what = f"finding `{ident}`" if ident else what
    statement = _text(fields, "statement", what, node, problems)
    locator = _text(fields, "locator", what, node, problems)
    status = _choice(fields, "status", STATUSES, what, node, problems)
    figures = [
        fig
        for item in _sequence(fields, "figures", what, problems)
        if (fig := _figure(item, what, problems)) is not None
    ]
    if not ident:
        return None
    line = node.start_mark.line + 1
    return Finding(ident, statement, locator, status or "unverified", tuple(figures), line)


def _figure(node: yaml.Node, owner: str, problems: _Problems) -> Figure | None:
    what = f"a figure of {owner}"
    fields = _mapping(node, _FIGURE_KEYS, what, problems)
    if fields is None:
        return None
    measure = _choice(fields, "measure", MEASURES, what, node, problems)
    value = None
    if "value" not in fields:
        problems.add(node, f"{what} lacks `value`", "Add `value:` with the number as reported.")
    elif (value := _number(fields["value"][1])) is None:
        problems.add(
            fields["value"][1],
            f"`value` of {what} is not a number",
            "Write the number unquoted, without % or thousands separators (e.g. 1.29, 29).",
        )
    population = _text(fields, "population", what, node, problems)
    ci = _ci(fields["ci"][1], what, problems) if "ci" in fields else None
    if measure is None or value is None:
        return None
    return Figure(value, measure, population, ci, node.start_mark.line + 1)


def _ci(node: yaml.Node, what: str, problems: _Problems) -> tuple[float, float] | None:
    ends = [_number(n) for n in node.value] if isinstance(node, yaml.SequenceNode) else []
    low, high = (ends[0], ends[1]) if len(ends) == 2 else (None, None)
    if low is None or high is None or low > high:
        problems.add(
            node,
            f"`ci` of {what} must be a list of two numbers, low then high",
            "Write it as `ci: [1.42, 1.59]`.",
        )
        return None
    return (low, high)
