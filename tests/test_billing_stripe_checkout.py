"""Checkout, the billing portal and cancel/resume, checked at the HTTP boundary.

localstripe has no Checkout sessions and no billing portal, so these tests point the
gateway (the real `stripe` SDK) at `FakeStripe`: a small recording HTTP server on
loopback that answers like Stripe. The tests assert on the requests the SDK really
sent (path, form fields, API key) and on what the user sees.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_plan, gen_subscription, gen_user
from tests.localstripe_support import SECRET_KEY, WEBHOOK_SECRET
from webapp.models import AuditEvent, CustomerSubscription, StripeCustomer

CHECKOUT_URL = "https://checkout.stripe.test/c/pay/cs_fake"
PORTAL_URL = "https://billing.stripe.test/p/session/bps_fake"
ANSWERS = {
    "/v1/customers": {"id": "cus_fake", "object": "customer"},
    "/v1/checkout/sessions": {"id": "cs_fake", "object": "checkout.session", "url": CHECKOUT_URL},
    "/v1/billing_portal/sessions": {"id": "bps_fake", "object": "billing_portal.session", "url": PORTAL_URL},
}


class FakeStripe:
    """A stand-in for api.stripe.com that records requests; `fail_with` makes it answer an error."""

    def __init__(self):
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.fail_with: int | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                fake.requests.append(("POST", self.path, dict(parse_qsl(body)), dict(self.headers)))
                if fake.fail_with:
                    status, answer = fake.fail_with, {"error": {"type": "api_error", "message": "Something broke"}}
                else:
                    status, answer = 200, ANSWERS.get(self.path.split("?")[0], {"id": "unknown"})
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def sent_to(self, path: str) -> dict:
        return next(fields for method, sent_path, fields, headers in self.requests if sent_path == path)


@pytest.fixture(scope="module")
def fake_stripe():
    fake = FakeStripe()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def stripe_on(app, fake_stripe, monkeypatch):
    fake_stripe.requests.clear()
    fake_stripe.fail_with = None
    for key, value in {"STRIPE_SECRET_KEY": SECRET_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                       "STRIPE_API_BASE": fake_stripe.base}.items():
        monkeypatch.setitem(app.config, key, value)
    return fake_stripe


@pytest.fixture
def employer(db_session, auth):
    user = gen_user(db_session, role="employer")
    auth.login(user.email, PASSWORD)
    return user


@pytest.fixture
def paid_plan(db_session):
    return gen_plan(db_session, name="Growth", stripe_product_id="prod_g", stripe_price_id="price_growth")


def audit_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("billing.%")))


def test_checkout_sends_the_user_to_stripe_with_a_subscription_session(client, db_session, stripe_on, employer,
                                                                        paid_plan):
    response = client.post("/billing/checkout", data={"plan_id": paid_plan.id})
    assert response.status_code == 303
    assert response.headers["Location"] == CHECKOUT_URL
    sent = stripe_on.sent_to("/v1/checkout/sessions")
    assert sent["mode"] == "subscription"
    assert sent["customer"] == "cus_fake"  # created first, for this user
    assert sent["line_items[0][price]"] == "price_growth" and sent["line_items[0][quantity]"] == "1"
    assert sent["client_reference_id"] == str(employer.id)
    assert sent["metadata[user_id]"] == sent["subscription_data[metadata][user_id]"] == str(employer.id)
    assert sent["metadata[plan_id]"] == str(paid_plan.id)
    assert sent["success_url"].endswith("/billing?checkout=success")
    assert sent["cancel_url"].endswith("/billing?checkout=canceled")
    customer = stripe_on.sent_to("/v1/customers")
    assert (customer["email"], customer["metadata[user_id]"]) == (employer.email, str(employer.id))
    headers = stripe_on.requests[-1][3]
    assert headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert audit_count(db_session) == 1


def test_checkout_from_htmx_navigates_the_whole_window(client, db_session, stripe_on, employer, paid_plan):
    response = client.post("/billing/checkout", data={"plan_id": paid_plan.id}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == CHECKOUT_URL


def test_checkout_reuses_the_stored_stripe_customer(client, db_session, stripe_on, employer, paid_plan):
    gen_subscription(db_session, employer, paid_plan, status="canceled", stripe_customer_id="cus_known")
    assert client.post("/billing/checkout", data={"plan_id": paid_plan.id}).status_code == 303
    assert [path for _, path, _, _ in stripe_on.requests] == ["/v1/checkout/sessions"]
    assert stripe_on.sent_to("/v1/checkout/sessions")["customer"] == "cus_known"


def test_checkout_refuses_what_cannot_be_bought_and_writes_nothing(client, db_session, stripe_on, employer, paid_plan):
    """One login for every case (logging in is the slow part); each case is reported on its own."""
    cases = [
        ("no plan", "", 422, "Choose a plan to subscribe to."),
        ("not a number", "12abc", 422, "Choose a plan to subscribe to."),
        ("candidate plan", gen_plan(db_session, "candidate", stripe_price_id="price_c").id, 404, None),
        ("inactive plan", gen_plan(db_session, is_active=False, stripe_price_id="price_i").id, 404, None),
        ("free plan", gen_plan(db_session, price=0).id, 422, "is free: there is nothing to pay for"),
        ("not synced", gen_plan(db_session).id, 409, "cannot be bought online yet"),
    ]
    problems = []
    for case, plan_id, status, message in cases:
        response = client.post("/billing/checkout", data={"plan_id": plan_id})
        if response.status_code != status or (message and message not in response.get_data(as_text=True)):
            problems.append((case, response.status_code))
    gen_subscription(db_session, employer, paid_plan, stripe_subscription_id="sub_live", stripe_customer_id="c")
    response = client.post("/billing/checkout", data={"plan_id": paid_plan.id})
    assert response.status_code == 409
    assert "change plans in the billing portal" in response.get_data(as_text=True)
    assert problems == []
    assert stripe_on.requests == [] and audit_count(db_session) == 0


def test_a_stripe_failure_answers_502_with_a_message_and_writes_nothing(client, db_session, stripe_on, employer,
                                                                       paid_plan):
    gen_subscription(db_session, employer, paid_plan, status="canceled", stripe_customer_id=None)
    stripe_on.fail_with = 500
    response = client.post("/billing/checkout", data={"plan_id": paid_plan.id})
    assert response.status_code == 502
    assert "Stripe could not create a customer" in response.get_data(as_text=True)
    db_session.expire_all()
    row = db_session.scalar(select(CustomerSubscription).where(CustomerSubscription.user_id == employer.id))
    assert row.stripe_customer_id is None and audit_count(db_session) == 0


def test_stripe_unreachable_answers_503(client, db_session, stripe_on, employer, paid_plan, monkeypatch, app):
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")  # nothing listens there
    response = client.post("/billing/checkout", data={"plan_id": paid_plan.id})
    assert response.status_code == 503
    assert "could not be reached" in response.get_data(as_text=True)


def test_the_portal_opens_for_a_stripe_customer(client, db_session, stripe_on, employer, paid_plan):
    gen_subscription(db_session, employer, paid_plan, stripe_customer_id="cus_portal", stripe_subscription_id="s")
    response = client.post("/billing/portal")
    assert (response.status_code, response.headers["Location"]) == (303, PORTAL_URL)
    sent = stripe_on.sent_to("/v1/billing_portal/sessions")
    assert sent["customer"] == "cus_portal" and sent["return_url"].endswith("/billing")


def test_the_portal_needs_a_stripe_customer(client, db_session, stripe_on, employer):
    response = client.post("/billing/portal")
    assert response.status_code == 409
    assert "subscribe to a paid plan first" in response.get_data(as_text=True)
    assert stripe_on.requests == []


def test_without_stripe_configured_the_stripe_routes_say_so(client, db_session, employer, paid_plan):
    for url in ("/billing/checkout", "/billing/portal", "/billing/cancel", "/billing/resume"):
        response = client.post(url, data={"plan_id": paid_plan.id})
        assert response.status_code == 409, url
        assert "Online payment is not set up" in response.get_data(as_text=True)


def test_cancel_needs_a_subscription_at_stripe(client, db_session, stripe_on, employer, paid_plan):
    gen_subscription(db_session, employer, paid_plan)  # an offline subscription: nothing at Stripe
    response = client.post("/billing/cancel")
    assert response.status_code == 409
    assert "no subscription at Stripe" in response.get_data(as_text=True)
    assert stripe_on.requests == []


def test_cancel_sends_cancel_at_period_end_and_fails_cleanly(client, db_session, stripe_on, employer, paid_plan):
    row = gen_subscription(db_session, employer, paid_plan, stripe_subscription_id="sub_c", stripe_customer_id="c")
    stripe_on.fail_with = 402
    response = client.post("/billing/cancel")
    assert response.status_code == 502
    assert stripe_on.requests[0][1] == "/v1/subscriptions/sub_c"
    assert stripe_on.requests[0][2] == {"cancel_at_period_end": "true"}
    db_session.refresh(row)
    assert row.cancel_at_period_end is False and audit_count(db_session) == 0


def test_checkout_started_twice_without_a_subscription_makes_one_stripe_customer(client, db_session, stripe_on,
                                                                                  employer, paid_plan):
    """Abandoning Checkout and starting again reuses the customer made the first time."""
    for _ in range(2):
        assert client.post("/billing/checkout", data={"plan_id": paid_plan.id}).status_code == 303
    paths = [path for _, path, _, _ in stripe_on.requests]
    assert paths == ["/v1/customers", "/v1/checkout/sessions", "/v1/checkout/sessions"]
    assert [fields["customer"] for _, path, fields, _ in stripe_on.requests if path == "/v1/checkout/sessions"] == [
        "cus_fake", "cus_fake"]
    stored = db_session.scalar(select(StripeCustomer.customer_id).where(StripeCustomer.user_id == employer.id))
    assert stored == "cus_fake"
