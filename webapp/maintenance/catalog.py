"""What the maintenance commands read from PostgreSQL's catalog: partitions and foreign keys."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

HISTORY = "interview_sentimenthistory"
CONTEXT_FACTORS = "interview_sentimentcontextfactors"


@dataclass(frozen=True)
class Partition:
    name: str
    is_default: bool
    lower: datetime | None  # None: MINVALUE (or the default partition)
    upper: datetime | None  # None: MAXVALUE (or the default partition)


# The bounds come back as text; casting them in the same statement (same
# TimeZone and DateStyle as the one that printed them) makes the round trip exact.
PARTITIONS = text(
    r"""
    SELECT c.relname AS name,
           b.bound = 'DEFAULT' AS is_default,
           substring(b.bound FROM 'FROM \(''([^'']*)''\)')::timestamptz AS lower,
           substring(b.bound FROM 'TO \(''([^'']*)''\)')::timestamptz AS upper
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
    WHERE i.inhparent = to_regclass(:parent)
    ORDER BY lower NULLS FIRST, c.relname
    """
)


def partitions(connection: Connection, parent: str = HISTORY) -> list[Partition]:
    return [Partition(**row._mapping) for row in connection.execute(PARTITIONS, {"parent": parent})]


def month_partition_name(month: date) -> str:
    """The name create_monthly_partition() gives the month's partition."""
    return f"{HISTORY}_y{month:%Y}m{month:%m}"


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """A UTC month as the half-open range its partition covers."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def count(connection: Connection, table: str, where: str = "TRUE", params: dict | None = None) -> int:
    """Rows of `table` (a catalog name, quoted here) matching the SQL condition `where`."""
    statement = text(f"SELECT count(*) FROM {quote(connection, table)} WHERE {where}")
    return connection.execute(statement, params or {}).scalar_one()


# --- foreign keys: what deleting rows drags along --------------------------------------

@dataclass(frozen=True)
class ForeignKey:
    child: str
    parent: str
    child_columns: tuple[str, ...]
    parent_columns: tuple[str, ...]
    on_delete: str  # pg_constraint.confdeltype: c cascade, n set null, d set default, r restrict, a no action


# Only top-level constraints on top-level tables: a foreign key into or out of a
# partitioned table is repeated once per partition (conparentid <> 0).
FOREIGN_KEYS = text(
    """
    SELECT r.relname AS child, p.relname AS parent, c.confdeltype AS on_delete,
           ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(num, pos)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.pos) AS child_columns,
           ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(num, pos)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.pos) AS parent_columns
    FROM pg_constraint c
    JOIN pg_class r ON r.oid = c.conrelid
    JOIN pg_class p ON p.oid = c.confrelid
    WHERE c.contype = 'f' AND c.conparentid = 0 AND NOT r.relispartition
      AND r.relnamespace = current_schema()::regnamespace
    ORDER BY r.relname, c.conname
    """
)


@dataclass(frozen=True)
class Effect:
    table: str
    action: str  # "deleted", "set to NULL", "set to their default" or "blocks the delete"
    rows: int


def delete_effects(connection: Connection, root: str, root_where: str, params: dict) -> list[Effect]:
    """Rows of other tables that deleting `root` rows matching `root_where` would delete, null or be blocked by.

    Follows ON DELETE CASCADE transitively; a table reached along several paths
    (skill assessments hang off both interviews and sentiment sessions) is
    counted once, through the OR of its paths.
    """
    keys = [
        ForeignKey(row.child, row.parent, tuple(row.child_columns), tuple(row.parent_columns), row.on_delete)
        for row in connection.execute(FOREIGN_KEYS)
    ]
    incoming = defaultdict(list)
    for key in keys:
        incoming[key.child].append(key)
    reached = _cascade_closure(keys, root)
    q = partial(quote, connection)

    def predicate(table: str, path: frozenset[str]) -> str:
        if table == root:
            return root_where
        return " OR ".join(
            _references(q, key, predicate(key.parent, path | {table}))
            for key in incoming[table]
            if key.on_delete == "c" and key.parent in reached and key.parent not in path
        )

    effects = []
    for table in sorted(reached - {root}):
        effects.append(Effect(table, "deleted", count(connection, table, predicate(table, frozenset()), params)))
    for key in keys:
        if key.parent in reached and key.on_delete != "c":
            action = {"n": "set to NULL", "d": "set to their default"}.get(key.on_delete, "blocks the delete")
            condition = _references(q, key, predicate(key.parent, frozenset({key.child})))
            effects.append(Effect(key.child, action, count(connection, key.child, condition, params)))
    return effects


def _cascade_closure(keys: list[ForeignKey], root: str) -> set[str]:
    reached, frontier = {root}, [root]
    while frontier:
        table = frontier.pop()
        for key in keys:
            if key.parent == table and key.on_delete == "c" and key.child not in reached:
                reached.add(key.child)
                frontier.append(key.child)
    return reached


def _references(q, key: ForeignKey, parent_where: str) -> str:
    child_columns = ", ".join(f"{q(key.child)}.{q(c)}" for c in key.child_columns)
    parent_columns = ", ".join(f"{q(key.parent)}.{q(c)}" for c in key.parent_columns)
    return f"({child_columns}) IN (SELECT {parent_columns} FROM {q(key.parent)} WHERE {parent_where})"
