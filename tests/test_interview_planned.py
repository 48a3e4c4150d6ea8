"""The page of an interview that has not started shows what it needs (when, who, invitation, reschedule,
cancel) and nothing else: no results cards, no "Started", no Extend, no technical-difficulty button."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import null

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_user
from tests.querycount import statements_of
from webapp.interviews.planned import is_not_started, when_in_words

HX = {"HX-Request": "true", "HX-Target": "live-panel"}
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
REVIEW_ONLY = ("Extend by", "Report technical difficulty", "technical difficulty reported", "<dt>Started</dt>",
               "Sentiment", "Context factors", "Skills", "Assessments", "Cultural fit", "Response times",
               "Attention", "Knowledge gaps", "Suggested resources", 'id="interview-notes"', 'id="scorecards"', "Overview")


@pytest.fixture
def hiring(db_session):
    employer = gen_user(db_session, role="employer")
    job = gen_job(db_session, gen_company(db_session, employer), title="Planned Role")
    candidate = gen_user(db_session, first_name="Katherine", last_name="Johnson")
    return employer, job, candidate


@pytest.fixture
def logged_in(client, auth, hiring):
    assert auth.login(hiring[0].email, PASSWORD).status_code == 302
    return client


def _planned(db_session, hiring, **kw):
    _, job, candidate = hiring
    in_three_days = NOW.replace(hour=12, minute=0) + timedelta(days=3)  # noon: three calendar days ahead
    values = {"status": "scheduled", "start_time": null(), "scheduled_time": in_three_days} | kw
    return gen_interview(db_session, candidate, job, **values)


def test_a_scheduled_interview_shows_when_who_invitation_and_its_actions_only(db_session, logged_in, hiring):
    _, job, candidate = hiring
    interview = _planned(db_session, hiring)
    when = interview.scheduled_time.astimezone(UTC)

    html = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)

    assert "Planned interview" in html
    assert "<strong>In 3 days</strong>" in html and f"{when:%A %d %B %Y, %H:%M} UTC" in html
    assert f'<a href="/interviews?candidate={candidate.id}">Katherine Johnson</a>' in html
    assert f'<a href="/jobs/{job.id}">Planned Role</a>' in html
    assert "Reschedule…" in html and "Cancel interview…" in html
    invitation = html.split('id="planned-invitation">', 1)[1].split("</dd>", 1)[0]
    reminder = html.split('id="planned-reminder">', 1)[1].split("</dd>", 1)[0]
    assert invitation.startswith("Not sent") and reminder.startswith("Not sent")
    assert "due 30 minutes before" in reminder
    for text in REVIEW_ONLY:
        assert text not in html, text
    # nothing to poll before it starts (the header's notification bell polls on every page)
    main = html.split("<main", 1)[1]
    assert 'id="live-panel"' in main and "hx-trigger" not in main


def test_a_sent_reminder_and_a_calendar_link_are_shown_as_recorded(db_session, logged_in, hiring):
    interview = _planned(db_session, hiring, reminder_sent=True, calendar_link="https://calendar.example/e/1")
    html = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    assert html.split('id="planned-reminder">', 1)[1].startswith("Sent")
    assert '<a href="https://calendar.example/e/1" rel="noopener noreferrer nofollow">Calendar event</a>' in html


def test_an_overdue_planned_interview_says_so(db_session, logged_in, hiring):
    interview = _planned(db_session, hiring, scheduled_time=NOW - timedelta(hours=3))
    html = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    assert "<strong>3 hours ago</strong>" in html
    assert "This time has passed and the interview has not started." in html


def test_the_planned_page_reads_no_review_data(app, db_session, logged_in, hiring):
    interview = _planned(db_session, hiring)
    statements, _ = statements_of(app, logged_in, f"/interviews/{interview.session_id}")
    assert not any("interview_sentimentsession" in s or "interview_skillassessment" in s for s in statements)


def test_rescheduling_and_cancelling_swap_the_planned_panel(db_session, logged_in, hiring):
    interview = _planned(db_session, hiring)
    url = f"/interviews/{interview.session_id}"
    moved = NOW + timedelta(days=10)

    rescheduled = logged_in.post(f"{url}/reschedule", data={"scheduled_time": moved.strftime("%Y-%m-%dT%H:%M")},
                                 headers=HX).get_data(as_text=True)
    assert rescheduled.lstrip().startswith('<div id="live-panel"')
    assert "Interview rescheduled to" in rescheduled and f"{moved:%A %d %B %Y, %H:%M} UTC" in rescheduled
    assert "Extend by" not in rescheduled and "Sentiment" not in rescheduled

    cancelled = logged_in.post(f"{url}/cancel", data={"confirm": "yes"}, headers=HX).get_data(as_text=True)
    assert "Interview cancelled." in cancelled and "Cancelled interview" in cancelled
    assert "Reschedule…" not in cancelled and "Cancel interview…" not in cancelled
    assert "What was planned" in cancelled and "Sentiment" not in cancelled


def test_a_started_interview_keeps_the_review_page(db_session, logged_in, hiring):
    _, job, candidate = hiring
    running = gen_interview(db_session, candidate, job, status="in_progress", start_time=NOW - timedelta(minutes=5))
    html = logged_in.get(f"/interviews/{running.session_id}").get_data(as_text=True)
    assert "Interview review" in html and "Planned interview" not in html


def test_another_companys_planned_interview_is_not_found(db_session, client, auth, hiring):
    interview = _planned(db_session, hiring)
    outsider = gen_user(db_session, role="employer")
    gen_company(db_session, outsider)
    assert auth.login(outsider.email, PASSWORD).status_code == 302
    assert client.get(f"/interviews/{interview.session_id}").status_code == 404


@pytest.mark.parametrize(("delta", "words"), [
    (timedelta(minutes=45), "in 45 minutes"),
    (timedelta(hours=3), "in 3 hours"),
    (timedelta(days=1, hours=1), "tomorrow"),
    (timedelta(days=5), "in 5 days"),
    (-timedelta(minutes=20), "20 minutes ago"),
    (-timedelta(days=3), "3 days ago"),
    (timedelta(seconds=10), "now"),
])
def test_when_in_words(delta, words):
    now = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
    assert when_in_words(now + delta, now) == words


def test_not_started_means_no_start_or_a_planned_start_still_ahead():
    class Row:
        def __init__(self, status, start_time):
            self.status, self.start_time = status, start_time

    assert is_not_started(Row("scheduled", None)) and is_not_started(Row("cancelled", None))
    assert is_not_started(Row("rescheduled", NOW + timedelta(days=1)))  # an old row's plan in start_time
    assert not is_not_started(Row("completed", None)) and not is_not_started(Row("in_progress", NOW))
