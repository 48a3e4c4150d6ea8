"""Server-side login sessions: the cookie carries a random token, the database says if it is live.

Logging out, changing the password or deactivating an account revokes rows here,
so a copied cookie stops working everywhere at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask import request
from flask import session as cookie
from flask_login import login_user, logout_user
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.models import LoginSession, User

TOKEN_KEY = "login_token"
TOUCH_EVERY = timedelta(minutes=5)


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
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token_hash == _hash(token), LoginSession.revoked_at.is_(None))
    ).first()
    if row is None or row.User.id != int(user_id) or not row.User.is_active:
        return None
    now = datetime.now(UTC)
    if now - row.LoginSession.last_seen_at > TOUCH_EVERY:
        row.LoginSession.last_seen_at = now
        session.commit()
    return row.User


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


def revoke_all(session: Session, user_id: int, *, keep_current: bool = False) -> int:
    """Revoke the user's sessions (all but this browser's when `keep_current`); returns how many."""
    statement = update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
    token = cookie.get(TOKEN_KEY)
    if keep_current and token:
        statement = statement.where(LoginSession.token_hash != _hash(token))
    return session.execute(statement.values(revoked_at=datetime.now(UTC))).rowcount
