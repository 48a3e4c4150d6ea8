"""Plan-gated features in real Chromium on the demo data: Acme Robotics is on Growth (analytics and custom
weights), the other employer on Starter (neither)."""

from __future__ import annotations

import re
from contextlib import contextmanager

from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.logins import log_in
from webapp.db import make_engine


@contextmanager
def on_plan(database_url: str, email: str, plan_name: str):
    """The user's subscription on another plan for the block (as a webhook would), then back."""
    engine = make_engine(database_url)
    select_ids = text("""SELECT s.id, s.plan_id FROM billing_customersubscription s
                         JOIN users_user u ON u.id = s.user_id WHERE u.email = :email""")
    move = text("""UPDATE billing_customersubscription
                   SET plan_id = COALESCE((SELECT id FROM billing_subscriptionplan WHERE name = :plan), plan_id)
                   WHERE id = :id""")
    with engine.begin() as connection:
        subscription_id, before = connection.execute(select_ids, {"email": email}).one()
        connection.execute(move, {"plan": plan_name, "id": subscription_id})
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE billing_customersubscription SET plan_id = :plan WHERE id = :id"),
                               {"plan": before, "id": subscription_id})
        engine.dispose()


def test_a_starter_employer_has_no_analytics_entry_and_the_page_says_which_plan_has_it(page: Page):
    log_in(page, "other@jobhive.test")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Billing")).to_be_visible()
    expect(nav.get_by_role("link", name="Analytics")).to_have_count(0)
    response = page.goto("/analytics")
    assert response.status == 402
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Analytics is not included in your Employer Starter plan")
    expect(page.locator(".feature-refused")).to_contain_text("Employer Growth")
    page.get_by_role("link", name="See plans").click()
    expect(page).to_have_url(re.compile(r"/billing/plans$"))


def test_a_control_used_after_a_downgrade_shows_the_refusal_in_place_with_focus_on_it(page: Page,
                                                                                    demo_database_url: str):
    log_in(page, "employer@jobhive.test")
    page.goto("/analytics")
    expect(page.locator("#analytics-range")).to_contain_text("(30 days)")
    with on_plan(demo_database_url, "employer@jobhive.test", "Employer Starter"):
        page.get_by_text("7 days", exact=True).click()
        heading = page.get_by_role("heading", name="Analytics is not included in your Employer Starter plan")
        expect(heading).to_be_visible()
        expect(heading).to_be_focused()
        expect(page.locator("#analytics-range")).to_have_count(0)  # the controls that no longer apply are gone
        expect(page).to_have_url(re.compile(r"/analytics$"))  # the address bar stays
    page.reload()
    expect(page.locator("#analytics-range")).to_be_visible()  # back on Growth: analytics again


def test_normalise_in_the_weights_editor_rescales_the_entries_in_place(page: Page, demo_database_url: str):
    """The button posts the form (no script needed) and the editor comes back adding up to 1.00, unsaved."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        job_id = connection.execute(text("""SELECT j.id FROM company_job j JOIN company_company c ON c.id = j.company_id
            JOIN users_user u ON u.id = c.user_id WHERE u.email = 'employer@jobhive.test'
            AND NOT EXISTS (SELECT 1 FROM interview_dynamicscoreweight d WHERE d.job_id = j.id)
            ORDER BY j.id LIMIT 1""")).scalar_one()
    engine.dispose()
    log_in(page, "employer@jobhive.test")
    page.goto(f"/jobs/{job_id}/weights")
    for part in ("Value alignment", "Confidence", "Enthusiasm", "Authenticity"):
        page.get_by_label(part, exact=True).fill("0.5")
    page.get_by_role("button", name="Normalise to 1.00").click()
    expect(page.locator("#normalise-notes")).to_contain_text("Sentiment split scaled to add up to 1.00")
    expect(page.locator("#normalise-notes")).to_be_focused()  # where the page came back: what was done
    for part in ("Value alignment", "Confidence", "Enthusiasm", "Authenticity"):
        expect(page.get_by_label(part, exact=True)).to_have_value("0.25")
    expect(page.locator("#sentiment-total-message")).to_contain_text("The sentiment sub-weights add up to 1.00.")
    expect(page.locator("#effective-total")).to_have_text("1.00")
