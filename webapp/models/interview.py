"""Interviews: the session itself and its one-per-session cultural fit and behavioral analysis."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.naming import conv

from webapp.db import Base

if TYPE_CHECKING:
    from webapp.models.assessment import InterviewAssessment
    from webapp.models.company import Job
    from webapp.models.learning import LearningPath
    from webapp.models.sentiment import SentimentHistory, SentimentSession
    from webapp.models.skills import SkillAssessment
    from webapp.models.users import User

# interview_interviewsession.status
INTERVIEW_STATUSES = ("scheduled", "in_progress", "completed", "cancelled", "rescheduled", "no_show")
# Not started yet: start_time is NULL and scheduled_time says when it is planned (migration 0016).
PLANNED_STATUSES = ("scheduled", "rescheduled")


class InterviewSession(Base):
    __tablename__ = "interview_interviewsession"
    __table_args__ = (
        CheckConstraint(
            "duration IS NULL OR (duration > 0 AND duration < 14400)", name=conv("chk_interview_duration")
        ),
        Index("idx_interview_session_user_status", "user_id", "status", "start_time"),
        Index("idx_interview_session_job_id", "job_id"),
        Index("idx_interview_session_session_id", "session_id"),
        Index("idx_interview_session_completion", "completion_percentage"),
        Index("idx_interview_session_status_time", "status", "start_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"))

    # Timing fields
    start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    end_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scheduled_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completion_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration: Mapped[float | None] = mapped_column(Double)
    max_duration_minutes: Mapped[int | None] = mapped_column(Integer, server_default=text("15"))
    time_extension_count: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))

    # Status and completion
    status: Mapped[str | None] = mapped_column(String(20), server_default=text("'scheduled'"))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    completion_percentage: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))

    # Scoring fields
    technical_accuracy: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    behavioral_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    # Settings
    is_practice: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    enable_behavioral_analysis: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))

    # Metadata
    interviewer_notes: Mapped[str | None] = mapped_column(Text)
    technical_difficulty_reported: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    reminder_sent: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    reminder_time: Mapped[int | None] = mapped_column(Integer, server_default=text("30"))
    calendar_event_id: Mapped[str | None] = mapped_column(String(255))
    calendar_link: Mapped[str | None] = mapped_column(String(200))

    # Performance tracking
    response_times: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    attention_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    employer_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    interviewer_growth_metrics: Mapped[dict[str, Any] | None] = mapped_column(
        JSONB, server_default=text("'{}'::jsonb")
    )
    knowledge_gaps: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    suggested_resources: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    warning_sent_at: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))

    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    user: Mapped[User | None] = relationship(back_populates="interview_sessions")
    job: Mapped[Job | None] = relationship(back_populates="interview_sessions")
    sentiment_sessions: Mapped[list[SentimentSession]] = relationship(
        back_populates="interview_session", cascade="all", passive_deletes=True
    )
    sentiment_history: Mapped[list[SentimentHistory]] = relationship(
        back_populates="interview_session",
        cascade="all",
        passive_deletes=True,
        order_by="SentimentHistory.timestamp",
    )
    cultural_fit: Mapped[CulturalFit | None] = relationship(
        back_populates="interview_session", cascade="all", passive_deletes=True
    )
    behavioral_analysis: Mapped[BehavioralAnalysis | None] = relationship(
        back_populates="interview_session", cascade="all", passive_deletes=True
    )
    skill_assessments: Mapped[list[SkillAssessment]] = relationship(
        back_populates="interview_session", cascade="all", passive_deletes=True
    )
    assessments: Mapped[list[InterviewAssessment]] = relationship(
        back_populates="interview_session", cascade="all", passive_deletes=True
    )
    learning_paths: Mapped[list[LearningPath]] = relationship(
        back_populates="interview_session", cascade="all", passive_deletes=True
    )

    @property
    def interview_date(self) -> datetime | None:
        """When it started, else when it is planned (see interview_date())."""
        return self.start_time or self.scheduled_time

    def __repr__(self) -> str:
        return f"<InterviewSession {self.id} {self.session_id!r} {self.status}>"


def interview_date(sessions=InterviewSession):
    """An interview's date in SQL: when it started, else when it is planned (start_time stays NULL until then).

    Spelled exactly as the indexes of migration 0016 (and its counter triggers) spell it, so they serve it.
    `sessions`: the table, or an alias of it with both columns.
    """
    return func.coalesce(sessions.start_time, sessions.scheduled_time)


# Critical index from the document's "Performance Optimization" section.
Index(
    "idx_interview_user_status_time",
    InterviewSession.user_id,
    InterviewSession.status,
    InterviewSession.start_time.desc(),
)


class CulturalFit(Base):
    __tablename__ = "interview_culturalfit"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE"), unique=True
    )
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    comments: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))

    interview_session: Mapped[InterviewSession | None] = relationship(back_populates="cultural_fit")


class BehavioralAnalysis(Base):
    __tablename__ = "interview_behavioralanalysis"
    # Inline CHECKs named `<column>_check`: the convention makes them PostgreSQL's own
    # `<table>_<column>_check`.
    __table_args__ = (
        CheckConstraint("confidence_score >= 0 AND confidence_score <= 100", name="confidence_score_check"),
        CheckConstraint("fear_score >= 0 AND fear_score <= 100", name="fear_score_check"),
        CheckConstraint("sincerity_score >= 0 AND sincerity_score <= 100", name="sincerity_score_check"),
        CheckConstraint("nervousness_score >= 0 AND nervousness_score <= 100", name="nervousness_score_check"),
        CheckConstraint("excitement_score >= 0 AND excitement_score <= 100", name="excitement_score_check"),
        CheckConstraint("curiosity_score >= 0 AND curiosity_score <= 100", name="curiosity_score_check"),
        CheckConstraint("adaptability_score >= 0 AND adaptability_score <= 100", name="adaptability_score_check"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE"), unique=True
    )
    confidence_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    fear_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    sincerity_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    nervousness_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    excitement_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    curiosity_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    adaptability_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    raw_data: Mapped[dict[str, Any] | None] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))

    interview_session: Mapped[InterviewSession | None] = relationship(back_populates="behavioral_analysis")
