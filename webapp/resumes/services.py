"""Writes and rules for resumes. Nothing here commits, and no file is touched: the view stores
the file before and deletes the old one after its single commit."""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.models import Resume, User
from webapp.resumes import queries

FOLDER = "resumes"  # under <instance>/uploads/, managed by webapp.uploads

# The parsed columns a candidate may edit (id, user_id, file and uploaded_at are ours).
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "linkedin",
    "github",
    "skills",
    "summary",
    "work_experience",
    "education",
    "projects_worked",
    "achievements",
)


def max_bytes() -> int:
    return current_app.config["RESUME_MAX_BYTES"]  # JOBHIVE_RESUME_MAX_MB


def _lock(session: Session, user: User) -> None:
    # Uploads and deletions of one candidate take turns, so users_user.resume ends up naming the
    # newest upload whatever order two requests commit in.
    session.execute(select(User.id).where(User.id == user.id).with_for_update())


def add_resume(session: Session, user: User, stored_name: str, kind: str, fields: dict[str, Any]) -> Resume:
    """Record a stored upload with its parsed fields; it becomes the candidate's current resume."""
    _lock(session, user)
    resume = Resume(
        user_id=user.id,
        file=stored_name,
        # The time of the insert, after the lock, not of the transaction's start (now()): an upload
        # that waited for another one is then also the newer one.
        uploaded_at=func.clock_timestamp(),
        **{name: fields.get(name) for name in EDITABLE_FIELDS},
    )
    session.add(resume)
    session.flush()
    user.resume = stored_name
    found = [name for name in EDITABLE_FIELDS if fields.get(name)]
    audit.record(session, "resume.uploaded", actor=user, target=resume, details={"type": kind, "parsed": found})
    return resume


def update_fields(session: Session, resume: Resume, values: dict[str, Any], *, actor: User) -> list[str]:
    """Apply the edited fields; the names of those that changed (nothing is written when none did)."""
    changed = [name for name in EDITABLE_FIELDS if name in values and getattr(resume, name) != values[name]]
    for name in changed:
        setattr(resume, name, values[name])
    if changed:
        audit.record(session, "resume.updated", actor=actor, target=resume, details={"fields": changed})
    return changed


def delete_resume(session: Session, user: User, resume: Resume) -> str | None:
    """Remove an upload's row; the newest remaining upload becomes current. Returns the file to delete."""
    _lock(session, user)
    audit.record(session, "resume.deleted", actor=user, target=resume, details={})
    stored_name = resume.file
    session.delete(resume)
    session.flush()
    latest = session.scalar(queries.select_latest(user.id))
    user.resume = latest.file if latest else None
    return stored_name
