"""Each user's time zone: times are stored in UTC, shown and entered in the viewer's zone, the zone named.

The viewer's zone is read with the login (webapp.auth.sessions.load_user joins users_setting) and kept
on `g`, so showing a hundred times costs no statement. A user without a users_setting row, and every
visitor who is not logged in, is in UTC. Names are IANA names from the standard library's zoneinfo
(the tzdata package supplies the database where the system has none).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask, g, has_request_context
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

UTC_NAME = "UTC"
NAME_MAX = 64  # users_setting.time_zone is VARCHAR(64)
DEFAULT_FORMAT = "%d %b %Y, %H:%M"
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
_G_KEY = "time_zone"

NONEXISTENT = (
    "{when} does not exist in {zone}: the clocks skip that hour when daylight saving time starts. "
    "Choose a time outside the skipped hour."
)
AMBIGUOUS_HINT = "When the clocks go back, a time that happens twice means its first occurrence."


class NonexistentTime(ValueError):
    """A wall-clock time the zone skips (the spring-forward gap)."""


@cache
def zone_names() -> tuple[str, ...]:
    """Every zone a user may choose, sorted; UTC first."""
    names = {name for name in available_timezones() if len(name) <= NAME_MAX and not name.startswith(("Etc/", "SystemV/"))}
    names.discard(UTC_NAME)
    return (UTC_NAME, *sorted(names))


def is_known(name: str | None) -> bool:
    return isinstance(name, str) and name in _known()


@cache
def _known() -> frozenset[str]:
    return frozenset(zone_names())


def checked(name: str | None) -> str:
    """`name` when it is a zone we know, else UTC (what sign-up does with a browser's guess)."""
    name = name.strip() if isinstance(name, str) else name
    return name if is_known(name) else UTC_NAME


# --- the viewer's zone -----------------------------------------------------------------------------


def remember(name: str | None) -> None:
    """Keep the zone the login loader read for the rest of this request."""
    g.time_zone = checked(name)


def current_name() -> str:
    """The viewer's zone name: read once per request (with the login), UTC for visitors."""
    if not has_request_context():
        return UTC_NAME
    name = g.get(_G_KEY)
    if name is None:
        from flask_login import current_user

        if current_user.is_authenticated:  # the first access runs the login loader, which remembers the zone
            name = g.get(_G_KEY)
            if name is None:  # logged in without the loader (a test client's login): one read, then kept
                from webapp import db

                remember(db.session.scalar(select_time_zone(current_user.id)))
                name = g.get(_G_KEY)
        if name is None:
            g.time_zone = name = UTC_NAME
    return name


def current_zone() -> ZoneInfo:
    return ZoneInfo(current_name())


def forget() -> None:
    """After a change of zone: the next read takes the new one."""
    g.pop(_G_KEY, None)


# --- showing ---------------------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    # Some list queries return naive UTC timestamps (AT TIME ZONE 'UTC'): they are UTC all the same.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def abbreviation(value: datetime, zone: ZoneInfo) -> str:
    """"CET", "EDT", "UTC", or an offset such as "+04" where the zone has no letters."""
    return _aware(value).astimezone(zone).strftime("%Z")


def local_text(value: datetime | None, fmt: str = DEFAULT_FORMAT, zone: ZoneInfo | None = None) -> str:
    """`value` in the viewer's zone as text with the zone's abbreviation: "06 Mar 2027, 10:00 CET"."""
    if value is None:
        return ""
    zone = zone or current_zone()
    local = _aware(value).astimezone(zone)
    return f"{local.strftime(fmt)} {local.strftime('%Z')}"


def utc_iso(value: datetime) -> str:
    """The machine-readable value: always UTC ("2027-03-06T09:00:00Z")."""
    return _aware(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_time(value: datetime | None, fmt: str = DEFAULT_FORMAT, empty: str = "") -> Markup:
    """A <time> with the UTC instant as its datetime, shown in the viewer's zone with the zone named
    (its abbreviation; the IANA name in the title)."""
    if value is None:
        return Markup(escape(empty))
    zone = current_zone()
    return Markup(
        f'<time datetime="{utc_iso(value)}" title="{escape(zone.key)}">{escape(local_text(value, fmt, zone))}</time>'
    )


def offset_label(zone: ZoneInfo, when: datetime | None = None) -> str:
    """"Europe/Paris (CET, UTC+01:00)" at `when` (now by default)."""
    local = (when or datetime.now(UTC)).astimezone(zone)
    offset = local.strftime("%z")
    return f"{zone.key} ({local.strftime('%Z')}, UTC{offset[:3]}:{offset[3:]})"


# --- entering --------------------------------------------------------------------------------------


def to_utc(local: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A wall-clock time typed in `zone` (the viewer's by default) as an aware UTC datetime.

    A time the zone skips raises NonexistentTime; a time that happens twice (the clocks go back)
    is its first occurrence (fold=0, the earlier instant).
    """
    zone = zone or current_zone()
    naive = local.replace(tzinfo=None, fold=0)
    instant = naive.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        raise NonexistentTime(NONEXISTENT.format(when=naive.strftime("%d %b %Y, %H:%M"), zone=zone.key))
    return instant


def to_local_input(value: datetime | None, zone: ZoneInfo | None = None) -> datetime | None:
    """A stored UTC time as the naive wall-clock value a datetime-local field shows."""
    if value is None:
        return None
    return _aware(value).astimezone(zone or current_zone()).replace(tzinfo=None)


def field_hint(zone: ZoneInfo | None = None) -> str:
    """What a time field says about its zone."""
    zone = zone or current_zone()
    return f"In your time zone, {offset_label(zone)}. {AMBIGUOUS_HINT}"


# --- the stored setting ----------------------------------------------------------------------------


def select_time_zone(user_id: int):
    from webapp.models import UserSetting

    return select(UserSetting.time_zone).where(UserSetting.user_id == user_id)


def store(session: Session, user_id: int, name: str) -> None:
    """Write the user's zone (one statement, whether or not the row exists); `name` is already checked."""
    from webapp.models import UserSetting

    statement = insert(UserSetting).values(user_id=user_id, time_zone=name)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[UserSetting.user_id], set_={"time_zone": name, "updated_at": func.now()}
        )
    )


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(local_time=local_time, local_text=local_text)
    app.jinja_env.globals.update(time_zone_name=current_name, time_zone_hint=field_hint)
