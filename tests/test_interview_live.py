"""The live panel of the interview page: it polls only while the interview is in progress."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_sentiment_point, gen_sentiment_session, gen_user

HX = {"HX-Request": "true", "HX-Target": "live-panel"}


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user)
    return user


@pytest.fixture
def job(db_session, employer):
    return gen_job(db_session, employer.company)


@pytest.fixture
def candidate(db_session):
    return gen_user(db_session, role="user", first_name="Lin", last_name="Park")


@pytest.fixture
def logged_in(client, auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return client


def live_panel_tag(html: str) -> str:
    """The opening tag of the live panel."""
    match = re.search(r'<div id="live-panel"[^>]*>', html)
    assert match, "no live panel in the response"
    return match.group(0)


def timeline_point_count(html: str) -> int:
    match = re.search(r'data-chart="sentiment-timeline">(.*?)</script>', html, re.S)
    if not match:
        return 0
    figure = json.loads(match.group(1))
    return len(figure["data"][0]["x"])


@pytest.mark.parametrize(("status", "polls"), [
    ("in_progress", True), ("scheduled", False), ("rescheduled", False),
    ("completed", False), ("cancelled", False), ("no_show", False),
])
def test_the_page_polls_only_while_the_interview_is_in_progress(db_session, logged_in, candidate, job, status, polls):
    interview = gen_interview(db_session, candidate, job, status=status)
    html = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    tag = live_panel_tag(html)
    live_url = f"/interviews/{interview.session_id}/live"
    if polls:
        assert 'hx-trigger="every 5s"' in tag and f'hx-get="{live_url}"' in tag and 'hx-swap="outerHTML"' in tag
        assert "Live · updates every 5 s" in html
    else:
        assert "hx-trigger" not in tag and "hx-get" not in tag
        assert "every 5s" not in html and "Live · updates" not in html


def test_the_fragment_is_the_panel_alone_with_fresh_points(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="in_progress")
    sentiment = gen_sentiment_session(db_session, interview, employer_visible=True)
    gen_sentiment_point(db_session, sentiment, timestamp=datetime.now(UTC) - timedelta(minutes=3))

    first = logged_in.get(f"/interviews/{interview.session_id}/live", headers=HX)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="live-panel"') and "<html" not in html and "Skills" not in html
    assert 'hx-trigger="every 5s"' in live_panel_tag(html)
    assert timeline_point_count(html) == 1

    gen_sentiment_point(db_session, sentiment, timestamp=datetime.now(UTC) - timedelta(minutes=1))
    second = logged_in.get(f"/interviews/{interview.session_id}/live", headers=HX).get_data(as_text=True)
    assert timeline_point_count(second) == 2
    assert "2 points" in second


def test_polling_stops_once_the_interview_ends(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="in_progress")
    url = f"/interviews/{interview.session_id}/live"
    assert 'hx-trigger="every 5s"' in live_panel_tag(logged_in.get(url, headers=HX).get_data(as_text=True))

    interview.status = "completed"
    interview.end_time = datetime.now(UTC)
    db_session.flush()
    ended = logged_in.get(url, headers=HX)
    assert ended.status_code == 200
    tag = live_panel_tag(ended.get_data(as_text=True))
    assert "hx-trigger" not in tag and "hx-get" not in tag  # the swapped-in panel no longer polls
    assert "Completed" in ended.get_data(as_text=True)


def test_the_fragment_url_opened_directly_goes_to_the_page(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="in_progress")
    response = logged_in.get(f"/interviews/{interview.session_id}/live")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/interviews/{interview.session_id}")


def test_the_fragment_is_scoped_like_the_page(db_session, client, auth, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="in_progress")
    stranger = gen_user(db_session, role="employer")
    gen_company(db_session, stranger)
    auth.login(stranger.email, PASSWORD)
    assert client.get(f"/interviews/{interview.session_id}/live", headers=HX).status_code == 404
    assert client.get("/interviews/nobody-has-this/live", headers=HX).status_code == 404


def test_each_poll_runs_a_fixed_number_of_statements(app, db_session, logged_in, candidate, job):
    """The panel is fetched every 5 s: its cost must not grow with the points it draws."""
    from sqlalchemy import event

    def statements(url: str) -> int:
        seen: list[str] = []
        bind = app.extensions["db_bind"]

        def listen(conn, cursor, statement, *args):
            seen.append(statement)

        event.listen(bind, "before_cursor_execute", listen)
        try:
            assert logged_in.get(url, headers=HX).status_code == 200
        finally:
            event.remove(bind, "before_cursor_execute", listen)
        return len(seen)

    counts = []
    for points in (1, 40):
        interview = gen_interview(db_session, candidate, job, status="in_progress")
        sentiment = gen_sentiment_session(db_session, interview, employer_visible=True)
        for i in range(points):
            gen_sentiment_point(db_session, sentiment, timestamp=datetime.now(UTC) - timedelta(seconds=30 * (i + 1)))
        db_session.expire_all()
        counts.append(statements(f"/interviews/{interview.session_id}/live"))
    assert counts[0] == counts[1]
    assert 0 < counts[1] <= 18
