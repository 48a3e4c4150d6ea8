"""Trusted-device cookies (OWASP "device cookies"): a browser that logged in as a user before.

A successful login sets a signed cookie holding (user id, random nonce) for up
to MAX_USERS users of this browser; each login replaces that user's entry with a
fresh nonce. A later password check for that user from this browser is throttled
on the device's own budget (see webapp.auth.throttle), so failures from elsewhere
never lock the owner's own browser out. The cookie proves only that this browser
logged in as the user before; it never logs anyone in by itself.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "jobhive_device"
SALT = "jobhive.auth.device-cookie"
MAX_AGE = timedelta(days=180)
MAX_USERS = 5  # people sharing one browser; the oldest entry drops out


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _entries() -> list[tuple[int, str]]:
    """This browser's valid (user id, nonce) pairs, newest first; nothing for a forged or expired cookie."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        data = _serializer().loads(raw, max_age=int(MAX_AGE.total_seconds()))
    except BadSignature:
        return []
    if not isinstance(data, list):
        return []
    return [
        (entry[0], entry[1])
        for entry in data
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int) and isinstance(entry[1], str)
    ][:MAX_USERS]


def _digest(user_id: int, nonce: str) -> str:
    return hashlib.sha256(f"{user_id}:{nonce}".encode()).hexdigest()


def trusted(user_id: int | None) -> str | None:
    """The digest identifying this browser as a trusted device of `user_id`, or None."""
    if user_id is None:
        return None
    return next((_digest(uid, nonce) for uid, nonce in _entries() if uid == user_id), None)


def remember(user_id: int) -> None:
    """Make this browser a trusted device of `user_id` (a fresh nonce), set on the response being built."""
    entries = [[user_id, secrets.token_urlsafe(16)]]
    entries += [[uid, nonce] for uid, nonce in _entries() if uid != user_id][: MAX_USERS - 1]
    value = _serializer().dumps(entries)

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(
            COOKIE,
            value,
            max_age=int(MAX_AGE.total_seconds()),
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
        return response
