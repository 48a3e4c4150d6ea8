"""Plan management rules and writes (never commits; the view or command does, once)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.billing import gateway
from webapp.models import PlanSeatLimit, SubscriptionPlan, User
from webapp.plans import queries

SORT_STEP = 10  # gaps leave room for plans inserted by hand or by the seed


class PlanRefused(Exception):
    """The change is not allowed; `message` says why and `field` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PlanInUse(PlanRefused):
    def __init__(self, plan: SubscriptionPlan, count: int):
        noun = "subscription uses" if count == 1 else "subscriptions use"
        super().__init__(
            f"“{plan.name}” cannot be deleted: {count} {noun} it. "
            "Deactivate it instead so nobody new can choose it; its subscribers keep it."
        )


def create_plan(session: Session, data: dict[str, Any], *, actor: User) -> SubscriptionPlan:
    """A new plan, placed last among the plans of its type."""
    siblings = session.scalars(queries.select_same_type_for_update(data["plan_type"])).all()
    last = max((plan.sort_order or 0 for plan in siblings), default=0)
    plan = SubscriptionPlan(**data, sort_order=last + SORT_STEP)
    session.add(plan)
    session.flush()
    audit.record(session, "plan.created", actor=actor, target=plan, details=_summary(plan))
    return plan


def update_plan(session: Session, plan: SubscriptionPlan, data: dict[str, Any], *, actor: User) -> dict:
    """Apply the form's values; returns {field: [old, new]} of what changed."""
    if data["plan_type"] != plan.plan_type and queries.subscription_count(session, plan.id):
        raise PlanRefused("Subscribers already use this plan, so it stays a plan for the same kind of account.",
                          field="plan_type")
    changes = {
        key: [_plain(getattr(plan, key)), _plain(value)]
        for key, value in data.items()
        if getattr(plan, key) != value
    }
    for key, value in data.items():
        setattr(plan, key, value)
    if changes:
        session.flush()
        audit.record(session, "plan.updated", actor=actor, target=plan, details={"name": plan.name, "changes": changes})
    return changes


def seat_limit_of(session: Session, plan: SubscriptionPlan) -> int:
    """The plan's team seats (0: unlimited, also when it has no row)."""
    row = session.get(PlanSeatLimit, plan.id)
    return row.seat_limit if row is not None else 0


def set_seat_limit(session: Session, plan: SubscriptionPlan, limit: int, *, actor: User) -> bool:
    """Set the plan's team seats (its own table: the plan's columns stay as documented); whether it changed."""
    row = session.get(PlanSeatLimit, plan.id)
    old = row.seat_limit if row is not None else 0
    if old == limit:
        return False
    if row is None:
        session.add(PlanSeatLimit(plan_id=plan.id, seat_limit=limit))
    else:
        row.seat_limit = limit
    session.flush()
    audit.record(session, "plan.updated", actor=actor, target=plan,
                 details={"name": plan.name, "changes": {"seat_limit": [old, limit]}})
    return True


def move_plan(session: Session, plan: SubscriptionPlan, direction: str, *, actor: User) -> bool:
    """Swap the plan with its neighbour in its type's order; False when it is already at that end."""
    siblings = list(session.scalars(queries.select_same_type_for_update(plan.plan_type)).all())
    index = siblings.index(plan)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    # Renumbering the whole type keeps the order strict even where sort orders tied.
    for position, sibling in enumerate(siblings, start=1):
        sibling.sort_order = position * SORT_STEP
    session.flush()
    audit.record(session, "plan.moved", actor=actor, target=plan, details={"name": plan.name, "direction": direction})
    return True


def set_active(session: Session, plan: SubscriptionPlan, active: bool, *, actor: User) -> None:
    plan.is_active = active
    session.flush()
    audit.record(session, "plan.activated" if active else "plan.deactivated", actor=actor, target=plan,
                 details={"name": plan.name})


def delete_plan(session: Session, plan: SubscriptionPlan, *, actor: User) -> None:
    """Delete an unused plan; PlanInUse when subscriptions use it.

    The foreign key (ON DELETE RESTRICT) decides, not a count read beforehand: a
    subscription committed meanwhile makes the DELETE fail instead of slipping past.
    """
    details = _summary(plan)
    try:
        with session.begin_nested():
            session.delete(plan)
            session.flush()
    except IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) != "23503":  # foreign_key_violation
            raise
        session.refresh(plan)
        raise PlanInUse(plan, queries.subscription_count(session, plan.id)) from error
    audit.record(session, "plan.deleted", actor=actor, target=None, details={"plan_id": plan.id, **details})


def _summary(plan: SubscriptionPlan) -> dict:
    return {"name": plan.name, "plan_type": plan.plan_type, "interval": plan.interval, "price": str(plan.price)}


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a column value for the audit log."""
    return str(value) if isinstance(value, Decimal) else value


# --- Stripe -----------------------------------------------------------------------------


def sync_plan(session: Session, plan: SubscriptionPlan, *, dry_run: bool) -> list[str]:
    """Give a paid plan a Stripe product and a recurring price matching it; returns what was done.

    An id Stripe does not know (the demo's placeholders such as `prod_demo_...`) is
    replaced by a new object. A price whose amount or interval no longer matches the
    plan is replaced too (Stripe prices are immutable); existing subscribers keep theirs.
    """
    if not plan.price:
        return ["free: never billed through Stripe, skipped"]
    if not plan.is_active:
        return ["inactive: skipped (activate it to sell it)"]
    done: list[str] = []
    verb = "would create" if dry_run else "created"
    product_id = plan.stripe_product_id
    if product_id and not gateway.product_exists(product_id):
        done.append(f"product {product_id} is unknown to Stripe (a placeholder?): replacing it")
        product_id = None
    if product_id:
        done.append(f"product {product_id} ok")
    else:
        product_id = None if dry_run else gateway.create_product(plan.name, plan.id)
        done.append(f"{verb} product {product_id or ''}".rstrip())
    price_id = plan.stripe_price_id
    if price_id and product_id:
        current = gateway.find_price(price_id)
        if current is None:
            done.append(f"price {price_id} is unknown to Stripe (a placeholder?): replacing it")
            price_id = None
        elif not _price_matches(current, plan, product_id):
            done.append(f"price {price_id} no longer matches the plan's price or interval: replacing it")
            price_id = None
    else:
        price_id = None
    if price_id:
        done.append(f"price {price_id} ok")
    else:
        price_id = None if dry_run else gateway.create_recurring_price(product_id, plan.price, plan.interval or "month", plan.id)
        done.append(f"{verb} price {price_id or ''}".rstrip())
    if not dry_run and (product_id, price_id) != (plan.stripe_product_id, plan.stripe_price_id):
        old = {"stripe_product_id": plan.stripe_product_id, "stripe_price_id": plan.stripe_price_id}
        plan.stripe_product_id, plan.stripe_price_id = product_id, price_id
        session.flush()
        audit.record(session, "plan.stripe_synced", target=plan,
                     details={"name": plan.name, "old": old, "product": product_id, "price": price_id})
    return done


def _price_matches(price: dict, plan: SubscriptionPlan, product_id: str) -> bool:
    amount = price.get("unit_amount", price.get("amount"))
    interval = (price.get("recurring") or {}).get("interval") or price.get("interval")
    product = price.get("product")
    product = product.get("id") if isinstance(product, dict) else product
    cents = int((plan.price * 100).to_integral_value())
    return amount == cents and interval == (plan.interval or "month") and product == product_id
