"""Reads for the admin area. Every list is a count plus one page query, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from webapp.models import AuditEvent, Company, LoginSession, User
from webapp.pagination import clamp_page

USERS_PER_PAGE = 25
EVENTS_PER_PAGE = 50
RECENT_EVENTS = 10
DEFAULT_USER_SORT = "-created_at"
# The `sort` values the users list understands; anything else means the default.
USER_SORTS = {
    "created_at": User.created_at,
    "email": User.email,
    "username": User.username,
    "role": User.role,
}
USER_TARGET = User.__tablename__  # AuditEvent.target_type of events about an account


# --- paging ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    number: int
    pages: int
    total: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when there is none)."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.offset + self.per_page, self.total)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def page_of(total: int, requested: int, per_page: int) -> Page:
    """The requested page, clamped into range: past the end shows the last page, below 1 the first."""
    number, pages = clamp_page(requested, total, per_page)
    return Page(number=number, pages=pages, total=total, per_page=per_page)


def escape_like(text: str) -> str:
    """Make `%`, `_` and the escape character itself match literally in LIKE/ILIKE."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, text: str):
    return column.ilike(f"%{escape_like(text)}%", escape="\\")


# --- users -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UserFilters:
    q: str = ""
    role: str = ""
    status: str = ""  # "active" | "inactive" | ""
    verified: str = ""  # "yes" | "no" | ""


def _user_conditions(filters: UserFilters) -> list:
    conditions = []
    if filters.q:
        full_name = func.concat_ws(" ", User.first_name, User.last_name)
        columns = (User.username, User.email, User.first_name, User.last_name, full_name)
        conditions.append(or_(*(_contains(column, filters.q) for column in columns)))
    if filters.role:
        conditions.append(User.role == filters.role)
    if filters.status:
        # NULL counts as inactive, as it does at login.
        conditions.append(User.is_active.is_(True) if filters.status == "active" else User.is_active.is_not(True))
    if filters.verified:
        conditions.append(User.is_verified.is_(True) if filters.verified == "yes" else User.is_verified.is_not(True))
    return conditions


def normalize_user_sort(raw: str | None) -> str:
    """`raw` when it names a sortable column (optionally with a leading `-`), else the default."""
    key = (raw or "").removeprefix("-")
    return raw if key in USER_SORTS else DEFAULT_USER_SORT


def select_user_count(filters: UserFilters) -> Select:
    return select(func.count(User.id)).where(*_user_conditions(filters))


def select_users(filters: UserFilters, sort: str, page: Page) -> Select:
    """One page of users with their company's name, in a single statement (no per-row lookups)."""
    column = USER_SORTS[sort.removeprefix("-")]
    descending = sort.startswith("-")
    order = column.desc().nulls_last() if descending else column.asc().nulls_last()
    return (
        select(
            User.id,
            User.username,
            User.email,
            User.first_name,
            User.last_name,
            User.role,
            User.is_active,
            User.is_verified,
            User.created_at,
            Company.company_name,
        )
        .outerjoin(Company, Company.user_id == User.id)
        .where(*_user_conditions(filters))
        .order_by(order, User.id.desc() if descending else User.id.asc())
        .limit(page.per_page)
        .offset(page.offset)
    )


def user_details(session: Session, user_id: int):
    """The user, their company's name and login summary, or None when there is no such user."""
    last_login = (
        select(func.max(LoginSession.created_at))
        .where(LoginSession.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    live_sessions = (
        select(func.count(LoginSession.id))
        .where(LoginSession.user_id == User.id, LoginSession.revoked_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    return session.execute(
        select(
            User,
            Company.company_name,
            last_login.label("last_login"),
            live_sessions.label("live_sessions"),
        )
        .outerjoin(Company, Company.user_id == User.id)
        .where(User.id == user_id)
    ).first()


def company_name_of(session: Session, user_id: int) -> str | None:
    return session.scalar(select(Company.company_name).where(Company.user_id == user_id))


# --- audit log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""  # part of the actor's email
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    target: int | None = None  # a user id


def _audit_conditions(filters: AuditFilters, actor_alias) -> list:
    conditions = []
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.actor:
        conditions.append(_contains(actor_alias.email, filters.actor))
    if filters.date_from:
        conditions.append(AuditEvent.created_at >= _start_of(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEvent.created_at < _start_of(filters.date_to + timedelta(days=1)))
    if filters.target is not None:
        conditions.append(and_(AuditEvent.target_type == USER_TARGET, AuditEvent.target_id == str(filters.target)))
    return conditions


def _start_of(day: date) -> datetime:
    # Dates are read as UTC days: the log is stored in UTC and shown with "UTC" beside the time.
    return datetime.combine(day, time.min, tzinfo=UTC)


def select_audit_count(filters: AuditFilters) -> Select:
    actor = aliased(User, name="actor")
    statement = select(func.count(AuditEvent.id))
    if filters.actor:
        statement = statement.join(actor, actor.id == AuditEvent.actor_id)
    return statement.where(*_audit_conditions(filters, actor))


def select_audit_events(filters: AuditFilters, page: Page | None = None, limit: int | None = None) -> Select:
    """Events newest first, each with its actor's and (for account events) target's email, in one statement."""
    actor = aliased(User, name="actor")
    target = aliased(User, name="target_user")
    statement = (
        select(
            AuditEvent.id,
            AuditEvent.created_at,
            AuditEvent.action,
            AuditEvent.actor_id,
            AuditEvent.target_type,
            AuditEvent.target_id,
            AuditEvent.ip_address,
            AuditEvent.details,
            actor.email.label("actor_email"),
            target.id.label("target_user_id"),
            target.email.label("target_email"),
        )
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(
            target,
            and_(AuditEvent.target_type == USER_TARGET, AuditEvent.target_id == cast(target.id, String)),
        )
        .where(*_audit_conditions(filters, actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if page is not None:
        statement = statement.limit(page.per_page).offset(page.offset)
    elif limit is not None:
        statement = statement.limit(limit)
    return statement


def select_audit_actions() -> Select:
    return select(AuditEvent.action).distinct().order_by(AuditEvent.action)


def email_of(session: Session, user_id: int) -> str | None:
    return session.scalar(select(User.email).where(User.id == user_id))
