"""Billing: processed Stripe webhook events (`billing_webhookevent`, not in the schema document).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 19:40:00

The unique event id makes every Stripe event apply once: the row is inserted in
the same transaction as the event's effect. No documented table changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "billing_webhookevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("event_created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stripe_subscription_id", sa.String(length=100), nullable=True),
        sa.Column("applied", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("outcome", sa.String(length=255), server_default=sa.text("''"), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("billing_webhookevent_pkey")),
        sa.UniqueConstraint("event_id", name=op.f("billing_webhookevent_event_id_key")),
    )
    op.create_index(
        "idx_billing_webhookevent_subscription",
        "billing_webhookevent",
        ["stripe_subscription_id", "event_created"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("idx_billing_webhookevent_subscription", table_name="billing_webhookevent")
    op.drop_table("billing_webhookevent")
