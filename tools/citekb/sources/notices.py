"""Notices on a published work: retractions, corrections, expressions of concern, withdrawals.

An evidence record may carry them::

    smith2019:
      type: cohort-study
      status: V-primary
      notices:
        - {type: retraction, date: 2021-03-04, url: "https://doi.org/10.5555/notice"}

Parsing reports problems through the caller's ``add(node, message, hint)``, so the evidence
parser keeps one list of ``bad-evidence`` diagnostics. :func:`add_notices` writes new notices
into the evidence text (for ``citekb audit --write``), keeping every other line as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

#: Notice type → the words shown beside the reference.
NOTICE_LABELS: dict[str, str] = {
    "retraction": "Retracted",
    "withdrawal": "Withdrawn",
    "expression-of-concern": "Expression of concern",
    "correction": "Corrected",
}
NOTICE_TYPES: tuple[str, ...] = tuple(NOTICE_LABELS)
#: Notices that make a work unfit to cite (``retracted-source``); the others warn.
RETRACTING: frozenset[str] = frozenset({"retraction", "withdrawal"})
_NOTICE_KEYS = {"type", "date", "url"}
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.I)


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice: its type, the date it was issued (ISO text) and where to read it."""

    type: str
    date: str = ""
    url: str = ""
    line: int = 0

    @property
    def retracts(self) -> bool:
        return self.type in RETRACTING

    @property
    def label(self) -> str:
        """``Retracted (2021-03-04)``."""
        words = NOTICE_LABELS.get(self.type, self.type)
        return f"{words} ({self.date})" if self.date else words

    def same(self, other: Notice) -> bool:
        """The same notice, whatever line it was read from."""
        return (self.type, self.date, self.url.lower()) == (
            other.type,
            other.date,
            other.url.lower(),
        )


def parse_notices(
    node: yaml.Node, what: str, add: Callable[[yaml.Node, str, str], None]
) -> tuple[Notice, ...]:
    """The ``notices:`` list of a record; each problem is passed to ``add``."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return ()
    if not isinstance(node, yaml.SequenceNode):
        add(node, f"`notices` of {what} must be a list", "Write `notices:` then `- ` items.")
        return ()
    out = []
    for item in node.value:
        notice = _notice(item, what, add)
        if notice is not None:
            out.append(notice)
    return tuple(out)


def _notice(
    node: yaml.Node, what: str, add: Callable[[yaml.Node, str, str], None]
) -> Notice | None:
    where = f"a notice of {what}"
    if not isinstance(node, yaml.MappingNode):
        add(node, f"{where} must be a mapping", "Write `- {type: retraction, date: …, url: …}`.")
        return None
    values: dict[str, tuple[yaml.Node, str]] = {}
    for key_node, value in node.value:
        name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
        if name not in _NOTICE_KEYS:
            add(key_node, f"unknown field `{name}` in {where}", "Use only: date, type, url.")
        elif not isinstance(value, yaml.ScalarNode) or value.tag == "tag:yaml.org,2002:null":
            add(value, f"`{name}` of {where} must be text", f"Write the {name}.")
        else:
            values[name] = (value, str(value.value).strip())
    kind = values.get("type", (node, ""))[1]
    if kind not in NOTICE_LABELS:
        add(
            values.get("type", (node, ""))[0],
            f"{where} has type `{kind}`, not one of the allowed values"
            if kind
            else f"{where} lacks `type`",
            f"Use one of: {', '.join(NOTICE_TYPES)}.",
        )
        return None
    date = values.get("date", (node, ""))[1]
    if date and not _iso_date(date):
        add(values["date"][0], f"`date` of {where} is not a date", "Write it as YYYY-MM-DD.")
        date = ""
    url = values.get("url", (node, ""))[1]
    if url and not _SAFE_URL.match(url):
        add(values["url"][0], f"`url` of {where} is not an http(s) address", "Use https://…")
        url = ""
    return Notice(kind, date, url, node.start_mark.line + 1)


def _iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def new_notices(known: Sequence[Notice], found: Iterable[Notice]) -> list[Notice]:
    """The notices of ``found`` not already in ``known`` (each once)."""
    out: list[Notice] = []
    for notice in found:
        if not any(notice.same(k) for k in (*known, *out)):
            out.append(notice)
    return out


# --- writing notices into the evidence text -----------------------------------------------


class NoticeEditError(ValueError):
    """The evidence text cannot take the notices without a rewrite by hand."""


def notice_yaml(notice: Notice) -> str:
    """One flow mapping, e.g. ``{type: retraction, date: 2021-03-04, url: "https://…"}``."""
    parts = [f"type: {notice.type}"]
    if notice.date:
        parts.append(f"date: {notice.date}")
    if notice.url:
        parts.append(f"url: {json.dumps(notice.url)}")
    return "{" + ", ".join(parts) + "}"


def add_notices(text: str, additions: Mapping[str, Sequence[Notice]]) -> str:
    """``text`` with each key's notices appended to its record; the rest is kept byte for byte.

    A record without ``notices:`` gets one after its last line; an existing block list gets the
    new items after its last item. Raises :class:`NoticeEditError` for a record that is missing
    or not written in block style.
    """
    lines = text.splitlines(keepends=True)
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise NoticeEditError("the evidence file is not a mapping of records")
    records = {str(k.value): v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    inserts: list[tuple[int, str]] = []  # (line index to insert before, text)
    for key, notices in additions.items():
        if not notices:
            continue
        record = records.get(key)
        if record is None:
            raise NoticeEditError(f"`{key}` has no evidence record; add one, then run again")
        if not isinstance(record, yaml.MappingNode) or record.flow_style:
            raise NoticeEditError(
                f"record `{key}` is not written as a block of `name: value` lines"
            )
        indent = " " * record.value[0][0].start_mark.column if record.value else "  "
        existing = next(
            (v for k, v in record.value if isinstance(k, yaml.ScalarNode) and k.value == "notices"),
            None,
        )
        if existing is None:
            items = "".join(f"{indent}  - {notice_yaml(n)}\n" for n in notices)
            inserts.append((_end_line(record, lines), f"{indent}notices:\n{items}"))
        elif isinstance(existing, yaml.SequenceNode) and not existing.flow_style and existing.value:
            dash = " " * max(existing.value[0].start_mark.column - 2, 0)
            items = "".join(f"{dash}- {notice_yaml(n)}\n" for n in notices)
            inserts.append((_end_line(existing, lines), items))
        else:
            raise NoticeEditError(f"`notices` of `{key}` is not a block list; edit it by hand")
    for at, block in sorted(inserts, reverse=True):
        if at > 0 and at <= len(lines) and not lines[at - 1].endswith("\n"):
            lines[at - 1] += "\n"
        lines.insert(at, block)
    return "".join(lines)


def _end_line(node: yaml.Node, lines: Sequence[str]) -> int:
    """Index of the line after the node's last non-blank, non-comment line."""
    end = node.end_mark.line + (1 if node.end_mark.column > 0 else 0)
    end = min(end, len(lines))
    while end > node.start_mark.line + 1 and not lines[end - 1].split("#", 1)[0].strip():
        end -= 1
    return end
