"""Outgoing mail: every message is recorded, with its delivery state, so it can be retried and shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base

# recorded: no MAIL_SERVER, only kept (and shown in the development outbox);
# queued: waiting for its first or next attempt at next_attempt_at;
# sent; failed: the last attempt failed too, nobody will try again.
OUTBOX_STATUSES = ("recorded", "queued", "sent", "failed")


class OutboxMessage(Base):
    __tablename__ = "mail_outboxmessage"
    __table_args__ = (
        Index("idx_mail_outboxmessage_created_at", "created_at"),
        Index("idx_mail_outboxmessage_due", "next_attempt_at", postgresql_where=text("status = 'queued'")),
        Index("idx_mail_outboxmessage_body_kept", "created_at", postgresql_where=text("body_removed_at IS NULL")),
        CheckConstraint(
            "status IN ('recorded', 'queued', 'sent', 'failed')", name="mail_outboxmessage_status_check"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10), server_default=text("'recorded'"))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(255))
    # Set when `maintenance retention` emptied the body (it held sign-in links).
    body_removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
