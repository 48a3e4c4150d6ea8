"""The one module that talks to Stripe (official SDK). Everything else calls these functions.

Stripe's errors become `GatewayError`, which views turn into a clear 502/503 page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import stripe
from flask import current_app

# Stripe's default; a signed event older than this is refused as a possible replay.
WEBHOOK_TOLERANCE_SECONDS = 300


class GatewayError(Exception):
    """Stripe refused or could not be reached; `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 502):
        super().__init__(message)
        self.message = message
        self.status = status


class NotFoundAtStripe(GatewayError):
    """Stripe has no object with that id (e.g. the demo's placeholder ids)."""


class InvalidSignature(Exception):
    """A webhook whose signature is missing, wrong or too old."""


def client() -> stripe.StripeClient:
    config = current_app.config
    if not config.get("STRIPE_SECRET_KEY"):
        raise GatewayError("Stripe is not configured.", status=503)
    base = config.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        config["STRIPE_SECRET_KEY"],
        base_addresses={"api": base} if base else None,
        max_network_retries=1,
    )


def _call(action: str, function, *args, **kwargs):
    """Run one SDK call, translating Stripe's exceptions into ours."""
    try:
        return function(*args, **kwargs)
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            raise NotFoundAtStripe(f"Stripe has no such object ({action}).", status=404) from error
        raise GatewayError(f"Stripe refused to {action}: {error.user_message or 'invalid request'}.") from error
    except stripe.APIConnectionError as error:
        raise GatewayError(f"Stripe could not be reached to {action}. Try again in a minute.", status=503) from error
    except stripe.StripeError as error:
        raise GatewayError(f"Stripe could not {action} ({error.http_status or 'no answer'}). Try again later.") from error


def ensure_customer(user, customer_id: str | None) -> str:
    """The user's Stripe customer id: `customer_id` when known, else a new customer."""
    if customer_id:
        return customer_id
    params = {"email": user.email, "name": user.full_name, "metadata": {"user_id": str(user.id)}}
    return _call("create a customer", client().v1.customers.create, params=params)["id"]


def create_checkout_session(*, customer_id: str, price_id: str, user_id: int, plan_id: int,
                            success_url: str, cancel_url: str) -> str:
    """A Checkout session for a subscription to `price_id`; returns the URL to send the user to."""
    metadata = {"user_id": str(user_id), "plan_id": str(plan_id)}
    params: dict[str, Any] = {
        "mode": "subscription",
        "customer": customer_id,
        "line_items": [{"price": price_id, "quantity": 1}],
        "client_reference_id": str(user_id),
        "metadata": metadata,
        # Copied onto the subscription, so its own events name our user too.
        "subscription_data": {"metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    return _call("start checkout", client().v1.checkout.sessions.create, params=params)["url"]


def create_portal_session(*, customer_id: str, return_url: str) -> str:
    """A billing-portal session URL where the customer manages payment methods and invoices."""
    params = {"customer": customer_id, "return_url": return_url}
    return _call("open the billing portal", client().v1.billing_portal.sessions.create, params=params)["url"]


def set_cancel_at_period_end(subscription_id: str, cancel: bool) -> dict[str, Any]:
    """Cancel at the end of the period (True) or resume (False); returns the subscription as a dict."""
    subscription = _call(
        "change the subscription",
        client().v1.subscriptions.update,
        subscription_id,
        params={"cancel_at_period_end": cancel},
    )
    return subscription.to_dict()


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    return _call("read the subscription", client().v1.subscriptions.retrieve, subscription_id).to_dict()


def construct_event(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """The verified event as a plain dict; InvalidSignature when it is not from Stripe or too old."""
    if not signature:
        raise InvalidSignature("missing Stripe-Signature header")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise InvalidSignature(str(error)) from error
    event = event.to_dict()
    if not all(key in event for key in ("id", "type", "created", "data")):
        raise InvalidSignature("signed, but not a Stripe event")
    return event


def product_exists(product_id: str) -> bool:
    try:
        _call("read a product", client().v1.products.retrieve, product_id)
    except NotFoundAtStripe:
        return False
    return True


def find_price(price_id: str) -> dict[str, Any] | None:
    """The recurring price (a plan object: usable wherever a price is) as a dict, or None if unknown."""
    try:
        return _call("read a price", client().v1.plans.retrieve, price_id).to_dict()
    except NotFoundAtStripe:
        return None


def create_product(name: str, plan_id: int) -> str:
    params = {"name": name, "metadata": {"plan_id": str(plan_id)}}
    return _call("create a product", client().v1.products.create, params=params)["id"]


def create_recurring_price(product_id: str, amount: Decimal, interval: str, plan_id: int) -> str:
    """A recurring plan object; Stripe accepts plan ids wherever a price id is expected,
    and localstripe (our test double) supports plans but not prices."""
    params = {
        "product": product_id,
        "amount": int((amount * 100).to_integral_value()),
        "currency": "usd",
        "interval": interval,
        "metadata": {"plan_id": str(plan_id)},
    }
    return _call("create a price", client().v1.plans.create, params=params)["id"]
