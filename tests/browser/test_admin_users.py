"""The demo admin filters the user list as they type, without a page reload."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_login_dashboard import log_in


def test_admin_searches_users_as_they_type(page: Page):
    log_in(page, "admin@jobhive.test")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    rows = page.locator("#user-rows tbody tr")
    expect(page.locator("#user-rows")).to_contain_text(re.compile(r"Showing 1–25 of \d+ users"))
    expect(rows).to_have_count(25)
    page.evaluate("window.__marker = 'same page'")

    search = page.get_by_label("Search")
    search.press_sequentially("casey", delay=60)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Casey Rivera")
    expect(rows.first).to_contain_text("candidate@jobhive.test")
    expect(page.locator("#user-rows")).to_contain_text("Showing 1–1 of 1 user")
    expect(page).to_have_url(re.compile(r"/admin/users\?q=casey"))
    expect(search).to_be_focused()  # the box was not replaced: typing can go on

    # A filter select refreshes the rows too, and a sort link keeps the search.
    search.fill("")
    # The cleared search lands first (else its delayed request, read before the sort's answer, could undo the sort).
    expect(page.locator("#user-rows")).not_to_contain_text("Showing 1–1 of 1 user")
    page.get_by_label("Role").select_option("employer")
    expect(page).to_have_url(re.compile(r"role=employer"))
    expect(rows.first.get_by_role("cell").nth(2)).to_have_text("Employer")
    page.get_by_role("link", name=re.compile("^Email")).click()
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("Email")
    search.press_sequentially("acme", delay=60)
    expect(page).to_have_url(re.compile(r"q=acme.*sort=email|sort=email.*q=acme"))

    assert page.evaluate("window.__marker") == "same page"  # swapped by htmx, not a reload
    assert page.console_errors == []
