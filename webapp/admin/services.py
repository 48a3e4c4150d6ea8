"""Admin changes to accounts: the rules, and the writes with their audit events. Callers commit.

Every change first locks the target and every active admin (`SELECT ... FOR UPDATE`,
in id order so two admins never deadlock). Two admins demoting each other at the same
moment therefore run one after the other, and the second sees the first's result:
the platform can never be left without an active admin.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.auth import sessions as login_sessions
from webapp.models import ROLES, User

ROLE_LABELS = {"user": "Candidate", "employer": "Employer", "admin": "Admin"}


class ActionRefused(Exception):
    """A rule forbids the change; the message says why, in words an admin can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidRole(ValueError):
    pass


@dataclass(frozen=True)
class Change:
    user: User
    message: str  # what happened, for the flash message


def refusal(
    action: str,
    *,
    actor_id: int,
    target: User,
    active_admin_ids: Collection[int],
    role: str | None = None,
) -> str | None:
    """Why `action` may not happen (None when it may). Shared by the confirmation page and the writes."""
    name = target.full_name
    if action == "change_role" and target.role == role:
        return f"{name} is already {_article(role)}."
    if action == "deactivate" and not target.is_active:
        return f"{name} is already deactivated."
    if action == "reactivate" and target.is_active:
        return f"{name} is already active."
    if action == "mark_verified" and target.is_verified:
        return f"{name}'s email address is already verified."
    if target.id == actor_id and action in {"change_role", "deactivate"}:
        verb = "change your own role" if action == "change_role" else "deactivate your own account"
        return f"You cannot {verb}. Ask another admin to do it."
    loses_admin = action == "deactivate" or (action == "change_role" and role != "admin")
    if loses_admin and target.id in active_admin_ids and len(active_admin_ids) == 1:
        return f"{name} is the last active admin. Make someone else an admin first."
    if actor_id not in active_admin_ids:
        # The actor was demoted or deactivated by someone else while this request waited.
        return "You are no longer an active admin, so this change was not made."
    return None


def change_role(session: Session, actor: User, user_id: int, role: str) -> Change:
    if role not in ROLES:
        raise InvalidRole(f"Choose one of the roles: {', '.join(ROLE_LABELS.values())}.")
    user = _checked(session, "change_role", actor, user_id, role=role)
    previous = user.role
    user.role = role
    # The demo data and older tools read is_staff as "is an admin": keep the two in step.
    user.is_staff = role == "admin"
    # An employer turned candidate keeps their company row (company_company.user_id);
    # it is simply out of reach until they are an employer again.
    audit.record(session, "admin.role_changed", actor=actor, target=user, details={"from": previous, "to": role})
    return Change(user, f"{user.full_name} is now {_article(role)} (was {_article(previous)}).")


def deactivate(session: Session, actor: User, user_id: int) -> Change:
    user = _checked(session, "deactivate", actor, user_id)
    user.is_active = False
    revoked = login_sessions.revoke_all(session, user.id)  # logged out everywhere, at once
    audit.record(session, "admin.user_deactivated", actor=actor, target=user, details={"sessions_revoked": revoked})
    return Change(user, f"{user.full_name} is deactivated and was logged out of {_sessions(revoked)}.")


def reactivate(session: Session, actor: User, user_id: int) -> Change:
    user = _checked(session, "reactivate", actor, user_id)
    user.is_active = True
    audit.record(session, "admin.user_reactivated", actor=actor, target=user)
    return Change(user, f"{user.full_name} is active again and can log in.")


def mark_verified(session: Session, actor: User, user_id: int) -> Change:
    user = _checked(session, "mark_verified", actor, user_id)
    user.is_verified = True
    audit.record(session, "admin.user_verified", actor=actor, target=user)
    return Change(user, f"{user.full_name}'s email address is marked as verified.")


def active_admin_ids(session: Session) -> set[int]:
    """Unlocked read, for previews; the writes use `_lock` instead."""
    return set(session.scalars(select(User.id).where(User.role == "admin", User.is_active.is_(True))))


def _checked(session: Session, action: str, actor: User, user_id: int, role: str | None = None) -> User:
    user, admin_ids = _lock(session, user_id)
    reason = refusal(action, actor_id=actor.id, target=user, active_admin_ids=admin_ids, role=role)
    if reason:
        raise ActionRefused(reason)
    return user


def _lock(session: Session, user_id: int) -> tuple[User, set[int]]:
    """Lock the target and all active admins (one statement, id order); return the target and the admin ids.

    A row another transaction changed while we waited is re-checked against the WHERE
    clause by PostgreSQL, so an admin demoted a moment ago is no longer counted.
    """
    rows = session.scalars(
        select(User)
        .where(or_(User.id == user_id, and_(User.role == "admin", User.is_active.is_(True))))
        .order_by(User.id)
        .with_for_update()
        .execution_options(populate_existing=True)  # the values as locked, not as loaded earlier
    ).all()
    user = next((row for row in rows if row.id == user_id), None)
    if user is None:
        raise LookupError(f"no user {user_id}")
    return user, {row.id for row in rows if row.role == "admin" and row.is_active}


def _article(role: str | None) -> str:
    label = ROLE_LABELS.get(role or "", role or "").lower()
    return f"an {label}" if label and label[0] in "aeiou" else f"a {label}"


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"
