"""Stored ranking components per (job, candidate), and freshness per candidate.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 15:15:00

rankings_component: one row per ranked (job, candidate) with the evidence the
scores come from (the averages `rankings.queries.COMPONENTS` computes), the four
factor scores unrounded (NULL: missing), the stored scores as the page shows
them, the candidate's name as the page sorts it, and the candidate's place in
the job. The rankings page, compare, explain and the what-if re-weighting read
this table with indexed queries instead of recomputing every candidate from raw
results; `interview_candidateranking` (the documented table) is written in the
same transaction with the same numbers.

rankings_stalecandidate: the freshness marks of migration 0003 now name the
(job, candidate) whose results changed, so a new result costs one candidate's
recompute, not the job's. Weight changes still mark the whole job
(rankings_stalejob).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What makes a session count for its job's ranking (rankings/queries.py `held`).
COUNTS = "{s}.status = 'completed' AND {s}.is_practice IS NOT TRUE AND {s}.job_id IS NOT NULL AND {s}.user_id IS NOT NULL"
RANKED_COLUMNS = (
    "status", "is_practice", "job_id", "user_id", "technical_accuracy", "completion_time", "end_time", "start_time",
    "scheduled_time", "created_at",  # the sentiment points' time window is computed from these
)


def _mark(select: str) -> str:
    # The join skips jobs being deleted (a job's delete cascades to its interviews).
    return (
        "INSERT INTO rankings_stalecandidate (job_id, candidate_id) SELECT DISTINCT j.id, marked.candidate_id "
        f"FROM ({select}) AS marked JOIN company_job j ON j.id = marked.job_id "
        "ON CONFLICT (job_id, candidate_id) DO NOTHING;"
    )


def _by_session(rows: str) -> str:
    return _mark(
        f"SELECT s.job_id, s.user_id AS candidate_id FROM {rows} r "
        f"JOIN interview_interviewsession s ON s.id = r.interview_session_id WHERE {COUNTS.format(s='s')}"
    )


def _by_history_point(rows: str) -> str:
    return _mark(
        f"SELECT s.job_id, s.user_id AS candidate_id FROM {rows} r JOIN interview_sentimenthistory p "
        "ON p.id = r.sentiment_history_id AND p.timestamp = r.sentiment_history_timestamp "
        f"JOIN interview_interviewsession s ON s.id = p.interview_session_id WHERE {COUNTS.format(s='s')}"
    )


def _interview_changes() -> str:
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in RANKED_COLUMNS)
    return _mark(
        f"SELECT n.job_id, n.user_id AS candidate_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE ({changed}) AND {COUNTS.format(s='n')} "
        f"UNION ALL SELECT o.job_id, o.user_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE ({changed}) AND {COUNTS.format(s='o')}"
    )


PER_CANDIDATE = {
    # function -> (INSERT, UPDATE, DELETE) bodies; the triggers of migration 0003 keep calling them
    "rankings_stale_by_session": (
        _by_session("new_rows"), _by_session("new_rows") + _by_session("old_rows"), _by_session("old_rows"),
    ),
    "rankings_stale_by_history_point": (
        _by_history_point("new_rows"),
        _by_history_point("new_rows") + _by_history_point("old_rows"),
        _by_history_point("old_rows"),
    ),
    "rankings_stale_by_interview": (
        _mark(f"SELECT n.job_id, n.user_id AS candidate_id FROM new_rows n WHERE {COUNTS.format(s='n')}"),
        _interview_changes(),
        _mark(f"SELECT o.job_id, o.user_id AS candidate_id FROM old_rows o WHERE {COUNTS.format(s='o')}"),
    ),
}

SORT_NAME = "lower(concat_ws(' ', {u}.first_name, {u}.last_name, {u}.email))"


def _function(name: str, bodies: Sequence[str]) -> str:
    branches = "".join(
        f"IF TG_OP = '{event}' THEN {body} END IF; " for event, body in zip(("INSERT", "UPDATE", "DELETE"), bodies)
    )
    return f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {branches} RETURN NULL; END $$"


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE rankings_component (
            job_id INTEGER NOT NULL,
            candidate_id INTEGER NOT NULL,
            -- the evidence: averages over the candidate's completed interviews for the job
            sessions INTEGER NOT NULL,
            points INTEGER NOT NULL,
            assessments INTEGER NOT NULL,
            last_interview TIMESTAMP WITH TIME ZONE,
            technical_accuracy DOUBLE PRECISION,
            technical_assessments DOUBLE PRECISION,
            skills DOUBLE PRECISION,
            cultural_fit DOUBLE PRECISION,
            positive DOUBLE PRECISION,
            neutral DOUBLE PRECISION,
            mixed DOUBLE PRECISION,
            value_alignment DOUBLE PRECISION,
            confidence DOUBLE PRECISION,
            enthusiasm DOUBLE PRECISION,
            authenticity DOUBLE PRECISION,
            sentiment_confidence DOUBLE PRECISION,
            -- the factor scores, unrounded; NULL: no evidence (missing)
            factor_technical DOUBLE PRECISION,
            factor_skills DOUBLE PRECISION,
            factor_cultural_fit DOUBLE PRECISION,
            factor_sentiment DOUBLE PRECISION,
            -- as stored in interview_candidateranking (a missing factor is 0 there)
            overall_score NUMERIC(5, 2) NOT NULL,
            technical_score NUMERIC(5, 2) NOT NULL,
            cultural_fit_score NUMERIC(5, 2) NOT NULL,
            communication_score NUMERIC(5, 2) NOT NULL,
            ai_confidence NUMERIC(5, 2) NOT NULL,
            place INTEGER NOT NULL DEFAULT 0,
            sort_name TEXT NOT NULL DEFAULT '',
            computed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT rankings_component_pkey PRIMARY KEY (job_id, candidate_id),
            CONSTRAINT rankings_component_job_id_fkey FOREIGN KEY (job_id)
                REFERENCES company_job (id) ON DELETE CASCADE,
            CONSTRAINT rankings_component_candidate_id_fkey FOREIGN KEY (candidate_id)
                REFERENCES users_user (id) ON DELETE CASCADE
        ) WITH (fillfactor = 70)
        """
    )
    # Room on each page keeps a job's rows together when a recompute rewrites them (updates
    # stay on their page), so reading a 5,000-candidate job touches a few hundred pages.
    # The page's default order (and the counts) read this index.
    op.execute(
        "CREATE INDEX rankings_component_job_overall_idx "
        "ON rankings_component (job_id, overall_score DESC, candidate_id)"
    )
    op.execute("CREATE INDEX rankings_component_candidate_idx ON rankings_component (candidate_id)")
    op.execute(
        """
        CREATE TABLE rankings_stalecandidate (
            job_id INTEGER NOT NULL,
            candidate_id INTEGER NOT NULL,
            marked_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT rankings_stalecandidate_pkey PRIMARY KEY (job_id, candidate_id),
            CONSTRAINT rankings_stalecandidate_job_id_fkey FOREIGN KEY (job_id)
                REFERENCES company_job (id) ON DELETE CASCADE
        )
        """
    )
    for name, bodies in PER_CANDIDATE.items():
        op.execute(_function(name, bodies))
    # A renamed candidate sorts under the new name at once.
    op.execute(
        f"""
        CREATE FUNCTION rankings_rename_candidate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE rankings_component SET sort_name = {SORT_NAME.format(u='NEW')} WHERE candidate_id = NEW.id;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER rankings_rename_candidate AFTER UPDATE OF first_name, last_name, email ON users_user "
        "FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name OR OLD.last_name IS DISTINCT FROM "
        "NEW.last_name OR OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION rankings_rename_candidate()"
    )
    # Existing rankings are rebuilt by `flask rankings recompute` (the job-level marks make the pages do it).
    op.execute("INSERT INTO rankings_stalejob (job_id) SELECT DISTINCT job_id FROM interview_candidateranking "
               "ON CONFLICT DO NOTHING")


def _migration_0003():
    """Migration 0003's module: its trigger bodies are what a downgrade puts back."""
    path = Path(__file__).with_name("0003_rankings_freshness_and_archive.py")
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    op.execute("DROP TRIGGER rankings_rename_candidate ON users_user")
    op.execute("DROP FUNCTION rankings_rename_candidate()")
    previous = _migration_0003()
    for name in PER_CANDIDATE:
        table = next(t for t, spec in previous.TRIGGERED.items() if spec[0] == name)
        _, *events = previous.TRIGGERED[table]
        op.execute(previous._function(name, previous._bodies(*events)).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute("DROP TABLE rankings_stalecandidate")
    op.execute("DROP TABLE rankings_component")
