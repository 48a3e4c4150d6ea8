"""The plan in force, the usage period and `record_usage`'s limits (service level, rolled back)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import gen_plan, gen_subscription, gen_user
from webapp.billing import usage
from webapp.billing.usage import UsageLimitReached, plan_in_force, record_usage
from webapp.models import UsageRecord

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def free_plan(db_session, plan_type="candidate", **kw):
    values = dict(price=Decimal("0"), interview_limit=3, application_limit=2, job_posting_limit=1, sort_order=1)
    return gen_plan(db_session, plan_type, **(values | kw))


def records(db_session, user) -> int:
    return db_session.scalar(select(func.count()).where(UsageRecord.user_id == user.id))


def test_an_active_subscription_sets_the_plan_and_its_period(db_session):
    user = gen_user(db_session, role="employer")
    plan = gen_plan(db_session, "employer")
    start = NOW - timedelta(days=3)
    gen_subscription(db_session, user, plan, current_period_start=start, current_period_end=start + timedelta(days=30))

    in_force = plan_in_force(db_session, user, NOW)

    assert (in_force.plan, in_force.source) == (plan, "subscription")
    assert (in_force.period_start, in_force.period_end) == (start, start + timedelta(days=30))
    assert in_force.limit("job_posting") == 5


@pytest.mark.parametrize("status", ["trialing", "past_due"])
def test_trialing_and_past_due_subscriptions_stay_in_force(db_session, status):
    user = gen_user(db_session, role="employer")
    plan = gen_plan(db_session, "employer")
    gen_subscription(db_session, user, plan, status=status)
    assert plan_in_force(db_session, user).source == "subscription"


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "canceled"},
        {"status": "incomplete"},
        # cancelled at the end of a period that is over: the plan no longer applies
        {"cancel_at_period_end": True, "current_period_end": NOW - timedelta(hours=1)},
    ],
)
def test_without_a_subscription_in_force_the_free_plan_of_the_kind_applies(db_session, overrides):
    candidate = gen_user(db_session, role="user")
    gen_subscription(db_session, candidate, gen_plan(db_session, "candidate"), **overrides)
    free_plan(db_session, "employer")  # another kind's free plan never applies
    later = free_plan(db_session, "candidate", sort_order=5)
    inactive = free_plan(db_session, "candidate", sort_order=0, is_active=False)
    first = free_plan(db_session, "candidate", sort_order=2)

    in_force = plan_in_force(db_session, candidate, NOW)

    assert in_force.plan == first and in_force.plan not in (later, inactive)
    assert in_force.source == "free"
    assert (in_force.period_start, in_force.period_end) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 12, 1, tzinfo=UTC),
    )


def test_without_any_free_plan_nothing_is_limited_but_usage_is_recorded(db_session):
    employer = gen_user(db_session, role="employer")
    in_force = plan_in_force(db_session, employer)
    assert (in_force.plan, in_force.source, in_force.limit("job_posting")) == (None, "none", 0)
    record = record_usage(db_session, employer, "job_posting", "42")
    assert (record.subscription_id, record.resource_id) == (None, "42")


def test_a_lapsed_period_rolls_forward_and_a_yearly_plan_counts_by_month(db_session):
    monthly_user, yearly_user = gen_user(db_session, role="employer"), gen_user(db_session, role="employer")
    old_start = datetime(2026, 8, 15, 9, tzinfo=UTC)
    gen_subscription(
        db_session, monthly_user, gen_plan(db_session, "employer"),
        current_period_start=old_start, current_period_end=datetime(2026, 9, 15, 9, tzinfo=UTC),
    )
    gen_subscription(
        db_session, yearly_user, gen_plan(db_session, "employer", interval="year"),
        current_period_start=old_start, current_period_end=datetime(2027, 8, 15, 9, tzinfo=UTC),
    )

    monthly, yearly = plan_in_force(db_session, monthly_user, NOW), plan_in_force(db_session, yearly_user, NOW)

    this_month = (datetime(2026, 11, 15, 9, tzinfo=UTC), datetime(2026, 12, 15, 9, tzinfo=UTC))
    assert (monthly.period_start, monthly.period_end) == this_month
    assert (yearly.period_start, yearly.period_end) == this_month
    assert yearly.renews_on == datetime(2027, 8, 15, 9, tzinfo=UTC)


def test_record_usage_counts_the_period_and_refuses_past_the_limit(db_session):
    employer = gen_user(db_session, role="employer")
    plan = gen_plan(db_session, "employer", name="Starter", job_posting_limit=2)
    subscription = gen_subscription(db_session, employer, plan)
    # Usage before the period does not count.
    db_session.add(UsageRecord(user_id=employer.id, usage_type="job_posting", created_at=NOW - timedelta(days=40)))
    db_session.flush()

    first = record_usage(db_session, employer, "job_posting", "1")
    record_usage(db_session, employer, "job_posting", "2")
    record_usage(db_session, employer, "interview")  # another type has its own limit
    with pytest.raises(UsageLimitReached) as refused:
        record_usage(db_session, employer, "job_posting", "3")

    assert first.subscription_id == subscription.id
    assert records(db_session, employer) == 4
    message = refused.value.message
    assert "all 2 job postings of your Starter plan" in message and "Upgrade your plan to post more" in message


def test_zero_means_unlimited(db_session):
    candidate = gen_user(db_session, role="user")
    gen_subscription(db_session, candidate, gen_plan(db_session, "candidate", interview_limit=0, application_limit=0))
    for n in range(12):
        record_usage(db_session, candidate, "application", str(n))
    assert records(db_session, candidate) == 12


def test_a_free_plan_limits_applications(db_session):
    candidate = gen_user(db_session, role="user")
    free_plan(db_session, name="Candidate Free", application_limit=1)
    record_usage(db_session, candidate, "application", "7")
    with pytest.raises(UsageLimitReached, match="all 1 application of your Candidate Free plan"):
        record_usage(db_session, candidate, "application", "8")


def test_an_unknown_usage_type_is_a_programming_error(db_session):
    with pytest.raises(ValueError):
        record_usage(db_session, gen_user(db_session), "download")


@pytest.mark.parametrize(
    ("used", "limit", "level", "percent"),
    [
        (0, 10, "ok", 0),
        (7, 10, "ok", 70),
        (8, 10, "warning", 80),
        (10, 10, "reached", 100),
        (12, 10, "reached", 100),
        (5, 0, "ok", 0),
    ],
)
def test_meter_levels(used, limit, level, percent):
    meter = usage.Meter("job_posting", used, limit)
    assert (meter.level, meter.percent, meter.unlimited) == (level, percent, limit == 0)
