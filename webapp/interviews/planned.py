"""The page of an interview that has not started (scheduled, rescheduled, or called off before it began):
when and with whom it is planned, its invitation and reminder, and the reschedule and cancel actions."""

from __future__ import annotations

from datetime import UTC, datetime

from webapp.models import PLANNED_STATUSES, InterviewSession

# Never started: planned, or cancelled / a no-show before it began. Such a page has no results to show.
NOT_STARTED_STATUSES = (*PLANNED_STATUSES, "cancelled", "no_show")


def is_not_started(interview: InterviewSession, now: datetime | None = None) -> bool:
    """No start time and a status that never had one: the planned page, not the review page.

    A planned interview whose start lies in the future (an old row with the plan copied into start_time)
    has not started either.
    """
    status = interview.status or "scheduled"
    if interview.start_time is None:
        return status in NOT_STARTED_STATUSES
    return status in PLANNED_STATUSES and interview.start_time > (now or datetime.now(UTC))


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'s' if number != 1 else ''}"


def _span(seconds: float) -> str:
    """A duration in its largest sensible unit: 45 minutes, 3 hours, 2 days."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return _count(max(minutes, 1), "minute")
    hours = round(seconds / 3600)
    if hours < 48:
        return _count(hours, "hour")
    return _count(round(seconds / 86400), "day")


def when_in_words(when: datetime | None, now: datetime | None = None) -> str:
    """'in 3 hours', 'tomorrow', 'in 5 days', '2 days ago' (UTC days), or 'not set'."""
    if when is None:
        return "not set"
    now = now or datetime.now(UTC)
    when = when.astimezone(UTC)
    seconds = (when - now).total_seconds()
    days = (when.date() - now.date()).days
    if seconds >= 0:
        if days == 0 or seconds < 6 * 3600:
            return f"in {_span(seconds)}" if seconds >= 60 else "now"
        if days == 1:
            return "tomorrow"
        return f"in {_count(days, 'day')}"
    if days == -1 and -seconds >= 6 * 3600:
        return "yesterday"
    return f"{_span(-seconds)} ago"


def planned_facts(interview: InterviewSession, now: datetime | None = None) -> dict:
    """What the planned page says about time and invitations, computed once here rather than in the template."""
    now = now or datetime.now(UTC)
    when = interview.scheduled_time or interview.start_time  # an old row may hold the plan in start_time only
    link = interview.calendar_link or ""
    return dict(
        when_words=when_in_words(when, now),
        when_utc=when.astimezone(UTC) if when else None,
        overdue=bool(when and when < now and interview.status in PLANNED_STATUSES),
        reminder_sent=bool(interview.reminder_sent),
        reminder_minutes=interview.reminder_time,
        # Only a web address is a link (the column is free text written by the engine).
        calendar_link=link if link.startswith(("https://", "http://")) else None,
    )
