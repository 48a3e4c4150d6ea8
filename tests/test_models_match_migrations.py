"""Tables of our own: the models say exactly what the migrations create.

Alembic's autogenerate comparison of `Base.metadata` with the migrated test database
must find nothing to change for them. (The documented tables are held to the schema
document by tests/test_schema.py.)
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import webapp.models  # noqa: F401  (every model on Base.metadata)
from webapp.db import Base

# The tables this project added for rankings, dashboards and analytics.
OWN_PREFIXES = ("rankings_", "dashboard_", "analytics_")


def _table_of(change) -> str | None:
    """The table an autogenerate change is about."""
    kind, *rest = change
    if kind in ("add_table", "remove_table"):
        return rest[0].name
    if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint"):
        return rest[0].table.name
    if kind in ("add_fk", "remove_fk"):
        return rest[0].parent.name
    if kind.startswith(("add_column", "remove_column", "modify_")):
        return rest[1]
    return None


def _changes(diff):
    for change in diff:
        if isinstance(change, list):  # column modifications come grouped per column
            yield from _changes(change)
        else:
            yield change


def test_models_and_migrations_agree_on_our_tables(db_engine):
    with db_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = [change for change in _changes(diff) if (_table_of(change) or "").startswith(OWN_PREFIXES)]
    assert ours == []


def test_every_table_of_ours_has_a_model(db_engine):
    with db_engine.connect() as connection:
        tables = set(connection.exec_driver_sql(
            "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') "
            "AND NOT relispartition").scalars())
    ours = {name for name in tables if name.startswith(OWN_PREFIXES)}
    assert ours and ours <= set(Base.metadata.tables)
