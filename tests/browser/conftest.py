"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import text

from webapp.db import make_engine

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def forget_login_attempts(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM users_loginattempt"))
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _record_console_error(page: Page, text: str) -> None:
    # htmx logs an aborted request as afterRequest and sendAbort; a failed answer still shows here as
    # responseError (an error status) or sendError (no answer), which are kept.
    aborted = text.startswith(("htmx:sendAbort", "htmx:afterRequest"))
    (page.htmx_aborts if aborted else page.console_errors).append(text)


@pytest.fixture
def page(browser: Browser, live_server: str, demo_database_url: str) -> Iterator[Page]:
    forget_login_attempts(demo_database_url)  # every test logs in from 127.0.0.1: start unthrottled
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []  # CSP violations and script errors end up here
    page.htmx_aborts = []  # requests htmx aborted because a newer one replaced them (hx-sync): intended
    page.on("console", lambda message: message.type == "error" and _record_console_error(page, message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()
