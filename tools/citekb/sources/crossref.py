"""Read Crossref's answer about the updates to a work: the ``update-to`` relation.

``GET /works?filter=updates:{doi}`` lists the notices (retraction, correction…) that update a
DOI; each carries ``update-to: [{DOI, type, updated: {date-parts}}]``. A single work's record
may also carry ``updated-by`` with the same fields. Parsing is pure: JSON in, notices out;
anything unexpected is skipped, never trusted.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from citekb.sources.notices import Notice

#: Crossref update type → citekb notice type; other types (new edition, addendum…) are ignored.
UPDATE_TYPES: dict[str, str] = {
    "retraction": "retraction",
    "withdrawal": "withdrawal",
    "removal": "withdrawal",
    "expression_of_concern": "expression-of-concern",
    "expression-of-concern": "expression-of-concern",
    "correction": "correction",
    "erratum": "correction",
    "corrigendum": "correction",
    "partial_retraction": "correction",
}
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def updates_path(doi: str) -> str:
    """The request path (after the API base) that lists the notices updating ``doi``."""
    return f"/works?filter=updates:{quote(doi, safe='/:;()')}&rows=100"


def _date(value: Any) -> str:
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    if len(first) != 3 or not all(isinstance(p, int) for p in first):
        return ""
    try:
        return dt.date(*first).isoformat()
    except ValueError:
        return ""


def _relation(doi: str, relation: Any, notice_doi: str) -> Notice | None:
    if not isinstance(relation, dict) or not isinstance(relation.get("type"), str):
        return None
    if str(relation.get("DOI", "")).lower() != doi.lower():
        return None
    kind = UPDATE_TYPES.get(relation["type"].lower())
    if kind is None:
        return None
    url = f"https://doi.org/{notice_doi}" if _DOI.match(notice_doi) else ""
    return Notice(kind, _date(relation.get("updated")), url)


def notices_from_response(doi: str, data: Any) -> list[Notice]:
    """The notices on ``doi`` in a Crossref JSON answer (a works list, or one work)."""
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise ValueError("not a Crossref answer: no `message` object")
    out: list[Notice] = []
    items = message.get("items")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        notice_doi = str(item.get("DOI", ""))
        relations = item.get("update-to") or []
        if not isinstance(relations, list):
            raise ValueError("not a Crossref answer: `update-to` is not a list")
        for relation in relations:
            notice = _relation(doi, relation, notice_doi)
            if notice is not None:
                out.append(notice)
    updated_by = (message.get("updated-by") or []) if items is None else []
    if not isinstance(updated_by, list):
        raise ValueError("not a Crossref answer: `updated-by` is not a list")
    for relation in updated_by:
        if isinstance(relation, dict):
            # in updated-by, DOI names the notice itself
            notice = _relation(doi, {**relation, "DOI": doi}, str(relation.get("DOI", "")))
            if notice is not None:
                out.append(notice)
    return out
