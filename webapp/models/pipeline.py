"""Decisions (migration 0018): pipeline stages and candidates, decisions, reasons, email templates,
human scorecards, the notes thread and ranking overrides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import conv

from webapp.db import Base
from webapp.models.users import User

# Stage kinds: the built-in steps (each at most once per job) and any number of custom ones.
STAGE_KINDS = ("applied", "ai_interview", "review", "team_interview", "offer", "hired", "custom")
# Where a candidate stands on a job: still in the running, or out of it.
PIPELINE_STATUSES = ("active", "rejected", "withdrawn")
DECISION_ACTIONS = ("entered", "moved", "rejected", "withdrawn", "reopened")
REASON_KINDS = ("rejection", "withdrawal")
TEMPLATE_KINDS = ("rejection", "offer")
# A scorecard's overall recommendation, most negative first; ratings are 1-4.
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")
OVERRIDE_KINDS = ("pin", "exclude")


def _in(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


class PipelineStage(Base):
    """One stage of a job's pipeline (`job_id` None: the company's default, copied to new jobs)."""

    __tablename__ = "pipeline_stage"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(STAGE_KINDS)})", name=conv("pipeline_stage_kind_check")),
        Index("idx_pipeline_stage_job", "job_id", "position", postgresql_where=text("job_id IS NOT NULL")),
        Index(
            "idx_pipeline_stage_company_default", "company_id", "position", postgresql_where=text("job_id IS NULL")
        ),
        Index(
            "idx_pipeline_stage_job_kind", "job_id", "kind", unique=True,
            postgresql_where=text("job_id IS NOT NULL AND kind <> 'custom'"),
        ),
        Index(
            "idx_pipeline_stage_default_kind", "company_id", "kind", unique=True,
            postgresql_where=text("job_id IS NULL AND kind <> 'custom'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    def __repr__(self) -> str:
        return f"<PipelineStage {self.id} {self.name!r} job={self.job_id}>"


class PipelineCandidate(Base):
    """A candidate's place on a job's pipeline; `version` grows with every move."""

    __tablename__ = "pipeline_candidate"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(PIPELINE_STATUSES)})", name=conv("pipeline_candidate_status_check")),
        UniqueConstraint("job_id", "candidate_id", name=conv("pipeline_candidate_job_candidate_key")),
        Index("idx_pipeline_candidate_board", "job_id", "status", "stage_id", "entered_stage_at"),
        Index("idx_pipeline_candidate_stage", "stage_id"),
        Index("idx_pipeline_candidate_candidate", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("pipeline_stage.id"))
    status: Mapped[str] = mapped_column(String(12), server_default=text("'active'"))
    entered_stage_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    stage: Mapped[PipelineStage] = relationship()
    candidate: Mapped[User] = relationship()


class PipelineDecision(Base):
    """One move of a candidate on a job: who, when, from where to where, and why."""

    __tablename__ = "pipeline_decision"
    __table_args__ = (
        CheckConstraint(f"action IN ({_in(DECISION_ACTIONS)})", name=conv("pipeline_decision_action_check")),
        Index("idx_pipeline_decision_candidate", "pipeline_candidate_id", "decided_at"),
        Index("idx_pipeline_decision_company", "company_id", "decided_at"),
        Index("idx_pipeline_decision_job", "job_id", "decided_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    pipeline_candidate_id: Mapped[int] = mapped_column(ForeignKey("pipeline_candidate.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(12))
    from_stage_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_stage.id", ondelete="SET NULL"))
    to_stage_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_stage.id", ondelete="SET NULL"))
    from_kind: Mapped[str | None] = mapped_column(String(20))
    to_kind: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class PipelineReason(Base):
    """One of the company's rejection or withdrawal reasons."""

    __tablename__ = "pipeline_reason"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(REASON_KINDS)})", name=conv("pipeline_reason_kind_check")),
        Index("idx_pipeline_reason_label", "company_id", "kind", func.lower(text("label")), unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class PipelineEmailTemplate(Base):
    """A company's edited rejection or offer email (the defaults live in code until edited)."""

    __tablename__ = "pipeline_emailtemplate"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(TEMPLATE_KINDS)})", name=conv("pipeline_emailtemplate_kind_check")),
        UniqueConstraint("company_id", "kind", name=conv("pipeline_emailtemplate_company_kind_key")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )


class ScorecardAttribute(Base):
    """Something a job's scorecards rate from 1 to 4."""

    __tablename__ = "interview_scorecardattribute"
    __table_args__ = (
        Index("idx_interview_scorecardattribute_name", "job_id", func.lower(text("name")), unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class Scorecard(Base):
    """One member's scorecard of one interview: a draft until `submitted_at`."""

    __tablename__ = "interview_scorecard"
    __table_args__ = (
        CheckConstraint(
            f"recommendation IN ({_in(RECOMMENDATIONS)})", name=conv("interview_scorecard_recommendation_check")
        ),
        CheckConstraint(
            "submitted_at IS NULL OR recommendation IS NOT NULL", name=conv("interview_scorecard_submitted_check")
        ),
        UniqueConstraint("interview_session_id", "author_id", name=conv("interview_scorecard_session_author_key")),
        Index("idx_interview_scorecard_author", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_session_id: Mapped[int] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE")
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    recommendation: Mapped[str | None] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, server_default=text("''"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    author: Mapped[User] = relationship()


class ScorecardRating(Base):
    __tablename__ = "interview_scorecardrating"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 4", name=conv("interview_scorecardrating_rating_check")),
        Index("idx_interview_scorecardrating_attribute", "attribute_id"),
    )

    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("interview_scorecard.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("interview_scorecardattribute.id", ondelete="CASCADE"), primary_key=True
    )
    rating: Mapped[int] = mapped_column(SmallInteger)


class InterviewNote(Base):
    """One note in an interview's thread (author None: written before the thread existed)."""

    __tablename__ = "interview_note"
    __table_args__ = (
        CheckConstraint("length(btrim(body)) > 0", name=conv("interview_note_body_check")),
        Index("idx_interview_note_session", "interview_session_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_session_id: Mapped[int] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author: Mapped[User | None] = relationship()


class InterviewNoteEdit(Base):
    """An earlier text of an edited note, kept."""

    __tablename__ = "interview_noteedit"
    __table_args__ = (Index("idx_interview_noteedit_note", "note_id", "edited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("interview_note.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class RankingOverride(Base):
    """A person's pin or exclusion of a candidate on a job's ranking, with the reason."""

    __tablename__ = "rankings_override"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(OVERRIDE_KINDS)})", name=conv("rankings_override_kind_check")),
        CheckConstraint("length(btrim(reason)) > 0", name=conv("rankings_override_reason_check")),
        Index("idx_rankings_override_candidate", "candidate_id"),
    )

    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
