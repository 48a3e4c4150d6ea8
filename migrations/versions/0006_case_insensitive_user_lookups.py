"""Index the case-insensitive lookups of users by email and username.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 21:25:00

Login, sign-up and password reset find users by lower(email) / lower(username)
(people type addresses in any case); the documented indexes are on the raw
columns, so those lookups scanned the whole table. Plain expression indexes: the
documented columns and constraints are unchanged, and uniqueness stays as
documented (sign-up enforces the case-insensitive rule under an advisory lock).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX idx_users_user_lower_email ON users_user (lower(email))")
    op.execute("CREATE INDEX idx_users_user_lower_username ON users_user (lower(username))")


def downgrade() -> None:
    op.execute("DROP INDEX idx_users_user_lower_username")
    op.execute("DROP INDEX idx_users_user_lower_email")
