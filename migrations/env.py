"""Alembic environment.

The project ships no alembic.ini: the app's CLI (webapp/cli.py) sets
`sqlalchemy.url`, and tests may hand over an open connection in
`config.attributes["connection"]`.
"""

from __future__ import annotations

import re

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection

import webapp.models  # noqa: F401  (puts every table on Base.metadata)
from webapp.db import Base, database_url, make_engine

config = context.config
target_metadata = Base.metadata

# The monthly partitions of interview_sentimenthistory are made by
# create_monthly_partition(), not by models: autogenerate must not drop them.
PARTITION_NAME = re.compile(r"^interview_sentimenthistory_y\d{4}m\d{2}$")


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    return not (type_ == "table" and name and PARTITION_NAME.match(name))


def include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Skip the per-partition copies PostgreSQL keeps of a foreign key into the partitioned table."""
    if type_ == "foreign_key_constraint" and reflected:
        return not PARTITION_NAME.match(obj.referred_table.name)
    return True


def configure_options() -> dict:
    return {
        "target_metadata": target_metadata,
        "compare_type": True,
        "include_name": include_name,
        "include_object": include_object,
    }


def run_migrations_offline() -> None:
    """Emit the SQL instead of running it (`alembic upgrade --sql`)."""
    context.configure(
        url=database_url(config.get_main_option("sqlalchemy.url")),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **configure_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_with(connection: Connection) -> None:
    """Run every pending migration in one transaction on `connection`."""
    context.configure(connection=connection, **configure_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("sqlalchemy.url is not set: run migrations through `flask --app wsgi db ...`")
    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            run_with(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
