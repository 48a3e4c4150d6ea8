"""Every background task. Each runs with a session of its own (webapp/queue/runtime.py `job`);
periodic ones (cron, UTC) are deferred once per tick however many workers run."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from procrastinate import RetryStrategy
from sqlalchemy.orm import Session

from webapp.queue.runtime import job

log = logging.getLogger(__name__)

# Work that can simply run again: 30 s, 1 min, 2 min, 4 min apart, then the job stays failed
# (the dead letter: /admin/jobs shows it with "Retry now").
RETRY = RetryStrategy(max_attempts=5, exponential_wait=30)


@job("mail.deliver", queue="mail")
def deliver_mail(session: Session, message_id: int) -> None:
    """A message's first SMTP attempt; a failure waits for `mail.retry_due` (the outbox's backoff)."""
    from webapp.mail.services import deliver_first

    deliver_first(session, message_id)


@job("mail.retry_due", cron="* * * * *", queue="mail")
def retry_due_mail(session: Session, timestamp: int) -> None:
    """Messages whose retry is due, and any whose first job was lost (a worker killed mid-send)."""
    from webapp.mail.services import retry_due

    if current_app.config.get("MAIL_SERVER"):
        report = retry_due(limit=200, echo=log.warning)
        if report.sent or report.gave_up:
            log.info("Mail retry: %s", report)


@job("accounts.reset_link", retry=RETRY)
def mail_reset_link(session: Session, email: str) -> None:
    from webapp.accounts.services import mail_reset_link as send

    send(session, email)


# Rolled up again every night: late status changes and decisions of the last week are picked up.
ROLLUP_DAYS = 7


@job("stats.rollup", cron="15 0 * * *", retry=RETRY)
def rollup_last_week(session: Session, timestamp: int) -> None:
    """`flask stats rollup` for the week of UTC days before the tick."""
    from webapp.analytics.services import rollup

    last = datetime.fromtimestamp(timestamp, UTC).date() - timedelta(days=1)
    log.info("%s", rollup(session, last - timedelta(days=ROLLUP_DAYS - 1), last))


@job("rankings.recompute_stale", cron="*/5 * * * *", retry=RETRY)
def recompute_stale_rankings(session: Session, timestamp: int) -> None:
    """The rankings whose results changed since their last recompute (`flask rankings recompute --stale`)."""
    from webapp.rankings.services import recompute_stale

    recompute_stale(session, None)


@job("maintenance.retention", cron="30 2 * * *", retry=RETRY)
def retention(session: Session, timestamp: int) -> None:
    """`flask maintenance retention` with its defaults (each batch commits on its own connection)."""
    from webapp.maintenance import prune as table_retention
    from webapp.maintenance import retention as history_retention
    from webapp.maintenance.cli import DEFAULT_BATCH_SIZE, DEFAULT_KEEP_DAYS

    with current_app.extensions["db_engine"].connect() as connection:
        history_retention.run(connection, DEFAULT_KEEP_DAYS, DEFAULT_BATCH_SIZE, False, log.info)
        table_retention.run(connection, current_app.config, DEFAULT_BATCH_SIZE, False, log.info)


@job("notifications.email", cron="* * * * *", retry=RETRY)
def email_notifications(session: Session, timestamp: int) -> None:
    """Mail the notifications the database made (an interview completed) to those who opted in."""
    from webapp.notifications.services import pending_emails

    pending_emails(session)
