"""The demo employer opens a demo interview in Chromium: charts draw, notes save, nothing breaks the CSP."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from webapp.db import make_engine

DEMO_PASSWORD = "jobhive-demo-pass"


@pytest.fixture
def demo_interview(demo_database_url):
    """Acme's completed interview with the most sentiment points, its point count, and its notes restored after."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                """
                SELECT i.id, i.session_id, i.interviewer_notes, i.enable_behavioral_analysis,
                       (SELECT coalesce(max(n.id), 0) FROM interview_note n) AS last_note,
                       (SELECT count(*) FROM interview_sentimenthistory h WHERE h.interview_session_id = i.id) AS points
                FROM interview_interviewsession i
                JOIN company_job j ON j.id = i.job_id
                JOIN company_company c ON c.id = j.company_id
                JOIN users_user u ON u.id = c.user_id
                JOIN interview_sentimentsession s ON s.interview_session_id = i.id AND s.employer_visible
                WHERE u.email = 'employer@jobhive.test' AND i.status = 'completed' AND NOT i.is_practice
                ORDER BY points DESC, i.id
                LIMIT 1
                """
            )
        ).one()
    yield row
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE interview_interviewsession SET interviewer_notes = :notes WHERE id = :id"),
            {"notes": row.interviewer_notes, "id": row.id},
        )
        connection.execute(text("DELETE FROM interview_note WHERE interview_session_id = :id AND id > :last"),
                           {"id": row.id, "last": row.last_note})
    engine.dispose()


def log_in_as_employer(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("employer@jobhive.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def drawn_points(page: Page, chart_id: str) -> int:
    page.wait_for_function(f"() => document.getElementById('{chart_id}')?.data?.length > 0")
    return page.evaluate(f"document.getElementById('{chart_id}').data[0].x.length")


def test_the_timeline_draws_every_point_and_notes_save(page: Page, demo_interview):
    assert demo_interview.points >= 40  # the demo data gives every completed interview a real timeline
    log_in_as_employer(page)

    page.goto(f"/interviews/{demo_interview.session_id}")

    expect(page.get_by_role("heading", name="Sentiment timeline")).to_be_visible()
    assert drawn_points(page, "sentiment-timeline") == demo_interview.points
    assert drawn_points(page, "context-factors") == demo_interview.points
    expect(page.locator("#sentiment-timeline .main-svg").first).to_be_visible()
    if demo_interview.enable_behavioral_analysis:
        expect(page.get_by_text("AI inference.")).to_be_visible()

    notes = page.get_by_role("textbox", name="Add a note")
    notes.fill("Clear answers on <kinematics>.\nSecond round: yes.")
    page.evaluate("window.__marker = 'same page'")
    page.get_by_role("button", name="Add note").click()

    expect(page.locator("#interview-notes").get_by_role("status")).to_have_text("Note added.")
    assert page.evaluate("window.__marker") == "same page"  # saved inline, no reload
    page.reload()
    expect(page.locator("#interview-notes .note").last.locator(".notes-text")).to_have_text(
        "Clear answers on <kinematics>.\nSecond round: yes.")
    assert drawn_points(page, "sentiment-timeline") == demo_interview.points
    assert page.console_errors == []


def test_bad_notes_show_a_message_and_keep_what_was_typed(page: Page, demo_interview):
    log_in_as_employer(page)
    page.goto(f"/interviews/{demo_interview.session_id}")
    # The textarea's maxlength stops over-long notes while typing; a control character still gets through.
    expect(page.get_by_role("textbox", name="Add a note")).to_have_attribute("maxlength", "10000")
    page.get_by_role("textbox", name="Add a note").fill("ring the bell\x07")
    page.get_by_role("button", name="Add note").click()

    expect(page.get_by_role("alert").filter(has_text="not added")).to_be_visible()
    expect(page.get_by_text("Remove the invisible control characters")).to_be_visible()
    expect(page.get_by_role("textbox", name="Add a note")).to_have_value("ring the bell\x07")
    expect(page.get_by_role("textbox", name="Add a note")).to_have_attribute("aria-invalid", "true")
    # Chromium logs every 4xx response it loads; the 422 is the expected answer, anything else is a defect.
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_the_printed_report_hides_navigation_and_buttons(page: Page, demo_interview):
    log_in_as_employer(page)
    page.goto(f"/interviews/{demo_interview.session_id}")
    drawn_points(page, "sentiment-timeline")

    page.emulate_media(media="print")

    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Report technical difficulty")).to_be_hidden()
    expect(page.get_by_role("heading", name="Sentiment timeline")).to_be_visible()
    expect(page.get_by_role("heading", name="Skills")).to_be_visible()
