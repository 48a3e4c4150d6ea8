"""Server-side login sessions: the cookie carries a random token, the database says if it is live.

Logging out, changing the password or deactivating an account revokes rows here,
so a copied cookie stops working everywhere at once. A session also ends on its own:
after a while without requests (admins sooner) and at the latest some days after the
login (config: LOGIN_IDLE_MINUTES, LOGIN_ADMIN_IDLE_MINUTES, LOGIN_MAX_DAYS).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from flask import current_app, flash, g, request
from flask import session as cookie
from flask_login import login_user, logout_user
from sqlalchemy import ColumnElement, and_, case, select, update
from sqlalchemy.orm import Session
from ua_parser import parse as parse_user_agent

from webapp import timezones
from webapp.audit import services as audit
from webapp.models import LoginSession, User, UserSetting
from webapp.team.membership import remember_loaded, with_membership

TOKEN_KEY = "login_token"
# last_seen_at is written at most this often, so it may lag the latest request by up to this much.
TOUCH_EVERY = timedelta(minutes=5)
EXPIRED_MESSAGE = "Your session expired. Please log in again."
ADMIN_AND_OTHERS_IDLE = ("LOGIN_ADMIN_IDLE_MINUTES", "LOGIN_IDLE_MINUTES")
LISTED_AT_MOST = 50


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User) -> LoginSession:
    """Log `user` in with a fresh cookie and a new session row."""
    token = secrets.token_urlsafe(32)
    login = LoginSession(
        user_id=user.id,
        token_hash=_hash(token),
        ip_address=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:255] or None,
    )
    session.add(login)
    cookie.clear()  # nothing from before the login survives it
    cookie[TOKEN_KEY] = token
    login_user(user)
    return login


def load_user(session: Session, user_id: str) -> User | None:
    """Flask-Login's loader: the user only while the cookie's session row is live."""
    token = cookie.get(TOKEN_KEY)
    if not token or not user_id.isdigit():
        return None
    row = session.execute(
        with_membership(
            select(LoginSession, User)
            .join(User, User.id == LoginSession.user_id)
            .where(LoginSession.token_hash == _hash(token), LoginSession.revoked_at.is_(None))
        )
        # the user's time zone with the login: showing times costs no statement (webapp.timezones)
        .add_columns(UserSetting.time_zone)
        .outerjoin(UserSetting, UserSetting.user_id == User.id)
    ).first()
    if row is None or row.User.id != int(user_id) or not row.User.is_active:
        return None
    login, now = row.LoginSession, datetime.now(UTC)
    if _expired(login, row.User, now):
        # Judged from the row just read: no statement on a live session's requests.
        login.revoked_at = now
        session.commit()
        cookie.pop(TOKEN_KEY, None)
        g.login_expired = True  # the unauthorized handler says this instead of "please log in"
        flash(EXPIRED_MESSAGE, "warning")
        return None
    if now - login.last_seen_at > TOUCH_EVERY:
        login.last_seen_at = now
        session.commit()
    remember_loaded(row.User, row.member_role, row.member_company)
    timezones.remember(row.time_zone)
    return row.User


def idle_limit(user: User) -> timedelta:
    """How long a session of `user` may go without a request (admins: shorter)."""
    key = ADMIN_AND_OTHERS_IDLE[0 if user.is_admin else 1]
    return timedelta(minutes=current_app.config[key])


def max_age() -> timedelta:
    """How long after the login any session ends, however busy."""
    return timedelta(days=current_app.config["LOGIN_MAX_DAYS"])


def _live_after(user: User, now: datetime) -> tuple[datetime, datetime]:
    """(created after, last seen after): the bounds a live session of `user` is within at `now`.

    last_seen_at lags the latest request by up to TOUCH_EVERY, so idleness is counted from
    the latest moment that request can have been: a session never ends before the idle
    limit, and at most TOUCH_EVERY after it.
    """
    return now - max_age(), now - idle_limit(user) - TOUCH_EVERY


def _expired(login: LoginSession, user: User, now: datetime) -> bool:
    created_after, seen_after = _live_after(user, now)
    return login.created_at <= created_after or login.last_seen_at <= seen_after


def is_live(login: LoginSession, user: User) -> bool:
    """Neither revoked nor expired."""
    return login.revoked_at is None and not _expired(login, user, datetime.now(UTC))


def live_in_sql() -> ColumnElement[bool]:
    """`is_live` as SQL, for a LoginSession row beside (or correlated with) its User row."""
    now = datetime.now(UTC)
    created_after, seen_after = now - max_age(), now - TOUCH_EVERY
    admin_idle, idle = (timedelta(minutes=current_app.config[key]) for key in ADMIN_AND_OTHERS_IDLE)
    return and_(
        LoginSession.revoked_at.is_(None),
        LoginSession.created_at > created_after,
        LoginSession.last_seen_at > case((User.role == "admin", seen_after - admin_idle), else_=seen_after - idle),
    )


def limits_in_words(user: User) -> tuple[str, str]:
    """(idle limit, absolute lifetime) for the account page: ("2 hours", "30 days")."""
    return _duration_words(idle_limit(user)), _duration_words(max_age())


def _duration_words(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    sizes = ((24 * 60, "day"), (60, "hour"), (1, "minute"))
    count, unit = next((minutes // size, unit) for size, unit in sizes if minutes % size == 0)
    return f"{count} {unit}{'s' if count != 1 else ''}"


def end(session: Session) -> None:
    """Revoke this browser's session and forget the cookie."""
    token = cookie.get(TOKEN_KEY)
    if token:
        session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == _hash(token), LoginSession.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    logout_user()
    cookie.clear()


def revoke_others(session: Session, user: User) -> int:
    """Sign out every other live session of the user (this browser stays); audited; returns how many."""
    created_after, seen_after = _live_after(user, datetime.now(UTC))
    statement = update(LoginSession).where(
        LoginSession.user_id == user.id,
        LoginSession.revoked_at.is_(None),
        LoginSession.created_at > created_after,
        LoginSession.last_seen_at > seen_after,
    )
    token = cookie.get(TOKEN_KEY)
    if token:
        statement = statement.where(LoginSession.token_hash != _hash(token))
    ended = session.execute(statement.values(revoked_at=datetime.now(UTC))).rowcount
    audit.record(session, "user.sessions_revoked", actor=user, target=user, details={"sessions_ended": ended})
    return ended


def revoke_all(session: Session, user_id: int, *, keep_current: bool = False) -> int:
    """Revoke the user's sessions (all but this browser's when `keep_current`); returns how many."""
    statement = update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
    token = cookie.get(TOKEN_KEY)
    if keep_current and token:
        statement = statement.where(LoginSession.token_hash != _hash(token))
    return session.execute(statement.values(revoked_at=datetime.now(UTC))).rowcount


@dataclass(frozen=True)
class ActiveSession:
    """One of the user's live sessions, as the account page lists it."""

    id: int
    device: str
    ip_address: str | None
    created_at: datetime
    last_seen_at: datetime
    is_current: bool


def active_sessions(session: Session, user: User) -> list[ActiveSession]:
    """The user's live sessions, most recently used first (at most LISTED_AT_MOST)."""
    created_after, seen_after = _live_after(user, datetime.now(UTC))
    rows = session.scalars(
        select(LoginSession)
        .where(
            LoginSession.user_id == user.id,
            LoginSession.revoked_at.is_(None),
            LoginSession.created_at > created_after,
            LoginSession.last_seen_at > seen_after,
        )
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        .limit(LISTED_AT_MOST)
    )
    return [summary(row) for row in rows]


def summary(login: LoginSession) -> ActiveSession:
    """A session as the account page shows it (times in UTC)."""
    token = cookie.get(TOKEN_KEY)
    return ActiveSession(
        id=login.id,
        device=describe_device(login.user_agent),
        ip_address=login.ip_address,
        created_at=login.created_at.astimezone(UTC),
        last_seen_at=login.last_seen_at.astimezone(UTC),
        is_current=token is not None and login.token_hash == _hash(token),
    )


@lru_cache(maxsize=1024)
def describe_device(user_agent: str | None) -> str:
    """A user agent in words: "Firefox 120 on Linux", "Mobile Safari 17 on iOS (iPhone)", "Unknown browser"."""
    parsed = parse_user_agent(user_agent or "")
    browser, system, device = parsed.user_agent, parsed.os, parsed.device
    words = " ".join(filter(None, (browser.family, browser.major))) if browser else "Unknown browser"
    system_name = system.family if system and system.family != "Other" else ""
    if system_name:
        words += f" on {system_name}"
    if device and device.family != "Other" and device.family not in system_name:  # not "Mac on Mac OS X"
        words += f" ({device.family})"
    return words


@dataclass(frozen=True)
class Revoked:
    """What revoking one session did: `ended` False when it had ended already; `current` when it was this browser's."""

    device: str
    ended: bool
    current: bool


def find_own(session: Session, user: User, login_id: int) -> LoginSession | None:
    """One of the user's sessions, live or not; someone else's reads as missing."""
    return session.scalar(select(LoginSession).where(LoginSession.id == login_id, LoginSession.user_id == user.id))


def revoke_own(session: Session, user: User, login: LoginSession) -> Revoked:
    """End one of the user's sessions (this browser's too: that is a logout); the caller commits."""
    shown, now = summary(login), datetime.now(UTC)
    if login.revoked_at is not None or _expired(login, user, now):
        return Revoked(shown.device, ended=False, current=shown.is_current)
    login.revoked_at = now
    details = {"session_id": login.id, "device": shown.device}
    audit.record(session, "user.session_revoked", actor=user, target=user, details=details)
    if shown.is_current:
        logout_user()
        cookie.clear()
    return Revoked(shown.device, ended=True, current=shown.is_current)
