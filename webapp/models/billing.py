"""Billing: subscription plans, each user's subscription and metered usage."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.naming import conv

from webapp.db import Base

if TYPE_CHECKING:
    from webapp.models.users import User

PLAN_TYPES = ("candidate", "employer")
PLAN_INTERVALS = ("month", "year")
SUBSCRIPTION_STATUSES = ("active", "trialing", "past_due", "canceled", "incomplete")
USAGE_TYPES = ("interview", "job_posting", "application")


class SubscriptionPlan(Base):
    __tablename__ = "billing_subscriptionplan"
    __table_args__ = (
        Index("idx_billing_plan_type", "plan_type", "is_active"),
        Index("idx_billing_plan_sort", "sort_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    plan_type: Mapped[str] = mapped_column(String(20))
    interval: Mapped[str | None] = mapped_column(String(20), server_default=text("'month'"))

    # Pricing
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    stripe_price_id: Mapped[str | None] = mapped_column(String(100))
    stripe_product_id: Mapped[str | None] = mapped_column(String(100))

    # Feature limits; 0 means unlimited
    interview_limit: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    job_posting_limit: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    application_limit: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))

    # Additional features
    features: Mapped[list[Any] | None] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    sort_order: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    is_active: Mapped[bool | None] = mapped_column(Boolean, server_default=text("true"))

    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    # ON DELETE RESTRICT: the ORM must not touch subscriptions, so deleting a plan
    # still in use fails in the database instead of orphaning them.
    subscriptions: Mapped[list[CustomerSubscription]] = relationship(back_populates="plan", passive_deletes="all")

    def __repr__(self) -> str:
        return f"<SubscriptionPlan {self.id} {self.name!r}>"


class CustomerSubscription(Base):
    __tablename__ = "billing_customersubscription"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date > start_date", name=conv("chk_subscription_dates")),
        Index("idx_billing_subscription_user", "user_id", "status"),
        Index("idx_billing_subscription_stripe", "stripe_subscription_id"),
        Index("idx_billing_subscription_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), unique=True)
    # The document names this foreign key and turns its ON DELETE PROTECT into RESTRICT.
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_subscriptionplan.id", ondelete="RESTRICT", name=conv("fk_subscription_plan"))
    )

    status: Mapped[str | None] = mapped_column(String(20), server_default=text("'active'"))
    stripe_customer_id: Mapped[str | None] = mapped_column(String(100))
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(100))
    stripe_subscription_item_id: Mapped[str | None] = mapped_column(String(100), server_default=text("''"))

    # Subscription timing
    start_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    end_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    trial_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    current_period_start: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )
    current_period_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_at_period_end: Mapped[bool | None] = mapped_column(Boolean, server_default=text("false"))

    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )

    user: Mapped[User | None] = relationship(back_populates="subscription")
    plan: Mapped[SubscriptionPlan | None] = relationship(back_populates="subscriptions")
    usage_records: Mapped[list[UsageRecord]] = relationship(
        back_populates="subscription", cascade="all", passive_deletes=True
    )


class UsageRecord(Base):
    __tablename__ = "billing_usagerecord"
    __table_args__ = (
        Index("idx_usage_record_user_type", "user_id", "usage_type", "created_at"),
        Index("idx_usage_record_subscription", "subscription_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("billing_customersubscription.id", ondelete="CASCADE")
    )
    usage_type: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int | None] = mapped_column(Integer, server_default=text("1"))
    resource_id: Mapped[str | None] = mapped_column(String(100))
    stripe_usage_record_id: Mapped[str | None] = mapped_column(String(100))
    # `metadata` is reserved on declarative classes, hence the attribute name.
    metadata_: Mapped[dict[str, Any] | None] = mapped_column(
        "metadata", JSONB, server_default=text("'{}'::jsonb")
    )
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=text("now()"))

    user: Mapped[User | None] = relationship(back_populates="usage_records")
    subscription: Mapped[CustomerSubscription | None] = relationship(back_populates="usage_records")


# Critical index from the document's "Performance Optimization" section.
Index("idx_usage_user_type_date", UsageRecord.user_id, UsageRecord.usage_type, UsageRecord.created_at.desc())
