"""Each role lands on its own dashboard, showing only its own data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_sentiment_session, gen_user
from webapp.dashboard.queries import week_bounds


def _login(auth, user):
    assert auth.login(user.email, PASSWORD).status_code == 302


def test_employer_sees_own_jobs_week_counts_and_recent_interviews(client, auth, db_session):
    employer = gen_user(db_session, role="employer")
    company = gen_company(db_session, employer, company_name="Initech")
    job = gen_job(db_session, company, title="Platform Engineer", job_focus="technical")
    gen_job(db_session, company, title="Closed Role", is_active=False)
    candidate = gen_user(db_session, first_name="Grace", last_name="Hopper")
    week_start, _ = week_bounds(datetime.now(UTC))
    gen_interview(db_session, candidate, job, status="completed", start_time=week_start + timedelta(minutes=5))
    gen_interview(db_session, gen_user(db_session), job, status="scheduled", start_time=week_start + timedelta(hours=1))
    gen_interview(db_session, gen_user(db_session), job, status="cancelled", start_time=week_start - timedelta(days=3))

    _login(auth, employer)
    page = client.get("/dashboard").get_data(as_text=True)

    assert "Initech" in page
    assert "Platform Engineer" in page
    assert "Closed Role" not in page  # inactive jobs are not "active jobs"
    assert "Grace Hopper" in page
    assert '<span class="stat-value">2</span>' in page  # two interviews this week; last week's is not counted


def test_employer_never_sees_another_company(client, auth, db_session):
    employer = gen_user(db_session, role="employer")
    gen_company(db_session, employer, company_name="Mine Ltd")
    theirs = gen_company(db_session, company_name="Theirs Inc")
    their_job = gen_job(db_session, theirs, title="Secret Project Lead")
    gen_interview(db_session, gen_user(db_session, first_name="Hidden", last_name="Person"), their_job, status="completed")

    _login(auth, employer)
    page = client.get("/dashboard").get_data(as_text=True)

    assert "Mine Ltd" in page
    assert "Secret Project Lead" not in page
    assert "Hidden Person" not in page
    assert "No completed interviews yet" in page


def test_employer_without_company_gets_an_explanation(client, auth, db_session):
    _login(auth, gen_user(db_session, role="employer"))
    page = client.get("/dashboard").get_data(as_text=True)
    assert "No company yet" in page


def test_candidate_sees_own_practice_sessions_with_sentiment(client, auth, db_session):
    me = gen_user(db_session)
    someone_else = gen_user(db_session)
    mine = gen_interview(db_session, me, is_practice=True, status="completed")
    gen_sentiment_session(db_session, mine, overall_sentiment="mixed")
    gen_interview(db_session, someone_else, is_practice=True, status="completed", session_id="not-mine-practice")

    _login(auth, me)
    page = client.get("/dashboard").get_data(as_text=True)

    assert "Recent practice sessions" in page
    assert "Mixed" in page
    assert "General practice" in page
    assert page.count("<time ") == 1  # only my own session is listed


def test_candidate_without_practice_gets_an_empty_state(client, auth, db_session):
    _login(auth, gen_user(db_session))
    assert "No practice sessions yet" in client.get("/dashboard").get_data(as_text=True)


def test_admin_sees_platform_counts(client, auth, db_session):
    admin = gen_user(db_session, role="admin")
    gen_company(db_session)
    _login(auth, admin)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Platform overview" in page
    assert "Employers" in page and "Candidates" in page


def test_pages_carry_security_headers(client, auth, db_session):
    _login(auth, gen_user(db_session))
    response = client.get("/dashboard")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_employer_can_page_through_weeks_with_an_htmx_fragment(client, auth, db_session):
    employer = gen_user(db_session, role="employer")
    job = gen_job(db_session, gen_company(db_session, employer))
    week_start, _ = week_bounds(datetime.now(UTC))
    last_week = week_start - timedelta(days=7)
    gen_interview(db_session, gen_user(db_session), job, status="no_show", start_time=last_week + timedelta(days=2))
    _login(auth, employer)

    response = client.get(f"/dashboard?week={last_week.date().isoformat()}", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card" id="week-summary"')
    assert "<html" not in body
    assert "No show" in body and "1 interview in total." in body
    assert "Next week" in body  # a past week links forward; the current one does not

    full = client.get(f"/dashboard?week={last_week.date().isoformat()}").get_data(as_text=True)
    assert "<html" in full and "Interviews that week" in full


def test_a_malformed_week_is_a_clear_400(client, auth, db_session):
    employer = gen_user(db_session, role="employer")
    gen_company(db_session, employer)
    _login(auth, employer)
    response = client.get("/dashboard?week=last-tuesday")
    assert response.status_code == 400
    assert b"The week must be a date such as 2026-11-23." in response.data


def test_htmx_request_for_the_page_body_renders_for_every_role(client, auth, db_session):
    for role in ("user", "admin", "employer"):
        user = gen_user(db_session, role=role)
        _login(auth, user)
        response = client.get("/dashboard", headers={"HX-Request": "true", "HX-Target": "main"})
        assert response.status_code == 200, role
        assert b"<html" not in response.data
        auth.logout()
