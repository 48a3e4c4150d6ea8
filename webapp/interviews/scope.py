"""Tenant scope for interviews: one place that decides whether the current employer may see one."""

from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import contains_eager

from webapp import db
from webapp.models import Company, InterviewSession, Job, User


def get_interview_or_404(session_id: str, *, for_update: bool = False) -> InterviewSession:
    """The interview if its job belongs to the current employer's company; anything else is 404.

    Practice sessions are a candidate's own rehearsal, never shown to employers, even when the
    engine recorded a job on them. A foreign, practice or missing interview all answer 404, so
    an id never reveals whether it exists.
    """
    statement = _interview_statement(for_update)
    interview = db.session.scalar(statement, {"session_id": session_id, "owner_id": current_user.id})
    if interview is None:
        abort(404)
    return interview


@functools.cache
def _interview_statement(for_update: bool) -> Select:
    # Built once per process: every page view, action and 5 s live poll runs it, and building and
    # keying a statement with eager options costs more than the indexed lookup itself.
    statement = (
        select(InterviewSession)
        .join(Job, InterviewSession.job_id == Job.id)
        .join(Company, Job.company_id == Company.id)
        .outerjoin(User, InterviewSession.user_id == User.id)
        .where(
            InterviewSession.session_id == bindparam("session_id"),
            Company.user_id == bindparam("owner_id"),
            # is_practice is nullable: NULL counts as a real interview, as its default is false.
            InterviewSession.is_practice.is_not(True),
        )
        # The job and company are joined anyway: loading them here spares the pages (and every
        # 5 s live poll) a statement for the company's extension rules; the candidate (one row by
        # primary key) spares them the statement for the page header.
        .options(
            contains_eager(InterviewSession.job).contains_eager(Job.company),
            contains_eager(InterviewSession.user),
        )
    )
    if for_update:
        # Lock only the interview row (extensions and cancels race on it), not the job or company.
        statement = statement.with_for_update(of=InterviewSession)
    return statement
