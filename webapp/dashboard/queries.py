"""Reads for the role dashboards: each returns rows scoped to the caller."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from webapp.models import (
    Company,
    CustomerSubscription,
    InterviewSession,
    Job,
    SentimentSession,
    SubscriptionPlan,
    User,
)


def week_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday, in `now`'s time zone."""
    start = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=7)


def company_of(session: Session, user_id: int) -> Company | None:
    return session.scalar(select(Company).where(Company.user_id == user_id))


def select_active_jobs(company_id: int, limit: int = 8) -> Select:
    """Active jobs, newest first, each with how many interviews it has."""
    interviews = (
        select(func.count(InterviewSession.id))
        .where(InterviewSession.job_id == Job.id, InterviewSession.is_practice.is_(False))
        .correlate(Job)
        .scalar_subquery()
    )
    return (
        select(Job.id, Job.title, Job.job_focus, Job.created_at, interviews.label("interview_count"))
        .where(Job.company_id == company_id, Job.is_active.is_(True))
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(limit)
    )


def select_active_job_count(company_id: int) -> Select:
    return select(func.count(Job.id)).where(Job.company_id == company_id, Job.is_active.is_(True))


def select_interviews_by_status(company_id: int, start: datetime, end: datetime) -> Select:
    """Interviews of the company's jobs starting in [start, end), counted per status."""
    return (
        select(InterviewSession.status, func.count(InterviewSession.id).label("count"))
        .join(Job, InterviewSession.job_id == Job.id)
        .where(
            Job.company_id == company_id,
            InterviewSession.is_practice.is_(False),
            InterviewSession.start_time >= start,
            InterviewSession.start_time < end,
        )
        .group_by(InterviewSession.status)
    )


def select_recent_completed_interviews(company_id: int, limit: int = 10) -> Select:
    """The documented "recent interviews" pattern, scoped to one company's jobs."""
    return (
        select(
            InterviewSession.id,
            InterviewSession.session_id,
            InterviewSession.start_time,
            InterviewSession.completion_percentage,
            InterviewSession.technical_accuracy,
            InterviewSession.behavioral_score,
            Job.title.label("job_title"),
            Company.company_name,
            User.first_name,
            User.last_name,
            User.username,
        )
        .join(Job, InterviewSession.job_id == Job.id)
        .join(Company, Job.company_id == Company.id)
        .join(User, InterviewSession.user_id == User.id)
        .where(Job.company_id == company_id, InterviewSession.status == "completed")
        .order_by(InterviewSession.start_time.desc(), InterviewSession.id.desc())
        .limit(limit)
    )


def select_recent_practice_sessions(user_id: int, limit: int = 10) -> Select:
    """A candidate's own practice sessions with the overall sentiment, newest first."""
    return (
        select(
            InterviewSession.id,
            InterviewSession.session_id,
            InterviewSession.start_time,
            InterviewSession.status,
            InterviewSession.completion_percentage,
            Job.title.label("job_title"),
            SentimentSession.overall_sentiment,
            SentimentSession.confidence_level,
        )
        .outerjoin(Job, InterviewSession.job_id == Job.id)
        .outerjoin(SentimentSession, SentimentSession.interview_session_id == InterviewSession.id)
        .where(InterviewSession.user_id == user_id, InterviewSession.is_practice.is_(True))
        .order_by(InterviewSession.start_time.desc(), InterviewSession.id.desc())
        .limit(limit)
    )


def select_users_by_role() -> Select:
    return select(User.role, func.count(User.id).label("count")).group_by(User.role).order_by(User.role)


def select_platform_totals() -> Select:
    """One row: companies, active plans, subscriptions and active subscriptions."""
    return select(
        select(func.count(Company.id)).scalar_subquery().label("companies"),
        select(func.count(SubscriptionPlan.id))
        .where(SubscriptionPlan.is_active.is_(True))
        .scalar_subquery()
        .label("active_plans"),
        select(func.count(CustomerSubscription.id)).scalar_subquery().label("subscriptions"),
        select(func.count(CustomerSubscription.id))
        .where(CustomerSubscription.status.in_(("active", "trialing")))
        .scalar_subquery()
        .label("active_subscriptions"),
    )
