"""Catalog writes racing another writer, committed for real on their own scratch database.

Another connection holds an uncommitted change; the admin's request passes the form
checks, then waits on the database; when the change commits, the constraint refuses
the request's write and the admin gets a field message (422), never a 5xx.
"""

from __future__ import annotations

import threading

import pytest
from alembic import command
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, gen_user
from tests.locks import wait_for_lock_waiters
from webapp import create_app
from webapp.cli import alembic_config
from webapp.models import AuditEvent, LoginAttempt, LoginSession, Skill, SkillCategory, User


@pytest.fixture(scope="module")
def race_app(scratch_database_url):
    url = scratch_database_url("catalog_race")
    command.upgrade(alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def engine(race_app):
    engine = race_app.extensions["db_engine"]
    yield engine
    with engine.begin() as connection:  # clean up everything these tests committed
        for model in (Skill, SkillCategory, AuditEvent, LoginSession, LoginAttempt, User):
            connection.execute(delete(model))


@pytest.fixture
def admin_client(race_app, engine):
    with Session(engine) as session:
        email = gen_user(session, role="admin").email
        session.commit()
    client = race_app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def post_while_blocked(engine, client, url: str, data: dict, blocking_sql: str, params: dict):
    """POST while another transaction holds `blocking_sql` uncommitted; commit it once the request waits on it."""
    blocker = engine.connect()
    blocker_tx = blocker.begin()
    blocker.execute(text(blocking_sql), params)
    results: list = []
    thread = threading.Thread(target=lambda: results.append(client.post(url, data=data)))
    thread.start()
    try:
        assert wait_for_lock_waiters(engine), "the request never waited on the other transaction"
        blocker_tx.commit()
    finally:
        blocker.close()
        thread.join(timeout=30)
    return results[0]


def test_a_name_saved_by_someone_else_at_the_same_moment_is_a_field_message(engine, admin_client):
    response = post_while_blocked(engine, admin_client, "/admin/catalog/skills", {"name": "Elixir", "category_id": ""},
                                  "INSERT INTO interview_skill (name) VALUES (:name)", {"name": "Elixir"})
    assert response.status_code == 422
    assert b"Another skill is already called that" in response.data
    with Session(engine) as session:
        assert session.scalars(select(Skill.name)).all() == ["Elixir"]
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("catalog.%"))).all() == []


def test_a_category_deleted_while_the_skill_is_saved_is_a_field_message(engine, admin_client):
    with Session(engine) as session:
        category = SkillCategory(name="Short-lived")
        session.add(category)
        session.commit()
        category_id = category.id
    response = post_while_blocked(
        engine, admin_client, "/admin/catalog/skills", {"name": "Haskell", "category_id": str(category_id)},
        "DELETE FROM interview_skillcategory WHERE id = :id", {"id": category_id},
    )
    assert response.status_code == 422
    assert b"That category was deleted meanwhile" in response.data
    with Session(engine) as session:
        assert session.scalars(select(Skill.name)).all() == []
