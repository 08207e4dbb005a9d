"""Review governance: when each page was last reviewed and when its next review is due.

Front matter ``reviewed: YYYY-MM-DD`` dates the last review; ``next_review:`` sets the next one,
else it falls ``review_months`` after ``reviewed``. Everything here is pure: "today" is passed
in by the command line or the plugin, which read ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from citekb.core.diagnostics import Code, Diagnostic, diagnostic

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from citekb.pages.page import Page


def as_date(value: object) -> dt.date | None:
    """A front-matter date (YAML reads ``2026-01-10`` as a date; quoted, it is text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus whole months; the 31st becomes the month's last day when it has none.

    Raises ``OverflowError`` past the year 9999 (``reviewed: 9999-12-31``).
    """
    index = date.month - 1 + months
    year, month = date.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{date} plus {months} months is after the year {dt.MAXYEAR}")
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Review:
    """A page's review dates (either may be None) and who reviewed it."""

    reviewed: dt.date | None
    next_due: dt.date | None
    reviewed_by: tuple[str, ...] = ()
    overflow: bool = False  # the next review would fall after the year 9999

    def overdue(self, today: dt.date) -> bool:
        return self.next_due is not None and self.next_due < today


def review_of(meta: Mapping[str, Any], months: int) -> Review:
    """The review dates front matter gives, the next one computed when not set."""
    reviewed = as_date(meta.get("reviewed"))
    next_due = as_date(meta.get("next_review"))
    overflow = False
    if next_due is None and reviewed is not None:
        try:
            next_due = add_months(reviewed, months)
        except OverflowError:
            overflow = True
    by = meta.get("reviewed_by")
    names = [by] if isinstance(by, str) else by if isinstance(by, list) else []
    named = tuple(str(n).strip() for n in names if str(n).strip())
    return Review(reviewed, next_due, named, overflow)


def human_date(date: dt.date) -> str:
    """``January 10, 2022``, as the handouts have always printed it."""
    return f"{date:%B} {date.day}, {date.year}"


def review_line(review: Review) -> str:
    """``Last reviewed January 10, 2022 · Next review due January 10, 2024`` (or a part)."""
    parts = []
    if review.reviewed is not None:
        parts.append(f"Last reviewed {human_date(review.reviewed)}")
    if review.next_due is not None:
        parts.append(f"Next review due {human_date(review.next_due)}")
    return " · ".join(parts)


def field_line(text: str, name: str) -> int:
    """The 1-based line of ``name:`` in the page's front matter (1 when it has none)."""
    if not text.startswith(("---", "\ufeff---")):
        return 1
    end = text.find("\n---", 3)
    head = text[: end if end > 0 else len(text)]
    match = re.search(rf"^{re.escape(name)}\s*:", head, re.M)
    return head.count("\n", 0, match.start()) + 1 if match else 1


def check_reviews(pages: Iterable[Page], months: int, today: dt.date | None) -> list[Diagnostic]:
    """``review-overdue`` when a page's next review date is before ``today`` (skipped when
    ``today`` is None), and ``review-missing`` for a handout page without ``reviewed``."""
    out: list[Diagnostic] = []
    for page in pages:
        review = review_of(page.meta, months)
        if review.overflow:
            out.append(
                diagnostic(
                    Code.BAD_FRONTMATTER,
                    page.path,
                    field_line(page.text, "reviewed"),
                    1,
                    f"reviewed: {review.reviewed} puts the next review after the year 9999",
                    "set `reviewed:` to the date of the last review",
                )
            )
        if today is not None and review.overdue(today):
            assert review.next_due is not None
            name = "next_review" if "next_review" in page.meta else "reviewed"
            since = f"last reviewed {review.reviewed}, " if review.reviewed else ""
            out.append(
                diagnostic(
                    Code.REVIEW_OVERDUE,
                    page.path,
                    field_line(page.text, name),
                    1,
                    f"review was due on {review.next_due} ({since}today is {today})",
                    "check the page against its sources, then set `reviewed:` to the review date",
                )
            )
        if page.is_handout and review.reviewed is None:
            out.append(
                diagnostic(
                    Code.REVIEW_MISSING,
                    page.path,
                    field_line(page.text, "handout"),
                    1,
                    "this handout has no `reviewed` date",
                    "check it against its sources, then add `reviewed: YYYY-MM-DD`",
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One line of ``citekb status``."""

    path: str
    title: str
    reviewed: dt.date | None
    next_due: dt.date | None
    state: str  # overdue, due-soon (within 90 days), ok, no-date

    def to_json(self) -> dict[str, str | None]:
        return {
            "path": self.path,
            "title": self.title,
            "reviewed": self.reviewed.isoformat() if self.reviewed else None,
            "next_review": self.next_due.isoformat() if self.next_due else None,
            "state": self.state,
        }


def review_rows(pages: Sequence[Page], months: int, today: dt.date) -> list[ReviewRow]:
    """Every page by next review date, soonest (most overdue) first; undated pages last."""
    rows = []
    for page in pages:
        review = review_of(page.meta, months)
        if review.next_due is None:
            state = "no-date"
        elif review.next_due < today:
            state = "overdue"
        elif review.next_due <= today + dt.timedelta(days=90):
            state = "due-soon"
        else:
            state = "ok"
        rows.append(ReviewRow(page.path, page.title, review.reviewed, review.next_due, state))
    return sorted(rows, key=lambda r: (r.next_due is None, r.next_due or dt.date.max, r.path))
