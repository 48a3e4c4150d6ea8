"""Tenant scope for interviews: one place that decides whether the current member may see one."""

from __future__ import annotations

import functools

from flask import abort
from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import contains_eager

from webapp import db
from webapp.models import Company, InterviewSession, Job, User
from webapp.team.membership import require_membership
from webapp.team.scope import (
    ASSIGNED_INTERVIEWS,
    TEAM_JOBS,
    assigned_to,
    on_job_team,
    reach,
)


def get_interview_or_404(session_id: str, *, for_update: bool = False) -> InterviewSession:
    """The interview if the current member sees it: its job is their company's (a hiring manager's
    own team's job; for an interviewer, an interview assigned to them); anything else is 404.

    Practice sessions are a candidate's own rehearsal, never shown to employers, even when the
    engine recorded a job on them. A foreign, practice or missing interview all answer 404, so
    an id never reveals whether it exists.
    """
    membership = require_membership()
    kind = reach(membership.role)
    parameters = {"session_id": session_id, "company_id": membership.company_id}
    if kind != "everything":
        parameters["member"] = membership.user_id
    interview = db.session.scalar(_interview_statement(for_update, kind), parameters)
    if interview is None:
        abort(404)
    return interview


@functools.cache
def _interview_statement(for_update: bool, kind: str) -> Select:
    # Built once per process: every page view, action and 5 s live poll runs it, and building and
    # keying a statement with eager options costs more than the indexed lookup itself.
    statement = (
        select(InterviewSession)
        .join(Job, InterviewSession.job_id == Job.id)
        .join(Company, Job.company_id == Company.id)
        .outerjoin(User, InterviewSession.user_id == User.id)
        .where(
            InterviewSession.session_id == bindparam("session_id"),
            Job.company_id == bindparam("company_id", type_=Integer),
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
    if kind == TEAM_JOBS:
        statement = statement.where(on_job_team(Job.id))
    elif kind == ASSIGNED_INTERVIEWS:
        statement = statement.where(assigned_to(InterviewSession.id))
    if for_update:
        # Lock only the interview row (extensions and cancels race on it), not the job or company.
        statement = statement.with_for_update(of=InterviewSession)
    return statement
