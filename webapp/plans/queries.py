"""Reads for plan management: plans with their subscriber counts."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from webapp.models import CustomerSubscription, SubscriptionPlan

ORDER = (SubscriptionPlan.plan_type, SubscriptionPlan.sort_order.asc().nulls_last(), SubscriptionPlan.id)


def select_plans_with_counts() -> Select:
    """Every plan (a short list: no paging) with how many subscriptions use it, by type then order."""
    counts = (
        select(CustomerSubscription.plan_id, func.count().label("subscribers"))
        .group_by(CustomerSubscription.plan_id)
        .subquery()
    )
    return (
        select(SubscriptionPlan, func.coalesce(counts.c.subscribers, 0).label("subscribers"))
        .outerjoin(counts, counts.c.plan_id == SubscriptionPlan.id)
        .order_by(*ORDER)
    )


def subscription_count(session: Session, plan_id: int) -> int:
    return session.scalar(select(func.count()).where(CustomerSubscription.plan_id == plan_id))


def select_same_type_for_update(plan_type: str) -> Select:
    """A type's plans in their order, locked, for reordering."""
    return select(SubscriptionPlan).where(SubscriptionPlan.plan_type == plan_type).order_by(*ORDER).with_for_update()
