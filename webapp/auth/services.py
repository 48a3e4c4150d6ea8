"""Authentication rules: the password step, the second-factor step, starting the login session."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.auth import sessions as login_sessions
from webapp.auth import devices, throttle, twofactor
from webapp.auth.passwords import hash_password, needs_rehash, verify_password
from webapp.auth.throttle import Subject, Throttled
from webapp.models import User


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way). Not throttled: see `password_step`."""
    user = find_user(session, email)
    valid = verify_password(user.password if user else None, password)
    if user is None or not valid or not user.is_active:
        return None
    return user


@dataclass(frozen=True)
class PasswordStep:
    user: User | None = None  # set when the password was right (and the account active)
    throttled: Throttled | None = None

    @property
    def needs_second_factor(self) -> bool:
        return self.user is not None and bool(self.user.enable_2fa)


def password_step(session: Session, email: str, password: str, ip: str | None) -> PasswordStep:
    """Check a login's password unless throttled; record the attempt, audit a failure, upgrade an old hash.

    The right password of a 2FA user does not log in: the caller asks for the code next.
    From a trusted device of the account the check is throttled on that device's
    own budget (webapp.auth.devices), so lockout by others does not reach it.
    """
    user = find_user(session, email)
    subject = Subject.password(email, ip, device=devices.trusted(user.id if user else None))
    blocked = throttle.guard(session, subject)
    if blocked:
        _audit_failure(session, None, "password", "throttled", email=email)
        return PasswordStep(throttled=blocked)
    valid = verify_password(user.password if user else None, password) and user is not None and bool(user.is_active)
    throttle.record(session, subject, succeeded=valid, user_id=user.id if user else None)
    if not valid:
        _audit_failure(session, user, "password", "invalid", email=email)
        return PasswordStep()
    if needs_rehash(user.password):
        user.password = hash_password(password)
    return PasswordStep(user=user)


def second_factor_step(session: Session, user: User, code: str, ip: str | None) -> twofactor.SecondFactorCheck:
    """Check the code of a user half-way through logging in; audit a failure."""
    check = twofactor.check_second_factor(session, user, code, ip)
    if not check.ok:
        _audit_failure(session, user, "second_factor", "throttled" if check.throttled else "invalid")
    return check


def complete_login(session: Session, user: User, second_factor: str | None = None) -> None:
    """Start the login session (fresh cookie), trust this browser for the user next time, and audit it."""
    login_sessions.start(session, user)
    devices.remember(user.id)
    details = {"second_factor": second_factor} if second_factor else None
    audit.record(session, "user.login", actor=user, target=user, details=details)


def _audit_failure(session: Session, user: User | None, stage: str, reason: str, *, email: str | None = None) -> None:
    # Never the password; the typed email only as a digest (it may be someone's password typed in the wrong box).
    details: dict[str, object] = {"stage": stage, "reason": reason}
    if email is not None:
        details["email_sha256"] = throttle.email_digest(email)
    if user is not None:
        details["user_id"] = user.id
    audit.record(session, "user.login_failed", target=user, details=details)
