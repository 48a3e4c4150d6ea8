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


# --- two-factor authentication and login throttling ---------------------------------------


def gen_two_factor_user(session: Session, role: str = "user", **kw) -> User:
    """A user with 2FA on: a TOTP secret and a users_twofactorstate row (no step accepted yet)."""
    import pyotp

    from webapp.models import TwoFactorState

    user = gen_user(session, role=role, secret_key=pyotp.random_base32(), enable_2fa=True, **kw)
    _add(session, TwoFactorState(user_id=user.id, enabled_at=datetime.now(UTC)))
    return user


def gen_recovery_codes(session: Session, user: User) -> list[str]:
    """Ten fresh recovery codes for `user`, returned in the form shown to the user ("abcd-efgh-...")."""
    from webapp.auth.twofactor import new_recovery_codes

    return new_recovery_codes(session, user.id)


def gen_login_attempt(session: Session, *, ago: timedelta = timedelta(0), **kw):
    """A users_loginattempt row, by default a failed password attempt from 127.0.0.1 made `ago` before now()."""
    from sqlalchemy import func

    from webapp.models import LoginAttempt

    values = {"kind": "password", "ip_address": "127.0.0.1", "succeeded": False, "created_at": func.now() - ago}
    return _add(session, LoginAttempt(**(values | kw)))


# --- admin area: audit events ----------------------------------------------------------------


def gen_audit_event(session: Session, action: str = "user.login", *, actor=None, target=None, **kw):
    """An audit_auditevent row; `actor`/`target` are users (target may be any model with an id)."""
    from webapp.models import AuditEvent

    values = {
        "action": action,
        "actor_id": actor.id if actor is not None else None,
        "target_type": getattr(target, "__tablename__", None),
        "target_id": str(target.id) if target is not None else None,
        "ip_address": "127.0.0.1",
        "details": {},
    }
    return _add(session, AuditEvent(**(values | kw)))


# --- accounts: OAuth connections and the outbox ------------------------------------------


def gen_oauth_token(session: Session, user: User, provider: str = "github", **kw):
    """A users_useroauthtoken row connecting `user` to `provider`."""
    from webapp.models import UserOAuthToken

    values = {
        "user_id": user.id,
        "provider": provider,
        "access_token": f"token-{next(_sequence)}",
        "expires_at": datetime.now(UTC) + timedelta(days=30),
        "scope": "read:user",
    }
    return _add(session, UserOAuthToken(**(values | kw)))


def gen_outbox_message(session: Session, to: str = "someone@example.test", **kw):
    """A mail_outboxmessage row (recorded, not sent)."""
    from webapp.models import OutboxMessage

    values = {"to_address": to, "subject": f"Message {next(_sequence)}", "body_text": "Hello."}
    return _add(session, OutboxMessage(**(values | kw)))


def mail_link(session: Session, to: str) -> str:
    """The path and query of the first link in the newest mail to `to` (for following it with a test client)."""
    import re
    from urllib.parse import urlsplit

    from sqlalchemy import func, select

    from webapp.models import OutboxMessage

    body = session.scalar(
        select(OutboxMessage.body_text)
        .where(func.lower(OutboxMessage.to_address) == to.lower())
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    assert body is not None, f"no mail to {to}"
    url = urlsplit(re.search(r"https?://\S+", body).group(0))
    return url.path + (f"?{url.query}" if url.query else "")


def gen_score_weight(session: Session, job_focus: str = "technical", **kw):
    """An interview_scoreweight row (default weights for a focus); replaces an existing one."""
    from sqlalchemy import delete

    from webapp.models import ScoreWeight

    session.execute(delete(ScoreWeight).where(ScoreWeight.job_focus == job_focus))
    values = {
        "job_focus": job_focus,
        "technical_weight": Decimal("0.45"),
        "skills_weight": Decimal("0.30"),
        "cultural_fit_weight": Decimal("0.15"),
        "sentiment_weight": Decimal("0.10"),
    }
    return _add(session, ScoreWeight(**(values | kw)))


def gen_dynamic_score_weight(session: Session, job: Job, **kw):
    """A job's interview_dynamicscoreweight row: balanced base, +0.05 technical / -0.05 sentiment."""
    from webapp.models import DynamicScoreWeight

    values = {
        "job_id": job.id,
        "base_technical_weight": Decimal("0.30"),
        "base_skills_weight": Decimal("0.25"),
        "base_cultural_fit_weight": Decimal("0.25"),
        "base_sentiment_weight": Decimal("0.20"),
        "technical_adjustment": Decimal("0.05"),
        "skills_adjustment": Decimal("0.00"),
        "cultural_fit_adjustment": Decimal("0.00"),
        "sentiment_adjustment": Decimal("-0.05"),
        "value_alignment_weight": Decimal("0.30"),
        "confidence_weight": Decimal("0.30"),
        "enthusiasm_weight": Decimal("0.20"),
        "authenticity_weight": Decimal("0.20"),
    }
    return _add(session, DynamicScoreWeight(**(values | kw)))


def gen_ranking(session: Session, job: Job, candidate: User | None = None, **kw):
    """A stored ranking for `job` (a new candidate unless given), as a recompute leaves it: the
    interview_candidateranking row, its rankings_component row and the job's places; scores in [0, 100]."""
    from webapp.models import CandidateRanking, RankingComponent
    from webapp.rankings.services import PLACES

    candidate = candidate or gen_user(session)
    values = {
        "job_id": job.id,
        "candidate_id": candidate.id,
        "overall_score": Decimal("72.50"),
        "technical_score": Decimal("75.00"),
        "cultural_fit_score": Decimal("70.00"),
        "communication_score": Decimal("68.00"),
        "ai_confidence": Decimal("80.00"),
    } | kw
    ranking = _add(session, CandidateRanking(**values))
    session.add(RankingComponent(
        **{k: v for k, v in values.items() if k != "id"}, sessions=1, points=0, assessments=0,
        factor_technical=float(values["technical_score"]), factor_cultural_fit=float(values["cultural_fit_score"]),
        factor_sentiment=float(values["communication_score"]),
        sort_name=" ".join(p for p in (candidate.first_name, candidate.last_name, candidate.email) if p is not None).lower(),
    ))
    session.flush()
    session.execute(PLACES, {"all_jobs": False, "job_ids": [job.id]})
    return ranking


def gen_sentiment_point(session: Session, sentiment: SentimentSession, **kw):
    """One interview_sentimenthistory point of a sentiment session (inside an existing monthly partition)."""
    from webapp.models import SentimentHistory

    values = {
        "sentiment_session_id": sentiment.id,
        "interview_session_id": sentiment.interview_session_id,
        "positive_score": Decimal("55.00"),
        "overall_sentiment": "positive",
        "timestamp": datetime.now(UTC) - timedelta(minutes=5),
    }
    return _add(session, SentimentHistory(**(values | kw)))


def backdated_token(secret_key: str, token: str, salt: str, age: timedelta) -> str:
    """The payload of a signed link (itsdangerous) re-signed as if it had been issued `age` ago."""
    import time

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age.total_seconds())

    payload = URLSafeTimedSerializer(secret_key, salt=salt).loads(token)
    return URLSafeTimedSerializer(secret_key, salt=salt, signer=PastSigner).dumps(payload)


# --- interview page: context factors, skills, assessments, fit and behavior ------------------


def gen_context_factors(session: Session, point, **kw):
    """The interview_sentimentcontextfactors row of one sentiment point (composite key to the partition)."""
    from webapp.models import SentimentContextFactors

    values = {
        "sentiment_history_id": point.id,
        "sentiment_history_timestamp": point.timestamp,
        "value_alignment_score": Decimal("70.00"),
        "requirement_addressing_score": Decimal("65.00"),
        "response_relevance_score": Decimal("72.00"),
        "confidence_score": Decimal("60.00"),
        "enthusiasm_score": Decimal("75.00"),
        "authenticity_score": Decimal("80.00"),
        "key_themes": ["system design"],
        "flags": [],
    }
    return _add(session, SentimentContextFactors(**(values | kw)))


def gen_skill_assessment(session: Session, interview: InterviewSession, skill: str | None = None,
                         category: str | None = "Programming", scores: tuple = (60, 70), **kw):
    """A skill (and its category) assessed in `interview`, with one history row per score."""
    from sqlalchemy import select

    from webapp.models import Skill, SkillAssessment, SkillAssessmentHistory, SkillCategory

    category_row = None
    if category is not None:
        category_row = session.scalar(select(SkillCategory).where(SkillCategory.name == category))
        category_row = category_row or _add(session, SkillCategory(name=category))
    skill_row = _add(session, Skill(name=skill or f"Skill {next(_sequence)}",
                                    category_id=category_row.id if category_row else None))
    values = {
        "interview_session_id": interview.id,
        "skill_id": skill_row.id,
        "accumulated_score": Decimal(str(scores[-1])) if scores else Decimal("0"),
        "update_count": len(scores),
    }
    assessment = _add(session, SkillAssessment(**(values | kw)))
    start = interview.start_time or datetime.now(UTC)
    for i, score in enumerate(scores):
        _add(session, SkillAssessmentHistory(skill_assessment_id=assessment.id, score=Decimal(str(score)),
                                             timestamp=start + timedelta(minutes=i)))
    return assessment


def gen_interview_assessment(session: Session, interview: InterviewSession, type_name: str = "Technical",
                             category: str | None = None, **kw):
    """An interview_interviewassessment row under a (new or existing) type and a new category.

    A new type counts toward the technical score when its name starts with "Technical" (the rule
    migration 0012 turned into the admin's flag).
    """
    from sqlalchemy import select

    from webapp.models import AssessmentCategory, AssessmentType, InterviewAssessment

    kind = session.scalar(select(AssessmentType).where(AssessmentType.name == type_name))
    kind = kind or _add(session, AssessmentType(
        name=type_name, counts_as_technical=type_name.lower().startswith("technical")))
    category_row = _add(session, AssessmentCategory(assessment_type_id=kind.id,
                                                    name=category or f"Category {next(_sequence)}"))
    values = {
        "interview_session_id": interview.id,
        "assessment_type_id": kind.id,
        "category_id": category_row.id,
        "score": Decimal("68.00"),
        "details": {},
    }
    return _add(session, InterviewAssessment(**(values | kw)))


def gen_cultural_fit(session: Session, interview: InterviewSession, **kw):
    from webapp.models import CulturalFit

    values = {"interview_session_id": interview.id, "score": Decimal("77.00"), "comments": "Values teamwork."}
    return _add(session, CulturalFit(**(values | kw)))


def gen_behavioral_analysis(session: Session, interview: InterviewSession, **kw):
    from webapp.models import BehavioralAnalysis

    values = {
        "interview_session_id": interview.id,
        **{f"{trait}_score": Decimal("50.00") for trait in (
            "confidence", "fear", "sincerity", "nervousness", "excitement", "curiosity", "adaptability")},
    }
    return _add(session, BehavioralAnalysis(**(values | kw)))


def gen_skill_score(session: Session, interview: InterviewSession, skill: str, score: int | str):
    """A skill assessment of `skill` (created once, shared by name) in `interview` with this score."""
    from sqlalchemy import select

    from webapp.models import Skill, SkillAssessment

    skill_row = session.scalar(select(Skill).where(Skill.name == skill)) or _add(session, Skill(name=skill))
    return _add(session, SkillAssessment(interview_session_id=interview.id, skill_id=skill_row.id,
                                         accumulated_score=Decimal(str(score)), update_count=1))


# --- the admin catalog ---------------------------------------------------------------


def gen_catalog_skill(session: Session, category=None, **kw):
    """A skill named uniquely, in `category` (a SkillCategory) or none."""
    from webapp.models import Skill

    values = {"name": f"Catalog skill {next(_sequence)}", "category_id": category.id if category else None}
    return _add(session, Skill(**(values | kw)))


def gen_catalog_skill_category(session: Session, **kw):
    from webapp.models import SkillCategory

    return _add(session, SkillCategory(**({"name": f"Catalog category {next(_sequence)}"} | kw)))


def gen_catalog_assessment_type(session: Session, **kw):
    from webapp.models import AssessmentType

    values = {"name": f"Assessment type {next(_sequence)}", "description": "What it measures."}
    return _add(session, AssessmentType(**(values | kw)))


def gen_catalog_assessment_category(session: Session, assessment_type, **kw):
    from webapp.models import AssessmentCategory

    values = {"name": f"Assessment category {next(_sequence)}", "assessment_type_id": assessment_type.id}
    return _add(session, AssessmentCategory(**(values | kw)))


def gen_catalog_resource(session: Session, skill, **kw):
    """A learning resource for `skill` (a Skill)."""
    from webapp.models import LearningResource

    values = {
        "title": f"Resource {next(_sequence)}",
        "description": "Worked examples.",
        "resource_type": "article",
        "url": "https://learn.example.com/a",
        "estimated_hours": 2,
        "skill_id": skill.id,
    }
    return _add(session, LearningResource(**(values | kw)))


def gen_resume(session: Session, user: User, **kw):
    """A parsed resume row for `user`; its `file` names no stored file unless the test writes one."""
    import secrets

    from webapp.models import Resume

    values = {
        "user_id": user.id,
        "file": f"{secrets.token_hex(16)}.pdf",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "skills": "Python, SQL",
        "work_experience": "2021-present  Engineer, Example Ltd",
    }
    return _add(session, Resume(**(values | kw)))


# --- learning paths ----------------------------------------------------------------------------


def gen_learning_resource(session: Session, skill=None, **kw):
    """An interview_learningresource row for `skill` (a Skill, or a skill name created when missing)."""
    from sqlalchemy import select

    from webapp.models import LearningResource, Skill

    if isinstance(skill, str):
        skill = session.scalar(select(Skill).where(Skill.name == skill)) or _add(session, Skill(name=skill))
    n = next(_sequence)
    values = {
        "title": f"Resource {n}",
        "description": "Worked examples and exercises.",
        "resource_type": "article",
        "url": f"https://learn.example.com/{n}",
        "estimated_hours": 2,
        "skill_id": skill.id if skill is not None else None,
    }
    return _add(session, LearningResource(**(values | kw)))


def gen_learning_path(session: Session, interview: InterviewSession, resources=None, **kw):
    """A learning path built from `interview`, one entry per resource at positions 1..n (two new resources by default)."""
    from webapp.models import LearningPath, LearningPathResource

    path = _add(session, LearningPath(**({"interview_session_id": interview.id, "status": "draft"} | kw)))
    for position, resource in enumerate(resources or [gen_learning_resource(session) for _ in range(2)], start=1):
        session.add(LearningPathResource(learning_path_id=path.id, resource_id=resource.id, order_position=position))
    session.flush()
    return path


# --- billing: plans and subscriptions ----------------------------------------------------------


def gen_plan(session: Session, plan_type: str = "employer", **kw):
    """A billing_subscriptionplan row: a paid monthly plan of `plan_type` with modest limits."""
    from webapp.models import SubscriptionPlan

    n = next(_sequence)
    values = {
        "name": f"Plan {n}",
        "plan_type": plan_type,
        "interval": "month",
        "price": Decimal("49.00"),
        "interview_limit": 10,
        "job_posting_limit": 5,
        "application_limit": 0,
        "features": ["Feature one", "Feature two"],
        "sort_order": n,
        "is_active": True,
    }
    return _add(session, SubscriptionPlan(**(values | kw)))


def gen_subscription(session: Session, user: User, plan, **kw):
    """A billing_customersubscription row: `user` active on `plan` for the current month."""
    from webapp.models import CustomerSubscription

    now = datetime.now(UTC)
    values = {
        "user_id": user.id,
        "plan_id": plan.id,
        "status": "active",
        "start_date": now - timedelta(days=3),
        "current_period_start": now - timedelta(days=3),
        "current_period_end": now + timedelta(days=27),
    }
    return _add(session, CustomerSubscription(**(values | kw)))


def gen_login_session(session: Session, user: User, **kw):
    """A live users_loginsession row of `user` on another browser (its cookie token is unknown)."""
    import secrets

    from webapp.models import LoginSession

    values = {
        "user_id": user.id,
        "token_hash": secrets.token_hex(32),
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    }
    return _add(session, LoginSession(**(values | kw)))


# --- hiring teams: members, invitations, job teams, interview assignments ---------------------


def gen_member(session: Session, company: Company, user: User | None = None, role: str = "recruiter", **kw):
    """A company_member row: `user` (a new employer account unless given) in `company` with `role`."""
    from webapp.models import CompanyMember

    user = user or gen_user(session, role="employer")
    return _add(session, CompanyMember(**({"company_id": company.id, "user_id": user.id, "role": role} | kw)))


def gen_invitation(session: Session, company: Company, email: str | None = None, role: str = "recruiter", **kw):
    """An open company_invitation (sent now, expiring in 7 days); its link secret is on `.secret`."""
    import hashlib
    import secrets

    from webapp.models import CompanyInvitation

    secret = secrets.token_urlsafe(32)
    values = {
        "company_id": company.id,
        "email": email or f"invitee{next(_sequence)}@example.test",
        "role": role,
        "token_digest": hashlib.sha256(secret.encode()).hexdigest(),
        "invited_by_id": company.user_id,
        "expires_at": datetime.now(UTC) + timedelta(days=7),
    }
    invitation = _add(session, CompanyInvitation(**(values | kw)))
    invitation.secret = secret  # not a column: the link itself is never stored
    return invitation


def gen_job_team(session: Session, job: Job, user: User, team_role: str = "hiring_manager", **kw):
    """A company_jobteam row: `user` on `job`'s hiring team (the caller makes them a member)."""
    from webapp.models import JobTeamMember

    return _add(session, JobTeamMember(**({"job_id": job.id, "user_id": user.id, "team_role": team_role} | kw)))


def gen_assignment(session: Session, interview: InterviewSession, user: User, assigned_by: User | None = None, **kw):
    """An interview_assignment row: `user` assigned to `interview` (by `assigned_by`, if given)."""
    from webapp.models import InterviewAssignment

    values = {
        "interview_session_id": interview.id,
        "user_id": user.id,
        "assigned_by_id": assigned_by.id if assigned_by is not None else None,
    }
    return _add(session, InterviewAssignment(**(values | kw)))
