"""Posting, editing, viewing, toggling, bulk-updating and deleting jobs; validation and isolation."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_dynamic_score_weight,
    gen_interview,
    gen_job,
    gen_ranking,
    gen_sentiment_point,
    gen_sentiment_session,
    gen_user,
)
from webapp import create_app
from webapp.models import AuditEvent, CandidateRanking, InterviewSession, Job, SentimentHistory, SentimentSession

VALID = {"title": "Backend Engineer", "description": "Build APIs.", "requirements": "Python", "job_focus": "technical",
         "is_active": "y"}


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user, company_name="Initech")
    return user


@pytest.fixture
def company(employer):
    return employer.company


@pytest.fixture
def logged_in(auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return employer


@pytest.fixture
def job(db_session, company):
    return gen_job(db_session, company, title="Site Reliability Engineer", job_focus="technical",
                   description="Keep it running.", requirements="Linux")


@pytest.fixture
def foreign_job(db_session):
    return gen_job(db_session, gen_company(db_session, company_name="Globex"), title="Globex Secret Role")


def job_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(Job))


def audit_actions(db_session) -> list[str]:
    return list(db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- create -------------------------------------------------------------------------------


def test_new_job_form_is_labelled_and_defaults_to_balanced_and_active(client, logged_in):
    html = text_of(client.get("/jobs/new"))
    for label in ("Title", "Interview focus", "Description", "Requirements", "Open to candidates (active)"):
        assert f">{label}</label>" in html
    assert '<option selected value="balanced">' in html
    assert 'id="is_active" name="is_active" type="checkbox" value="y"' in html and "checked" in html
    assert 'aria-describedby="title-hint"' in html


def test_posting_a_job_writes_it_for_my_company_and_audits(client, db_session, company, logged_in):
    other = gen_company(db_session)
    response = client.post("/jobs", data=VALID | {"company_id": str(other.id), "id": "999999", "created_at": "1999"})
    assert response.status_code == 302
    job = db_session.scalars(select(Job).where(Job.title == "Backend Engineer")).one()
    assert response.headers["Location"] == f"/jobs/{job.id}"
    assert job.company_id == company.id and job.id != 999999  # extra fields are ignored
    assert (job.description, job.requirements) == ("Build APIs.", "Python")
    assert (job.job_focus, job.is_active) == ("technical", True)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "job.created")).one()
    assert event.target_id == str(job.id) and event.actor_id == logged_in.id
    assert event.details == {"title": "Backend Engineer"}
    page = text_of(client.get(response.headers["Location"]))
    assert "Posted “Backend Engineer”." in page


def test_unchecked_active_box_posts_an_inactive_job_and_blank_texts_are_stored_as_null(client, db_session, logged_in):
    data = VALID | {"title": "  Padded  ", "description": "   ", "requirements": ""}
    del data["is_active"]
    assert client.post("/jobs", data=data).status_code == 302
    job = db_session.scalars(select(Job).where(Job.title == "Padded")).one()
    assert job.is_active is False and job.description is None and job.requirements is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a job title."),
        ({"title": "   "}, "title", "Enter a job title."),
        ({"title": "x" * 256}, "title", "Keep the title to 255 characters or fewer."),
        ({"title": "Bad\x00title"}, "title", "Remove the invisible control characters"),
        ({"title": "Two\nlines"}, "title", "Remove the invisible control characters"),
        ({"description": "d" * 10_001}, "description", "Keep the description to 10,000 characters or fewer."),
        ({"description": "nul\x00here"}, "description", "Remove the invisible control characters"),
        ({"requirements": "r" * 10_001}, "requirements", "Keep the requirements to 10,000 characters or fewer."),
        ({"requirements": "bell\x07"}, "requirements", "Remove the invisible control characters"),
        ({"job_focus": "sales"}, "job_focus", "Choose technical, behavioral or balanced."),
        ({"job_focus": ""}, "job_focus", "Choose"),
        ({"job_focus": None}, "job_focus", "Choose the interview focus."),
    ],
)
def test_invalid_job_is_rerendered_with_a_field_message_and_nothing_written(
    client, db_session, logged_in, changes, field, message
):
    data = {k: v for k, v in (VALID | changes).items() if v is not None}
    before, events = job_count(db_session), audit_actions(db_session)
    response = client.post("/jobs", data=data)
    html = text_of(response)
    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    control = re.search(rf'<(?:input|select|textarea) [^>]*id="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in control and f'aria-describedby="{field}-hint {field}-error"' in control
    assert 'role="alert"' in html and f'href="#{field}"' in html  # the summary links to the field
    assert job_count(db_session) == before and audit_actions(db_session) == events


def test_longest_allowed_values_and_unicode_are_kept_exactly(client, db_session, logged_in):
    title = "Ingénieur·e 🚀 " + "ж" * 240
    description = "שלום\tworld\r\n" + "界" * 9_980
    assert len(title) <= 255
    response = client.post("/jobs", data=VALID | {"title": title, "description": description})
    assert response.status_code == 302
    job = db_session.scalars(select(Job).where(Job.title == title)).one()
    assert job.description == description.strip()


def test_markup_in_job_text_is_shown_as_text(client, db_session, company, logged_in):
    job = gen_job(db_session, company, title="<script>alert(1)</script>", description="<img src=x onerror=alert(1)>")
    html = text_of(client.get(f"/jobs/{job.id}"))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<script>alert(1)</script>" not in text_of(client.get("/jobs"))


field_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=250, max_size=270),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\u202e", "🚀" * 256, "%_\\", "x" * 10_001]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=field_text, description=field_text, requirements=field_text,
       focus=st.one_of(st.sampled_from(["technical", "behavioral", "balanced"]), st.text(max_size=20)),
       active=st.sampled_from([None, "y", "on", "false", "\x00"]))
def test_job_form_never_fails_with_a_server_error(client, db_session, logged_in, title, description, requirements,
                                                   focus, active):
    data = {"title": title, "description": description, "requirements": requirements, "job_focus": focus}
    if active is not None:
        data["is_active"] = active
    before = job_count(db_session)
    response = client.post("/jobs", data=data)
    assert response.status_code in (302, 422)
    assert job_count(db_session) == before + (1 if response.status_code == 302 else 0)


# --- edit -----------------------------------------------------------------------------------


def test_edit_form_shows_current_values(client, job, logged_in):
    html = text_of(client.get(f"/jobs/{job.id}/edit"))
    assert 'value="Site Reliability Engineer"' in html and "\r\nKeep it running.</textarea>" in html
    assert '<option selected value="technical">' in html
    assert f'action="/jobs/{job.id}"' in html


def test_updating_a_job_saves_the_changes_and_audits_which_fields(client, db_session, job, logged_in):
    data = VALID | {"title": "SRE Lead", "description": "Keep it running.", "requirements": "Linux", "company_id": "1"}
    company_id = job.company_id
    response = client.post(f"/jobs/{job.id}", data=data)
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}"
    db_session.refresh(job)
    assert job.title == "SRE Lead" and job.company_id == company_id
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "job.updated")).one()
    assert event.details == {"title": "SRE Lead", "changed": ["title"]}
    assert "Saved “SRE Lead”." in text_of(client.get(f"/jobs/{job.id}"))


def test_invalid_update_changes_nothing(client, db_session, job, logged_in):
    response = client.post(f"/jobs/{job.id}", data=VALID | {"title": "", "job_focus": "nope"})
    assert response.status_code == 422
    html = text_of(response)
    assert "Enter a job title." in html and "Choose technical, behavioral or balanced." in html
    assert "these 2 problems" in html
    db_session.refresh(job)
    assert job.title == "Site Reliability Engineer" and job.job_focus == "technical"
    assert "job.updated" not in audit_actions(db_session)


# --- show -----------------------------------------------------------------------------------


def test_job_page_shows_details_interviews_by_status_and_top_five(client, db_session, job, logged_in):
    candidate = gen_user(db_session)
    for status in ("completed", "completed", "scheduled", "cancelled"):
        gen_interview(db_session, candidate, job, status=status)
    gen_interview(db_session, candidate, job, status="completed", is_practice=True)
    for n, score in enumerate((50, 91, 77, 83, 64, 88)):
        gen_ranking(db_session, job, gen_user(db_session, first_name="Cand", last_name=f"No{n}"),
                    overall_score=Decimal(score), technical_score=Decimal("61.00"),
                    cultural_fit_score=Decimal("62.00"), communication_score=Decimal("63.00"))
    html = text_of(client.get(f"/jobs/{job.id}"))
    assert "<h1>Site Reliability Engineer</h1>" in html
    assert "Keep it running." in html and "Linux" in html
    assert "4 interviews in total" in html
    bars = html[html.index('aria-label="Interviews by status"'):]
    completed = bars[bars.index(">Completed<"):]
    assert re.match(r'.*?<span class="bar-value">2</span>', completed, re.S)
    top = html[html.index("Top candidates"):]
    assert re.findall(r'<td><a href="/interviews\?[^"]*">(Cand No\d)</a></td>', top) == ["Cand No1", "Cand No5", "Cand No3", "Cand No2", "Cand No4"]
    assert "61.0" in top and "62.0" in top and "63.0" in top
    assert f'href="/jobs/{job.id}/edit"' in html and f'href="/jobs/{job.id}/delete"' in html
    assert f'id="job-toggle-{job.id}"' in html


def test_job_page_links_to_rankings_and_interviews_only_when_those_pages_exist(app, client, db_session, job, logged_in):
    gen_ranking(db_session, job)
    html = text_of(client.get(f"/jobs/{job.id}"))
    assert ("ranked candidates</a>" in html) == ("rankings.index" in app.view_functions)
    assert ("All interviews for this job" in html) == ("interviews.index" in app.view_functions)


def test_job_page_empty_states(client, job, logged_in):
    html = text_of(client.get(f"/jobs/{job.id}"))
    assert "No interviews yet" in html and "No ranked candidates yet" in html


# --- toggle -----------------------------------------------------------------------------------


def test_toggle_with_htmx_swaps_just_the_switch(client, db_session, job, logged_in):
    response = client.post(f"/jobs/{job.id}/toggle", data={"next": "/jobs"},
                           headers={"HX-Request": "true", "HX-Target": f"job-toggle-{job.id}"})
    html = text_of(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<form id="job-toggle-{job.id}"') and "<html" not in html
    assert 'aria-checked="false"' in html and ">Inactive<" in html
    db_session.refresh(job)
    assert job.is_active is False
    client.post(f"/jobs/{job.id}/toggle", headers={"HX-Request": "true"})
    db_session.refresh(job)
    assert job.is_active is True
    assert audit_actions(db_session)[-2:] == ["job.deactivated", "job.activated"]


def test_a_repeated_toggle_sets_the_state_it_asks_for_instead_of_flipping_back(client, db_session, job, logged_in):
    """A retry after a lost answer sends the same request again: the job stays as asked."""
    page = text_of(client.get("/jobs"))
    assert 'name="active" value="false"' in page  # the switch of an active job asks for inactive
    for _ in range(2):
        response = client.post(f"/jobs/{job.id}/toggle", data={"active": "false"}, headers={"HX-Request": "true"})
        assert response.status_code == 200 and 'aria-checked="false"' in text_of(response)
    db_session.refresh(job)
    assert job.is_active is False
    assert audit_actions(db_session).count("job.deactivated") == 1  # the repeat changed nothing
    assert client.post(f"/jobs/{job.id}/toggle", data={"active": "maybe"}).status_code == 400


def test_toggle_without_javascript_redirects_back_to_a_local_page_only(client, db_session, job, logged_in):
    response = client.post(f"/jobs/{job.id}/toggle", data={"next": "/jobs?q=Site&sort=title"})
    assert response.status_code == 302 and response.headers["Location"] == "/jobs?q=Site&sort=title"
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(f"/jobs/{job.id}/toggle", data={"next": evil})
        assert response.headers["Location"] == f"/jobs/{job.id}"


# --- bulk -------------------------------------------------------------------------------------


def test_bulk_deactivate_touches_only_my_jobs_and_ignores_foreign_ids(
    client, db_session, company, foreign_job, logged_in
):
    mine = [gen_job(db_session, company, title=f"Mine {n}") for n in range(4)]
    gen_job(db_session, company, title="Already Closed", is_active=False)
    closed = db_session.scalars(select(Job).where(Job.title == "Already Closed")).one()
    ids = [str(j.id) for j in mine[:3]] + [str(foreign_job.id), str(closed.id), "2000000000", "abc", "99999999999"]
    response = client.post("/jobs/bulk", data={"action": "deactivate", "job_ids": ids, "sort": "title"},
                           headers={"HX-Request": "true", "HX-Target": "job-rows"})
    html = text_of(response)
    assert response.status_code == 200
    assert "3 jobs deactivated (1 was already inactive)." in html
    assert html.lstrip().startswith('<div id="job-rows"')
    assert re.findall(r'<a href="/jobs/\d+">([^<]*)</a></th>', html)[:2] == ["Already Closed", "Mine 0"]  # sort kept
    for j in mine + [foreign_job]:
        db_session.refresh(j)
    assert [j.is_active for j in mine] == [False, False, False, True]
    assert foreign_job.is_active is True
    assert "Globex" not in html
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "job.bulk_updated")).one()
    assert event.details == {"action": "deactivate", "job_ids": sorted(j.id for j in mine[:3])}


def test_bulk_with_only_foreign_ids_changes_nothing_and_reveals_nothing(
    client, db_session, company, foreign_job, logged_in
):
    gen_job(db_session, company, title="Mine")
    response = client.post("/jobs/bulk", data={"action": "deactivate", "job_ids": [str(foreign_job.id)]},
                           headers={"HX-Request": "true", "HX-Target": "job-rows"})
    assert response.status_code == 200 and "0 jobs deactivated." in text_of(response)
    db_session.refresh(foreign_job)
    assert foreign_job.is_active is True and "job.bulk_updated" not in audit_actions(db_session)


def test_bulk_activate_without_javascript_redirects_with_a_message(client, db_session, company, logged_in):
    jobs = [gen_job(db_session, company, is_active=False) for _ in range(2)]
    response = client.post("/jobs/bulk", data={"action": "activate", "job_ids": [str(j.id) for j in jobs], "q": "Eng"})
    assert response.status_code == 302 and response.headers["Location"] == "/jobs?q=Eng"
    assert "2 jobs activated." in text_of(client.get(response.headers["Location"]))
    for j in jobs:
        db_session.refresh(j)
        assert j.is_active is True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "deactivate"}, "Select at least one job first."),
        ({"action": "delete", "job_ids": ["1"]}, "Choose activate or deactivate."),
        ({"job_ids": ["1"]}, "Choose activate or deactivate."),
    ],
)
def test_bulk_without_jobs_or_with_a_bad_action_explains_and_writes_nothing(client, db_session, company, logged_in,
                                                                           data, message):
    job = gen_job(db_session, company)
    data = {k: ([str(job.id)] if k == "job_ids" else v) for k, v in data.items()}
    events = audit_actions(db_session)
    response = client.post("/jobs/bulk", data=data, headers={"HX-Request": "true", "HX-Target": "job-rows"})
    assert response.status_code == 200
    assert message in text_of(response) and 'role="alert"' in text_of(response)
    db_session.refresh(job)
    assert job.is_active is True and audit_actions(db_session) == events


# --- delete -------------------------------------------------------------------------------------


@pytest.fixture
def job_with_data(db_session, job):
    candidate = gen_user(db_session)
    interviews = [gen_interview(db_session, candidate, job, status="completed") for _ in range(3)]
    gen_interview(db_session, candidate, job, is_practice=True)
    sentiment = gen_sentiment_session(db_session, interviews[0])
    for _ in range(4):
        gen_sentiment_point(db_session, sentiment)
    gen_ranking(db_session, job, candidate)
    gen_ranking(db_session, job)
    gen_dynamic_score_weight(db_session, job)
    return job


def test_delete_confirmation_counts_what_goes_with_the_job(client, job_with_data, logged_in):
    html = text_of(client.get(f"/jobs/{job_with_data.id}/delete"))
    assert "Delete “Site Reliability Engineer”?" in html and "This cannot be undone." in html
    assert "<strong>4</strong> interviews" in html  # the practice session on this job goes too
    assert "<strong>2</strong> candidate rankings" in html
    assert "<strong>1</strong> sentiment analysis" in html
    assert "<strong>4</strong> sentiment data points" in html
    assert "<strong>1</strong> custom score-weight setting" in html
    assert "learning path" not in html  # nothing of that kind
    assert f'action="/jobs/{job_with_data.id}/delete"' in html and 'method="post"' in html


def test_delete_confirmation_of_a_bare_job_still_names_interviews_and_rankings(client, job, logged_in):
    html = text_of(client.get(f"/jobs/{job.id}/delete"))
    assert "<strong>0</strong> interviews" in html and "<strong>0</strong> candidate rankings" in html


def test_deleting_a_job_cascades_and_audits_the_counts(client, db_session, company, job_with_data, logged_in):
    job_id = job_with_data.id
    keep = gen_job(db_session, company, title="Keep Me")
    gen_interview(db_session, gen_user(db_session), keep)
    response = client.post(f"/jobs/{job_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/jobs"
    db_session.expire_all()
    assert db_session.get(Job, job_id) is None and db_session.get(Job, keep.id) is not None
    assert db_session.scalar(select(func.count()).where(InterviewSession.job_id == job_id)) == 0
    assert db_session.scalar(select(func.count()).where(CandidateRanking.job_id == job_id)) == 0
    assert db_session.scalar(select(func.count()).select_from(SentimentSession)) == 0
    assert db_session.scalar(select(func.count()).select_from(SentimentHistory)) == 0
    assert db_session.scalar(select(func.count()).where(InterviewSession.job_id == keep.id)) == 1
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "job.deleted")).one()
    assert event.target_id == str(job_id)
    assert event.details["title"] == "Site Reliability Engineer"
    assert (event.details["interviews"], event.details["rankings"], event.details["sentiment_points"]) == (4, 2, 4)
    assert "Deleted “Site Reliability Engineer” with 4 interviews and 2 rankings." in text_of(client.get("/jobs"))


# --- isolation and access ------------------------------------------------------------------------

JOB_ROUTES = [
    ("GET", "/jobs/{id}"),
    ("GET", "/jobs/{id}/edit"),
    ("POST", "/jobs/{id}"),
    ("POST", "/jobs/{id}/toggle"),
    ("GET", "/jobs/{id}/delete"),
    ("POST", "/jobs/{id}/delete"),
]


@pytest.mark.parametrize(("method", "path"), JOB_ROUTES)
def test_another_employers_job_is_404_everywhere_and_untouched(
    client, db_session, foreign_job, logged_in, method, path
):
    before = (foreign_job.title, foreign_job.is_active)
    for job_id in (foreign_job.id, 2_000_000_000, 10**20):
        response = client.open(path.format(id=job_id), method=method, data=VALID)
        assert response.status_code == 404
        assert "Globex" not in text_of(response)
    db_session.expire_all()
    job = db_session.get(Job, foreign_job.id)
    assert job is not None and (job.title, job.is_active) == before


ALL_ROUTES = JOB_ROUTES + [("GET", "/jobs"), ("GET", "/jobs/new"), ("POST", "/jobs"), ("POST", "/jobs/bulk")]


@pytest.mark.parametrize("role", ["user", "admin"])
@pytest.mark.parametrize(("method", "path"), ALL_ROUTES)
def test_candidates_and_admins_are_refused_everywhere(client, auth, db_session, job, role, method, path):
    user = gen_user(db_session, role=role)
    auth.login(user.email, PASSWORD)
    before = job_count(db_session)
    response = client.open(path.format(id=job.id), method=method, data=VALID | {"action": "deactivate",
                                                                                 "job_ids": [str(job.id)]})
    assert response.status_code == 403
    db_session.refresh(job)
    assert job_count(db_session) == before and job.is_active is True and job.title == "Site Reliability Engineer"


@pytest.mark.parametrize(("method", "path"), ALL_ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(client, job, method, path):
    response = client.open(path.format(id=job.id), method=method, data=VALID)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_htmx_request_with_an_expired_login_redirects_the_whole_window(client, job):
    response = client.post(f"/jobs/{job.id}/toggle", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login")


def test_posts_need_the_csrf_token(app, db_session, employer, job):
    app = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "WTF_CSRF_ENABLED": True})
    app.extensions["db_bind"] = db_session.get_bind()  # the test's transaction, rolled back afterwards
    client = app.test_client()
    login_page = text_of(client.get("/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    credentials = {"email": employer.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=credentials).status_code == 302
    page = text_of(client.get("/jobs"))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)

    assert client.post(f"/jobs/{job.id}/toggle", headers={"HX-Request": "true"}).headers["HX-Refresh"] == "true"
    assert client.post(f"/jobs/{job.id}/toggle").status_code == 400
    assert client.post("/jobs", data=VALID).status_code == 400
    db_session.refresh(job)
    assert job.is_active is True

    response = client.post(f"/jobs/{job.id}/toggle", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and 'aria-checked="false"' in text_of(response)
    db_session.refresh(job)
    assert job.is_active is False
    app.extensions["db_engine"].dispose()


def test_an_unverified_employer_is_told_to_verify_before_posting(client, auth, db_session):
    from sqlalchemy import func, select

    from tests.factories import PASSWORD, gen_company, gen_user
    from webapp.models import Job

    employer = gen_user(db_session, role="employer", is_verified=False)
    gen_company(db_session, employer)
    auth.login(employer.email, PASSWORD)
    assert client.get("/jobs/new").status_code == 303
    response = client.post("/jobs", data={"title": "Hopeful", "job_focus": "balanced"}, follow_redirects=True)
    assert b"verify your email" in response.data.lower()
    assert db_session.scalar(select(func.count(Job.id)).where(Job.title == "Hopeful")) == 0
