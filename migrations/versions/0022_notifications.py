"""Notifications: in-app notifications and per-event email preferences (reserved).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 22:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op  # noqa: F401

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
