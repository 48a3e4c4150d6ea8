"""Scope for practice sessions: one place that decides whether the current candidate may see one."""

from __future__ import annotations

import re

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from webapp import db
from webapp.models import InterviewSession

SESSION_ID_MAX = 255  # interview_interviewsession.session_id is VARCHAR(255)
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f]")


def get_practice_or_404(session_id: str) -> InterviewSession:
    """The current candidate's own practice session; another candidate's, a real interview or a missing id: 404.

    All three answer the same, so a session id never reveals whether it exists.
    """
    # An id PostgreSQL could not even compare (NUL, too long) names nothing: 404, not a database error.
    if len(session_id) > SESSION_ID_MAX or _UNSTORABLE.search(session_id):
        abort(404)
    interview = db.session.scalar(
        select(InterviewSession).where(
            InterviewSession.session_id == session_id,
            InterviewSession.user_id == current_user.id,
            InterviewSession.is_practice.is_(True),
        )
    )
    if interview is None:
        abort(404)
    return interview
