"""Dates and date ranges read from query strings, shared by the interviews list and analytics.

Dates are UTC days written YYYY-MM-DD (what `<input type="date">` sends); a bad one raises
BadQueryParameter with a message meant for the person who typed it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

MAX_RANGE_YEARS = 5


class BadQueryParameter(ValueError):
    """A query-string parameter that cannot be read (answered with a 4xx and this message)."""


def parse_date(raw: str, which: str) -> date | None:
    """`raw` as a date (None when empty); `which` ("start"/"end") names it in the message."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        # Only the plain YYYY-MM-DD form that <input type="date"> sends.
        if len(raw) != 10:
            raise ValueError
        value = date.fromisoformat(raw)
    except ValueError:
        raise BadQueryParameter(
            f"The {which} date must be a date like 2026-03-14 (year-month-day), not “{raw[:20]}”."
        ) from None
    if not 1900 <= value.year <= 2999:
        # Keeps `to + 1 day` and PostgreSQL's timestamp range far away.
        raise BadQueryParameter(f"The {which} date must be between the years 1900 and 2999.")
    return value


def check_range(date_from: date, date_to: date) -> None:
    """Refuse a reversed range or one longer than MAX_RANGE_YEARS."""
    if date_to < date_from:
        raise BadQueryParameter("The end date is before the start date: swap them or change one.")
    if date_to > years_after(date_from, MAX_RANGE_YEARS):
        raise BadQueryParameter(f"Choose a date range of at most {MAX_RANGE_YEARS} years.")


def years_after(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a year without one
        return start.replace(year=start.year + years, day=28)


def day_start(day: date) -> datetime:
    """The first instant of a UTC day (the dashboard shows times in UTC)."""
    return datetime.combine(day, time.min, tzinfo=UTC)
