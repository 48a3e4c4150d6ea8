"""Login attempts remember the trusted device they came from (OWASP device cookies).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:40:00

No documented table changes: `users_loginattempt` is our own throttling table.
A password check made from a browser holding a signed device cookie for the
account stores a digest of that cookie in `device_hash`; such failures count
against that device's own budget only, never against the account's lockout for
unknown browsers or the address's. The partial index serves the per-device
count and holds only those rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users_loginattempt", sa.Column("device_hash", sa.String(64), nullable=True))
    op.create_index(
        "idx_users_loginattempt_device",
        "users_loginattempt",
        ["device_hash", "created_at"],
        postgresql_where=sa.text("device_hash IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("idx_users_loginattempt_device", table_name="users_loginattempt")
    op.drop_column("users_loginattempt", "device_hash")
