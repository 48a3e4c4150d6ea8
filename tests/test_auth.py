"""Logging in and out with the real login form."""

from __future__ import annotations

from tests.factories import PASSWORD, gen_user

GENERIC = b"Invalid email or password."


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Log in" in response.data


def test_login_with_right_password_lands_on_dashboard(client, auth, db_session):
    user = gen_user(db_session, first_name="Ada")
    response = auth.login(user.email, PASSWORD, follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/dashboard"
    assert b"Welcome back, Ada." in response.data


def test_email_is_matched_case_insensitively(client, auth, db_session):
    user = gen_user(db_session)
    response = auth.login(user.email.upper(), PASSWORD)
    assert response.status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_generic_message(client, auth, db_session):
    user = gen_user(db_session)
    wrong = auth.login(user.email, "not the password at all")
    unknown = auth.login("nobody@example.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 422
    assert GENERIC in wrong.data and GENERIC in unknown.data
    assert b"Welcome" not in wrong.data


def test_inactive_user_cannot_log_in(client, auth, db_session):
    user = gen_user(db_session, is_active=False)
    response = auth.login(user.email, PASSWORD)
    assert response.status_code == 422
    assert GENERIC in response.data


def test_empty_and_malformed_input_gets_field_messages_not_500(client, auth):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert b"This field is required." in response.data
    response = client.post("/login", data={"email": "not-an-email\x00", "password": "x" * 5000})
    assert response.status_code == 422
    assert b"Field cannot be longer than 128 characters." in response.data
    response = client.post("/login", data={"email": "\x00" * 300, "password": "\u2603" * 20})
    assert response.status_code == 422
    assert b"Field cannot be longer than 255 characters." in response.data


def test_next_parameter_only_allows_local_paths(client, auth, db_session):
    user = gen_user(db_session)
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/dashboard"


def test_next_parameter_returns_to_the_page_asked_for(client, db_session):
    user = gen_user(db_session)
    response = client.post("/login?next=/healthz", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/healthz"


def test_dashboard_requires_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_htmx_request_without_login_redirects_the_whole_page(client):
    response = client.get("/dashboard", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/login")


def test_logout_ends_the_session(client, auth, db_session):
    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_logout_page_asks_for_confirmation(client, auth, db_session):
    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    response = client.get("/logout")
    assert response.status_code == 200
    assert b"Log out?" in response.data
    assert client.get("/dashboard").status_code == 200


def test_a_copied_cookie_is_useless_after_logout(app, client, auth, db_session):
    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    stolen = client.get_cookie("session").value
    auth.logout()

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/dashboard").status_code == 302


def test_login_is_audited(client, auth, db_session):
    from sqlalchemy import select

    from webapp.models import AuditEvent

    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert actions == ["user.login"]
