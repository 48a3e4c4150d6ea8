"""Writing the audit trail. Call `record` in the same transaction as the change it describes."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from webapp.models import AuditEvent, User
from webapp.team.membership import current_membership


def client_ip() -> str | None:
    """The caller's address as the WSGI server saw it (configure ProxyFix behind a proxy)."""
    return request.remote_addr if has_request_context() else None


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    target: object | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event such as `user.login` or `user.role_changed`; the caller commits."""
    membership = current_membership() if has_request_context() else None
    event = AuditEvent(
        action=action,
        # A member's action belongs to their active company's trail (its audit page filters by member).
        company_id=membership.company_id if membership is not None else None,
        actor_id=actor.id if actor is not None else None,
        target_type=getattr(target, "__tablename__", None),
        target_id=str(target.id) if target is not None and getattr(target, "id", None) is not None else None,
        ip_address=client_ip(),
        details=details or {},
    )
    session.add(event)
    return event
