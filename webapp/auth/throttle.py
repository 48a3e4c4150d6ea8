"""Throttling of password and second-factor checks, and of requests that mail someone, shared by every server process.

Every check leaves a `users_loginattempt` row. Before checking, the caller asks
`guard()`: with 5 or more failures of that kind in the last 15 minutes in one of
the subject's scopes, the check must not happen at all, so even the right
password is refused until the window has moved past the oldest of those failures.

Password checks follow OWASP's device-cookie pattern, so that lockout is not a
way to lock real owners out:

- From a browser holding a valid device cookie for the account (it logged in as
  that user before, `webapp.auth.devices`), the only scope is that device: its
  own 5 failures in 15 minutes. Such failures count nowhere else, and lockout of
  unknown browsers (per account or per address) does not apply to it.
- From any other browser the scopes are the account (its failures from unknown
  browsers, by typed email) and the address (its failures from unknown browsers,
  over every account). The address scope stops one address spraying guesses
  across many accounts; it refuses only unknown browsers, so someone else behind
  the same address who has logged in from their browser before still gets in.
  Counting per (address, account) instead would let an address try 5 passwords
  on every account there is.

Requests that mail someone (sign-up, password reset, a new verification link)
are counted with `admit()`: every admitted request, per address and per account
(typed email, or user id), in an hour; at a limit nothing is recorded and the
caller answers 429.

`guard()` and `admit()` take transaction-level advisory locks on the scopes
first. The lock is held until the caller commits the attempt row, so parallel
attempts for one account queue up and each one counts the ones before it:
twenty parallel wrong passwords get five checks, not twenty.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Select, and_, func, select, text, true
from sqlalchemy.orm import Session

from webapp.models import LoginAttempt

WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
PASSWORD, SECOND_FACTOR = "password", "second_factor"

# Advisory lock namespaces (the first key of the two-key form). Locks are always
# taken in sorted (namespace, key) order, so two transactions can never wait for
# each other in a cycle.
_LOCK_ACCOUNT, _LOCK_USER, _LOCK_ADDRESS, _LOCK_DEVICE, _LOCK_REQUEST = 73_501, 73_502, 73_503, 73_504, 73_505


@dataclass(frozen=True)
class RequestLimit:
    """How many requests of a kind an address, and an account, may make in `window`."""

    kind: str
    per_address: int
    per_account: int
    window: timedelta
    reason: str  # the start of the 429 message


REQUEST_WINDOW = timedelta(hours=1)
SIGN_UP = RequestLimit("sign_up", 10, 3, REQUEST_WINDOW, "Too many sign-up attempts")
PASSWORD_RESET = RequestLimit("reset_request", 10, 5, REQUEST_WINDOW, "Too many password reset requests")
VERIFICATION_MAIL = RequestLimit("verify_request", 10, 5, REQUEST_WINDOW, "Too many requests for a new link")


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
    device: str | None = None  # a trusted device's digest (password checks only): its own budget

    @classmethod
    def password(cls, email: str, ip: str | None, user_id: int | None = None, device: str | None = None) -> Subject:
        return cls(PASSWORD, ip, email=normalize_email(email), user_id=user_id, device=device)

    @classmethod
    def second_factor(cls, user_id: int, ip: str | None, email: str | None = None) -> Subject:
        # The email is only kept for people reading the rows; second factors are counted per user id.
        return cls(SECOND_FACTOR, ip, email=normalize_email(email) if email else None, user_id=user_id)


@dataclass(frozen=True)
class Throttled:
    """Checks are refused for `seconds` more seconds."""

    seconds: float
    reason: str = "Too many failed attempts"

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))

    @property
    def message(self) -> str:
        unit = "minute" if self.minutes == 1 else "minutes"
        return f"{self.reason}. Try again in {self.minutes} {unit}."

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
        device_hash=subject.device,
    )
    session.add(attempt)
    session.flush()
    return attempt


def admit(
    session: Session, limit: RequestLimit, ip: str | None, *, email: str | None = None, user_id: int | None = None
) -> Throttled | None:
    """Lock the request's scopes and record it, or, at a limit, record nothing and say how long to wait.

    The account is the user id when given, else the typed email. Call it in the
    transaction that then does the work; commit (or roll back when throttled) to release the locks.
    """
    email = normalize_email(email) if email is not None else None
    if user_id is not None:
        account, account_key = LoginAttempt.user_id == user_id, f"user:{user_id}"
    elif email:
        account, account_key = LoginAttempt.email == email, f"email:{email}"
    else:
        account, account_key = None, None
    keys = {(_LOCK_REQUEST, f"{limit.kind}:ip:{ip}")} if ip else set()
    if account_key is not None:
        keys.add((_LOCK_REQUEST, f"{limit.kind}:{account_key}"))
    _take_locks(session, keys)
    requests = select(LoginAttempt.created_at).where(LoginAttempt.kind == limit.kind)
    waits = []
    if ip:
        waits.append(_wait(session, requests.where(LoginAttempt.ip_address == ip), limit.per_address, limit.window))
    if account is not None:
        waits.append(_wait(session, requests.where(account), limit.per_account, limit.window))
    waits = [wait for wait in waits if wait is not None]
    if waits:
        return Throttled(max(waits), limit.reason)
    session.add(LoginAttempt(kind=limit.kind, email=email, ip_address=ip, user_id=user_id, succeeded=True))
    session.flush()
    return None


def _lock(session: Session, subjects: tuple[Subject, ...]) -> None:
    keys: set[tuple[int, str]] = set()
    for subject in subjects:
        if subject.kind == PASSWORD and subject.device is not None:
            keys.add((_LOCK_DEVICE, subject.device))
            continue  # a trusted device is counted on its own: nothing else to queue behind
        if subject.kind == PASSWORD and subject.email is not None:
            keys.add((_LOCK_ACCOUNT, subject.email))
        if subject.kind == SECOND_FACTOR and subject.user_id is not None:
            keys.add((_LOCK_USER, str(subject.user_id)))
        if subject.ip:
            keys.add((_LOCK_ADDRESS, subject.ip))
    _take_locks(session, keys)


def _take_locks(session: Session, keys: set[tuple[int, str]]) -> None:
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
    )
    scopes = []
    if subject.kind == PASSWORD and subject.device is not None:
        scopes.append(LoginAttempt.device_hash == subject.device)
    else:
        # Failures from trusted devices count only against their device (see the module docstring).
        untrusted = LoginAttempt.device_hash.is_(None) if subject.kind == PASSWORD else true()
        if subject.kind == PASSWORD and subject.email is not None:
            scopes.append(and_(LoginAttempt.email == subject.email, untrusted))
        if subject.kind == SECOND_FACTOR and subject.user_id is not None:
            scopes.append(LoginAttempt.user_id == subject.user_id)
        if subject.ip:
            scopes.append(and_(LoginAttempt.ip_address == subject.ip, untrusted))
    waits = [_wait(session, failures.where(scope), MAX_FAILURES, WINDOW) for scope in scopes]
    return [wait for wait in waits if wait is not None]


def _wait(session: Session, rows: Select, limit: int, window: timedelta) -> float | None:
    """Seconds until fewer than `limit` of `rows` (a select of created_at) fall in the window; None if already."""
    # The limit-th most recent row: once it leaves the window, fewer than `limit` remain.
    blocking = (
        rows.where(LoginAttempt.created_at > func.now() - window)
        .order_by(LoginAttempt.created_at.desc())
        .offset(limit - 1)
        .limit(1)
        .subquery()
    )
    seconds = session.scalar(select(func.extract("epoch", blocking.c.created_at + window - func.now())))
    return float(seconds) if seconds is not None else None
