"""Employers: a company (one per employer account) and its job postings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import Base

if TYPE_CHECKING:
    from webapp.models.analytics import InterviewStatistics
    from webapp.models.interview import InterviewSession
    from webapp.models.scoring import CandidateRanking, DynamicScoreWeight
    from webapp.models.users import User

# company_job.job_focus
JOB_FOCUSES = ("technical", "behavioral", "balanced")


class Company(Base):
    __tablename__ = "company_company"
    __table_args__ = (
        Index("idx_company_company_user_id", "user_id"),
        Index("idx_company_company_industry", "industry"),
        Index("idx_company_company_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), unique=True)
    company_name: Mapped[str] = mapped_column(String(255))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    phone_number: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(255))
    industry: Mapped[str | None] = mapped_column(String(100))
    company_logo: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    is_recruiting_agency: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )
    team_member_count: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))

    # Interview timing settings
    custom_interview_timing: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    interview_duration_minutes: Mapped[int | None] = mapped_column(Integer, server_default=text("30"))
    interview_first_warning_seconds: Mapped[int | None] = mapped_column(Integer, server_default=text("300"))
    interview_final_warning_seconds: Mapped[int | None] = mapped_column(Integer, server_default=text("120"))
    interview_force_end_seconds: Mapped[int | None] = mapped_column(Integer, server_default=text("10"))
    allow_interview_extensions: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    max_interview_extensions: Mapped[int | None] = mapped_column(Integer, server_default=text("2"))
    interview_extension_minutes: Mapped[int | None] = mapped_column(Integer, server_default=text("10"))

    user: Mapped[User | None] = relationship(back_populates="company")
    jobs: Mapped[list[Job]] = relationship(back_populates="company", cascade="all", passive_deletes=True)
    statistics: Mapped[list[InterviewStatistics]] = relationship(
        back_populates="company", cascade="all", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.company_name!r}>"


class Job(Base):
    __tablename__ = "company_job"
    __table_args__ = (
        Index("idx_company_job_company_id", "company_id"),
        Index("idx_company_job_is_active", "is_active"),
        Index("idx_company_job_created_at", "created_at"),
        Index("idx_company_job_job_focus", "job_focus"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    requirements: Mapped[str | None] = mapped_column(Text)
    job_focus: Mapped[str | None] = mapped_column(String(50), server_default=text("'balanced'"))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    company: Mapped[Company | None] = relationship(back_populates="jobs")
    interview_sessions: Mapped[list[InterviewSession]] = relationship(
        back_populates="job", cascade="all", passive_deletes=True
    )
    rankings: Mapped[list[CandidateRanking]] = relationship(
        back_populates="job", cascade="all", passive_deletes=True
    )
    dynamic_score_weight: Mapped[DynamicScoreWeight | None] = relationship(
        back_populates="job", cascade="all", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.title!r}>"


# Critical index from the document's "Performance Optimization" section.
Index("idx_job_company_active", Job.company_id, Job.is_active, Job.created_at.desc())
