"""Assessments: the catalog of assessment types and categories, and per-interview scores."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.naming import conv

from webapp.db import Base

from webapp.models.rankings import TechnicalAssessmentType

if TYPE_CHECKING:
    from webapp.models.interview import InterviewSession


class AssessmentType(Base):
    __tablename__ = "interview_assessmenttype"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)

    categories: Mapped[list[AssessmentCategory]] = relationship(
        back_populates="assessment_type", cascade="all", passive_deletes=True
    )
    assessments: Mapped[list[InterviewAssessment]] = relationship(
        back_populates="assessment_type", cascade="all", passive_deletes=True
    )
    technical_mark: Mapped[TechnicalAssessmentType | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def counts_as_technical(self) -> bool:
        """Whether its interview assessments count toward the ranking's technical score (whatever its name)."""
        return self.technical_mark is not None

    @counts_as_technical.setter
    def counts_as_technical(self, value: bool) -> None:
        if value and self.technical_mark is None:
            self.technical_mark = TechnicalAssessmentType()
        elif not value:
            self.technical_mark = None

    def __repr__(self) -> str:
        return f"<AssessmentType {self.id} {self.name!r}>"


class AssessmentCategory(Base):
    __tablename__ = "interview_assessmentcategory"
    __table_args__ = (UniqueConstraint("assessment_type_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_assessmenttype.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(100))

    assessment_type: Mapped[AssessmentType | None] = relationship(back_populates="categories")
    # ON DELETE SET NULL: the ORM nulls loaded assessments, the database the rest.
    assessments: Mapped[list[InterviewAssessment]] = relationship(back_populates="category", passive_deletes=True)


class InterviewAssessment(Base):
    __tablename__ = "interview_interviewassessment"
    __table_args__ = (
        # The name PostgreSQL gives this UNIQUE: the convention's would pass 63 characters.
        UniqueConstraint(
            "interview_session_id",
            "assessment_type_id",
            "category_id",
            name=conv("interview_interviewassessment_interview_session_id_assessme_key"),
        ),
        CheckConstraint("score >= 0 AND score <= 100", name="score_check"),
        Index("idx_interview_assessment_session", "interview_session_id"),
        Index("idx_interview_assessment_type", "assessment_type_id"),
        Index("idx_interview_assessment_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE")
    )
    assessment_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_assessmenttype.id", ondelete="CASCADE")
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_assessmentcategory.id", ondelete="SET NULL")
    )

    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))

    interview_session: Mapped[InterviewSession | None] = relationship(back_populates="assessments")
    assessment_type: Mapped[AssessmentType | None] = relationship(back_populates="assessments")
    category: Mapped[AssessmentCategory | None] = relationship(back_populates="assessments")
