"""Deleting a plan while a subscription to it is being committed: a clear 409, never a 5xx."""

from __future__ import annotations

import threading

import requests
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_plan, gen_user
from tests.localstripe_support import billing_database, served_app, wait_for  # noqa: F401 (fixture)
from tests.locks import lock_waiters
from webapp.models import CustomerSubscription, SubscriptionPlan


def test_a_subscription_committed_during_the_delete_stops_it_with_a_message(billing_database):
    with billing_database() as session:
        admin = gen_user(session, role="admin")
        subscriber = gen_user(session, role="employer")
        plan = gen_plan(session, name="Contested")
        session.commit()

    with served_app(billing_database.url, {}) as (base, _), billing_database() as racer:
        browser = requests.Session()
        assert browser.post(f"{base}/login", data={"email": admin.email, "password": PASSWORD},
                            allow_redirects=False).status_code == 302
        # The confirmation page was shown while nobody used the plan...
        assert "Yes, delete the plan" in browser.get(f"{base}/admin/plans/{plan.id}/delete").text
        # ...then a subscription to it is inserted but not yet committed (it holds a key-share lock on the plan).
        racer.add(CustomerSubscription(user_id=subscriber.id, plan_id=plan.id, status="active"))
        racer.flush()
        result = {}
        deleting = threading.Thread(
            target=lambda: result.update(response=browser.post(f"{base}/admin/plans/{plan.id}/delete",
                                                               allow_redirects=False))
        )
        deleting.start()
        wait_for(lambda: lock_waiters(racer), what="the DELETE to wait for the subscription's transaction")
        racer.commit()
        deleting.join(timeout=30)

    response = result["response"]
    assert response.status_code == 409
    assert "cannot be deleted: 1 subscription uses it" in response.text
    with billing_database() as session:
        assert session.get(SubscriptionPlan, plan.id) is not None
        assert session.scalar(select(func.count()).where(CustomerSubscription.plan_id == plan.id)) == 1
