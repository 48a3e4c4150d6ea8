"""Tenant scope for jobs: one place that decides whether the current member may see a job."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from webapp import db
from webapp.models import Job
from webapp.team.membership import require_membership
from webapp.team.scope import visible_jobs


def get_job_or_404(job_id: int, *, for_update: bool = False) -> Job:
    """The job if the current member sees it (their company's; a hiring manager's own team's).

    A foreign, unassigned or missing job is 404: an id never tells whether it exists.
    """
    statement = select(Job).where(Job.id == job_id, *visible_jobs(require_membership()))
    if for_update:
        statement = statement.with_for_update(of=Job)
    job = db.session.scalar(statement)
    if job is None:
        abort(404)
    return job
