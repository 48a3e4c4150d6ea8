"""Two-factor authentication: the two-step login, enrollment, recovery codes, turning it off, admins."""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, gen_login_attempt, gen_recovery_codes, gen_two_factor_user, gen_user
from tests.locks import wait_for_lock_waiters
from webapp import create_app
from webapp.auth import pending, twofactor
from webapp.auth.passwords import hash_password
from webapp.config import from_environment
from webapp.models import AuditEvent, LoginAttempt, LoginSession, RecoveryCode, TwoFactorState, User

INVALID_CODE = b"That code is not valid, or it was already used."
THROTTLED = b"Too many failed attempts. Try again in"


# --- helpers --------------------------------------------------------------------------------


def fresh_step_time() -> float:
    """Now, after waiting out the last 3 seconds of a time step so a code computed here is still current."""
    now = time.time()
    if now % 30 > 27:
        time.sleep(30 - now % 30 + 0.05)
        now = time.time()
    return now


def code_at(user: User, offset_steps: int = 0, now: float | None = None) -> str:
    return pyotp.TOTP(user.secret_key).at(now if now is not None else fresh_step_time(), counter_offset=offset_steps)


def password_step(client, user: User, next_url: str | None = None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": user.email, "password": PASSWORD})


def submit_code(client, code: str, ip: str = "127.0.0.1"):
    return client.post("/login/two-factor", data={"code": code}, environ_base={"REMOTE_ADDR": ip})


def logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def audit_actions(db_session, user: User) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.target_id == str(user.id)).order_by(AuditEvent.id)
    return db_session.scalars(query).all()


def count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


# --- the two-step login ---------------------------------------------------------------------


def test_right_password_of_a_2fa_user_only_leads_to_the_code_step(client, db_session):
    user = gen_two_factor_user(db_session)
    response = password_step(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/two-factor"
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie and "login_token" not in cookie
        marker = cookie[pending.KEY]
    assert marker["uid"] == user.id
    assert 295 <= marker["exp"] - time.time() <= 300
    assert not logged_in(client)
    assert count(db_session, LoginSession, LoginSession.user_id == user.id) == 0
    assert "user.login" not in audit_actions(db_session, user)

    page = client.get("/login/two-factor")
    assert page.status_code == 200
    assert b"Enter your code" in page.data
    assert b'autocomplete="one-time-code"' in page.data


def test_nothing_is_reachable_between_the_steps(client, db_session):
    user = gen_two_factor_user(db_session)
    password_step(client, user)
    for path in ("/dashboard", "/account/two-factor/", "/account/two-factor/disable"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    fragment = client.get("/dashboard?week=2026-01-05", headers={"HX-Request": "true", "HX-Target": "week-summary"})
    assert fragment.status_code == 200
    assert fragment.headers["HX-Redirect"].startswith("/login")
    assert fragment.data == b""


def test_right_code_logs_in_and_is_audited(client, db_session):
    user = gen_two_factor_user(db_session, first_name="Grace")
    password_step(client, user, next_url="/healthz")
    now = fresh_step_time()
    response = submit_code(client, code_at(user, now=now))
    assert response.status_code == 302
    assert response.headers["Location"] == "/healthz"
    assert logged_in(client)
    with client.session_transaction() as cookie:
        assert pending.KEY not in cookie
    assert db_session.get(TwoFactorState, user.id).last_accepted_step == int(now // 30)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.login")).one()
    assert event.actor_id == user.id and event.details == {"second_factor": "totp"}
    rows = db_session.scalars(select(LoginAttempt).where(LoginAttempt.user_id == user.id).order_by(LoginAttempt.id))
    assert [(a.kind, a.email, a.succeeded) for a in rows] == [
        ("password", user.email.lower(), True),
        ("second_factor", user.email.lower(), True),
    ]


def test_code_with_spaces_is_accepted_and_welcome_is_shown(client, db_session):
    user = gen_two_factor_user(db_session, first_name="Grace")
    password_step(client, user)
    code = code_at(user)
    response = client.post("/login/two-factor", data={"code": f" {code[:3]} {code[3:]} "}, follow_redirects=True)
    assert response.request.path == "/dashboard"
    assert b"Welcome back, Grace." in response.data


def test_a_code_is_never_accepted_twice(client, db_session):
    user = gen_two_factor_user(db_session)
    now = fresh_step_time()
    code = code_at(user, now=now)
    password_step(client, user)
    assert submit_code(client, code).status_code == 302
    client.post("/logout")

    password_step(client, user)
    response = submit_code(client, code)
    assert response.status_code == 422
    assert INVALID_CODE in response.data
    assert not logged_in(client)


def test_an_older_code_is_refused_after_a_newer_one(client, db_session):
    user = gen_two_factor_user(db_session)
    now = fresh_step_time()
    password_step(client, user)
    assert submit_code(client, code_at(user, +1, now=now)).status_code == 302
    client.post("/logout")
    password_step(client, user)
    assert submit_code(client, code_at(user, 0, now=now)).status_code == 422


@pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (1, True), (-2, False), (2, False), (-20, False)])
def test_one_step_of_drift_is_accepted_two_are_not(client, db_session, offset, accepted):
    user = gen_two_factor_user(db_session)
    password_step(client, user)
    response = submit_code(client, code_at(user, offset))
    assert (response.status_code == 302) is accepted
    assert logged_in(client) is accepted


def test_malformed_codes_get_a_field_message_and_are_not_checks(client, db_session):
    user = gen_two_factor_user(db_session)
    password_step(client, user)
    before = count(db_session, LoginAttempt)
    for bad in ("", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "x" * 500, "12\x0034"):
        response = submit_code(client, bad)
        assert response.status_code == 422, bad
        assert b'class="field-error"' in response.data
        assert b'aria-invalid="true"' in response.data
    assert count(db_session, LoginAttempt) == before
    assert not logged_in(client)


def test_wrong_codes_are_throttled_across_sessions(app, client, db_session):
    user = gen_two_factor_user(db_session)
    other_browser = app.test_client()
    password_step(client, user)
    password_step(other_browser, user)
    wrong = str((int(code_at(user)) + 1) % 1_000_000).zfill(6)
    for n in range(5):
        browser = client if n % 2 else other_browser
        response = submit_code(browser, wrong, ip=f"192.0.2.{n + 1}")
        assert response.status_code == 422
        assert INVALID_CODE in response.data

    response = submit_code(client, code_at(user), ip="192.0.2.77")
    assert response.status_code == 429
    assert THROTTLED in response.data
    assert "Retry-After" in response.headers
    assert not logged_in(client)
    failed = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.login_failed", AuditEvent.target_id == str(user.id))
    ).all()
    assert [e.details["reason"] for e in failed] == ["invalid"] * 5 + ["throttled"]
    assert all(e.details["stage"] == "second_factor" and e.details["user_id"] == user.id for e in failed)
    # The refused right code was not even checked: its step is still free.
    assert db_session.get(TwoFactorState, user.id).last_accepted_step is None


def test_old_second_factor_failures_do_not_count(client, db_session):
    user = gen_two_factor_user(db_session)
    for _ in range(5):
        gen_login_attempt(db_session, kind="second_factor", user_id=user.id, ago=timedelta(minutes=20))
    password_step(client, user)
    assert submit_code(client, code_at(user)).status_code == 302


def test_the_pending_marker_expires_after_five_minutes(client, db_session):
    user = gen_two_factor_user(db_session)
    password_step(client, user)
    with client.session_transaction() as cookie:
        cookie[pending.KEY] = cookie[pending.KEY] | {"exp": time.time() - 1}

    response = submit_code(client, code_at(user))
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not logged_in(client)
    assert db_session.get(TwoFactorState, user.id).last_accepted_step is None
    page = client.get("/login")
    assert b"Your login took too long." in page.data
    with client.session_transaction() as cookie:
        assert pending.KEY not in cookie


def test_code_step_without_a_password_step_goes_to_login(client, db_session):
    response = client.get("/login/two-factor")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    htmx = client.post("/login/two-factor", data={"code": "123456"}, headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/login"


def test_a_forged_marker_for_a_user_without_2fa_goes_to_login(client, db_session):
    user = gen_user(db_session)
    with client.session_transaction() as cookie:
        cookie[pending.KEY] = {"uid": user.id, "exp": time.time() + 100, "next": None}
    response = submit_code(client, "123456")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not logged_in(client)


def test_users_without_2fa_log_in_with_the_password_alone(client, db_session):
    user = gen_user(db_session)
    response = password_step(client, user)
    assert response.headers["Location"] == "/dashboard"
    assert logged_in(client)


# --- recovery codes at login ----------------------------------------------------------------


def test_a_recovery_code_logs_in_once(client, db_session):
    user = gen_two_factor_user(db_session)
    codes = gen_recovery_codes(db_session, user)
    password_step(client, user)
    typed = codes[3].upper().replace("-", " ")  # as someone might copy it from paper
    response = client.post("/login/two-factor", data={"code": typed}, follow_redirects=True)
    assert response.request.path == "/dashboard"
    assert b"you have 9 recovery codes left" in response.data
    assert count(db_session, RecoveryCode, RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_not(None)) == 1
    assert audit_actions(db_session, user)[-2:] == ["user.recovery_code_used", "user.login"]
    client.post("/logout")

    password_step(client, user)
    again = submit_code(client, codes[3])
    assert again.status_code == 422
    assert not logged_in(client)
    assert submit_code(client, codes[4]).status_code == 302


def test_recovery_codes_of_another_user_do_not_work(client, db_session):
    user = gen_two_factor_user(db_session)
    other = gen_two_factor_user(db_session)
    codes = gen_recovery_codes(db_session, other)
    password_step(client, user)
    assert submit_code(client, codes[0]).status_code == 422
    assert count(db_session, RecoveryCode, RecoveryCode.used_at.is_not(None)) == 0


# --- enrollment ---------------------------------------------------------------------------------


def login(client, user):
    response = password_step(client, user)
    assert response.headers["Location"] == "/dashboard"


def test_the_page_explains_2fa_and_offers_setup(client, db_session):
    user = gen_user(db_session)
    login(client, user)
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert b"Two-factor authentication" in page.data
    assert b"Set up two-factor authentication" in page.data


def test_enrollment_shows_qr_and_key_and_turns_on_only_after_a_valid_code(client, db_session):
    user = gen_user(db_session)
    login(client, user)
    assert client.post("/account/two-factor/enroll").headers["Location"] == "/account/two-factor/enroll"
    db_session.refresh(user)
    secret = user.secret_key
    assert secret and len(secret) == 32 and not user.enable_2fa

    page = client.get("/account/two-factor/enroll")
    html = page.data.decode()
    assert page.status_code == 200
    assert '<svg width="' in html and 'class="qr-code"' in html
    key = re.search(r'<code id="manual-key"[^>]*>([A-Z2-7 ]+)</code>', html).group(1)
    assert key.replace(" ", "") == secret and key.count(" ") == 7
    assert "otpauth" not in html  # the URI is only inside the QR code, never as text or a link
    assert len(re.findall(r"<script", html)) == len(re.findall(r'<script src="/static/', html))  # no inline scripts

    wrong_code = "000000" if code_at(user) != "000000" else "111111"
    wrong = client.post("/account/two-factor/confirm", data={"code": wrong_code})
    assert wrong.status_code == 422
    assert b"That code is not right." in wrong.data
    db_session.refresh(user)
    assert not user.enable_2fa
    assert count(db_session, RecoveryCode, RecoveryCode.user_id == user.id) == 0

    now = fresh_step_time()
    done = client.post("/account/two-factor/confirm", data={"code": code_at(user, now=now)})
    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", done.data.decode())
    assert len(shown) == 10 and len(set(shown)) == 10
    assert b"This is the only time we show these codes." in done.data
    db_session.refresh(user)
    assert user.enable_2fa and user.secret_key == secret
    state = db_session.get(TwoFactorState, user.id)
    assert state.enabled_at is not None and state.last_accepted_step == int(now // 30)
    stored = set(db_session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert stored == {hashlib.sha256(code.replace("-", "").encode()).hexdigest() for code in shown}
    assert "user.2fa_enabled" in audit_actions(db_session, user)

    # Shown once: the status page only counts them.
    status = client.get("/account/two-factor/")
    assert b"10 of 10" in status.data
    assert shown[0].encode() not in status.data


def test_malformed_confirmation_codes_get_a_field_message(client, db_session):
    user = gen_user(db_session)
    login(client, user)
    client.post("/account/two-factor/enroll")
    for bad in ("", "12345", "abcdefgh", "\x00" * 6, "9" * 100):
        response = client.post("/account/two-factor/confirm", data={"code": bad})
        assert response.status_code == 422
        assert b'class="field-error"' in response.data
    db_session.refresh(user)
    assert not user.enable_2fa
    assert db_session.get(TwoFactorState, user.id) is None


def test_enrollment_cannot_replace_the_secret_of_an_enabled_user(client, db_session):
    user = gen_two_factor_user(db_session)
    secret = user.secret_key
    password_step(client, user)
    submit_code(client, code_at(user))
    for response in (client.post("/account/two-factor/enroll"), client.get("/account/two-factor/enroll")):
        assert response.headers["Location"] == "/account/two-factor/"
    response = client.post("/account/two-factor/confirm", data={"code": "123456"})
    assert response.headers["Location"] == "/account/two-factor/"
    db_session.refresh(user)
    assert user.secret_key == secret and user.enable_2fa


def test_enroll_page_without_a_started_setup_goes_back(client, db_session):
    user = gen_user(db_session)
    login(client, user)
    assert client.get("/account/two-factor/enroll").headers["Location"] == "/account/two-factor/"
    confirm = client.post("/account/two-factor/confirm", data={"code": "123456"})
    assert confirm.headers["Location"] == "/account/two-factor/"


def test_anonymous_visitors_are_sent_to_login(client):
    for path in ("/account/two-factor/", "/account/two-factor/enroll", "/account/two-factor/recovery-codes"):
        assert client.get(path).headers["Location"].startswith("/login")
    assert client.post("/account/two-factor/confirm", data={"code": "123456"}).headers["Location"].startswith("/login")


def test_login_steps_and_enrollment_need_a_csrf_token(db_session):
    strict = create_app(
        {"DATABASE_URL": "postgresql://unused@127.0.0.1/none", "TESTING": True, "WTF_CSRF_ENABLED": True}
    )
    strict.extensions["db_bind"] = db_session.connection()
    try:
        user = gen_user(db_session)
        browser = strict.test_client()
        assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
        with browser.session_transaction() as cookie:
            cookie[pending.KEY] = {"uid": user.id, "exp": time.time() + 100, "next": None}
        assert browser.post("/login/two-factor", data={"code": "123456"}).status_code == 400

        login_page = browser.get("/login").data.decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        login = browser.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert login.headers["Location"] == "/dashboard"
        assert browser.post("/account/two-factor/enroll").status_code == 400
        db_session.refresh(user)
        assert user.secret_key is None
    finally:
        strict.extensions["db_engine"].dispose()


# --- managing 2FA ---------------------------------------------------------------------------------


@pytest.fixture
def enrolled(client, db_session):
    """A logged-in user with 2FA on and ten recovery codes (returned with the user)."""
    user = gen_two_factor_user(db_session)
    codes = gen_recovery_codes(db_session, user)
    password_step(client, user)
    now = fresh_step_time()
    assert submit_code(client, code_at(user, -1, now=now)).status_code == 302  # leaves this step's code unused
    return user, codes


def test_regenerating_codes_needs_a_current_code_and_replaces_them(client, db_session, enrolled):
    user, old_codes = enrolled
    page = client.get("/account/two-factor/recovery-codes")
    assert b"All your current recovery codes stop working" in page.data

    refused = client.post("/account/two-factor/recovery-codes", data={"code": "12-34-56"})
    assert refused.status_code == 422
    assert count(db_session, RecoveryCode, RecoveryCode.user_id == user.id) == 10

    response = client.post("/account/two-factor/recovery-codes", data={"code": code_at(user)})
    assert response.status_code == 200
    new_codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", response.data.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert b"Your previous codes no longer work." in response.data
    assert "user.recovery_codes_regenerated" in audit_actions(db_session, user)
    assert not twofactor.use_recovery_code(db_session, user.id, twofactor.normalize_code(old_codes[0]))
    assert twofactor.use_recovery_code(db_session, user.id, twofactor.normalize_code(new_codes[0]))


def test_turning_2fa_off_needs_password_and_code(client, db_session, enrolled):
    user, codes = enrolled
    page = client.get("/account/two-factor/disable")
    assert b"Turn off two-factor authentication?" in page.data

    wrong_password = client.post("/account/two-factor/disable", data={"password": "nope, wrong", "code": codes[0]})
    assert wrong_password.status_code == 422
    assert b"That is not your current password." in wrong_password.data
    # The recovery code typed with the wrong password was not spent.
    assert count(db_session, RecoveryCode, RecoveryCode.used_at.is_not(None)) == 0

    wrong_code = client.post("/account/two-factor/disable", data={"password": PASSWORD, "code": "000001"})
    assert wrong_code.status_code == 422
    assert b"That code is not right." in wrong_code.data
    db_session.refresh(user)
    assert user.enable_2fa

    response = client.post("/account/two-factor/disable", data={"password": PASSWORD, "code": code_at(user)})
    assert response.headers["Location"] == "/account/two-factor/"
    db_session.refresh(user)
    assert not user.enable_2fa and user.secret_key is None
    assert count(db_session, RecoveryCode, RecoveryCode.user_id == user.id) == 0
    assert db_session.get(TwoFactorState, user.id).enabled_at is None
    assert "user.2fa_disabled" in audit_actions(db_session, user)
    client.post("/logout")
    assert password_step(client, user).headers["Location"] == "/dashboard"


def test_turning_2fa_off_with_a_recovery_code(client, db_session, enrolled):
    user, codes = enrolled
    response = client.post("/account/two-factor/disable", data={"password": PASSWORD, "code": codes[9]})
    assert response.status_code == 302
    db_session.refresh(user)
    assert not user.enable_2fa


def test_turning_2fa_off_is_throttled(client, db_session, enrolled):
    user, _ = enrolled
    for _ in range(5):
        client.post("/account/two-factor/disable", data={"password": "wrong guess", "code": "123456"})
    response = client.post("/account/two-factor/disable", data={"password": PASSWORD, "code": code_at(user)})
    assert response.status_code == 429
    assert THROTTLED in response.data
    db_session.refresh(user)
    assert user.enable_2fa


def test_management_pages_redirect_when_2fa_is_off(client, db_session):
    user = gen_user(db_session)
    login(client, user)
    for path in ("/account/two-factor/disable", "/account/two-factor/recovery-codes"):
        assert client.get(path).headers["Location"] == "/account/two-factor/"
        response = client.post(path, data={"password": PASSWORD, "code": "123456"})
        assert response.headers["Location"] == "/account/two-factor/"


# --- admins -------------------------------------------------------------------------------------


NOTICE = b"Set up two-factor authentication</a>"


def test_admin_without_2fa_sees_a_notice_everywhere_but_the_2fa_pages(client, db_session):
    admin = gen_user(db_session, role="admin")
    login(client, admin)
    dashboard = client.get("/dashboard")
    assert NOTICE in dashboard.data
    assert b'href="/account/two-factor/"' in dashboard.data
    assert NOTICE not in client.get("/account/two-factor/").data


def test_no_notice_for_admins_with_2fa_or_other_roles(app, client, db_session):
    employer = gen_user(db_session, role="employer")
    login(client, employer)
    assert NOTICE not in client.get("/dashboard").data
    client.post("/logout")
    admin = gen_two_factor_user(db_session, role="admin")
    password_step(client, admin)
    submit_code(client, code_at(admin))
    assert NOTICE not in client.get("/dashboard").data


def test_required_setting_sends_admins_without_2fa_to_enrollment(app, client, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_2FA_REQUIRED", True)
    admin = gen_user(db_session, role="admin")
    login(client, admin)
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor/"
    htmx = client.get("/dashboard", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/account/two-factor/"
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert b"Admins must turn on two-factor authentication" in page.data
    assert client.get("/static/app.css").status_code == 200
    assert client.post("/account/two-factor/enroll").headers["Location"] == "/account/two-factor/enroll"
    assert client.get("/account/two-factor/enroll").status_code == 200
    assert client.post("/logout").headers["Location"] == "/login"


def test_required_setting_leaves_enrolled_admins_and_other_roles_alone(app, client, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_2FA_REQUIRED", True)
    login(client, gen_user(db_session, role="employer"))
    assert client.get("/dashboard").status_code == 200
    client.post("/logout")
    admin = gen_two_factor_user(db_session, role="admin")
    password_step(client, admin)
    submit_code(client, code_at(admin))
    assert client.get("/dashboard").status_code == 200


def test_admin_2fa_setting_is_read_from_the_environment():
    assert from_environment({"JOBHIVE_ENV": "testing"})["ADMIN_2FA_REQUIRED"] is False
    assert from_environment({"JOBHIVE_ENV": "testing", "JOBHIVE_ADMIN_2FA_REQUIRED": "1"})["ADMIN_2FA_REQUIRED"] is True


# --- concurrency: real commits from two connections --------------------------------------------


@pytest.fixture
def committed_2fa_user(app):
    """A 2FA user committed for real (no rolled-back test transaction), deleted afterwards."""
    engine = app.extensions["db_engine"]
    email = f"race-{uuid.uuid4().hex[:10]}@example.test"
    with Session(engine, expire_on_commit=False) as session:
        user = User(
            username=email, email=email, password=hash_password(PASSWORD), role="user",
            enable_2fa=True, secret_key=pyotp.random_base32(),
        )
        session.add(user)
        session.commit()
    yield user
    with Session(engine) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.target_id == str(user.id)))
        session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
        session.execute(delete(User).where(User.id == user.id))  # cascades to state, codes, attempts, sessions
        session.commit()


def test_two_connections_accepting_one_step_exactly_one_wins(app, committed_2fa_user):
    """Deterministic interleaving: B's conditional UPDATE waits for A's row lock, then finds the step taken."""
    engine = app.extensions["db_engine"]
    user_id, step = committed_2fa_user.id, int(time.time() // 30)
    results: dict[str, bool] = {}
    with Session(engine) as first, Session(engine) as second:
        results["first"] = twofactor.accept_step(first, user_id, step)  # holds the row lock, not committed
        waiter = threading.Thread(target=lambda: results.update(second=twofactor.accept_step(second, user_id, step)))
        waiter.start()
        _wait_until_blocked(engine)
        first.commit()
        waiter.join(timeout=10)
        second.commit()
    assert results == {"first": True, "second": False}


def test_two_parallel_logins_with_one_code_exactly_one_wins(app, committed_2fa_user):
    user = committed_2fa_user
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        assert password_step(browser, user).headers["Location"] == "/login/two-factor"
    code = code_at(user)
    barrier, statuses = threading.Barrier(2), []

    def submit(browser):
        barrier.wait()
        statuses.append(submit_code(browser, code, ip="198.18.0.2").status_code)

    threads = [threading.Thread(target=submit, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [302, 422]
    with Session(app.extensions["db_engine"]) as session:
        assert session.scalar(select(func.count()).where(LoginSession.user_id == user.id)) == 1


def test_two_connections_spending_one_recovery_code_exactly_one_wins(app, committed_2fa_user):
    engine = app.extensions["db_engine"]
    with Session(engine) as session:
        code = twofactor.normalize_code(twofactor.new_recovery_codes(session, committed_2fa_user.id)[0])
        session.commit()
    results: dict[str, bool] = {}
    with Session(engine) as first, Session(engine) as second:
        results["first"] = twofactor.use_recovery_code(first, committed_2fa_user.id, code)
        waiter = threading.Thread(
            target=lambda: results.update(second=twofactor.use_recovery_code(second, committed_2fa_user.id, code))
        )
        waiter.start()
        _wait_until_blocked(engine)
        first.commit()
        waiter.join(timeout=10)
        second.commit()
    assert results == {"first": True, "second": False}


def _wait_until_blocked(engine, timeout: float = 10) -> None:
    """Until some backend of this database waits on a lock (the second transaction reached its UPDATE)."""
    if not wait_for_lock_waiters(engine, timeout=timeout):
        raise AssertionError("the second transaction never waited for the first")
