"""SQL of the members pages: members, invitations, seats, the company lock and the company's audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, case, delete, func, select
from sqlalchemy.orm import Session

from webapp.models import (
    AuditEvent,
    Company,
    CompanyInvitation,
    CompanyMember,
    InterviewAssignment,
    InterviewSession,
    Job,
    JobTeamMember,
    PlanSeatLimit,
    User,
)
from webapp.team.policy import MEMBER_ROLES

AUDIT_PER_PAGE = 50
_ROLE_ORDER = case({role: index for index, role in enumerate(MEMBER_ROLES)}, value=CompanyMember.role)


def lock_company(session: Session, company_id: int) -> Company | None:
    """Lock the company row: every membership change of a company runs one at a time."""
    return session.scalar(
        select(Company).where(Company.id == company_id).with_for_update().execution_options(populate_existing=True)
    )


def select_members(company_id: int) -> Select:
    """(CompanyMember, User) of the company, owners first, then by name."""
    return (
        select(CompanyMember, User)
        .join(User, User.id == CompanyMember.user_id)
        .where(CompanyMember.company_id == company_id)
        .order_by(_ROLE_ORDER, func.lower(func.concat(User.first_name, " ", User.last_name)), User.id)
    )


def member(session: Session, company_id: int, member_id: int, lock: bool = False) -> CompanyMember | None:
    statement = select(CompanyMember).where(CompanyMember.id == member_id, CompanyMember.company_id == company_id)
    if lock:
        statement = statement.with_for_update()
    return session.scalar(statement.execution_options(populate_existing=True))


def member_role(session: Session, company_id: int, user_id: int) -> str | None:
    return session.scalar(
        select(CompanyMember.role).where(CompanyMember.company_id == company_id, CompanyMember.user_id == user_id)
    )


def count_owners(session: Session, company_id: int) -> int:
    return session.scalar(
        select(func.count()).where(CompanyMember.company_id == company_id, CompanyMember.role == "owner")
    )


def _open(company_id: int):
    return (
        CompanyInvitation.company_id == company_id,
        CompanyInvitation.accepted_at.is_(None),
        CompanyInvitation.revoked_at.is_(None),
    )


def select_open_invitations(company_id: int) -> Select:
    """Invitations neither accepted nor revoked (expired ones too: they can be resent), newest first."""
    return select(CompanyInvitation).where(*_open(company_id)).order_by(CompanyInvitation.created_at.desc(),
                                                                        CompanyInvitation.id.desc())


def open_invitation(session: Session, company_id: int, invitation_id: int, lock: bool = False) -> CompanyInvitation | None:
    statement = select(CompanyInvitation).where(CompanyInvitation.id == invitation_id, *_open(company_id))
    if lock:
        statement = statement.with_for_update()
    return session.scalar(statement.execution_options(populate_existing=True))


def open_invitation_for(session: Session, company_id: int, email: str) -> CompanyInvitation | None:
    statement = select(CompanyInvitation).where(*_open(company_id), func.lower(CompanyInvitation.email) == email.lower())
    return session.scalar(statement)


def invitation_by_digest(session: Session, token_digest: str, lock: bool = False) -> CompanyInvitation | None:
    statement = select(CompanyInvitation).where(CompanyInvitation.token_digest == token_digest)
    if lock:
        statement = statement.with_for_update()
    return session.scalar(statement.execution_options(populate_existing=True))


def seats_used(session: Session, company_id: int, now: datetime) -> int:
    """Members plus open invitations that have not expired."""
    members = select(func.count()).where(CompanyMember.company_id == company_id).scalar_subquery()
    invitations = (
        select(func.count()).where(*_open(company_id), CompanyInvitation.expires_at > now).scalar_subquery()
    )
    return session.scalar(select(members + invitations))


def seat_limit_of_plan(session: Session, plan_id: int) -> int | None:
    return session.scalar(select(PlanSeatLimit.seat_limit).where(PlanSeatLimit.plan_id == plan_id))


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def is_member(session: Session, company_id: int, user_id: int) -> bool:
    return member_role(session, company_id, user_id) is not None


def company_jobs(session: Session, company_id: int) -> list[tuple[int, str]]:
    """(id, title) of the company's jobs, for the hiring manager's job choice."""
    statement = select(Job.id, Job.title).where(Job.company_id == company_id).order_by(func.lower(Job.title), Job.id)
    return [tuple(row) for row in session.execute(statement)]


def jobs_of_company(session: Session, company_id: int, job_ids: list[int]) -> list[int]:
    """Those of `job_ids` that (still) belong to the company, in order."""
    if not job_ids:
        return []
    statement = select(Job.id).where(Job.company_id == company_id, Job.id.in_(job_ids)).order_by(Job.id)
    return list(session.scalars(statement))


def job_titles(session: Session, job_ids: set[int]) -> dict[int, str]:
    if not job_ids:
        return {}
    return dict(session.execute(select(Job.id, Job.title).where(Job.id.in_(job_ids))).all())


def delete_member_work(session: Session, company_id: int, user_id: int) -> None:
    """The member's job-team rows and interview assignments in this company (not in their other companies)."""
    company_jobs = select(Job.id).where(Job.company_id == company_id)
    session.execute(delete(JobTeamMember).where(JobTeamMember.user_id == user_id,
                                                JobTeamMember.job_id.in_(company_jobs)))
    company_interviews = select(InterviewSession.id).where(InterviewSession.job_id.in_(company_jobs))
    session.execute(
        delete(InterviewAssignment).where(
            InterviewAssignment.user_id == user_id, InterviewAssignment.interview_session_id.in_(company_interviews)
        )
    )


# --- the company's audit trail ------------------------------------------------------------


def _audit_conditions(company_id: int, actor_id: int | None) -> list:
    conditions = [AuditEvent.company_id == company_id]
    if actor_id is not None:
        conditions.append(AuditEvent.actor_id == actor_id)
    return conditions


def select_audit_count(company_id: int, actor_id: int | None) -> Select:
    return select(func.count(AuditEvent.id)).where(*_audit_conditions(company_id, actor_id))


def select_audit_events(company_id: int, actor_id: int | None, limit: int, offset: int) -> Select:
    """The company's events newest first, each with its actor's name and email."""
    return (
        select(AuditEvent, User.first_name, User.last_name, User.username, User.email)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(*_audit_conditions(company_id, actor_id))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )


def member_choices(session: Session, company_id: int) -> list[tuple[int, str]]:
    """(user id, "Name (email)") of the company's members, by name, for the audit filter."""
    statement = (
        select(User.id, User.first_name, User.last_name, User.username, User.email)
        .join(CompanyMember, CompanyMember.user_id == User.id)
        .where(CompanyMember.company_id == company_id)
        .order_by(func.lower(func.concat(User.first_name, " ", User.last_name)), User.id)
    )
    return [(row.id, f"{_name(row)} ({row.email})") for row in session.execute(statement)]


def _name(row) -> str:
    return " ".join(part for part in (row.first_name, row.last_name) if part) or row.username
