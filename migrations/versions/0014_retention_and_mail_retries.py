"""Retention and mail retries: outbox delivery state, and time indexes for pruning in batches.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 18:40:00

No documented table changes: columns and indexes of our own tables only.

- `mail_outboxmessage` learns its delivery state: `status` (recorded without
  MAIL_SERVER, queued for a (re)try, sent, or failed after the last attempt),
  `attempts`, `next_attempt_at` and `last_error`, so `flask mail retry` re-sends
  with backoff and a message that never goes out says so. `body_removed_at`
  marks a body emptied by `maintenance retention` (bodies hold sign-in links).
  Existing rows with `sent_at` are `sent`; the rest were only recorded.
- `maintenance retention` deletes old login attempts and webhook events oldest
  first, a batch at a time; these indexes let each batch start where the last
  one stopped instead of scanning the table. (Audit events and outbox messages
  already have their `created_at` index.) The due-mail and kept-body indexes
  are partial, so they hold only the few rows still waiting for something.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTBOX = "mail_outboxmessage"
INDEXES = {
    "idx_users_loginattempt_created_at": "users_loginattempt (created_at)",
    "idx_billing_webhookevent_processed_at": "billing_webhookevent (processed_at)",
    "idx_mail_outboxmessage_due": "mail_outboxmessage (next_attempt_at) WHERE status = 'queued'",
    "idx_mail_outboxmessage_body_kept": "mail_outboxmessage (created_at) WHERE body_removed_at IS NULL",
}


def upgrade() -> None:
    op.add_column(OUTBOX, sa.Column("status", sa.String(10), server_default=sa.text("'recorded'"), nullable=False))
    op.add_column(OUTBOX, sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.add_column(OUTBOX, sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(OUTBOX, sa.Column("last_error", sa.String(255), nullable=True))
    op.add_column(OUTBOX, sa.Column("body_removed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint(
        "mail_outboxmessage_status_check", OUTBOX, "status IN ('recorded', 'queued', 'sent', 'failed')"
    )
    op.execute(f"UPDATE {OUTBOX} SET status = 'sent', attempts = 1 WHERE sent_at IS NOT NULL")
    for name, definition in INDEXES.items():
        table, _, rest = definition.partition(" ")
        op.execute(f"CREATE INDEX {name} ON {table} {rest}")


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_constraint("mail_outboxmessage_status_check", OUTBOX, type_="check")
    for column in ("body_removed_at", "last_error", "next_attempt_at", "attempts", "status"):
        op.drop_column(OUTBOX, column)
