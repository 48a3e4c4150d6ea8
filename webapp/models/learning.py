"""Learning: resources per skill and the ordered learning paths built after an interview."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.naming import conv

from webapp.db import Base

if TYPE_CHECKING:
    from webapp.models.interview import InterviewSession
    from webapp.models.skills import Skill

# interview_learningresource.resource_type
RESOURCE_TYPES = ("article", "video", "course", "book", "exercise")
# interview_learningpath.status
LEARNING_PATH_STATUSES = ("draft", "active", "completed")


class LearningResource(Base):
    __tablename__ = "interview_learningresource"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text)
    resource_type: Mapped[str] = mapped_column(String(50))
    url: Mapped[str | None] = mapped_column(String(200))
    estimated_hours: Mapped[int | None] = mapped_column(Integer, server_default=text("1"))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("interview_skill.id", ondelete="CASCADE"))

    skill: Mapped[Skill | None] = relationship(back_populates="learning_resources")
    path_entries: Mapped[list[LearningPathResource]] = relationship(
        back_populates="resource", cascade="all", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<LearningResource {self.id} {self.title!r}>"


class LearningPath(Base):
    __tablename__ = "interview_learningpath"
    __table_args__ = (Index("idx_learning_path_session", "interview_session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_interviewsession.id", ondelete="CASCADE")
    )
    status: Mapped[str | None] = mapped_column(String(20), server_default=text("'draft'"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    interview_session: Mapped[InterviewSession | None] = relationship(back_populates="learning_paths")
    entries: Mapped[list[LearningPathResource]] = relationship(
        back_populates="learning_path",
        cascade="all",
        passive_deletes=True,
        order_by="LearningPathResource.order_position",
    )


class LearningPathResource(Base):
    """A resource at one position of a learning path."""

    __tablename__ = "interview_learningpathresource"
    __table_args__ = (
        # The name PostgreSQL gives this UNIQUE: the convention's would pass 63 characters.
        UniqueConstraint(
            "learning_path_id",
            "order_position",
            name=conv("interview_learningpathresourc_learning_path_id_order_positi_key"),
        ),
        Index("idx_learning_path_resource_path", "learning_path_id", "order_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learning_path_id: Mapped[int | None] = mapped_column(ForeignKey("interview_learningpath.id", ondelete="CASCADE"))
    resource_id: Mapped[int | None] = mapped_column(ForeignKey("interview_learningresource.id", ondelete="CASCADE"))
    order_position: Mapped[int] = mapped_column(Integer)
    completed: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    completion_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    learning_path: Mapped[LearningPath | None] = relationship(back_populates="entries")
    resource: Mapped[LearningResource | None] = relationship(back_populates="path_entries")
