"""Retention of the tables that grow with every request: login attempts, audit events, mail, webhook events.

Each table keeps its rows for the period configured in JOBHIVE_RETENTION_*
(webapp/config.py, README). Older rows go oldest first in batches, each its own
committed transaction, walking the table's time index from where the previous
batch stopped (time, then id): a huge backlog never becomes one long
transaction, and no batch rescans what the last one left behind. A row exactly
at the cutoff stays. Mail bodies (sign-in and reset links) are emptied sooner
than their messages go, and a message still queued for a retry keeps both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from webapp.mail.delivery import COUNT_BY_STATUS
from webapp.maintenance.catalog import count

# The newest applied event of a subscription is what a late, older delivery is compared with
# (webapp/billing/webhooks.py): it stays, however old, so that delivery is still refused.
NOT_A_WATERMARK = """NOT (applied AND stripe_subscription_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM billing_webhookevent newer
    WHERE newer.stripe_subscription_id = billing_webhookevent.stripe_subscription_id
      AND newer.applied AND newer.event_created > billing_webhookevent.event_created))"""


@dataclass(frozen=True)
class Rule:
    label: str
    table: str
    time_column: str  # its leading-column index is what the batches walk
    setting: str  # the app config key holding the period
    unit: str  # "days" or "hours"
    where: str = "TRUE"  # which old rows may go
    change: str | None = None  # an UPDATE ... SET instead of a DELETE
    note: str = ""


RULES = (
    Rule("Login attempts", "users_loginattempt", "created_at", "RETENTION_LOGIN_ATTEMPTS_DAYS", "days"),
    Rule("Audit events", "audit_auditevent", "created_at", "RETENTION_AUDIT_EVENTS_DAYS", "days"),
    Rule("Mail outbox messages", "mail_outboxmessage", "created_at", "RETENTION_MAIL_DAYS", "days",
         where="status <> 'queued'"),
    Rule("Mail bodies", "mail_outboxmessage", "created_at", "RETENTION_MAIL_BODY_HOURS", "hours",
         where="body_removed_at IS NULL AND status <> 'queued'",
         change="body_text = '', body_removed_at = now()", note=" (subject and recipient kept)"),
    Rule("Webhook events", "billing_webhookevent", "processed_at", "RETENTION_WEBHOOK_EVENTS_DAYS", "days",
         where=NOT_A_WATERMARK, note=" (the newest applied event of each subscription is kept)"),
)


def batch_select(rule: Rule) -> str:
    """The next batch: old rows after (:after_time, :after_id), in index order."""
    t = rule.time_column
    return (
        f"SELECT id, {t} AS at FROM {rule.table} "
        f"WHERE {t} < :cutoff AND {t} >= :after_time AND ({t}, id) > (:after_time, :after_id) AND {rule.where} "
        f"ORDER BY {t}, id LIMIT :batch"
    )


def run(connection: Connection, periods: Mapping[str, int], batch_size: int, dry_run: bool,
        echo: Callable[[str], None]) -> None:
    deleted_before: list[tuple[str, str, datetime]] = []  # (table, condition, cutoff) of the deletes so far
    for rule in RULES:
        period = periods[rule.setting]
        cutoff = connection.execute(
            text(f"SELECT now() - make_interval({rule.unit} => :period)"), {"period": period}
        ).scalar_one()
        where = f"{rule.time_column} < :cutoff AND {rule.where}"
        if dry_run:
            # Rows an earlier rule would have deleted by now are not this rule's to count.
            earlier = [(w, c) for table, w, c in deleted_before if table == rule.table]
            params = {"cutoff": cutoff} | {f"cutoff_{n}": c for n, (_, c) in enumerate(earlier)}
            excluded = "".join(
                f" AND NOT ({w.replace(':cutoff', f':cutoff_{n}')})" for n, (w, _) in enumerate(earlier)
            )
            rows = count(connection, rule.table, where + excluded, params)
            batches = f" in {-(-rows // batch_size)} batches of at most {batch_size}" if rows else ""
        else:
            rows, done = _in_batches(connection, rule, cutoff, batch_size)
            batches = f" in {done} batches of at most {batch_size}" if done else ""
        if rule.change is None:
            deleted_before.append((rule.table, where, cutoff))
        verb = ("would empty" if dry_run else "emptied") if rule.change else ("would remove" if dry_run else "removed")
        echo(f"{rule.label} older than {period} {rule.unit} (before {cutoff.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC): "
             f"{verb} {rows}{batches}{rule.note}.")
    counts = dict(connection.execute(COUNT_BY_STATUS).all())
    echo(f"Mail outbox: {counts.get('queued', 0)} queued for a retry, {counts.get('failed', 0)} failed "
         "(gave up; see /dev/outbox in development, or last_error in mail_outboxmessage).")


def _in_batches(connection: Connection, rule: Rule, cutoff: datetime, batch_size: int) -> tuple[int, int]:
    """Delete (or change) the old rows a batch at a time, each batch committed; return (rows, batches)."""
    select_batch = text(batch_select(rule))
    action = (
        f"UPDATE {rule.table} SET {rule.change}" if rule.change else f"DELETE FROM {rule.table}"
    ) + f" WHERE id = ANY(:ids) AND {rule.time_column} < :cutoff AND {rule.where}"  # the rows may have changed
    rows = batches = 0
    after = {"after_time": datetime.min.replace(tzinfo=UTC), "after_id": 0}
    while found := connection.execute(select_batch, {"cutoff": cutoff, "batch": batch_size} | after).all():
        rows += connection.execute(text(action), {"ids": [row.id for row in found], "cutoff": cutoff}).rowcount
        connection.commit()
        batches, after = batches + 1, {"after_time": found[-1].at, "after_id": found[-1].id}
    return rows, batches
