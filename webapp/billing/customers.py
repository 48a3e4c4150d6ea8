"""Which Stripe customer a user's Checkout uses: one per user, made once, kept."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from webapp.billing import gateway
from webapp.models import CustomerSubscription, StripeCustomer, User


def customer_for_checkout(session: Session, user: User, subscription: CustomerSubscription | None) -> str:
    """The user's Stripe customer id: the subscription's, else the one made for an earlier Checkout, else a new one.

    A new customer is remembered at once (the caller commits), so abandoning Checkout
    and starting again does not leave another customer at Stripe.
    """
    known = subscription.stripe_customer_id if subscription else None
    known = known or session.scalar(select(StripeCustomer.customer_id).where(StripeCustomer.user_id == user.id))
    customer_id = gateway.ensure_customer(user, known)
    if subscription is not None and not subscription.stripe_customer_id:
        subscription.stripe_customer_id = customer_id
    if not known:
        session.execute(
            insert(StripeCustomer).values(user_id=user.id, customer_id=customer_id).on_conflict_do_nothing()
        )
    return customer_id
