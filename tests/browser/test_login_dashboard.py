"""A person logs in with the demo accounts and sees their dashboard."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "jobhive-demo-pass"


def log_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_demo_employer_logs_in_and_sees_the_company_dashboard(page: Page):
    log_in(page, "employer@jobhive.test")

    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", name="Acme Robotics")).to_be_visible()
    recent = page.get_by_role("region", name="Latest completed interviews")
    expect(recent.locator("tbody tr")).to_have_count(10)
    expect(page.get_by_role("region", name="Active jobs").locator("tbody tr").first).to_be_visible()
    assert page.console_errors == []


def test_wrong_password_shows_one_generic_message(page: Page):
    log_in(page, "employer@jobhive.test", "definitely-wrong-password")
    expect(page.get_by_role("alert")).to_have_text("Invalid email or password.")
    expect(page).to_have_url(re.compile(r"/login$"))


def test_candidate_sees_practice_sessions_and_can_log_out(page: Page):
    log_in(page, "candidate@jobhive.test")
    expect(page.get_by_role("heading", name="Recent practice sessions")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 6
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("You have been logged out.")).to_be_visible()


def test_admin_sees_platform_overview(page: Page):
    log_in(page, "admin@jobhive.test")
    expect(page.get_by_role("heading", name="Platform overview")).to_be_visible()
    expect(page.get_by_role("cell", name="Candidates")).to_be_visible()


def test_unknown_page_is_a_styled_404(page: Page):
    response = page.goto("/jobs-that-do-not-exist")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_employer_pages_back_a_week_without_reloading(page: Page):
    log_in(page, "employer@jobhive.test")
    summary = page.locator("#week-summary")
    expect(summary.get_by_role("heading")).to_contain_text("This week")
    page.evaluate("window.__marker = 'same page'")
    summary.get_by_role("link", name="Previous week").click()
    expect(summary.get_by_role("heading")).to_contain_text("Week by status")
    expect(page).to_have_url(re.compile(r"/dashboard\?week=\d{4}-\d{2}-\d{2}$"))
    assert page.evaluate("window.__marker") == "same page"  # swapped by htmx, not a reload
    expect(summary.get_by_role("link", name="Next week")).to_be_visible()
    assert page.console_errors == []
