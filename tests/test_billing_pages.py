"""The billing page, the plans page and offline plan changes, as employers and candidates see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, gen_plan, gen_subscription, gen_user
from tests.querycount import statements_of
from webapp.models import AuditEvent, CustomerSubscription, UsageRecord


def login(auth, user):
    assert auth.login(user.email, PASSWORD).status_code == 302


def add_usage(db_session, user, usage_type, count, *, at=None):
    at = at or datetime.now(UTC) - timedelta(hours=1)
    db_session.add_all(UsageRecord(user_id=user.id, usage_type=usage_type, created_at=at) for _ in range(count))
    db_session.flush()


def audit_actions(db_session, user) -> list[str]:
    """The user's billing audit events, oldest first."""
    billing = select(AuditEvent.action).where(AuditEvent.actor_id == user.id, AuditEvent.action.startswith("billing."))
    return list(db_session.scalars(billing.order_by(AuditEvent.id)))


def subscription_of(db_session, user) -> CustomerSubscription | None:
    db_session.expire_all()
    return db_session.scalar(select(CustomerSubscription).where(CustomerSubscription.user_id == user.id))


@pytest.fixture
def employer(db_session):
    return gen_user(db_session, role="employer")


def test_the_billing_page_shows_plan_period_and_meters_with_warnings(client, auth, db_session, employer):
    plan = gen_plan(db_session, "employer", name="Team", job_posting_limit=10, interview_limit=0)
    gen_subscription(db_session, employer, plan)
    add_usage(db_session, employer, "job_posting", 8)
    add_usage(db_session, employer, "interview", 3)
    add_usage(db_session, employer, "job_posting", 5, at=datetime.now(UTC) - timedelta(days=40))  # last period
    login(auth, employer)

    page = client.get("/billing").get_data(as_text=True)

    assert "Team" in page and "Active" in page and "Renews on" in page
    assert "Offline billing (demo): no payment is taken" in page
    assert 'role="meter"' in page and 'aria-valuenow="8"' in page and 'aria-valuemax="10"' in page
    assert "8 of 10" in page and "Nearly used up" in page and "2 job postings left" in page
    assert "3 used · Unlimited" in page
    assert "Applications" not in page  # employers do not apply


def test_at_the_limit_the_meter_says_so_and_links_to_the_plans(client, auth, db_session, employer):
    gen_subscription(db_session, employer, gen_plan(db_session, "employer", job_posting_limit=2))
    add_usage(db_session, employer, "job_posting", 2)
    login(auth, employer)
    page = client.get("/billing").get_data(as_text=True)
    assert "Limit reached:" in page and "you cannot post more job postings" in page
    assert 'href="/billing/plans"' in page


def test_a_candidate_without_a_subscription_sees_the_free_plan_and_its_reset(client, auth, db_session):
    candidate = gen_user(db_session, role="user")
    gen_plan(db_session, "candidate", name="Starter Free", price=Decimal("0"), application_limit=10, sort_order=0)
    add_usage(db_session, candidate, "application", 1)
    login(auth, candidate)
    page = client.get("/billing").get_data(as_text=True)
    assert "Starter Free" in page and "Free plan" in page and "Resets on" in page
    assert "1 of 10" in page and "Applications" in page and "Job postings" not in page
    assert "Cancel at period end" not in page  # nothing to cancel on the free plan


def test_states_past_due_and_cancel_at_period_end_are_explained(client, auth, db_session, employer):
    subscription = gen_subscription(db_session, employer, gen_plan(db_session, "employer"), status="past_due")
    login(auth, employer)
    assert "did not go through" in client.get("/billing").get_data(as_text=True)
    subscription.status, subscription.cancel_at_period_end = "active", True
    db_session.flush()
    page = client.get("/billing").get_data(as_text=True)
    assert "Cancels at period end" in page and "Resume" in page


def test_admins_have_no_billing_pages(client, auth, db_session):
    login(auth, gen_user(db_session, role="admin"))
    assert client.get("/billing").status_code == 403
    assert client.get("/billing/plans").status_code == 403


def test_the_plans_page_lists_the_kind_by_interval_and_marks_the_current_plan(client, auth, db_session, employer):
    monthly = gen_plan(db_session, "employer", name="Monthly Team", features=["Rankings", "Analytics"])
    yearly = gen_plan(db_session, "employer", name="Yearly Team", interval="year", price=Decimal("490"))
    gen_plan(db_session, "candidate", name="Candidate Only")
    gen_plan(db_session, "employer", name="Retired Team", is_active=False)
    gen_subscription(db_session, employer, monthly)
    login(auth, employer)

    page = client.get("/billing/plans").get_data(as_text=True)
    assert "Monthly Team" in page and "Current plan" in page and "Rankings" in page and "Analytics" in page
    assert "Yearly Team" not in page and "Candidate Only" not in page and "Retired Team" not in page
    assert 'aria-current="page">Monthly' in page

    page = client.get("/billing/plans?interval=year").get_data(as_text=True)
    assert "Yearly Team" in page and "$490.00" in page and "Current plan" not in page
    assert f'action="/billing/offline/plans/{yearly.id}"' in page
    assert "You are on <strong>Monthly Team</strong>" in page

    assert 'aria-current="page">Monthly' in client.get("/billing/plans?interval=weekly").get_data(as_text=True)


def test_the_interval_toggle_swaps_only_the_plan_grid(client, auth, db_session, employer):
    gen_plan(db_session, "employer", name="Yearly Team", interval="year")
    login(auth, employer)
    response = client.get("/billing/plans?interval=year", headers={"HX-Request": "true", "HX-Target": "plan-grid"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="plan-grid"') and "Yearly Team" in body
    assert "<html" not in body and "HX-Request" in response.headers["Vary"]


def test_the_plans_page_statements_do_not_grow_with_plans(app, client, auth, db_session, employer):
    gen_plan(db_session, "employer")
    login(auth, employer)
    few, _ = statements_of(app, client, "/billing/plans")
    for _ in range(6):
        gen_plan(db_session, "employer")
    many, page = statements_of(app, client, "/billing/plans")
    assert len(many) == len(few) and page.count("plan-card") >= 7


def test_switching_plan_offline_starts_a_period_and_is_audited(client, auth, db_session, employer):
    old = gen_plan(db_session, "employer", name="Old Team")
    new = gen_plan(db_session, "employer", name="New Team")
    gen_subscription(db_session, employer, old, status="past_due", cancel_at_period_end=True)
    login(auth, employer)

    response = client.post(f"/billing/offline/plans/{new.id}", data={"confirm": "yes"})

    assert response.status_code == 302 and response.headers["Location"] == "/billing"
    subscription = subscription_of(db_session, employer)
    assert (subscription.plan_id, subscription.status, subscription.cancel_at_period_end) == (new.id, "active", False)
    assert datetime.now(UTC) - subscription.current_period_start < timedelta(minutes=1)
    assert subscription.current_period_end.month != subscription.current_period_start.month
    assert audit_actions(db_session, employer)[-1] == "billing.plan_switched"
    assert "now on the New Team plan" in client.get("/billing").get_data(as_text=True)


def test_a_first_offline_switch_creates_the_subscription(client, auth, db_session):
    candidate = gen_user(db_session, role="user")
    plan = gen_plan(db_session, "candidate", interval="year")
    login(auth, candidate)
    assert client.post(f"/billing/offline/plans/{plan.id}", data={"confirm": "yes"}).status_code == 302
    subscription = subscription_of(db_session, candidate)
    assert subscription.plan_id == plan.id
    assert subscription.current_period_end.year == subscription.current_period_start.year + 1


def test_bad_switches_are_refused_and_write_nothing(client, auth, db_session, employer):
    unconfirmed = gen_plan(db_session, "employer")
    other_kind = gen_plan(db_session, "candidate")
    retired = gen_plan(db_session, "employer", is_active=False)
    login(auth, employer)
    response = client.post(f"/billing/offline/plans/{unconfirmed.id}", data={})
    assert response.status_code == 400 and "Confirm the change" in response.get_data(as_text=True)
    for plan in (other_kind, retired):  # neither is offered to this employer: it names nothing
        assert client.post(f"/billing/offline/plans/{plan.id}", data={"confirm": "yes"}).status_code == 404
    assert subscription_of(db_session, employer) is None
    assert audit_actions(db_session, employer) == []


def test_switching_to_the_plan_in_force_is_a_conflict(client, auth, db_session, employer):
    plan = gen_plan(db_session, "employer", name="Same Team")
    gen_subscription(db_session, employer, plan)
    login(auth, employer)
    response = client.post(f"/billing/offline/plans/{plan.id}", data={"confirm": "yes"})
    assert response.status_code == 409 and "already on the Same Team plan" in response.get_data(as_text=True)


def test_cancel_at_period_end_then_resume(client, auth, db_session, employer):
    gen_subscription(db_session, employer, gen_plan(db_session, "employer", name="Team"))
    login(auth, employer)

    assert client.post("/billing/offline/cancel", data={"confirm": "yes"}).status_code == 302
    assert subscription_of(db_session, employer).cancel_at_period_end is True
    page = client.get("/billing").get_data(as_text=True)
    assert "Cancels at period end" in page and "/billing/offline/resume" in page
    assert client.post("/billing/offline/cancel", data={"confirm": "yes"}).status_code == 409

    assert client.post("/billing/offline/resume", data={"confirm": "yes"}).status_code == 302
    assert subscription_of(db_session, employer).cancel_at_period_end is False
    assert audit_actions(db_session, employer)[-2:] == ["billing.cancel_scheduled", "billing.resumed"]


def test_cancel_or_resume_without_a_subscription_is_a_conflict(client, auth, db_session, employer):
    login(auth, employer)
    for url in ("/billing/offline/cancel", "/billing/offline/resume"):
        response = client.post(url, data={"confirm": "yes"})
        assert response.status_code == 409 and "no subscription in force" in response.get_data(as_text=True)
    assert audit_actions(db_session, employer) == []


def test_with_stripe_configured_offline_changes_are_refused(app, client, auth, db_session, employer, monkeypatch):
    plan = gen_plan(db_session, "employer", name="Paid Team")
    gen_subscription(db_session, employer, gen_plan(db_session, "employer"))
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_not_used")
    login(auth, employer)

    for url in (f"/billing/offline/plans/{plan.id}", "/billing/offline/cancel", "/billing/offline/resume"):
        response = client.post(url, data={"confirm": "yes"})
        assert response.status_code == 409 and "through Stripe" in response.get_data(as_text=True), url
    assert subscription_of(db_session, employer).plan_id != plan.id
    assert audit_actions(db_session, employer) == []

    page = client.get("/billing/plans").get_data(as_text=True)
    assert "Offline billing" not in page and "/billing/offline/" not in page
    # Subscribing goes through the Stripe blueprint's checkout when it is registered.
    assert ('name="plan_id"' in page) == ("billing_stripe.checkout" in app.view_functions)


def test_with_stripe_configured_the_billing_page_offers_the_stripe_actions(
    app, client, auth, db_session, employer, monkeypatch
):
    gen_subscription(
        db_session, employer, gen_plan(db_session, "employer"),
        stripe_customer_id="cus_test", stripe_subscription_id="sub_test",
    )
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_not_used")
    login(auth, employer)
    page = client.get("/billing?checkout=success").get_data(as_text=True)
    assert "Offline billing" not in page and "/billing/offline/" not in page
    assert "Stripe took your order" in page
    registered = {"billing_stripe.portal", "billing_stripe.cancel"} <= app.view_functions.keys()
    assert ("Manage payment methods" in page and "Cancel at period end" in page) == registered
