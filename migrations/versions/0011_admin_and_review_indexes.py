"""Indexes for the admin users list at platform size (hundreds of thousands of accounts).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 16:00:00

No documented table changes: plain indexes only.

- Each sort of the list walks an index in its exact order and stops after one page
  (`ORDER BY x DESC NULLS LAST, id DESC` cannot be read backwards from an ascending index,
  so the nullable sort columns get their descending order too). Email and username are
  NOT NULL and unique: their existing indexes serve both directions.
- A filter on the newest-first list (the default) walks an index of its own rows: one per
  role, and partial ones for deactivated and for unverified accounts. Without them the walk
  skips every newer account of another kind (bench data: 28,000 candidates before the
  first employer).
- "Username contains" joins the trigram lookups of 0008 (name, email), so a search is
  a bitmap of three index lookups, not a scan of every account.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "idx_users_user_created_order": "users_user (created_at DESC NULLS LAST, id DESC)",
    "idx_users_user_role_order": "users_user (role, id)",
    "idx_users_user_role_order_desc": "users_user (role DESC NULLS LAST, id DESC)",
    "idx_users_user_role_created": "users_user (role, created_at DESC NULLS LAST, id DESC)",
    "idx_users_user_inactive_created": "users_user (created_at DESC NULLS LAST, id DESC) WHERE is_active IS NOT TRUE",
    "idx_users_user_unverified_created": "users_user (created_at DESC NULLS LAST, id DESC) WHERE is_verified IS NOT TRUE",
    "idx_users_user_username_trgm": "users_user USING gin (username gin_trgm_ops)",
}


def upgrade() -> None:
    for name, definition in INDEXES.items():
        table, _, rest = definition.partition(" ")
        op.execute(f"CREATE INDEX {name} ON {table} {rest}")


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
