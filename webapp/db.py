"""Engine, session and declarative `Base` shared by the whole application."""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

# Stable constraint names that match what PostgreSQL itself would choose for
# the documented inline constraints (`users_user_email_key`, `..._fkey`), so the
# migrations, the models and the schema document agree name for name.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AppSession(Session):
    """A session that talks to whichever app is current, so two apps can share one process."""

    def get_bind(self, mapper=None, clause=None, **kw):
        return current_app.extensions["db_bind"]


# One session per request (thread); removed when the app context ends. When the
# bind is a Connection inside a transaction (tests), commits become savepoints.
session = scoped_session(
    sessionmaker(class_=AppSession, expire_on_commit=False, join_transaction_mode="create_savepoint")
)


def database_url(raw: str) -> URL:
    """Accept the common `postgresql://` forms and pick the psycopg 3 driver."""
    url = make_url(raw)
    if url.get_backend_name() not in {"postgresql", "postgres"}:
        raise ValueError("DATABASE_URL must point to a PostgreSQL database (postgresql://user:pass@host:port/db)")
    return url.set(drivername="postgresql+psycopg")


def make_engine(raw_url: str, **kw) -> Engine:
    return create_engine(database_url(raw_url), pool_pre_ping=True, **kw)


def init_app(app: Flask) -> None:
    # No JIT: a page's statements run in milliseconds, and compiling one whose estimate crosses
    # jit_above_cost costs hundreds (seen on the analytics page at 1M sessions).
    engine = make_engine(app.config["DATABASE_URL"], connect_args={"options": "-c jit=off"})
    app.extensions["db_engine"] = engine
    app.extensions["db_bind"] = engine

    @app.teardown_appcontext
    def remove_session(exc: BaseException | None) -> None:
        session.remove()


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached."""


def check_database(app: Flask) -> None:
    """Fail fast, with a message naming DATABASE_URL, when the database is unreachable."""
    engine: Engine = app.extensions["db_engine"]
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as error:
        shown = engine.url.render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "connection failed"
        raise DatabaseUnavailable(
            f"the database at DATABASE_URL ({shown}) cannot be reached: {reason}. "
            "Set DATABASE_URL to a running PostgreSQL, or unset it to use the project's local cluster "
            "(./scripts/run.sh starts it)."
        ) from None
