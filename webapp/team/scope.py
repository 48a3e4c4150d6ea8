"""What part of its company a member sees: SQL conditions for jobs and interviews by role.

Owners, admins and recruiters see the whole company; a hiring manager the jobs whose hiring
team they are on and those jobs' interviews; an interviewer no jobs and only the interviews
assigned to them. Every list, page and export builds its scope from these.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, bindparam, exists, false, select, true

from webapp.models import InterviewAssignment, InterviewSession, Job, JobTeamMember
from webapp.team import policy
from webapp.team.membership import Membership

# How much of the company a role sees.
EVERYTHING, TEAM_JOBS, ASSIGNED_INTERVIEWS = "everything", "team jobs", "assigned interviews"


def reach(role: str) -> str:
    if role in policy.JOB_SCOPED_ROLES:
        return TEAM_JOBS
    if role in policy.INTERVIEW_SCOPED_ROLES:
        return ASSIGNED_INTERVIEWS
    return EVERYTHING


def on_job_team(job_id_column, member=None) -> ColumnElement[bool]:
    """The member (a bound `member` parameter unless given) is on the job's hiring team."""
    member = bindparam("member", type_=Integer) if member is None else member
    return exists(
        select(JobTeamMember.job_id).where(JobTeamMember.job_id == job_id_column, JobTeamMember.user_id == member)
    )


def assigned_to(session_id_column, member=None) -> ColumnElement[bool]:
    """The member (a bound `member` parameter unless given) is assigned to the interview."""
    member = bindparam("member", type_=Integer) if member is None else member
    return exists(
        select(InterviewAssignment.user_id).where(
            InterviewAssignment.interview_session_id == session_id_column, InterviewAssignment.user_id == member
        )
    )


def visible_jobs(membership: Membership, jobs=Job) -> list[ColumnElement[bool]]:
    """Conditions on `jobs` for the jobs the member sees (the company's, narrowed by role)."""
    conditions = [jobs.company_id == membership.company_id]
    kind = reach(membership.role)
    if kind == TEAM_JOBS:
        conditions.append(on_job_team(jobs.id, membership.user_id))
    elif kind == ASSIGNED_INTERVIEWS:
        conditions.append(false())
    return conditions


def visible_interviews(membership: Membership, sessions=InterviewSession) -> ColumnElement[bool]:
    """The condition, beside the company's scope, narrowing `sessions` to those the member sees."""
    kind = reach(membership.role)
    if kind == TEAM_JOBS:
        return on_job_team(sessions.job_id, membership.user_id)
    if kind == ASSIGNED_INTERVIEWS:
        return assigned_to(sessions.id, membership.user_id)
    return true()
