"""Writes on one interview: the technical-difficulty flag, extensions, cancel, reschedule and start. No commits here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from webapp.audit.services import record
from webapp.company.services import PLATFORM_DEFAULTS, Timing
from webapp.interviews import page_queries
from webapp.models import PLANNED_STATUSES, InterviewSession, User


def toggle_difficulty(session: Session, interview: InterviewSession, *, actor: User) -> bool:
    """Flip `technical_difficulty_reported`; returns the new value."""
    interview.technical_difficulty_reported = not interview.technical_difficulty_reported
    record(
        session,
        "interview.difficulty_flag_changed",
        actor=actor,
        target=interview,
        details={"session_id": interview.session_id, "reported": interview.technical_difficulty_reported},
    )
    return interview.technical_difficulty_reported


# --- Live and actions: extend, cancel, reschedule ---------------------------------------------

CANCELLABLE_STATUSES = PLANNED_STATUSES
RESCHEDULABLE_STATUSES = PLANNED_STATUSES


class ActionRefused(Exception):
    """A rule said no; `message` tells the employer why, in words they can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ExtensionRules:
    allowed: bool
    max_extensions: int
    minutes: int


def extension_rules(session: Session, interview: InterviewSession) -> ExtensionRules:
    """The company's rules, or the platform defaults (allowed, 2, 10) when custom timing is off."""
    # Loaded with the interview by get_interview_or_404, so usually no statement at all.
    company = interview.job.company if interview.job is not None else None
    timing = Timing.of(company).effective() if company is not None else PLATFORM_DEFAULTS
    return ExtensionRules(
        allowed=bool(timing.allow_interview_extensions),
        max_extensions=timing.max_interview_extensions or 0,
        minutes=timing.interview_extension_minutes or 0,
    )


def extension_refusal(interview: InterviewSession, rules: ExtensionRules) -> str | None:
    """Why this interview cannot be extended now, or None when it can."""
    if interview.status not in page_queries.EXTENDABLE_STATUSES:
        return "Only scheduled or in-progress interviews can be extended."
    if not rules.allowed or rules.max_extensions <= 0 or rules.minutes <= 0:
        return "Your company's interview settings do not allow extensions."
    used = interview.time_extension_count or 0
    if used >= rules.max_extensions:
        times = "once" if rules.max_extensions == 1 else f"{rules.max_extensions} times"
        return f"This interview has already been extended {times}, the most your company allows."
    return None


def extend(session: Session, interview: InterviewSession, *, actor: User) -> ExtensionRules:
    """Add one extension atomically, or raise ActionRefused. Audited as `interview.extended`."""
    rules = extension_rules(session, interview)
    refusal = extension_refusal(interview, rules)
    if refusal:
        raise ActionRefused(refusal)
    row = session.execute(
        page_queries.extend_statement(interview.id, max_extensions=rules.max_extensions, minutes=rules.minutes)
    ).first()
    # The row we loaded may be older than a concurrent click's commit: read it again either way.
    session.refresh(interview)
    if row is None:
        raise ActionRefused(extension_refusal(interview, rules) or "The interview could not be extended; try again.")
    record(
        session,
        "interview.extended",
        actor=actor,
        target=interview,
        details={
            "session_id": interview.session_id,
            "extension": row.time_extension_count,
            "minutes": rules.minutes,
            "max_duration_minutes": row.max_duration_minutes,
        },
    )
    return rules


def cancel(session: Session, interview: InterviewSession, *, actor: User) -> None:
    """scheduled (or rescheduled) -> cancelled, no longer active. The caller holds the row lock."""
    if interview.status not in CANCELLABLE_STATUSES:
        raise ActionRefused("Only a scheduled interview can be cancelled.")
    previous = interview.status
    interview.status = "cancelled"
    interview.is_active = False
    record(
        session,
        "interview.cancelled",
        actor=actor,
        target=interview,
        details={"session_id": interview.session_id, "previous_status": previous},
    )


def reschedule(session: Session, interview: InterviewSession, when: datetime, *, actor: User) -> None:
    """Move a scheduled interview to `when` (validated by the form). The caller holds the row lock."""
    if interview.status not in RESCHEDULABLE_STATUSES:
        raise ActionRefused("Only a scheduled interview can be rescheduled.")
    previous = interview.scheduled_time
    interview.status = "rescheduled"
    interview.scheduled_time = when
    interview.start_time = None  # a planned interview is dated by scheduled_time alone (clears pre-0016 copies)
    record(
        session,
        "interview.rescheduled",
        actor=actor,
        target=interview,
        details={
            "session_id": interview.session_id,
            "from": previous.isoformat() if previous else None,
            "to": when.isoformat(),
        },
    )


def start(interview: InterviewSession, at: datetime | None = None) -> None:
    """A planned interview begins: in progress, start_time = when it really started (now by default).

    What the interview engine writes when a candidate joins; from then on the interview is dated
    by its start, and the dashboard counters move it to that day.
    """
    if interview.status not in PLANNED_STATUSES:
        raise ActionRefused("Only a scheduled interview can start.")
    interview.status = "in_progress"
    interview.start_time = at or datetime.now(UTC)
