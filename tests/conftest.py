"""Fixtures: a real PostgreSQL migrated once per run, one rolled-back transaction per test."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

os.environ["JOBHIVE_ENV"] = "testing"

from webapp import create_app, db  # noqa: E402
from webapp.cli import alembic_config  # noqa: E402
from webapp.db import database_url, make_engine  # noqa: E402


def _per_worker(url: str) -> str:
    """Under pytest-xdist each worker gets its own database (`<name>_gw0`, ...), created on demand."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


TEST_DATABASE_URL = _per_worker(os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:54329/jobhive_test"))
DEMO_PASSWORD = "jobhive-demo-pass"


def _admin_engine() -> Engine:
    """A connection to the server's maintenance database, for CREATE/DROP DATABASE."""
    url = database_url(TEST_DATABASE_URL).set(database="postgres")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _recreate_database(name: str) -> str:
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return database_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def _create_database_if_missing(name: str) -> None:
    admin = _admin_engine()
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _drop_database(name: str) -> None:
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def db_engine() -> Iterator[Engine]:
    """The test database, emptied and migrated with the real migrations once per run."""
    _create_database_if_missing(make_url(TEST_DATABASE_URL).database)
    engine = make_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    command.upgrade(alembic_config(TEST_DATABASE_URL), "head")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def scratch_database_url() -> Iterator[Callable[[str], str]]:
    """Factory: a fresh, empty database on the test server, dropped at the end of the run."""
    base = make_url(TEST_DATABASE_URL).database
    created: list[str] = []

    def factory(name: str) -> str:
        full_name = f"{base}_{name}"
        created.append(full_name)
        return _recreate_database(full_name)

    yield factory
    for name in created:
        _drop_database(name)


@pytest.fixture(scope="module")
def committed_app(request, scratch_database_url):
    """An app over a migrated database of the test module's own, whose requests really commit (race tests)."""
    url = scratch_database_url(request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_"))
    command.upgrade(alembic_config(url), "head")
    race_app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield race_app
    race_app.extensions["db_engine"].dispose()


@pytest.fixture(scope="session")
def app(db_engine):
    return create_app({"DATABASE_URL": TEST_DATABASE_URL, "TESTING": True, "WTF_CSRF_ENABLED": False})


@contextmanager
def rolled_back_session(app) -> Iterator[Session]:
    """A session for test setup and checks, inside a transaction rolled back at the end.

    The app's own sessions use the same connection meanwhile, and their commits
    become savepoints, so views behave as in production and leave nothing.
    """
    engine = app.extensions["db_engine"]
    connection = engine.connect()
    transaction = connection.begin()
    app.extensions["db_bind"] = connection
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        db.session.remove()
        app.extensions["db_bind"] = engine
        transaction.rollback()
        connection.close()


@pytest.fixture
def db_session(app) -> Iterator[Session]:
    with rolled_back_session(app) as session:
        yield session


@pytest.fixture
def client(app, db_session):
    return app.test_client()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = DEMO_PASSWORD, **kw):
        return self._client.post("/login", data={"email": email, "password": password}, **kw)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


# --- the seeded demo database, shared by the seed and browser tests -------------------


@pytest.fixture(scope="session")
def demo_database_url(scratch_database_url) -> str:
    """A separate database migrated and loaded with `seed-demo`, committed."""
    from webapp.demo.seed import seed_demo

    url = scratch_database_url("demo")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine) as session:
        seed_demo(session)
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def bench_database_url(scratch_database_url) -> str:
    """A separate database migrated and filled by a small bench-data run (5,000 sessions), committed.

    For tests of query plans at bench shape (EXPLAIN); logins as in webapp/benchdata.
    """
    from webapp.benchdata import fill

    url = scratch_database_url("bench")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    fill(engine, 5000, echo=lambda line: None)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def live_server(demo_database_url) -> Iterator[str]:
    """The dashboard over the demo database, served on 127.0.0.1 in a background thread."""
    live_app = create_app({"DATABASE_URL": demo_database_url, "TESTING": False})
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    live_app.extensions["db_engine"].dispose()


# --- CI: a skipped test is a test that does not exist ---------------------------------


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) were skipped; failing the run.", red=True)
        session.exitstatus = 1
