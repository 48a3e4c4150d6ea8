"""Accounts: users, their uploaded resumes and third-party OAuth tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import Base

if TYPE_CHECKING:
    from webapp.models.billing import CustomerSubscription, UsageRecord
    from webapp.models.company import Company
    from webapp.models.interview import InterviewSession
    from webapp.models.scoring import CandidateRanking
    from webapp.models.sentiment import SentimentSession

# users_user.role; "user" is a candidate.
ROLES = ("user", "employer", "admin")


class User(UserMixin, Base):
    __tablename__ = "users_user"
    __table_args__ = (
        Index("idx_users_user_email", "email"),
        Index("idx_users_user_username", "username"),
        Index("idx_users_user_role", "role"),
        Index("idx_users_user_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(255), unique=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    is_verified: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))
    is_staff: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    secret_key: Mapped[str | None] = mapped_column(String(32))
    enable_2fa: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))
    role: Mapped[str | None] = mapped_column(String(20), server_default=text("'user'"))
    resume: Mapped[str | None] = mapped_column(String(100))
    avatar: Mapped[str | None] = mapped_column(String(100))
    auth_provider: Mapped[str | None] = mapped_column(String(255), server_default=text("'email'"))
    social_links: Mapped[dict[str, Any] | None] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))

    resumes: Mapped[list[Resume]] = relationship(back_populates="user", cascade="all", passive_deletes=True)
    oauth_tokens: Mapped[list[UserOAuthToken]] = relationship(
        back_populates="user", cascade="all", passive_deletes=True
    )
    company: Mapped[Company | None] = relationship(back_populates="user", cascade="all", passive_deletes=True)
    interview_sessions: Mapped[list[InterviewSession]] = relationship(
        back_populates="user", cascade="all", passive_deletes=True
    )
    sentiment_sessions: Mapped[list[SentimentSession]] = relationship(
        back_populates="user", cascade="all", passive_deletes=True
    )
    subscription: Mapped[CustomerSubscription | None] = relationship(
        back_populates="user", cascade="all", passive_deletes=True
    )
    usage_records: Mapped[list[UsageRecord]] = relationship(
        back_populates="user", cascade="all", passive_deletes=True
    )
    candidate_rankings: Mapped[list[CandidateRanking]] = relationship(
        back_populates="candidate", cascade="all", passive_deletes=True
    )

    def get_id(self) -> str:
        return str(self.id)

    @property
    def full_name(self) -> str:
        """First and last name, or the username when neither is set."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or self.username

    @property
    def is_candidate(self) -> bool:
        return self.role == "user"

    @property
    def is_employer(self) -> bool:
        return self.role == "employer"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Resume(Base):
    __tablename__ = "users_resume"
    __table_args__ = (
        Index("idx_users_resume_user_id", "user_id"),
        Index("idx_users_resume_uploaded_at", "uploaded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    file: Mapped[str | None] = mapped_column(String(100))
    uploaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    first_name: Mapped[str | None] = mapped_column(String(255))
    last_name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(50))
    linkedin: Mapped[str | None] = mapped_column(String(200))
    github: Mapped[str | None] = mapped_column(String(200))
    skills: Mapped[str | None] = mapped_column(Text)
    work_experience: Mapped[str | None] = mapped_column(Text)
    education: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    projects_worked: Mapped[str | None] = mapped_column(Text)
    achievements: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship(back_populates="resumes")


class UserOAuthToken(Base):
    __tablename__ = "users_useroauthtoken"
    __table_args__ = (
        UniqueConstraint("user_id", "provider"),
        Index("idx_users_oauth_user_provider", "user_id", "provider"),
        Index("idx_users_oauth_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(50))
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scope: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    user: Mapped[User | None] = relationship(back_populates="oauth_tokens")
