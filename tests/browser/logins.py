"""Logging in through the login form, as a person would (shared by the browser tests)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from webapp.demo.catalog import DEMO_PASSWORD


def log_in(page: Page, email: str) -> None:
    """Log in as `email` (demo password) and wait for the dashboard."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
