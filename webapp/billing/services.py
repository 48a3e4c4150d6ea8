"""Offline billing (the demo mode without Stripe): switch plan, cancel at period end, resume.

Nothing here commits: the view does, once. Each write takes the user's billing lock first,
so two tabs switching at once cannot both insert the user's one subscription row.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.billing import queries
from webapp.billing.usage import PlanInForce, interval_end, lock_user_billing, plan_in_force, plan_type_of
from webapp.models import CustomerSubscription, SubscriptionPlan, User


class BillingRefused(Exception):
    """The change does not apply to the account as it is now; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def switch_plan(
    session: Session, user: User, plan: SubscriptionPlan, *, now: datetime | None = None
) -> CustomerSubscription:
    """Put the user on `plan` now: status active, a fresh period of the plan's interval."""
    now = now or datetime.now(UTC)
    lock_user_billing(session, user.id)
    current = plan_in_force(session, user, now)
    if current.plan is not None and current.plan.id == plan.id:
        hint = " It is set to end with this period: resume it instead." if _cancelling(current) else ""
        raise BillingRefused(f"You are already on the {plan.name} plan.{hint}")
    subscription = current.subscription or CustomerSubscription(user_id=user.id)
    if subscription.id is None or current.source != "subscription":
        subscription.start_date = now  # a new subscription, or a lapsed one starting over
    subscription.plan = plan
    subscription.status = "active"
    subscription.end_date = None
    subscription.trial_end = None
    subscription.cancel_at_period_end = False
    subscription.current_period_start = now
    subscription.current_period_end = interval_end(now, plan.interval)
    session.add(subscription)
    session.flush()
    audit.record(
        session,
        "billing.plan_switched",
        actor=user,
        target=subscription,
        details={
            "mode": "offline",
            "from_plan": current.plan.name if current.plan else None,
            "to_plan": plan.name,
            "to_plan_id": plan.id,
        },
    )
    return subscription


def cancel_at_period_end(session: Session, user: User, *, now: datetime | None = None) -> CustomerSubscription:
    """Keep the plan until the period ends, then fall back to the free plan."""
    subscription = _subscription_in_force(session, user, now)
    if subscription.cancel_at_period_end:
        raise BillingRefused("Your subscription is already set to end at the end of this period.")
    subscription.cancel_at_period_end = True
    session.flush()
    audit.record(session, "billing.cancel_scheduled", actor=user, target=subscription, details=_about(subscription))
    return subscription


def resume(session: Session, user: User, *, now: datetime | None = None) -> CustomerSubscription:
    """Undo a scheduled cancellation while the period is still running."""
    subscription = _subscription_in_force(session, user, now)
    if not subscription.cancel_at_period_end:
        raise BillingRefused("Your subscription is not set to end, so there is nothing to resume.")
    subscription.cancel_at_period_end = False
    session.flush()
    audit.record(session, "billing.resumed", actor=user, target=subscription, details=_about(subscription))
    return subscription


def offered_plan(session: Session, user: User, plan_id: int) -> SubscriptionPlan | None:
    """An active plan of the user's kind, or None (another kind's or a retired plan names nothing)."""
    plan_type = plan_type_of(user)
    return session.scalar(queries.select_offered_plan(plan_id, plan_type)) if plan_type else None


def _subscription_in_force(session: Session, user: User, now: datetime | None) -> CustomerSubscription:
    now = now or datetime.now(UTC)
    lock_user_billing(session, user.id)
    current = plan_in_force(session, user, now)
    if current.source != "subscription":
        raise BillingRefused("You have no subscription in force, so there is nothing to cancel or resume.")
    return current.subscription


def _cancelling(current: PlanInForce) -> bool:
    return current.source == "subscription" and bool(current.subscription.cancel_at_period_end)


def _about(subscription: CustomerSubscription) -> dict:
    end = subscription.current_period_end
    return {"mode": "offline", "plan": subscription.plan.name, "period_end": end.isoformat() if end else None}
