"""The browser's time zone is detected at sign-up (static/timezone.js) and shown on the account page."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, expect

from tests.browser.conftest import forget_login_attempts

PASSWORD = "a long enough browser password"


def test_a_new_york_browser_signs_up_in_new_york_time(browser: Browser, live_server: str, demo_database_url: str):
    forget_login_attempts(demo_database_url)
    context = browser.new_context(
        base_url=live_server, timezone_id="America/New_York", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        name = f"zone{uuid.uuid4().hex[:10]}"
        page.goto("/register")
        expect(page.locator("input[name=time_zone]")).to_have_value("America/New_York")
        page.get_by_label("I'm looking for a job").check()
        page.get_by_label("First name").fill("Nora")
        page.get_by_label("Last name").fill("York")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Email").fill(f"{name}@example.test")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Confirm password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        expect(page).to_have_url(re.compile(r"/register/check-email$"))

        page.goto("/login")
        page.get_by_label("Email").fill(f"{name}@example.test")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(re.compile(r"/dashboard$"))

        page.goto("/account")
        expect(page.locator("#current-time-zone")).to_contain_text("America/New_York")
        expect(page.get_by_role("combobox", name="Time zone")).to_have_value("America/New_York")
        assert errors == []
    finally:
        context.close()
