"""Scope for learning paths: one place that decides whether the current candidate may see one."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from webapp import db
from webapp.learning import queries
from webapp.models import InterviewSession, LearningPath


def get_path_or_404(path_id: int, *, for_update: bool = False) -> LearningPath:
    """The current candidate's path; another candidate's or a missing one is 404.

    `for_update` locks the path row for the rest of the transaction: every write to
    a path's resources takes it, so concurrent changes run one after the other.
    """
    session = db.session()
    if for_update:
        path = queries.lock_own_path(session, path_id, current_user.id)
    else:
        path = session.scalar(queries.select_own_path(path_id, current_user.id))
    if path is None:
        abort(404)
    return path


def get_entry_or_404(path: LearningPath, entry_id: int) -> Any:
    """One resource row of the path (with its resource); an entry of another path is 404."""
    entry = db.session.execute(queries.select_entry(path.id, entry_id)).first()
    if entry is None:
        abort(404)
    return entry


def get_practice_session_or_404(session_id: str, *, for_update: bool = False) -> InterviewSession:
    """The current candidate's practice session, locked when building so two builds cannot race."""
    statement = queries.select_own_practice_session(session_id, current_user.id)
    if for_update:
        statement = statement.with_for_update()
    interview = db.session.scalar(statement)
    if interview is None:
        abort(404)
    return interview
