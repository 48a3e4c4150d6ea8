"""An in-progress demo interview updates in Chromium without a reload: the timeline gains new points."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.test_interview_page import log_in_as_employer
from webapp.db import make_engine


DEMO_EMPLOYER = "employer@jobhive.test"


@pytest.fixture
def live_interview(demo_database_url):
    """The demo employer's in-progress interview with a shared sentiment session and one point.

    The demo data only analyses completed interviews, so the test adds the sentiment session
    and its points itself (as the interview engine would while the interview runs) and
    removes them, and any status it changed, afterwards.
    """
    engine = make_engine(demo_database_url)
    undo: list[tuple[str, dict]] = []
    with engine.begin() as connection:
        row = connection.execute(
            text(
                """
                SELECT i.id, i.session_id, i.user_id, i.status, i.start_time
                FROM interview_interviewsession i
                JOIN company_job j ON j.id = i.job_id
                JOIN company_company c ON c.id = j.company_id
                JOIN users_user u ON u.id = c.user_id
                WHERE u.email = :email AND i.status IN ('in_progress', 'scheduled') AND NOT i.is_practice
                ORDER BY i.status = 'in_progress' DESC, i.id
                LIMIT 1
                """
            ),
            {"email": DEMO_EMPLOYER},
        ).one()
        if row.status != "in_progress":
            connection.execute(
                text("UPDATE interview_interviewsession SET status = 'in_progress', start_time = now() - interval '10 minutes' WHERE id = :id"),
                {"id": row.id},
            )
            undo.append(("UPDATE interview_interviewsession SET status = :status, start_time = :start WHERE id = :id",
                         {"status": row.status, "start": row.start_time, "id": row.id}))
        sentiment_id = connection.execute(
            text(
                """
                INSERT INTO interview_sentimentsession
                    (session_id, interview_session_id, user_id, positive_score, negative_score, neutral_score,
                     mixed_score, overall_sentiment, employer_visible, is_practice)
                VALUES (:sid, :interview, :user, 60, 10, 25, 5, 'positive', true, false)
                RETURNING id
                """
            ),
            {"sid": f"live-test-{row.session_id}", "interview": row.id, "user": row.user_id},
        ).scalar_one()
        undo.insert(0, ("DELETE FROM interview_sentimentsession WHERE id = :id", {"id": sentiment_id}))
        undo.insert(0, ("DELETE FROM interview_sentimenthistory WHERE sentiment_session_id = :id", {"id": sentiment_id}))
        add_point(connection, sentiment_id, row.id, minutes_ago=2)
    yield row, sentiment_id, engine
    with engine.begin() as connection:
        for statement, parameters in undo:
            connection.execute(text(statement), parameters)
    engine.dispose()


def add_point(connection, sentiment_id: int, interview_id: int, minutes_ago: int = 0) -> None:
    connection.execute(
        text(
            """
            INSERT INTO interview_sentimenthistory
                (sentiment_session_id, interview_session_id, positive_score, negative_score, neutral_score,
                 mixed_score, overall_sentiment, confidence, detail, "timestamp")
            VALUES (:sentiment, :interview, 71, 9, 15, 5, 'positive', 80, 'Live point from the test',
                    now() - make_interval(mins => :ago))
            """
        ),
        {"sentiment": sentiment_id, "interview": interview_id, "ago": minutes_ago},
    )


def test_the_panel_refreshes_in_place_while_the_interview_runs(page: Page, live_interview):
    row, sentiment_id, engine = live_interview
    log_in_as_employer(page)
    page.goto(f"/interviews/{row.session_id}")
    panel = page.locator("#live-panel")
    expect(panel).to_have_attribute("hx-trigger", "every 5s")
    expect(panel).to_contain_text("Live · updates every 5 s")
    page.wait_for_function("() => document.getElementById('sentiment-timeline')?.data?.[0]?.x?.length === 1")
    expect(panel).to_contain_text("1 point;")
    page.evaluate("window.__notReloaded = true; window.__drawnChart = document.getElementById('sentiment-timeline')")
    page.get_by_role("button", name="Show raw scores").click()  # the reader's choice must survive the redraw
    # Nothing new yet: the poll answers 204 and htmx leaves the page alone.
    with page.expect_response(lambda response: "/live?" in response.url and response.status == 204, timeout=15_000):
        pass

    with engine.begin() as connection:
        add_point(connection, sentiment_id, row.id)

    # The next poll (every 5 s) swaps in a panel that counts the new point, without a page load.
    expect(panel).to_contain_text("2 points", timeout=15_000)
    page.wait_for_function("() => document.getElementById('sentiment-timeline')?.data?.[0]?.x?.length === 2")
    assert page.evaluate("window.__notReloaded") is True
    # The chart the swap kept (hx-preserve) was redrawn in place with every point, the raw scores still shown.
    assert page.evaluate("document.getElementById('sentiment-timeline') === window.__drawnChart") is True
    expect(page.get_by_role("button", name="Show raw scores")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        "() => document.getElementById('sentiment-timeline').data.filter(t => t.meta === 'raw')"
        ".every(t => t.visible === true)"
    )
    assert page.console_errors == []
    expect(page.get_by_role("button", name="Extend by", exact=False)).to_be_visible()
