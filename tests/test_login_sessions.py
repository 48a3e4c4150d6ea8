"""Login sessions end on their own (idle timeout, absolute lifetime) and are listed and signed out on the account page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, gen_login_session, gen_user
from tests.querycount import recorded_statements
from webapp.config import ConfigError, from_environment
from webapp.models import AuditEvent, LoginSession

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
HTMX = {"HX-Request": "true", "HX-Target": "sessions-list"}
EXPIRED = "Your session expired. Please log in again."


def browser(app, user, user_agent: str = FIREFOX, address: str = "198.51.100.4"):
    """A logged-in test client with its own cookie jar, user agent and address."""
    client = app.test_client()
    environ = {"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": address}
    client.environ_base.update(environ)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    client.get("/account")  # shows (and so clears) the welcome message
    return client


def newest_session(db_session, user) -> LoginSession:
    db_session.expire_all()
    return db_session.scalars(
        select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id.desc())
    ).first()


def age(db_session, login: LoginSession, *, created: timedelta | None = None, seen: timedelta | None = None) -> None:
    """Move a session into the past, as if it was created / last used that long ago."""
    now = datetime.now(UTC)
    if created is not None:
        login.created_at = now - created
    if seen is not None:
        login.last_seen_at = now - seen
    db_session.flush()


def is_logged_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def expired_and_told(client, db_session, login: LoginSession) -> None:
    """The next request is sent to log in with the expiry message, and the row is marked revoked."""
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert EXPIRED in page
    assert "Please log in to continue." not in page  # one clear message, not two
    db_session.refresh(login)
    assert login.revoked_at is not None
    assert not is_logged_in(client)


# --- expiry ---------------------------------------------------------------------------


def test_a_session_idle_past_the_limit_expires(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_IDLE_MINUTES", 60)
    user = gen_user(db_session)
    client = browser(app, user)
    login = newest_session(db_session, user)
    # last_seen_at is written at most every 5 minutes, so idleness is counted 5 minutes late, never early.
    age(db_session, login, seen=timedelta(minutes=64))
    assert is_logged_in(client)
    db_session.refresh(login)
    assert login.revoked_at is None and datetime.now(UTC) - login.last_seen_at < timedelta(minutes=1)
    age(db_session, login, seen=timedelta(minutes=66))
    expired_and_told(client, db_session, login)


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_DAYS", 30)
    user = gen_user(db_session)
    client = browser(app, user)
    login = newest_session(db_session, user)
    age(db_session, login, created=timedelta(days=29, hours=23), seen=timedelta(seconds=10))
    assert is_logged_in(client)
    age(db_session, login, created=timedelta(days=30, minutes=1), seen=timedelta(seconds=10))
    expired_and_told(client, db_session, login)


def test_admins_get_a_shorter_idle_timeout_by_default(app, db_session):
    """Defaults: 2 hours idle for admins, 14 days for everyone else."""
    assert (app.config["LOGIN_ADMIN_IDLE_MINUTES"], app.config["LOGIN_IDLE_MINUTES"]) == (120, 14 * 24 * 60)
    admin, candidate = gen_user(db_session, role="admin"), gen_user(db_session, role="user")
    admin_client, candidate_client = browser(app, admin), browser(app, candidate)
    admin_login, candidate_login = newest_session(db_session, admin), newest_session(db_session, candidate)
    age(db_session, admin_login, seen=timedelta(hours=3))
    age(db_session, candidate_login, seen=timedelta(hours=3))
    assert is_logged_in(candidate_client)
    expired_and_told(admin_client, db_session, admin_login)
    age(db_session, candidate_login, seen=timedelta(days=14, minutes=6))
    expired_and_told(candidate_client, db_session, candidate_login)


def test_an_expired_htmx_request_navigates_the_whole_window_to_login(app, db_session, monkeypatch):
    user = gen_user(db_session)
    client = browser(app, user)
    login = newest_session(db_session, user)
    age(db_session, login, created=timedelta(days=31))
    response = client.post("/account", data={"first_name": "Ada"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"].startswith("/login")
    assert EXPIRED in client.get("/login").get_data(as_text=True)
    db_session.refresh(login)
    assert login.revoked_at is not None


def test_a_live_session_costs_one_statement_per_request(app, db_session):
    """The expiry check is computed from the row the loader reads anyway."""
    user = gen_user(db_session)
    client = browser(app, user)
    with recorded_statements(app) as statements:
        assert client.get(f"/account/avatar/{user.id}").status_code == 404  # no photo: the page does one read
    assert len(statements) == 2, statements
    assert "users_loginsession" in statements[0] and "users_loginsession" not in statements[1]


def test_the_limits_come_from_the_environment_and_bad_values_are_refused():
    base = {"JOBHIVE_ENV": "testing"}
    defaults = from_environment(base)
    assert (defaults["LOGIN_IDLE_MINUTES"], defaults["LOGIN_ADMIN_IDLE_MINUTES"], defaults["LOGIN_MAX_DAYS"]) == (
        20160, 120, 30
    )
    chosen = from_environment(
        base
        | {
            "JOBHIVE_SESSION_IDLE_MINUTES": "480",
            "JOBHIVE_ADMIN_SESSION_IDLE_MINUTES": "15",
            "JOBHIVE_SESSION_MAX_DAYS": "7",
        }
    )
    assert (chosen["LOGIN_IDLE_MINUTES"], chosen["LOGIN_ADMIN_IDLE_MINUTES"], chosen["LOGIN_MAX_DAYS"]) == (480, 15, 7)
    for variable, raw in (
        ("JOBHIVE_SESSION_IDLE_MINUTES", "2h"),
        ("JOBHIVE_ADMIN_SESSION_IDLE_MINUTES", "0"),
        ("JOBHIVE_SESSION_MAX_DAYS", "366"),
        ("JOBHIVE_SESSION_MAX_DAYS", "-1"),
    ):
        with pytest.raises(ConfigError, match=variable):
            from_environment(base | {variable: raw})


# --- the account page's list ---------------------------------------------------------


def test_the_account_page_lists_live_sessions_with_device_address_and_this_device(app, db_session):
    user = gen_user(db_session)
    laptop = browser(app, user, FIREFOX, "198.51.100.4")
    browser(app, user, IPHONE, "192.0.2.33")
    gen_login_session(db_session, user, user_agent="Old Browser", revoked_at=datetime.now(UTC))
    stale = gen_login_session(db_session, user, user_agent="Stale Browser/1.0")
    age(db_session, stale, created=timedelta(days=40))
    gen_login_session(db_session, gen_user(db_session), user_agent="Someone Else/2.0")

    page = laptop.get("/account").get_data(as_text=True)
    listed = page[page.index('id="sessions"'):]
    assert "Firefox 120 on Linux" in listed and "198.51.100.4" in listed
    assert "Mobile Safari 17 on iOS (iPhone)" in listed and "192.0.2.33" in listed
    assert listed.count("This device") == 1
    this_row = listed[: listed.index("This device")]
    assert "Firefox 120 on Linux" in this_row[this_row.rindex("<tr") :]
    for absent in ("Old Browser", "Stale Browser", "Someone Else"):
        assert absent not in listed
    assert "A session ends after 14 days without use, and 30 days after logging in" in listed
    assert "Sign out all other sessions" in listed


def test_signing_out_another_session_with_htmx_swaps_the_list_and_kills_its_cookie(app, db_session):
    user = gen_user(db_session)
    laptop = browser(app, user, FIREFOX)
    phone = browser(app, user, IPHONE)
    phone_login = newest_session(db_session, user)

    response = laptop.post(f"/account/sessions/{phone_login.id}/revoke", headers=HTMX)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="sessions-list">')
    assert "Mobile Safari 17 on iOS (iPhone) was signed out." in fragment
    assert "192.0.2" not in fragment and f"session-{phone_login.id}" not in fragment
    db_session.refresh(phone_login)
    assert phone_login.revoked_at is not None
    assert not is_logged_in(phone)  # the revoked session's cookie no longer works
    assert is_logged_in(laptop)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.session_revoked")).one()
    assert (event.actor_id, event.details["session_id"]) == (user.id, phone_login.id)


def test_without_htmx_a_confirmation_page_comes_first(app, db_session):
    user = gen_user(db_session)
    laptop = browser(app, user)
    other = gen_login_session(db_session, user, user_agent=IPHONE, ip_address="192.0.2.33")

    confirm = laptop.get(f"/account/sessions/{other.id}/revoke")
    assert confirm.status_code == 200
    page = confirm.get_data(as_text=True)
    assert "Sign out Mobile Safari 17 on iOS (iPhone)?" in page and "192.0.2.33" in page
    db_session.refresh(other)
    assert other.revoked_at is None  # looking is not doing

    done = laptop.post(f"/account/sessions/{other.id}/revoke")
    assert done.status_code == 303 and done.headers["Location"].endswith("/account#sessions")
    assert "Mobile Safari 17 on iOS (iPhone) was signed out." in laptop.get("/account").get_data(as_text=True)
    db_session.refresh(other)
    assert other.revoked_at is not None
    # Again: already ended, said so, nothing else changes.
    again = laptop.post(f"/account/sessions/{other.id}/revoke", headers=HTMX)
    assert again.status_code == 200 and "That session had already ended." in again.get_data(as_text=True)


def test_another_users_session_is_not_found_and_stays_live(app, db_session):
    user, stranger = gen_user(db_session), gen_user(db_session)
    laptop = browser(app, user)
    theirs = browser(app, stranger)
    their_login = newest_session(db_session, stranger)
    for method, headers in (("GET", {}), ("POST", {}), ("POST", HTMX)):
        response = laptop.open(f"/account/sessions/{their_login.id}/revoke", method=method, headers=headers)
        assert response.status_code == 404, (method, headers)
    db_session.refresh(their_login)
    assert their_login.revoked_at is None
    assert is_logged_in(theirs)


def test_signing_out_this_device_from_the_list_is_a_logout(app, db_session):
    user = gen_user(db_session)
    laptop = browser(app, user)
    mine = newest_session(db_session, user)
    response = laptop.post(f"/account/sessions/{mine.id}/revoke", headers=HTMX)
    assert response.headers["HX-Redirect"] == "/login"
    db_session.refresh(mine)
    assert mine.revoked_at is not None
    assert not is_logged_in(laptop)


def test_signing_out_all_other_sessions_keeps_this_one(app, db_session):
    user = gen_user(db_session)
    laptop = browser(app, user, FIREFOX)
    phone = browser(app, user, IPHONE)
    tablet = browser(app, user, IPHONE, "192.0.2.99")
    mine = db_session.scalars(select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id)).first()
    stranger_login = gen_login_session(db_session, gen_user(db_session))

    assert "This browser stays logged in." in laptop.get("/account/sessions/revoke-others").get_data(as_text=True)
    response = laptop.post("/account/sessions/revoke-others", headers=HTMX)
    assert "Signed out of 2 other sessions." in response.get_data(as_text=True)
    assert not is_logged_in(phone) and not is_logged_in(tablet)
    assert is_logged_in(laptop)
    db_session.refresh(mine)
    db_session.refresh(stranger_login)
    assert mine.revoked_at is None and stranger_login.revoked_at is None


def test_the_admin_page_counts_only_sessions_that_still_work(app, db_session):
    admin, candidate = gen_user(db_session, role="admin"), gen_user(db_session)
    gen_login_session(db_session, candidate)  # live
    age(db_session, gen_login_session(db_session, candidate), seen=timedelta(days=15))  # idle too long
    age(db_session, gen_login_session(db_session, candidate), created=timedelta(days=31))  # too old
    gen_login_session(db_session, candidate, revoked_at=datetime.now(UTC))
    page = browser(app, admin).get(f"/admin/users/{candidate.id}").get_data(as_text=True)
    assert "<dt>Signed-in sessions</dt><dd>1</dd>" in page
