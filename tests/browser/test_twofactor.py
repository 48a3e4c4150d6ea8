"""A person turns on two-factor authentication in a real browser and logs in with a code from the shown key."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pyotp
from playwright.sync_api import Page, expect
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from tests.factories import PASSWORD
from webapp.auth.passwords import hash_password
from webapp.db import make_engine
from webapp.models import AuditEvent, LoginAttempt, User


@contextmanager
def fresh_user(database_url: str) -> Iterator[str]:
    """A new candidate committed to the live server's database; it and its traces are deleted afterwards."""
    engine = make_engine(database_url)
    email = f"browser-2fa-{uuid.uuid4().hex[:10]}@example.test"
    with Session(engine) as session:
        user = User(username=email, email=email, password=hash_password(PASSWORD), role="user", first_name="Tove")
        session.add(user)
        session.commit()
        user_id = user.id
    try:
        yield email
    finally:
        with Session(engine) as session:
            session.execute(
                delete(AuditEvent).where(or_(AuditEvent.actor_id == user_id, AuditEvent.target_id == str(user_id)))
            )
            session.execute(
                delete(LoginAttempt).where(or_(LoginAttempt.email == email, LoginAttempt.user_id == user_id))
            )
            session.execute(delete(User).where(User.id == user_id))  # cascades to sessions, codes, 2FA state
            session.commit()
        engine.dispose()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def current_time_in_step() -> float:
    """Now, after waiting out the last 3 seconds of a time step, so a code made now is still current when sent."""
    now = time.time()
    if now % 30 > 27:
        time.sleep(30 - now % 30 + 0.05)
    return time.time()


def test_enrolls_two_factor_and_logs_in_with_a_code_from_the_shown_key(page: Page, demo_database_url: str):
    with fresh_user(demo_database_url) as email:
        log_in(page, email)
        expect(page).to_have_url(re.compile(r"/dashboard$"))

        page.goto("/account/two-factor/")
        expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
        page.get_by_role("button", name="Set up two-factor authentication").click()
        expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
        expect(page.get_by_role("img", name="QR code with your two-factor key").locator("svg")).to_be_visible()
        key = page.locator("#manual-key").inner_text()
        assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)
        totp = pyotp.TOTP(key.replace(" ", ""))

        now = current_time_in_step()
        enrolled_step = int(now // 30)
        page.get_by_label("Code from your app").fill(totp.at(now))
        page.get_by_role("button", name="Turn on two-factor authentication").click()
        expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
        expect(page.get_by_text("This is the only time we show these codes.")).to_be_visible()
        codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
        expect(codes).to_have_count(10)
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", codes.first.inner_text())

        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(re.compile(r"/login$"))

        log_in(page, email)
        expect(page).to_have_url(re.compile(r"/login/two-factor$"))
        expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
        # Between the steps nobody is logged in: the dashboard sends us back to the login page.
        page.goto("/dashboard")
        expect(page).to_have_url(re.compile(r"/login\?next="))
        page.go_back()
        expect(page).to_have_url(re.compile(r"/login/two-factor$"))

        # The enrollment spent this step's code; the next step's is unused and accepted (one step of drift).
        page.get_by_label("Authentication code").fill(totp.at((enrolled_step + 1) * 30))
        page.get_by_role("button", name="Verify and log in").click()
        expect(page).to_have_url(re.compile(r"/dashboard$"))
        expect(page.get_by_text("Welcome back, Tove.")).to_be_visible()
        assert page.console_errors == []


def test_wrong_code_and_recovery_code_at_login(page: Page, demo_database_url: str):
    with fresh_user(demo_database_url) as email:
        engine = make_engine(demo_database_url)
        with Session(engine) as session:
            from webapp.auth.twofactor import new_recovery_codes

            user = session.scalars(select(User).where(User.email == email)).one()
            user.secret_key, user.enable_2fa = pyotp.random_base32(), True
            codes = new_recovery_codes(session, user.id)
            session.commit()
        engine.dispose()

        log_in(page, email)
        page.get_by_label("Authentication code").fill("12345")
        page.get_by_role("button", name="Verify and log in").click()
        field_error = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
        expect(page.locator(".field-error")).to_have_text(field_error)
        expect(page.get_by_label("Authentication code")).to_have_attribute("aria-invalid", "true")

        page.get_by_label("Authentication code").fill(codes[0])
        page.get_by_role("button", name="Verify and log in").click()
        expect(page).to_have_url(re.compile(r"/dashboard$"))
        expect(page.get_by_text("you have 9 recovery codes left")).to_be_visible()


def test_admin_without_two_factor_is_pointed_to_setup(page: Page):
    log_in(page, "admin@jobhive.test", "jobhive-demo-pass")
    notice = page.get_by_role("note", name="Two-factor authentication")
    expect(notice).to_be_visible()
    notice.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))
    expect(page.get_by_role("button", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("note", name="Two-factor authentication")).to_have_count(0)
