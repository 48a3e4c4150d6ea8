"""The Stripe webhook: signature with tolerance, each event once, never backwards, retries on errors.

Events here are built and signed by the test exactly as Stripe signs them; the
localstripe tests (test_billing_stripe*.py) deliver localstripe's own signed events.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from tests.factories import gen_plan, gen_subscription, gen_user
from tests.localstripe_support import WEBHOOK_SECRET, event, signed, subscription_object
from webapp.models import CustomerSubscription, WebhookEvent

URL = "/billing/webhook"
T0 = 1_790_000_000


@pytest.fixture
def webhook_app(app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    return app


@pytest.fixture
def subscriber(db_session):
    user = gen_user(db_session, role="employer")
    plan = gen_plan(db_session, stripe_price_id=f"price_{user.id}", stripe_product_id=f"prod_{user.id}")
    return user, plan


def post(client, evt: dict, **sign_kw):
    body, headers = signed(evt, **sign_kw)
    return client.post(URL, data=body, headers=headers)


def sub_event(user, plan, event_type="customer.subscription.updated", *, created=T0, event_id=None, **fields):
    obj = subscription_object(f"sub_{user.id}", customer=f"cus_{user.id}", price=plan.stripe_price_id,
                              user_id=user.id, **fields)
    return event(event_type, obj, created=created, event_id=event_id)


def row_of(db_session, user) -> CustomerSubscription | None:
    db_session.expire_all()
    return db_session.scalar(select(CustomerSubscription).where(CustomerSubscription.user_id == user.id))


def event_rows(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(WebhookEvent))


def test_a_subscription_event_creates_the_users_subscription_row(client, db_session, webhook_app, subscriber):
    user, plan = subscriber
    response = post(client, sub_event(user, plan, "customer.subscription.created", status="trialing",
                                      trial_end=T0 + 14 * 86400))
    assert response.status_code == 200
    assert response.json["outcome"].startswith("applied")
    row = row_of(db_session, user)
    assert (row.plan_id, row.status, row.stripe_customer_id, row.stripe_subscription_id) == (
        plan.id, "trialing", f"cus_{user.id}", f"sub_{user.id}")
    assert row.stripe_subscription_item_id == f"si_sub_{user.id}"
    assert row.current_period_start.timestamp() == row.start_date.timestamp() == T0
    assert row.current_period_end.timestamp() == T0 + 30 * 86400
    assert row.trial_end.timestamp() == T0 + 14 * 86400
    assert row.cancel_at_period_end is False


@pytest.mark.parametrize("problem", ["missing", "wrong secret", "stale", "tampered", "not json"])
def test_an_unverifiable_delivery_is_refused_and_writes_nothing(client, db_session, webhook_app, subscriber, problem):
    user, plan = subscriber
    evt = sub_event(user, plan, "customer.subscription.created")
    body, headers = signed(evt)
    if problem == "missing":
        headers.pop("Stripe-Signature")
    elif problem == "wrong secret":
        body, headers = signed(evt, secret="whsec_someone_else")
    elif problem == "stale":  # a replay from ten minutes ago, beyond the five-minute tolerance
        body, headers = signed(evt, timestamp=int(time.time()) - 600)
    elif problem == "tampered":
        body = body.replace(b'"active"', b'"canceled"')
    else:
        body, headers = signed(b"not json")
    response = client.post(URL, data=body, headers=headers)
    assert response.status_code == 400
    assert event_rows(db_session) == 0
    assert row_of(db_session, user) is None


def test_the_same_event_delivered_20_times_changes_state_once(client, db_session, webhook_app, subscriber):
    user, plan = subscriber
    cancel = sub_event(user, plan, created=T0, cancel_at_period_end=True, event_id="evt_cancel")
    resume = sub_event(user, plan, created=T0 + 60, cancel_at_period_end=False, event_id="evt_resume")
    assert post(client, cancel).json["outcome"].startswith("applied")
    assert post(client, resume).json["outcome"].startswith("applied")
    outcomes = {post(client, cancel).json["outcome"] for _ in range(19)}
    assert outcomes == {"duplicate: already processed"}
    assert row_of(db_session, user).cancel_at_period_end is False  # the resume still stands
    assert db_session.scalar(select(func.count()).where(WebhookEvent.event_id == "evt_cancel")) == 1


def test_an_older_event_arriving_late_does_not_roll_the_subscription_back(client, db_session, webhook_app, subscriber):
    user, plan = subscriber
    newer = sub_event(user, plan, created=T0 + 120, status="past_due")
    older = sub_event(user, plan, created=T0, status="active")
    assert post(client, newer).status_code == 200
    response = post(client, older)
    assert response.status_code == 200
    assert response.json["outcome"].startswith("stale")
    assert row_of(db_session, user).status == "past_due"


def test_a_canceled_subscription_never_comes_back_even_from_a_same_second_event(
    client, db_session, webhook_app, subscriber
):
    user, plan = subscriber
    post(client, sub_event(user, plan, "customer.subscription.deleted", created=T0, status="canceled",
                           ended_at=T0 + 5))
    response = post(client, sub_event(user, plan, "customer.subscription.created", created=T0, status="active"))
    assert response.json["outcome"].startswith("ignored")
    assert row_of(db_session, user).status == "canceled"


def test_an_unknown_event_type_is_acknowledged_and_ignored(client, db_session, webhook_app, subscriber):
    user, plan = subscriber
    response = post(client, event("customer.tax_id.created", {"object": "tax_id", "id": "txi_1"}))
    assert response.status_code == 200
    assert response.json["outcome"] == "ignored: event type not handled"
    assert db_session.scalar(select(WebhookEvent.applied)) is False
    assert row_of(db_session, user) is None


def test_invoices_move_the_status_between_active_and_past_due(client, db_session, webhook_app, subscriber):
    user, plan = subscriber
    gen_subscription(db_session, user, plan, stripe_subscription_id=f"sub_{user.id}")
    invoice = {"object": "invoice", "id": "in_1", "subscription": f"sub_{user.id}"}
    post(client, event("invoice.payment_failed", invoice, created=T0))
    assert row_of(db_session, user).status == "past_due"
    # Current API versions name the subscription under parent.subscription_details.
    paid = {"object": "invoice", "id": "in_2", "parent": {"subscription_details": {"subscription": f"sub_{user.id}"}}}
    post(client, event("invoice.paid", paid, created=T0 + 60))
    assert row_of(db_session, user).status == "active"


def test_an_event_for_nobody_we_know_is_acknowledged(client, db_session, webhook_app):
    plan = gen_plan(db_session, stripe_price_id="price_x")
    evt = event("customer.subscription.created", subscription_object("sub_stranger", customer="cus_stranger",
                                                                    price="price_x", user_id=None))
    response = post(client, evt)
    assert response.status_code == 200
    assert response.json["outcome"] == "ignored: no user matches this subscription"
    assert db_session.scalar(select(func.count()).where(CustomerSubscription.plan_id == plan.id)) == 0


def test_a_handler_error_rolls_back_and_answers_500_so_stripe_retries(
    client, db_session, webhook_app, subscriber, monkeypatch
):
    """checkout.session.completed reads the subscription from Stripe; Stripe unreachable is a handler error."""
    user, plan = subscriber
    monkeypatch.setitem(webhook_app.config, "STRIPE_SECRET_KEY", "sk_test_unreachable")
    monkeypatch.setitem(webhook_app.config, "STRIPE_API_BASE", "http://127.0.0.1:9")  # discard port: refused
    checkout = {"object": "checkout.session", "id": "cs_1", "mode": "subscription", "subscription": "sub_1",
                "customer": "cus_1", "client_reference_id": str(user.id)}
    response = post(client, event("checkout.session.completed", checkout, event_id="evt_retry_me"))
    assert response.status_code == 500
    assert event_rows(db_session) == 0  # not marked processed: the retry will apply it
    assert row_of(db_session, user) is None


def test_without_a_webhook_secret_the_endpoint_does_not_exist(client, db_session, subscriber):
    user, plan = subscriber
    body, headers = signed(sub_event(user, plan))
    assert client.post(URL, data=body, headers=headers).status_code == 404
    assert event_rows(db_session) == 0
