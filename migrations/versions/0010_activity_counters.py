"""Rollups and counters that dashboards read instead of scanning every session.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 15:15:00

Counters kept by statement-level triggers (transition tables: one write per
statement and key, however many rows), so the dashboards read a few rows instead
of a company's whole history:

- dashboard_jobinterviewcount: employer interviews (practice left out, `is_practice`
  NULL counted as not practice) per job and status;
- dashboard_companydaycount: the same per company, UTC day of `start_time` and status
  (the employer dashboard's week by status);
- dashboard_companyinterviewcount: the same per company and status, whatever the day
  (the interviews list's exact counts: a few rows, not one per job or per day);
- dashboard_platformcount: users per role and subscriptions per status (admin dashboard).

A NULL status is counted under ''. Decrements only UPDATE existing rows, so a delete
cascading from a job or company never inserts a row pointing at it. A session whose
job is being deleted no longer joins its company: the job's own BEFORE DELETE trigger
takes its interviews off the company's days first. Bulk loads that disable triggers
(`session_replication_role = replica`) or TRUNCATE call dashboard_recount_counters()
(`flask stats recount`) afterwards; the upgrade fills the counters with it.

analytics_rollupday: the UTC days `stats rollup` has rolled up (for every company at
once), so a company-day without a row in interview_interviewstatistics reads as "no
interviews" once its day is rolled up, instead of "not rolled up yet". Rollups no longer
write zero rows; the upgrade deletes the ones earlier rollups wrote.

analytics_companydailymetrics: the same sums per company and day (rows of days with
interviews only), so the page's daily series reads one row per day, not one per job and day.

analytics_jobrunningtotal: per job, the sums of every rolled-up day up to each day it had
interviews, so the page's per-job table is two look-ups per job whatever the range (`stats rollup`
rewrites a job's rows from the first day it rolls up on). analytics_dailymetrics gets a (job_id,
date) index for the job filter's daily series.

analytics_dailymetrics gains histogram columns (interviews per duration bin and per
overall-score bin) so the analytics charts read rollups too. Rows rolled up before have
zeros there, so the upgrade marks no day rolled up: the page computes every day live
(the same figures) until `flask stats rollup --since <first day>` rolls the history up again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the employer counters count (the same rule as the rankings and analytics).
EMPLOYER = "{r}.is_practice IS NOT TRUE AND {r}.job_id IS NOT NULL"
DAY = "({r}.start_time AT TIME ZONE 'UTC')::date"


def _interview_deltas(rows: str, sign: str) -> str:
    return (
        f"SELECT r.job_id, j.company_id, {DAY.format(r='r')} AS day, coalesce(r.status, '') AS status, "
        f"{sign}1 AS n FROM {rows} r LEFT JOIN company_job j ON j.id = r.job_id WHERE {EMPLOYER.format(r='r')}"
    )


def _apply_interview_deltas(deltas: str) -> str:
    """Add the summed deltas to both counters in one statement: increments upsert, decrements only update
    (each key's sum is either, so no row is written twice)."""
    return f"""
        WITH delta AS (
            SELECT job_id, company_id, day, status, sum(n) AS n FROM ({deltas}) d
            GROUP BY job_id, company_id, day, status HAVING sum(n) <> 0
        ),
        per_job AS (SELECT job_id, status, sum(n) AS n FROM delta GROUP BY job_id, status),
        per_day AS (
            SELECT company_id, day, status, sum(n) AS n FROM delta
            WHERE company_id IS NOT NULL AND day IS NOT NULL GROUP BY company_id, day, status
        ),
        per_company AS (
            SELECT company_id, status, sum(n) AS n FROM delta WHERE company_id IS NOT NULL GROUP BY company_id, status
        ),
        company_up AS (
            INSERT INTO dashboard_companyinterviewcount AS c (company_id, status, interviews)
            SELECT company_id, status, n FROM per_company WHERE n > 0
            ON CONFLICT (company_id, status) DO UPDATE SET interviews = c.interviews + EXCLUDED.interviews
        ),
        company_down AS (
            UPDATE dashboard_companyinterviewcount c SET interviews = c.interviews + d.n
            FROM per_company d WHERE d.n < 0 AND c.company_id = d.company_id AND c.status = d.status
        ),
        job_up AS (
            INSERT INTO dashboard_jobinterviewcount AS c (job_id, status, interviews)
            SELECT d.job_id, d.status, d.n FROM per_job d JOIN company_job j ON j.id = d.job_id WHERE d.n > 0
            ON CONFLICT (job_id, status) DO UPDATE SET interviews = c.interviews + EXCLUDED.interviews
        ),
        job_down AS (
            UPDATE dashboard_jobinterviewcount c SET interviews = c.interviews + d.n
            FROM per_job d WHERE d.n < 0 AND c.job_id = d.job_id AND c.status = d.status
        ),
        day_up AS (
            INSERT INTO dashboard_companydaycount AS c (company_id, day, status, interviews)
            SELECT company_id, day, status, n FROM per_day WHERE n > 0
            ON CONFLICT (company_id, day, status) DO UPDATE SET interviews = c.interviews + EXCLUDED.interviews
        )
        UPDATE dashboard_companydaycount c SET interviews = c.interviews + d.n
        FROM per_day d WHERE d.n < 0 AND c.company_id = d.company_id AND c.day = d.day AND c.status = d.status;
    """


# The session columns the counters key on; an UPDATE touching none of them changes nothing.
COUNTED_COLUMNS = ("job_id", "status", "start_time", "is_practice")
_CHANGED = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in COUNTED_COLUMNS)

INTERVIEW_FUNCTION = f"""
CREATE FUNCTION dashboard_count_interviews() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_apply_interview_deltas(_interview_deltas("new_rows", "+"))}
    ELSIF TG_OP = 'UPDATE' THEN
        IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_CHANGED}) THEN
            {_apply_interview_deltas(
                _interview_deltas(f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_CHANGED})", "+")
                + " UNION ALL "
                + _interview_deltas(f"(SELECT o.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {_CHANGED})", "-")
            )}
        END IF;
    ELSE
        {_apply_interview_deltas(_interview_deltas("old_rows", "-"))}
    END IF;
    RETURN NULL;
END $$
"""

# A job leaving a company (deleted, or moved to another company) takes its interviews'
# days with it; its sessions' own delete trigger no longer finds the company.
JOB_FUNCTION = f"""
CREATE FUNCTION dashboard_count_job_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dashboard_companydaycount c SET interviews = c.interviews - d.n
    FROM (SELECT {DAY.format(r='s')} AS day, coalesce(s.status, '') AS status, count(*) AS n
          FROM interview_interviewsession s
          WHERE s.job_id = OLD.id AND {EMPLOYER.format(r='s')} AND s.start_time IS NOT NULL
          GROUP BY 1, 2) d
    WHERE c.company_id = OLD.company_id AND c.day = d.day AND c.status = d.status;
    UPDATE dashboard_companyinterviewcount c SET interviews = c.interviews - d.n
    FROM (SELECT coalesce(s.status, '') AS status, count(*) AS n FROM interview_interviewsession s
          WHERE s.job_id = OLD.id AND {EMPLOYER.format(r='s')} GROUP BY 1) d
    WHERE c.company_id = OLD.company_id AND c.status = d.status;
    IF TG_OP = 'UPDATE' AND NEW.company_id IS NOT NULL THEN
        INSERT INTO dashboard_companyinterviewcount AS c (company_id, status, interviews)
        SELECT NEW.company_id, coalesce(s.status, ''), count(*) FROM interview_interviewsession s
        WHERE s.job_id = NEW.id AND {EMPLOYER.format(r='s')} GROUP BY 1, 2
        ON CONFLICT (company_id, status) DO UPDATE SET interviews = c.interviews + EXCLUDED.interviews;
        INSERT INTO dashboard_companydaycount AS c (company_id, day, status, interviews)
        SELECT NEW.company_id, {DAY.format(r='s')}, coalesce(s.status, ''), count(*)
        FROM interview_interviewsession s
        WHERE s.job_id = NEW.id AND {EMPLOYER.format(r='s')} AND s.start_time IS NOT NULL
        GROUP BY 1, 2, 3
        ON CONFLICT (company_id, day, status) DO UPDATE SET interviews = c.interviews + EXCLUDED.interviews;
        RETURN NEW;
    END IF;
    RETURN OLD;
END $$
"""

# analytics_dailymetrics histograms (webapp/analytics/queries.py BIN_COLUMNS).
BIN_COLUMNS = (*(f"duration_bin_{n}" for n in range(13)), *(f"score_bin_{n}" for n in range(10)))

# analytics_companydailymetrics: analytics_dailymetrics' sums without the job (0005's types).
COMPANY_COLUMNS = (
    "total", "completed", "cancelled", "rescheduled", "no_show", "scheduled", "in_progress",
    *(f"{name}_{part}" for name in ("duration", "completion", "score", "technical", "communication", "skill_match")
      for part in ("sum", "count")),
    *BIN_COLUMNS,
)
_SUM_TYPES = {
    "duration_sum": sa.Double(), "completion_sum": sa.BigInteger(),
    **{f"{name}_sum": sa.Numeric(14, 2) for name in ("score", "technical", "communication", "skill_match")},
}

# kind -> (table, column counted)
PLATFORM_COUNTS = {"user_role": ("users_user", "role"), "subscription_status": ("billing_customersubscription", "status")}


def _platform_function(kind: str, column: str) -> str:
    deltas = {
        "INSERT": f"SELECT {column} AS key, 1 AS n FROM new_rows",
        "UPDATE": f"SELECT {column}, 1 FROM new_rows UNION ALL SELECT {column}, -1 FROM old_rows",
        "DELETE": f"SELECT {column}, -1 FROM old_rows",
    }
    branches = " ".join(
        f"""{"IF" if i == 0 else "ELSIF"} TG_OP = '{event}' THEN
            INSERT INTO dashboard_platformcount AS c (kind, key, count)
            SELECT '{kind}', coalesce(key, ''), sum(n) FROM ({sql}) AS d (key, n) GROUP BY 2 HAVING sum(n) <> 0
            ON CONFLICT (kind, key) DO UPDATE SET count = c.count + EXCLUDED.count;"""
        for i, (event, sql) in enumerate(deltas.items())
    )
    return f"""
        CREATE FUNCTION dashboard_count_{kind}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {branches} END IF; RETURN NULL; END $$
    """


RECOUNT_FUNCTION = f"""
CREATE FUNCTION dashboard_recount_counters() RETURNS void LANGUAGE sql AS $$
    DELETE FROM dashboard_jobinterviewcount;
    INSERT INTO dashboard_jobinterviewcount (job_id, status, interviews)
    SELECT s.job_id, coalesce(s.status, ''), count(*)
    FROM interview_interviewsession s WHERE {EMPLOYER.format(r='s')} GROUP BY 1, 2;
    DELETE FROM dashboard_companydaycount;
    INSERT INTO dashboard_companydaycount (company_id, day, status, interviews)
    SELECT j.company_id, {DAY.format(r='s')}, coalesce(s.status, ''), count(*)
    FROM interview_interviewsession s JOIN company_job j ON j.id = s.job_id
    WHERE {EMPLOYER.format(r='s')} AND s.start_time IS NOT NULL AND j.company_id IS NOT NULL
    GROUP BY 1, 2, 3;
    DELETE FROM dashboard_companyinterviewcount;
    INSERT INTO dashboard_companyinterviewcount (company_id, status, interviews)
    SELECT j.company_id, coalesce(s.status, ''), count(*)
    FROM interview_interviewsession s JOIN company_job j ON j.id = s.job_id
    WHERE {EMPLOYER.format(r='s')} AND j.company_id IS NOT NULL
    GROUP BY 1, 2;
    DELETE FROM dashboard_platformcount;
    INSERT INTO dashboard_platformcount (kind, key, count)
    SELECT 'user_role', coalesce(role, ''), count(*) FROM users_user GROUP BY 2
    UNION ALL
    SELECT 'subscription_status', coalesce(status, ''), count(*) FROM billing_customersubscription GROUP BY 2;
$$
"""

TRANSITIONS = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}

TRIGGERS = [
    *(
        f"CREATE TRIGGER dashboard_count_on_{event} AFTER {event.upper()} ON interview_interviewsession "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION dashboard_count_interviews()"
        for event, transition in TRANSITIONS.items()
    ),
    *(
        f"CREATE TRIGGER dashboard_count_on_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION dashboard_count_{kind}()"
        for kind, (table, _column) in PLATFORM_COUNTS.items()
        for event, transition in TRANSITIONS.items()
    ),
    "CREATE TRIGGER dashboard_count_on_delete BEFORE DELETE ON company_job "
    "FOR EACH ROW EXECUTE FUNCTION dashboard_count_job_days()",
    "CREATE TRIGGER dashboard_count_on_move AFTER UPDATE OF company_id ON company_job "
    "FOR EACH ROW WHEN (OLD.company_id IS DISTINCT FROM NEW.company_id) EXECUTE FUNCTION dashboard_count_job_days()",
]
TRIGGERED_TABLES = {
    "interview_interviewsession": ("insert", "update", "delete"),
    "users_user": ("insert", "update", "delete"),
    "billing_customersubscription": ("insert", "update", "delete"),
    "company_job": ("delete", "move"),
}


def upgrade() -> None:
    op.create_table(
        "dashboard_jobinterviewcount",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("interviews", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("job_id", "status", name=op.f("dashboard_jobinterviewcount_pkey")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["company_job.id"], ondelete="CASCADE", name=op.f("dashboard_jobinterviewcount_job_id_fkey")
        ),
    )
    op.create_table(
        "dashboard_companydaycount",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("interviews", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "day", "status", name=op.f("dashboard_companydaycount_pkey")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company_company.id"], ondelete="CASCADE",
            name=op.f("dashboard_companydaycount_company_id_fkey"),
        ),
    )
    op.create_table(
        "dashboard_companyinterviewcount",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("interviews", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "status", name=op.f("dashboard_companyinterviewcount_pkey")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company_company.id"], ondelete="CASCADE",
            name=op.f("dashboard_companyinterviewcount_company_id_fkey"),
        ),
    )
    op.create_table(
        "dashboard_platformcount",
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("dashboard_platformcount_pkey")),
    )
    op.create_table(
        "analytics_rollupday",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("rolled_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("date", name=op.f("analytics_rollupday_pkey")),
    )
    # The jobs list sorted by interviews sums every job's counters: index-only, not a heap page per job.
    op.execute(
        "CREATE INDEX ix_dashboard_jobinterviewcount_job_covering ON dashboard_jobinterviewcount "
        "(job_id) INCLUDE (status, interviews)"
    )
    # "Latest completed interviews": per job, newest first, index-only.
    op.execute(
        "CREATE INDEX ix_interview_session_completed_job_start ON interview_interviewsession "
        "(job_id, start_time DESC, id DESC) WHERE status = 'completed' AND is_practice IS NOT TRUE"
    )
    op.execute(INTERVIEW_FUNCTION)
    op.execute(JOB_FUNCTION)
    for kind, (_table, column) in PLATFORM_COUNTS.items():
        op.execute(_platform_function(kind, column))
    op.execute(RECOUNT_FUNCTION)
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute("SELECT dashboard_recount_counters()")
    for column in BIN_COLUMNS:
        op.add_column(
            "analytics_dailymetrics", sa.Column(column, sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    op.create_table(
        "analytics_companydailymetrics",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        *(
            sa.Column(column, _SUM_TYPES.get(column, sa.Integer()), server_default=sa.text("0"), nullable=False)
            for column in COMPANY_COLUMNS
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "date", name=op.f("analytics_companydailymetrics_pkey")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company_company.id"], ondelete="CASCADE",
            name=op.f("analytics_companydailymetrics_company_id_fkey"),
        ),
    )
    op.create_table(
        "analytics_jobrunningtotal",
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        *(
            sa.Column(column, _SUM_TYPES.get(column, sa.Integer()), server_default=sa.text("0"), nullable=False)
            for column in COMPANY_COLUMNS
        ),
        sa.PrimaryKeyConstraint("job_id", "date", name=op.f("analytics_jobrunningtotal_pkey")),
        sa.ForeignKeyConstraint(
            ["job_id"], ["company_job.id"], ondelete="CASCADE", name=op.f("analytics_jobrunningtotal_job_id_fkey")
        ),
    )
    op.create_index("ix_analytics_dailymetrics_job_date", "analytics_dailymetrics", ["job_id", "date"])
    # The old rollup's zero rows go: a rolled-up day without a row now means no interviews.
    op.execute("DELETE FROM interview_interviewstatistics WHERE period = 'daily' AND total_interviews = 0")


def downgrade() -> None:
    # The zero rows are not written back: without analytics_rollupday the page computes
    # those days live (the same figures), and `stats rollup` writes them again.
    for table, events in TRIGGERED_TABLES.items():
        for event in events:
            op.execute(f"DROP TRIGGER dashboard_count_on_{event} ON {table}")
    op.execute("DROP FUNCTION dashboard_recount_counters()")
    for kind in PLATFORM_COUNTS:
        op.execute(f"DROP FUNCTION dashboard_count_{kind}()")
    op.execute("DROP FUNCTION dashboard_count_job_days()")
    op.execute("DROP FUNCTION dashboard_count_interviews()")
    op.execute("DROP INDEX ix_interview_session_completed_job_start")
    op.execute("DROP INDEX ix_dashboard_jobinterviewcount_job_covering")
    for column in BIN_COLUMNS:
        op.drop_column("analytics_dailymetrics", column)
    op.drop_index("ix_analytics_dailymetrics_job_date", table_name="analytics_dailymetrics")
    op.drop_table("analytics_jobrunningtotal")
    op.drop_table("analytics_companydailymetrics")
    op.drop_table("analytics_rollupday")
    op.drop_table("dashboard_platformcount")
    op.drop_table("dashboard_companyinterviewcount")
    op.drop_table("dashboard_companydaycount")
    op.drop_table("dashboard_jobinterviewcount")
