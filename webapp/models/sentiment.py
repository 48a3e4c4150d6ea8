"""Sentiment analysis: a per-interview summary, its time series and the context of each point."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
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
    from webapp.models.interview import InterviewSession
    from webapp.models.skills import SkillAssessment
    from webapp.models.users import User

# overall_sentiment of sessions and history points
SENTIMENTS = ("positive", "negative", "neutral", "mixed")


class SentimentSession(Base):
    __tablename__ = "interview_sentimentsession"
    __table_args__ = (
        CheckConstraint(
            "positive_score + negative_score + neutral_score + mixed_score <= 100",
            name=conv("chk_sentiment_scores_valid"),
        ),
        Index("idx_sentiment_session_interview", "interview_session_id", "created_at"),
        Index("idx_sentiment_session_user", "user_id"),
        Index("idx_sentiment_session_overall", "overall_sentiment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(255), unique=True)
    # The document names this foreign key in its "Foreign Key Relationships" section.
    interview_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE", name=conv("fk_sentiment_interview"))
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))

    # Core sentiment scores
    positive_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    negative_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    neutral_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    mixed_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    overall_sentiment: Mapped[str | None] = mapped_column(String(20))

    # Additional metrics
    confidence_level: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    engagement_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    professionalism_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    clarity_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))

    # Visibility settings
    employer_visible: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    interviewer_visible: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))

    # Practice session features
    is_practice: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    detailed_feedback: Mapped[dict[str, Any] | None] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    improvement_suggestions: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    practice_focus_areas: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))

    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    interview_session: Mapped[InterviewSession | None] = relationship(back_populates="sentiment_sessions")
    user: Mapped[User | None] = relationship(back_populates="sentiment_sessions")
    history: Mapped[list[SentimentHistory]] = relationship(
        back_populates="sentiment_session",
        cascade="all",
        passive_deletes=True,
        order_by="SentimentHistory.timestamp",
    )
    skill_assessments: Mapped[list[SkillAssessment]] = relationship(
        back_populates="sentiment_session", cascade="all", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<SentimentSession {self.id} {self.session_id!r}>"


# Critical index from the document's "Performance Optimization" section.
Index(
    "idx_sentiment_interview_created",
    SentimentSession.interview_session_id,
    SentimentSession.created_at.desc(),
)


class SentimentHistory(Base):
    """One point of a session's sentiment time series.

    The table is RANGE-partitioned by month on "timestamp" (created, with its
    partitions and `create_monthly_partition()`, by the migration), so PostgreSQL
    forces the partition key into the primary key: (id, timestamp), and
    "timestamp" is NOT NULL. Autogenerate compares the parent table only; the
    `interview_sentimenthistory_yYYYYmMM` partitions are skipped by
    migrations/env.py, and the partitioning clause itself is not compared.
    """

    __tablename__ = "interview_sentimenthistory"
    __table_args__ = (
        Index("idx_sentiment_history_session", "interview_session_id", "timestamp"),
        {"postgresql_partition_by": 'RANGE ("timestamp")'},
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    sentiment_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_sentimentsession.id", ondelete="CASCADE")
    )
    interview_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE")
    )

    positive_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    negative_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    neutral_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    mixed_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    overall_sentiment: Mapped[str | None] = mapped_column(String(20))
    confidence: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    timestamp: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), primary_key=True, server_default=text("now()")
    )
    detail: Mapped[str | None] = mapped_column(Text)

    sentiment_session: Mapped[SentimentSession | None] = relationship(back_populates="history")
    interview_session: Mapped[InterviewSession | None] = relationship(back_populates="sentiment_history")
    context_factors: Mapped[SentimentContextFactors | None] = relationship(
        back_populates="sentiment_history", cascade="all", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<SentimentHistory {self.id} {self.timestamp:%Y-%m-%d %H:%M:%S}>"


class SentimentContextFactors(Base):
    """What lay behind one sentiment point.

    Forced deviation: a foreign key into the partitioned history must include
    its partition key, so the row carries `sentiment_history_timestamp` and the
    documented FK becomes (sentiment_history_id, sentiment_history_timestamp),
    keeping the documented name and ON DELETE CASCADE.
    """

    __tablename__ = "interview_sentimentcontextfactors"
    __table_args__ = (
        ForeignKeyConstraint(
            ["sentiment_history_id", "sentiment_history_timestamp"],
            ["interview_sentimenthistory.id", "interview_sentimenthistory.timestamp"],
            ondelete="CASCADE",
            name=conv("interview_sentimentcontextfactors_sentiment_history_id_fkey"),
        ),
        Index("idx_sentiment_context_history", "sentiment_history_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentiment_history_id: Mapped[int | None] = mapped_column(unique=True)
    sentiment_history_timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    value_alignment_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    requirement_addressing_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    response_relevance_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    confidence_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    enthusiasm_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    authenticity_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))

    key_themes: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    flags: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))

    sentiment_history: Mapped[SentimentHistory | None] = relationship(back_populates="context_factors")
