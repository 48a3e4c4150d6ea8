"""The active company of the logged-in user: which company every employer page is scoped to.

A user may belong to several companies; the session cookie remembers the one they chose and
each request checks it against `company_member`, so a member removed from a company loses it
on their very next request, in every browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, g
from flask import session as cookie
from flask_login import current_user, login_required
from sqlalchemy import Select, select, true
from sqlalchemy.orm import aliased

from webapp import db
from webapp.models import Company, CompanyMember, User
from webapp.team import policy

ACTIVE_COMPANY_KEY = "company_id"


@dataclass(frozen=True)
class Membership:
    """The current user's place in their active company."""

    company: Company
    role: str
    user_id: int

    @property
    def company_id(self) -> int:
        return self.company.id

    def can(self, action: str) -> bool:
        return policy.allows(self.role, action)

    @property
    def sees_every_job(self) -> bool:
        return self.role not in policy.JOB_SCOPED_ROLES | policy.INTERVIEW_SCOPED_ROLES

    @property
    def sees_every_interview(self) -> bool:
        return self.sees_every_job

    @property
    def role_label(self) -> str:
        return policy.ROLE_LABELS[self.role]


def current_membership() -> Membership | None:
    """The logged-in employer's membership in their active company (once per request); None for others."""
    if not (current_user.is_authenticated and current_user.role == "employer"):
        return None
    # Keyed by user: a login in the middle of the request must not see the anonymous answer.
    cached = g.get("membership")
    if cached is None or cached[0] != current_user.id:
        cached = g.membership = (current_user.id, _load())
    return cached[1]


def _active_choice() -> int:
    active = cookie.get(ACTIVE_COMPANY_KEY)
    return active if isinstance(active, int) else -1


def _chosen_membership(user_id) -> Select:
    """(company_id, role) of the user's active company: the chosen one while still a member,
    else the one they created, else their first. `user_id` may be a column (a lateral join)."""
    return (
        select(CompanyMember.company_id.label("member_company_id"), CompanyMember.role.label("member_role"))
        .join(Company, Company.id == CompanyMember.company_id)
        .where(CompanyMember.user_id == user_id)
        .order_by(
            (CompanyMember.company_id == _active_choice()).desc(),
            (Company.user_id == user_id).desc(),
            CompanyMember.company_id,
        )
        .limit(1)
    )


def with_membership(statement: Select, users=None) -> Select:
    """`statement` (which reads `users`) plus the user's active company and role, for the login
    loader: the membership then costs no statement of its own on any request."""
    users = User if users is None else users
    chosen = _chosen_membership(users.id).lateral("chosen_membership")
    company = aliased(Company, name="member_company")
    return (
        statement.add_columns(chosen.c.member_role, company)
        .outerjoin(chosen, true())
        .outerjoin(company, company.id == chosen.c.member_company_id)
    )


def remember_loaded(user: User, role: str | None, company: Company | None) -> None:
    """Keep the membership the login loader read (see `with_membership`) for this request."""
    if user.role == "employer":
        membership = Membership(company=company, role=role, user_id=user.id) if company is not None else None
        g.membership = (user.id, membership)


def _load() -> Membership | None:
    chosen = _chosen_membership(current_user.id).subquery()
    statement = select(chosen.c.member_role, Company).join(Company, Company.id == chosen.c.member_company_id)
    row = db.session.execute(statement).first()
    if row is None:
        return None
    return Membership(company=row.Company, role=row.member_role, user_id=current_user.id)


def memberships_of(user_id: int) -> list[tuple[int, str, str]]:
    """(company id, company name, role) of every company the user belongs to, by name."""
    statement = (
        select(Company.id, Company.company_name, CompanyMember.role)
        .join(CompanyMember, CompanyMember.company_id == Company.id)
        .where(CompanyMember.user_id == user_id)
        .order_by(Company.company_name, Company.id)
    )
    return [tuple(row) for row in db.session.execute(statement)]


def activate(company_id: int) -> None:
    """Make `company_id` the active company for the rest of this login (the caller checked membership)."""
    cookie[ACTIVE_COMPANY_KEY] = company_id
    g.pop("membership", None)


def require_membership() -> Membership:
    """The active membership; 404 when the employer belongs to no company."""
    membership = current_membership()
    if membership is None:
        abort(404)
    return membership


def member_required(action: str):
    """A logged-in employer who belongs to a company and whose role there allows `action`.

    Anonymous visitors go to the login page; other roles get 403; an employer without a
    company gets 404 (nothing of any company is theirs), a member whose role lacks the action 403.
    """
    policy.ACTIONS[action]  # an unknown action fails at import, not at request time

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != "employer":
                abort(403)
            if not require_membership().can(action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.member_action = action
        return wrapped

    return decorator


def member_can(action: str) -> bool:
    """For templates: whether the current member may take `action` (False for non-members)."""
    membership = current_membership()
    return membership is not None and membership.can(action)
