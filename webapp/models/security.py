"""Account security state the documented schema has no place for.

Tables follow the documented `<app>_<model>` naming; none changes a documented table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base

# users_loginattempt.kind: a password check or a second-factor (TOTP/recovery) check, or a request
# that mails someone (sign-up, password reset, verification link), throttled like logins.
ATTEMPT_KINDS = ("password", "second_factor", "sign_up", "reset_request", "verify_request")


class LoginSession(Base):
    """One logged-in browser; the cookie holds a random token whose hash is stored here.

    Revoking the row (logout, password change, deactivation) makes every copy of
    that cookie useless, which a signed client-side cookie alone cannot do.
    """

    __tablename__ = "users_loginsession"
    __table_args__ = (Index("idx_users_loginsession_user", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(255))


class LoginAttempt(Base):
    """A password or second-factor check, kept for throttling shared by every server process."""

    __tablename__ = "users_loginattempt"
    __table_args__ = (
        Index("idx_users_loginattempt_email", "email", "created_at"),
        Index("idx_users_loginattempt_ip", "ip_address", "created_at"),
        Index("idx_users_loginattempt_user", "user_id", "kind", "created_at"),
        Index("idx_users_loginattempt_created_at", "created_at"),  # retention deletes oldest first
        Index("idx_users_loginattempt_device", "device_hash", "created_at", postgresql_where="device_hash IS NOT NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(255))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
    # Digest of the trusted-device cookie a password check came with (webapp.auth.devices), else NULL.
    device_hash: Mapped[str | None] = mapped_column(String(64))


class RecoveryCode(Base):
    """A single-use two-factor recovery code, stored hashed."""

    __tablename__ = "users_recoverycode"
    __table_args__ = (Index("idx_users_recoverycode_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class TwoFactorState(Base):
    """The last accepted TOTP time step per user, so a code is never accepted twice."""

    __tablename__ = "users_twofactorstate"

    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), primary_key=True)
    last_accepted_step: Mapped[int | None] = mapped_column(BigInteger)
    enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
