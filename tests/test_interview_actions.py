"""Extend, cancel and reschedule an interview: company rules, races, validation and scope."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_user
from webapp import create_app
from webapp.models import AuditEvent, InterviewSession

HX = {"HX-Request": "true", "HX-Target": "live-panel"}
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


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
    return gen_user(db_session, role="user")


@pytest.fixture
def logged_in(client, auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return client


def audits(db_session, action: str) -> int:
    return db_session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def reread(db_session, interview) -> InterviewSession:
    db_session.expire_all()
    return db_session.get(InterviewSession, interview.id)


def local(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M")


# --- extend -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["in_progress", "scheduled"])
def test_extend_uses_the_documented_defaults_when_custom_timing_is_off(db_session, logged_in, employer, candidate, job, status):
    # The company's own columns say otherwise, but custom timing is off: allowed, 2, 10 apply.
    employer.company.max_interview_extensions = 5
    employer.company.interview_extension_minutes = 30
    interview = gen_interview(db_session, candidate, job, status=status, max_duration_minutes=30)
    url = f"/interviews/{interview.session_id}/extend"

    first = logged_in.post(url)
    assert first.status_code == 303
    assert (reread(db_session, interview).time_extension_count, interview.max_duration_minutes) == (1, 40)
    page = logged_in.get(first.headers["Location"]).get_data(as_text=True)
    assert "Extended by 10 minutes: the limit is now 40 minutes (1 of 2 extensions used)." in page

    assert logged_in.post(url).status_code == 303
    refused = logged_in.post(url)
    assert refused.status_code == 422
    assert "already been extended 2 times, the most your company allows" in refused.get_data(as_text=True)
    interview = reread(db_session, interview)
    assert (interview.time_extension_count, interview.max_duration_minutes) == (2, 50)
    assert audits(db_session, "interview.extended") == 2


def test_extend_follows_the_company_custom_rules(db_session, logged_in, employer, candidate, job):
    company = employer.company
    company.custom_interview_timing, company.max_interview_extensions, company.interview_extension_minutes = True, 1, 5
    interview = gen_interview(db_session, candidate, job, status="in_progress", max_duration_minutes=20)
    url = f"/interviews/{interview.session_id}/extend"
    ok = logged_in.post(url, headers=HX)
    assert ok.status_code == 200
    assert "Extended by 5 minutes: the limit is now 25 minutes (1 of 1 extensions used)." in ok.get_data(as_text=True)
    again = logged_in.post(url, headers=HX)
    assert again.status_code == 422
    html = again.get_data(as_text=True)
    assert 'role="alert"' in html and "already been extended once" in html
    assert html.lstrip().startswith('<div id="live-panel"')
    assert reread(db_session, interview).max_duration_minutes == 25


def test_no_extensions_when_the_company_forbids_them(db_session, logged_in, employer, candidate, job):
    company = employer.company
    company.custom_interview_timing, company.allow_interview_extensions = True, False
    interview = gen_interview(db_session, candidate, job, status="in_progress", max_duration_minutes=20)
    page = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    assert "Extend by" not in page
    response = logged_in.post(f"/interviews/{interview.session_id}/extend")
    assert response.status_code == 422
    assert "do not allow extensions" in response.get_data(as_text=True)
    assert reread(db_session, interview).time_extension_count == 0
    assert audits(db_session, "interview.extended") == 0


def test_extend_counts_from_null_columns(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="in_progress",
                              time_extension_count=None, max_duration_minutes=None)
    assert logged_in.post(f"/interviews/{interview.session_id}/extend").status_code == 303
    interview = reread(db_session, interview)
    assert (interview.time_extension_count, interview.max_duration_minutes) == (1, 25)  # 15 (column default) + 10


@pytest.mark.parametrize("status", ["completed", "cancelled", "rescheduled", "no_show"])
def test_only_scheduled_or_running_interviews_can_be_extended(db_session, logged_in, candidate, job, status):
    interview = gen_interview(db_session, candidate, job, status=status, max_duration_minutes=30)
    response = logged_in.post(f"/interviews/{interview.session_id}/extend")
    assert response.status_code == 422
    assert "Only scheduled or in-progress interviews can be extended." in response.get_data(as_text=True)
    assert reread(db_session, interview).max_duration_minutes == 30
    assert audits(db_session, "interview.extended") == 0


def test_racing_extends_never_pass_the_limit(committed_app):
    """Six clicks at once, each its own request and committed transaction: exactly two succeed."""
    engine = committed_app.extensions["db_engine"]
    with Session(engine) as session:
        employer = gen_user(session, role="employer")
        job = gen_job(session, gen_company(session, employer))
        interview = gen_interview(session, gen_user(session), job, status="in_progress", max_duration_minutes=30)
        session.commit()
        email, session_id, interview_id = employer.email, interview.session_id, interview.id

    clients = []
    for _ in range(6):
        client = committed_app.test_client()
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    statuses: list[int | None] = [None] * len(clients)

    def click(index: int) -> None:
        barrier.wait(timeout=10)
        statuses[index] = clients[index].post(f"/interviews/{session_id}/extend").status_code

    threads = [threading.Thread(target=click, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [303, 303, 422, 422, 422, 422]
    with Session(engine) as session:
        row = session.get(InterviewSession, interview_id)
        assert (row.time_extension_count, row.max_duration_minutes) == (2, 50)
        extended = session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "interview.extended")
        )
        assert extended == 2


# --- cancel -------------------------------------------------------------------------------------


def test_cancel_asks_for_confirmation_then_cancels(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="scheduled", scheduled_time=NOW + timedelta(days=2))
    url = f"/interviews/{interview.session_id}/cancel"
    page = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    assert "Cancel interview…" in page and 'name="confirm" value="yes"' in page

    unconfirmed = logged_in.post(url)
    assert unconfirmed.status_code == 422
    assert "Confirm the cancellation" in unconfirmed.get_data(as_text=True)
    assert reread(db_session, interview).status == "scheduled"

    done = logged_in.post(url, data={"confirm": "yes"})
    assert done.status_code == 303
    interview = reread(db_session, interview)
    assert (interview.status, interview.is_active) == ("cancelled", False)
    assert audits(db_session, "interview.cancelled") == 1
    after = logged_in.get(done.headers["Location"]).get_data(as_text=True)
    assert "Interview cancelled." in after and "Cancel interview…" not in after and "Reschedule…" not in after


def test_cancel_over_htmx_swaps_the_panel(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="rescheduled", scheduled_time=NOW + timedelta(days=2))
    response = logged_in.post(f"/interviews/{interview.session_id}/cancel", data={"confirm": "yes"}, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="live-panel"') and "Interview cancelled." in html
    assert reread(db_session, interview).status == "cancelled"


@pytest.mark.parametrize("status", ["in_progress", "completed", "cancelled", "no_show"])
def test_only_scheduled_interviews_can_be_cancelled(db_session, logged_in, candidate, job, status):
    interview = gen_interview(db_session, candidate, job, status=status)
    response = logged_in.post(f"/interviews/{interview.session_id}/cancel", data={"confirm": "yes"})
    assert response.status_code == 422
    assert "Only a scheduled interview can be cancelled." in response.get_data(as_text=True)
    assert reread(db_session, interview).status == status
    assert audits(db_session, "interview.cancelled") == 0


# --- reschedule ---------------------------------------------------------------------------------


def test_reschedule_form_and_success(db_session, logged_in, candidate, job):
    interview = gen_interview(db_session, candidate, job, status="scheduled", scheduled_time=NOW + timedelta(days=1))
    url = f"/interviews/{interview.session_id}/reschedule"
    form = logged_in.get(url)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'type="datetime-local"' in html and 'id="reschedule-panel" open' in html
    assert "New date and time (UTC)" in html

    when = NOW + timedelta(days=7)
    done = logged_in.post(url, data={"scheduled_time": local(when)})
    assert done.status_code == 303
    interview = reread(db_session, interview)
    assert interview.status == "rescheduled" and interview.scheduled_time == when
    assert audits(db_session, "interview.rescheduled") == 1
    assert f"Interview rescheduled to {when:%d %b %Y, %H:%M} UTC." in logged_in.get(done.headers["Location"]).get_data(as_text=True)

    # A rescheduled interview can be moved again.
    again = logged_in.post(url, data={"scheduled_time": local(when + timedelta(days=1))}, headers=HX)
    assert again.status_code == 200 and "Interview rescheduled to" in again.get_data(as_text=True)


@pytest.mark.parametrize(("value", "message"), [
    ("", "Choose the new date and time."),
    ("next tuesday", "Not a valid datetime value."),
    ("2026-02-30T10:00", "Not a valid datetime value."),
    (local(NOW - timedelta(hours=1)), "Choose a time in the future."),
    (local(NOW + timedelta(days=366)), "Choose a time within the next year."),
])
def test_reschedule_rejects_bad_times_and_writes_nothing(db_session, logged_in, candidate, job, value, message):
    before = NOW + timedelta(days=1)
    interview = gen_interview(db_session, candidate, job, status="scheduled", scheduled_time=before)
    for headers in ({}, HX):
        response = logged_in.post(f"/interviews/{interview.session_id}/reschedule", data={"scheduled_time": value}, headers=headers)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert message in html and 'aria-invalid="true"' in html and 'aria-describedby="scheduled_time-error"' in html
        assert 'id="reschedule-panel" open' in html
    interview = reread(db_session, interview)
    assert (interview.status, interview.scheduled_time) == ("scheduled", before)
    assert audits(db_session, "interview.rescheduled") == 0


@pytest.mark.parametrize("status", ["in_progress", "completed", "cancelled"])
def test_only_scheduled_interviews_can_be_rescheduled(db_session, logged_in, candidate, job, status):
    interview = gen_interview(db_session, candidate, job, status=status)
    url = f"/interviews/{interview.session_id}/reschedule"
    for response in (logged_in.get(url), logged_in.post(url, data={"scheduled_time": local(NOW + timedelta(days=2))})):
        assert response.status_code == 422
        assert "Only a scheduled interview can be rescheduled." in response.get_data(as_text=True)
    assert reread(db_session, interview).status == status


# --- buttons, scope, CSRF ----------------------------------------------------------------------


@pytest.mark.parametrize(("status", "shown", "hidden"), [
    ("scheduled", ["Extend by 10 minutes", "Reschedule…", "Cancel interview…"], []),
    ("in_progress", ["Extend by 10 minutes"], ["Reschedule…", "Cancel interview…"]),
    ("completed", [], ["Extend by", "Reschedule…", "Cancel interview…", 'id="interview-actions"']),
])
def test_the_page_offers_only_allowed_actions(db_session, logged_in, candidate, job, status, shown, hidden):
    interview = gen_interview(db_session, candidate, job, status=status)
    html = logged_in.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    for text in shown:
        assert text in html
    for text in hidden:
        assert text not in html


ROUTES = [("GET", "live"), ("POST", "extend"), ("POST", "cancel"), ("GET", "reschedule"), ("POST", "reschedule")]


@pytest.mark.parametrize(("method", "action"), ROUTES)
def test_foreign_and_missing_interviews_are_not_found(db_session, client, auth, candidate, job, method, action):
    interview = gen_interview(db_session, candidate, job, status="scheduled", scheduled_time=NOW + timedelta(days=1))
    stranger = gen_user(db_session, role="employer")
    gen_company(db_session, stranger)
    auth.login(stranger.email, PASSWORD)
    data = {"confirm": "yes", "scheduled_time": local(NOW + timedelta(days=3))}
    for session_id in (interview.session_id, "missing-session", "x" * 300):
        for headers in ({}, HX):
            response = client.open(f"/interviews/{session_id}/{action}", method=method, data=data, headers=headers)
            assert response.status_code == 404, (session_id, headers)
    assert reread(db_session, interview).status == "scheduled"


@pytest.mark.parametrize(("method", "action"), ROUTES)
def test_candidates_are_refused(db_session, client, auth, candidate, job, method, action):
    interview = gen_interview(db_session, candidate, job, status="scheduled", scheduled_time=NOW + timedelta(days=1))
    auth.login(candidate.email, PASSWORD)
    response = client.open(f"/interviews/{interview.session_id}/{action}", method=method, data={"confirm": "yes"})
    assert response.status_code == 403
    assert reread(db_session, interview).status == "scheduled"


def test_actions_need_the_csrf_token(app, db_session, employer, candidate, job):
    csrf_app = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "WTF_CSRF_ENABLED": True})
    csrf_app.extensions["db_bind"] = db_session.get_bind()  # the test's transaction, rolled back afterwards
    interview = gen_interview(db_session, candidate, job, status="scheduled", scheduled_time=NOW + timedelta(days=1))
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"email": employer.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    url = f"/interviews/{interview.session_id}"
    assert client.post(f"{url}/extend").status_code == 400
    assert client.post(f"{url}/cancel", data={"confirm": "yes"}).status_code == 400
    assert client.post(f"{url}/reschedule", data={"scheduled_time": local(NOW + timedelta(days=3))}).status_code == 400
    interview = reread(db_session, interview)
    assert (interview.status, interview.time_extension_count) == ("scheduled", 0)
    page = client.get(url).get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 3  # every action form carries its token
    csrf_app.extensions["db_engine"].dispose()
