"""Hiring teams: who works in which company with which role, their invitations, job teams and assignments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import conv

from webapp.db import Base
from webapp.models.company import Company
from webapp.models.users import User

# Member roles, most powerful first (the members page lists them in this order).
MEMBER_ROLES = ("owner", "admin", "recruiter", "hiring_manager", "interviewer")
# Roles a member holds on one job's hiring team.
JOB_TEAM_ROLES = ("hiring_manager", "interviewer")

_ROLES_SQL = ", ".join(f"'{role}'" for role in MEMBER_ROLES)
_TEAM_ROLES_SQL = ", ".join(f"'{role}'" for role in JOB_TEAM_ROLES)


class CompanyMember(Base):
    __tablename__ = "company_member"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLES_SQL})", name=conv("company_member_role_check")),
        UniqueConstraint("company_id", "user_id", name=conv("company_member_company_user_key")),
        Index("idx_company_member_user", "user_id", "company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    company: Mapped[Company] = relationship()
    user: Mapped[User] = relationship()



class CompanyInvitation(Base):
    __tablename__ = "company_invitation"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLES_SQL})", name=conv("company_invitation_role_check")),
        Index(
            "idx_company_invitation_open", "company_id", func.lower(text("email")), unique=True,
            postgresql_where=text("accepted_at IS NULL AND revoked_at IS NULL"),
        ),
        Index("idx_company_invitation_company", "company_id", text("created_at DESC")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    # The jobs a hiring manager joins on accepting (ids of the company's jobs; gone jobs are skipped).
    job_ids: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default=text("'{}'"))
    # sha256 of the link's secret: the link itself is never stored.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    company: Mapped[Company] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class JobTeamMember(Base):
    """A member on one job's hiring team: a hiring manager or an interviewer."""

    __tablename__ = "company_jobteam"
    __table_args__ = (
        CheckConstraint(f"team_role IN ({_TEAM_ROLES_SQL})", name=conv("company_jobteam_team_role_check")),
        Index("idx_company_jobteam_user", "user_id", "job_id"),
    )

    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), primary_key=True)
    team_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))

    user: Mapped[User] = relationship()


class InterviewAssignment(Base):
    """An interviewer assigned to an interview: an interviewer member sees only these."""

    __tablename__ = "interview_assignment"
    __table_args__ = (Index("idx_interview_assignment_user", "user_id", "interview_session_id"),)

    interview_session_id: Mapped[int] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), primary_key=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PlanSeatLimit(Base):
    """A plan's seat count: members plus open invitations (0 or no row: unlimited)."""

    __tablename__ = "billing_planseatlimit"
    __table_args__ = (CheckConstraint("seat_limit >= 0", name=conv("billing_planseatlimit_seat_limit_check")),)

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("billing_subscriptionplan.id", ondelete="CASCADE"), primary_key=True
    )
    seat_limit: Mapped[int] = mapped_column(Integer)
