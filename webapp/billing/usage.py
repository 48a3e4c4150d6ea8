"""Which plan governs a user, their usage period, and recording usage against the plan's limits.

`record_usage` is the one gate every metered action passes through (job postings,
interview scheduling, applications). It serializes per user with a transaction-level
advisory lock before counting, so parallel requests cannot both take the last unit.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.billing import queries
from webapp.models import USAGE_TYPES, CustomerSubscription, SubscriptionPlan, UsageRecord, User

# Which plans apply to which accounts ("user" is a candidate). Admins have no plan.
PLAN_TYPE_FOR_ROLE = {"user": "candidate", "employer": "employer"}
# A subscription in these states still grants its plan (past_due: Stripe is retrying the payment).
IN_FORCE_STATUSES = ("active", "trialing", "past_due")
LIMIT_COLUMNS = {"interview": "interview_limit", "job_posting": "job_posting_limit", "application": "application_limit"}
# (singular, plural, verb for "… more") per usage type, for meters and messages.
USAGE_WORDS = {
    "interview": ("interview", "interviews", "schedule"),
    "job_posting": ("job posting", "job postings", "post"),
    "application": ("application", "applications", "submit"),
}
# The meters each kind of account sees: candidates neither post jobs nor employers apply.
METERS_BY_PLAN_TYPE = {"employer": ("interview", "job_posting"), "candidate": ("interview", "application")}
WARNING_SHARE = 0.8  # meters warn from 80 % of a limit

# First key of pg_advisory_xact_lock(int, int) for per-user billing locks ("bill"); the second is the user id.
USAGE_LOCK_CLASS = 0x62696C6C


class UsageLimitReached(Exception):
    """The plan's limit for this usage type is used up for the current period; nothing was recorded."""

    def __init__(self, usage_type: str, limit: int, plan_name: str, period_end: datetime):
        singular, plural, verb = USAGE_WORDS[usage_type]
        self.usage_type, self.limit, self.plan_name, self.period_end = usage_type, limit, plan_name, period_end
        self.message = (
            f"You have used all {limit} {singular if limit == 1 else plural} of your {plan_name} plan "
            f"for this period (until {period_end:%d %b %Y}). Upgrade your plan to {verb} more now."
        )
        super().__init__(self.message)


@dataclass(frozen=True)
class PlanInForce:
    """The plan that sets a user's limits now, and the usage period it counts over.

    source: "subscription" (their subscription is in force), "free" (the free plan of
    their kind applies) or "none" (no subscription in force and no free plan offered:
    nothing is limited, usage is still recorded).
    """

    plan: SubscriptionPlan | None
    subscription: CustomerSubscription | None  # the user's row, in force or not (for the billing page)
    source: str
    period_start: datetime  # the usage period: limits count from here...
    period_end: datetime  # ...to here (exclusive)
    renews_on: datetime | None  # end of the subscription's billing period (None without one)

    def limit(self, usage_type: str) -> int:
        """The plan's limit for `usage_type`; 0 means unlimited (also when there is no plan)."""
        if self.plan is None:
            return 0
        return getattr(self.plan, LIMIT_COLUMNS[usage_type]) or 0

    @property
    def billed_subscription(self) -> CustomerSubscription | None:
        """The subscription usage is recorded against: only one in force."""
        return self.subscription if self.source == "subscription" else None


def plan_type_of(user: User) -> str | None:
    return PLAN_TYPE_FOR_ROLE.get(user.role or "")


def lock_user_billing(session: Session, user_id: int) -> None:
    """Serialize billing writes of one user until the transaction ends (commit or rollback)."""
    session.execute(select(func.pg_advisory_xact_lock(USAGE_LOCK_CLASS, user_id)))


def plan_in_force(session: Session, user: User, now: datetime | None = None) -> PlanInForce:
    """The user's subscription if in force, else the free plan of their kind, else no plan."""
    now = now or datetime.now(UTC)
    subscription = session.scalar(queries.select_subscription(user.id))
    if subscription is not None and subscription_in_force(subscription, now):
        period = billing_period(subscription, now)
        start, end = usage_window(period, now)
        return PlanInForce(subscription.plan, subscription, "subscription", start, end, period[1])
    plan_type = plan_type_of(user)
    free = session.scalar(queries.select_free_plan(plan_type)) if plan_type else None
    start, end = calendar_month(now)
    return PlanInForce(free, subscription, "free" if free else "none", start, end, None)


def subscription_in_force(subscription: CustomerSubscription, now: datetime) -> bool:
    """In force: a granting status, a plan, and not past the end of a period it was cancelled at."""
    if subscription.status not in IN_FORCE_STATUSES or subscription.plan is None:
        return False
    ended = subscription.end_date is not None and subscription.end_date <= now
    lapsed = (
        subscription.cancel_at_period_end
        and subscription.current_period_end is not None
        and subscription.current_period_end <= now
    )
    return not (ended or lapsed)


def billing_period(subscription: CustomerSubscription, now: datetime) -> tuple[datetime, datetime]:
    """The subscription's current period, rolled forward in whole intervals if it lapsed.

    Stripe's webhooks move the period on renewal; offline (and before a renewal's
    webhook) nobody does, and usage must not count against a period that is over.
    """
    months = 12 if subscription.plan and subscription.plan.interval == "year" else 1
    start = subscription.current_period_start or subscription.start_date or now
    end = subscription.current_period_end or add_months(start, months)
    anchor, step = start, 0
    while end <= now:
        step += 1
        start, end = add_months(anchor, step * months), add_months(anchor, (step + 1) * months)
    return start, end


def usage_window(period: tuple[datetime, datetime], now: datetime) -> tuple[datetime, datetime]:
    """The month of the billing period that contains `now`: limits are monthly on every plan.

    The plans' features say "per month", and a yearly plan is the monthly one paid in
    advance, so a yearly period counts usage month by month from its start.
    """
    start, end = period
    month = 0
    while add_months(start, month + 1) <= now:
        month += 1
    return add_months(start, month), min(end, add_months(start, month + 1))


def calendar_month(now: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar month containing `now`: the free plans' usage period."""
    start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, add_months(start, 1)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def interval_end(start: datetime, interval: str | None) -> datetime:
    return add_months(start, 12 if interval == "year" else 1)


def record_usage(
    session: Session,
    user: User,
    usage_type: str,
    resource_id: str | None = None,
    *,
    metadata: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> UsageRecord:
    """Check the plan's limit and add one usage record in the caller's transaction.

    Raises UsageLimitReached (writing nothing) when the period's limit is used up.
    The advisory lock is held until the caller commits or rolls back, so the count
    and the insert of concurrent requests for one user never interleave.
    """
    if usage_type not in USAGE_TYPES:
        raise ValueError(f"unknown usage type {usage_type!r}")
    lock_user_billing(session, user.id)
    now = now or datetime.now(UTC)
    in_force = plan_in_force(session, user, now)
    limit = in_force.limit(usage_type)
    if limit:
        used = queries.usage_of_type(session, user.id, usage_type, in_force.period_start, in_force.period_end)
        if used + 1 > limit:
            raise UsageLimitReached(usage_type, limit, in_force.plan.name, in_force.period_end)
    subscription = in_force.billed_subscription
    record = UsageRecord(
        user_id=user.id,
        subscription_id=subscription.id if subscription else None,
        usage_type=usage_type,
        quantity=1,
        resource_id=resource_id,
        metadata_=metadata or {},
        created_at=now,
    )
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class Meter:
    """One usage type's use against its limit in the current period."""

    usage_type: str
    used: int
    limit: int  # 0: unlimited

    @property
    def label(self) -> str:
        return USAGE_WORDS[self.usage_type][1].capitalize()

    @property
    def unlimited(self) -> bool:
        return self.limit == 0

    @property
    def percent(self) -> int:
        return 0 if self.unlimited else min(100, round(100 * self.used / self.limit))

    @property
    def level(self) -> str:
        """"ok", "warning" (from 80 %) or "reached"."""
        if self.unlimited:
            return "ok"
        if self.used >= self.limit:
            return "reached"
        return "warning" if self.used >= WARNING_SHARE * self.limit else "ok"

    @property
    def verb(self) -> str:
        return USAGE_WORDS[self.usage_type][2]


def meters(session: Session, user: User, in_force: PlanInForce) -> list[Meter]:
    """The meters of the user's kind for the period of `in_force`."""
    kinds = METERS_BY_PLAN_TYPE.get(plan_type_of(user) or "", ())
    used = queries.usage_by_type(session, user.id, in_force.period_start, in_force.period_end, kinds) if kinds else {}
    return [Meter(kind, used.get(kind, 0), in_force.limit(kind)) for kind in kinds]


STATE_LABELS = {
    "active": "Active",
    "trialing": "Trialing",
    "past_due": "Past due",
    "cancel_at_period_end": "Cancels at period end",
    "canceled": "Canceled",
    "incomplete": "Incomplete",
    "free": "Free plan",
    "none": "No plan",
}


def billing_state(in_force: PlanInForce) -> str:
    """One key of STATE_LABELS for the billing page's status pill."""
    subscription = in_force.subscription
    if in_force.source == "subscription":
        return "cancel_at_period_end" if subscription.cancel_at_period_end else subscription.status
    if subscription is not None and subscription.status == "incomplete":
        return "incomplete"  # the first payment never went through
    if subscription is not None:
        return "canceled"  # canceled, ended, or lapsed at the end of a cancelled period
    return in_force.source
