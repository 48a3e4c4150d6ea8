"""Writes and rules for job postings. Nothing here commits: the view does, once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.billing.usage import record_usage
from webapp.jobs import queries
from webapp.models import Company, Job, JobTeamMember, UsageRecord, User

# The columns a job owner may set through the dashboard (company_id, id and the timestamps are ours).
EDITABLE_FIELDS = ("title", "description", "requirements", "job_focus", "is_active")


def ensure_within_job_posting_limit(session: Session, company: Company) -> UsageRecord:
    """Count a new posting against the company owner's plan, or raise UsageLimitReached.

    Every way of posting a job passes through here. The usage record is written in
    the caller's transaction under the owner's billing lock (see webapp.billing.usage),
    so parallel postings never exceed the plan's `job_posting_limit`.
    """
    return record_usage(session, company.user, "job_posting")


def post_job(session: Session, company: Company, data: dict[str, Any], *, actor: User | None = None) -> Job:
    """Create a job posting for `company` from validated form data (other keys are ignored)."""
    usage = ensure_within_job_posting_limit(session, company)
    job = Job(company_id=company.id, **{name: data[name] for name in EDITABLE_FIELDS if name in data})
    session.add(job)
    session.flush()  # the id, for the audit event and the usage record
    usage.resource_id = str(job.id)
    audit.record(session, "job.created", actor=actor, target=job, details={"title": job.title})
    return job


def update_job(session: Session, job: Job, data: dict[str, Any], *, actor: User | None = None) -> list[str]:
    """Apply validated form data; returns the names of the fields that changed (audited by name only)."""
    changed = [name for name in EDITABLE_FIELDS if name in data and getattr(job, name) != data[name]]
    for name in changed:
        setattr(job, name, data[name])
    if changed:
        session.flush()
        audit.record(session, "job.updated", actor=actor, target=job, details={"title": job.title, "changed": changed})
    return changed


def set_active(session: Session, job: Job, active: bool, *, actor: User | None = None) -> None:
    """Open or close one job to candidates."""
    job.is_active = active
    session.flush()
    action = "job.activated" if active else "job.deactivated"
    audit.record(session, action, actor=actor, target=job, details={"title": job.title})


def bulk_set_active(
    session: Session, company: Company, job_ids: list[int], active: bool, *, actor: User | None = None
) -> tuple[int, int]:
    """Activate or deactivate the company's jobs among `job_ids`; returns (changed, already so).

    Ids of other companies' jobs (or of no job) match nothing and are silently
    ignored, so the answer never says whether such a job exists.
    """
    if not job_ids:
        return 0, 0
    owned = (Job.company_id == company.id, Job.id.in_(job_ids))
    changed_ids = list(
        session.scalars(
            update(Job)
            .where(*owned, Job.is_active.is_distinct_from(active))
            .values(is_active=active)
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        )
    )
    unchanged = session.scalar(queries.select_owned_count(company.id, job_ids)) - len(changed_ids)
    if changed_ids:
        audit.record(
            session,
            "job.bulk_updated",
            actor=actor,
            target=company,
            details={"action": "activate" if active else "deactivate", "job_ids": sorted(changed_ids)},
        )
    return len(changed_ids), unchanged


def delete_job(session: Session, job: Job, *, actor: User | None = None) -> dict[str, int]:
    """Delete the job; the database cascades to its interviews, rankings and their analysis.

    Returns the counts of what went with it, also written to the audit event.
    """
    counts = queries.dependent_counts(session, job.id)
    audit.record(
        session, "job.deleted", actor=actor, target=job, details={"title": job.title, "job_id": job.id, **counts}
    )
    session.delete(job)
    session.flush()
    return counts


def add_to_team(session: Session, job: Job, user_id: int, team_role: str, *, actor: User | None = None) -> bool:
    """Put a company member (the caller checked) on the job's hiring team; False when already on it.

    ON CONFLICT: two recruiters adding the same person at once make one row and one audit event.
    """
    added = session.scalar(
        insert(JobTeamMember)
        .values(job_id=job.id, user_id=user_id, team_role=team_role)
        .on_conflict_do_nothing(index_elements=["job_id", "user_id"])
        .returning(JobTeamMember.user_id)
    )
    if added is None:
        return False
    audit.record(session, "job.team_added", actor=actor, target=job,
                 details={"title": job.title, "user_id": user_id, "team_role": team_role})
    return True


def remove_from_team(session: Session, job: Job, user_id: int, *, actor: User | None = None) -> str | None:
    """Take someone off the job's hiring team; their team role, or None when they were not on it."""
    team_role = session.scalar(
        delete(JobTeamMember)
        .where(JobTeamMember.job_id == job.id, JobTeamMember.user_id == user_id)
        .returning(JobTeamMember.team_role)
    )
    if team_role is not None:
        audit.record(session, "job.team_removed", actor=actor, target=job,
                     details={"title": job.title, "user_id": user_id, "team_role": team_role})
    return team_role
