"""One-line builders of valid object graphs for tests (`gen_<model>(session, **overrides)`)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from webapp.auth.passwords import hash_password
from webapp.models import Company, InterviewSession, Job, SentimentSession, User

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is deliberately slow: do it once
_sequence = itertools.count(1)


def _add(session: Session, obj):
    session.add(obj)
    session.flush()
    return obj


def gen_user(session: Session, role: str = "user", **kw) -> User:
    n = next(_sequence)
    values = {
        "username": f"{role}{n}",
        "email": f"{role}{n}@example.test",
        "password": _PASSWORD_HASH,
        "first_name": "Test",
        "last_name": f"{role.capitalize()} {n}",
        "role": role,
        "is_verified": True,
    }
    return _add(session, User(**(values | kw)))


def gen_company(session: Session, user: User | None = None, **kw) -> Company:
    owner = user or gen_user(session, role="employer")
    values = {"user_id": owner.id, "company_name": f"Company {next(_sequence)}", "industry": "Software"}
    return _add(session, Company(**(values | kw)))


def gen_job(session: Session, company: Company, **kw) -> Job:
    values = {"company_id": company.id, "title": f"Engineer {next(_sequence)}", "job_focus": "balanced"}
    return _add(session, Job(**(values | kw)))


def gen_interview(session: Session, user: User, job: Job | None = None, **kw) -> InterviewSession:
    start = kw.pop("start_time", datetime.now(UTC) - timedelta(hours=2))
    values = {
        "session_id": f"test-{next(_sequence)}",
        "user_id": user.id,
        "job_id": job.id if job else None,
        "start_time": start,
        "status": "scheduled",
    }
    if kw.get("status") == "completed":
        values |= {
            "end_time": start + timedelta(minutes=30),
            "completion_time": start + timedelta(minutes=30),
            "duration": 1800.0,
            "completion_percentage": 100,
            "technical_accuracy": Decimal("80.00"),
            "behavioral_score": Decimal("70.00"),
        }
    return _add(session, InterviewSession(**(values | kw)))


def gen_sentiment_session(session: Session, interview: InterviewSession, **kw) -> SentimentSession:
    values = {
        "session_id": f"sent-{interview.session_id}",
        "interview_session_id": interview.id,
        "user_id": interview.user_id,
        "positive_score": Decimal("60.00"),
        "negative_score": Decimal("10.00"),
        "neutral_score": Decimal("25.00"),
        "mixed_score": Decimal("5.00"),
        "overall_sentiment": "positive",
        "is_practice": interview.is_practice,
    }
    return _add(session, SentimentSession(**(values | kw)))
