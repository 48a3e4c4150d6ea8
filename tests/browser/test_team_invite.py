"""The owner invites a new recruiter in a real browser; the recruiter registers through the mailed link
and sees exactly a recruiter's pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from tests.browser.test_every_page_accessible import AXE_RUN, FAILING_IMPACTS, axe_script, describe
from tests.browser.test_login_dashboard import log_in
from webapp.db import make_engine

NEW_PASSWORD = "a long enough new password"


@pytest.fixture
def invitee(demo_database_url) -> Iterator[str]:
    """A fresh address; the demo database is shared, so its account, invitation and mail go afterwards."""
    email = f"new.recruiter.{uuid.uuid4().hex[:8]}@example.test"
    yield email
    engine = make_engine(demo_database_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM users_user WHERE email = :email"), {"email": email})
        connection.execute(text("DELETE FROM company_invitation WHERE email = :email"), {"email": email})
        connection.execute(text("DELETE FROM mail_outboxmessage WHERE to_address = :email"), {"email": email})
    engine.dispose()


def mailed_link(demo_database_url: str, email: str) -> str:
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        body = connection.execute(
            text("SELECT body_text FROM mail_outboxmessage WHERE to_address = :email ORDER BY id DESC LIMIT 1"),
            {"email": email},
        ).scalar_one()
    engine.dispose()
    return re.search(r"https?://\S+/invitations/[A-Za-z0-9_-]+", body).group(0)


def test_an_invited_recruiter_registers_through_the_link_and_sees_a_recruiters_pages(
    page: Page, browser: Browser, live_server: str, demo_database_url: str, invitee: str
):
    log_in(page, "employer@jobhive.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    expect(page).to_have_url(re.compile(r"/company/members$"))
    invite = page.locator("#invite")
    invite.get_by_label("Email address").fill(invitee)
    invite.get_by_label("Role").select_option(label="Recruiter")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#flashes")).to_contain_text(f"Invitation sent to {invitee} as Recruiter")
    expect(page.get_by_role("row", name=re.compile(re.escape(invitee)))).to_contain_text("Pending")

    link = mailed_link(demo_database_url, invitee)
    # A phone: the registration page (only reachable with a live link) is checked by axe and for width here.
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    context.add_init_script(script=axe_script())
    try:
        newcomer = context.new_page()
        newcomer.goto(link)
        expect(newcomer.get_by_role("heading", name="Join Acme Robotics on JobHive")).to_be_visible()
        violations = [describe(v) for v in newcomer.evaluate(AXE_RUN)["violations"] if v["impact"] in FAILING_IMPACTS]
        assert not violations, violations
        assert newcomer.evaluate("document.documentElement.scrollWidth") <= 390
        expect(newcomer.get_by_label("Email", exact=True)).to_have_value(invitee)
        newcomer.get_by_label("First name").fill("Nora")
        newcomer.get_by_label("Last name").fill("Newcomer")
        newcomer.get_by_label("Username").fill(invitee.split("@")[0])
        newcomer.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        newcomer.get_by_label("Confirm password").fill(NEW_PASSWORD)
        newcomer.get_by_role("button", name="Create my account and join").click()

        expect(newcomer).to_have_url(re.compile(r"/dashboard$"))
        expect(newcomer.locator("#flashes")).to_contain_text("you joined Acme Robotics as Recruiter")
        menu = newcomer.get_by_role("navigation", name="Main").get_by_role("link")
        expect(menu).to_have_text(["Dashboard", "Jobs", "Interviews", "Analytics"])
        assert newcomer.goto("/billing").status == 403
        assert newcomer.goto("/company/members").status == 403
        assert newcomer.goto(link).status == 410  # the link worked once
    finally:
        context.close()
