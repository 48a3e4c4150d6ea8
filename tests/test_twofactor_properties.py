"""Property-based: arbitrary input to the login and 2FA forms never gives a 5xx and never logs anyone in.

Each example runs in its own rolled-back transaction (function-scoped fixtures would be
shared by every example), so throttling rows from one example never leak into the next.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import rolled_back_session
from tests.factories import PASSWORD, gen_recovery_codes, gen_two_factor_user, gen_user
from webapp import db
from webapp.auth import pending
from webapp.models import LoginSession, RecoveryCode, TwoFactorState, User

SETTINGS = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

# Any text a browser can send (no lone surrogates: they cannot be encoded), plus the classics.
any_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "123456\x00",
            "12345",
            "1234567",
            "000000",
            "abcd-efgh-jkmn-pqrs",
            "' OR '1'='1",
            "<script>alert(1)</script>",
            "İ" * 255,
            "9" * 64,
            "a" * 5000,
            "١٢٣٤٥٦",
        ]
    ),
)
extra_fields = st.dictionaries(
    st.sampled_from(["role", "is_staff", "company_id", "enable_2fa", "user_id", "secret_key", "next", "uid"]),
    any_text,
    max_size=3,
)


def assert_not_logged_in(client, session: Session) -> None:
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 0
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def log_in(client, user: User) -> None:
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


@SETTINGS
@given(use_real_email=st.booleans(), email=any_text, password=any_text, extra=extra_fields, next_url=any_text)
# Cases that once reached PostgreSQL: a NUL byte in the email, an email that grows when lower-cased.
@example(use_real_email=False, email="a\x00b@example.test", password="long enough password", extra={}, next_url="/")
@example(use_real_email=False, email="İ" * 255, password="long enough password", extra={"role": "admin"}, next_url="")
def test_login_form_never_errors_and_never_logs_in(app, use_real_email, email, password, extra, next_url):
    with rolled_back_session(app) as session:
        user = gen_user(session)
        data = extra | {"email": user.email if use_real_email else email, "password": password}
        if password == PASSWORD:
            data["password"] = PASSWORD + "!"
        client = app.test_client()
        response = client.post("/login", data=data, query_string={"next": next_url})
        assert response.status_code in (422, 429), response.status_code
        assert_not_logged_in(client, session)
        db.session.remove()


@SETTINGS
@given(code=any_text, extra=extra_fields)
def test_second_step_never_errors_and_never_logs_in_with_a_made_up_code(app, code, extra):
    with rolled_back_session(app) as session:
        user = gen_two_factor_user(session)
        gen_recovery_codes(session, user)
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie[pending.KEY] = {"uid": user.id, "exp": time.time() + 60, "next": None}
        response = client.post("/login/two-factor", data=extra | {"code": code})
        assert response.status_code in (422, 429), response.status_code
        assert_not_logged_in(client, session)
        assert session.get(TwoFactorState, user.id).last_accepted_step is None
        assert session.scalar(select(func.count()).where(RecoveryCode.used_at.is_not(None))) == 0
        db.session.remove()


@SETTINGS
@given(code=any_text, extra=extra_fields)
def test_enrollment_confirmation_never_errors_and_never_turns_2fa_on_with_a_made_up_code(app, code, extra):
    with rolled_back_session(app) as session:
        user = gen_user(session)
        client = app.test_client()
        log_in(client, user)
        assert client.post("/account/two-factor/enroll").status_code == 302
        response = client.post("/account/two-factor/confirm", data=extra | {"code": code})
        assert response.status_code == 422, response.status_code
        session.refresh(user)
        assert not user.enable_2fa
        assert session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
        db.session.remove()


@SETTINGS
@given(password=any_text, code=any_text, regenerate=st.booleans(), extra=extra_fields)
def test_disable_and_regenerate_never_error_and_change_nothing_with_made_up_input(
    app, password, code, regenerate, extra
):
    with rolled_back_session(app) as session:
        user = gen_two_factor_user(session)
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie[pending.KEY] = {"uid": user.id, "exp": time.time() + 60, "next": None}
        codes = gen_recovery_codes(session, user)
        # Logged in with a recovery code, so no TOTP step is taken before the made-up input.
        assert client.post("/login/two-factor", data={"code": codes[0]}).status_code == 302
        before = set(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.used_at.is_(None))))
        if regenerate:
            response = client.post("/account/two-factor/recovery-codes", data=extra | {"code": code})
        else:
            if password == PASSWORD:
                password += "!"
            response = client.post("/account/two-factor/disable", data=extra | {"password": password, "code": code})
        assert response.status_code in (422, 429), response.status_code
        session.refresh(user)
        assert user.enable_2fa and user.secret_key
        assert set(session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.used_at.is_(None)))) == before
        db.session.remove()

