"""Reading the outbox."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, func, select

from webapp.models import OutboxMessage

OUTBOX_PAGE_SIZE = 100


def select_outbox(recipient: str | None = None, limit: int = OUTBOX_PAGE_SIZE) -> Select:
    """The newest messages first, optionally for one recipient (case-insensitive)."""
    statement = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if recipient:
        statement = statement.where(func.lower(OutboxMessage.to_address) == recipient.strip().lower())
    return statement.limit(limit)


def select_last_sent_at(recipient: str, subject: str, within: timedelta) -> Select:
    """When the newest message with `subject` went to `recipient` inside the window (None if none did)."""
    return select(func.max(OutboxMessage.created_at)).where(
        func.lower(OutboxMessage.to_address) == recipient.lower(),
        OutboxMessage.subject == subject,
        OutboxMessage.created_at > func.now() - within,
    )
