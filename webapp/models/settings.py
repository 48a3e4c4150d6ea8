"""Per-user settings of ours beside the documented users_user (migration 0021): the time zone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base


class UserSetting(Base):
    """One row per user who chose something; a user without a row is in UTC."""

    __tablename__ = "users_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), primary_key=True)
    # An IANA name (zoneinfo.available_timezones()), checked by webapp.timezones before it is written.
    time_zone: Mapped[str] = mapped_column(String(64), server_default=text("'UTC'"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), onupdate=func.now()
    )
