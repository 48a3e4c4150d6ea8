"""Skills: the catalog (categories, skills) and per-interview skill scores with their history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.naming import conv

from webapp.db import Base

if TYPE_CHECKING:
    from webapp.models.interview import InterviewSession
    from webapp.models.learning import LearningResource
    from webapp.models.sentiment import SentimentSession


class SkillCategory(Base):
    __tablename__ = "interview_skillcategory"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    # ON DELETE SET NULL: the ORM nulls loaded skills, the database the rest.
    skills: Mapped[list[Skill]] = relationship(back_populates="category", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<SkillCategory {self.id} {self.name!r}>"


class Skill(Base):
    __tablename__ = "interview_skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("interview_skillcategory.id", ondelete="SET NULL"))

    category: Mapped[SkillCategory | None] = relationship(back_populates="skills")
    assessments: Mapped[list[SkillAssessment]] = relationship(
        back_populates="skill", cascade="all", passive_deletes=True
    )
    learning_resources: Mapped[list[LearningResource]] = relationship(
        back_populates="skill", cascade="all", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Skill {self.id} {self.name!r}>"


class SkillAssessment(Base):
    __tablename__ = "interview_skillassessment"
    __table_args__ = (
        UniqueConstraint("interview_session_id", "skill_id"),
        CheckConstraint("accumulated_score >= 0 AND accumulated_score <= 100", name=conv("chk_skill_score_range")),
        Index("idx_skill_assessment_session", "interview_session_id"),
        Index("idx_skill_assessment_skill", "skill_id"),
        # Critical index from the document's "Performance Optimization" section.
        Index("idx_skill_assessment_session_skill", "interview_session_id", "skill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE")
    )
    sentiment_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_sentimentsession.id", ondelete="CASCADE")
    )
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("interview_skill.id", ondelete="CASCADE"))

    accumulated_score: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), server_default=text("0"))
    update_count: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))

    interview_session: Mapped[InterviewSession | None] = relationship(back_populates="skill_assessments")
    sentiment_session: Mapped[SentimentSession | None] = relationship(back_populates="skill_assessments")
    skill: Mapped[Skill | None] = relationship(back_populates="assessments")
    history: Mapped[list[SkillAssessmentHistory]] = relationship(
        back_populates="skill_assessment",
        cascade="all",
        passive_deletes=True,
        order_by="SkillAssessmentHistory.timestamp",
    )


class SkillAssessmentHistory(Base):
    __tablename__ = "interview_skillassessmenthistory"
    __table_args__ = (Index("idx_skill_assessment_history_timestamp", "timestamp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_skillassessment.id", ondelete="CASCADE")
    )
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    timestamp: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    skill_assessment: Mapped[SkillAssessment | None] = relationship(back_populates="history")
