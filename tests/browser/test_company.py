"""An employer sets up the company in a real browser: timing with a live preview, the profile."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.test_login_dashboard import log_in
from webapp.db import make_engine

RESTORED = (
    "company_name",
    "industry",
    "updated_at",
    "custom_interview_timing",
    "interview_duration_minutes",
    "interview_first_warning_seconds",
    "interview_final_warning_seconds",
    "interview_force_end_seconds",
    "allow_interview_extensions",
    "max_interview_extensions",
    "interview_extension_minutes",
)


@pytest.fixture
def acme_restored(demo_database_url) -> Iterator[None]:
    """The demo database is shared by every browser test: put Acme's row back afterwards."""
    engine = make_engine(demo_database_url)
    select_acme = (
        "SELECT c.id, " + ", ".join(f"c.{column}" for column in RESTORED) + " FROM company_company c "
        "JOIN users_user u ON u.id = c.user_id WHERE u.email = 'employer@jobhive.test'"
    )
    with engine.connect() as connection:
        before = dict(connection.execute(text(select_acme)).mappings().one())
    yield
    with engine.begin() as connection:
        assignments = ", ".join(f"{column} = :{column}" for column in RESTORED)
        connection.execute(text(f"UPDATE company_company SET {assignments} WHERE id = :id"), before)
    engine.dispose()


def test_employer_tunes_interview_timing_and_sees_the_timeline_change_as_they_type(page: Page, acme_restored):
    log_in(page, "employer@jobhive.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Company").click()
    expect(page).to_have_url(re.compile(r"/company$"))
    timing = page.locator("#company-timing")
    preview = page.locator("#timing-preview")
    expect(preview).to_contain_text("45 min; warning at 40:00, final at 43:00, ends at 44:50; up to 2 extensions of 10 min")
    page.evaluate("window.__marker = 'same page'")

    duration = timing.get_by_label("Interview length (minutes)")
    duration.fill("")
    duration.press_sequentially("60", delay=60)
    expect(preview).to_contain_text("60 min; warning at 55:00, final at 58:00, ends at 59:50")

    final = timing.get_by_label("Final warning (seconds before the end)")
    final.fill("")
    final.press_sequentially("400", delay=60)
    expect(preview).to_contain_text("The final warning must come after the first warning")
    final.fill("")
    final.press_sequentially("90", delay=60)
    expect(preview).to_contain_text("60 min; warning at 55:00, final at 58:30, ends at 59:50; up to 2 extensions of 10 min")

    timing.get_by_label("Let candidates ask for more time").uncheck()
    expect(preview).to_contain_text("ends at 59:50; no extensions")

    timing.get_by_role("button", name="Save timing").click()
    expect(page.locator("#company-timing").get_by_role("status")).to_have_text("Interview timing saved.")
    assert page.evaluate("window.__marker") == "same page"  # swapped in place, not reloaded

    page.reload()
    expect(page.locator("#timing-preview")).to_contain_text("60 min; warning at 55:00, final at 58:30, ends at 59:50; no extensions")
    assert page.console_errors == []


def test_turning_custom_timing_off_shows_the_platform_defaults(page: Page, acme_restored):
    log_in(page, "employer@jobhive.test")
    page.goto("/company#company-timing")
    timing = page.locator("#company-timing")
    defaults = timing.locator(".timing-defaults")
    expect(defaults).to_be_hidden()
    timing.get_by_label("Use our own interview timing").uncheck()
    expect(defaults).to_be_visible()
    expect(defaults).to_contain_text("30 minutes")
    expect(timing.get_by_label("Interview length (minutes)")).to_be_hidden()
    expect(page.locator("#timing-preview")).to_contain_text("Platform defaults: 30 min; warning at 25:00")
    assert page.console_errors == []


def test_a_conflicting_save_is_explained_next_to_the_field(page: Page, acme_restored):
    log_in(page, "employer@jobhive.test")
    page.goto("/company#company-timing")
    timing = page.locator("#company-timing")
    timing.get_by_label("Force end (seconds before the end)").fill("200")
    timing.get_by_role("button", name="Save timing").click()
    field = page.locator("#company-timing").get_by_label("Force end (seconds before the end)")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#interview_force_end_seconds-error")).to_have_text(
        "Force end must come after the final warning: use fewer seconds than the final warning (120)."
    )
    expect(page.locator("#company-timing").get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(field).to_be_focused()


def test_employer_edits_the_profile_in_place(page: Page, acme_restored):
    log_in(page, "employer@jobhive.test")
    page.goto("/company")
    profile = page.locator("#company-profile")
    profile.get_by_label("Company name").fill("Acme Robotics International")
    profile.get_by_label("Industry").fill("Aerospace")
    page.evaluate("window.__marker = 'same page'")
    profile.get_by_role("button", name="Save profile").click()
    expect(page.locator("#company-profile").get_by_role("status")).to_have_text("Company profile saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Robotics International")
    assert page.evaluate("window.__marker") == "same page"
    assert page.console_errors == []
