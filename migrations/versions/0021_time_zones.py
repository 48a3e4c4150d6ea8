"""Time zones: each user's zone (reserved; filled in by the time-zone work).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 22:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op  # noqa: F401

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
