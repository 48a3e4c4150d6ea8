"""Initial schema: every table, constraint and index of docs/database-schema.md.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 00:00:00

Hand-written from the document, in its order. Every constraint is named
explicitly (as PostgreSQL names the document's inline constraints, or as the
document names them), so this file does not depend on the models' naming
convention.

Deviations forced by PostgreSQL, and how the document was read:
- interview_sentimenthistory is RANGE-partitioned by month on "timestamp". A
  partitioned table's primary key must contain the partition key, so the key is
  (id, "timestamp") and "timestamp" is NOT NULL (it keeps DEFAULT now()).
- A foreign key into it must name the whole key, so
  interview_sentimentcontextfactors gets `sentiment_history_timestamp
  TIMESTAMPTZ NOT NULL`, and its documented FK becomes
  (sentiment_history_id, sentiment_history_timestamp) ON DELETE CASCADE under
  the name PostgreSQL gives the documented one; sentiment_history_id stays
  UNIQUE.
- The document's `ON DELETE PROTECT` (a Django term) is RESTRICT.
- fk_sentiment_interview and fk_subscription_plan are the names of the single
  FKs the CREATE TABLEs declare, not second FKs on the same columns.
- The "Critical indexes" are created without CONCURRENTLY, which cannot run
  inside the migration's transaction (and gains nothing on new tables).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TSTZ = sa.DateTime(timezone=True)
JSONB = postgresql.JSONB()
NOW = sa.text("now()")
EMPTY_OBJECT = sa.text("'{}'::jsonb")
EMPTY_ARRAY = sa.text("'[]'::jsonb")
ZERO = sa.text("0")
TRUE = sa.text("true")
FALSE = sa.text("false")


def _id() -> sa.Column:
    """`id SERIAL`; `_pkey(table)` makes it the primary key."""
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _pkey(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"{table}_pkey"))


def _fkey(table: str, column: str, target: str, ondelete: str, name: str | None = None) -> sa.ForeignKeyConstraint:
    """`column INTEGER REFERENCES target ON DELETE ...`, named as PostgreSQL names it."""
    return sa.ForeignKeyConstraint(
        [column], [target], ondelete=ondelete, name=op.f(name or f"{table}_{column}_fkey")
    )


def _unique(table: str, *columns: str, name: str | None = None) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(name or f"{table}_{'_'.join(columns)}_key"))


def _percentage(table: str, column: str) -> sa.CheckConstraint:
    """The inline `CHECK (column >= 0 AND column <= 100)`, named as PostgreSQL names it."""
    return sa.CheckConstraint(f"{column} >= 0 AND {column} <= 100", name=op.f(f"{table}_{column}_check"))


def _decimal(name: str, precision: int = 5, scale: int = 2, default: str | None = "0") -> sa.Column:
    """A nullable `DECIMAL(p,s)` column, `DEFAULT 0` unless told otherwise."""
    return sa.Column(
        name, sa.Numeric(precision, scale), server_default=sa.text(default) if default is not None else None
    )


def _required_decimal(name: str, precision: int = 5, scale: int = 2) -> sa.Column:
    return sa.Column(name, sa.Numeric(precision, scale), nullable=False)


def upgrade() -> None:
    _create_users()
    _create_companies()
    _create_interview_sessions()
    _create_sentiment()
    _create_skills()
    _create_assessments()
    _create_learning()
    _create_billing()
    _create_analytics()
    _create_scoring()
    _create_critical_indexes()


def _create_users() -> None:
    op.create_table(
        "users_user",
        _id(),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("password", sa.String(255), nullable=False),
        sa.Column("first_name", sa.String(255)),
        sa.Column("last_name", sa.String(255)),
        sa.Column("is_verified", sa.Boolean(), server_default=FALSE),
        sa.Column("is_active", sa.Boolean(), server_default=TRUE),
        sa.Column("is_staff", sa.Boolean(), server_default=FALSE),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("secret_key", sa.String(32)),
        sa.Column("enable_2fa", sa.Boolean(), server_default=FALSE),
        sa.Column("role", sa.String(20), server_default=sa.text("'user'")),
        sa.Column("resume", sa.String(100)),
        sa.Column("avatar", sa.String(100)),
        sa.Column("auth_provider", sa.String(255), server_default=sa.text("'email'")),
        sa.Column("social_links", JSONB, server_default=EMPTY_OBJECT),
        _pkey("users_user"),
        _unique("users_user", "username"),
        _unique("users_user", "email"),
    )
    op.create_index("idx_users_user_email", "users_user", ["email"])
    op.create_index("idx_users_user_username", "users_user", ["username"])
    op.create_index("idx_users_user_role", "users_user", ["role"])
    op.create_index("idx_users_user_created_at", "users_user", ["created_at"])

    op.create_table(
        "users_resume",
        _id(),
        sa.Column("user_id", sa.Integer()),
        sa.Column("file", sa.String(100)),
        sa.Column("uploaded_at", TSTZ, server_default=NOW),
        sa.Column("first_name", sa.String(255)),
        sa.Column("last_name", sa.String(255)),
        sa.Column("email", sa.String(255)),
        sa.Column("phone", sa.String(50)),
        sa.Column("linkedin", sa.String(200)),
        sa.Column("github", sa.String(200)),
        sa.Column("skills", sa.Text()),
        sa.Column("work_experience", sa.Text()),
        sa.Column("education", sa.Text()),
        sa.Column("summary", sa.Text()),
        sa.Column("projects_worked", sa.Text()),
        sa.Column("achievements", sa.Text()),
        _pkey("users_resume"),
        _fkey("users_resume", "user_id", "users_user.id", "CASCADE"),
    )
    op.create_index("idx_users_resume_user_id", "users_resume", ["user_id"])
    op.create_index("idx_users_resume_uploaded_at", "users_resume", ["uploaded_at"])

    op.create_table(
        "users_useroauthtoken",
        _id(),
        sa.Column("user_id", sa.Integer()),
        sa.Column("provider", sa.String(50), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text()),
        sa.Column("expires_at", TSTZ, nullable=False),
        sa.Column("scope", sa.Text()),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("updated_at", TSTZ, server_default=NOW),
        _pkey("users_useroauthtoken"),
        _fkey("users_useroauthtoken", "user_id", "users_user.id", "CASCADE"),
        _unique("users_useroauthtoken", "user_id", "provider"),
    )
    op.create_index("idx_users_oauth_user_provider", "users_useroauthtoken", ["user_id", "provider"])
    op.create_index("idx_users_oauth_expires_at", "users_useroauthtoken", ["expires_at"])


def _create_companies() -> None:
    op.create_table(
        "company_company",
        _id(),
        sa.Column("user_id", sa.Integer()),
        sa.Column("company_name", sa.String(255), nullable=False),
        sa.Column("contact_email", sa.String(254)),
        sa.Column("phone_number", sa.String(20)),
        sa.Column("address", sa.String(255)),
        sa.Column("industry", sa.String(100)),
        sa.Column("company_logo", sa.String(100)),
        sa.Column("website", sa.String(200)),
        sa.Column("description", sa.Text()),
        sa.Column("is_recruiting_agency", sa.Boolean(), server_default=FALSE),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("updated_at", TSTZ, server_default=NOW),
        sa.Column("team_member_count", sa.Integer(), server_default=ZERO),
        # Interview timing settings
        sa.Column("custom_interview_timing", sa.Boolean(), server_default=FALSE),
        sa.Column("interview_duration_minutes", sa.Integer(), server_default=sa.text("30")),
        sa.Column("interview_first_warning_seconds", sa.Integer(), server_default=sa.text("300")),
        sa.Column("interview_final_warning_seconds", sa.Integer(), server_default=sa.text("120")),
        sa.Column("interview_force_end_seconds", sa.Integer(), server_default=sa.text("10")),
        sa.Column("allow_interview_extensions", sa.Boolean(), server_default=TRUE),
        sa.Column("max_interview_extensions", sa.Integer(), server_default=sa.text("2")),
        sa.Column("interview_extension_minutes", sa.Integer(), server_default=sa.text("10")),
        _pkey("company_company"),
        _unique("company_company", "user_id"),
        _fkey("company_company", "user_id", "users_user.id", "CASCADE"),
    )
    op.create_index("idx_company_company_user_id", "company_company", ["user_id"])
    op.create_index("idx_company_company_industry", "company_company", ["industry"])
    op.create_index("idx_company_company_created_at", "company_company", ["created_at"])

    op.create_table(
        "company_job",
        _id(),
        sa.Column("company_id", sa.Integer()),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("requirements", sa.Text()),
        sa.Column("job_focus", sa.String(50), server_default=sa.text("'balanced'")),
        sa.Column("is_active", sa.Boolean(), server_default=TRUE),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("updated_at", TSTZ, server_default=NOW),
        _pkey("company_job"),
        _fkey("company_job", "company_id", "company_company.id", "CASCADE"),
    )
    op.create_index("idx_company_job_company_id", "company_job", ["company_id"])
    op.create_index("idx_company_job_is_active", "company_job", ["is_active"])
    op.create_index("idx_company_job_created_at", "company_job", ["created_at"])
    op.create_index("idx_company_job_job_focus", "company_job", ["job_focus"])


def _create_interview_sessions() -> None:
    table = "interview_interviewsession"
    op.create_table(
        table,
        _id(),
        sa.Column("session_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.Integer()),
        sa.Column("job_id", sa.Integer()),
        # Timing fields
        sa.Column("start_time", TSTZ, server_default=NOW),
        sa.Column("end_time", TSTZ),
        sa.Column("scheduled_time", TSTZ),
        sa.Column("completion_time", TSTZ),
        sa.Column("duration", sa.Double()),
        sa.Column("max_duration_minutes", sa.Integer(), server_default=sa.text("15")),
        sa.Column("time_extension_count", sa.Integer(), server_default=ZERO),
        # Status and completion
        sa.Column("status", sa.String(20), server_default=sa.text("'scheduled'")),
        sa.Column("is_active", sa.Boolean(), server_default=TRUE),
        sa.Column("completion_percentage", sa.Integer(), server_default=ZERO),
        # Scoring fields
        _decimal("technical_accuracy", 6, 2, default=None),
        _decimal("behavioral_score", default=None),
        # Settings
        sa.Column("is_practice", sa.Boolean(), server_default=FALSE),
        sa.Column("enable_behavioral_analysis", sa.Boolean(), server_default=FALSE),
        # Metadata
        sa.Column("interviewer_notes", sa.Text()),
        sa.Column("technical_difficulty_reported", sa.Boolean(), server_default=FALSE),
        sa.Column("reminder_sent", sa.Boolean(), server_default=FALSE),
        sa.Column("reminder_time", sa.Integer(), server_default=sa.text("30")),
        sa.Column("calendar_event_id", sa.String(255)),
        sa.Column("calendar_link", sa.String(200)),
        # Performance tracking
        sa.Column("response_times", JSONB, server_default=EMPTY_ARRAY),
        sa.Column("attention_metrics", JSONB, server_default=EMPTY_OBJECT),
        sa.Column("employer_metrics", JSONB, server_default=EMPTY_OBJECT),
        sa.Column("interviewer_growth_metrics", JSONB, server_default=EMPTY_OBJECT),
        sa.Column("knowledge_gaps", JSONB, server_default=EMPTY_ARRAY),
        sa.Column("suggested_resources", JSONB, server_default=EMPTY_ARRAY),
        sa.Column("warning_sent_at", JSONB, server_default=EMPTY_ARRAY),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("updated_at", TSTZ, server_default=NOW),
        _pkey(table),
        _unique(table, "session_id"),
        _fkey(table, "user_id", "users_user.id", "CASCADE"),
        _fkey(table, "job_id", "company_job.id", "CASCADE"),
        # Business constraint (the document's "Data Integrity" section): max 4 hours.
        sa.CheckConstraint(
            "duration IS NULL OR (duration > 0 AND duration < 14400)", name=op.f("chk_interview_duration")
        ),
    )
    op.create_index("idx_interview_session_user_status", table, ["user_id", "status", "start_time"])
    op.create_index("idx_interview_session_job_id", table, ["job_id"])
    op.create_index("idx_interview_session_session_id", table, ["session_id"])
    op.create_index("idx_interview_session_completion", table, ["completion_percentage"])
    op.create_index("idx_interview_session_status_time", table, ["status", "start_time"])


def _create_sentiment() -> None:
    table = "interview_sentimentsession"
    op.create_table(
        table,
        _id(),
        sa.Column("session_id", sa.String(255), nullable=False),
        sa.Column("interview_session_id", sa.Integer()),
        sa.Column("user_id", sa.Integer()),
        # Core sentiment scores
        _decimal("positive_score"),
        _decimal("negative_score"),
        _decimal("neutral_score"),
        _decimal("mixed_score"),
        sa.Column("overall_sentiment", sa.String(20)),
        # Additional metrics
        _decimal("confidence_level"),
        _decimal("engagement_score"),
        _decimal("professionalism_score"),
        _decimal("clarity_score"),
        # Visibility settings
        sa.Column("employer_visible", sa.Boolean(), server_default=TRUE),
        sa.Column("interviewer_visible", sa.Boolean(), server_default=TRUE),
        # Practice session features
        sa.Column("is_practice", sa.Boolean(), server_default=FALSE),
        sa.Column("detailed_feedback", JSONB, server_default=EMPTY_OBJECT),
        sa.Column("improvement_suggestions", JSONB, server_default=EMPTY_ARRAY),
        sa.Column("practice_focus_areas", JSONB, server_default=EMPTY_ARRAY),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("updated_at", TSTZ, server_default=NOW),
        _pkey(table),
        _unique(table, "session_id"),
        # The document names this FK in its "Foreign Key Relationships" section.
        _fkey(table, "interview_session_id", "interview_interviewsession.id", "CASCADE", name="fk_sentiment_interview"),
        _fkey(table, "user_id", "users_user.id", "CASCADE"),
        sa.CheckConstraint(
            "positive_score + negative_score + neutral_score + mixed_score <= 100",
            name=op.f("chk_sentiment_scores_valid"),
        ),
    )
    op.create_index("idx_sentiment_session_interview", table, ["interview_session_id", "created_at"])
    op.create_index("idx_sentiment_session_user", table, ["user_id"])
    op.create_index("idx_sentiment_session_overall", table, ["overall_sentiment"])

    _create_sentiment_history()

    table = "interview_sentimentcontextfactors"
    op.create_table(
        table,
        _id(),
        sa.Column("sentiment_history_id", sa.Integer()),
        # Forced: the partition key of the referenced row, for the composite FK below.
        sa.Column("sentiment_history_timestamp", TSTZ, nullable=False),
        _decimal("value_alignment_score"),
        _decimal("requirement_addressing_score"),
        _decimal("response_relevance_score"),
        _decimal("confidence_score"),
        _decimal("enthusiasm_score"),
        _decimal("authenticity_score"),
        sa.Column("key_themes", JSONB, server_default=EMPTY_ARRAY),
        sa.Column("flags", JSONB, server_default=EMPTY_ARRAY),
        _pkey(table),
        _unique(table, "sentiment_history_id"),
        sa.ForeignKeyConstraint(
            ["sentiment_history_id", "sentiment_history_timestamp"],
            ["interview_sentimenthistory.id", "interview_sentimenthistory.timestamp"],
            ondelete="CASCADE",
            name=op.f("interview_sentimentcontextfactors_sentiment_history_id_fkey"),
        ),
    )
    op.create_index("idx_sentiment_context_history", table, ["sentiment_history_id"])


def _create_sentiment_history() -> None:
    """The partitioned time series, its partition function and its partitions."""
    op.execute(
        """
        CREATE TABLE interview_sentimenthistory (
            id SERIAL NOT NULL,
            sentiment_session_id INTEGER,
            interview_session_id INTEGER,
            positive_score NUMERIC(5,2) DEFAULT 0,
            negative_score NUMERIC(5,2) DEFAULT 0,
            neutral_score NUMERIC(5,2) DEFAULT 0,
            mixed_score NUMERIC(5,2) DEFAULT 0,
            overall_sentiment VARCHAR(20),
            confidence NUMERIC(5,2) DEFAULT 0,
            "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            detail TEXT,
            -- Forced: a partitioned table's primary key must hold the partition key.
            CONSTRAINT interview_sentimenthistory_pkey PRIMARY KEY (id, "timestamp"),
            CONSTRAINT interview_sentimenthistory_sentiment_session_id_fkey FOREIGN KEY (sentiment_session_id)
                REFERENCES interview_sentimentsession (id) ON DELETE CASCADE,
            CONSTRAINT interview_sentimenthistory_interview_session_id_fkey FOREIGN KEY (interview_session_id)
                REFERENCES interview_interviewsession (id) ON DELETE CASCADE
        ) PARTITION BY RANGE ("timestamp")
        """
    )
    op.create_index(
        "idx_sentiment_history_session", "interview_sentimenthistory", ["interview_session_id", "timestamp"]
    )

    # The document's function, made safe to call repeatedly (and from a
    # scheduler) and given the month as a parameter. Bounds are UTC month
    # starts spelled out, so neither the session's TimeZone nor its DateStyle
    # can shift them and make two partitions overlap.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION create_monthly_partition(
            p_month date DEFAULT (CURRENT_DATE + interval '1 month')
        ) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE
            start_date date := date_trunc('month', p_month::timestamp)::date;
            end_date date := (start_date + interval '1 month')::date;
            table_name text := 'interview_sentimenthistory_y' || to_char(start_date, 'YYYY')
                               || 'm' || to_char(start_date, 'MM');
        BEGIN
            IF to_regclass(quote_ident(table_name)) IS NOT NULL THEN
                RETURN;
            END IF;
            EXECUTE format(
                'CREATE TABLE IF NOT EXISTS %I PARTITION OF interview_sentimenthistory '
                'FOR VALUES FROM (%L) TO (%L)',
                table_name,
                to_char(start_date, 'YYYY-MM-DD') || ' 00:00:00+00',
                to_char(end_date, 'YYYY-MM-DD') || ' 00:00:00+00'
            );
        END;
        $$
        """
    )
    # From the document's first example month (2024-01) through three months
    # ahead, so recent and near-future points always have a partition. There is
    # no default partition: later months come from create_monthly_partition().
    op.execute(
        """
        SELECT create_monthly_partition(month::date)
        FROM generate_series(
            timestamp '2024-01-01',
            date_trunc('month', CURRENT_DATE::timestamp) + interval '3 months',
            interval '1 month'
        ) AS month
        """
    )


def _create_skills() -> None:
    op.create_table(
        "interview_skillcategory",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        _pkey("interview_skillcategory"),
        _unique("interview_skillcategory", "name"),
    )

    op.create_table(
        "interview_skill",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("category_id", sa.Integer()),
        _pkey("interview_skill"),
        _unique("interview_skill", "name"),
        _fkey("interview_skill", "category_id", "interview_skillcategory.id", "SET NULL"),
    )

    table = "interview_skillassessment"
    op.create_table(
        table,
        _id(),
        sa.Column("interview_session_id", sa.Integer()),
        sa.Column("sentiment_session_id", sa.Integer()),
        sa.Column("skill_id", sa.Integer()),
        _decimal("accumulated_score", 10, 2),
        sa.Column("update_count", sa.Integer(), server_default=ZERO),
        _pkey(table),
        _fkey(table, "interview_session_id", "interview_interviewsession.id", "CASCADE"),
        _fkey(table, "sentiment_session_id", "interview_sentimentsession.id", "CASCADE"),
        _fkey(table, "skill_id", "interview_skill.id", "CASCADE"),
        _unique(table, "interview_session_id", "skill_id"),
        sa.CheckConstraint(
            "accumulated_score >= 0 AND accumulated_score <= 100", name=op.f("chk_skill_score_range")
        ),
    )
    op.create_index("idx_skill_assessment_session", table, ["interview_session_id"])
    op.create_index("idx_skill_assessment_skill", table, ["skill_id"])

    table = "interview_skillassessmenthistory"
    op.create_table(
        table,
        _id(),
        sa.Column("skill_assessment_id", sa.Integer()),
        _required_decimal("score"),
        sa.Column("timestamp", TSTZ, server_default=NOW),
        sa.Column("details", JSONB),
        _pkey(table),
        _fkey(table, "skill_assessment_id", "interview_skillassessment.id", "CASCADE"),
    )
    op.create_index("idx_skill_assessment_history_timestamp", table, ["timestamp"])


def _create_assessments() -> None:
    op.create_table(
        "interview_assessmenttype",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text()),
        _pkey("interview_assessmenttype"),
        _unique("interview_assessmenttype", "name"),
    )

    table = "interview_assessmentcategory"
    op.create_table(
        table,
        _id(),
        sa.Column("assessment_type_id", sa.Integer()),
        sa.Column("name", sa.String(100), nullable=False),
        _pkey(table),
        _fkey(table, "assessment_type_id", "interview_assessmenttype.id", "CASCADE"),
        _unique(table, "assessment_type_id", "name"),
    )

    table = "interview_interviewassessment"
    op.create_table(
        table,
        _id(),
        sa.Column("interview_session_id", sa.Integer()),
        sa.Column("assessment_type_id", sa.Integer()),
        sa.Column("category_id", sa.Integer()),
        _required_decimal("score"),
        sa.Column("details", JSONB),
        sa.Column("created_at", TSTZ, server_default=NOW),
        _pkey(table),
        _fkey(table, "interview_session_id", "interview_interviewsession.id", "CASCADE"),
        _fkey(table, "assessment_type_id", "interview_assessmenttype.id", "CASCADE"),
        _fkey(table, "category_id", "interview_assessmentcategory.id", "SET NULL"),
        _percentage(table, "score"),
        # PostgreSQL's own (truncated) name for this UNIQUE.
        _unique(
            table,
            "interview_session_id",
            "assessment_type_id",
            "category_id",
            name="interview_interviewassessment_interview_session_id_assessme_key",
        ),
    )
    op.create_index("idx_interview_assessment_session", table, ["interview_session_id"])
    op.create_index("idx_interview_assessment_type", table, ["assessment_type_id"])
    op.create_index("idx_interview_assessment_created", table, ["created_at"])

    table = "interview_culturalfit"
    op.create_table(
        table,
        _id(),
        sa.Column("interview_session_id", sa.Integer()),
        _decimal("score"),
        sa.Column("comments", sa.Text()),
        sa.Column("created_at", TSTZ, server_default=NOW),
        _pkey(table),
        _unique(table, "interview_session_id"),
        _fkey(table, "interview_session_id", "interview_interviewsession.id", "CASCADE"),
    )

    table = "interview_behavioralanalysis"
    traits = ["confidence", "fear", "sincerity", "nervousness", "excitement", "curiosity", "adaptability"]
    op.create_table(
        table,
        _id(),
        sa.Column("interview_session_id", sa.Integer()),
        *(_required_decimal(f"{trait}_score") for trait in traits),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("raw_data", JSONB, server_default=EMPTY_OBJECT),
        _pkey(table),
        _unique(table, "interview_session_id"),
        _fkey(table, "interview_session_id", "interview_interviewsession.id", "CASCADE"),
        *(_percentage(table, f"{trait}_score") for trait in traits),
    )


def _create_learning() -> None:
    table = "interview_learningresource"
    op.create_table(
        table,
        _id(),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("resource_type", sa.String(50), nullable=False),
        sa.Column("url", sa.String(200)),
        sa.Column("estimated_hours", sa.Integer(), server_default=sa.text("1")),
        sa.Column("skill_id", sa.Integer()),
        _pkey(table),
        _fkey(table, "skill_id", "interview_skill.id", "CASCADE"),
    )

    table = "interview_learningpath"
    op.create_table(
        table,
        _id(),
        sa.Column("interview_session_id", sa.Integer()),
        sa.Column("status", sa.String(20), server_default=sa.text("'draft'")),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("updated_at", TSTZ, server_default=NOW),
        _pkey(table),
        _fkey(table, "interview_session_id", "interview_interviewsession.id", "CASCADE"),
    )
    op.create_index("idx_learning_path_session", table, ["interview_session_id"])

    table = "interview_learningpathresource"
    op.create_table(
        table,
        _id(),
        sa.Column("learning_path_id", sa.Integer()),
        sa.Column("resource_id", sa.Integer()),
        sa.Column("order_position", sa.Integer(), nullable=False),
        sa.Column("completed", sa.Boolean(), server_default=FALSE),
        sa.Column("completion_date", TSTZ),
        _pkey(table),
        _fkey(table, "learning_path_id", "interview_learningpath.id", "CASCADE"),
        _fkey(table, "resource_id", "interview_learningresource.id", "CASCADE"),
        # PostgreSQL's own (truncated) name for this UNIQUE.
        _unique(
            table,
            "learning_path_id",
            "order_position",
            name="interview_learningpathresourc_learning_path_id_order_positi_key",
        ),
    )
    op.create_index("idx_learning_path_resource_path", table, ["learning_path_id", "order_position"])


def _create_billing() -> None:
    table = "billing_subscriptionplan"
    op.create_table(
        table,
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("plan_type", sa.String(20), nullable=False),
        sa.Column("interval", sa.String(20), server_default=sa.text("'month'")),
        # Pricing
        _required_decimal("price", 10, 2),
        sa.Column("stripe_price_id", sa.String(100)),
        sa.Column("stripe_product_id", sa.String(100)),
        # Feature limits (0 = unlimited)
        sa.Column("interview_limit", sa.Integer(), server_default=ZERO),
        sa.Column("job_posting_limit", sa.Integer(), server_default=ZERO),
        sa.Column("application_limit", sa.Integer(), server_default=ZERO),
        # Additional features
        sa.Column("features", JSONB, server_default=EMPTY_ARRAY),
        sa.Column("sort_order", sa.Integer(), server_default=ZERO),
        sa.Column("is_active", sa.Boolean(), server_default=TRUE),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("updated_at", TSTZ, server_default=NOW),
        _pkey(table),
    )
    op.create_index("idx_billing_plan_type", table, ["plan_type", "is_active"])
    op.create_index("idx_billing_plan_sort", table, ["sort_order"])

    table = "billing_customersubscription"
    op.create_table(
        table,
        _id(),
        sa.Column("user_id", sa.Integer()),
        sa.Column("plan_id", sa.Integer()),
        sa.Column("status", sa.String(20), server_default=sa.text("'active'")),
        sa.Column("stripe_customer_id", sa.String(100)),
        sa.Column("stripe_subscription_id", sa.String(100)),
        sa.Column("stripe_subscription_item_id", sa.String(100), server_default=sa.text("''")),
        # Subscription timing
        sa.Column("start_date", TSTZ, server_default=NOW),
        sa.Column("end_date", TSTZ),
        sa.Column("trial_end", TSTZ),
        sa.Column("current_period_start", TSTZ, server_default=NOW),
        sa.Column("current_period_end", TSTZ),
        sa.Column("cancel_at_period_end", sa.Boolean(), server_default=FALSE),
        sa.Column("created_at", TSTZ, server_default=NOW),
        sa.Column("updated_at", TSTZ, server_default=NOW),
        _pkey(table),
        _unique(table, "user_id"),
        _fkey(table, "user_id", "users_user.id", "CASCADE"),
        # Documented as ON DELETE PROTECT, and named, in "Foreign Key Relationships".
        _fkey(table, "plan_id", "billing_subscriptionplan.id", "RESTRICT", name="fk_subscription_plan"),
        sa.CheckConstraint("end_date IS NULL OR end_date > start_date", name=op.f("chk_subscription_dates")),
    )
    op.create_index("idx_billing_subscription_user", table, ["user_id", "status"])
    op.create_index("idx_billing_subscription_stripe", table, ["stripe_subscription_id"])
    op.create_index("idx_billing_subscription_status", table, ["status"])

    table = "billing_usagerecord"
    op.create_table(
        table,
        _id(),
        sa.Column("user_id", sa.Integer()),
        sa.Column("subscription_id", sa.Integer()),
        sa.Column("usage_type", sa.String(20), nullable=False),
        sa.Column("quantity", sa.Integer(), server_default=sa.text("1")),
        sa.Column("resource_id", sa.String(100)),
        sa.Column("stripe_usage_record_id", sa.String(100)),
        sa.Column("metadata", JSONB, server_default=EMPTY_OBJECT),
        sa.Column("created_at", TSTZ, server_default=NOW),
        _pkey(table),
        _fkey(table, "user_id", "users_user.id", "CASCADE"),
        _fkey(table, "subscription_id", "billing_customersubscription.id", "CASCADE"),
    )
    op.create_index("idx_usage_record_user_type", table, ["user_id", "usage_type", "created_at"])
    op.create_index("idx_usage_record_subscription", table, ["subscription_id", "created_at"])


def _create_analytics() -> None:
    table = "interview_interviewstatistics"
    op.create_table(
        table,
        _id(),
        sa.Column("company_id", sa.Integer()),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("period", sa.String(20), server_default=sa.text("'daily'")),
        # Basic metrics
        sa.Column("total_interviews", sa.Integer(), server_default=ZERO),
        sa.Column("completed_interviews", sa.Integer(), server_default=ZERO),
        sa.Column("cancelled_interviews", sa.Integer(), server_default=ZERO),
        sa.Column("rescheduled_interviews", sa.Integer(), server_default=ZERO),
        # Performance metrics
        sa.Column("average_duration", postgresql.INTERVAL()),
        _decimal("average_score"),
        _decimal("technical_score_avg"),
        _decimal("communication_score_avg"),
        # Quality metrics
        _decimal("no_show_rate"),
        _decimal("conversion_rate"),
        sa.Column("time_to_hire", postgresql.INTERVAL()),
        _decimal("cost_per_hire", 10, 2, default=None),
        _decimal("offer_acceptance_rate"),
        _decimal("candidate_satisfaction"),
        _decimal("skill_match_rate"),
        # Advanced analytics
        sa.Column("diversity_metrics", JSONB, server_default=EMPTY_OBJECT),
        sa.Column("source_effectiveness", JSONB, server_default=EMPTY_OBJECT),
        _pkey(table),
        _fkey(table, "company_id", "company_company.id", "CASCADE"),
        _unique(table, "company_id", "date"),
    )
    op.create_index("idx_interview_stats_company_date", table, ["company_id", "date"])
    op.create_index("idx_interview_stats_period", table, ["period", "date"])

    table = "interview_candidateranking"
    scores = ["overall_score", "technical_score", "cultural_fit_score", "communication_score", "ai_confidence"]
    op.create_table(
        table,
        _id(),
        sa.Column("job_id", sa.Integer()),
        sa.Column("candidate_id", sa.Integer()),
        *(_required_decimal(score) for score in scores),
        sa.Column("ranking_date", TSTZ, server_default=NOW),
        _pkey(table),
        _fkey(table, "job_id", "company_job.id", "CASCADE"),
        _fkey(table, "candidate_id", "users_user.id", "CASCADE"),
        *(_percentage(table, score) for score in scores),
        _unique(table, "job_id", "candidate_id"),
    )
    op.create_index("idx_candidate_ranking_job_score", table, ["job_id", sa.text("overall_score DESC")])
    op.create_index("idx_candidate_ranking_candidate", table, ["candidate_id"])


def _create_scoring() -> None:
    table = "interview_scoreweight"
    op.create_table(
        table,
        _id(),
        sa.Column("job_focus", sa.String(50), nullable=False),
        _decimal("technical_weight", 3, 2, default="0.30"),
        _decimal("skills_weight", 3, 2, default="0.25"),
        _decimal("cultural_fit_weight", 3, 2, default="0.25"),
        _decimal("sentiment_weight", 3, 2, default="0.20"),
        _pkey(table),
        _unique(table, "job_focus"),
    )

    table = "interview_dynamicscoreweight"
    op.create_table(
        table,
        _id(),
        sa.Column("job_id", sa.Integer()),
        # Base weights
        _required_decimal("base_technical_weight", 3, 2),
        _required_decimal("base_skills_weight", 3, 2),
        _required_decimal("base_cultural_fit_weight", 3, 2),
        _required_decimal("base_sentiment_weight", 3, 2),
        # Adjustments
        _decimal("technical_adjustment", 3, 2, default="0.00"),
        _decimal("skills_adjustment", 3, 2, default="0.00"),
        _decimal("cultural_fit_adjustment", 3, 2, default="0.00"),
        _decimal("sentiment_adjustment", 3, 2, default="0.00"),
        # Sentiment-specific weights
        _decimal("value_alignment_weight", 3, 2, default="0.40"),
        _decimal("confidence_weight", 3, 2, default="0.20"),
        _decimal("enthusiasm_weight", 3, 2, default="0.20"),
        _decimal("authenticity_weight", 3, 2, default="0.20"),
        sa.Column("last_updated", TSTZ, server_default=NOW),
        _pkey(table),
        _unique(table, "job_id"),
        _fkey(table, "job_id", "company_job.id", "CASCADE"),
    )


def _create_critical_indexes() -> None:
    """The document's "Critical indexes", created plainly: CONCURRENTLY cannot run in a transaction."""
    op.create_index(
        "idx_interview_user_status_time",
        "interview_interviewsession",
        ["user_id", "status", sa.text("start_time DESC")],
    )
    op.create_index(
        "idx_sentiment_interview_created",
        "interview_sentimentsession",
        ["interview_session_id", sa.text("created_at DESC")],
    )
    op.create_index(
        "idx_skill_assessment_session_skill", "interview_skillassessment", ["interview_session_id", "skill_id"]
    )
    op.create_index(
        "idx_interview_stats_company_period",
        "interview_interviewstatistics",
        ["company_id", "period", sa.text("date DESC")],
    )
    op.create_index(
        "idx_usage_user_type_date", "billing_usagerecord", ["user_id", "usage_type", sa.text("created_at DESC")]
    )
    op.create_index("idx_job_company_active", "company_job", ["company_id", "is_active", sa.text("created_at DESC")])


# Children before parents; indexes, sequences and the partitions of
# interview_sentimenthistory go with their tables.
TABLES_IN_DROP_ORDER = [
    "interview_dynamicscoreweight",
    "interview_scoreweight",
    "interview_candidateranking",
    "interview_interviewstatistics",
    "billing_usagerecord",
    "billing_customersubscription",
    "billing_subscriptionplan",
    "interview_learningpathresource",
    "interview_learningpath",
    "interview_learningresource",
    "interview_behavioralanalysis",
    "interview_culturalfit",
    "interview_interviewassessment",
    "interview_assessmentcategory",
    "interview_assessmenttype",
    "interview_skillassessmenthistory",
    "interview_skillassessment",
    "interview_skill",
    "interview_skillcategory",
    "interview_sentimentcontextfactors",
    "interview_sentimenthistory",
    "interview_sentimentsession",
    "interview_interviewsession",
    "company_job",
    "company_company",
    "users_useroauthtoken",
    "users_resume",
    "users_user",
]


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS create_monthly_partition(date)")
    for table in TABLES_IN_DROP_ORDER:
        op.drop_table(table)
