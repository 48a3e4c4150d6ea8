"""Scorecards in Chromium: an interviewer submits one; a second interviewer of the same interview does not see
its ratings until submitting their own, then does (Lever's convention)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from tests.browser.test_keyboard import announced, press, tab_to, wait_for_focus
from webapp.db import make_engine

DEMO_PASSWORD = "jobhive-demo-pass"
FIRST_NOTES = "Explained the kinematics model clearly; first interviewer's verdict."


@pytest.fixture
def two_interviewers(demo_database_url) -> Iterator[dict]:
    """Two new interviewers of Acme (the demo interviewer's password), both assigned to a completed Acme
    interview nobody has a scorecard of yet; deleted afterwards with their scorecards and assignments."""
    engine = make_engine(demo_database_url)
    tag = secrets.token_hex(3)
    people = []
    with engine.begin() as c:
        columns = [name for (name,) in c.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'users_user'"
            " AND column_name NOT IN ('id', 'email', 'username', 'first_name', 'last_name')"))]
        listed = ", ".join(columns)
        interview = c.execute(text(
            """SELECT s.id, s.session_id, j.company_id FROM interview_interviewsession s
               JOIN company_job j ON j.id = s.job_id JOIN company_company co ON co.id = j.company_id
               JOIN users_user u ON u.id = co.user_id
               WHERE u.email = 'employer@jobhive.test' AND s.status = 'completed' AND NOT s.is_practice
                 AND NOT EXISTS (SELECT 1 FROM interview_scorecard c WHERE c.interview_session_id = s.id)
               ORDER BY s.id LIMIT 1""")).one()
        for first in ("Fay", "Sol"):
            email = f"{first.lower()}.{tag}@jobhive.test"
            user_id = c.execute(text(
                f"INSERT INTO users_user ({listed}, email, username, first_name, last_name)"
                f" SELECT {listed}, :email, :username, :first, 'Scorer' FROM users_user"
                " WHERE email = 'interviewer@jobhive.test' RETURNING id"),
                {"email": email, "username": f"{first.lower()}-{tag}", "first": first}).scalar_one()
            c.execute(text("INSERT INTO company_member (company_id, user_id, role) VALUES (:co, :u, 'interviewer')"),
                      {"co": interview.company_id, "u": user_id})
            c.execute(text("INSERT INTO interview_assignment (interview_session_id, user_id) VALUES (:s, :u)"),
                      {"s": interview.id, "u": user_id})
            people.append({"id": user_id, "email": email, "name": f"{first} Scorer"})
    yield {"session_id": interview.session_id, "first": people[0], "second": people[1]}
    with engine.begin() as c:
        c.execute(text("DELETE FROM users_user WHERE id = ANY(:ids)"), {"ids": [p["id"] for p in people]})
    engine.dispose()


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def fill_scorecard(page: Page, rating: str, recommendation: str, notes: str | None = None) -> None:
    card = page.locator("#scorecards form")
    for group in card.locator("fieldset").all():
        legend = group.locator("legend").inner_text()
        choice = recommendation if legend == "Overall recommendation" else rating
        group.get_by_label(choice, exact=True).check()
    if notes is not None:
        card.get_by_label("Notes for the hiring team").fill(notes)


def test_a_scorecard_stays_hidden_from_another_interviewer_until_they_submit_theirs(
    page: Page, browser: Browser, live_server: str, two_interviewers
):
    interview_url = f"/interviews/{two_interviewers['session_id']}"
    first, second = two_interviewers["first"], two_interviewers["second"]

    log_in(page, first["email"])
    page.goto(interview_url)
    expect(page.get_by_role("heading", name="Scorecards")).to_be_visible()
    fill_scorecard(page, "4 · Strong yes", "Strong yes", FIRST_NOTES)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#scorecards").get_by_role("status")).to_have_text("Scorecard submitted.")
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    # Focus stayed with the scorecard's submit button across the swap (its words changed, its key did not).
    expect(page.get_by_role("button", name="Save changes")).to_be_focused()

    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    other = context.new_page()
    try:
        log_in(other, second["email"])
        other.goto(interview_url)
        expect(other.locator("#scorecards-hidden")).to_have_text("1 scorecard submitted: submit yours to see it.")
        html = other.content()
        assert FIRST_NOTES not in html and "Strong yes</span>" not in html  # no rating, no recommendation
        assert 'id="scorecard-summary"' not in html

        # Submitting with nothing rated is refused in place, with every problem said.
        other.get_by_role("button", name="Submit scorecard").click()
        expect(other.locator("#scorecards").get_by_role("alert")).to_contain_text("was not submitted")
        expect(other.get_by_text("Choose an overall recommendation before submitting.")).to_be_visible()
        expect(other.get_by_text(FIRST_NOTES)).to_have_count(0)

        fill_scorecard(other, "2 · No", "No")
        other.get_by_role("button", name="Submit scorecard").click()
        expect(other.locator("#scorecards").get_by_role("status")).to_have_text("Scorecard submitted.")
        shown = other.locator(".scorecard-list")
        expect(shown).to_contain_text(FIRST_NOTES)
        expect(shown).to_contain_text(first["name"])
        expect(shown).to_contain_text("4 · Strong yes")
        expect(other.locator("#scorecard-summary")).to_contain_text(re.compile(r"People: [\d.]+\s+\(\d+ submitted scorecards? for this job\)"))
        assert other.locator("#scorecards-hidden").count() == 0
    finally:
        context.close()
    assert page.console_errors == []


def test_a_scorecard_is_filled_in_and_submitted_by_keyboard_alone(page: Page, two_interviewers, demo_database_url):
    first = two_interviewers["first"]
    log_in(page, first["email"])
    page.goto(f"/interviews/{two_interviewers['session_id']}")
    groups = page.locator("#scorecards form fieldset").count()

    # Tab reaches each radio group once; Space picks its first answer (1 · Definitely not, then Strong no).
    tab_to(page, "#scorecards input[type=radio]", limit=300)
    for index in range(groups):
        page.keyboard.press("Space")
        expect(page.locator("#scorecards fieldset").nth(index).locator("input:checked")).to_have_count(1)
        press(page, "Tab")
    tab_to(page, "#scorecards button", name="Submit scorecard")
    page.keyboard.press("Enter")

    expect(page.locator("#scorecards").get_by_role("status")).to_have_text("Scorecard submitted.")
    wait_for_focus(page, "#scorecards button[data-focus-key=scorecard-submit]")  # now "Save changes"
    announced(page).to_have_text("Scorecard submitted.")
    engine = make_engine(demo_database_url)
    with engine.connect() as c:
        card = c.execute(text(
            """SELECT c.recommendation, array_agg(r.rating) AS ratings FROM interview_scorecard c
               JOIN interview_scorecardrating r ON r.scorecard_id = c.id
               WHERE c.author_id = :u AND c.submitted_at IS NOT NULL GROUP BY c.id"""), {"u": first["id"]}).one()
    engine.dispose()
    assert card.recommendation == "strong_no" and set(card.ratings) == {1} and len(card.ratings) == groups - 1
    assert page.console_errors == []
