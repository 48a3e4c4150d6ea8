"""Invitation links: a random secret in the URL, only its sha256 stored, valid for seven days, used once."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from webapp import mail
from webapp.models import CompanyInvitation

VALID_FOR = timedelta(days=7)
# What `secrets.token_urlsafe(32)` makes; anything else in the URL names no invitation.
_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")

PENDING, EXPIRED, ACCEPTED, REVOKED = "pending", "expired", "accepted", "revoked"


def new_secret() -> tuple[str, str]:
    """(secret for the link, digest to store)."""
    secret = secrets.token_urlsafe(32)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def well_formed(secret: str) -> bool:
    return _SECRET_SHAPE.fullmatch(secret) is not None


def link(secret: str) -> str:
    """The link mailed to the invitee (on JOBHIVE_BASE_URL)."""
    return mail.absolute_url("team.invitation", token=secret)


def state(invitation: CompanyInvitation, now: datetime) -> str:
    if invitation.accepted_at is not None:
        return ACCEPTED
    if invitation.revoked_at is not None:
        return REVOKED
    if invitation.expires_at <= now:
        return EXPIRED
    return PENDING
