"""Rankings freshness and the interview archive (tables the schema document implies).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 19:40:00

rankings_stalejob: jobs whose candidate rankings must be recomputed because
something they are computed from changed: the interview engine writes results
(interviews, assessments, skills, cultural fit, sentiment) straight into the
database, so only the database sees every change. Statement-level triggers with
transition tables mark the affected jobs (one INSERT per statement, however
many rows); `rankings.services.recompute_stale` claims and recomputes them
(the rankings page before it reads, and `flask rankings recompute --stale` on a
schedule).

interview_interviewsession_archive: the document's "Archive completed
interviews older than a year" creates it with CREATE TABLE AS SELECT *; we
create it up front with the same columns (LIKE, so it follows the source's
types) plus a primary key on id, which makes archiving idempotent, and
archived_at.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Tables whose rows carry interview_session_id and feed the ranking.
RESULT_TABLES = (
    "interview_interviewassessment",
    "interview_skillassessment",
    "interview_culturalfit",
    "interview_sentimentsession",
    "interview_sentimenthistory",
)

# What makes a session count for its job's ranking (rankings/queries.py `held`).
COUNTS = "{s}.status = 'completed' AND {s}.is_practice IS NOT TRUE AND {s}.job_id IS NOT NULL"

# The interview columns the ranking reads; an UPDATE touching none of them changes nothing.
RANKED_COLUMNS = (
    "status", "is_practice", "job_id", "user_id", "technical_accuracy", "completion_time", "end_time", "start_time",
)


def _mark(select: str) -> str:
    # The join skips jobs being deleted (a job's delete cascades to its interviews).
    return (
        "INSERT INTO rankings_stalejob (job_id) SELECT DISTINCT j.id "
        f"FROM ({select}) AS marked JOIN company_job j ON j.id = marked.job_id "
        "ON CONFLICT (job_id) DO NOTHING;"
    )


def _by_session(rows: str) -> str:
    return _mark(
        f"SELECT s.job_id FROM {rows} r JOIN interview_interviewsession s ON s.id = r.interview_session_id "
        f"WHERE {COUNTS.format(s='s')}"
    )


def _by_history_point(rows: str) -> str:
    return _mark(
        f"SELECT s.job_id FROM {rows} r JOIN interview_sentimenthistory p "
        "ON p.id = r.sentiment_history_id AND p.timestamp = r.sentiment_history_timestamp "
        f"JOIN interview_interviewsession s ON s.id = p.interview_session_id WHERE {COUNTS.format(s='s')}"
    )


def _interview_changes() -> str:
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in RANKED_COLUMNS)
    return _mark(
        f"SELECT n.job_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE ({changed}) AND {COUNTS.format(s='n')} "
        f"UNION ALL SELECT o.job_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        f"WHERE ({changed}) AND {COUNTS.format(s='o')}"
    )


EVENTS = {
    # event -> the transition tables its trigger defines (one trigger per event: transition tables need that)
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _function(name: str, bodies: dict[str, str | None]) -> str:
    # One function per table shape; each TG_OP branch only names the transition
    # tables its trigger defines (PL/pgSQL plans a statement when it first runs it).
    branches = "".join(
        f"IF TG_OP = '{event.upper()}' THEN {body} END IF; " for event, body in bodies.items() if body
    )
    return f"""
        CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {branches} RETURN NULL; END $$
    """


def _triggers(table: str, function: str, bodies: dict[str, str | None]) -> list[str]:
    return [
        f"CREATE TRIGGER rankings_stale_on_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING {EVENTS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for event, body in bodies.items()
        if body
    ]


def _bodies(on_insert: str | None, on_update: str | None, on_delete: str | None) -> dict[str, str | None]:
    return {"insert": on_insert, "update": on_update, "delete": on_delete}


TRIGGERED = {
    # table -> (function, INSERT, UPDATE, DELETE)
    **{
        table: (
            "rankings_stale_by_session",
            _by_session("new_rows"),
            _by_session("new_rows") + _by_session("old_rows"),
            _by_session("old_rows"),
        )
        for table in RESULT_TABLES
    },
    "interview_sentimentcontextfactors": (
        "rankings_stale_by_history_point",
        _by_history_point("new_rows"),
        _by_history_point("new_rows") + _by_history_point("old_rows"),
        _by_history_point("old_rows"),
    ),
    "interview_interviewsession": (
        "rankings_stale_by_interview",
        _mark(f"SELECT n.job_id FROM new_rows n WHERE {COUNTS.format(s='n')}"),
        _interview_changes(),
        _mark(f"SELECT o.job_id FROM old_rows o WHERE {COUNTS.format(s='o')}"),
    ),
    "interview_dynamicscoreweight": (
        "rankings_stale_by_job_weights",
        _mark("SELECT job_id FROM new_rows"),
        _mark("SELECT job_id FROM new_rows UNION ALL SELECT job_id FROM old_rows"),
        _mark("SELECT job_id FROM old_rows"),
    ),
    "interview_scoreweight": (
        "rankings_stale_by_focus_weights",
        _mark("SELECT j.id AS job_id FROM company_job j JOIN new_rows r ON r.job_focus = COALESCE(j.job_focus, 'balanced')"),
        _mark(
            "SELECT j.id AS job_id FROM company_job j JOIN (SELECT job_focus FROM new_rows UNION "
            "SELECT job_focus FROM old_rows) r ON r.job_focus = COALESCE(j.job_focus, 'balanced')"
        ),
        _mark("SELECT j.id AS job_id FROM company_job j JOIN old_rows r ON r.job_focus = COALESCE(j.job_focus, 'balanced')"),
    ),
    "company_job": (
        "rankings_stale_by_job_focus",
        None,  # a new job has no interviews yet
        _mark("SELECT n.id AS job_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
              "WHERE n.job_focus IS DISTINCT FROM o.job_focus"),
        None,  # its rankings go with it (ON DELETE CASCADE)
    ),
}


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE rankings_stalejob (
            job_id INTEGER NOT NULL,
            marked_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT rankings_stalejob_pkey PRIMARY KEY (job_id),
            CONSTRAINT rankings_stalejob_job_id_fkey FOREIGN KEY (job_id)
                REFERENCES company_job (id) ON DELETE CASCADE
        )
        """
    )
    op.execute(
        """
        CREATE TABLE interview_interviewsession_archive (
            LIKE interview_interviewsession,
            archived_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
            CONSTRAINT interview_interviewsession_archive_pkey PRIMARY KEY (id)
        )
        """
    )
    _create_freshness_triggers()


def _create_freshness_triggers() -> None:
    created = set()
    for table, (function, *events) in TRIGGERED.items():
        bodies = _bodies(*events)
        if function not in created:
            op.execute(_function(function, bodies))
            created.add(function)
        for statement in _triggers(table, function, bodies):
            op.execute(statement)


def downgrade() -> None:
    for table, (_function_name, *events) in TRIGGERED.items():
        for event, body in _bodies(*events).items():
            if body:
                op.execute(f"DROP TRIGGER rankings_stale_on_{event} ON {table}")
    for function in {spec[0] for spec in TRIGGERED.values()}:
        op.execute(f"DROP FUNCTION {function}()")
    op.execute("DROP TABLE interview_interviewsession_archive")
    op.execute("DROP TABLE rankings_stalejob")
