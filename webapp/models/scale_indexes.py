"""Indexes the migrations add to documented tables for pages at platform size (0006, 0008, 0010, 0011, 0016).

Declared here, each exactly as its migration creates it (method, expressions,
operator classes, sort order, INCLUDE, predicate), so the models describe the
whole database; the migrations say why each exists.
"""

from __future__ import annotations

from sqlalchemy import Index, func, literal_column, text

from webapp.models.company import Job
from webapp.models.interview import InterviewSession
from webapp.models.sentiment import SentimentHistory
from webapp.models.skills import SkillAssessment, SkillAssessmentHistory
from webapp.models.users import User

Session = InterviewSession
REAL = text("is_practice IS NOT TRUE")
# Expressions of 0008's name indexes as PostgreSQL prints them back (pg_get_indexdef, pretty): Alembic
# compares index expressions by text, so a model must use the very spelling the database reports.
FULL_NAME = (
    "(COALESCE(first_name, ''::character varying)::text || ' '::text)"
    " || COALESCE(last_name, ''::character varying)::text"
)
DISPLAY_NAME = f"COALESCE(NULLIF(lower(btrim({FULL_NAME})), ''::text), lower(email::text))"

# 0006: case-insensitive lookups of users
Index("idx_users_user_lower_email", func.lower(User.email))
Index("idx_users_user_lower_username", func.lower(User.username))

# 0008: foreign keys, list orders and candidate search
Index("idx_skill_assessment_history_assessment", SkillAssessmentHistory.skill_assessment_id)
Index("idx_sentiment_history_sentiment_session", SentimentHistory.sentiment_session_id)
Index("idx_skill_assessment_sentiment_session", SkillAssessment.sentiment_session_id)
# (its idx_interview_session_job_start and idx_interview_session_start: replaced in 0016)
for _name, _column in (
    ("technical_order", Session.technical_accuracy),
    ("behavioral_order", Session.behavioral_score),
    ("completion_order", Session.completion_percentage),
    ("status_order", Session.status),
):
    Index(
        f"idx_interview_session_{_name}",
        _column.desc().nulls_last(), Session.id.desc(),
        postgresql_include=["job_id"], postgresql_where=REAL,
    )
for _name, _column in (
    ("start", Session.start_time),
    ("technical", Session.technical_accuracy),
    ("behavioral", Session.behavioral_score),
    ("completion", Session.completion_percentage),
):
    Index(
        f"idx_interview_session_status_{_name}",
        Session.status, _column.desc().nulls_last(), Session.id.desc(),
        postgresql_include=["job_id"], postgresql_where=REAL,
    )
Index("idx_users_user_display_name", text(DISPLAY_NAME), User.id)
Index("idx_company_job_company_title", Job.company_id, func.lower(Job.title), Job.id)
User.__table__.append_constraint(Index(
    "idx_users_user_name_trgm", literal_column(f"({FULL_NAME})").label("name"),
    postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"},
))
Index("idx_users_user_email_trgm", User.email, postgresql_using="gin", postgresql_ops={"email": "gin_trgm_ops"})

# 0010: the dashboard's latest completed interviews, per job, newest first
Index(
    "ix_interview_session_completed_job_start",
    Session.job_id, Session.start_time.desc(), Session.id.desc(),
    postgresql_where=text("status = 'completed' AND is_practice IS NOT TRUE"),
)

# 0016: the interviews list and analytics by interview date (when it started, else when it is planned)
WHEN = func.coalesce(Session.start_time, Session.scheduled_time)
Index(
    "idx_interview_session_when",
    WHEN.desc().nulls_last(), Session.id.desc(),
    postgresql_include=["job_id", "status", "start_time", "scheduled_time"], postgresql_where=REAL,
)
Index(
    "idx_interview_session_job_when",
    Session.job_id, WHEN.desc().nulls_last(), Session.id.desc(),
    postgresql_include=["status", "start_time", "scheduled_time"], postgresql_where=REAL,
)
Index(
    "idx_interview_session_status_when",
    Session.status, WHEN.desc().nulls_last(), Session.id.desc(),
    postgresql_include=["job_id", "start_time", "scheduled_time"], postgresql_where=REAL,
)

# 0011: the admin users list
Index("idx_users_user_created_order", User.created_at.desc().nulls_last(), User.id.desc())
Index("idx_users_user_role_order", User.role, User.id)
Index("idx_users_user_role_order_desc", User.role.desc().nulls_last(), User.id.desc())
Index("idx_users_user_role_created", User.role, User.created_at.desc().nulls_last(), User.id.desc())
for _name, _column in (("inactive", "is_active"), ("unverified", "is_verified")):
    Index(
        f"idx_users_user_{_name}_created",
        User.created_at.desc().nulls_last(), User.id.desc(),
        postgresql_where=text(f"{_column} IS NOT TRUE"),
    )
Index(
    "idx_users_user_username_trgm", User.username, postgresql_using="gin", postgresql_ops={"username": "gin_trgm_ops"}
)
