"""Delivery attempts: a failed send is retried with backoff and, after the last attempt, marked failed.

A message for SMTP is `queued` with `next_attempt_at` a little ahead, so its
`mail.deliver` job's first attempt goes first. Each attempt adds one to
`attempts`; a failure keeps the error and waits RETRY_DELAYS[attempts - 1],
and the MAX_ATTEMPTS-th failure makes the message `failed` for good (the
development outbox shows it, `mail retry` and `maintenance retention` count it).
`retry_due` (the `mail.retry_due` job every minute, or `flask mail retry`) sends what is due,
claiming one message at a time so two runs never send the same one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# The message's `mail.deliver` job tries it first; SMTP_TIMEOUT bounds that attempt.
FIRST_ATTEMPT_GRACE = timedelta(minutes=2)
# A claimed message is due again after this if the run that claimed it died mid-send.
CLAIM_LEASE = timedelta(minutes=5)

# One statement, so the count and the schedule come from the row as it is now.
RECORD_ATTEMPT = text(
    """
    UPDATE mail_outboxmessage SET
        attempts = attempts + 1,
        status = CASE WHEN CAST(:error AS text) IS NULL THEN 'sent'
                      WHEN attempts + 1 >= :max_attempts THEN 'failed' ELSE 'queued' END,
        sent_at = CASE WHEN CAST(:error AS text) IS NULL THEN now() ELSE sent_at END,
        next_attempt_at = CASE WHEN CAST(:error AS text) IS NULL OR attempts + 1 >= :max_attempts THEN NULL
                               ELSE now() + (CAST(:delays AS interval[]))[attempts + 1] END,
        last_error = coalesce(CAST(:error AS text), last_error)
    WHERE id = :id
    RETURNING status, attempts
    """
)
CLAIM_DUE = text(
    """
    UPDATE mail_outboxmessage SET next_attempt_at = now() + :lease
    WHERE id = (SELECT id FROM mail_outboxmessage
                WHERE status = 'queued' AND next_attempt_at <= now()
                ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id, to_address, subject, body_text
    """
)
COUNT_BY_STATUS = text(
    "SELECT status, count(*) FROM mail_outboxmessage WHERE status IN ('queued', 'failed') GROUP BY status"
)


def describe(error: BaseException) -> str:
    """What went wrong, for `last_error` (never the message itself)."""
    return f"{type(error).__name__}: {error}"[:255]


def record_attempt(session: Session, message_id: int, error: str | None) -> str | None:
    """Store an attempt's outcome (None when sent, else the error) in `session`; return the new status."""
    delays = [f"{int(delay.total_seconds())} seconds" for delay in RETRY_DELAYS]
    params = {"id": message_id, "error": error, "max_attempts": MAX_ATTEMPTS, "delays": delays}
    row = session.execute(RECORD_ATTEMPT, params).one_or_none()
    if row is None:  # deleted meanwhile (by hand: retention keeps queued mail)
        return None
    status, attempts = row
    if status == "failed":
        log.error("Gave up on message %s after %s attempts: %s", message_id, attempts, error)
    return status


@dataclass
class RetryReport:
    sent: int = 0
    retry_later: int = 0
    gave_up: int = 0
    queued: int = 0  # still waiting after this run
    failed: int = 0  # every failed message in the outbox

    def __str__(self) -> str:
        return (
            f"Sent {self.sent}, {self.retry_later} to retry later, gave up on {self.gave_up}. "
            f"Outbox: {self.queued} queued, {self.failed} failed."
        )


def retry_due(
    bind: Engine | Connection,
    deliver: Callable[[object], None],
    limit: int,
    echo: Callable[[str], None] = lambda line: None,
) -> RetryReport:
    """Send up to `limit` due messages with `deliver(message)`, one claimed message at a time."""
    report = RetryReport()
    for _ in range(limit):
        with Session(bind=bind, join_transaction_mode="create_savepoint") as session:
            message = session.execute(CLAIM_DUE, {"lease": CLAIM_LEASE}).one_or_none()
            session.commit()
        if message is None:
            break
        try:
            deliver(message)
        except Exception as error:  # noqa: BLE001 - whatever stops this message counts as its attempt
            log.warning("Could not deliver message %s to %s: %s", message.id, message.to_address, error)
            error_text = describe(error)
        else:
            error_text = None
        with Session(bind=bind, join_transaction_mode="create_savepoint") as session:
            status = record_attempt(session, message.id, error_text)
            session.commit()
        if status == "sent":
            report.sent += 1
        elif status == "failed":
            report.gave_up += 1
            echo(f"  gave up on message {message.id} to {message.to_address}: {error_text}")
        elif status == "queued":
            report.retry_later += 1
    counts = outbox_counts(bind)
    report.queued, report.failed = counts["queued"], counts["failed"]
    return report


def outbox_counts(bind: Engine | Connection) -> dict[str, int]:
    """How many messages wait for a retry and how many failed for good."""
    with Session(bind=bind, join_transaction_mode="create_savepoint") as session:
        counts = dict(session.execute(COUNT_BY_STATUS).all())
    return {"queued": counts.get("queued", 0), "failed": counts.get("failed", 0)}

