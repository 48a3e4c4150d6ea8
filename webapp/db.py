"""Engine, session and declarative `Base` shared by the whole application."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

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


# One session per request (thread); removed when the app context ends.
session = scoped_session(sessionmaker(expire_on_commit=False))


def database_url(raw: str) -> URL:
    """Accept the common `postgresql://` forms and pick the psycopg 3 driver."""
    url = make_url(raw)
    if url.get_backend_name() not in {"postgresql", "postgres"}:
        raise ValueError("DATABASE_URL must point to a PostgreSQL database (postgresql://user:pass@host:port/db)")
    return url.set(drivername="postgresql+psycopg")


def make_engine(raw_url: str, **kw) -> Engine:
    return create_engine(database_url(raw_url), pool_pre_ping=True, **kw)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    session.configure(bind=engine)

    @app.teardown_appcontext
    def remove_session(exc: BaseException | None) -> None:
        session.remove()
