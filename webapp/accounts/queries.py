"""Reads for the accounts area."""

from __future__ import annotations

from sqlalchemy import Select, exists, false, func, select

from webapp.models import InterviewSession, Job, User, UserOAuthToken
from webapp.team import scope
from webapp.team.membership import Membership


def select_user_id_by_email(email: str) -> Select:
    return select(User.id).where(func.lower(User.email) == email.lower())


def select_user_by_email(email: str) -> Select:
    return select(User).where(func.lower(User.email) == email.lower())


def select_user_id_by_username(username: str) -> Select:
    return select(User.id).where(func.lower(User.username) == username.lower())


def select_active_user_by_email(email: str) -> Select:
    return select(User).where(func.lower(User.email) == email.lower(), User.is_active.is_(True))


def select_user_for_update(user_id: int) -> Select:
    """The user row, locked until the transaction ends, and re-read even if already loaded."""
    return select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)


def select_connections(user_id: int) -> Select:
    return select(UserOAuthToken).where(UserOAuthToken.user_id == user_id).order_by(UserOAuthToken.provider)


def select_connection(user_id: int, token_id: int) -> Select:
    """One of the user's own OAuth connections (someone else's reads as missing)."""
    return select(UserOAuthToken).where(UserOAuthToken.id == token_id, UserOAuthToken.user_id == user_id)


def select_visible_avatar(viewer: User, membership: Membership | None, user_id: int) -> Select:
    """The stored avatar name of `user_id`, only when `viewer` may see it; else no row.

    Admins see every photo; a company member sees a candidate's photo once the candidate has a
    real (not practice) interview the member may see in the active company (an interviewer:
    one assigned to them). One statement, walking the candidate's sessions by
    idx_interview_session_user_status.
    """
    statement = select(User.avatar).where(User.id == user_id)
    if viewer.id == user_id or viewer.is_admin:
        return statement
    if membership is None:
        return statement.where(false())
    interviewed_here = (
        select(InterviewSession.id)
        .join(Job, Job.id == InterviewSession.job_id)
        .where(
            InterviewSession.user_id == User.id,
            InterviewSession.is_practice.is_not(True),
            Job.company_id == membership.company_id,
            scope.visible_interviews(membership),
        )
    )
    return statement.where(exists(interviewed_here))
