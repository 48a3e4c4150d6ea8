"""Sign-ups racing for one email or username, committed for real from separate connections.

These tests run against their own scratch database (not the rolled-back test
transaction): each request commits through its own pooled connection, as in
production. They delete what they created.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from tests.locks import wait_for_lock_waiters
from webapp.accounts import services
from webapp.models import LoginAttempt, OutboxMessage, User

PASSWORD = "a long enough new password"


@pytest.fixture
def engine(committed_app):
    engine = committed_app.extensions["db_engine"]
    yield engine
    with engine.begin() as connection:  # clean up: every user these tests created, and their rows
        connection.execute(delete(User))
        connection.execute(delete(OutboxMessage))
        connection.execute(delete(LoginAttempt))  # sign-ups are counted per address
        connection.execute(text("DELETE FROM audit_auditevent"))


def signup(username: str, email: str) -> dict:
    return {
        "account_type": "candidate",
        "username": username,
        "email": email,
        "first_name": "Race",
        "last_name": "Runner",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }


def post_together(app, forms: list[dict]) -> list:
    """POST each form from its own thread and test client, released at the same moment."""
    barrier = threading.Barrier(len(forms))
    responses: list = [None] * len(forms)

    def run(index: int, form: dict) -> None:
        client = app.test_client()
        barrier.wait(timeout=10)
        response = client.post("/register", data=form)
        responses[index] = (response, client)

    threads = [threading.Thread(target=run, args=(i, form)) for i, form in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return responses


def test_parallel_signups_for_one_email_make_one_user_and_answer_both_alike(committed_app, engine):
    results = post_together(
        committed_app, [signup("racer_a", "Race@Example.test"), signup("racer_b", "race@example.TEST")]
    )
    assert [response.status_code for response, _client in results] == [303, 303]
    assert {response.headers["Location"] for response, _client in results} == {"/register/check-email"}
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
        # The winner's verification link, and a note to that same owner about the second sign-up.
        subjects = sorted(session.scalars(select(OutboxMessage.subject)))
        assert subjects == sorted([services.VERIFY_SUBJECT, services.SIGNUP_TAKEN_SUBJECT])


def test_parallel_signups_for_one_username_make_one_user_and_one_clear_error(committed_app, engine):
    results = post_together(committed_app, [signup("Racer", "one@example.test"), signup("rACER", "two@example.test")])
    statuses = sorted(response.status_code for response, _client in results)
    assert statuses == [303, 422]
    loser, loser_client = next((r, c) for r, c in results if r.status_code == 422)
    assert services.USERNAME_TAKEN.encode() in loser.data.replace(b"&#39;", b"'")
    assert loser_client.get("/dashboard").status_code == 302  # nobody is logged in by signing up

    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_unique_violation_at_insert_becomes_a_field_error(committed_app, engine):
    """Another writer (not using our lock) inserts the same username first: the database says no, we say why."""
    blocker = engine.connect()
    blocker_tx = blocker.begin()
    blocker.execute(
        text("INSERT INTO users_user (username, email, password) VALUES ('taken.name', 'first@example.test', 'x')")
    )
    results: list = []
    thread = threading.Thread(
        target=lambda: results.append(
            committed_app.test_client().post("/register", data=signup("taken.name", "second@example.test"))
        )
    )
    thread.start()
    try:
        # Wait until the sign-up's INSERT is queued behind the uncommitted row.
        assert wait_for_lock_waiters(engine), "the sign-up never waited on the unique index"
        blocker_tx.commit()
    finally:
        blocker.close()
        thread.join(timeout=30)

    response = results[0]
    assert response.status_code == 422
    assert services.USERNAME_TAKEN.encode() in response.data
    with Session(engine) as session:
        emails = session.scalars(select(User.email)).all()
    assert emails == ["first@example.test"]
