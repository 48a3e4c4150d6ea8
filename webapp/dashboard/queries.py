"""Reads for the role dashboards: each returns rows scoped to the caller.

Counts come from the trigger-kept counters (webapp/models/counters.py), never from a
scan of a company's or the platform's history; lists are bounded index reads.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from webapp.interviews.queries import (
    has_notes,  # the interviews list's definition of "reviewed"
)
from webapp.models import (
    Company,
    InterviewSession,
    Job,
    SentimentSession,
    SubscriptionPlan,
    User,
    interview_date,
)
from webapp.models.counters import CompanyDayCount, JobInterviewCount, PlatformCount
from webapp.team.scope import assigned_to, on_job_team


def week_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday, in `now`'s time zone."""
    start = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=7)


# The employer dashboard's statements are built once per process (cache keys memoized too) and
# executed with their values as parameters; the select_* functions bind them for other callers.


@cache
def _company_of() -> Select:
    return select(Company).where(Company.user_id == bindparam("user_id"))


def company_of(session: Session, user_id: int) -> Company | None:
    return session.scalar(_company_of(), {"user_id": user_id})


def _on_team(jobs_id):
    """The job is on the hiring team of {"member": ...} (a hiring manager's dashboard)."""
    return on_job_team(jobs_id, bindparam("member", type_=Integer))


@cache
def active_jobs(limit: int = 8, team: bool = False) -> Select:
    """Active jobs, newest first, each with how many interviews it has (its counter rows); {"company_id": ...}.
    `team`: only the jobs whose hiring team {"member": ...} is on."""
    interviews = (
        select(func.coalesce(func.sum(JobInterviewCount.interviews), 0))
        .where(JobInterviewCount.job_id == Job.id)
        .correlate(Job)
        .scalar_subquery()
    )
    return (
        # How many active jobs there are rides along (counted before the limit): one statement, not two.
        select(
            Job.id, Job.title, Job.job_focus, Job.created_at, interviews.label("interview_count"),
            func.count().over().label("active_job_count"),
        )
        .where(Job.company_id == bindparam("company_id"), Job.is_active.is_(True), *([_on_team(Job.id)] if team else []))
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(limit)
    )


def select_active_jobs(company_id: int, limit: int = 8) -> Select:
    return active_jobs(limit).params(company_id=company_id)


@cache
def interviews_by_status() -> Select:
    """Interviews of the company's jobs dated in the UTC days [first_day, stop_day), counted per status;
    {"company_id": ..., "first_day": ..., "stop_day": ...}.

    The counters date an interview by when it started, else when it is planned (migration 0016): a
    scheduled interview counts on its planned day, moves with a reschedule, and to its real day once it starts.
    """
    return (
        select(CompanyDayCount.status, func.sum(CompanyDayCount.interviews).label("count"))
        .where(
            CompanyDayCount.company_id == bindparam("company_id"),
            CompanyDayCount.day >= bindparam("first_day", type_=Date),
            CompanyDayCount.day < bindparam("stop_day", type_=Date),
        )
        .group_by(CompanyDayCount.status)
        .having(func.sum(CompanyDayCount.interviews) > 0)
    )


def select_interviews_by_status(company_id: int, start: datetime, end: datetime) -> Select:
    return interviews_by_status().params(company_id=company_id, first_day=start.date(), stop_day=end.date())


@cache
def recent_completed_interviews(limit: int = 10) -> Select:
    """The documented "recent interviews" pattern, scoped to one company's jobs, practice left out.

    The company-day counters bound the search: the `limit` newest days with a completed interview
    hold at least `limit` of them, so only sessions from the first of those days on are read. The
    planner then walks the platform's newest completed sessions (a big company finds ten at once)
    or each job's newest (a small company with few jobs), never a company's whole history.
    Built once per process (its cache key too); execute it with {"company_id": ...}.
    """
    company_id = bindparam("company_id")
    newest_days = (
        select(CompanyDayCount.day)
        .where(
            CompanyDayCount.company_id == company_id,
            CompanyDayCount.status == "completed",
            CompanyDayCount.interviews > 0,
        )
        .order_by(CompanyDayCount.day.desc())
        .limit(limit)
        .subquery("newest_days")
    )
    since = select(func.timezone("UTC", cast(func.min(newest_days.c.day), DateTime))).scalar_subquery()
    # The ten rows come straight from the session walk (no self-join); only the job title and the
    # candidate's name are joined in (the company is the caller's own: fewer relations to plan).
    latest = (
        select(
            InterviewSession.id,
            InterviewSession.session_id,
            InterviewSession.start_time,
            InterviewSession.completion_percentage,
            InterviewSession.technical_accuracy,
            InterviewSession.behavioral_score,
            InterviewSession.job_id,
            InterviewSession.user_id,
        )
        .where(
            InterviewSession.status == "completed",
            InterviewSession.is_practice.is_not(True),
            InterviewSession.start_time >= since,
            InterviewSession.job_id.in_(select(Job.id).where(Job.company_id == company_id)),
        )
        .order_by(InterviewSession.start_time.desc(), InterviewSession.id.desc())
        .limit(limit)
        .subquery("latest")
    )
    return (
        select(
            latest.c.id,
            latest.c.session_id,
            latest.c.start_time,
            latest.c.completion_percentage,
            latest.c.technical_accuracy,
            latest.c.behavioral_score,
            latest.c.job_id,
            latest.c.user_id,
            Job.title.label("job_title"),
            User.first_name,
            User.last_name,
            User.username,
        )
        .join(Job, latest.c.job_id == Job.id)
        .join(User, latest.c.user_id == User.id)
        .order_by(latest.c.start_time.desc(), latest.c.id.desc())
    )


# --- Needs attention -------------------------------------------------------------------------------
# Three short lists, each bounded twice: to a window of days (ATTENTION_DAYS back, or today) that each
# job's index range serves (ix_interview_session_completed_job_start, idx_interview_session_job_when),
# and to `limit + 1` rows (the extra row says "there are more": the card then links to the full list).

ATTENTION_DAYS = 7
# Statuses written into the SQL, not sent as parameters: a generic plan (psycopg prepares a statement run
# often) sees `status = $1`, which ix_interview_session_completed_job_start's `WHERE status = 'completed'`
# does not match, and reads every session of each job instead.
COMPLETED, CANCELLED = literal_column("'completed'", String), literal_column("'cancelled'", String)
ATTENTION_KINDS = ("unreviewed", "today", "difficulty")


@cache
def needs_attention(limit: int = 5, team: bool = False) -> Select:
    """The company's interviews that need a look, as (kind, ...) rows; {"company_id", "since", "now",
    "day_start", "day_end"} (aware datetimes; days are UTC days: companies have no time zone).

    - unreviewed: completed since `since` and without interviewer notes (the only review record), newest first;
    - today: dated in [day_start, day_end) (started, else planned), cancelled ones left out, earliest first;
    - difficulty: a technical difficulty was reported, dated between `since` and now, newest first.
    Every row carries `today_total`: today's interviews (cancelled left out) from the company-day counters.
    `team`: only the jobs whose hiring team {"member": ...} is on, and today's total counted from their
    sessions (each job's index range of one day), never the company's counters.
    """
    company_jobs = select(Job.id).where(
        Job.company_id == bindparam("company_id"), *([_on_team(Job.id)] if team else [])
    ).scalar_subquery()
    when = interview_date()
    since, now = bindparam("since", type_=DateTime(timezone=True)), bindparam("now", type_=DateTime(timezone=True))
    day_start = bindparam("day_start", type_=DateTime(timezone=True))
    day_end = bindparam("day_end", type_=DateTime(timezone=True))
    employer = [InterviewSession.is_practice.is_not(True), InterviewSession.job_id.in_(company_jobs)]

    def branch(kind: str, conditions: list, order: list):
        return (
            select(literal(kind).label("kind"), InterviewSession.id, when.label("interview_date"))
            .where(*employer, *conditions)
            .order_by(*order)
            .limit(limit + 1)
        )

    branches = union_all(
        branch("unreviewed", [InterviewSession.status == COMPLETED, InterviewSession.start_time >= since,
                              ~has_notes()],
               [InterviewSession.start_time.desc(), InterviewSession.id.desc()]),
        branch("today", [when >= day_start, when < day_end, InterviewSession.status != CANCELLED],
               [when.asc(), InterviewSession.id.asc()]),
        branch("difficulty", [InterviewSession.technical_difficulty_reported.is_(True), when >= since, when <= now],
               [when.desc(), InterviewSession.id.desc()]),
    ).subquery("attention")
    today_total = (
        select(func.coalesce(func.sum(CompanyDayCount.interviews), 0))
        .where(
            CompanyDayCount.company_id == bindparam("company_id"),
            CompanyDayCount.day == cast(func.timezone("UTC", day_start), Date),
            CompanyDayCount.status != "cancelled",
        )
        .scalar_subquery()
    )
    if team:
        today_total = (
            select(func.count())
            .select_from(InterviewSession)
            .where(*employer, when >= day_start, when < day_end, InterviewSession.status != CANCELLED)
            .scalar_subquery()
        )
    return _interview_rows(branches, today_total.label("today_total"))


def _interview_rows(branches, *extra) -> Select:
    """The interviews a dashboard card lists (by `branches`' kind and id), with their job and candidate."""
    return (
        select(
            branches.c.kind,
            # Naive UTC whatever the connection's time zone (the page labels it UTC).
            func.timezone("UTC", branches.c.interview_date).label("date_utc"),
            InterviewSession.session_id,
            InterviewSession.status,
            InterviewSession.user_id,
            Job.id.label("job_id"),
            Job.title.label("job_title"),
            User.first_name,
            User.last_name,
            User.username,
            *extra,
        )
        .select_from(branches)
        .join(InterviewSession, InterviewSession.id == branches.c.id)
        .join(Job, InterviewSession.job_id == Job.id)
        .outerjoin(User, InterviewSession.user_id == User.id)
    )


def attention_values(company_id: int, now: datetime) -> dict:
    """needs_attention's parameters at `now` (aware, UTC)."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return {"company_id": company_id, "since": now - timedelta(days=ATTENTION_DAYS), "now": now,
            "day_start": day_start, "day_end": day_start + timedelta(days=1)}


def select_needs_attention(company_id: int, now: datetime, limit: int = 5) -> Select:
    """needs_attention with its values bound (for EXPLAIN and callers without parameters)."""
    return needs_attention(limit).params(attention_values(company_id, now))


def select_recent_completed_interviews(company_id: int, limit: int = 10) -> Select:
    """recent_completed_interviews with the company bound (for callers without parameters)."""
    return recent_completed_interviews(limit).params(company_id=company_id)


def select_recent_practice_sessions(user_id: int, limit: int = 10) -> Select:
    """A candidate's own practice sessions with the overall sentiment, newest first (by when they started,
    else when they are planned)."""
    when = interview_date()
    return (
        select(
            InterviewSession.id,
            InterviewSession.session_id,
            when.label("interview_date"),
            InterviewSession.status,
            InterviewSession.completion_percentage,
            Job.title.label("job_title"),
            SentimentSession.overall_sentiment,
            SentimentSession.confidence_level,
        )
        .outerjoin(Job, InterviewSession.job_id == Job.id)
        .outerjoin(SentimentSession, SentimentSession.interview_session_id == InterviewSession.id)
        .where(InterviewSession.user_id == user_id, InterviewSession.is_practice.is_(True))
        .order_by(when.desc().nulls_last(), InterviewSession.id.desc())
        .limit(limit)
    )


def select_users_by_role() -> Select:
    """(role, count) from the platform counters."""
    return (
        select(PlatformCount.key, PlatformCount.count)
        .where(PlatformCount.kind == "user_role", PlatformCount.count != 0)
        .order_by(PlatformCount.key)
    )


def select_platform_totals() -> Select:
    """One row: companies, active plans, subscriptions and active subscriptions.

    Companies and plans are counted (thousands at most); subscriptions, one per user, come from the counters.
    """
    subscriptions = select(func.coalesce(func.sum(PlatformCount.count), 0)).where(
        PlatformCount.kind == "subscription_status"
    )
    return select(
        select(func.count(Company.id)).scalar_subquery().label("companies"),
        select(func.count(SubscriptionPlan.id))
        .where(SubscriptionPlan.is_active.is_(True))
        .scalar_subquery()
        .label("active_plans"),
        subscriptions.scalar_subquery().label("subscriptions"),
        subscriptions.where(PlatformCount.key.in_(("active", "trialing"))).scalar_subquery().label("active_subscriptions"),
    )


# --- Restricted members -----------------------------------------------------------------------------
# A hiring manager's dashboard reads their team's jobs, an interviewer's their assignments: never the
# company's counters, which count everyone's jobs.


@cache
def team_recent_completed(limit: int = 10) -> Select:
    """The latest completed interviews of the jobs whose hiring team {"member": ...} is on (of
    {"company_id": ...}): each team job's newest completed sessions (ix_interview_session_completed_job_start)."""
    team_jobs = select(Job.id).where(Job.company_id == bindparam("company_id"), _on_team(Job.id))
    latest = (
        select(InterviewSession.id)
        .where(
            InterviewSession.status == COMPLETED,
            InterviewSession.is_practice.is_not(True),
            InterviewSession.job_id.in_(team_jobs),
        )
        .order_by(InterviewSession.start_time.desc(), InterviewSession.id.desc())
        .limit(limit)
        .subquery("latest")
    )
    return (
        select(
            InterviewSession.id, InterviewSession.session_id, InterviewSession.start_time,
            InterviewSession.completion_percentage, InterviewSession.technical_accuracy,
            InterviewSession.behavioral_score, InterviewSession.job_id, InterviewSession.user_id,
            Job.title.label("job_title"), User.first_name, User.last_name, User.username,
        )
        .select_from(latest)
        .join(InterviewSession, InterviewSession.id == latest.c.id)
        .join(Job, InterviewSession.job_id == Job.id)
        .outerjoin(User, InterviewSession.user_id == User.id)
        .order_by(InterviewSession.start_time.desc(), InterviewSession.id.desc())
    )


ASSIGNED_SHOWN = 10


@cache
def assigned_interviews(limit: int = ASSIGNED_SHOWN) -> Select:
    """The interviews assigned to {"member": ...} in {"company_id": ...}, as (kind, ...) rows, at most
    `limit` + 1 of each kind (the extra one says "there are more"), reached through the member's
    assignments (idx_interview_assignment_user), never a job's history; {"now": ...} splits them:

    - upcoming: dated from now on (planned or running; cancelled and completed left out), earliest first;
    - latest: dated before now, newest first.
    """
    when = interview_date()
    now = bindparam("now", type_=DateTime(timezone=True))
    mine = [
        assigned_to(InterviewSession.id, bindparam("member", type_=Integer)),
        InterviewSession.is_practice.is_not(True),
        # `+ 0`: the company's jobs only check the rows the assignments found (no job index walk).
        (InterviewSession.job_id + 0).in_(select(Job.id).where(Job.company_id == bindparam("company_id"))),
    ]

    def branch(kind: str, conditions: list, order: list):
        return (
            select(literal(kind).label("kind"), InterviewSession.id, when.label("interview_date"))
            .where(*mine, *conditions)
            .order_by(*order)
            .limit(limit + 1)
        )

    branches = union_all(
        branch("upcoming", [when >= now, InterviewSession.status.not_in((CANCELLED, COMPLETED))],
               [when.asc(), InterviewSession.id.asc()]),
        branch("latest", [when < now], [when.desc(), InterviewSession.id.desc()]),
    ).subquery("assigned")
    return _interview_rows(branches, InterviewSession.completion_percentage)
