"""Sending mail.

`send` always adds an OutboxMessage row to the caller's transaction. With
MAIL_SERVER configured, the message is handed to SMTP only once that transaction
commits, so a sign-up that rolls back (say, it lost a race for its email address)
never mails anyone. Delivery then runs in a background thread of the process
(one at a time), after the response: a request that mails someone (a password
reset for a known address) answers as fast as one that does not, and a slow SMTP
server slows no page. The committed row is the record: if the process dies first,
`flask mail retry` sends it once its first attempt is overdue. A failed delivery is
logged and queued for `flask mail retry`, which tries again with backoff and
finally marks it failed (see delivery.py). Until the job queue of the interview
lifecycle exists, this thread is it.
Without MAIL_SERVER the message is only logged, and the development outbox page
shows it.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
from collections import namedtuple
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, has_request_context, request, url_for
from sqlalchemy import event, func
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from webapp.mail import delivery
from webapp.models import OutboxMessage

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 10  # seconds
_PENDING = "mail.pending"  # session.info key: messages to deliver after the commit
_LATER = "mail.later"  # session.info key: work to run after the commit (see `after_commit`)
# What delivery needs of a message, copied at send(): the thread never touches the request's ORM objects.
_Outgoing = namedtuple("_Outgoing", "id to_address subject body_text")


def send(session: Session, to: str, subject: str, body: str) -> OutboxMessage:
    """Record a plain-text message (the caller commits); deliver it by SMTP after the commit."""
    config = current_app.config
    message = OutboxMessage(to_address=to, subject=subject[:255], body_text=body)
    if config.get("MAIL_SERVER"):
        message.status, message.next_attempt_at = "queued", func.now() + delivery.FIRST_ATTEMPT_GRACE
    session.add(message)
    session.flush()
    if config.get("MAIL_SERVER"):
        outgoing = _Outgoing(message.id, to, message.subject, body)
        session.info.setdefault(_PENDING, []).append((outgoing, session.get_bind(), _smtp_settings(config)))
    elif config.get("ENV_NAME") in ("development", "testing"):
        log.info("Mail to %s (not sent, no MAIL_SERVER): %s\n%s", to, subject, body)
    else:
        # Bodies hold sign-in links: never write them to production logs.
        log.warning("MAIL_SERVER is not configured; message %s to %s was recorded but not sent", message.id, to)
    return message


def after_commit(session: Session, task: Callable[[Session], None]) -> None:
    """Run `task(session)` once this transaction commits: after the response, in the mail thread.

    For mail only some requests send (a reset link only for a known address): the
    request itself then does the same work either way. The task gets a session of
    its own, with the app and this request's address for links, and is committed
    after it; a failure is logged. Nothing runs if the transaction rolls back.
    """
    url_root = request.url_root if has_request_context() else None
    later = (task, session.get_bind(), current_app._get_current_object(), url_root)
    session.info.setdefault(_LATER, []).append(later)


def _run_later(task: Callable[[Session], None], bind: Engine | Connection, app, url_root: str | None) -> None:
    try:
        with app.test_request_context(base_url=url_root) if url_root else app.app_context():
            with Session(bind=bind, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
                task(session)
                session.commit()
    except Exception:
        log.exception("Work after the commit failed: %s", getattr(task, "__name__", task))


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


@event.listens_for(Session, "after_commit")
def _deliver_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        _in_background(session, _attempt, pending)
    for task, bind, app, url_root in session.info.pop(_LATER, None) or ():
        _in_background(session, _run_later, task, bind, app, url_root)


def _in_background(session: Session, function: Callable, *args) -> None:
    if isinstance(session.get_bind(), Connection):
        # A session bound to one connection (the tests' shared transaction) cannot lend it to another thread.
        function(*args)
    else:
        _background().submit(function, *args)


_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None
_executor_lock = threading.Lock()


def _background() -> ThreadPoolExecutor:
    """This process's mail thread (a forked worker starts its own; threads do not survive a fork)."""
    global _executor, _executor_pid
    with _executor_lock:
        if _executor is None or _executor_pid != os.getpid():
            _executor, _executor_pid = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail"), os.getpid()
        return _executor


def _attempt(pending: list) -> None:
    """Try each committed message once and record the outcome; never raises (the row waits for a retry)."""
    try:
        _attempt_all(pending)
    except Exception:
        log.exception("Mail delivery stopped; the messages stay queued for `flask mail retry`")


def _attempt_all(pending: list) -> None:
    outcomes: dict[int, tuple[Engine | Connection, str | None]] = {}
    for message, bind, settings in pending:
        try:
            _deliver(message, settings)
        except (OSError, smtplib.SMTPException) as error:
            log.exception("Could not deliver message %s to %s", message.id, message.to_address)
            outcomes[message.id] = (bind, delivery.describe(error))
        else:
            outcomes[message.id] = (bind, None)
    for bind in {bind for bind, _ in outcomes.values()}:
        delivery.record_attempts(bind, {id_: error for id_, (b, error) in outcomes.items() if b is bind})


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(_PENDING, None)
        session.info.pop(_LATER, None)


def retry_due(limit: int, echo) -> delivery.RetryReport:
    """Send the queued messages whose next attempt is due, with the configured SMTP server (`flask mail retry`)."""
    settings = _smtp_settings(current_app.config)
    bind = current_app.extensions["db_bind"]
    return delivery.retry_due(bind, lambda message: _deliver(message, settings), limit, echo)
