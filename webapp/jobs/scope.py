"""Tenant scope for jobs: one place that decides whether the current employer may see a job."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from webapp import db
from webapp.models import Company, Job


def get_job_or_404(job_id: int, *, for_update: bool = False) -> Job:
    """The job if it belongs to the current employer's company; a foreign or missing job is 404."""
    statement = (
        select(Job)
        .join(Company, Job.company_id == Company.id)
        .where(Job.id == job_id, Company.user_id == current_user.id)
    )
    if for_update:
        statement = statement.with_for_update(of=Job)
    job = db.session.scalar(statement)
    if job is None:
        abort(404)
    return job
