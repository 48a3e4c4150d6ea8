"""Stored ranking components per (job, candidate), so pages read and re-weight rankings with indexed queries.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 15:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
