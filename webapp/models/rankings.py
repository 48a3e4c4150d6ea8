"""Rankings tables of ours: the stored components behind each ranking row (0009), freshness marks, technical types (0012)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import DateTime, Double, ForeignKey, Index, Integer, Numeric, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base

# The evidence columns: what rankings.queries.COMPONENTS computes per (job, candidate).
EVIDENCE = (
    "technical_accuracy", "technical_assessments", "skills", "cultural_fit", "positive", "neutral", "mixed",
    "value_alignment", "confidence", "enthusiasm", "authenticity", "sentiment_confidence",
)


class RankingComponent(Base):
    """One ranked (job, candidate): evidence, factor scores, stored scores, name to sort by, place."""

    __tablename__ = "rankings_component"
    __table_args__ = (
        Index("rankings_component_job_overall_idx", "job_id", text("overall_score DESC"), "candidate_id"),
        Index("rankings_component_candidate_idx", "candidate_id"),
    )

    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    assessments: Mapped[int] = mapped_column(Integer)
    last_interview: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    technical_accuracy: Mapped[float | None] = mapped_column(Double)
    technical_assessments: Mapped[float | None] = mapped_column(Double)
    skills: Mapped[float | None] = mapped_column(Double)
    cultural_fit: Mapped[float | None] = mapped_column(Double)
    positive: Mapped[float | None] = mapped_column(Double)
    neutral: Mapped[float | None] = mapped_column(Double)
    mixed: Mapped[float | None] = mapped_column(Double)
    value_alignment: Mapped[float | None] = mapped_column(Double)
    confidence: Mapped[float | None] = mapped_column(Double)
    enthusiasm: Mapped[float | None] = mapped_column(Double)
    authenticity: Mapped[float | None] = mapped_column(Double)
    sentiment_confidence: Mapped[float | None] = mapped_column(Double)
    factor_technical: Mapped[float | None] = mapped_column(Double)
    factor_skills: Mapped[float | None] = mapped_column(Double)
    factor_cultural_fit: Mapped[float | None] = mapped_column(Double)
    factor_sentiment: Mapped[float | None] = mapped_column(Double)
    overall_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    technical_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    cultural_fit_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    communication_score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    ai_confidence: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    place: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    sort_name: Mapped[str] = mapped_column(Text, server_default=text("''"))
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class StaleJob(Base):
    """A job whose whole ranking must be recomputed (its weights changed); written by triggers."""

    __tablename__ = "rankings_stalejob"

    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), primary_key=True)
    marked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class StaleCandidate(Base):
    """A (job, candidate) whose results changed since their ranking was computed; written by triggers.

    No foreign key to the candidate: a candidate's delete cascades to their interviews, whose
    triggers still mark the pair; the recompute then drops the ranking.
    """

    __tablename__ = "rankings_stalecandidate"

    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    marked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class TechnicalAssessmentType(Base):
    """An assessment type whose interview assessments count toward the technical score (migration 0012).

    Set by admins on the catalog's assessment type form (AssessmentType.counts_as_technical); adding or
    removing a row marks the candidates with such assessments stale, through triggers.
    """

    __tablename__ = "rankings_technicalassessmenttype"

    assessment_type_id: Mapped[int] = mapped_column(
        ForeignKey("interview_assessmenttype.id", ondelete="CASCADE"), primary_key=True
    )
