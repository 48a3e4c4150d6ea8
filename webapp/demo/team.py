"""The demo company's hiring team: members, job teams, interview assignments, an invitation, plan seats.

Built from what is in the database, not from the seeder's memory, so a database loaded
before hiring teams existed gets the team on the next `seed-demo` run too.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Row, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from webapp.demo import catalog as cat
from webapp.models import (
    Company,
    CompanyInvitation,
    CompanyMember,
    InterviewAssignment,
    InterviewSession,
    Job,
    JobTeamMember,
    PlanSeatLimit,
    SubscriptionPlan,
    User,
)


def team_present(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.email == cat.RECRUITER_EMAIL)) is not None


def seed_team(session: Session, *, now: datetime, password_hash: str) -> bool:
    """Add the plans' seat limits and the demo company's team unless present; whether anything was added."""
    company = session.execute(
        select(Company.id, Company.user_id)
        .join(User, User.id == Company.user_id)
        .where(User.email == cat.EMPLOYER_EMAIL, Company.company_name == cat.TEAM_COMPANY)
    ).first()
    if company is None or team_present(session):
        return False
    _seat_limits(session)
    _date_owner_memberships(session)
    members = _members(session, company.id, now, password_hash)
    manager_jobs = session.scalars(
        select(Job.id).where(Job.company_id == company.id, Job.title.in_(cat.MANAGER_JOBS)).order_by(Job.id)
    ).all()
    recruiter, manager, interviewer = (members[a["email"]] for a in cat.DEMO_TEAM)
    interviews = _interviews_to_assign(session, company.id, manager_jobs, now)
    team = [{"job_id": job_id, "user_id": manager, "team_role": "hiring_manager"} for job_id in manager_jobs]
    # The interviewer sits on the hiring team of every job they interview for.
    team += [
        {"job_id": job_id, "user_id": interviewer, "team_role": "interviewer"}
        for job_id in dict.fromkeys(iv.job_id for iv in interviews)
    ]
    session.execute(insert(JobTeamMember), [{**row, "created_at": now - timedelta(days=90)} for row in team])
    if interviews:
        session.execute(
            insert(InterviewAssignment),
            [
                {
                    "interview_session_id": iv.id,
                    "user_id": interviewer,
                    "assigned_by_id": recruiter,
                    # Assigned when the interview was booked, two days ahead (or yesterday for the upcoming one).
                    "created_at": min(iv.planned - timedelta(days=2), now - timedelta(days=1)),
                }
                for iv in interviews
            ],
        )
    _invitation(session, company.id, company.user_id, now)
    return True


def _seat_limits(session: Session) -> None:
    plans = session.execute(
        select(SubscriptionPlan.id, SubscriptionPlan.name).where(SubscriptionPlan.name.in_(cat.SEAT_LIMITS))
    ).all()
    if plans:
        rows = [{"plan_id": plan.id, "seat_limit": cat.SEAT_LIMITS[plan.name]} for plan in plans]
        session.execute(pg_insert(PlanSeatLimit).on_conflict_do_nothing(index_elements=["plan_id"]), rows)


def _date_owner_memberships(session: Session) -> None:
    """The demo companies' owners joined when their company was created, not when the trigger ran."""
    owners = [spec["owner"] for spec in cat.COMPANIES]
    session.execute(
        update(CompanyMember)
        .where(
            CompanyMember.company_id == Company.id,
            CompanyMember.user_id == Company.user_id,
            Company.user_id.in_(select(User.id).where(User.email.in_(owners))),
            CompanyMember.created_at > Company.created_at,
        )
        .values(created_at=Company.created_at, updated_at=Company.created_at)
        .execution_options(synchronize_session=False)
    )


def _members(session: Session, company_id: int, now: datetime, password_hash: str) -> dict[str, int]:
    """The team's accounts (employers, verified) and their memberships; user id by email."""
    members = {}
    for person in cat.DEMO_TEAM:
        joined = now - timedelta(days=person["joined_days_ago"])
        user_id = session.scalar(
            insert(User)
            .values(
                username=person["username"],
                email=person["email"],
                password=password_hash,
                first_name=person["first_name"],
                last_name=person["last_name"],
                is_verified=True,
                is_active=True,
                is_staff=False,
                created_at=joined,
                enable_2fa=False,
                role="employer",
                auth_provider="email",
                social_links={"linkedin": f"https://www.linkedin.com/in/{person['username']}-acme-demo"},
            )
            .returning(User.id)
        )
        session.execute(
            insert(CompanyMember).values(
                company_id=company_id, user_id=user_id, role=person["member_role"], created_at=joined, updated_at=joined
            )
        )
        members[person["email"]] = user_id
    return members


def _interviews_to_assign(session: Session, company_id: int, manager_jobs: Sequence[int], now: datetime) -> list[Row]:
    """The latest completed interviews of the manager's jobs and the next upcoming one (of any job if none)."""
    columns = (InterviewSession.id, InterviewSession.job_id)
    completed = session.execute(
        select(*columns, InterviewSession.start_time.label("planned"))
        .where(InterviewSession.job_id.in_(manager_jobs), InterviewSession.status == "completed")
        .order_by(InterviewSession.start_time.desc(), InterviewSession.id)
        .limit(cat.INTERVIEWER_COMPLETED_ASSIGNMENTS)
    ).all()
    upcoming = None
    for jobs in (
        select(Job.id).where(Job.id.in_(manager_jobs)),
        select(Job.id).where(Job.company_id == company_id),
    ):
        upcoming = session.execute(
            select(*columns, InterviewSession.scheduled_time.label("planned"))
            .where(
                InterviewSession.job_id.in_(jobs),
                InterviewSession.status == "scheduled",
                InterviewSession.scheduled_time > now,
            )
            .order_by(InterviewSession.scheduled_time, InterviewSession.id)
            .limit(1)
        ).first()
        if upcoming is not None:
            break
    return [*reversed(completed), *([upcoming] if upcoming else [])]


def _invitation(session: Session, company_id: int, owner_id: int, now: datetime) -> None:
    """An open invitation whose link nobody holds (the owner can resend it to get a working one)."""
    invite = cat.PENDING_INVITATION
    sent = now - timedelta(days=invite["sent_days_ago"])
    session.execute(
        insert(CompanyInvitation).values(
            company_id=company_id,
            email=invite["email"],
            role=invite["role"],
            job_ids=[],
            token_digest=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
            invited_by_id=owner_id,
            created_at=sent,
            sent_at=sent,
            expires_at=sent + timedelta(days=invite["valid_days"]),
        )
    )
