"""Reads for billing: plans, a user's subscription and their usage in a period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from webapp.models import Company, CustomerSubscription, Job, SubscriptionPlan, UsageRecord


def select_subscription(user_id: int) -> Select:
    """The user's subscription row (at most one: user_id is UNIQUE) with its plan.

    populate_existing: read after taking the billing lock, the row must be what is
    committed now, not what this session loaded earlier.
    """
    return (
        select(CustomerSubscription)
        .options(joinedload(CustomerSubscription.plan))
        .where(CustomerSubscription.user_id == user_id)
        .execution_options(populate_existing=True)
    )


def select_free_plan(plan_type: str) -> Select:
    """The free plan of a kind: the active plan priced 0 that comes first in the plans' order."""
    return (
        select(SubscriptionPlan)
        .where(
            SubscriptionPlan.plan_type == plan_type,
            SubscriptionPlan.is_active.is_(True),
            SubscriptionPlan.price == 0,
        )
        .order_by(SubscriptionPlan.sort_order.asc().nulls_last(), SubscriptionPlan.id)
        .limit(1)
    )


def select_plans(plan_type: str, interval: str) -> Select:
    """Active plans of a kind billed every `interval` (free plans in both lists), in the admins' order."""
    return (
        select(SubscriptionPlan)
        .where(
            SubscriptionPlan.plan_type == plan_type,
            SubscriptionPlan.is_active.is_(True),
            or_(SubscriptionPlan.interval == interval, SubscriptionPlan.price == 0),
        )
        .order_by(SubscriptionPlan.sort_order.asc().nulls_last(), SubscriptionPlan.id)
    )


def select_offered_plan(plan_id: int, plan_type: str) -> Select:
    """A plan the user may switch to: active and of their kind (anything else names nothing)."""
    return select(SubscriptionPlan).where(
        SubscriptionPlan.id == plan_id,
        SubscriptionPlan.plan_type == plan_type,
        SubscriptionPlan.is_active.is_(True),
    )


def usage_by_type(
    session: Session, user_id: int, start: datetime, end: datetime, usage_types: Sequence[str]
) -> dict[str, int]:
    """Units used per usage type in [start, end), for the types named.

    Naming the types bounds each one's range of idx_usage_user_type_date by created_at; without
    them the scan reads every record the user ever made (PostgreSQL 15 has no index skip scan).
    """
    rows = session.execute(
        select(UsageRecord.usage_type, func.coalesce(func.sum(UsageRecord.quantity), 0))
        .where(
            UsageRecord.user_id == user_id,
            UsageRecord.usage_type.in_(usage_types),
            UsageRecord.created_at >= start,
            UsageRecord.created_at < end,
        )
        .group_by(UsageRecord.usage_type)
    ).all()
    return {usage_type: int(total) for usage_type, total in rows}


def usage_of_type(session: Session, user_id: int, usage_type: str, start: datetime, end: datetime) -> int:
    """Units of one usage type in [start, end) (uses idx_usage_record_user_type)."""
    return session.scalar(
        select(func.coalesce(func.sum(UsageRecord.quantity), 0)).where(
            UsageRecord.user_id == user_id,
            UsageRecord.usage_type == usage_type,
            UsageRecord.created_at >= start,
            UsageRecord.created_at < end,
        )
    )


def select_subscribed_and_free_plans(user_id: int, plan_type: str) -> Select:
    """In one statement: the plan of the user's subscription (with the row) and the free plan of their kind.

    At most two rows (plan, subscription or None, is_free); the caller picks the subscription's plan
    when it is in force, else the free one, as `usage.plan_in_force` does. Plans are a handful of rows.
    """
    free_plan_id = select_free_plan(plan_type).with_only_columns(SubscriptionPlan.id).scalar_subquery()
    is_free = func.coalesce(SubscriptionPlan.id == free_plan_id, False).label("is_free")
    return (
        select(SubscriptionPlan, CustomerSubscription, is_free)
        .outerjoin(
            CustomerSubscription,
            and_(CustomerSubscription.plan_id == SubscriptionPlan.id, CustomerSubscription.user_id == user_id),
        )
        .where(or_(CustomerSubscription.id.is_not(None), SubscriptionPlan.id == free_plan_id))
    )


def select_active_plans(plan_type: str) -> Select:
    """Every active plan of a kind, in the admins' order (which plans include a feature)."""
    return (
        select(SubscriptionPlan)
        .where(SubscriptionPlan.plan_type == plan_type, SubscriptionPlan.is_active.is_(True))
        .order_by(SubscriptionPlan.sort_order.asc().nulls_last(), SubscriptionPlan.id)
    )


def active_job_count(session: Session, user_id: int) -> int:
    """How many open jobs the company of employer `user_id` has (what a lower posting limit is compared with)."""
    return session.scalar(
        select(func.count())
        .select_from(Job)
        .join(Company, Company.id == Job.company_id)
        .where(Company.user_id == user_id, Job.is_active.is_(True))
    )
