"""Time zones: each user's zone, in a table of ours beside the documented users_user.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 22:15:00

`users_setting` holds one row per user who has a zone (detected at sign-up, changed on the
account page); a user without a row is in UTC. Every time stays stored in UTC: the zone only
says how a time is shown to that user and how the times they type are read (webapp.timezones).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("""
    CREATE TABLE users_setting (
        user_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC',
        updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT users_setting_pkey PRIMARY KEY (user_id)
    )
    """)


def downgrade() -> None:
    op.execute("DROP TABLE users_setting")
