"""Billing through Stripe with the real `stripe` SDK against localstripe on loopback.

Covers customers, plans (the sync command), subscriptions created and canceled at
Stripe, localstripe's own signed webhooks delivered to the running app, and
cancel/resume from the billing page. Checkout and the portal, which localstripe
lacks, are checked at the HTTP boundary in test_billing_stripe_checkout.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
import stripe
from sqlalchemy import select

from tests.factories import PASSWORD, gen_plan, gen_user
from tests.localstripe_support import (  # noqa: F401 (fixtures)
    SECRET_KEY,
    billing_database,
    deliver_webhooks_to,
    event,
    localstripe,
    served_app,
    signed,
    stripe_base,
    stripe_config,
    wait_for,
)
from webapp.billing import gateway
from webapp.models import AuditEvent, CustomerSubscription, SubscriptionPlan


def sdk(base: str) -> stripe.StripeClient:
    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": base})


def paying_customer(client: stripe.StripeClient, customer_id: str) -> None:
    """Give the customer a test card so localstripe's first invoice is paid (status active)."""
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    token = client.v1.tokens.create(params={"card": card})
    client.v1.customers.payment_sources.create(customer_id, params={"source": token["id"]})


@pytest.fixture
def stripe_app(app, stripe_base, monkeypatch):
    for key, value in stripe_config(stripe_base).items():
        monkeypatch.setitem(app.config, key, value)
    return app


# --- the plan sync command -----------------------------------------------------------------------


def test_sync_plans_creates_products_and_prices_and_replaces_placeholders(db_session, stripe_app, stripe_base):
    placeholder = gen_plan(db_session, name="Demo Growth", price=Decimal("299.00"),
                           stripe_product_id="prod_demo_growth", stripe_price_id="price_demo_growth")
    fresh = gen_plan(db_session, name="Yearly", price=Decimal("190.00"), interval="year")
    free = gen_plan(db_session, name="Free", price=Decimal("0"))
    retired = gen_plan(db_session, name="Retired", is_active=False)
    runner = stripe_app.test_cli_runner()

    dry = runner.invoke(args=["billing", "sync-plans", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "prod_demo_growth is unknown to Stripe (a placeholder?): replacing it" in dry.output
    assert "would create price" in dry.output and "Dry run: nothing was created or stored." in dry.output
    db_session.expire_all()
    assert placeholder.stripe_product_id == "prod_demo_growth" and fresh.stripe_price_id is None

    result = runner.invoke(args=["billing", "sync-plans"])
    assert result.exit_code == 0, result.output
    db_session.expire_all()
    assert placeholder.stripe_product_id.startswith("prod_") and placeholder.stripe_product_id != "prod_demo_growth"
    stripe_price = sdk(stripe_base).v1.plans.retrieve(fresh.stripe_price_id)
    assert (stripe_price["amount"], stripe_price["interval"], stripe_price["product"]) == (
        19000, "year", fresh.stripe_product_id)
    assert "Free (#%d): free: never billed through Stripe, skipped" % free.id in result.output
    assert retired.stripe_price_id is None and "inactive: skipped" in result.output

    # Run again: nothing to do. Change a price: Stripe prices are immutable, so a new one replaces it.
    old_price = fresh.stripe_price_id
    again = runner.invoke(args=["billing", "sync-plans"])
    assert f"price {old_price} ok" in again.output
    fresh.price = Decimal("200.00")
    db_session.flush()
    changed = runner.invoke(args=["billing", "sync-plans"])
    assert f"price {old_price} no longer matches" in changed.output
    db_session.expire_all()
    assert fresh.stripe_price_id != old_price
    assert sdk(stripe_base).v1.plans.retrieve(fresh.stripe_price_id)["amount"] == 20000


def test_sync_plans_without_stripe_says_so(app, db_session):
    result = app.test_cli_runner().invoke(args=["billing", "sync-plans"])
    assert result.exit_code != 0
    assert "STRIPE_SECRET_KEY is not set" in result.output


# --- the gateway against localstripe ----------------------------------------------------------


def test_the_gateway_creates_a_customer_and_reads_and_changes_subscriptions(db_session, stripe_app, stripe_base):
    user = gen_user(db_session, role="employer")
    client = sdk(stripe_base)
    with stripe_app.app_context():
        customer_id = gateway.ensure_customer(user, None)
        assert gateway.ensure_customer(user, customer_id) == customer_id  # reused, not created again
        product = gateway.create_product("Growth", 1)
        price = gateway.create_recurring_price(product, Decimal("12.34"), "month", 1)
        paying_customer(client, customer_id)
        sub_id = client.v1.subscriptions.create(params={"customer": customer_id, "items": [{"plan": price}]})["id"]
        assert gateway.set_cancel_at_period_end(sub_id, True)["cancel_at_period_end"] is True
        assert gateway.retrieve_subscription(sub_id)["cancel_at_period_end"] is True
        assert gateway.set_cancel_at_period_end(sub_id, False)["cancel_at_period_end"] is False
        with pytest.raises(gateway.NotFoundAtStripe):
            gateway.retrieve_subscription("sub_nobody")
    customer = client.v1.customers.retrieve(customer_id)
    assert (customer["email"], customer["metadata"]["user_id"]) == (user.email, str(user.id))
    assert client.v1.plans.retrieve(price)["amount"] == 1234


def test_checkout_completed_reads_the_subscription_from_stripe(client, db_session, stripe_app, stripe_base):
    """localstripe has no Checkout: the test signs the completed-session event Stripe would send,
    naming a subscription that really exists at localstripe; the app fetches it from there."""
    user = gen_user(db_session, role="employer")
    stripe_client = sdk(stripe_base)
    product = stripe_client.v1.products.create(params={"name": "Starter"})
    price = stripe_client.v1.plans.create(params={"amount": 9900, "currency": "usd", "interval": "month",
                                                 "product": product["id"]})
    plan = gen_plan(db_session, stripe_product_id=product["id"], stripe_price_id=price["id"])
    customer = stripe_client.v1.customers.create(params={"email": user.email})
    paying_customer(stripe_client, customer["id"])
    subscription = stripe_client.v1.subscriptions.create(params={"customer": customer["id"],
                                                                 "items": [{"plan": price["id"]}]})
    session = {"object": "checkout.session", "id": "cs_test_1", "mode": "subscription",
               "customer": customer["id"], "subscription": subscription["id"], "client_reference_id": str(user.id)}
    body, headers = signed(event("checkout.session.completed", session))
    response = client.post("/billing/webhook", data=body, headers=headers)
    assert response.status_code == 200, response.json
    row = db_session.scalar(select(CustomerSubscription).where(CustomerSubscription.user_id == user.id))
    assert (row.plan_id, row.status, row.stripe_customer_id, row.stripe_subscription_id) == (
        plan.id, "active", customer["id"], subscription["id"])
    assert row.current_period_end.timestamp() == subscription["current_period_end"]


# --- end to end: localstripe's signed webhooks reach the running app ------------------------------


def _login(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    response = browser.post(f"{base}/login", data={"email": email, "password": PASSWORD}, allow_redirects=False)
    assert response.status_code == 302, response.text
    return browser


def test_a_subscription_at_stripe_is_applied_by_webhook_and_can_be_canceled_and_resumed(
    billing_database, stripe_base
):
    stripe_client = sdk(stripe_base)
    product = stripe_client.v1.products.create(params={"name": "Growth"})
    price = stripe_client.v1.plans.create(params={"amount": 29900, "currency": "usd", "interval": "month",
                                                 "product": product["id"]})
    with billing_database() as session:
        user = gen_user(session, role="employer")
        plan = gen_plan(session, stripe_product_id=product["id"], stripe_price_id=price["id"])
        session.commit()

    def row() -> CustomerSubscription | None:
        with billing_database() as session:
            return session.scalar(select(CustomerSubscription).where(CustomerSubscription.user_id == user.id))

    with served_app(billing_database.url, stripe_config(stripe_base)) as (base, app):
        deliver_webhooks_to(stripe_base, f"{base}/billing/webhook")
        with app.app_context():
            customer_id = gateway.ensure_customer(user, None)
        paying_customer(stripe_client, customer_id)
        # What Checkout creates for us (localstripe has no Checkout): a subscription naming our user.
        sub = stripe_client.v1.subscriptions.create(params={
            "customer": customer_id, "items": [{"plan": price["id"]}], "metadata": {"user_id": str(user.id)},
        })
        created = wait_for(lambda: (r := row()) and r.stripe_subscription_id == sub["id"] and r,
                           what="customer.subscription.created to be applied")
        assert (created.plan_id, created.status, created.stripe_customer_id) == (plan.id, "active", customer_id)
        assert created.stripe_subscription_item_id == sub["items"]["data"][0]["id"]
        assert created.current_period_end.timestamp() == sub["current_period_end"]

        browser = _login(base, user.email)
        cancel = browser.post(f"{base}/billing/cancel", allow_redirects=False)
        assert cancel.status_code == 303 and cancel.headers["Location"].endswith("/billing")
        assert stripe_client.v1.subscriptions.retrieve(sub["id"])["cancel_at_period_end"] is True
        assert row().cancel_at_period_end is True
        assert browser.post(f"{base}/billing/cancel", allow_redirects=False).status_code == 409  # already set

        assert browser.post(f"{base}/billing/resume", allow_redirects=False).status_code == 303
        assert stripe_client.v1.subscriptions.retrieve(sub["id"])["cancel_at_period_end"] is False
        assert row().cancel_at_period_end is False

        stripe_client.v1.subscriptions.cancel(sub["id"])  # ended at Stripe, e.g. after failed payments
        ended = wait_for(lambda: (r := row()) and r.status == "canceled" and r,
                         what="customer.subscription.deleted to be applied")
        assert ended.stripe_subscription_id == sub["id"]

    with billing_database() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
        assert {"billing.cancel_scheduled", "billing.resumed"} <= set(actions)
        assert session.get(SubscriptionPlan, plan.id) is not None
