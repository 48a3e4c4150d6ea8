"""Forgot password, the signed single-use reset link, and what a reset ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.factories import PASSWORD, backdated_token, gen_user, mail_link
from webapp.accounts import services
from webapp.accounts.views import FORGOT_SENT
from webapp.models import AuditEvent, LoginSession, OutboxMessage

NEW_PASSWORD = "my brand new passphrase"


def mails_to(db_session, email: str) -> int:
    return db_session.scalar(select(func.count()).where(func.lower(OutboxMessage.to_address) == email.lower()))


def reset(client, db_session, user, password=NEW_PASSWORD, confirm=None):
    client.post("/password/forgot", data={"email": user.email})
    link = mail_link(db_session, user.email)
    return link, client.post(link, data={"password": password, "confirm": confirm or password})


def test_forgot_password_page_renders(client):
    response = client.get("/password/forgot")
    assert response.status_code == 200
    assert b"Forgot your password?" in response.data


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, db_session):
    user = gen_user(db_session)
    known = client.post("/password/forgot", data={"email": user.email.upper()})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.test"})
    malformed = client.post("/password/forgot", data={"email": "not an address"})
    assert known.status_code == unknown.status_code == malformed.status_code == 200
    for response in (known, unknown, malformed):
        assert FORGOT_SENT.encode() in response.data
    assert mails_to(db_session, user.email) == 1
    assert mails_to(db_session, "nobody@example.test") == 0


def test_inactive_accounts_get_no_mail(client, db_session):
    user = gen_user(db_session, is_active=False)
    response = client.post("/password/forgot", data={"email": user.email})
    assert FORGOT_SENT.encode() in response.data
    assert mails_to(db_session, user.email) == 0


def test_repeated_requests_send_one_mail_per_few_minutes(client, db_session):
    user = gen_user(db_session)
    for _ in range(3):
        assert FORGOT_SENT.encode() in client.post("/password/forgot", data={"email": user.email}).data
    assert mails_to(db_session, user.email) == 1
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.to_address == user.email)
        .values(created_at=func.now() - timedelta(minutes=6))
    )
    client.post("/password/forgot", data={"email": user.email})
    assert mails_to(db_session, user.email) == 2


@pytest.mark.parametrize("email", ["", "\x00", "x" * 300])
def test_bad_forgot_input_gets_a_message_and_sends_nothing(client, db_session, email):
    before = db_session.scalar(select(func.count()).select_from(OutboxMessage))
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 422
    assert b'class="field-error"' in response.data
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == before


def test_the_reset_link_shows_a_form_and_sets_the_new_password(client, auth, db_session):
    user = gen_user(db_session)
    client.post("/password/forgot", data={"email": user.email})
    link = mail_link(db_session, user.email)
    form = client.get(link)
    assert form.status_code == 200
    assert b"Choose a new password" in form.data and user.email.encode() in form.data

    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert response.request.path == "/login"
    assert b"Your password has been reset" in response.data
    assert auth.login(user.email, PASSWORD).status_code == 422
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert "user.password_reset" in actions


def test_a_reset_link_works_once(client, db_session):
    user = gen_user(db_session)
    link, response = reset(client, db_session, user)
    assert response.status_code == 302
    again = client.post(link, data={"password": "another new passphrase", "confirm": "another new passphrase"})
    assert again.status_code == 400
    assert b"This password reset link has already been used or is out of date." in again.data
    assert client.get(link).status_code == 400


def test_a_reset_logs_out_every_session_even_a_copied_cookie(app, client, auth, db_session):
    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/dashboard").status_code == 200

    stranger = app.test_client()  # the reset happens in another browser, logged out
    link, response = reset(stranger, db_session, user)
    assert response.status_code == 302

    assert thief.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 302
    live = db_session.scalar(
        select(func.count()).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    )
    assert live == 0


def test_resetting_while_logged_in_logs_this_browser_out_too(client, auth, db_session):
    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    _link, response = reset(client, db_session, user)
    assert response.headers["Location"] == "/login"
    assert client.get("/dashboard").status_code == 302


def test_an_expired_reset_link_is_refused(app, client, db_session):
    user = gen_user(db_session)
    client.post("/password/forgot", data={"email": user.email})
    token = mail_link(db_session, user.email).rsplit("/", 1)[1]
    old = backdated_token(app.config["SECRET_KEY"], token, services.RESET_SALT, timedelta(minutes=61))
    response = client.post(f"/password/reset/{old}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert b"This password reset link has expired." in response.data
    assert b"Ask for a new link" in response.data
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_tampered_reset_link_is_refused(client, db_session):
    user = gen_user(db_session)
    client.post("/password/forgot", data={"email": user.email})
    link = mail_link(db_session, user.email)
    response = client.get(link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB"))
    assert response.status_code == 400
    assert b"This password reset link is not valid." in response.data


def test_a_verification_token_is_not_a_reset_token(client, db_session):
    client.post(
        "/register",
        data={
            "account_type": "candidate",
            "username": "grace",
            "email": "grace@example.test",
            "first_name": "Grace",
            "last_name": "Hopper",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    token = mail_link(db_session, "grace@example.test").rsplit("/", 1)[1]
    assert client.get(f"/password/reset/{token}").status_code == 400


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", b"Your password must be 12 to 128 characters long."),
        (" " * 20, " " * 20, b"Your password cannot be only spaces."),
        ("x" * 129, "x" * 129, b"Your password must be 12 to 128 characters long."),
        (NEW_PASSWORD, "different entirely", b"The two passwords do not match."),
    ],
)
def test_the_new_password_follows_the_rules(client, auth, db_session, password, confirm, message):
    user = gen_user(db_session)
    link, response = reset(client, db_session, user, password=password, confirm=confirm)
    assert response.status_code == 422
    assert message in response.data
    # Nothing changed: the old password still works and the link is still good.
    assert auth.login(user.email, PASSWORD).status_code == 302
    assert client.get(link).status_code == 200
