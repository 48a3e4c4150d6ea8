"""The half-way state of a two-step login, kept in the Flask session.

After the right password a 2FA user is NOT logged in: the session holds only
this marker (user id, expiry, where to go next). Flask-Login sees nobody, so no
page or fragment is reachable until the second step calls `sessions.start`,
which clears the whole cookie, marker included.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import session as cookie

KEY = "pending_2fa"
LIFETIME_SECONDS = 5 * 60


@dataclass(frozen=True)
class PendingLogin:
    user_id: int
    expires_at: float
    next_url: str | None

    @property
    def expired(self) -> bool:
        return time.time() >= self.expires_at


def begin(user_id: int, next_url: str | None) -> None:
    cookie.pop(KEY, None)
    cookie[KEY] = {"uid": user_id, "exp": time.time() + LIFETIME_SECONDS, "next": next_url}


def current() -> PendingLogin | None:
    """The marker as stored (expired or not), or None when there is none."""
    raw = cookie.get(KEY)
    if not isinstance(raw, dict):
        return None
    user_id, expires_at, next_url = raw.get("uid"), raw.get("exp"), raw.get("next")
    if not isinstance(user_id, int) or not isinstance(expires_at, int | float):
        return None
    return PendingLogin(user_id, float(expires_at), next_url if isinstance(next_url, str) else None)


def clear() -> None:
    cookie.pop(KEY, None)
