"""Rankings freshness and the interview archive (tables the schema document implies).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 19:40:00

rankings_stalejob: jobs whose candidate rankings must be recomputed because
the interview engine wrote new results (filled by triggers below, emptied by
`rankings.services.recompute_stale`).

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


def downgrade() -> None:
    op.execute("DROP TABLE interview_interviewsession_archive")
    op.execute("DROP TABLE rankings_stalejob")
