"""The models say exactly what the migrations create, for every table.

Two comparisons, both required to be empty:
- Alembic's autogenerate (`compare_metadata`, server defaults included) of
  `Base.metadata` with the migrated test database: tables, columns, types,
  nullability, defaults, keys, unique constraints, foreign keys, indexes.
- What Alembic does not look at (CHECK constraints; an index's method, operator
  classes, INCLUDE columns and predicate): the models are created in a scratch
  database and every column, constraint and index is compared, as PostgreSQL
  prints it (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef),
  with the migrated database's.

Only the monthly partitions of interview_sentimenthistory are left out: they are
PostgreSQL's children of the modelled parent, made by create_monthly_partition().
(The documented tables are also held to the schema document by tests/test_schema.py.)
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Index, MetaData, String, create_engine, text

import webapp.models  # noqa: F401  (every model on Base.metadata)
from webapp.db import Base, database_url

PARTITIONS_SQL = "SELECT relname FROM pg_class WHERE relispartition AND relkind IN ('r', 'p')"


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


def model_diff(connection, metadata: MetaData) -> list[tuple]:
    """Every change autogenerate would make to turn the database into `metadata`."""
    partitions = set(connection.exec_driver_sql(PARTITIONS_SQL).scalars())

    def include_name(name, type_, parent_names):
        return not (type_ == "table" and (name in partitions or name.startswith(QUEUE_PREFIX)))

    def include_object(obj, name, type_, reflected, compare_to):
        # PostgreSQL keeps a copy of a foreign key into the partitioned table per partition.
        return not (type_ == "foreign_key_constraint" and reflected and obj.referred_table.name in partitions)

    context = MigrationContext.configure(connection, opts={
        "compare_type": True,
        "compare_server_default": True,
        "include_name": include_name,
        "include_object": include_object,
    })
    return list(_changes(compare_metadata(context, metadata)))


# --- the catalog, as PostgreSQL prints it ---------------------------------------

# The job queue's tables are procrastinate's (migration 0020 applies its schema), not models of ours.
QUEUE_PREFIX = "procrastinate_"
TABLES = f"""
    c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND c.relname <> 'alembic_version' AND left(c.relname, {len(QUEUE_PREFIX)}) <> '{QUEUE_PREFIX}'
"""
SNAPSHOT_SQL = {
    "column": f"""
        SELECT c.relname, a.attname,
               format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
               || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE {TABLES} AND a.attnum > 0 AND NOT a.attisdropped
    """,
    # conparentid <> 0: the copies PostgreSQL keeps on partitions
    "constraint": f"""
        SELECT c.relname, con.conname, pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE {TABLES} AND con.conparentid = 0
    """,
    # ON ONLY: an index of a partitioned table (the models create the parent plain or partitioned alike)
    "index": f"""
        SELECT c.relname, ic.relname, replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
        WHERE {TABLES}
    """,
}


def snapshot(connection) -> dict[tuple[str, str, str], str]:
    """(kind, table, name) -> definition, for every column, constraint and index of every table."""
    return {
        (kind, table, name): definition
        for kind, sql in SNAPSHOT_SQL.items()
        for table, name, definition in connection.exec_driver_sql(sql)
    }


def snapshot_differences(migrated: dict, modelled: dict) -> list[str]:
    problems = []
    for key in sorted(migrated.keys() | modelled.keys()):
        kind, table, name = key
        if migrated.get(key) != modelled.get(key):
            problems.append(f"{table}: {kind} {name}: migrations {migrated.get(key)!r}, models {modelled.get(key)!r}")
    return problems


def modelled_snapshot(url: str, metadata: MetaData) -> dict:
    """`metadata` created in the (empty) database at `url`, as PostgreSQL prints it."""
    engine = create_engine(database_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))  # operator classes of search indexes
            metadata.create_all(connection)
            return snapshot(connection)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def migrated(db_engine) -> dict:
    with db_engine.connect() as connection:
        return snapshot(connection)


def drifted_copy() -> MetaData:
    """Base.metadata with drift on old documented tables that Alembic alone would not all notice."""
    copy = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(copy)
    users, jobs, sessions = (copy.tables[t] for t in ("users_user", "company_job", "interview_interviewsession"))
    users.indexes.discard(next(i for i in users.indexes if i.name == "idx_users_user_lower_email"))
    jobs.c.title.type = String(100)
    trigram = next(i for i in users.indexes if i.name == "idx_users_user_email_trgm")
    users.indexes.discard(trigram)
    Index("idx_users_user_email_trgm", users.c.email)  # btree, not gin
    check = next(c for c in sessions.constraints if c.name == "chk_interview_duration")
    sessions.constraints.discard(check)
    sessions.append_constraint(type(check)(
        "(duration IS NULL OR duration > 0) AND duration < 14400", name=check.name
    ))
    return copy


# --- the tests ----------------------------------------------------------------


def test_models_and_migrations_agree_on_every_table(db_engine):
    with db_engine.connect() as connection:
        diff = model_diff(connection, Base.metadata)
    assert diff == []


def test_models_create_exactly_the_migrated_columns_constraints_and_indexes(migrated, scratch_database_url):
    modelled = modelled_snapshot(scratch_database_url("models"), Base.metadata)
    assert snapshot_differences(migrated, modelled) == []


def test_drift_in_an_old_table_is_reported(db_engine, migrated, scratch_database_url):
    copy = drifted_copy()
    with db_engine.connect() as connection:
        diff = {(change[0], _table_of(change)) for change in model_diff(connection, copy)}
    assert ("remove_index", "users_user") in diff  # idx_users_user_lower_email is only in the migration
    assert ("modify_type", "company_job") in diff

    problems = snapshot_differences(migrated, modelled_snapshot(scratch_database_url("drifted_models"), copy))
    about = sorted(problem.split(":")[1].strip() for problem in problems)
    assert about == [
        "column title",
        "constraint chk_interview_duration",  # Alembic does not compare CHECK constraints
        "index idx_users_user_email_trgm",  # ... nor index methods
        "index idx_users_user_lower_email",
    ], problems


def test_every_table_has_a_model(db_engine):
    with db_engine.connect() as connection:
        tables = set(connection.exec_driver_sql(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relkind IN ('r', 'p') AND NOT relispartition AND relname <> 'alembic_version'").scalars())
    assert {table for table in tables if not table.startswith(QUEUE_PREFIX)} == set(Base.metadata.tables)
    assert "procrastinate_jobs" in tables
