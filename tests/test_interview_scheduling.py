"""Employers schedule an interview for one of their open jobs; each booking counts against their plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_company, gen_job, gen_plan, gen_subscription, gen_user
from webapp.models import AuditEvent, InterviewSession, UsageRecord

LATER = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)


@pytest.fixture
def hiring(db_session, client, auth):
    """A logged-in employer with a company (custom 45-minute interviews), an open job and a candidate."""
    employer = gen_user(db_session, role="employer")
    company = gen_company(db_session, employer, custom_interview_timing=True, interview_duration_minutes=45)
    job = gen_job(db_session, company, title="Robotics Engineer")
    candidate = gen_user(db_session, role="user", email="casey.rivera@example.test")
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return employer, company, job, candidate


def local(moment: datetime) -> str:
    """What <input type="datetime-local"> sends."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def form(job, email="Casey.Rivera@example.test", when=LATER) -> dict:
    return {"job_id": str(job.id), "candidate_email": f"  {email} ", "scheduled_time": local(when)}


def interviews_of(db_session, job) -> list[InterviewSession]:
    return list(db_session.scalars(select(InterviewSession).where(InterviewSession.job_id == job.id)))


def usage_count(db_session, user) -> int:
    return db_session.scalar(select(func.count()).where(UsageRecord.user_id == user.id))


def test_the_form_lists_only_open_jobs_and_says_times_are_utc(client, db_session, hiring):
    _, company, job, _ = hiring
    gen_job(db_session, company, title="Closed Role", is_active=False)
    gen_job(db_session, gen_company(db_session), title="Someone Else's Role")
    page = client.get(f"/interviews/new?job_id={job.id}").get_data(as_text=True)
    assert "Robotics Engineer" in page and "Closed Role" not in page and "Someone Else" not in page
    assert f'<option selected value="{job.id}">' in page and "UTC" in page
    assert 'href="/interviews/new"' in client.get("/interviews").get_data(as_text=True)


def test_scheduling_books_the_interview_and_records_its_usage(client, db_session, hiring):
    employer, _, job, candidate = hiring
    gen_subscription(db_session, employer, gen_plan(db_session, "employer", interview_limit=5))

    response = client.post("/interviews/new", data=form(job))

    [interview] = interviews_of(db_session, job)
    assert response.status_code == 303 and response.headers["Location"] == "/interviews"
    assert (interview.user_id, interview.status, interview.is_practice, interview.is_active) == (
        candidate.id, "scheduled", False, True,
    )
    assert (interview.scheduled_time, interview.start_time) == (LATER, None)  # not started yet
    assert interview.max_duration_minutes == 45
    record = db_session.scalar(select(UsageRecord).where(UsageRecord.user_id == employer.id))
    assert (record.usage_type, record.resource_id) == ("interview", interview.session_id)
    audit = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "interview.scheduled"))
    assert audit.actor_id == employer.id and audit.target_id == str(interview.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "requested for casey.rivera@example.test" in page and f"/interviews/{interview.session_id}" in page


BAD_INPUT = [
    ({"candidate_email": "not-an-email"}, "Enter an email address such as name@example.com"),
    ({"candidate_email": ""}, "Enter the email address the candidate registered with"),
    ({"scheduled_time": local(datetime.now(UTC) - timedelta(hours=1))}, "Choose a time in the future"),
    ({"scheduled_time": local(datetime.now(UTC) + timedelta(days=400))}, "within the next year"),
    ({"scheduled_time": "tomorrow"}, "Not a valid datetime value"),
    ({"job_id": "2000000000"}, "Choose one of your open jobs"),
    ({"job_id": "abc"}, "Choose one of your open jobs"),
]


def test_bad_input_is_explained_and_writes_nothing(client, db_session, hiring):
    employer, _, job, _ = hiring
    for change, message in BAD_INPUT:
        response = client.post("/interviews/new", data=form(job) | change)
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page and 'aria-invalid="true"' in page, change
    assert interviews_of(db_session, job) == [] and usage_count(db_session, employer) == 0


def test_employers_and_foreign_jobs_cannot_be_booked(client, db_session, hiring):
    employer, _, job, _ = hiring
    other_employer = gen_user(db_session, role="employer")
    foreign_job = gen_job(db_session, gen_company(db_session, other_employer))
    response = client.post("/interviews/new", data=form(job, email=other_employer.email))
    assert response.status_code == 303  # the same answer as for anyone (see the enumeration tests); nothing booked
    assert interviews_of(db_session, job) == []
    response = client.post("/interviews/new", data=form(foreign_job))
    assert response.status_code == 422 and "Choose one of your open jobs" in response.get_data(as_text=True)
    assert interviews_of(db_session, foreign_job) == [] and usage_count(db_session, employer) == 0


def test_over_the_interview_limit_nothing_is_booked(client, db_session, hiring):
    employer, _, job, _ = hiring
    gen_subscription(db_session, employer, gen_plan(db_session, "employer", name="Starter", interview_limit=1))
    assert client.post("/interviews/new", data=form(job)).status_code == 303

    response = client.post("/interviews/new", data=form(job, when=LATER + timedelta(hours=2)))

    page = response.get_data(as_text=True)
    assert response.status_code == 402
    assert "all 1 interview of your Starter plan" in page and 'href="/billing/plans"' in page
    assert len(interviews_of(db_session, job)) == 1 and usage_count(db_session, employer) == 1


def test_without_open_jobs_the_page_says_to_post_one(client, db_session, hiring):
    _, _, job, _ = hiring
    job.is_active = False
    db_session.flush()
    page = client.get("/interviews/new").get_data(as_text=True)
    assert "No open jobs" in page and 'href="/jobs/new"' in page
