"""`flask seed-demo`: a realistic, internally consistent demo data set, loaded idempotently.

Everything is drawn from one fixed-seed RNG and dated relative to `now`, so a
run with the same `now` produces the same data. Rows go in through bulk
INSERTs (`RETURNING` ids in parameter order) rather than ORM objects: a full
load is tens of thousands of rows.
"""

from __future__ import annotations

import calendar
import math
import random
import re
import uuid
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from statistics import fmean
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.analytics.services import rollup as rollup_statistics
from webapp.db import Base
from webapp.demo import catalog as cat
from webapp.demo.pipeline import seed_pipeline
from webapp.demo.team import seed_team, team_present
from webapp.models import (
    SENTIMENTS,
    AssessmentCategory,
    AssessmentType,
    BehavioralAnalysis,
    Company,
    CulturalFit,
    CustomerSubscription,
    DynamicScoreWeight,
    InterviewAssessment,
    InterviewSession,
    Job,
    LearningPath,
    LearningPathResource,
    LearningResource,
    Resume,
    ScoreWeight,
    SentimentContextFactors,
    SentimentHistory,
    SentimentSession,
    Skill,
    SkillAssessment,
    SkillAssessmentHistory,
    SkillCategory,
    SubscriptionPlan,
    TechnicalAssessmentType,
    UsageRecord,
    User,
    UserOAuthToken,
)
from webapp.rankings.services import recompute as recompute_rankings

RANDOM_SEED = 20261128
# Serialises concurrent runs: the second waits for the first to commit, then finds its data.
ADVISORY_LOCK_KEY = 7_201_611_280
HISTORY_DAYS = 90
CANDIDATE_COUNT = 64  # plus candidate@jobhive.test
EMPLOYER_SESSION_STATUSES = (
    ("completed", 108),
    ("scheduled", 20),
    ("in_progress", 4),
    ("cancelled", 18),
    ("rescheduled", 16),
    ("no_show", 14),
)
OTHER_PRACTICE_STATUSES = ("completed",) * 10 + ("cancelled", "scheduled")
PRACTICE_MAX_MINUTES = 20
# Days ago of candidate@jobhive.test's practice sessions, oldest first.
DEMO_PRACTICE_DAYS_AGO = (86, 75, 63, 51, 39, 27, 14, 4)
DEMO_PRACTICE_PATH_STATUSES = ("completed", "completed", "completed", "active", "active", "active", "draft", "draft")
OAUTH_SCOPES = {
    "google": "openid email profile https://www.googleapis.com/auth/calendar.events",
    "github": "read:user user:email",
    "linkedin": "openid profile email",
}
INTERVIEWER_NOTES = (
    "Strong structured answers; follow up on testing practices.",
    "Hesitated on the scaling question but recovered with a sound design.",
    "Excellent examples of ownership from previous roles.",
    "Answers were accurate but long; coach on concise summaries.",
    "Asked sharp clarifying questions before every exercise.",
)
CANCEL_REASONS = (
    "Cancelled by the candidate: accepted another offer.",
    "Cancelled by the employer: role put on hold.",
    "Cancelled by the candidate: scheduling conflict.",
)


@dataclass(frozen=True)
class SeedReport:
    """What `seed_demo` found or loaded: rows per table after the run."""

    created: bool
    counts: dict[str, int]
    # An earlier load, from before hiring teams, got the demo company's team.
    added_team: bool = False
    # An earlier load, from before decisions (or whose team was gone), got the demo decisions.
    added_decisions: bool = False

    def __str__(self) -> str:
        state = "loaded" if self.created else "already present, nothing changed"
        added = [what for what, flag in (("the demo hiring team", self.added_team),
                                         ("the demo decisions", self.added_decisions)) if flag]
        if added:
            state = "already present, added " + " and ".join(added)
        headline = ", ".join(
            f"{self.counts.get(table, 0)} {label}"
            for table, label in (
                ("users_user", "users"),
                ("interview_interviewsession", "interviews"),
                ("interview_sentimenthistory", "sentiment points"),
            )
        )
        return f"{state}: {sum(self.counts.values())} rows in {len(self.counts)} tables ({headline})"


def seed_demo(session: Session, *, now: datetime | None = None) -> SeedReport:
    """Load the demo data set unless it is already there; the caller commits."""
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    now = now or datetime.now(UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    demo_hash = session.scalar(select(User.password).where(User.email == cat.ADMIN_EMAIL))
    if demo_hash is not None:
        added = not team_present(session) and seed_team(
            session, now=now, password_hash=_team_password_hash(demo_hash)
        )
        decided = seed_pipeline(session, now=now)
        if decided:
            _rollup(session, now)
        return SeedReport(created=False, counts=table_counts(session), added_team=added, added_decisions=decided)
    _Seeder(session, now).run()
    return SeedReport(created=True, counts=table_counts(session))


def _team_password_hash(demo_hash: str) -> str:
    """The load's own hash when it still holds the demo password, so the team counts as demo accounts."""
    return demo_hash if check_password_hash(demo_hash, cat.DEMO_PASSWORD) else generate_password_hash(cat.DEMO_PASSWORD)


def has_users_from_elsewhere(session: Session) -> bool:
    """Whether any account was not created by a demo load (a real user, or one whose password changed).

    One load gives every demo account the same password hash (one salt per run), so an
    account with another hash, or any account when the demo is not loaded, came from elsewhere.
    """
    demo_hash = select(User.password).where(User.email == cat.ADMIN_EMAIL).scalar_subquery()
    return session.scalar(select(select(User.id).where(User.password.is_distinct_from(demo_hash)).exists()))


def table_counts(session: Session) -> dict[str, int]:
    """Rows in every mapped table, in dependency order."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


# --- small helpers ---------------------------------------------------------------------


def _clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return max(lo, min(hi, x))


def _score(x: float) -> float:
    """A 0-100 score with two decimals, as the DECIMAL(5,2) columns hold it."""
    return round(_clamp(x), 2)


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _current_period(start: datetime, interval: str, now: datetime) -> tuple[datetime, datetime]:
    """The billing period of a subscription started at `start` that contains `now`."""
    step = 12 if interval == "year" else 1
    n = 0
    while _add_months(start, (n + 1) * step) <= now:
        n += 1
    return _add_months(start, n * step), _add_months(start, (n + 1) * step)


def _month_starts(first: datetime, last: datetime) -> list[date]:
    """First days of the UTC months from `first` to `last` (partitions are UTC months)."""
    first, last = first.astimezone(UTC), last.astimezone(UTC)
    months, current = [], date(first.year, first.month, 1)
    while current <= last.date():
        months.append(current)
        current = _add_months(datetime.combine(current, time()), 1).date()
    return months


# --- in-memory model of what is being generated ----------------------------------------


@dataclass
class _Candidate:
    id: int
    email: str
    username: str
    first_name: str
    last_name: str
    created_at: datetime
    tech: float
    soft: float


@dataclass
class _Company:
    id: int
    spec: dict[str, Any]
    owner_id: int

    @property
    def max_minutes(self) -> int:
        timing = self.spec["timing"]
        return timing.minutes if timing.custom else 30


@dataclass
class _Job:
    id: int
    company: _Company
    spec: cat.JobSpec
    created_at: datetime
    closed_at: datetime | None


@dataclass
class _Interview:
    row: dict[str, Any]
    candidate: _Candidate
    job: _Job | None
    focus_skills: tuple[str, ...]
    id: int = 0
    tech: float = 0.0
    soft: float = 0.0
    questions: int = 0
    skill_points: dict[str, list[float]] = field(default_factory=dict)
    sentiment: dict[str, Any] = field(default_factory=dict)
    sentiment_id: int = 0
    cultural_fit: float = 0.0

    @property
    def status(self) -> str:
        return self.row["status"]

    @property
    def start(self) -> datetime:
        """When it started, else when it is planned."""
        return self.row["start_time"] or self.row["scheduled_time"]

    @property
    def end(self) -> datetime:
        return self.row["end_time"]

    @property
    def duration(self) -> float:
        return self.row["duration"]

    @property
    def is_practice(self) -> bool:
        return self.row["is_practice"]

    @property
    def focus(self) -> str:
        return self.job.spec.focus if self.job else "balanced"

    @property
    def skill_scores(self) -> dict[str, float]:
        return {skill: round(fmean(points), 2) for skill, points in self.skill_points.items()}


class _Seeder:
    def __init__(self, session: Session, now: datetime) -> None:
        self.s = session
        self.now = now
        self.rng = random.Random(RANDOM_SEED)
        # Hashing is slow on purpose; every demo account shares the one password.
        self.password = generate_password_hash(cat.DEMO_PASSWORD)
        self.interviews: list[_Interview] = []

    def run(self) -> None:
        self._skills()
        self._resources()
        self._assessment_catalog()
        self._plans()
        self._score_weights()
        self._users()
        self._resumes()
        self._oauth_tokens()
        self._companies()
        self._jobs()
        self._dynamic_weights()
        self._interviews()
        self._sentiment_sessions()
        self._sentiment_history()
        self._skill_assessments()
        self._interview_assessments()
        self._cultural_fit()
        self._behavioral_analysis()
        self._learning_paths()
        self._rankings()
        self._subscriptions()
        self._usage_records()
        seed_team(self.s, now=self.now, password_hash=self.password)
        seed_pipeline(self.s, now=self.now)
        self._statistics()

    # --- plumbing ----------------------------------------------------------------------

    def _insert(self, model: type[Base], rows: list[dict[str, Any]], *returning: Any) -> list[Any]:
        if not rows:
            return []
        # NULLs rendered as such keep rows with different None columns in one batch.
        statement = insert(model).execution_options(render_nulls=True)
        if returning:
            statement = statement.returning(*returning, sort_by_parameter_order=True)
            return self.s.execute(statement, rows).all()
        self.s.execute(statement, rows)
        return []

    def _ids(self, model: type[Base], rows: list[dict[str, Any]]) -> list[int]:
        return [row[0] for row in self._insert(model, rows, model.id)]

    def _days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def _token(self, prefix: str, bits: int = 96) -> str:
        return f"{prefix}{self.rng.getrandbits(bits):0{bits // 4}x}"

    @property
    def completed(self) -> list[_Interview]:
        return [iv for iv in self.interviews if iv.status == "completed"]

    # --- catalogs ----------------------------------------------------------------------

    def _skills(self) -> None:
        names = list(cat.SKILL_CATALOG)
        category_ids = self._ids(SkillCategory, [{"name": name} for name in names])
        rows = [
            {"name": skill, "category_id": category_id}
            for category_id, name in zip(category_ids, names, strict=True)
            for skill in cat.SKILL_CATALOG[name]
        ]
        self.skill_ids = dict(zip((row["name"] for row in rows), self._ids(Skill, rows), strict=True))
        self.soft_skills = {s for name in cat.SOFT_SKILL_CATEGORIES for s in cat.SKILL_CATALOG[name]}

    def _resources(self) -> None:
        rows, skills = [], []
        for skill, skill_id in self.skill_ids.items():
            for kind, host, title, description, hours in self.rng.sample(cat.RESOURCE_TEMPLATES, 3):
                skills.append(skill)
                rows.append(
                    {
                        "title": title.format(skill=skill),
                        "description": description.format(skill=skill),
                        "resource_type": kind,
                        "url": f"https://{host}/{kind}s/{_slug(skill)}",
                        "estimated_hours": self.rng.randint(*hours),
                        "skill_id": skill_id,
                    }
                )
        self.resources: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for resource_id, skill, row in zip(self._ids(LearningResource, rows), skills, rows, strict=True):
            self.resources[skill].append(
                {
                    "resource_id": resource_id,
                    "title": row["title"],
                    "url": row["url"],
                    "resource_type": row["resource_type"],
                    "skill": skill,
                }
            )

    def _assessment_catalog(self) -> None:
        names = list(cat.ASSESSMENT_CATALOG)
        type_rows = [{"name": name, "description": cat.ASSESSMENT_CATALOG[name][0]} for name in names]
        type_ids = self._ids(AssessmentType, type_rows)
        self._insert(TechnicalAssessmentType, [
            {"assessment_type_id": type_id} for type_id, name in zip(type_ids, names, strict=True)
            if name in cat.TECHNICAL_ASSESSMENT_TYPES
        ])
        rows = [
            {"assessment_type_id": type_id, "name": category}
            for type_id, name in zip(type_ids, names, strict=True)
            for category in cat.ASSESSMENT_CATALOG[name][1]
        ]
        category_ids = iter(self._ids(AssessmentCategory, rows))
        self.assessment_types = {
            name: (type_id, [(next(category_ids), c) for c in cat.ASSESSMENT_CATALOG[name][1]])
            for type_id, name in zip(type_ids, names, strict=True)
        }

    def _plans(self) -> None:
        created = self._days_ago(800)
        rows = [self._plan_row(plan, created) for plan in cat.PLANS]
        self.plans = {
            row["name"]: {**row, "id": plan_id}
            for plan_id, row in zip(self._ids(SubscriptionPlan, rows), rows, strict=True)
        }

    @staticmethod
    def _plan_row(plan: dict[str, Any], created: datetime) -> dict[str, Any]:
        price = Decimal(plan["price"])
        key = _slug(plan["name"]).replace("-", "_")
        return {
            **plan,
            "price": price,
            "is_active": plan.get("is_active", True),
            # Fake, clearly marked Stripe ids; the free plan is never billed through Stripe.
            "stripe_product_id": f"prod_demo_{key}" if price else None,
            "stripe_price_id": f"price_demo_{key}" if price else None,
            "created_at": created,
            "updated_at": created,
        }

    def _score_weights(self) -> None:
        rows = [
            {
                "job_focus": focus,
                "technical_weight": Decimal(w[0]),
                "skills_weight": Decimal(w[1]),
                "cultural_fit_weight": Decimal(w[2]),
                "sentiment_weight": Decimal(w[3]),
            }
            for focus, w in cat.SCORE_WEIGHTS.items()
        ]
        self._insert(ScoreWeight, rows)

    # --- people ------------------------------------------------------------------------

    def _users(self) -> None:
        staff = [{**a, "is_staff": a["role"] == "admin"} for a in cat.DEMO_ACCOUNTS]
        staff += [{**e, "role": "employer", "is_staff": False} for e in cat.EXTRA_EMPLOYERS]
        for person in staff:
            person["created_at"] = self._days_ago(self.rng.uniform(700, 800))
            person["is_verified"] = True
        people = staff + self._candidate_people()
        ids = self._ids(User, [self._user_row(p) for p in people])
        self.user_ids = {p["email"]: user_id for p, user_id in zip(people, ids, strict=True)}
        self.user_created = {p["email"]: p["created_at"] for p in people}
        self.candidates = [
            self._candidate(p, user_id) for p, user_id in zip(people, ids, strict=True) if p["role"] == "user"
        ]
        self.demo_candidate = next(c for c in self.candidates if c.email == cat.CANDIDATE_EMAIL)
        self.oauth_providers = {p["email"]: p["provider"] for p in people if p.get("provider")}

    def _candidate_people(self) -> list[dict[str, Any]]:
        domains = ("example.com", "example.org", "example.net")
        last_count = len(cat.LAST_NAMES)
        pairs = self.rng.sample(range(len(cat.FIRST_NAMES) * last_count), CANDIDATE_COUNT)
        people = []
        for i, n in enumerate(pairs):
            first, last = cat.FIRST_NAMES[n // last_count], cat.LAST_NAMES[n % last_count]
            username = f"{first}.{last}".lower()
            people.append(
                {
                    "email": f"{username}@{self.rng.choice(domains)}",
                    "username": username,
                    "first_name": first,
                    "last_name": last,
                    "role": "user",
                    "is_staff": False,
                    "is_verified": self.rng.random() < 0.85,
                    "created_at": self._days_ago(self.rng.uniform(100, 420)),
                    "provider": self.rng.choice(tuple(OAUTH_SCOPES)) if i % 3 == 0 else None,
                }
            )
        return people

    def _user_row(self, person: dict[str, Any]) -> dict[str, Any]:
        username = person["username"]
        is_candidate = person["role"] == "user"
        return {
            "username": username,
            "email": person["email"],
            "password": self.password,
            "first_name": person["first_name"],
            "last_name": person["last_name"],
            "is_verified": person["is_verified"],
            "is_active": True,
            "is_staff": person["is_staff"],
            "created_at": person["created_at"],
            "secret_key": None,
            "enable_2fa": False,
            "role": person["role"],
            "resume": f"resumes/{username}.pdf" if is_candidate else None,
            "avatar": f"avatars/{username}.png" if self.rng.random() < 0.5 else None,
            "auth_provider": person.get("provider") or "email",
            "social_links": {
                "linkedin": f"https://www.linkedin.com/in/{username.replace('.', '-')}",
                **({"github": f"https://github.com/{username.replace('.', '')}"} if is_candidate else {}),
            },
        }

    def _candidate(self, person: dict[str, Any], user_id: int) -> _Candidate:
        return _Candidate(
            id=user_id,
            email=person["email"],
            username=person["username"],
            first_name=person["first_name"],
            last_name=person["last_name"],
            created_at=person["created_at"],
            tech=_clamp(self.rng.gauss(66, 13), 25, 95),
            soft=_clamp(self.rng.gauss(70, 11), 30, 95),
        )

    def _resumes(self) -> None:
        rows = [self._resume_row(c, c.created_at + timedelta(days=1)) for c in self.candidates]
        # The demo candidate uploaded an updated resume recently.
        rows.append(self._resume_row(self.demo_candidate, self._days_ago(20)))
        self._insert(Resume, rows)

    def _resume_row(self, c: _Candidate, uploaded: datetime) -> dict[str, Any]:
        rng = self.rng
        skills = rng.sample(list(self.skill_ids), 6)
        (old_employer, employer), (old_role, role) = rng.sample(cat.PAST_EMPLOYERS, 2), rng.sample(cat.PAST_ROLES, 2)
        years = rng.randint(3, 12)
        switch = self.now.year - rng.randint(1, min(years - 1, 5))
        handle = c.username.replace(".", "-")
        return {
            "user_id": c.id,
            "file": f"resumes/{c.username}-{uploaded:%Y%m%d}.pdf",
            "uploaded_at": uploaded,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "email": c.email,
            "phone": f"+1 {rng.choice(('206', '312', '415', '512', '617', '646'))}-555-01{rng.randint(0, 99):02d}",
            "linkedin": f"https://www.linkedin.com/in/{handle}",
            "github": f"https://github.com/{c.username.replace('.', '')}",
            "skills": ", ".join(skills),
            "work_experience": (
                f"{switch}-present  {role}, {employer}\n{self.now.year - years}-{switch}  {old_role}, {old_employer}"
            ),
            "education": f"{rng.choice(cat.DEGREES)}, {rng.choice(cat.UNIVERSITIES)}",
            "summary": f"{role} with {years} years of experience, strongest in {skills[0]} and {skills[1]}.",
            "projects_worked": (
                f"Rebuilt {employer}'s reporting pipeline around {skills[2]}; "
                f"led a {rng.randint(3, 8)}-person migration project using {skills[3]}."
            ),
            "achievements": (
                f"Cut p95 latency by {rng.randint(20, 60)}%; "
                f"mentored {rng.randint(2, 6)} junior colleagues; internal award {switch}."
            ),
        }

    def _oauth_tokens(self) -> None:
        rows = [self._token_row(self.user_ids[email], provider) for email, provider in self.oauth_providers.items()]
        # The demo employer connected Google Calendar to schedule interviews.
        rows.append(self._token_row(self.user_ids[cat.EMPLOYER_EMAIL], "google"))
        self._insert(UserOAuthToken, rows)

    def _token_row(self, user_id: int, provider: str) -> dict[str, Any]:
        created = self._days_ago(self.rng.uniform(30, 90))
        refreshed = self._days_ago(self.rng.uniform(0, 20))
        return {
            "user_id": user_id,
            "provider": provider,
            "access_token": self._token(f"demo-{provider}-at-", 160),
            "refresh_token": self._token(f"demo-{provider}-rt-", 128),
            # A few tokens have lapsed and wait for a refresh.
            "expires_at": refreshed + timedelta(hours=1 if self.rng.random() < 0.7 else -24),
            "scope": OAUTH_SCOPES[provider],
            "created_at": created,
            "updated_at": max(created, refreshed),
        }

    # --- companies and jobs ------------------------------------------------------------

    def _companies(self) -> None:
        rows = [self._company_row(spec) for spec in cat.COMPANIES]
        self.companies = [
            _Company(id=company_id, spec=spec, owner_id=row["user_id"])
            for company_id, spec, row in zip(self._ids(Company, rows), cat.COMPANIES, rows, strict=True)
        ]

    def _company_row(self, spec: dict[str, Any]) -> dict[str, Any]:
        timing, slug = spec["timing"], spec["slug"]
        created = self.user_created[spec["owner"]] + timedelta(days=1)
        return {
            "user_id": self.user_ids[spec["owner"]],
            "company_name": spec["company_name"],
            "contact_email": f"talent@{slug}.example.com",
            "phone_number": spec["phone_number"],
            "address": spec["address"],
            "industry": spec["industry"],
            "company_logo": f"company_logos/{slug}.png",
            "website": f"https://www.{slug}.example.com",
            "description": spec["description"],
            "is_recruiting_agency": spec["is_recruiting_agency"],
            "created_at": created,
            "updated_at": self._days_ago(self.rng.uniform(1, 60)),
            "team_member_count": spec["team_member_count"],
            "custom_interview_timing": timing.custom,
            "interview_duration_minutes": timing.minutes,
            "interview_first_warning_seconds": timing.first_warning,
            "interview_final_warning_seconds": timing.final_warning,
            "interview_force_end_seconds": timing.force_end,
            "allow_interview_extensions": timing.extensions,
            "max_interview_extensions": timing.max_extensions,
            "interview_extension_minutes": timing.extension_minutes,
        }

    def _jobs(self) -> None:
        self.jobs = []
        for company in self.companies:
            for spec in company.spec["jobs"]:
                created = self._days_ago(self.rng.uniform(100, 220))
                closed = None if spec.active else self._days_ago(self.rng.uniform(30, 55))
                self.jobs.append(_Job(0, company, spec, created, closed))
        rows = [self._job_row(job) for job in self.jobs]
        for job, job_id in zip(self.jobs, self._ids(Job, rows), strict=True):
            job.id = job_id

    def _job_row(self, job: _Job) -> dict[str, Any]:
        spec, company = job.spec, job.company.spec
        years = {"technical": 4, "behavioral": 3, "balanced": 5}[spec.focus]
        requirements = [f"{years}+ years of professional experience in a similar role"]
        requirements += [f"Demonstrated, hands-on {skill} skills" for skill in spec.skills]
        requirements.append("Clear written and spoken English")
        return {
            "company_id": job.company.id,
            "title": spec.title,
            "description": (
                f"As our {spec.title} you will {spec.pitch}. {company['description']} "
                f"Hybrid from {company['address'].split(', ')[-2]} or remote within the US."
            ),
            "requirements": "\n".join(f"- {line}" for line in requirements),
            "job_focus": spec.focus,
            "is_active": spec.active,
            "created_at": job.created_at,
            "updated_at": job.closed_at or job.created_at + timedelta(days=self.rng.uniform(0, 20)),
        }

    def _dynamic_weights(self) -> None:
        """Per-job weight tweaks on every third job; adjustments cancel out so weights still sum to 1."""
        rows = []
        for job in self.jobs[::3]:
            base = cat.SCORE_WEIGHTS[job.spec.focus]
            plus, minus = self.rng.sample(range(4), 2)
            adjust = ["0.00"] * 4
            adjust[plus], adjust[minus] = "0.05", "-0.05"  # every base weight is at least 0.10
            sentiment_split = self.rng.choice((("0.40", "0.20", "0.20", "0.20"), ("0.30", "0.30", "0.20", "0.20")))
            rows.append(self._dynamic_weight_row(job, base, adjust, sentiment_split))
        self._insert(DynamicScoreWeight, rows)

    def _dynamic_weight_row(self, job: _Job, base, adjust, sentiment_split) -> dict[str, Any]:
        names = ("technical", "skills", "cultural_fit", "sentiment")
        subnames = ("value_alignment", "confidence", "enthusiasm", "authenticity")
        return {
            "job_id": job.id,
            **{f"base_{n}_weight": Decimal(w) for n, w in zip(names, base, strict=True)},
            **{f"{n}_adjustment": Decimal(a) for n, a in zip(names, adjust, strict=True)},
            **{f"{n}_weight": Decimal(w) for n, w in zip(subnames, sentiment_split, strict=True)},
            "last_updated": job.created_at + timedelta(days=self.rng.uniform(1, 30)),
        }

    # --- interview sessions ------------------------------------------------------------

    def _interviews(self) -> None:
        self._demo_practice_interviews()
        self._other_practice_interviews()
        self._employer_interviews()
        rows = [iv.row for iv in self.interviews]
        for iv, interview_id in zip(self.interviews, self._ids(InterviewSession, rows), strict=True):
            iv.id = interview_id

    def _demo_practice_interviews(self) -> None:
        active_jobs = [j for j in self.jobs if j.closed_at is None]
        for i, days_ago in enumerate(DEMO_PRACTICE_DAYS_AGO):
            start = self._slot(self.now.astimezone(UTC).date() - timedelta(days=days_ago))
            job = self.rng.choice(active_jobs) if i % 3 else None
            skills = job.spec.skills[:3] if job else cat.PRACTICE_FOCUS_SETS[i % len(cat.PRACTICE_FOCUS_SETS)]
            # The demo candidate improves over the quarter, which the charts should show.
            bonus = 3.0 * i - 10
            self.interviews.append(
                self._interview("completed", start, self.demo_candidate, job, skills, practice=True, bonus=bonus)
            )

    def _other_practice_interviews(self) -> None:
        for status in OTHER_PRACTICE_STATUSES:
            start = self._start_time(status)
            candidate = self._free_candidate(start, demo_weight=0)
            skills = self.rng.choice(cat.PRACTICE_FOCUS_SETS)
            self.interviews.append(self._interview(status, start, candidate, None, skills, practice=True))

    def _employer_interviews(self) -> None:
        statuses = [status for status, n in EMPLOYER_SESSION_STATUSES for _ in range(n)]
        self.rng.shuffle(statuses)
        for status in statuses:
            start = self._start_time(status)
            job = self.rng.choice([j for j in self.jobs if j.closed_at is None or start < j.closed_at])
            # The demo candidate applies more than most, so their dashboard is not empty.
            candidate = self._free_candidate(start, demo_weight=4)
            self.interviews.append(self._interview(status, start, candidate, job, job.spec.skills))

    def _free_candidate(self, start: datetime, *, demo_weight: int) -> _Candidate:
        """A candidate with no other session within a few hours of `start`."""
        busy = {iv.candidate.id for iv in self.interviews if abs(iv.start - start) < timedelta(hours=3)}
        free = [c for c in self.candidates if c.id not in busy]
        weights = [demo_weight if c is self.demo_candidate else 1 for c in free]
        return self.rng.choices(free, weights)[0]

    def _slot(self, day: date) -> datetime:
        """A business-hours slot (US time zones) on `day`, in UTC."""
        at = time(self.rng.randint(14, 21), self.rng.choice((0, 15, 30, 45)), tzinfo=UTC)
        return datetime.combine(day, at)

    def _start_time(self, status: str) -> datetime:
        today = self.now.astimezone(UTC).date()
        if status == "in_progress":
            return (self.now - timedelta(minutes=self.rng.randint(4, 25))).replace(second=0, microsecond=0)
        if status == "scheduled":
            return self._slot(today + timedelta(days=self.rng.randint(1, 14)))
        return self._slot(today - timedelta(days=self.rng.randint(1, HISTORY_DAYS - 1)))

    def _interview(self, status, start, candidate, job, skills, *, practice=False, bonus=0.0) -> _Interview:
        iv = _Interview(self._base_row(status, start, candidate, job, practice), candidate, job, tuple(skills))
        limits = self._limits(job, practice)
        iv.row["max_duration_minutes"] = limits[0]
        if status == "completed":
            self._complete(iv, limits, bonus)
        elif status == "in_progress":
            self._in_progress(iv)
        else:
            iv.row.update(self._not_held(status, start))
        return iv

    def _not_held(self, status: str, start: datetime) -> dict[str, Any]:
        """Notes and dates of a session that did not take place (or not yet)."""
        if status == "cancelled":
            return {"interviewer_notes": self.rng.choice(CANCEL_REASONS)}
        if status == "no_show":
            return {
                "interviewer_notes": "Candidate did not join within 10 minutes of the start time.",
                "updated_at": start + timedelta(minutes=15),
            }
        # Planned (not started): start_time NULL, the planned time in scheduled_time (migration 0016).
        if status == "rescheduled":
            return {
                "start_time": None,
                "scheduled_time": start + timedelta(days=self.rng.randint(2, 10)),
                "interviewer_notes": "Moved to a new slot at the candidate's request.",
            }
        if status == "scheduled":
            return {"start_time": None}
        return {}

    def _limits(self, job: _Job | None, practice: bool) -> tuple[int, int, int, int, int]:
        """(max minutes, extensions allowed, extension minutes, first warning s, final warning s)."""
        if practice or job is None:
            return PRACTICE_MAX_MINUTES, 0, 0, 120, 60
        company, timing = job.company, job.company.spec["timing"]
        extensions = timing.max_extensions if timing.extensions else 0
        return company.max_minutes, extensions, timing.extension_minutes, timing.first_warning, timing.final_warning

    def _base_row(self, status, start, candidate, job, practice) -> dict[str, Any]:
        rng = self.rng
        booked = min(start - timedelta(days=rng.uniform(1, 10)), self.now - timedelta(hours=rng.uniform(1, 48)))
        event = self._token("evt", 64)
        return {
            "session_id": f"iv-{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            "user_id": candidate.id,
            "job_id": job.id if job else None,
            "start_time": start,
            "end_time": None,
            "scheduled_time": start,
            "completion_time": None,
            "duration": None,
            "max_duration_minutes": PRACTICE_MAX_MINUTES,
            "time_extension_count": 0,
            "status": status,
            "is_active": status in ("scheduled", "in_progress", "rescheduled"),
            "completion_percentage": 0,
            "technical_accuracy": None,
            "behavioral_score": None,
            "is_practice": practice,
            "enable_behavioral_analysis": status in ("completed", "in_progress") or rng.random() < 0.6,
            "interviewer_notes": None,
            "technical_difficulty_reported": rng.random() < 0.04,
            "reminder_sent": start <= self.now + timedelta(minutes=30),
            "reminder_time": rng.choice((15, 30, 60)),
            "calendar_event_id": None if practice else event,
            "calendar_link": None if practice else f"https://calendar.example.com/event/{event}",
            "response_times": [],
            "attention_metrics": {},
            "employer_metrics": {},
            "interviewer_growth_metrics": {},
            "knowledge_gaps": [],
            "suggested_resources": [],
            "warning_sent_at": [],
            "created_at": booked,
            "updated_at": start if start <= self.now else booked,
        }

    def _in_progress(self, iv: _Interview) -> None:
        answered = self.rng.randint(1, 5)
        iv.row.update(
            completion_percentage=self.rng.randint(10, 80),
            response_times=[round(self.rng.uniform(20, 180), 1) for _ in range(answered)],
            updated_at=self.now - timedelta(minutes=1),
        )

    def _complete(self, iv: _Interview, limits, bonus: float) -> None:
        rng = self.rng
        max_minutes, max_ext, ext_minutes, first_warning, final_warning = limits
        extensions = rng.randint(1, max_ext) if max_ext and rng.random() < 0.15 else 0
        limit = (max_minutes + extensions * ext_minutes) * 60
        duration = round(limit * rng.uniform(0.55, 1.0), 1)
        end = iv.start + timedelta(seconds=duration)
        iv.tech = _clamp(rng.gauss(iv.candidate.tech + bonus, 7), 5, 99)
        iv.soft = _clamp(rng.gauss(iv.candidate.soft + bonus, 7), 5, 99)
        iv.questions = rng.randint(6, 12)
        iv.skill_points = self._skill_points(iv)
        gaps = self._knowledge_gaps(iv)
        iv.row.update(
            end_time=end,
            completion_time=end,
            duration=duration,
            time_extension_count=extensions,
            completion_percentage=100,
            is_active=False,
            technical_accuracy=_score(iv.tech),
            behavioral_score=_score(iv.soft),
            interviewer_notes=rng.choice(INTERVIEWER_NOTES) if rng.random() < 0.35 else None,
            response_times=self._answer_times([rng.uniform(20, 180) for _ in range(iv.questions)], duration),
            attention_metrics=self._attention_metrics(),
            employer_metrics=self._employer_metrics(iv),
            interviewer_growth_metrics={
                "question_relevance": _score(rng.gauss(82, 6)),
                "follow_up_depth": _score(rng.gauss(70, 10)),
                "bias_flags": 0,
            },
            knowledge_gaps=gaps,
            suggested_resources=self._suggested_resources(gaps),
            warning_sent_at=self._warnings(iv.start, duration, limit, first_warning, final_warning),
            updated_at=end + timedelta(minutes=rng.randint(2, 20)),
        )

    def _skill_points(self, iv: _Interview) -> dict[str, list[float]]:
        """Per assessed skill, the successive scores the engine recorded during the interview."""
        extra = self.rng.sample(cat.GENERAL_SKILLS, 2)
        points = {}
        for skill in dict.fromkeys(iv.focus_skills + tuple(extra)):
            level = iv.soft if skill in self.soft_skills else iv.tech
            centre = self.rng.gauss(level, 8)
            points[skill] = [_score(self.rng.gauss(centre, 6)) for _ in range(self.rng.randint(2, 5))]
        return points

    def _knowledge_gaps(self, iv: _Interview) -> list[dict[str, Any]]:
        ranked = sorted(iv.skill_scores.items(), key=lambda item: item[1])
        gaps = [(skill, score) for skill, score in ranked if score < 60][:3]
        if iv.is_practice and not gaps:
            gaps = ranked[:2]  # practice feedback always names something to work on
        return [
            {"skill": skill, "score": score, "priority": "high" if score < 45 else "medium" if score < 60 else "low"}
            for skill, score in gaps
        ]

    def _suggested_resources(self, gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for gap in gaps for r in self.resources[gap["skill"]][: 2 if gap["priority"] == "high" else 1]]

    def _attention_metrics(self) -> dict[str, Any]:
        return {
            "eye_contact_pct": _score(self.rng.gauss(74, 10)),
            "focus_pct": _score(self.rng.gauss(82, 8)),
            "tab_switches": self.rng.randint(0, 4),
            "camera_on": self.rng.random() < 0.95,
        }

    def _employer_metrics(self, iv: _Interview) -> dict[str, Any]:
        return {
            "questions_asked": iv.questions,
            "follow_up_questions": self.rng.randint(1, 5),
            "candidate_talk_ratio": round(self.rng.uniform(0.55, 0.8), 2),
        }

    @staticmethod
    def _answer_times(lengths: list[float], duration: float) -> list[float]:
        """Seconds per answer in the drawn proportions, adding up to the interview (the timeline's question bands)."""
        scale = duration / sum(lengths)
        return [round(length * scale, 1) for length in lengths]

    @staticmethod
    def _warnings(start: datetime, duration: float, limit: int, first: int, final: int) -> list[dict[str, str]]:
        sent = []
        for kind, before_end in (("first_warning", first), ("final_warning", final)):
            if duration >= limit - before_end:
                sent.append({"type": kind, "sent_at": (start + timedelta(seconds=limit - before_end)).isoformat()})
        return sent

    # --- sentiment -----------------------------------------------------------------------

    def _sentiment_sessions(self) -> None:
        completed = self.completed
        rows = [self._sentiment_row(iv) for iv in completed]
        for iv, row, sentiment_id in zip(completed, rows, self._ids(SentimentSession, rows), strict=True):
            iv.sentiment, iv.sentiment_id = row, sentiment_id

    def _shares(self, overall: str) -> dict[str, Decimal]:
        """Four sentiment scores, `overall` clearly the largest, summing to at most 100."""
        raw = {k: self.rng.uniform(3, 30) for k in SENTIMENTS}
        raw[overall] = max(raw.values()) + self.rng.uniform(8, 40)
        return self._normalise(raw)

    def _normalise(self, raw: dict[str, float]) -> dict[str, Decimal]:
        budget = self.rng.uniform(97, 100) / sum(raw.values())
        # Rounding down keeps the sum within the CHECK's 100.
        return {k: Decimal(math.floor(v * budget * 100)) / 100 for k, v in raw.items()}

    def _pick_overall(self, soft: float) -> str:
        weights = (0.25 + soft / 100 * 0.55, 0.05 + (100 - soft) / 100 * 0.3, 0.2, 0.15)
        return self.rng.choices(SENTIMENTS, weights)[0]

    def _sentiment_row(self, iv: _Interview) -> dict[str, Any]:
        rng = self.rng
        overall = self._pick_overall(iv.soft)
        shares = self._shares(overall)
        return {
            "session_id": iv.row["session_id"],
            "interview_session_id": iv.id,
            "user_id": iv.candidate.id,
            **{f"{k}_score": v for k, v in shares.items()},
            "overall_sentiment": overall,
            "confidence_level": _score(rng.gauss(iv.soft, 8)),
            "engagement_score": _score(rng.gauss(iv.soft + 5, 8)),
            "professionalism_score": _score(rng.gauss(82, 7)),
            "clarity_score": _score(rng.gauss(iv.soft - 3, 8)),
            # Practice runs are the candidate's own business.
            "employer_visible": not iv.is_practice,
            "interviewer_visible": True,
            "is_practice": iv.is_practice,
            "detailed_feedback": self._practice_feedback(iv) if iv.is_practice else {},
            "improvement_suggestions": rng.sample(cat.IMPROVEMENT_SUGGESTIONS, 3) if iv.is_practice else [],
            "practice_focus_areas": list(iv.focus_skills) if iv.is_practice else [],
            "created_at": iv.start,
            "updated_at": iv.end,
        }

    def _practice_feedback(self, iv: _Interview) -> dict[str, Any]:
        gaps = [gap["skill"] for gap in iv.row["knowledge_gaps"]]
        return {
            "summary": (
                f"Practice on {', '.join(iv.focus_skills[:2])}: overall {round((iv.tech + iv.soft) / 2)}/100. "
                f"Work next on {gaps[0]}."
            ),
            "strengths": self.rng.sample(cat.STRENGTHS, 2),
            "areas_to_improve": gaps,
            "skill_scores": iv.skill_scores,
            "overall_rating": round((iv.tech + iv.soft) / 2, 1),
        }

    def _sentiment_history(self) -> None:
        completed = self.completed
        for month in _month_starts(min(iv.start for iv in completed), max(iv.end for iv in completed)):
            self.s.execute(text("SELECT create_monthly_partition(:month)"), {"month": month})
        points = [point for iv in completed for point in self._history_points(iv)]
        keys = self._insert(SentimentHistory, [h for h, _ in points], SentimentHistory.id, SentimentHistory.timestamp)
        contexts = [
            {**context, "sentiment_history_id": key.id, "sentiment_history_timestamp": key.timestamp}
            for (_, context), key in zip(points, keys, strict=True)
        ]
        self._insert(SentimentContextFactors, contexts)

    def _themes(self, iv: _Interview) -> list[str]:
        """One theme per interview question."""
        if iv.focus == "balanced":
            pool = cat.THEMES["technical"] + cat.THEMES["behavioral"]
        else:
            pool = cat.THEMES["behavioral" if iv.focus == "behavioral" else "technical"]
        return [self.rng.choice(pool) for _ in range(iv.questions)]

    def _history_points(self, iv: _Interview) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """Points spread evenly over the interview, drifting around its overall sentiment."""
        rng = self.rng
        n = int(_clamp(iv.duration / 22 + rng.randint(-8, 8), 40, 200))
        themes = self._themes(iv)
        base = {k: float(iv.sentiment[f"{k}_score"]) for k in SENTIMENTS}
        drift = dict.fromkeys(SENTIMENTS, 0.0)
        answer_ends = list(accumulate(iv.row["response_times"]))
        points = []
        for i in range(n):
            for k in drift:
                drift[k] = drift[k] * 0.85 + rng.gauss(0, 3)
            shares = self._normalise({k: max(0.5, base[k] + drift[k]) for k in SENTIMENTS})
            offset = iv.duration * (i + 0.5) / n
            # the question being answered at that moment, by the answer times (the demo's "Q3: ..." details)
            question = min(bisect_right(answer_ends, offset), iv.questions - 1)
            timestamp = iv.start + timedelta(seconds=offset)
            history = {
                "sentiment_session_id": iv.sentiment_id,
                "interview_session_id": iv.id,
                **{f"{k}_score": v for k, v in shares.items()},
                "overall_sentiment": max(shares, key=shares.get),
                "confidence": _score(rng.gauss(float(iv.sentiment["confidence_level"]), 8)),
                "timestamp": timestamp,
                "detail": f"Q{question + 1}: answer on {themes[question]}",
            }
            points.append((history, self._context_row(iv, history, themes[question])))
        return points

    def _context_row(self, iv: _Interview, history: dict[str, Any], theme: str) -> dict[str, Any]:
        rng = self.rng
        uneasy = history["overall_sentiment"] in ("negative", "mixed")
        flags = []
        if rng.random() < (0.35 if uneasy else 0.08):
            flags.append("hesitation")
        if rng.random() < 0.06:
            flags.append(rng.choice(cat.FLAGS[1:]))
        themes = [theme]
        if rng.random() < 0.3:
            themes.append(rng.choice(cat.THEMES["behavioral"]))
        return {
            "value_alignment_score": _score(rng.gauss(iv.soft, 9)),
            "requirement_addressing_score": _score(rng.gauss(iv.tech, 9)),
            "response_relevance_score": _score(rng.gauss((iv.tech + iv.soft) / 2, 8)),
            "confidence_score": float(history["confidence"]),
            "enthusiasm_score": _score(rng.gauss(float(history["positive_score"]) + 25, 10)),
            "authenticity_score": _score(rng.gauss(78, 8)),
            "key_themes": list(dict.fromkeys(themes)),
            "flags": flags,
        }

    # --- skills and assessments ----------------------------------------------------------

    def _skill_assessments(self) -> None:
        rows, histories = [], []
        for iv in self.completed:
            for skill, points in iv.skill_points.items():
                rows.append(
                    {
                        "interview_session_id": iv.id,
                        "sentiment_session_id": iv.sentiment_id,
                        "skill_id": self.skill_ids[skill],
                        "accumulated_score": round(fmean(points), 2),
                        "update_count": len(points),
                    }
                )
                histories.append(self._skill_history(iv, skill, points))
        history_rows = [
            {**h, "skill_assessment_id": assessment_id}
            for assessment_id, batch in zip(self._ids(SkillAssessment, rows), histories, strict=True)
            for h in batch
        ]
        self._insert(SkillAssessmentHistory, history_rows)

    def _skill_history(self, iv: _Interview, skill: str, points: list[float]) -> list[dict[str, Any]]:
        k = len(points)
        return [
            {
                "score": score,
                "timestamp": iv.start + timedelta(seconds=iv.duration * (j + 1) / (k + 1)),
                "details": {
                    "question": (j + 1) * iv.questions // (k + 1) + 1,
                    "skill": skill,
                    "running_average": round(fmean(points[: j + 1]), 2),
                },
            }
            for j, score in enumerate(points)
        ]

    def _interview_assessments(self) -> None:
        rows = []
        for iv in self.completed:
            for type_name in cat.FOCUS_ASSESSMENTS[iv.focus]:
                type_id, categories = self.assessment_types[type_name]
                level = iv.soft if type_name in cat.SOFT_ASSESSMENT_TYPES else iv.tech
                for category_id, category in categories:
                    score = _score(self.rng.gauss(level, 8))
                    rows.append(
                        {
                            "interview_session_id": iv.id,
                            "assessment_type_id": type_id,
                            "category_id": category_id,
                            "score": score,
                            "details": {"category": category, "evidence_count": self.rng.randint(1, 5)},
                            "created_at": iv.end,
                        }
                    )
        self._insert(InterviewAssessment, rows)

    def _cultural_fit(self) -> None:
        rows = []
        for iv in self.completed:
            iv.cultural_fit = _score(self.rng.gauss(iv.soft * 0.8 + 15, 6))
            rows.append(
                {
                    "interview_session_id": iv.id,
                    "score": iv.cultural_fit,
                    "comments": self._fit_comment(iv),
                    "created_at": iv.end,
                }
            )
        self._insert(CulturalFit, rows)

    @staticmethod
    def _fit_comment(iv: _Interview) -> str:
        where = iv.job.company.spec["company_name"] if iv.job else "a typical product team"
        if iv.cultural_fit >= 80:
            return f"Strong alignment with {where}'s values; collaborative, ownership-minded answers."
        if iv.cultural_fit >= 60:
            return f"Good fit for {where}; some answers leaned on individual rather than team results."
        return f"Limited evidence of fit with {where}'s ways of working; probe further in a follow-up."

    def _behavioral_analysis(self) -> None:
        rng = self.rng
        rows = []
        for iv in self.completed:
            calm = iv.soft
            rows.append(
                {
                    "interview_session_id": iv.id,
                    "confidence_score": _score(rng.gauss(calm, 9)),
                    "fear_score": _score(rng.gauss((100 - calm) * 0.4, 6)),
                    "sincerity_score": _score(rng.gauss(80, 8)),
                    "nervousness_score": _score(rng.gauss((100 - calm) * 0.7, 8)),
                    "excitement_score": _score(rng.gauss(60, 12)),
                    "curiosity_score": _score(rng.gauss(calm - 5, 10)),
                    "adaptability_score": _score(rng.gauss(calm, 10)),
                    "created_at": iv.end,
                    "raw_data": {
                        "model": "jobhive-affect-demo-2",
                        "sample_rate_hz": 2,
                        "frames_analyzed": int(iv.duration * 2),
                        "dominant_emotion": "calm" if calm >= 65 else "tense",
                    },
                }
            )
        self._insert(BehavioralAnalysis, rows)

    # --- learning paths ------------------------------------------------------------------

    def _learning_paths(self) -> None:
        practice = [iv for iv in self.completed if iv.is_practice]
        demo = iter(DEMO_PRACTICE_PATH_STATUSES)
        plans = []
        for iv in practice:
            is_demo = iv.candidate is self.demo_candidate
            status = next(demo) if is_demo else self.rng.choice(("draft", "active", "completed"))
            plans.append((iv, status, self._path_resources(iv)))
        rows, items = [], []
        for iv, status, resources in plans:
            row, path_items = self._path(iv, status, resources)
            rows.append(row)
            items.append(path_items)
        path_rows = [
            {**item, "learning_path_id": path_id}
            for path_id, path_items in zip(self._ids(LearningPath, rows), items, strict=True)
            for item in path_items
        ]
        self._insert(LearningPathResource, path_rows)

    def _path_resources(self, iv: _Interview) -> list[int]:
        """Resources for the weakest skills first, then the session's focus skills."""
        skills = [gap["skill"] for gap in iv.row["knowledge_gaps"]] + list(iv.focus_skills)
        ids = [r["resource_id"] for skill in dict.fromkeys(skills) for r in self.resources[skill]]
        return list(dict.fromkeys(ids))[: self.rng.randint(3, 6)]

    def _path(self, iv: _Interview, status: str, resources: list[int]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        created = iv.end + timedelta(minutes=10)
        done = {"draft": 0, "active": self.rng.randint(1, len(resources) - 1), "completed": len(resources)}[status]
        span = min(timedelta(days=21), self.now - created)
        items = [
            {
                "resource_id": resource_id,
                "order_position": position,
                "completed": position <= done,
                "completion_date": created + span * position / (len(resources) + 1) if position <= done else None,
            }
            for position, resource_id in enumerate(resources, start=1)
        ]
        updated = max([created] + [i["completion_date"] for i in items if i["completion_date"]])
        row = {"interview_session_id": iv.id, "status": status, "created_at": created, "updated_at": updated}
        return row, items

    # --- rankings ------------------------------------------------------------------------

    def _rankings(self) -> None:
        # The scoring engine ranks the seeded interviews, so the demo shows what the product computes.
        recompute_rankings(self.s)

    # --- billing -------------------------------------------------------------------------

    def _subscriptions(self) -> None:
        plan_for = {
            cat.EMPLOYER_EMAIL: ("Employer Growth", "active", 380),
            cat.OTHER_EMPLOYER_EMAIL: ("Employer Starter", "active", 260),
            cat.EXTRA_EMPLOYERS[0]["email"]: ("Employer Enterprise", "active", 300),
            cat.EXTRA_EMPLOYERS[1]["email"]: ("Employer Growth (annual)", "past_due", 372),
        }
        specs = [(email, *plan) for email, plan in plan_for.items()]
        specs.append((cat.CANDIDATE_EMAIL, "Candidate Pro", "active", 120))
        specs += self._candidate_subscription_specs()
        rows = [self._subscription_row(*spec) for spec in specs]
        self.subscriptions = [
            {**row, "id": sub_id} for sub_id, row in zip(self._ids(CustomerSubscription, rows), rows, strict=True)
        ]

    def _candidate_subscription_specs(self) -> list[tuple[str, str, str, int | None]]:
        mix = (
            [("Candidate Free", "active")] * 10
            + [("Candidate Pro", "active")] * 5
            + [("Candidate Pro (annual)", "active")] * 2
            + [("Candidate Pro", "canceled")] * 2
            + [("Candidate Pro", "past_due")] * 2
            + [("Candidate Pro", "trialing"), ("Candidate Pro", "incomplete"), ("Candidate Pro", "incomplete")]
        )
        others = [c for c in self.candidates if c is not self.demo_candidate]
        return [
            (c.email, plan, status, None)
            for c, (plan, status) in zip(self.rng.sample(others, len(mix)), mix, strict=True)
        ]

    def _subscription_row(self, email: str, plan_name: str, status: str, days_ago: int | None) -> dict[str, Any]:
        plan = self.plans[plan_name]
        start, end, trial_end, period = self._subscription_dates(email, plan["interval"], status, days_ago)
        paid = plan["price"] > 0
        return {
            "user_id": self.user_ids[email],
            "plan_id": plan["id"],
            "status": status,
            "stripe_customer_id": self._token("cus_demo", 56),
            "stripe_subscription_id": self._token("sub_demo", 64) if paid else None,
            "stripe_subscription_item_id": self._token("si_demo", 56) if paid else "",
            "start_date": start,
            "end_date": end,
            "trial_end": trial_end,
            "current_period_start": period[0],
            "current_period_end": period[1],
            "cancel_at_period_end": status == "canceled",
            "created_at": start,
            "updated_at": max(period[0], start),
        }

    def _subscription_dates(self, email, interval, status, days_ago):
        """(start, end, trial end, current period) consistent with the status."""
        if status == "trialing":
            start = self._days_ago(self.rng.uniform(2, 10))
            trial_end = start + timedelta(days=14)
            return start, None, trial_end, (start, trial_end)
        if status == "incomplete":
            start = self._days_ago(self.rng.uniform(0.5, 3))
            return start, None, None, (start, _add_months(start, 1))
        if days_ago is not None:
            start = self._days_ago(days_ago)
        else:
            start = self.user_created[email] + timedelta(days=self.rng.uniform(0, 20))
        if status == "canceled":
            end = min(_add_months(start, self.rng.randint(2, 4)), self._days_ago(3))
            return start, end, None, (max(start, _add_months(end, -1)), end)
        return start, None, None, _current_period(start, interval, self.now)

    def _usage_records(self) -> None:
        by_user = {sub["user_id"]: sub for sub in self.subscriptions}
        owners = {company.id: company.owner_id for company in self.companies}
        rows = []
        for job in self.jobs:
            rows += self._usage(
                by_user.get(owners[job.company.id]),
                "job_posting",
                str(job.id),
                job.created_at,
                {"job_title": job.spec.title},
            )
        for iv in self.interviews:
            rows += self._interview_usage(iv, by_user, owners)
        rows.sort(key=lambda row: row["created_at"])
        self._insert(UsageRecord, rows)

    def _interview_usage(self, iv: _Interview, by_user, owners) -> list[dict[str, Any]]:
        """Employers pay per interview held; candidates per practice run and per application."""
        candidate_sub = by_user.get(iv.candidate.id)
        if iv.is_practice:
            if iv.status != "completed":
                return []
            return self._usage(candidate_sub, "interview", iv.row["session_id"], iv.start, {"practice": True})
        meta = {"job_id": iv.job.id, "session_id": iv.row["session_id"]}
        rows = self._usage(candidate_sub, "application", str(iv.job.id), iv.row["created_at"], meta)
        if iv.status in ("completed", "in_progress"):
            employer_sub = by_user.get(owners[iv.job.company.id])
            rows += self._usage(employer_sub, "interview", iv.row["session_id"], iv.start, meta)
        return rows

    def _usage(self, sub, usage_type, resource_id, at, meta) -> list[dict[str, Any]]:
        """One usage record, if `at` falls inside the subscription's life."""
        if sub is None or at < sub["start_date"] or at > (sub["end_date"] or self.now):
            return []
        metered = sub["stripe_subscription_id"] is not None and usage_type == "interview"
        return [
            {
                "user_id": sub["user_id"],
                "subscription_id": sub["id"],
                "usage_type": usage_type,
                "quantity": 1,
                "resource_id": resource_id,
                "stripe_usage_record_id": self._token("mbur_demo", 56) if metered else None,
                "metadata_": meta,
                "created_at": at,
            }
        ]

    # --- analytics -----------------------------------------------------------------------

    def _statistics(self) -> None:
        _rollup(self.s, self.now)


def _rollup(session: Session, now: datetime) -> None:
    # The daily statistics (the funnel's decisions included) are what `flask stats rollup` writes:
    # the same code fills them here.
    today = now.astimezone(UTC).date()
    rollup_statistics(session, today - timedelta(days=HISTORY_DAYS - 1), today)
