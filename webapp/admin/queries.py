"""Reads for the admin area. Every list is a count plus one page query, whatever the page size."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, String, and_, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from webapp.auth import sessions as login_sessions
from webapp.models import AuditEvent, Company, LoginSession, PlatformCount, User
from webapp.pagination import COUNT_LIMIT, clamp_page

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
# NOT NULL columns sort without NULLS LAST, so a descending sort is their index read backwards;
# the nullable ones have an index in each order (migration 0011).
NOT_NULL_SORTS = {"email", "username"}
TRIGRAM = 3  # search texts shorter than this cannot use the trigram indexes
SHORT_SEARCH_COUNT_LIMIT = 10 * USERS_PER_PAGE
USER_TARGET = User.__tablename__  # AuditEvent.target_type of events about an account


# --- paging ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    number: int
    pages: int
    total: int
    per_page: int
    # More than `total` match (a count that stopped at the limit): "10,000+", and pages go on
    # as long as there are rows.
    capped: bool = False
    more: bool = False  # a row follows this page (known from the page query when capped)
    shown: int = 0  # rows on this page (the last one of a capped count may be short)

    @property
    def total_text(self) -> str:
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when there is none)."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.offset + self.shown if self.capped else min(self.offset + self.per_page, self.total)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        if self.capped:
            return self.number + 1 if self.more else None
        return self.number + 1 if self.number < self.pages else None


def page_of(total: int, requested: int, per_page: int, *, capped: bool = False) -> Page:
    """The requested page, clamped into range: past the end shows the last page, below 1 the first.

    A capped count does not know where the end is: any page may be asked for (an empty one
    says it is past the end).
    """
    if capped:
        number = max(requested, 1)
        return Page(number=number, pages=max(number, -(-total // per_page)), total=total, per_page=per_page,
                    capped=True)
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


def _full_name():
    # The expression of idx_users_user_name_trgm (migration 0008), so "name contains" is an index
    # lookup. It matches what first name, last name or both together contain: the search text is
    # stripped, so it never starts or ends with the space a missing part leaves.
    return func.coalesce(User.first_name, "").concat(" ").concat(func.coalesce(User.last_name, ""))


def _user_conditions(filters: UserFilters) -> list:
    """The filters as conditions; the search text and the role are bind parameters (see _user_params)."""
    conditions = []
    if filters.q:
        # Each branch has a trigram index (username: 0011, email and name: 0008).
        columns = (User.username, User.email, _full_name())
        conditions.append(or_(*(column.ilike(bindparam("pattern"), escape="\\") for column in columns)))
    if filters.role:
        conditions.append(User.role == bindparam("role"))
    if filters.status:
        # NULL counts as inactive, as it does at login.
        conditions.append(User.is_active.is_(True) if filters.status == "active" else User.is_active.is_not(True))
    if filters.verified:
        conditions.append(User.is_verified.is_(True) if filters.verified == "yes" else User.is_verified.is_not(True))
    return conditions


def _user_params(filters: UserFilters) -> dict:
    params = {}
    if filters.q:
        params["pattern"] = f"%{escape_like(filters.q)}%"
    if filters.role:
        params["role"] = filters.role
    return params


def _shape(filters: UserFilters) -> UserFilters:
    """What the statement depends on: whether there is a search and a role, not their values.

    Statements are built once per shape and sort (a few hundred at most): building and keying
    one costs about as much as running it.
    """
    return UserFilters(q="?" if filters.q else "", role="?" if filters.role else "",
                       status=filters.status, verified=filters.verified)


def normalize_user_sort(raw: str | None) -> str:
    """`raw` when it names a sortable column (optionally with a leading `-`), else the default."""
    key = (raw or "").removeprefix("-")
    return raw if key in USER_SORTS else DEFAULT_USER_SORT


def _counted_by_counters(filters: UserFilters) -> bool:
    """Everyone, or one role: the per-role counters kept by triggers (migration 0010) are exact."""
    return not (filters.q or filters.status or filters.verified)


@functools.lru_cache(maxsize=512)
def _user_count_statement(shape: UserFilters) -> Select:
    if _counted_by_counters(shape):
        conditions = [PlatformCount.kind == "user_role"]
        if shape.role:
            conditions.append(PlatformCount.key == bindparam("role"))
        return select(func.coalesce(func.sum(PlatformCount.count), 0)).where(*conditions)
    matching = select(User.id).where(*_user_conditions(shape)).limit(bindparam("count_limit")).subquery()
    return select(func.count()).select_from(matching)


def _count_limit(filters: UserFilters, limit: int) -> int:
    if 0 < len(filters.q) < TRIGRAM:
        # No trigram in the text, so no index narrows it: every row is tested until the limit is
        # reached. Ten pages' worth keeps typing the first letters of a name fast.
        return min(limit, SHORT_SEARCH_COUNT_LIMIT)
    return limit


def _counted(filters: UserFilters, total: int, limit: int) -> tuple[int, bool]:
    """(count, capped) from what the count statement found (at most limit + 1)."""
    if not _counted_by_counters(filters) and total > limit:
        return limit, True
    return total, False


def user_count(session: Session, filters: UserFilters, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(count, capped): exact from the role counters, else counted up to `limit` + 1 at most.

    More than `limit` is capped: "limit+" on the page, as counting every match of a loose
    search would read most of the table on each keystroke.
    """
    limit = _count_limit(filters, limit)
    statement = _user_count_statement(_shape(filters))
    total = int(session.scalar(statement, _user_params(filters) | {"count_limit": limit + 1}) or 0)
    return _counted(filters, total, limit)


def _user_order(columns, sort: str) -> list:
    key = sort.removeprefix("-")
    column, descending = columns[key], sort.startswith("-")
    if key in NOT_NULL_SORTS:
        order = column.desc() if descending else column.asc()
    else:
        order = column.desc().nulls_last() if descending else column.asc().nulls_last()
    return [order, columns["id"].desc() if descending else columns["id"].asc()]


@functools.lru_cache(maxsize=512)
def _users_statement(shape: UserFilters, sort: str) -> Select:
    """One page of users (and whether a row follows it) with their company's name and the count of
    matching users (see user_count), in a single statement.

    The page is cut from users alone, walking the sort's index; only its rows look up a company.
    """
    user_columns = {"id": User.id, **USER_SORTS}
    shown = (
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
        )
        .where(*_user_conditions(shape))
        .order_by(*_user_order(user_columns, sort))
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("shown")
    )
    matching = _user_count_statement(shape).scalar_subquery()
    return (
        select(shown, Company.company_name, matching.label("matching"))
        .outerjoin(Company, Company.user_id == shown.c.id)
        .order_by(*_user_order(shown.c, sort))
    )


def users_page(
    session: Session, filters: UserFilters, sort: str, requested: int, limit: int = COUNT_LIMIT
) -> tuple[Page, list]:
    """The requested page (clamped as page_of does) and its rows: the count comes with the rows.

    One statement, unless the page asked for is past the end: then the count alone, and the
    last page.
    """
    limit = _count_limit(filters, limit)
    statement = _users_statement(_shape(filters), sort)
    params = _user_params(filters) | {"count_limit": limit + 1, "limit": USERS_PER_PAGE + 1}
    number = max(requested, 1)
    rows = session.execute(statement, params | {"offset": (number - 1) * USERS_PER_PAGE}).all()
    if rows:
        total, capped = _counted(filters, int(rows[0].matching or 0), limit)
    else:
        total, capped = user_count(session, filters, limit) if number > 1 else (0, False)
    page = page_of(total, number, USERS_PER_PAGE, capped=capped)
    if page.number != number:  # past the end (or counters behind the table): the last page instead
        rows = session.execute(statement, params | {"offset": page.offset}).all()
    shown = rows[:USERS_PER_PAGE]
    return replace(page, more=len(rows) > USERS_PER_PAGE, shown=len(shown)), shown


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
        .where(LoginSession.user_id == User.id, login_sessions.live_in_sql())  # expired ones are not signed in
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
