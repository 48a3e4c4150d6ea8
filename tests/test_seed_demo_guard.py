"""`flask seed-demo` never puts the demo accounts (README password) beside real users in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.factories import gen_user
from webapp import create_app
from webapp.cli import alembic_config
from webapp.db import make_engine
from webapp.demo.seed import table_counts
from webapp.models import User


@pytest.fixture(scope="module")
def database(scratch_database_url) -> Iterator[str]:
    """An empty, migrated database of this module's own."""
    url = scratch_database_url("seed_guard")
    command.upgrade(alembic_config(url), "head")
    yield url


def app_for(url: str, environment: str) -> Flask:
    return create_app({"DATABASE_URL": url, "ENV_NAME": environment, "TESTING": True})


def seed_demo_in(url: str, environment: str):
    app = app_for(url, environment)
    try:
        return app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.extensions["db_engine"].dispose()


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        result = table_counts(session)
    engine.dispose()
    return result


def add_real_user(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        email = gen_user(session, email="real.person@example.com").email
        session.commit()
    engine.dispose()
    return email


def emails(url: str) -> list[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        result = session.scalars(select(User.email).where(User.email.like("%@jobhive.test"))).all()
    engine.dispose()
    return sorted(result)


def test_production_refuses_a_database_with_real_users_and_writes_nothing(database):
    add_real_user(database)
    before = counts(database)
    result = seed_demo_in(database, "production")
    assert result.exit_code != 0
    assert "seed-demo refused: JOBHIVE_ENV is production" in result.stderr
    assert "users that seed-demo did not create" in result.stderr
    assert "JOBHIVE_ENV=development with another DATABASE_URL" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert counts(database) == before
    assert emails(database) == []  # no admin@jobhive.test with the README's password


def test_production_loads_the_demo_only_into_a_database_without_real_users(scratch_database_url):
    url = scratch_database_url("seed_guard_empty")
    command.upgrade(alembic_config(url), "head")

    first = seed_demo_in(url, "production")
    assert first.exit_code == 0, first.stderr
    assert "Demo data ready: loaded" in first.stdout
    assert "every demo account uses the password printed in the README" in first.stderr
    assert "admin@jobhive.test" in emails(url)

    again = seed_demo_in(url, "production")  # only demo accounts: a harmless repeat
    assert again.exit_code == 0, again.stderr
    assert "already present, nothing changed" in again.stdout

    add_real_user(url)
    before = counts(url)
    refused = seed_demo_in(url, "production")
    assert refused.exit_code != 0 and "seed-demo refused" in refused.stderr
    assert counts(url) == before

    # development and tests keep loading (here: finding) the demo whatever else the database holds
    relaxed = seed_demo_in(url, "development")
    assert relaxed.exit_code == 0, relaxed.stderr
    assert "already present" in relaxed.stdout


def test_the_demo_password_marks_what_a_demo_load_created(database):
    from webapp.demo.seed import has_users_from_elsewhere

    engine = make_engine(database)
    with Session(engine) as session:
        session.execute(delete(User))  # rolled back below
        assert not has_users_from_elsewhere(session)  # an empty database
        admin = gen_user(session, email="admin@jobhive.test", password="scrypt:1$salt$demo")
        gen_user(session, email="employer@jobhive.test", password=admin.password)  # one load, one hash
        assert not has_users_from_elsewhere(session)
        gen_user(session, email="ann@example.com", password="scrypt:1$other$hash")
        assert has_users_from_elsewhere(session)
        session.rollback()
    engine.dispose()
