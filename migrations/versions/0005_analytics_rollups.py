"""Analytics: daily rollup sums per company, job and day (`analytics_dailymetrics`, not in the schema document).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 19:40:00

`flask stats rollup` writes these rows in the same statement as the documented
`interview_interviewstatistics` rows; they keep sums and counts so averages over any
range are exact. No documented table changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("total", "completed", "cancelled", "rescheduled", "no_show", "scheduled", "in_progress")
SCORES = ("score", "technical", "communication", "skill_match")


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "analytics_dailymetrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        *(_count(name) for name in COUNTS),
        sa.Column("duration_sum", sa.Double(), server_default=sa.text("0"), nullable=False),
        _count("duration_count"),
        sa.Column("completion_sum", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        _count("completion_count"),
        *(
            column
            for name in SCORES
            for column in (
                sa.Column(f"{name}_sum", sa.Numeric(14, 2), server_default=sa.text("0"), nullable=False),
                _count(f"{name}_count"),
            )
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("analytics_dailymetrics_pkey")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company_company.id"], ondelete="CASCADE",
            name=op.f("analytics_dailymetrics_company_id_fkey"),
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["company_job.id"], ondelete="CASCADE", name=op.f("analytics_dailymetrics_job_id_fkey"),
        ),
        sa.UniqueConstraint("company_id", "date", "job_id", name=op.f("analytics_dailymetrics_company_id_date_job_id_key")),
    )
    # Deleting a job cascades here: without it every job delete would scan the table.
    op.create_index("ix_analytics_dailymetrics_job_id", "analytics_dailymetrics", ["job_id"])


def downgrade() -> None:
    op.drop_index("ix_analytics_dailymetrics_job_id", table_name="analytics_dailymetrics")
    op.drop_table("analytics_dailymetrics")
