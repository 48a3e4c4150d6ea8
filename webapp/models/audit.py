"""The audit log: who did what to which object, when and from where."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base


class AuditEvent(Base):
    __tablename__ = "audit_auditevent"
    __table_args__ = (
        Index("idx_audit_auditevent_created_at", "created_at"),
        Index("idx_audit_auditevent_action", "action", "created_at"),
        Index("idx_audit_auditevent_actor", "actor_id", "created_at"),
        Index(
            "idx_audit_auditevent_company", "company_id", text("created_at DESC"),
            postgresql_where=text("company_id IS NOT NULL"),
        ),
        Index(
            "idx_audit_auditevent_company_actor", "company_id", "actor_id", text("created_at DESC"),
            postgresql_where=text("company_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    # Kept when the actor's account is deleted: the trail outlives the account.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"))
    # The company the event happened in (a member's action), for the company's audit page; NULL for the platform's.
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company_company.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
