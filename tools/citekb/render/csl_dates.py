"""CSL-JSON dates as citeproc-js reads them, added to citeproc-py: months 13-24 are seasons
(13 and 21 spring … 16 and 24 winter, "Spring 1999–Summer 2001"), an impossible month is
dropped with its day, empty or zero parts ("2000", "", "") are absent, and a season renders
as its term whatever the month's form.

Part of the adapter (:mod:`citekb.render.csl_adapter`); pinned to the same citeproc-py.
"""

from __future__ import annotations

from typing import Any

from citekb.render.csl_numbers import DAY_GENDER


def clean_parts(parts: Any) -> tuple[list[int], int | None]:
    """A ``date-parts`` row as integers up to its first empty part, and its season (1-4) when
    the month is one (13-24)."""
    numbers: list[int] = []
    for part in parts if isinstance(parts, list) else []:
        try:
            number = int(str(part).strip())
        except ValueError:
            break
        if number == 0 and numbers:  # 0 as a month or day is "absent"
            break
        numbers.append(number)
    season = None
    if len(numbers) >= 2:
        month = numbers[1]
        if 13 <= month <= 24:
            season = (month - 13) % 4 + 1
        if not 1 <= month <= 12:
            numbers = numbers[:1]
    return numbers, season


def install_dates() -> None:
    """Wrap ``CiteProcJSON.parse_date`` (its input cleaned, seasons set on its dates) and
    ``Date_Part.process`` (a season in a numeric month renders as its term) and
    ``Date.render_date_range`` (seasons of one year: "Spring–Summer 1999")."""
    from citeproc import model
    from citeproc.source import json as source_json

    if getattr(source_json.CiteProcJSON, "_citekb_dates", False):
        return
    parse_date = source_json.CiteProcJSON.parse_date
    part_process = model.Date_Part.process
    date_range = model.Date.render_date_range

    def parsed(self: Any, json_data: Any) -> Any:
        rows = json_data.get("date-parts") if isinstance(json_data, dict) else None
        if not isinstance(rows, list) or not rows:
            return parse_date(self, json_data)
        cleaned, seasons = [], []
        for row in rows:
            numbers, season = clean_parts(row)
            if numbers:
                cleaned.append(numbers)
                seasons.append(season)
        if not cleaned:
            return parse_date(self, {k: v for k, v in json_data.items() if k != "date-parts"})
        date = parse_date(self, {**json_data, "date-parts": cleaned})
        dates = [date["begin"], date["end"]] if "begin" in date else [date]
        for one, season in zip(dates, seasons, strict=False):
            if season is not None and "season" not in one:
                one["season"] = season
        return date

    def season_part(self: Any, date: Any, context: Any = None) -> Any:
        numeric = self.get("form", "long") not in ("long", "short")
        if self.get("name") == "month" and numeric and "month" not in date and "season" in date:
            speaker = context if context is not None else self
            return speaker.get_single_term(name=f"season-{int(date['season']):02d}")
        if self.get("name") == "day" and "month" in date:  # "1ᵉʳ octobre": the month's gender
            speaker = context if context is not None else self
            term = speaker.get_term(f"month-{int(date['month']):02d}")
            token = DAY_GENDER.set(None if term is None else term.get("gender"))
            try:
                return part_process(self, date, context)
            finally:
                DAY_GENDER.reset(token)
        return part_process(self, date, context)

    def season_range(self: Any, dates: Any, show_parts: Any = None, context: Any = None) -> Any:
        begin, end = dates["begin"], dates["end"]
        seasonal = any("month" not in d and "season" in d for d in (begin, end))
        if not seasonal or end.is_nil() or begin.get("year") != end.get("year"):
            return _delimited_range(self, dates, show_parts, context, date_range)
        parts = list(show_parts or ("year", "month", "day"))  # "Summer–Spring 1999"
        first = self.render_single_date(begin, [p for p in parts if p == "month"], context)
        last = self.render_single_date(end, parts, context)
        if not first or not last:
            return date_range(self, dates, show_parts, context)
        return first.rstrip() + self.unicode_character("EN DASH") + last

    single_date = model.Date.render_single_date

    def locale_delimited(self: Any, date: Any, show_parts: Any = None, context: Any = None) -> Any:
        own = self.get("delimiter")
        if own is None or context is None or context is self or not self.is_locale_date():
            return single_date(self, date, show_parts, context)
        if context.get("delimiter") is not None:
            return single_date(self, date, show_parts, context)
        parts = self.parts(date, show_parts, context)  # the locale's date delimiter applies
        return self.join(parts) if parts else None

    source_json.CiteProcJSON.parse_date = parsed
    model.Date.render_single_date = locale_delimited
    model.Date.render_date_range = season_range
    model.Date_Part.process = season_part
    source_json.CiteProcJSON._citekb_dates = True


def _delimited_range(
    date: Any, dates: Any, show_parts: Any, context: Any, render_range: Any
) -> Any:
    """citeproc-py's range, its en dash replaced by the ``range-delimiter`` of the largest
    date part that differs ("2_[DRD]_4 January 1999")."""
    begin, end = dates["begin"], dates["end"]
    parts = list(show_parts or ("year", "month", "day"))
    text = render_range(date, dates, show_parts, context)
    if not text or end.is_nil():
        return text
    original, text = text, str(text)
    same = []
    for name in ("year", "month", "day"):
        if name not in parts or begin.get(name) != end.get(name):
            break
        same.append(name)
    differing = next((n for n in ("year", "month", "day") if n in parts and n not in same), None)
    own = date.get("delimiter")
    joined = context is not None and context is not date and context.get("delimiter") is None
    if same and own is not None and joined and date.is_locale_date():  # "2–4" + " " + "January"
        tail = str(date.render_single_date(end, same, context) or "").rstrip()
        if tail and text.endswith(tail) and not text.endswith(own + tail):
            text = text[: len(text) - len(tail)] + own + tail
    delimiter = _part_attribute(date, context, differing, "range-delimiter")
    if differing is None or delimiter is None:
        return original if text == str(original) else text
    first = date.render_single_date(begin, [p for p in parts if p not in same], context)
    at = len(str(first or "").rstrip())
    if text[at : at + 1] != "\u2013":
        return original if text == str(original) else text
    return text[:at] + delimiter + text[at + 1 :]


def _part_attribute(date: Any, context: Any, name: str | None, attribute: str) -> str | None:
    """An attribute of the named ``cs:date-part``, the style's overriding the locale's."""
    if name is None:
        return None
    for element in (context, date):
        if element is None:
            continue
        for part in element.iterchildren():
            if part.get("name") == name and part.get(attribute) is not None:
                return str(part.get(attribute))
    return None
