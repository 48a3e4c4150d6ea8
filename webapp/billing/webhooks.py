"""Applying Stripe webhook events to `billing_customersubscription`: once each, never backwards.

`process` runs inside the caller's transaction and never commits. The event's row in
`billing_webhookevent` is inserted first (ON CONFLICT DO NOTHING): a concurrent
delivery of the same event waits on that unique key and then finds it taken, so the
event's effect happens exactly once. Events of one Stripe subscription are applied
one at a time (a transaction-scoped advisory lock) and an event older than the last
applied one for that subscription changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from webapp.billing import gateway
from webapp.billing.usage import lock_user_billing
from webapp.models import CustomerSubscription, SubscriptionPlan, User, WebhookEvent

# Stripe's statuses onto our vocabulary (models.billing.SUBSCRIPTION_STATUSES).
STATUS_MAP = {
    "active": "active",
    "trialing": "trialing",
    "past_due": "past_due",
    "unpaid": "past_due",
    "canceled": "canceled",
    "incomplete": "incomplete",
    "incomplete_expired": "canceled",
    "paused": "incomplete",
}


def process(session: Session, event: dict[str, Any]) -> str:
    """Apply a verified event once; returns what happened (for the response and the log)."""
    subscription_id = _subscription_id_of(event)
    record_id = session.execute(
        insert(WebhookEvent)
        .values(
            event_id=event["id"],
            event_type=event["type"],
            event_created=_timestamp(event["created"]),
            stripe_subscription_id=subscription_id,
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(WebhookEvent.id)
    ).scalar_one_or_none()
    if record_id is None:
        return "duplicate: already processed"
    record = session.get(WebhookEvent, record_id)
    handler = HANDLERS.get(event["type"])
    if handler is None:
        outcome = "ignored: event type not handled"
    elif subscription_id and _is_stale(session, record):
        outcome = "stale: a newer event of this subscription was applied"
    else:
        outcome = handler(session, event["data"]["object"])
    record.applied = outcome.startswith("applied")
    record.outcome = outcome[:255]
    return outcome


def _is_stale(session: Session, record: WebhookEvent) -> bool:
    """Whether an already applied event of the same subscription is newer than this one."""
    # One event of a subscription at a time, so two never both see "nothing newer".
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"stripe-subscription:{record.stripe_subscription_id}"},
    )
    newest = session.scalar(
        select(func.max(WebhookEvent.event_created)).where(
            WebhookEvent.stripe_subscription_id == record.stripe_subscription_id,
            WebhookEvent.applied.is_(True),
            WebhookEvent.id != record.id,
        )
    )
    return newest is not None and record.event_created < newest


def _subscription_id_of(event: dict[str, Any]) -> str | None:
    obj = event["data"]["object"]
    kind = obj.get("object")
    if kind == "subscription":
        return obj["id"]
    if kind == "checkout.session":
        return _id(obj.get("subscription"))
    if kind == "invoice":
        parent = (obj.get("parent") or {}).get("subscription_details") or {}
        return _id(obj.get("subscription") or parent.get("subscription"))
    return None


# --- handlers: each returns "applied: ..." or why it changed nothing -------------------------


def _on_checkout_completed(session: Session, checkout: dict[str, Any]) -> str:
    subscription_id = _id(checkout.get("subscription"))
    if checkout.get("mode") != "subscription" or not subscription_id:
        return "ignored: not a subscription checkout"
    # The session names the subscription only; its state comes from Stripe itself.
    subscription = gateway.retrieve_subscription(subscription_id)
    user_hint = (subscription.get("metadata") or {}).get("user_id") or checkout.get("client_reference_id")
    return _apply_subscription(session, subscription, user_hint)


def _on_subscription_event(session: Session, subscription: dict[str, Any]) -> str:
    return _apply_subscription(session, subscription, (subscription.get("metadata") or {}).get("user_id"))


def _on_invoice_paid(session: Session, invoice: dict[str, Any]) -> str:
    return _move_status(session, invoice, {"past_due", "incomplete"}, "active")


def _on_invoice_failed(session: Session, invoice: dict[str, Any]) -> str:
    return _move_status(session, invoice, {"active", "trialing"}, "past_due")


HANDLERS: dict[str, Callable[[Session, dict[str, Any]], str]] = {
    "checkout.session.completed": _on_checkout_completed,
    "customer.subscription.created": _on_subscription_event,
    "customer.subscription.updated": _on_subscription_event,
    "customer.subscription.deleted": _on_subscription_event,
    "invoice.paid": _on_invoice_paid,
    "invoice.payment_failed": _on_invoice_failed,
}


def _move_status(session: Session, invoice: dict[str, Any], from_statuses: set[str], to_status: str) -> str:
    subscription_id = _subscription_id_of({"data": {"object": invoice}})
    row = session.scalar(
        select(CustomerSubscription)
        .where(CustomerSubscription.stripe_subscription_id == subscription_id)
        .with_for_update()
    )
    if row is None or row.status not in from_statuses:
        return "ignored: no subscription in a state this invoice changes"
    row.status = to_status
    return f"applied: subscription {row.id} is {to_status}"


def _apply_subscription(session: Session, subscription: dict[str, Any], user_hint: str | None) -> str:
    """Make the user's subscription row match Stripe's subscription object."""
    row = _row_for(session, subscription, user_hint)
    if row is None:
        return "ignored: no user matches this subscription"
    status = STATUS_MAP.get(subscription.get("status") or "", "incomplete")
    if row.stripe_subscription_id not in (None, subscription["id"]):
        if status == "canceled" and row.status != "canceled":
            return "ignored: an earlier subscription ended; the current one stays"
    elif row.stripe_subscription_id == subscription["id"] and row.status == "canceled" and status != "canceled":
        return "ignored: a canceled subscription never comes back"
    sync_row(session, row, subscription)
    session.flush()  # a new row gets its id for the outcome
    return f"applied: subscription {row.id} is {row.status}"


def sync_row(session: Session, row: CustomerSubscription, subscription: dict[str, Any]) -> None:
    """Copy Stripe's subscription fields onto our row (also used after cancel/resume)."""
    item = ((subscription.get("items") or {}).get("data") or [{}])[0]
    starts_anew = row.stripe_subscription_id != subscription["id"]  # a first or a replacing subscription
    price_id = _id(item.get("price")) or _id(item.get("plan")) or _id(subscription.get("plan"))
    plan_id = session.scalar(select(SubscriptionPlan.id).where(SubscriptionPlan.stripe_price_id == price_id))
    if plan_id is not None:
        row.plan_id = plan_id
    row.status = STATUS_MAP.get(subscription.get("status") or "", "incomplete")
    row.stripe_customer_id = _id(subscription.get("customer"))
    row.stripe_subscription_id = subscription["id"]
    row.stripe_subscription_item_id = item.get("id") or ""
    # API versions since 2025 keep the period on the item; older ones on the subscription.
    period_start = subscription.get("current_period_start") or item.get("current_period_start")
    period_end = subscription.get("current_period_end") or item.get("current_period_end")
    row.current_period_start = _timestamp(period_start) if period_start else row.current_period_start
    row.current_period_end = _timestamp(period_end) if period_end else None
    row.trial_end = _timestamp(subscription["trial_end"]) if subscription.get("trial_end") else None
    row.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    if subscription.get("start_date") and starts_anew:
        row.start_date = _timestamp(subscription["start_date"])
    ended = subscription.get("ended_at")
    start = row.start_date or datetime.now(UTC)
    # chk_subscription_dates wants end after start; a same-second end is left open.
    row.end_date = _timestamp(ended) if ended and _timestamp(ended) > start else None


def _row_for(session: Session, subscription: dict[str, Any], user_hint: str | None) -> CustomerSubscription | None:
    """The subscription row of the user this Stripe subscription belongs to (new if they have none)."""
    known = session.scalar(
        select(CustomerSubscription.user_id).where(CustomerSubscription.stripe_subscription_id == subscription["id"])
    )
    if known is None and user_hint and str(user_hint).isdigit() and session.get(User, int(user_hint)):
        known = int(user_hint)
    if known is None:
        customer = _id(subscription.get("customer"))
        known = session.scalar(
            select(CustomerSubscription.user_id).where(CustomerSubscription.stripe_customer_id == customer)
        )
    if known is None:
        return None
    # The same lock as usage recording and plan switching: one billing write per user at a time.
    lock_user_billing(session, known)
    row = session.scalar(select(CustomerSubscription).where(CustomerSubscription.user_id == known).with_for_update())
    if row is None:
        row = CustomerSubscription(user_id=known)
        session.add(row)
    return row


def _id(value: Any) -> str | None:
    """An id whether Stripe sent it bare or as an expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


def _timestamp(seconds: int) -> datetime:
    return datetime.fromtimestamp(int(seconds), UTC)
