"""The hiring funnel's daily rollups: the analytics page stops reading every decision of a range.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 21:30:00

Tables of our own, written by `flask stats rollup` beside the interview rollups:

- `analytics_funnelday`: per job and UTC day with decisions, for each built-in pipeline stage
  the candidates who reached it (or a later stage) for the first time, who left it, how many
  of those moved on to a later stage, and the seconds the leavers had spent in it; and the
  day's hires (with the seconds from entering the pipeline), candidates leaving the running
  and offers lost. Every figure adds up over days.
- `analytics_companyfunnelday`: the same summed over the company's jobs.

The days already rolled up (`analytics_rollupday`) are backfilled from `pipeline_decision`
with the rollup's statement as it stands at this revision.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("applied", "ai_interview", "review", "team_interview", "offer", "hired")
COLUMNS = [
    *(f"{figure}_{kind}" for kind in KINDS for figure in ("reached", "left", "advanced", "seconds_in")),
    "hired", "seconds_to_hire", "left_running", "offers_lost",
]


def _definitions() -> str:
    return ",\n".join(
        f"        {column} {'DOUBLE PRECISION' if column.startswith('seconds_') else 'INTEGER'} NOT NULL DEFAULT 0"
        for column in COLUMNS
    )


def _aggregates() -> str:
    leaves = "action IN ('moved', 'rejected', 'withdrawn') AND from_kind = '{kind}' AND previous_at IS NOT NULL"
    hire = "(action = 'moved' AND to_kind = 'hired')"
    columns = []
    for position, kind in enumerate(KINDS, start=1):
        left = leaves.format(kind=kind)
        columns += [
            f"count(*) FILTER (WHERE to_position >= {position} AND coalesce(furthest, 0) < {position})",
            f"count(*) FILTER (WHERE {left})",
            f"count(*) FILTER (WHERE {left} AND action = 'moved' AND to_position > {position})",
            f"coalesce(sum(EXTRACT(EPOCH FROM decided_at - previous_at)) FILTER (WHERE {left}), 0)",
        ]
    columns += [
        f"count(*) FILTER (WHERE {hire})",
        f"coalesce(sum(EXTRACT(EPOCH FROM decided_at - entered_at)) FILTER (WHERE {hire}), 0)",
        f"count(*) FILTER (WHERE action IN ('rejected', 'withdrawn') OR {hire})",
        "count(*) FILTER (WHERE action IN ('rejected', 'withdrawn') AND from_kind = 'offer')",
    ]
    return ",\n".join(columns)


def _backfill() -> str:
    values = ", ".join(f"('{kind}', {position})" for position, kind in enumerate(KINDS, start=1))
    return f"""
    WITH stages (kind, position) AS (VALUES {values}),
    decided AS (
        SELECT d.company_id, d.job_id, (d.decided_at AT TIME ZONE 'UTC')::date AS day, d.action, d.from_kind,
               d.to_kind, d.decided_at, reach.position AS to_position, before.furthest, before.previous_at,
               c.created_at AS entered_at
        FROM pipeline_decision d
        JOIN pipeline_candidate c ON c.id = d.pipeline_candidate_id
        LEFT JOIN stages reach ON reach.kind = d.to_kind AND d.action IN ('entered', 'moved', 'reopened')
        CROSS JOIN LATERAL (
            SELECT max(s.position) FILTER (WHERE p.action IN ('entered', 'moved', 'reopened')) AS furthest,
                   max(p.decided_at) AS previous_at
            FROM pipeline_decision p LEFT JOIN stages s ON s.kind = p.to_kind
            WHERE p.pipeline_candidate_id = d.pipeline_candidate_id AND (p.decided_at, p.id) < (d.decided_at, d.id)
        ) before
        WHERE (d.decided_at AT TIME ZONE 'UTC')::date IN (SELECT date FROM analytics_rollupday)
    ),
    per_job AS (
        INSERT INTO analytics_funnelday (company_id, job_id, date, {", ".join(COLUMNS)})
        SELECT company_id, job_id, day,
{_aggregates()}
        FROM decided
        GROUP BY company_id, job_id, day
        RETURNING *
    )
    INSERT INTO analytics_companyfunnelday (company_id, date, {", ".join(COLUMNS)})
    SELECT company_id, date, {", ".join(f"sum({column})" for column in COLUMNS)}
    FROM per_job GROUP BY company_id, date
    """


def upgrade() -> None:
    op.execute(f"""
    CREATE TABLE analytics_funnelday (
        company_id INTEGER NOT NULL REFERENCES company_company (id) ON DELETE CASCADE,
        date DATE NOT NULL,
        job_id INTEGER NOT NULL REFERENCES company_job (id) ON DELETE CASCADE,
{_definitions()},
        computed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, date, job_id)
    )
    """)
    op.execute("CREATE INDEX ix_analytics_funnelday_job_date ON analytics_funnelday (job_id, date)")
    op.execute(f"""
    CREATE TABLE analytics_companyfunnelday (
        company_id INTEGER NOT NULL REFERENCES company_company (id) ON DELETE CASCADE,
        date DATE NOT NULL,
{_definitions()},
        computed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        PRIMARY KEY (company_id, date)
    )
    """)
    op.execute(_backfill())


def downgrade() -> None:
    op.execute("DROP TABLE analytics_companyfunnelday")
    op.execute("DROP TABLE analytics_funnelday")
