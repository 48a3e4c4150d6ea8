"""Billing through Stripe: Checkout, the billing portal, cancel/resume, and the webhook.

Every route but the webhook answers 409 with a message when Stripe is not configured
(the offline mode of the `billing` blueprint applies then). A failed Stripe call
answers 502/503 with a message and writes nothing.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import BadGateway, ServiceUnavailable

from webapp import db
from webapp.audit import services as audit
from webapp.auth.access import require_verified
from webapp.billing import customers, gateway, queries, webhooks
from webapp.billing.account import billing_account, billing_required
from webapp.billing.mode import stripe_enabled
from webapp.billing.services import offered_plan
from webapp.billing.usage import lock_user_billing
from webapp.errors import handle_http_error
from webapp.extensions import csrf
from webapp.models import CustomerSubscription

bp = Blueprint("billing_stripe", __name__)

NOT_CONFIGURED = "Online payment is not set up on this site; change plans on the plans page instead."
# Stripe subscriptions in these states are managed in the portal instead of a second Checkout.
LIVE_STATUSES = ("active", "trialing", "past_due", "incomplete")


@bp.errorhandler(gateway.GatewayError)
def _stripe_failed(error: gateway.GatewayError):
    db.session.rollback()
    current_app.logger.warning("Stripe call failed: %s", error.__cause__ or error)
    unavailable = error.status == 503
    return handle_http_error((ServiceUnavailable if unavailable else BadGateway)(description=error.message))


def _require_stripe() -> None:
    if not stripe_enabled():
        abort(409, description=NOT_CONFIGURED)


def _go(location: str):
    """Send the browser to `location` (303 after a POST; the whole window for htmx)."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, 303)


def _subscription(for_update: bool = False) -> CustomerSubscription | None:
    statement = queries.select_subscription(billing_account().id)
    return db.session.scalar(statement.with_for_update(of=CustomerSubscription) if for_update else statement)


@bp.post("/billing/checkout")
@billing_required
@require_verified
def checkout():
    _require_stripe()
    raw = request.form.get("plan_id", "").strip()
    if not (raw.isascii() and raw.isdigit()):
        abort(422, description="Choose a plan to subscribe to.")
    plan = offered_plan(db.session(), billing_account(), int(raw)) or abort(404)
    if not plan.price:
        abort(422, description=f"The {plan.name} plan is free: there is nothing to pay for.")
    if not plan.stripe_price_id:
        abort(409, description=f"The {plan.name} plan cannot be bought online yet. Please try again later.")
    subscription = _subscription()
    if subscription and subscription.stripe_subscription_id and subscription.status in LIVE_STATUSES:
        abort(409, description="You already have a subscription: change plans in the billing portal.")
    customer_id = customers.customer_for_checkout(db.session(), billing_account(), subscription)
    url = gateway.create_checkout_session(
        customer_id=customer_id,
        price_id=plan.stripe_price_id,
        user_id=billing_account().id,
        plan_id=plan.id,
        success_url=url_for("billing.index", checkout="success", _external=True),
        cancel_url=url_for("billing.index", checkout="canceled", _external=True),
    )
    audit.record(db.session(), "billing.checkout_started", actor=current_user, target=plan,
                 details={"plan": plan.name})
    db.session.commit()
    return _go(url)


@bp.post("/billing/portal")
@billing_required
def portal():
    _require_stripe()
    subscription = _subscription()
    if subscription is None or not subscription.stripe_customer_id:
        abort(409, description="You have no payment details at Stripe yet: subscribe to a paid plan first.")
    return _go(gateway.create_portal_session(
        customer_id=subscription.stripe_customer_id, return_url=url_for("billing.index", _external=True)
    ))


@bp.post("/billing/cancel")
@billing_required
def cancel():
    return _set_cancel(True)


@bp.post("/billing/resume")
@billing_required
def resume():
    return _set_cancel(False)


def _set_cancel(cancel: bool):
    """Cancel at period end (or resume) at Stripe, then mirror Stripe's answer in our row."""
    _require_stripe()
    session = db.session()
    lock_user_billing(session, billing_account().id)
    subscription = _subscription(for_update=True)
    if subscription is None or not subscription.stripe_subscription_id or subscription.status == "canceled":
        abort(409, description="You have no subscription at Stripe to change.")
    if bool(subscription.cancel_at_period_end) == cancel:
        abort(409, description="Your subscription already ends at the end of this period." if cancel
              else "Your subscription is not set to end, so there is nothing to resume.")
    stripe_subscription = gateway.set_cancel_at_period_end(subscription.stripe_subscription_id, cancel)
    webhooks.sync_row(session, subscription, stripe_subscription)
    audit.record(session, "billing.cancel_scheduled" if cancel else "billing.resumed", actor=current_user,
                 target=subscription, details={"mode": "stripe"})
    session.commit()
    flash("Your subscription will end at the end of this period." if cancel
          else "Your subscription continues.", "success")
    return _go(url_for("billing.index"))


@bp.post("/billing/webhook")
@csrf.exempt
def webhook():
    """Stripe's events: verified, applied once, in order; 5xx on failure so Stripe retries."""
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        abort(404)
    try:
        event = gateway.construct_event(request.get_data(), request.headers.get("Stripe-Signature"), secret)
    except gateway.InvalidSignature as error:
        return {"error": f"invalid signature: {error}"}, 400
    try:
        outcome = webhooks.process(db.session(), event)
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Stripe event %s could not be applied", event.get("id"))
        return {"error": "the event could not be applied; retry later"}, 500
    return {"received": event["id"], "outcome": outcome}, 200
