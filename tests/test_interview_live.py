"""The live panel of the interview page: it polls only while the interview is in progress."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import PASSWORD, gen_company, gen_context_factors, gen_interview, gen_job, gen_sentiment_point, gen_sentiment_session, gen_user

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


def poll_url(html: str) -> str:
    """The URL the rendered panel polls next (it says what the page shows)."""
    match = re.search(r'hx-get="([^"]+)"', live_panel_tag(html))
    assert match, "the panel does not poll"
    return unescape(match.group(1))


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
        assert 'hx-trigger="every 5s"' in tag and f'hx-get="{live_url}?v=' in tag and 'hx-swap="outerHTML"' in tag
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


# --- polls carry what the page shows: 204 when nothing changed, else only the new points -------


def _in_progress_with_points(db_session, candidate, job, minutes_ago=(3, 2), **interview):
    interview = gen_interview(db_session, candidate, job, status="in_progress", **interview)
    sentiment = gen_sentiment_session(db_session, interview, employer_visible=True)
    now = datetime.now(UTC)
    for minutes in minutes_ago:
        gen_sentiment_point(db_session, sentiment, timestamp=now - timedelta(minutes=minutes))
    return interview, sentiment


def test_a_poll_when_nothing_changed_answers_204_without_a_body(db_session, logged_in, candidate, job):
    interview, _ = _in_progress_with_points(db_session, candidate, job)
    url = poll_url(logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True))

    for _ in range(2):
        response = logged_in.get(url, headers=HX)
        assert response.status_code == 204  # htmx 2 swaps nothing on 204: the page stays as it is
        assert response.data == b""


def test_a_poll_with_new_points_redraws_the_kept_chart_with_all_of_them(db_session, logged_in, candidate, job):
    """The smoothed tone, the flag groups and the data table need every point: a poll that found a new
    one sends them all, drawn into the chart the swap keeps (hx-preserve: zoom and shown series stay)."""
    interview, sentiment = _in_progress_with_points(db_session, candidate, job)
    page = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    assert timeline_point_count(page) == 2 and "2 points" in page

    gen_sentiment_point(db_session, sentiment, timestamp=datetime.now(UTC) - timedelta(seconds=20), detail="Third answer")
    response = logged_in.get(poll_url(page), headers=HX)
    assert response.status_code == 200
    panel = response.get_data(as_text=True)
    assert timeline_point_count(panel) == 3
    assert "Third answer" in json.loads(re.search(r'data-chart="sentiment-timeline">(.*?)</script>', panel, re.S)
                                        .group(1))["data"][0]["customdata"][2]
    assert re.search(r'<div id="sentiment-timeline"[^>]*hx-preserve="true"', panel)
    assert 'id="sentiment-timeline-raw"' in panel and "3 analysed moments" in panel  # the toggle and the table
    assert "3 points" in panel and "data-chart-append" not in panel

    assert logged_in.get(poll_url(panel), headers=HX).status_code == 204  # the next poll starts after it
    now = datetime.now(UTC)
    for seconds in (10, 5):
        gen_sentiment_point(db_session, sentiment, timestamp=now - timedelta(seconds=seconds))
    later = logged_in.get(poll_url(panel), headers=HX).get_data(as_text=True)
    assert timeline_point_count(later) == 5 and "5 points" in later


def test_points_of_the_same_instant_are_each_counted_once(db_session, logged_in, candidate, job):
    interview, sentiment = _in_progress_with_points(db_session, candidate, job, minutes_ago=(1,))
    page = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    same_instant = datetime.fromisoformat(parse_qs(urlsplit(poll_url(page)).query)["after"][0])
    gen_sentiment_point(db_session, sentiment, timestamp=same_instant, detail="Same instant")

    panel = logged_in.get(poll_url(page), headers=HX).get_data(as_text=True)
    assert timeline_point_count(panel) == 2 and "2 points" in panel
    assert logged_in.get(poll_url(panel), headers=HX).status_code == 204


def test_the_first_point_draws_the_whole_chart(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="in_progress")
    sentiment = gen_sentiment_session(db_session, interview, employer_visible=True)
    page = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    assert "No sentiment points" in page
    assert "plotly" in page  # loaded already: the chart may appear with any poll

    gen_sentiment_point(db_session, sentiment, timestamp=datetime.now(UTC) - timedelta(seconds=30))
    panel = logged_in.get(poll_url(page), headers=HX).get_data(as_text=True)
    assert timeline_point_count(panel) == 1
    assert "1 point;" in panel


def test_context_factors_of_new_points_are_drawn_in_their_kept_chart(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="in_progress")
    sentiment = gen_sentiment_session(db_session, interview, employer_visible=True)
    now = datetime.now(UTC)
    gen_context_factors(db_session, gen_sentiment_point(db_session, sentiment, timestamp=now - timedelta(minutes=2)))
    page = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    assert 'data-chart="context-factors"' in page

    point = gen_sentiment_point(db_session, sentiment, timestamp=now - timedelta(seconds=30))
    gen_context_factors(db_session, point, value_alignment_score=Decimal("91.00"))
    panel = logged_in.get(poll_url(page), headers=HX).get_data(as_text=True)
    factors = json.loads(re.search(r'data-chart="context-factors">(.*?)</script>', panel, re.S).group(1))
    assert factors["data"][0]["y"][-1] == 91.0 and len(factors["data"][0]["y"]) == 2
    assert re.search(r'<div id="context-factors"[^>]*hx-preserve="true"', panel)


def test_a_change_without_new_points_still_updates_the_panel(db_session, logged_in, candidate, job):
    interview, sentiment = _in_progress_with_points(db_session, candidate, job, completion_percentage=40)
    page = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)

    interview.completion_percentage = 65
    db_session.flush()
    panel = logged_in.get(poll_url(page), headers=HX)
    assert panel.status_code == 200
    html = panel.get_data(as_text=True)
    assert "65 %" in html and "2 points" in html
    assert timeline_point_count(html) == 2  # the chart and its table stay whole

    sentiment.positive_score, sentiment.neutral_score = Decimal("58.40"), Decimal("26.60")
    db_session.flush()
    summary = logged_in.get(poll_url(html), headers=HX).get_data(as_text=True)
    assert "58.4" in summary


def test_polling_stops_when_the_interview_ends_between_polls(db_session, logged_in, candidate, job):
    interview, _ = _in_progress_with_points(db_session, candidate, job)
    url = poll_url(logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True))

    interview.status = "completed"
    interview.end_time = datetime.now(UTC)
    db_session.flush()
    ended = logged_in.get(url, headers=HX)
    assert ended.status_code == 200
    html = ended.get_data(as_text=True)
    assert "hx-trigger" not in live_panel_tag(html) and "Completed" in html


def test_a_poll_after_the_sentiment_was_hidden_shows_the_notice(db_session, logged_in, candidate, job):
    interview, sentiment = _in_progress_with_points(db_session, candidate, job)
    url = poll_url(logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True))

    sentiment.employer_visible = False
    db_session.flush()
    html = logged_in.get(url, headers=HX).get_data(as_text=True)
    assert "not shared with employers" in html
    assert "sentiment-timeline" not in html and "points=0" in poll_url(html)


@pytest.mark.parametrize("query", [
    "v=not-hex", "v=abc&points=many", "v=abc&points=-1", "v=abc&after=yesterday&after_id=1",
    "v=abc&after=2026-01-01T10:00:00&after_id=1",  # no time zone
    "v=abc&after=2026-01-01T10:00:00%2B00:00",  # no id
    "v=abc&after=2026-01-01T10:00:00%2B00:00&after_id=99999999999999999999",
])
def test_a_damaged_poll_link_is_a_clear_400(db_session, logged_in, candidate, job, query):
    interview, _ = _in_progress_with_points(db_session, candidate, job)
    response = logged_in.get(f"/interviews/{interview.session_id}/live?{query}", headers=HX)
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)


def test_the_new_point_check_reads_only_the_partitions_after_the_last_point(db_session, candidate, job):
    """The summaries' "is there a new point" test is bounded like the points read itself."""
    from webapp.interviews.page_queries import LiveCursor, select_live_summaries

    started = datetime.now(UTC) - timedelta(days=70)
    interview, _ = _in_progress_with_points(db_session, candidate, job, minutes_ago=(1,), start_time=started)
    last = datetime.now(UTC) - timedelta(minutes=1)
    statement = select_live_summaries(interview, LiveCursor("v", last_time=last, last_id=1, points=1))
    compiled = statement.compile(db_session.bind, compile_kwargs={"literal_binds": True})
    plan = "\n".join(row[0] for row in db_session.connection().exec_driver_sql(f"EXPLAIN {compiled}"))
    scanned = set(re.findall(r"interview_sentimenthistory_y(\d{4})m(\d{2})", plan))
    reachable = {(f"{day:%Y}", f"{day:%m}") for day in (last, datetime.now(UTC) + timedelta(days=1))}
    assert scanned and scanned <= reachable, plan


def test_polls_run_a_fixed_number_of_statements(app, db_session, logged_in, candidate, job):
    """Whatever the interview holds, a poll costs the same few statements; nothing changed costs fewer."""
    from tests.querycount import recorded_statements

    def counts(points: int) -> tuple[int, int]:
        interview, sentiment = _in_progress_with_points(
            db_session, candidate, job, minutes_ago=[30 - i * 0.5 for i in range(points)]
        )
        url = poll_url(logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True))
        db_session.expire_all()
        with recorded_statements(app) as unchanged:
            assert logged_in.get(url, headers=HX).status_code == 204
        gen_sentiment_point(db_session, sentiment, timestamp=datetime.now(UTC) - timedelta(seconds=5))
        db_session.expire_all()
        with recorded_statements(app) as changed:
            assert logged_in.get(url, headers=HX).status_code == 200
        return len(unchanged), len(changed)

    assert counts(1) == counts(40)
    unchanged, changed = counts(3)
    # login, interview (with its candidate and job for the header), summaries (saying whether a point is new),
    # and the new points only when there are some
    assert unchanged <= 3 and changed <= 4, (unchanged, changed)


def test_an_htmx_request_for_the_live_panel_gets_the_panel_alone(db_session, logged_in, candidate, job):
    interview, _ = _in_progress_with_points(db_session, candidate, job)
    url = f"/interviews/{interview.session_id}"

    panel = logged_in.get(url, headers=HX)
    body = panel.get_data(as_text=True)
    assert panel.status_code == 200 and "HX-Request" in panel.headers["Vary"]
    assert body.lstrip().startswith('<div id="live-panel"') and "<html" not in body
    assert timeline_point_count(body) == 2 and poll_url(body).startswith(f"{url}/live?v=")
    assert 'id="interview-notes"' not in body  # the rest of the page is not part of the panel

    # Any other htmx request (a boosted link, another target) still gets the whole page.
    for headers in ({"HX-Request": "true", "HX-Boosted": "true"}, {"HX-Request": "true", "HX-Target": "main"}):
        assert 'id="interview-notes"' in logged_in.get(url, headers=headers).get_data(as_text=True)
