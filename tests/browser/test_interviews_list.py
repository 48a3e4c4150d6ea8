"""An employer finds interviews in the list without page reloads (demo data: Acme Robotics).

Expected rows come from the demo database itself, so the test follows the seed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from webapp.db import make_engine

DEMO_PASSWORD = "jobhive-demo-pass"
PER_PAGE = 25
ACME_INTERVIEWS = """
    FROM interview_interviewsession i
    JOIN company_job j ON j.id = i.job_id
    JOIN company_company c ON c.id = j.company_id
    JOIN users_user owner ON owner.id = c.user_id
    LEFT JOIN users_user u ON u.id = i.user_id
    WHERE owner.email = 'employer@jobhive.test' AND i.is_practice IS NOT TRUE
"""


@pytest.fixture(scope="module")
def acme(demo_database_url):
    """(all Acme interviews, a candidate's last name with how many of them are theirs)."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        total = connection.execute(text(f"SELECT count(*) {ACME_INTERVIEWS}")).scalar_one()
        last_name, count = connection.execute(
            text(
                f"SELECT u.last_name, count(*) {ACME_INTERVIEWS} AND u.last_name <> '' "
                "GROUP BY u.last_name ORDER BY count(*) DESC, u.last_name LIMIT 1"
            )
        ).one()
        # The name must not also match other candidates' names or emails (the search looks at both).
        matching = connection.execute(
            text(
                f"SELECT count(*) {ACME_INTERVIEWS} AND (concat_ws(' ', u.first_name, u.last_name) ILIKE :p "
                "OR u.email ILIKE :p)"
            ),
            {"p": f"%{last_name}%"},
        ).scalar_one()
    engine.dispose()
    assert total > 1 and matching < total, "the demo data should have several Acme interviews"
    return total, last_name, matching


def open_interviews(page: Page, total: int):
    page.goto("/login")
    page.get_by_label("Email").fill("employer@jobhive.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Interviews").click()
    expect(page).to_have_url(re.compile(r"/interviews$"))
    rows = page.locator("#interview-rows tbody tr")
    expect(rows).to_have_count(min(total, PER_PAGE))
    page.evaluate("window.__marker = 'same page'")  # gone if anything reloads the page
    return rows


def test_typing_a_name_filters_the_rows_in_place_and_updates_the_url(page: Page, acme):
    total, last_name, matching = acme
    rows = open_interviews(page, total)
    search = page.get_by_role("searchbox", name="Search candidates")

    search.fill(last_name.lower())  # one input event: one request, one history entry

    expect(page).to_have_url(re.compile(rf"/interviews\?q={re.escape(last_name.lower())}$"))
    expect(rows).to_have_count(min(matching, PER_PAGE))
    for n in range(min(matching, PER_PAGE)):
        expect(rows.nth(n).get_by_role("rowheader")).to_contain_text(last_name)
    expect(search).to_be_focused()  # typing was never interrupted
    assert page.evaluate("window.__marker") == "same page"

    search.fill("nobody by this name")
    expect(page.locator("#interview-rows")).to_contain_text("No interviews match “nobody by this name”")
    expect(page).to_have_url(re.compile(r"/interviews\?q=nobody\+by\+this\+name$"))

    page.go_back()
    expect(page).to_have_url(re.compile(rf"/interviews\?q={re.escape(last_name.lower())}$"))
    expect(rows).to_have_count(min(matching, PER_PAGE))
    expect(page.get_by_role("searchbox", name="Search candidates")).to_have_value(last_name.lower())
    assert page.console_errors == []


def test_filters_and_sorting_update_rows_and_url_and_bad_dates_say_why(page: Page, acme):
    total, _, _ = acme
    rows = open_interviews(page, total)

    page.get_by_label("Status").select_option("completed")
    expect(page).to_have_url(re.compile(r"/interviews\?status=completed$"))
    expect(rows.first.locator(".pill.status-completed")).to_be_visible()
    expect(page.locator("#interview-rows .pill[class*='status-']:not(.status-completed)")).to_have_count(0)

    page.get_by_role("columnheader", name=re.compile(r"^Technical")).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/interviews\?status=completed&sort=-technical$"))
    expect(page.get_by_role("columnheader", name=re.compile(r"^Technical"))).to_have_attribute(
        "aria-sort", "descending"
    )

    page.get_by_label("From").fill("2026-03-12")
    expect(page).to_have_url(re.compile(r"/interviews\?status=completed&from=2026-03-12&sort=-technical$"))
    page.get_by_label("To").fill("2026-03-01")
    expect(page.locator("#interview-rows [role=alert]")).to_contain_text("The end date is before the start date")
    # The address bar keeps the last good state, and the page never reloaded.
    expect(page).to_have_url(re.compile(r"/interviews\?status=completed&from=2026-03-12&sort=-technical$"))
    assert page.evaluate("window.__marker") == "same page"
    assert [e for e in page.console_errors if "422" not in e] == []
