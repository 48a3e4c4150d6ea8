"""Plan features through Stripe (localstripe on loopback): a plan changed at Stripe (as the billing portal
does) reaches the app by webhook, and the next request is gated by the new plan."""

from __future__ import annotations

from decimal import Decimal

import requests
import stripe
from sqlalchemy import select

from tests.factories import PASSWORD, gen_company, gen_job, gen_plan, gen_user
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
from webapp.models import CustomerSubscription


def test_a_downgrade_in_the_portal_closes_analytics_and_the_plans_page_warned_first(billing_database, stripe_base):
    sdk = stripe.StripeClient(SECRET_KEY, base_addresses={"api": stripe_base})
    product = sdk.v1.products.create(params={"name": "Plans"})
    growth_price, starter_price = (
        sdk.v1.plans.create(params={"amount": cents, "currency": "usd", "interval": "month", "product": product["id"]})
        for cents in (29900, 9900)
    )
    with billing_database() as session:
        user = gen_user(session, role="employer")
        company = gen_company(session, user)
        for _ in range(4):
            gen_job(session, company)
        growth = gen_plan(session, name="Growth Stripe", price=Decimal("299"), job_posting_limit=25,
                          features=["Analytics dashboard", "Custom score weights"], stripe_price_id=growth_price["id"])
        starter = gen_plan(session, name="Starter Stripe", price=Decimal("99"), job_posting_limit=3,
                           features=["Candidate rankings"], stripe_price_id=starter_price["id"])
        session.commit()

    def plan_id() -> int | None:
        with billing_database() as session:
            row = session.scalar(select(CustomerSubscription).where(CustomerSubscription.user_id == user.id))
            return row.plan_id if row else None

    with served_app(billing_database.url, stripe_config(stripe_base)) as (base, app):
        deliver_webhooks_to(stripe_base, f"{base}/billing/webhook")
        with app.app_context():
            customer_id = gateway.ensure_customer(user, None)
        card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
        sdk.v1.customers.payment_sources.create(customer_id, params={"source": sdk.v1.tokens.create(
            params={"card": card})["id"]})
        sub = sdk.v1.subscriptions.create(params={
            "customer": customer_id, "items": [{"plan": growth_price["id"]}], "metadata": {"user_id": str(user.id)},
        })
        wait_for(lambda: plan_id() == growth.id, what="the Growth subscription to be applied")

        browser = requests.Session()
        login = browser.post(f"{base}/login", data={"email": user.email, "password": PASSWORD}, allow_redirects=False)
        assert login.status_code == 302
        assert browser.get(f"{base}/analytics").status_code == 200

        plans = browser.get(f"{base}/billing/plans").text
        card_html = plans[plans.index(f'id="plan-{starter.id}-name"'):]
        assert "Switch to Starter Stripe…" in card_html and "Continue in the billing portal" in card_html
        assert "<strong>Analytics.</strong>" in card_html
        assert "You have 4 active jobs; Starter Stripe allows 3 job postings per month." in card_html

        # What the billing portal does on a switch: the subscription's item moves to the other price, and
        # Stripe sends customer.subscription.updated (localstripe sends no event for it: signed here).
        item = sub["items"]["data"][0]["id"]
        sdk.v1.subscriptions.update(sub["id"], params={"items": [{"id": item, "plan": starter_price["id"]}]})
        updated = sdk.v1.subscriptions.retrieve(sub["id"]).to_dict()
        body, headers = signed(event("customer.subscription.updated", updated))
        assert requests.post(f"{base}/billing/webhook", data=body, headers=headers, timeout=10).status_code == 200
        wait_for(lambda: plan_id() == starter.id, what="the switch to Starter to be applied")

        refused = browser.get(f"{base}/analytics")
        assert refused.status_code == 402 and "Analytics is not included in your Starter Stripe plan" in refused.text
        assert "<strong>Growth Stripe</strong>" in refused.text
        assert browser.get(f"{base}/analytics.csv").status_code == 402
        assert 'href="/analytics"' not in browser.get(f"{base}/billing").text  # the navigation follows
