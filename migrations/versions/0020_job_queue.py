"""The job queue: procrastinate's schema (tables, types, functions and triggers named procrastinate_*).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 22:10:00

Background work (mail, reminders, rollups, rankings recompute, retention) runs on procrastinate,
whose jobs live in PostgreSQL: any number of workers on any machines, no other server. Its
schema is applied here from the pinned package (pyproject.toml), so `flask db upgrade` is the
only step; a later procrastinate upgrade adds its migration files in a migration of ours.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Driver-level: the schema's own % and : must reach PostgreSQL as written.
    op.get_bind().exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    op.execute("""
    DO $$
    DECLARE item record;
    BEGIN
        FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                    JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%' LOOP
            EXECUTE 'DROP FUNCTION IF EXISTS ' || item.signature || ' CASCADE';
        END LOOP;
        FOR item IN SELECT tablename FROM pg_tables
                    WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate%' LOOP
            EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(item.tablename) || ' CASCADE';
        END LOOP;
        FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                    WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%' AND t.typtype IN ('e', 'c') LOOP
            EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(item.typname) || ' CASCADE';
        END LOOP;
    END $$;
    """)
