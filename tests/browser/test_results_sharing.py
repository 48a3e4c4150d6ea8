"""The two sharing switches in Chromium, by keyboard: Space flips each one in place (htmx), the new state is
said in words and read back from the database, focus stays on the switch, and each is left as it was."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.logins import log_in
from webapp.db import make_engine


def _flag(demo_database_url: str, column: str, session_id: str) -> bool | None:
    engine = make_engine(demo_database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(f"""SELECT s.{column} FROM interview_sentimentsession s
                         JOIN interview_interviewsession i ON i.id = s.interview_session_id
                         WHERE i.session_id = :sid ORDER BY s.created_at DESC NULLS LAST, s.id DESC LIMIT 1"""),
                {"sid": session_id},
            ).scalar_one()
    finally:
        engine.dispose()


def _one(demo_database_url: str, sql: str) -> str:
    engine = make_engine(demo_database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def acme_interview(demo_database_url):
    """A completed interview of the demo employer's company with a sentiment summary; its flag restored after."""
    session_id = _one(demo_database_url, """
        SELECT i.session_id FROM interview_interviewsession i
        JOIN company_job j ON j.id = i.job_id JOIN company_company c ON c.id = j.company_id
        JOIN users_user u ON u.id = c.user_id
        WHERE u.email = 'employer@jobhive.test' AND i.status = 'completed' AND NOT i.is_practice
          AND EXISTS (SELECT 1 FROM interview_sentimentsession s WHERE s.interview_session_id = i.id)
        ORDER BY i.id LIMIT 1""")
    before = _flag(demo_database_url, "interviewer_visible", session_id)
    yield session_id
    engine = make_engine(demo_database_url)
    with engine.begin() as connection:
        connection.execute(text("""UPDATE interview_sentimentsession SET interviewer_visible = :v
                                   WHERE interview_session_id = (SELECT id FROM interview_interviewsession
                                                                 WHERE session_id = :sid)"""),
                           {"v": before, "sid": session_id})
    engine.dispose()


@pytest.fixture
def practice_session(demo_database_url):
    """The demo candidate's newest completed practice session with a tone analysis; its flag restored after."""
    session_id = _one(demo_database_url, """
        SELECT i.session_id FROM interview_interviewsession i JOIN users_user u ON u.id = i.user_id
        WHERE u.email = 'candidate@jobhive.test' AND i.is_practice AND i.status = 'completed'
          AND EXISTS (SELECT 1 FROM interview_sentimentsession s WHERE s.interview_session_id = i.id)
        ORDER BY i.start_time DESC, i.id DESC LIMIT 1""")
    before = _flag(demo_database_url, "employer_visible", session_id)
    yield session_id
    engine = make_engine(demo_database_url)
    with engine.begin() as connection:
        connection.execute(text("""UPDATE interview_sentimentsession SET employer_visible = :v
                                   WHERE interview_session_id = (SELECT id FROM interview_interviewsession
                                                                 WHERE session_id = :sid)"""),
                           {"v": before, "sid": session_id})
    engine.dispose()


def _press_twice(page: Page, switch: str, state: str, words: dict[str, str], read_flag) -> None:
    page.locator(switch).focus()
    before = page.locator(switch).get_attribute("aria-checked")
    for expected in ("false" if before == "true" else "true", before):
        page.keyboard.press("Space")
        expect(page.locator(switch)).to_have_attribute("aria-checked", expected)
        expect(page.locator(state)).to_contain_text(words[expected])
        page.wait_for_function(f"() => document.activeElement === document.querySelector('{switch}')")
        assert read_flag() is (expected == "true")


def test_the_employer_shares_results_by_keyboard(page: Page, demo_database_url, acme_interview):
    log_in(page, "employer@jobhive.test")
    page.goto(f"/interviews/{acme_interview}")
    expect(page.get_by_role("heading", name="Results for the candidate")).to_be_visible()
    expect(page.get_by_role("switch", name="Candidate can see these results")).to_be_visible()
    _press_twice(page, "#results-sharing-switch", "#results-sharing-state",
                 {"true": "Shared: the candidate can see these results.", "false": "Not shared"},
                 lambda: _flag(demo_database_url, "interviewer_visible", acme_interview))
    assert page.console_errors == []


def test_the_candidate_shares_a_practice_tone_by_keyboard(page: Page, demo_database_url, practice_session):
    log_in(page, "candidate@jobhive.test")
    page.goto(f"/practice/{practice_session}")
    expect(page.get_by_role("switch", name="Employers may see my practice sentiment")).to_be_visible()
    _press_twice(page, "#practice-sharing-switch", "#practice-sharing-state",
                 {"true": "On: employers who interview you", "false": "Off: only you see this session"},
                 lambda: _flag(demo_database_url, "employer_visible", practice_session))
    assert page.console_errors == []
