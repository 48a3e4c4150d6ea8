"""Webhook guarantees under real parallel HTTP requests (app served in a thread on a scratch database)."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import func, select

from tests.factories import gen_plan, gen_user
from tests.localstripe_support import (  # noqa: F401 (fixture)
    WEBHOOK_SECRET,
    billing_database,
    event,
    served_app,
    signed,
    subscription_object,
)
from webapp.models import CustomerSubscription, WebhookEvent

T0 = 1_790_000_000


def _subscriber(billing_database):
    with billing_database() as session:
        user = gen_user(session, role="employer")
        plan = gen_plan(session, stripe_price_id=f"price_par_{user.id}")
        session.commit()
    return user, plan


def _deliver_all_at_once(base: str, deliveries: list[tuple[bytes, dict]]) -> list[requests.Response]:
    barrier = threading.Barrier(len(deliveries))

    def deliver(delivery):
        body, headers = delivery
        barrier.wait()
        return requests.post(f"{base}/billing/webhook", data=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(len(deliveries)) as pool:
        return list(pool.map(deliver, deliveries))


def _event(user, plan, index: int, event_id: str) -> dict:
    obj = subscription_object(f"sub_par_{user.id}", customer=f"cus_par_{user.id}", price=plan.stripe_price_id,
                              user_id=user.id, start=T0 + index * 1000, cancel_at_period_end=index % 2 == 0)
    return event("customer.subscription.updated", obj, created=T0 + index, event_id=event_id)


def test_one_event_delivered_20_times_in_parallel_is_applied_once(billing_database):
    user, plan = _subscriber(billing_database)
    delivery = signed(_event(user, plan, 1, f"evt_par_{user.id}"))
    with served_app(billing_database.url, {"STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}) as (base, _):
        responses = _deliver_all_at_once(base, [delivery] * 20)
    assert [r.status_code for r in responses] == [200] * 20
    outcomes = sorted(r.json()["outcome"].split(":")[0] for r in responses)
    assert outcomes == ["applied"] + ["duplicate"] * 19
    with billing_database() as session:
        assert session.scalar(select(func.count()).where(WebhookEvent.event_id == f"evt_par_{user.id}")) == 1
        rows = session.scalars(select(CustomerSubscription).where(CustomerSubscription.user_id == user.id)).all()
        assert len(rows) == 1 and rows[0].stripe_subscription_id == f"sub_par_{user.id}"


def test_events_of_one_subscription_racing_in_any_order_leave_the_newest_state(billing_database):
    user, plan = _subscriber(billing_database)
    events = [signed(_event(user, plan, index, f"evt_race_{user.id}_{index}")) for index in range(10)]
    random.Random(7).shuffle(events)
    with served_app(billing_database.url, {"STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}) as (base, _):
        responses = _deliver_all_at_once(base, events)
    assert [r.status_code for r in responses] == [200] * 10
    with billing_database() as session:
        row = session.scalar(select(CustomerSubscription).where(CustomerSubscription.user_id == user.id))
        # Event 9 is the newest: its period start and its cancel flag (odd: not cancelling) win.
        assert row.current_period_start.timestamp() == T0 + 9000
        assert row.cancel_at_period_end is False
