"""Plan-gated features (analytics, custom score weights) are enforced on every route that uses them,
plan limits read once in one wording, and a switch says beforehand what it changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_company, gen_job, gen_plan, gen_subscription, gen_user
from webapp.billing import features
from webapp.billing.usage import plan_in_force
from webapp.billing.wording import limit_phrase, listed_features, restates_limit
from webapp.models import DynamicScoreWeight

GATED = ["Candidate rankings", "Custom score weights", "Analytics dashboard"]
HTMX = {"HX-Request": "true"}
ANALYTICS_URLS = ("/analytics", "/analytics?range=30", "/analytics.csv", "/analytics/jobs.csv")


def login(auth, user):
    assert auth.login(user.email, PASSWORD).status_code == 302


@pytest.fixture
def plans(db_session):
    """A free plan, a cheap one without the gated features and one with them (Growth), all for employers."""
    return {
        "free": gen_plan(db_session, name="Free", price=Decimal("0"), interview_limit=5, job_posting_limit=1,
                         features=["1 job posting per month", "Candidate rankings"], sort_order=1),
        "starter": gen_plan(db_session, name="Starter", price=Decimal("99"), interview_limit=50,
                            job_posting_limit=3, features=["Candidate rankings"], sort_order=2),
        "growth": gen_plan(db_session, name="Growth", price=Decimal("299"), interview_limit=250,
                           job_posting_limit=25, features=GATED, sort_order=3),
    }


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    company = gen_company(db_session, user)
    job = gen_job(db_session, company, title="Robotics Engineer")
    return user, company, job


def switch(client, plan):
    response = client.post(f"/billing/offline/plans/{plan.id}", data={"confirm": "yes"})
    assert response.status_code == 302, response.get_data(as_text=True)


# --- the gate ---------------------------------------------------------------------------------------


def test_a_plan_without_analytics_refuses_the_page_its_fragments_and_exports(client, auth, db_session, plans,
                                                                           employer):
    user, _company, _job = employer
    gen_subscription(db_session, user, plans["starter"])
    login(auth, user)
    for url in ANALYTICS_URLS:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 402, url
        assert "Analytics is not included in your Starter plan" in page and "<strong>Growth</strong>" in page
        assert 'href="/billing/plans"' in page and 'href="/billing"' in page and "text/csv" not in response.mimetype

    fragment = client.get("/analytics?range=30", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 402 and "<html" not in body and "is not included in your Starter plan" in body
    assert fragment.headers["HX-Retarget"] == "#main" and fragment.headers["HX-Reswap"] == "innerHTML"


def test_the_free_plan_governs_without_a_subscription_and_after_one_ends(client, auth, db_session, plans, employer):
    user, _company, _job = employer
    login(auth, user)
    assert client.get("/analytics").status_code == 402  # the free plan of employers has no analytics
    gen_subscription(db_session, user, plans["growth"], status="canceled",
                     end_date=datetime.now(UTC) - timedelta(days=1))
    assert client.get("/analytics").status_code == 402


def test_with_no_plan_offered_nothing_is_gated(client, auth, db_session, employer):
    user, _company, job = employer
    login(auth, user)
    assert client.get("/analytics").status_code == 200
    assert client.get(f"/jobs/{job.id}/weights").status_code == 200


def test_weights_editing_is_refused_without_custom_weights(client, auth, db_session, plans, employer):
    user, _company, job = employer
    gen_subscription(db_session, user, plans["starter"])
    login(auth, user)
    form = {"technical_adjustment": "0.05", "skills_adjustment": "-0.05", "cultural_fit_adjustment": "0.00",
            "sentiment_adjustment": "0.00", "value_alignment_weight": "0.40", "confidence_weight": "0.20",
            "enthusiasm_weight": "0.20", "authenticity_weight": "0.20"}
    for method, url, data in (
        ("get", f"/jobs/{job.id}/weights", None),
        ("post", f"/jobs/{job.id}/weights", form),
        ("post", f"/jobs/{job.id}/weights/preview", form),
        ("post", f"/jobs/{job.id}/weights/reset", {}),
        ("get", f"/jobs/{job.id}/rankings/weights?w_technical=50&w_skills=50", None),
        ("post", f"/jobs/{job.id}/rankings/weights", {"confirmed": "yes", "w_technical": "50", "w_skills": "50"}),
    ):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 402, (method, url, response.status_code)
        assert "Custom score weights is not included in your Starter plan" in response.get_data(as_text=True)
    preview = client.post(f"/jobs/{job.id}/weights/preview", data=form, headers=HTMX)
    assert preview.status_code == 402 and "<html" not in preview.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(DynamicScoreWeight)) == 0  # nothing was written


def test_upgrading_opens_the_features_and_downgrading_closes_them(client, auth, db_session, plans, employer):
    user, _company, job = employer
    gen_subscription(db_session, user, plans["starter"])
    login(auth, user)
    assert client.get("/analytics").status_code == 402
    switch(client, plans["growth"])
    assert client.get("/analytics").status_code == 200
    assert client.get("/analytics.csv").status_code == 200
    assert client.get(f"/jobs/{job.id}/weights").status_code == 200
    switch(client, plans["starter"])
    assert client.get("/analytics").status_code == 402
    assert client.get(f"/jobs/{job.id}/weights").status_code == 402


def test_a_plan_changed_at_stripe_is_what_the_gate_reads(client, auth, db_session, plans, employer):
    """The webhook rewrites the subscription's plan; the next request follows it."""
    user, _company, _job = employer
    subscription = gen_subscription(db_session, user, plans["growth"], stripe_subscription_id="sub_1")
    login(auth, user)
    assert client.get("/analytics").status_code == 200
    subscription.plan_id = plans["starter"].id
    db_session.flush()
    db_session.expire_all()
    assert client.get("/analytics").status_code == 402


def test_the_navigation_hides_what_the_plan_lacks(client, auth, db_session, plans, employer):
    user, _company, job = employer
    gen_subscription(db_session, user, plans["starter"])
    login(auth, user)
    assert 'href="/analytics"' not in client.get("/dashboard").get_data(as_text=True)  # known from the login
    page = client.get("/billing").get_data(as_text=True)
    assert 'href="/analytics"' not in page
    assert "Score weights" not in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    switch(client, plans["growth"])
    page = client.get("/billing").get_data(as_text=True)
    assert 'href="/analytics"' in page
    assert "Score weights" in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_the_gated_plan_is_the_plan_in_force(db_session, plans, employer):
    """One statement decides as `plan_in_force` does, in each state of the subscription."""
    user, _company, _job = employer
    now = datetime.now(UTC)
    assert features.governing_plan(db_session, user) == plan_in_force(db_session, user).plan == plans["free"]
    subscription = gen_subscription(db_session, user, plans["growth"])
    for changes in ({}, {"status": "past_due"}, {"status": "canceled"}, {"status": "incomplete"},
                    {"status": "active", "cancel_at_period_end": True, "current_period_end": now - timedelta(hours=1)},
                    {"cancel_at_period_end": False, "end_date": now - timedelta(days=1)}):
        for key, value in changes.items():
            setattr(subscription, key, value)
        db_session.flush()
        assert features.governing_plan(db_session, user) == plan_in_force(db_session, user).plan, changes


def test_a_feature_is_switched_on_by_its_line_whatever_the_spacing_or_case(db_session):
    plan = gen_plan(db_session, features=["  analytics   DASHBOARD ", {"name": "Custom score weights"}, "SSO"])
    assert features.included(plan) == {"analytics", "custom_score_weights"}
    assert features.names(plan) == ["Analytics", "Custom score weights"]
    assert features.included(gen_plan(db_session, features=None)) == frozenset()


# --- wording ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "usage_type", "expected"),
    [
        (1, "job_posting", "1 job posting per month"),
        (3, "job_posting", "3 job postings per month"),
        (0, "job_posting", "Unlimited job postings"),
        (None, "interview", "Unlimited interviews"),
        (1, "interview", "1 interview per month"),
        (1500, "application", "1,500 applications per month"),
    ],
)
def test_limits_are_worded_with_correct_plurals(limit, usage_type, expected):
    assert limit_phrase(limit, usage_type) == expected


def test_feature_lines_that_restate_a_limit_are_left_out(db_session):
    assert restates_limit("5 AI interviews per month") and restates_limit("Unlimited practice interviews")
    assert restates_limit("25 active job postings") and restates_limit("10 applications per month")
    assert not restates_limit("Candidate rankings") and not restates_limit("Two months free")
    plan = gen_plan(db_session, features=["1 job posting per month", "Rankings", " rankings ", "", "SSO"])
    assert listed_features(plan) == ["Rankings", "SSO"]


def test_the_plans_page_lists_each_limit_once_in_one_wording(client, auth, db_session, plans, employer):
    user, _company, _job = employer
    login(auth, user)
    page = client.get("/billing/plans").get_data(as_text=True)
    assert page.count("1 job posting per month") == 1 and "1 job postings" not in page
    assert "3 job postings per month" in page and "5 interviews per month" in page
    billing = client.get("/billing").get_data(as_text=True)  # the free plan's card lists the same lines
    assert billing.count("1 job posting per month") == 1 and "Candidate rankings" in billing


def test_the_admin_plans_list_uses_the_same_wording(client, auth, db_session, plans):
    login(auth, gen_user(db_session, role="admin"))
    page = client.get("/admin/plans").get_data(as_text=True)
    row = page[page.index(f'id="plan-{plans["growth"].id}"'):]
    row = row[: row.index("</tr>")]
    assert ">250 per month<" in row and ">Unlimited<" in row and "Includes Analytics, Custom score weights" in row


# --- what a switch changes --------------------------------------------------------------------------


def panel(page: str, plan) -> str:
    """The confirmation panel of `plan`'s card on the plans page."""
    start = page.index(f'id="plan-{plan.id}-name"')
    end = page.find('class="card plan-card', start)
    return page[start:] if end == -1 else page[start:end]


def test_a_downgrade_says_what_is_lost_and_what_happens_to_open_jobs(client, auth, db_session, plans, employer):
    user, company, _job = employer
    for _ in range(6):
        gen_job(db_session, company)
    gen_job(db_session, company, is_active=False)  # closed jobs do not count
    gen_subscription(db_session, user, plans["growth"])
    login(auth, user)
    page = client.get("/billing/plans").get_data(as_text=True)
    starter = panel(page, plans["starter"])
    assert "What you lose" in starter
    assert "<strong>Analytics.</strong> The analytics page and its CSV exports are refused" in starter
    assert "<strong>Custom score weights.</strong> Jobs keep the weights saved now" in starter
    assert "<strong>Job postings: 25 per month → 3 per month.</strong>" in starter
    assert "<strong>Interviews: 250 per month → 50 per month.</strong>" in starter
    assert ("You have 7 active jobs; Starter allows 3 job postings per month. Nothing is deactivated: "
            "all 7 stay open") in starter
    assert "posting another is refused until the next month starts" in starter
    assert f'action="/billing/offline/plans/{plans["starter"].id}"' in starter


def test_an_upgrade_lists_what_is_gained_and_warns_of_nothing(client, auth, db_session, plans, employer):
    user, _company, _job = employer
    gen_subscription(db_session, user, plans["starter"])
    login(auth, user)
    growth = panel(client.get("/billing/plans").get_data(as_text=True), plans["growth"])
    assert "What you gain" in growth and "What you lose" not in growth and "active job" not in growth
    assert "<li>Analytics</li>" in growth and "<li>Job postings: 3 per month → 25 per month</li>" in growth


def test_with_stripe_the_switch_to_the_portal_says_what_changes_first(app, client, auth, db_session, plans,
                                                                      employer, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_not_called")
    user, company, _job = employer
    for _ in range(4):
        gen_job(db_session, company)
    gen_subscription(db_session, user, plans["growth"], stripe_subscription_id="sub_1", stripe_customer_id="cus_1")
    login(auth, user)
    starter = panel(client.get("/billing/plans").get_data(as_text=True), plans["starter"])
    assert "Switch to Starter…" in starter and "What you lose" in starter
    assert "You have 5 active jobs; Starter allows 3 job postings per month." in starter
    assert 'action="/billing/portal"' in starter and "Continue in the billing portal" in starter


def test_cancelling_says_what_the_free_plan_takes_away(client, auth, db_session, plans, employer):
    user, company, _job = employer
    gen_job(db_session, company)
    gen_subscription(db_session, user, plans["growth"])
    login(auth, user)
    page = client.get("/billing").get_data(as_text=True)
    cancel = page[page.index("Cancel at period end…"):]
    assert "Then, on Free:" in cancel and "<strong>Analytics.</strong>" in cancel
    assert "<strong>Job postings: 25 per month → 1 per month.</strong>" in cancel
    assert "You have 2 active jobs; Free allows 1 job posting per month." in cancel


def test_the_admin_plan_form_says_which_lines_switch_features_on(client, auth, db_session):
    login(auth, gen_user(db_session, role="admin"))
    page = client.get("/admin/plans/new").get_data(as_text=True)
    assert "“Analytics dashboard”, “Custom score weights”" in page and "is not shown" in page


def test_the_switch_message_names_the_features_left_behind(client, auth, db_session, plans, employer):
    user, _company, _job = employer
    gen_subscription(db_session, user, plans["growth"])
    login(auth, user)
    switch(client, plans["starter"])
    page = client.get("/billing").get_data(as_text=True)
    assert "You are now on the Starter plan" in page
    assert "It does not include analytics or custom score weights." in page
