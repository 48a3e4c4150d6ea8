"""Stripe customers created before any subscription exists.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 21:30:00

Checkout needs a Stripe customer before there is a subscription row to keep its id
in (billing_customersubscription is written when Stripe reports the subscription).
Without this table, every abandoned Checkout left one more customer at Stripe.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "billing_stripecustomer",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users_user.id"], name=op.f("billing_stripecustomer_user_id_fkey"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("billing_stripecustomer_pkey")),
        sa.UniqueConstraint("customer_id", name=op.f("billing_stripecustomer_customer_id_key")),
    )


def downgrade() -> None:
    op.drop_table("billing_stripecustomer")
