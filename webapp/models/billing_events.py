"""Our Stripe bookkeeping: webhook events already processed, and customers made before any subscription."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base


class WebhookEvent(Base):
    """One row per Stripe event id: a second delivery finds it and changes nothing.

    `stripe_subscription_id` and `event_created` of applied events tell a late,
    older event from a newer one, so out-of-order deliveries never roll a
    subscription back (the documented subscription table has no room for this).
    """

    __tablename__ = "billing_webhookevent"
    __table_args__ = (
        Index("idx_billing_webhookevent_subscription", "stripe_subscription_id", "event_created"),
        Index("idx_billing_webhookevent_processed_at", "processed_at"),  # retention deletes oldest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    event_type: Mapped[str] = mapped_column(String(100))
    event_created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(100))
    # False: acknowledged but changed nothing (unknown type, stale, or no matching user).
    applied: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    outcome: Mapped[str] = mapped_column(String(255), server_default=text("''"))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class StripeCustomer(Base):
    """The Stripe customer made for a user's first Checkout, reused until a subscription row holds it."""

    __tablename__ = "billing_stripecustomer"

    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
