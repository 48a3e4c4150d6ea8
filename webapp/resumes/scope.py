"""Scope for resumes: a candidate reaches only their own; anyone else's, or a missing one, is 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from webapp import db
from webapp.models import Resume
from webapp.resumes import queries


def get_resume_or_404(resume_id: int, *, for_update: bool = False) -> Resume:
    statement = queries.select_own(current_user.id, resume_id)
    if for_update:
        statement = statement.with_for_update()
    resume = db.session.scalar(statement)
    if resume is None:
        abort(404)
    return resume
