"""Reads of notifications: the bell's count, a page of the list, who hears of what, the email preferences."""

from __future__ import annotations

from sqlalchemy import Integer, and_, bindparam, exists, func, or_, select, text, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from webapp.models import (
    CompanyMember,
    InterviewAssignment,
    JobTeamMember,
    Notification,
    NotificationPreference,
    User,
)

COUNT_CAP = 100  # the bell says "99+" beyond this: counting stops there
PER_PAGE = 25
FULL_REACH = ("owner", "admin", "recruiter")  # see every job and interview of their company


def still_member(notifications=Notification, user_id=None):
    """A notification about a company is shown only while its user is still a member of that company."""
    user_id = notifications.user_id if user_id is None else user_id
    return or_(
        notifications.company_id.is_(None),
        exists().where(CompanyMember.company_id == notifications.company_id, CompanyMember.user_id == user_id),
    )


def unread_count(session: Session, user_id: int) -> int:
    """Unread notifications, counted up to COUNT_CAP along the partial unread index: one statement."""
    capped = (
        select(Notification.id)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None), still_member(user_id=user_id))
        .limit(COUNT_CAP)
        .subquery()
    )
    return session.scalar(select(func.count()).select_from(capped))


def page_of(session: Session, user_id: int, before: int | None, per_page: int = PER_PAGE) -> list:
    """Up to per_page + 1 notifications, newest first, older than notification `before` (keyset)."""
    statement = (
        select(Notification.id, Notification.kind, Notification.title, Notification.body, Notification.url,
               Notification.created_at, Notification.read_at)
        .where(Notification.user_id == user_id, still_member(user_id=user_id))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page + 1)
    )
    if before is not None:
        # The cursor's own row, read in the same statement (someone else's id matches nothing).
        cursor = (
            select(Notification.created_at, Notification.id)
            .where(Notification.id == before, Notification.user_id == user_id)
            .scalar_subquery()
        )
        statement = statement.where(tuple_(Notification.created_at, Notification.id) < cursor)
    return session.execute(statement).all()


def open_own(session: Session, user_id: int, notification_id: int):
    """Mark the user's notification read and return (url, company_id); None for anyone else's or a gone company's."""
    return session.execute(
        text("""UPDATE notification_notification n SET read_at = coalesce(n.read_at, now())
                WHERE n.id = :id AND n.user_id = :user_id
                  AND (n.company_id IS NULL OR EXISTS (
                       SELECT 1 FROM company_member m WHERE m.company_id = n.company_id AND m.user_id = n.user_id))
                RETURNING n.url, n.company_id"""),
        {"id": notification_id, "user_id": user_id},
    ).first()


def mark_all_read(session: Session, user_id: int) -> int:
    """Every unread notification of the user, read now (along the unread index); how many."""
    return session.execute(
        text("UPDATE notification_notification SET read_at = now() WHERE user_id = :user_id AND read_at IS NULL"),
        {"user_id": user_id},
    ).rowcount


# --- who hears of what ---------------------------------------------------------------------------


def decision_audience(session: Session, company_id: int, job_id: int) -> list[int]:
    """Who hears of a decision on a job: its company's owners, admins and recruiters, and the hiring
    managers on the job's team (an interviewer on the team never sees the pipeline)."""
    on_team = exists().where(JobTeamMember.job_id == job_id, JobTeamMember.user_id == CompanyMember.user_id)
    return list(session.scalars(
        select(CompanyMember.user_id).where(
            CompanyMember.company_id == company_id,
            or_(CompanyMember.role.in_(FULL_REACH), and_(CompanyMember.role == "hiring_manager", on_team)),
        )
    ))


def _sees_interview(interview_id: int, job_id: int):
    """The member (CompanyMember) sees the interview: full reach, a hiring manager on the job's team,
    an interviewer assigned to it."""
    on_team = exists().where(JobTeamMember.job_id == job_id, JobTeamMember.user_id == CompanyMember.user_id)
    assigned = exists().where(InterviewAssignment.interview_session_id == interview_id,
                              InterviewAssignment.user_id == CompanyMember.user_id)
    return or_(
        CompanyMember.role.in_(FULL_REACH),
        and_(CompanyMember.role == "hiring_manager", on_team),
        and_(CompanyMember.role == "interviewer", assigned),
    )


def interview_audience(session: Session, company_id: int, job_id: int, interview_id: int) -> list[int]:
    """Who hears of news about an interview (as the completion trigger of migration 0022 decides):
    owners; admins, recruiters and hiring managers on the job's team; admins, recruiters and
    interviewers assigned to it. For the invitations' answers too."""
    on_team = exists().where(JobTeamMember.job_id == job_id, JobTeamMember.user_id == CompanyMember.user_id)
    assigned = exists().where(InterviewAssignment.interview_session_id == interview_id,
                              InterviewAssignment.user_id == CompanyMember.user_id)
    return list(session.scalars(
        select(CompanyMember.user_id).where(
            CompanyMember.company_id == company_id,
            or_(
                CompanyMember.role == "owner",
                and_(CompanyMember.role.in_(("admin", "recruiter", "hiring_manager")), on_team),
                and_(CompanyMember.role.in_(("admin", "recruiter", "interviewer")), assigned),
            ),
        )
    ))


def mentionable(session: Session, company_id: int, job_id: int, interview_id: int) -> list:
    """(user_id, first_name, last_name, email) of the company's members who see the interview."""
    return session.execute(
        select(User.id, User.first_name, User.last_name, User.email)
        .join(CompanyMember, CompanyMember.user_id == User.id)
        .where(CompanyMember.company_id == company_id, User.is_active.is_not(False),
               _sees_interview(interview_id, job_id))
    ).all()


# --- email -------------------------------------------------------------------------------------------


def opted_in_addresses(session: Session, user_ids: list[int], kind: str) -> list[tuple[int, str]]:
    """(user_id, email) of those of `user_ids` who want `kind` by email: one statement."""
    if not user_ids:
        return []
    return [tuple(row) for row in session.execute(
        select(User.id, User.email)
        .join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(NotificationPreference.kind == kind, NotificationPreference.email.is_(True),
               NotificationPreference.user_id == func.any(bindparam("ids", user_ids, type_=ARRAY(Integer))),
               User.is_active.is_not(False))
    )]


def preferences_of(session: Session, user_id: int) -> set[str]:
    """The kinds the user wants by email."""
    return set(session.scalars(select(NotificationPreference.kind).where(
        NotificationPreference.user_id == user_id, NotificationPreference.email.is_(True))))
