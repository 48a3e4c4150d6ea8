"""Throttling of password and second-factor checks, shared by every server process.

Every check leaves a `users_loginattempt` row. Before checking, the caller asks
`guard()`: with 5 or more failures of that kind in the last 15 minutes for the
account (email for passwords, user id for second factors) or for the address, the
check must not happen at all, so even the right password is refused until the
window has moved past the oldest of those failures.

`guard()` takes transaction-level advisory locks on the account and the address
first. The lock is held until the caller commits the attempt row, so parallel
attempts for one account queue up and each one counts the failures of the ones
before it: twenty parallel wrong passwords get five checks, not twenty.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from webapp.models import LoginAttempt

WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
PASSWORD, SECOND_FACTOR = "password", "second_factor"

# Advisory lock namespaces (the first key of the two-key form). Locks are always
# taken in this order and at most one key per namespace per transaction, so two
# transactions can never wait for each other in a cycle.
_LOCK_ACCOUNT, _LOCK_USER, _LOCK_ADDRESS = 73_501, 73_502, 73_503


def normalize_email(email: str | None) -> str:
    """The throttling key for an email: trimmed and lower-cased (and never longer than the column)."""
    return (email or "").strip().lower()[:255]


def email_digest(email: str) -> str:
    """What the audit log keeps instead of a typed address that may not belong to any account."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()


@dataclass(frozen=True)
class Subject:
    """What a check is about: a password for an email, or a second factor for a user, from an address."""

    kind: str
    ip: str | None
    email: str | None = None
    user_id: int | None = None

    @classmethod
    def password(cls, email: str, ip: str | None, user_id: int | None = None) -> Subject:
        return cls(PASSWORD, ip, email=normalize_email(email), user_id=user_id)

    @classmethod
    def second_factor(cls, user_id: int, ip: str | None, email: str | None = None) -> Subject:
        # The email is only kept for people reading the rows; second factors are counted per user id.
        return cls(SECOND_FACTOR, ip, email=normalize_email(email) if email else None, user_id=user_id)


@dataclass(frozen=True)
class Throttled:
    """Checks are refused for `seconds` more seconds."""

    seconds: float

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))

    @property
    def message(self) -> str:
        unit = "minute" if self.minutes == 1 else "minutes"
        return f"Too many failed attempts. Try again in {self.minutes} {unit}."

    @property
    def retry_after(self) -> str:
        """For the Retry-After header: whole seconds, at least one."""
        return str(max(1, math.ceil(self.seconds)))


def guard(session: Session, *subjects: Subject) -> Throttled | None:
    """Lock the subjects' accounts and addresses for this transaction; None if checking may go on.

    Call it in the transaction that then checks and `record`s, and commit after
    recording: the commit releases the locks.
    """
    _lock(session, subjects)
    waits = [wait for subject in subjects for wait in _waits(session, subject)]
    return Throttled(max(waits)) if waits else None


def record(session: Session, subject: Subject, *, succeeded: bool, user_id: int | None = None) -> LoginAttempt:
    """Keep one check's outcome; the caller commits (which also releases `guard`'s locks)."""
    attempt = LoginAttempt(
        kind=subject.kind,
        email=subject.email,
        ip_address=subject.ip,
        user_id=user_id if user_id is not None else subject.user_id,
        succeeded=succeeded,
    )
    session.add(attempt)
    session.flush()
    return attempt


def _lock(session: Session, subjects: tuple[Subject, ...]) -> None:
    keys: set[tuple[int, str]] = set()
    for subject in subjects:
        if subject.kind == PASSWORD and subject.email is not None:
            keys.add((_LOCK_ACCOUNT, subject.email))
        if subject.kind == SECOND_FACTOR and subject.user_id is not None:
            keys.add((_LOCK_USER, str(subject.user_id)))
        if subject.ip:
            keys.add((_LOCK_ADDRESS, subject.ip))
    for namespace, value in sorted(keys):
        session.execute(
            text("SELECT pg_advisory_xact_lock(:namespace, hashtext(:value))"),
            {"namespace": namespace, "value": value},
        )


def _waits(session: Session, subject: Subject) -> list[float]:
    """Seconds until each of the subject's scopes drops below the limit (only scopes at the limit)."""
    failures = select(LoginAttempt.created_at).where(
        LoginAttempt.kind == subject.kind,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.created_at > func.now() - WINDOW,
    )
    scopes = []
    if subject.kind == PASSWORD and subject.email is not None:
        scopes.append(LoginAttempt.email == subject.email)
    if subject.kind == SECOND_FACTOR and subject.user_id is not None:
        scopes.append(LoginAttempt.user_id == subject.user_id)
    if subject.ip:
        scopes.append(LoginAttempt.ip_address == subject.ip)
    waits = []
    for scope in scopes:
        # The MAX_FAILURES-th most recent failure: once it leaves the window, fewer than MAX_FAILURES remain.
        blocking = (
            failures.where(scope).order_by(LoginAttempt.created_at.desc()).offset(MAX_FAILURES - 1).limit(1).subquery()
        )
        seconds = session.scalar(select(func.extract("epoch", blocking.c.created_at + WINDOW - func.now())))
        if seconds is not None:
            waits.append(float(seconds))
    return waits
