"""Sending mail.

`send` always adds an OutboxMessage row to the caller's transaction. With MAIL_SERVER
configured, the message is `queued` and a `mail.deliver` job is queued in the same
transaction (webapp/queue), so a worker sends it only once that transaction commits: a
sign-up that rolls back (say, it lost a race for its email address) never mails anyone, a
slow SMTP server slows no page, and a committed message is never lost. The job holds the
message's row lock while it talks to SMTP, so no other worker sends it at the same time; if
its worker dies, the row is untouched and the job runs again on another worker (or
`mail.retry_due` sends it). A failed attempt is recorded and retried with backoff by the
`mail.retry_due` job (or `flask mail retry`), which finally marks it failed (delivery.py).
Without MAIL_SERVER the message is only logged, and the development outbox page shows it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, url_for
from sqlalchemy import func, text
from sqlalchemy.orm import Session

from webapp import queue
from webapp.mail import delivery
from webapp.models import OutboxMessage

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 10  # seconds


def send(session: Session, to: str, subject: str, body: str) -> OutboxMessage:
    """Record a plain-text message (the caller commits); a worker delivers it by SMTP after the commit."""
    config = current_app.config
    message = OutboxMessage(to_address=to, subject=subject[:255], body_text=body)
    if config.get("MAIL_SERVER"):
        message.status, message.next_attempt_at = "queued", func.now() + delivery.FIRST_ATTEMPT_GRACE
    session.add(message)
    session.flush()
    if config.get("MAIL_SERVER"):
        queue.defer(session, "mail.deliver", message_id=message.id)
    elif config.get("ENV_NAME") in ("development", "testing"):
        log.info("Mail to %s (not sent, no MAIL_SERVER): %s\n%s", to, subject, body)
    else:
        # Bodies hold sign-in links: never write them to production logs.
        log.warning("MAIL_SERVER is not configured; message %s to %s was recorded but not sent", message.id, to)
    return message


def absolute_url(endpoint: str, **values) -> str:
    """A link for a message on JOBHIVE_BASE_URL; never on the request's Host header outside development."""
    base = current_app.config.get("BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    if current_app.config.get("ENV_NAME") not in ("development", "testing"):
        # The configuration refuses to start without it; a forged Host must never reach a mailed link.
        raise RuntimeError("JOBHIVE_BASE_URL is not configured: links in mail cannot be built")
    return url_for(endpoint, _external=True, **values)


def _smtp_settings(config) -> dict:
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS", "MAIL_FROM")
    return {key: config.get(key) for key in keys}


def _deliver(message: OutboxMessage, settings: dict) -> None:
    email = EmailMessage()
    email["From"] = settings["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="jobhive")
    email.set_content(message.body_text)
    with smtplib.SMTP(settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
        if settings["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if settings["MAIL_USERNAME"]:
            smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


# The first attempt: the message's row, locked for the attempt, only while no retry has taken it
# over (attempts = 0 and no retry's lease pushed next_attempt_at past the first attempt's grace).
CLAIM_FIRST = text(
    """
    SELECT id, to_address, subject, body_text FROM mail_outboxmessage
    WHERE id = :id AND status = 'queued' AND attempts = 0 AND next_attempt_at <= now() + :grace
    FOR UPDATE SKIP LOCKED
    """
)


def deliver_first(session: Session, message_id: int) -> None:
    """The `mail.deliver` job: one attempt, recorded in `session` (committed by the job)."""
    message = session.execute(CLAIM_FIRST, {"id": message_id, "grace": delivery.FIRST_ATTEMPT_GRACE}).one_or_none()
    if message is None:  # sent, given up, taken over by a retry, or being sent by another worker
        return
    try:
        _deliver(message, _smtp_settings(current_app.config))
    except (OSError, smtplib.SMTPException) as error:
        log.exception("Could not deliver message %s to %s", message.id, message.to_address)
        delivery.record_attempt(session, message.id, delivery.describe(error))
    else:
        delivery.record_attempt(session, message.id, None)


def retry_due(limit: int, echo) -> delivery.RetryReport:
    """Send the queued messages whose next attempt is due, with the configured SMTP server (`flask mail retry`)."""
    settings = _smtp_settings(current_app.config)
    bind = current_app.extensions["db_bind"]
    return delivery.retry_due(bind, lambda message: _deliver(message, settings), limit, echo)
