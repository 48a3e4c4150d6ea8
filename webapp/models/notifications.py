"""In-app notifications and each user's per-kind email preferences (migration 0022)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import conv

from webapp.db import Base

# What a notification is about; each kind has its own email preference.
NOTIFICATION_KINDS = ("interview_completed", "invitation_answered", "mentioned", "decision_made")
_KINDS_SQL = ", ".join(f"'{kind}'" for kind in NOTIFICATION_KINDS)
TITLE_MAX, BODY_MAX, URL_MAX = 200, 500, 500


class Notification(Base):
    """One thing that happened, for one user; unread until they open it or mark all read."""

    __tablename__ = "notification_notification"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name=conv("notification_notification_kind_check")),
        # An app path, never another site: the page links to it as is.
        CheckConstraint("url LIKE '/%' AND url NOT LIKE '//%'", name=conv("notification_notification_url_check")),
        # The page: a user's notifications, newest first.
        Index("idx_notification_notification_user", "user_id", text("created_at DESC"), text("id DESC")),
        # The bell's count and "mark all read": the unread ones only.
        Index("idx_notification_notification_unread", "user_id", text("created_at DESC"),
              postgresql_where=text("read_at IS NULL")),
        # Trigger-made notifications whose email the queue still owes (pending_emails).
        Index("idx_notification_notification_email_due", "id", postgresql_where=text("email_due")),
        Index("idx_notification_notification_company", "company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(String(BODY_MAX), server_default=text("''"))
    url: Mapped[str] = mapped_column(String(URL_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set by the database trigger for users who want this kind by email; cleared once mailed.
    email_due: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class NotificationPreference(Base):
    """Whether a user wants one kind of notification by email too (no row: in the app only)."""

    __tablename__ = "notification_preference"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name=conv("notification_preference_kind_check")),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
