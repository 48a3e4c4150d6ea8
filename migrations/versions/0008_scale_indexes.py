"""Indexes for the foreign keys and list orders that pages and cascades use at platform size.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 15:15:00

No documented table changes: plain indexes only (and pg_trgm for the candidate search).

- Foreign keys read by pages and by ON DELETE cascades (without them a cascade scans the
  whole child table, and interview_sentimenthistory has millions of rows).
- The employer's interviews list. Sessions carry no company id, so a list is "the sessions
  of these jobs": small companies read their jobs' sessions (job index) and sort a few
  rows; a big company walks a global order index and keeps the rows of its jobs (job_id
  is INCLUDEd so that test needs no heap visit), stopping after one page. Every index is
  partial on `is_practice IS NOT TRUE`, the one predicate every employer-side read shares
  (NULL counts as a real interview).
- Each sortable score is indexed in its descending order (NULLS LAST, then id); the list
  reads the non-NULL and the NULL rows as two index-ordered branches, so the same index
  serves both directions.
- Candidate search: trigram indexes so "name or email contains" is an index lookup.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REAL = "WHERE is_practice IS NOT TRUE"
# The candidate's display name as the list sorts and searches it (concat_ws is only STABLE, so
# indexes use this IMMUTABLE spelling; webapp/interviews/queries.py builds the same expression).
NAME = "lower(btrim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')))"

INDEXES = {
    # foreign keys
    "idx_skill_assessment_history_assessment":
        "interview_skillassessmenthistory (skill_assessment_id)",
    # Created on the partitioned parent: PostgreSQL creates (and later attaches) one per partition.
    "idx_sentiment_history_sentiment_session":
        "interview_sentimenthistory (sentiment_session_id)",
    "idx_skill_assessment_sentiment_session":
        "interview_skillassessment (sentiment_session_id)",
    # interviews list, jobs list, job counters, dashboard's latest interviews
    "idx_interview_session_job_start":
        f"interview_interviewsession (job_id, start_time DESC NULLS LAST, id DESC) INCLUDE (status) {REAL}",
    "idx_interview_session_start":
        f"interview_interviewsession (start_time DESC NULLS LAST, id DESC) INCLUDE (job_id, status) {REAL}",
    "idx_interview_session_technical_order":
        f"interview_interviewsession (technical_accuracy DESC NULLS LAST, id DESC) INCLUDE (job_id) {REAL}",
    "idx_interview_session_behavioral_order":
        f"interview_interviewsession (behavioral_score DESC NULLS LAST, id DESC) INCLUDE (job_id) {REAL}",
    "idx_interview_session_completion_order":
        f"interview_interviewsession (completion_percentage DESC NULLS LAST, id DESC) INCLUDE (job_id) {REAL}",
    "idx_interview_session_status_order":
        f"interview_interviewsession (status DESC NULLS LAST, id DESC) INCLUDE (job_id) {REAL}",
    # a status filter on the newest-first list (without it the walk skips every newer row of another status)
    "idx_interview_session_status_start":
        f"interview_interviewsession (status, start_time DESC NULLS LAST, id DESC) INCLUDE (job_id) {REAL}",
    # ... and sorted by a score: a status no row of which has (or lacks) a score is an empty range, not a
    # walk through every score of the platform
    **{
        f"idx_interview_session_status_{name}":
            f"interview_interviewsession (status, {column} DESC NULLS LAST, id DESC) INCLUDE (job_id) {REAL}"
        for name, column in (("technical", "technical_accuracy"), ("behavioral", "behavioral_score"),
                             ("completion", "completion_percentage"))
    },
    # the candidate sort walks users by name; the job sort walks a company's jobs by title
    # (the list's key exactly: the name, else the email; an index on the name alone cannot order it)
    "idx_users_user_display_name": f"users_user ((coalesce(nullif({NAME}, ''), lower(email))), id)",
    "idx_company_job_company_title": "company_job (company_id, lower(title), id)",
    # "name or email contains" (ILIKE '%...%') as a trigram index lookup
    "idx_users_user_name_trgm": f"users_user USING gin ((coalesce(first_name, '') || ' ' || coalesce(last_name, '')) gin_trgm_ops)",
    "idx_users_user_email_trgm": "users_user USING gin (email gin_trgm_ops)",
}


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        table, _, rest = definition.partition(" ")
        op.execute(f"CREATE INDEX {name} ON {table} {rest}")


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")
