"""Sign-up, forgot-password and new verification links are throttled per address and per account, in PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_DATABASE_URL
from tests.factories import PASSWORD, gen_login_attempt, gen_user
from tests.test_enumeration import same_page
from webapp import create_app
from webapp.models import AuditEvent, LoginAttempt, OutboxMessage, User

NEW_PASSWORD = "a long enough new password"


def signup(n: int, email: str | None = None) -> dict:
    return {
        "account_type": "candidate",
        "username": f"limit{n}",
        "email": email or f"limit{n}@example.test",
        "first_name": "Lim",
        "last_name": "It",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }


def written(db_session) -> tuple[int, ...]:
    """Rows a request could write: users, mail, audit events, counted attempts."""
    return tuple(
        db_session.scalar(select(func.count()).select_from(model))
        for model in (User, OutboxMessage, AuditEvent, LoginAttempt)
    )


def assert_throttled(response, message: bytes, most_seconds: int = 3600) -> None:
    assert response.status_code == 429
    assert message in response.data and b"Try again in" in response.data
    assert 0 < int(response.headers["Retry-After"]) <= most_seconds


def at(ip: str) -> dict:
    return {"REMOTE_ADDR": ip}


# --- sign-up ---------------------------------------------------------------------------------


def test_sign_ups_from_one_address_stop_at_ten_an_hour_and_write_nothing_then(client, db_session):
    for n in range(10):
        assert client.post("/register", data=signup(n), environ_base=at("192.0.2.30")).status_code == 303
    before = written(db_session)

    response = client.post("/register", data=signup(10), environ_base=at("192.0.2.30"))

    assert_throttled(response, b"Too many sign-up attempts.")
    assert b"Create your account" in response.data  # the form again, with the reason on top
    assert written(db_session) == before
    assert client.post("/register", data=signup(11), environ_base=at("192.0.2.31")).status_code == 303


def test_sign_ups_for_one_email_stop_at_three_an_hour_from_any_address(client, db_session):
    for n in range(3):
        response = client.post("/register", data=signup(n, "Same@Example.test"), environ_base=at(f"192.0.2.{40 + n}"))
        assert response.status_code == 303
    before = written(db_session)
    response = client.post("/register", data=signup(9, "same@EXAMPLE.test"), environ_base=at("192.0.2.49"))
    assert_throttled(response, b"Too many sign-up attempts.")
    assert written(db_session) == before


def test_invalid_sign_ups_are_not_counted(client, db_session):
    for n in range(12):
        bad = signup(n) | {"confirm": "something else"}
        assert client.post("/register", data=bad, environ_base=at("192.0.2.50")).status_code == 422
    assert client.post("/register", data=signup(99), environ_base=at("192.0.2.50")).status_code == 303


def test_requests_older_than_an_hour_do_not_count(client, db_session):
    for _ in range(10):
        gen_login_attempt(db_session, kind="sign_up", ip_address="192.0.2.60", succeeded=True, ago=timedelta(minutes=61))
    assert client.post("/register", data=signup(1), environ_base=at("192.0.2.60")).status_code == 303
    for _ in range(9):
        gen_login_attempt(db_session, kind="sign_up", ip_address="192.0.2.61", succeeded=True, ago=timedelta(minutes=50))
    gen_login_attempt(db_session, kind="sign_up", ip_address="192.0.2.61", succeeded=True, ago=timedelta(minutes=58))
    response = client.post("/register", data=signup(2), environ_base=at("192.0.2.61"))
    assert_throttled(response, b"Too many sign-up attempts.", most_seconds=10 * 60)


# --- forgot password -------------------------------------------------------------------------


def test_reset_requests_from_one_address_stop_at_ten_an_hour(client, db_session):
    for n in range(10):
        response = client.post("/password/forgot", data={"email": f"who{n}@example.test"}, environ_base=at("192.0.2.70"))
        assert response.status_code == 200
    before = written(db_session)
    response = client.post("/password/forgot", data={"email": "who10@example.test"}, environ_base=at("192.0.2.70"))
    assert_throttled(response, b"Too many password reset requests.")
    assert b"If an account exists" not in response.data
    assert written(db_session) == before


def test_reset_requests_for_one_email_stop_at_five_known_or_not_with_the_same_answer(client, db_session):
    user = gen_user(db_session)
    answers = []
    for email in (user.email, "nobody-at-all@example.test"):
        for n in range(5):
            client.post("/password/forgot", data={"email": email}, environ_base=at(f"198.51.100.{n}"))
        answers.append(client.post("/password/forgot", data={"email": email.upper()}, environ_base=at("198.51.100.9")))
    for response in answers:
        assert_throttled(response, b"Too many password reset requests.")
    # The same page but for the address and the CSRF tokens (signed with the second they were made).
    assert same_page(answers[0], user.email.upper()) == same_page(answers[1], "NOBODY-AT-ALL@EXAMPLE.TEST")


def test_parallel_requests_from_one_address_are_counted_exactly(app):
    """Real commits from 15 threads (one connection each): the advisory locks let exactly 10 through."""
    engine = app.extensions["db_engine"]
    ip, run = "198.18.0.30", uuid.uuid4().hex[:10]
    statuses: list[int] = []
    barrier = threading.Barrier(15)

    def request(n: int) -> None:
        client = app.test_client()
        barrier.wait(timeout=10)
        data = {"email": f"parallel-{run}-{n}@example.test"}
        statuses.append(client.post("/password/forgot", data=data, environ_base=at(ip)).status_code)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(15)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [200] * 10 + [429] * 5
        with Session(engine) as session:
            assert session.scalar(select(func.count()).where(LoginAttempt.ip_address == ip)) == 10
    finally:
        with Session(engine) as session:
            session.execute(delete(LoginAttempt).where(LoginAttempt.ip_address == ip))
            session.commit()


# --- a new verification link -----------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_new_verification_links_stop_at_five_an_hour_per_account(client, auth, db_session, htmx):
    user = gen_user(db_session, is_verified=False)
    auth.login(user.email, PASSWORD)
    headers = {"HX-Request": "true"} if htmx else {}
    for _ in range(5):
        assert client.post("/account/verify/resend", headers=headers).status_code in (200, 303)
    before = written(db_session)

    response = client.post("/account/verify/resend", headers=headers)

    assert_throttled(response, b"Too many requests for a new link.")
    if htmx:  # the banner alone, to swap in place
        assert b'id="verify-banner"' in response.data and b"<html" not in response.data
    else:
        assert b"<html" in response.data and b"Please wait a little" in response.data
    assert written(db_session) == before


# --- behind a proxy ---------------------------------------------------------------------------


@pytest.fixture
def proxied_app(db_session):
    """The app behind one trusted proxy (JOBHIVE_PROXY_HOPS=1), sharing the test's transaction."""
    behind = create_app({"DATABASE_URL": TEST_DATABASE_URL, "TESTING": True, "WTF_CSRF_ENABLED": False, "PROXY_HOPS": 1})
    behind.extensions["db_bind"] = db_session.get_bind()
    yield behind
    behind.extensions["db_engine"].dispose()


def test_behind_a_proxy_the_forwarded_client_address_is_counted(proxied_app, db_session):
    client = proxied_app.test_client()

    def forgot(n: int, client_address: str):
        return client.post(
            "/password/forgot",
            data={"email": f"proxied{n}@example.test"},
            headers={"X-Forwarded-For": client_address},
            environ_base=at("10.0.0.1"),  # the proxy itself
        )

    for n in range(10):
        assert forgot(n, "203.0.113.80").status_code == 200
    assert forgot(10, "203.0.113.80").status_code == 429
    assert forgot(11, "203.0.113.81").status_code == 200  # another client behind the same proxy
    counted = db_session.scalars(select(LoginAttempt.ip_address).where(LoginAttempt.kind == "reset_request")).all()
    assert set(counted) == {"203.0.113.80", "203.0.113.81"}
