"""Scheduling an interview: the reads it needs and the write, counted against the employer's plan."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.billing.usage import record_usage
from webapp.company.services import Timing
from webapp.models import Company, InterviewSession, Job, User


def open_jobs(session: Session, company_id: int) -> list[Job]:
    """The company's active jobs, the ones an interview may be scheduled for, by title."""
    return list(
        session.scalars(
            select(Job).where(Job.company_id == company_id, Job.is_active.is_(True)).order_by(Job.title, Job.id)
        )
    )


def find_candidate(session: Session, email: str) -> User | None:
    """An active candidate account with this email (emails are compared case-insensitively)."""
    return session.scalar(
        select(User).where(func.lower(User.email) == email.lower(), User.role == "user", User.is_active.is_(True))
    )


def ensure_interview_left(session: Session, company: Company) -> None:
    """Raise UsageLimitReached exactly when booking would, writing nothing (the plan check, then undone)."""
    with session.begin_nested() as savepoint:
        record_usage(session, company.user, "interview")
        savepoint.rollback()


def schedule_interview(
    session: Session, company: Company, job: Job, candidate: User, when: datetime, *, actor: User
) -> InterviewSession:
    """Book `candidate` for `job` at `when`; counts one interview against the company owner's plan.

    Raises UsageLimitReached, writing nothing, when the plan's interviews are used up.
    """
    session_id = f"iv-{uuid.uuid4()}"
    record_usage(
        session,
        company.user,
        "interview",
        session_id,
        metadata={"job_id": job.id, "session_id": session_id, "scheduled_time": when.isoformat()},
    )
    interview = InterviewSession(
        session_id=session_id,
        user_id=candidate.id,
        job_id=job.id,
        scheduled_time=when,
        # Not started: NULL, written explicitly (None would let the column's DEFAULT now() fill it in);
        # a planned interview is dated by scheduled_time.
        start_time=null(),
        status="scheduled",
        is_practice=False,
        is_active=True,
        max_duration_minutes=Timing.of(company).effective().interview_duration_minutes,
    )
    session.add(interview)
    session.flush()
    audit.record(
        session,
        "interview.scheduled",
        actor=actor,
        target=interview,
        details={"session_id": session_id, "job_id": job.id, "candidate_id": candidate.id, "at": when.isoformat()},
    )
    return interview
