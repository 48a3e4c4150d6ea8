"""Scoring: default weights per job focus, per-job adjusted weights and candidate rankings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import Base

if TYPE_CHECKING:
    from webapp.models.company import Job
    from webapp.models.users import User


class ScoreWeight(Base):
    """Default weights for one job focus (see company.JOB_FOCUSES)."""

    __tablename__ = "interview_scoreweight"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_focus: Mapped[str] = mapped_column(String(50), unique=True)
    technical_weight: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.30"))
    skills_weight: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.25"))
    cultural_fit_weight: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.25"))
    sentiment_weight: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.20"))


class DynamicScoreWeight(Base):
    __tablename__ = "interview_dynamicscoreweight"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), unique=True)

    # Base weights
    base_technical_weight: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    base_skills_weight: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    base_cultural_fit_weight: Mapped[Decimal] = mapped_column(Numeric(3, 2))
    base_sentiment_weight: Mapped[Decimal] = mapped_column(Numeric(3, 2))

    # Adjustments
    technical_adjustment: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.00"))
    skills_adjustment: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.00"))
    cultural_fit_adjustment: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.00"))
    sentiment_adjustment: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.00"))

    # Sentiment-specific weights
    value_alignment_weight: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.40"))
    confidence_weight: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.20"))
    enthusiasm_weight: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.20"))
    authenticity_weight: Mapped[Decimal | None] = mapped_column(Numeric(3, 2), server_default=text("0.20"))

    last_updated: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))

    job: Mapped[Job | None] = relationship(back_populates="dynamic_score_weight")


class CandidateRanking(Base):
    __tablename__ = "interview_candidateranking"
    # Inline CHECKs named `<column>_check`: the convention makes them PostgreSQL's own
    # `<table>_<column>_check`.
    __table_args__ = (
        UniqueConstraint("job_id", "candidate_id"),
        CheckConstraint("overall_score >= 0 AND overall_score <= 100", name="overall_score_check"),
        CheckConstraint("technical_score >= 0 AND technical_score <= 100", name="technical_score_check"),
        CheckConstraint("cultural_fit_score >= 0 AND cultural_fit_score <= 100", name="cultural_fit_score_check"),
        CheckConstraint(
            "communication_score >= 0 AND communication_score <= 100", name="communication_score_check"
        ),
        CheckConstraint("ai_confidence >= 0 AND ai_confidence <= 100", name="ai_confidence_check"),
        Index("idx_candidate_ranking_candidate", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))

    overall_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    technical_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    cultural_fit_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    communication_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    ai_confidence: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    ranking_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))

    job: Mapped[Job | None] = relationship(back_populates="rankings")
    candidate: Mapped[User | None] = relationship(back_populates="candidate_rankings")


Index("idx_candidate_ranking_job_score", CandidateRanking.job_id, CandidateRanking.overall_score.desc())
