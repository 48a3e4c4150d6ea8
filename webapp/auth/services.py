"""Authentication rules."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.auth.passwords import verify_password
from webapp.models import User


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    valid = verify_password(user.password if user else None, password)
    if user is None or not valid or not user.is_active:
        return None
    return user
