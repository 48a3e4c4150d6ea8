"""Catalog writes: create, update, delete, each audit-logged in the same transaction (the view commits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.audit.services import record
from webapp.catalog import queries
from webapp.catalog.kinds import Kind
from webapp.models import User


class FieldConflict(Exception):
    """The database refused the values because of one field (a taken name, a vanished reference)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


class DeleteRefused(Exception):
    """Something still refers to the row and its foreign key does not let it go."""


def _check_name(session: Session, kind: Kind, values: dict[str, Any], exclude_id: int | None) -> None:
    """Names are unique ignoring case, so "Python" and "python" never both appear (a friendlier rule
    than the case-sensitive UNIQUE, which still catches two admins saving the same name at once)."""
    scope = {column: values[column] for column in kind.unique_within}
    column = getattr(kind.model, kind.label_column)
    if queries.name_taken(session, kind.model, column, values[kind.label_column], exclude_id, **scope):
        raise FieldConflict(kind.label_column, kind.name_taken_message)


def _flush(session: Session, kind: Kind) -> None:
    """Flush in a savepoint, turning a constraint violation into the field it is about."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        if constraint is not None and constraint == kind.unique_constraint:
            raise FieldConflict(kind.label_column, kind.name_taken_message) from error
        if constraint in kind.reference_constraints:
            raise FieldConflict(*kind.reference_constraints[constraint]) from error
        raise


def create(session: Session, kind: Kind, values: dict[str, Any], *, actor: User):
    if kind.unique_within is not None:
        _check_name(session, kind, values, exclude_id=None)
    item = kind.model(**values)
    session.add(item)
    _flush(session, kind)
    record(session, f"catalog.{kind.audit_name}.created", actor=actor, target=item, details=_jsonable(values))
    return item


def update(session: Session, kind: Kind, item, values: dict[str, Any], *, actor: User) -> bool:
    """Apply `values`; False (and no audit event) when nothing changed."""
    changes = {column: [getattr(item, column), value] for column, value in values.items()
               if getattr(item, column) != value}
    if not changes:
        return False
    if kind.unique_within is not None:
        _check_name(session, kind, values, exclude_id=item.id)
    for column, (_, value) in changes.items():
        setattr(item, column, value)
    _flush(session, kind)
    record(session, f"catalog.{kind.audit_name}.updated", actor=actor, target=item,
           details={"name": kind.label_of(item), "changes": _jsonable(changes)})
    return True


def delete(session: Session, kind: Kind, item, *, actor: User) -> dict[str, int]:
    """Delete the row and, through ON DELETE, what depends on it; returns those counts as deleted."""
    counts = dict(session.execute(kind.dependents(item.id)).one()._mapping)
    name = kind.label_of(item)
    session.delete(item)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise DeleteRefused from error
    record(session, f"catalog.{kind.audit_name}.deleted", actor=actor, target=item,
           details={"name": name, "dependents": counts})
    return counts


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value if isinstance(value, (str, int, type(None), list)) else str(value)
            for key, value in values.items()}
