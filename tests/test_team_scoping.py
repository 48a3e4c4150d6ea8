"""Lists and aggregates by member role: each member sees exactly the jobs and interviews their role reaches.

A hiring manager: the jobs whose hiring team they are on and those jobs' interviews; an interviewer: the
interviews assigned to them; owners, admins and recruiters: the whole company.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import null

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_ranking,
    gen_user,
)
from tests.querycount import statements_of
from webapp.models import CompanyMember, InterviewAssignment, JobTeamMember

DAY = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def gen_member(db_session, company, role: str, **kw):
    """An employer account that belongs to `company` with `role`."""
    user = gen_user(db_session, role="employer", **kw)
    db_session.add(CompanyMember(company_id=company.id, user_id=user.id, role=role))
    db_session.flush()
    return user


def gen_team_member(db_session, job, user, team_role: str = "hiring_manager"):
    db_session.add(JobTeamMember(job_id=job.id, user_id=user.id, team_role=team_role))
    db_session.flush()


def gen_assignment(db_session, interview, user):
    db_session.add(InterviewAssignment(interview_session_id=interview.id, user_id=user.id))
    db_session.flush()


def login(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def text(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:1500])
    return response.get_data(as_text=True)


def interview_names(html: str) -> list[str]:
    """The candidate names of the interviews table, top to bottom."""
    return [
        name.strip()
        for name in re.findall(r'<th scope="row" class="candidate">\s*(?:<a href="[^"]*">)?([^<]*)', html)
    ]


def job_titles(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/jobs/\d+">([^<]*)</a>', html)


@pytest.fixture
def world(db_session):
    """Acme with three jobs (two on the hiring manager's team), interviews on each, one assigned to the
    interviewer; and another company with its own job and interview."""
    owner = gen_user(db_session, role="employer", first_name="Olga", last_name="Owner")
    acme = gen_company(db_session, owner, company_name="Acme")
    people = {role: gen_member(db_session, acme, role, first_name=role.title(), last_name="Member")
              for role in ("admin", "recruiter", "hiring_manager", "interviewer")}
    people["owner"] = owner
    jobs = {name: gen_job(db_session, acme, title=name) for name in ("Alpha job", "Beta job", "Gamma job")}
    gen_team_member(db_session, jobs["Alpha job"], people["hiring_manager"])
    gen_team_member(db_session, jobs["Beta job"], people["hiring_manager"])
    interviews = {}
    for n, (name, job) in enumerate(jobs.items()):
        for k in range(2):
            candidate = gen_user(db_session, first_name=f"{name.split()[0]}{k}", last_name="Candidate")
            interviews[f"{name.split()[0]}{k}"] = gen_interview(
                db_session, candidate, job, status="completed", start_time=DAY - timedelta(hours=n * 2 + k)
            )
    gen_assignment(db_session, interviews["Gamma1"], people["interviewer"])
    gen_assignment(db_session, interviews["Alpha0"], people["interviewer"])
    other = gen_company(db_session, company_name="Other Co")
    other_job = gen_job(db_session, other, title="Foreign job")
    foreign = gen_interview(db_session, gen_user(db_session, first_name="Foreign", last_name="Candidate"), other_job,
                            status="completed", start_time=DAY)
    gen_assignment(db_session, foreign, people["interviewer"])  # a stray row: never shown in Acme
    return {"people": people, "jobs": jobs, "interviews": interviews, "acme": acme, "other_job": other_job}


EVERY_JOB = ["Alpha job", "Beta job", "Gamma job"]
EVERY_INTERVIEW = ["Alpha0", "Alpha1", "Beta0", "Beta1", "Gamma0", "Gamma1"]


# --- the jobs list --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("owner", EVERY_JOB), ("admin", EVERY_JOB), ("recruiter", EVERY_JOB), ("hiring_manager", ["Alpha job", "Beta job"])],
)
def test_the_jobs_list_shows_each_role_its_jobs_and_counts_only_those(client, world, role, expected):
    login(client, world["people"][role])
    html = text(client.get("/jobs?sort=title"))
    assert job_titles(html) == expected
    searched = text(client.get("/jobs?q=job&per_page=10"))
    assert sorted(job_titles(searched)) == expected
    # The empty state of a search counts only the member's jobs.
    none = text(client.get("/jobs?q=nothing-matches"))
    assert f"see all {len(expected)} jobs" in none


def test_a_hiring_manager_sees_no_job_switches_bulk_bar_or_post_button(client, world):
    login(client, world["people"]["hiring_manager"])
    html = text(client.get("/jobs"))
    assert "Post a job" not in html and 'id="job-bulk"' not in html and 'role="switch"' not in html
    assert 'name="job_ids"' not in html and ">Active<" in html
    login(client, world["people"]["recruiter"])
    html = text(client.get("/jobs"))
    assert "Post a job" in html and 'id="job-bulk"' in html and 'role="switch"' in html


def test_a_hiring_manager_on_no_team_sees_an_empty_list_that_says_why(client, db_session, world):
    lonely = gen_member(db_session, world["acme"], "hiring_manager")
    login(client, lonely)
    html = text(client.get("/jobs"))
    assert job_titles(html) == [] and "hiring team yet" in html


def test_an_interviewer_never_reaches_the_jobs_list(client, world):
    login(client, world["people"]["interviewer"])
    assert client.get("/jobs").status_code == 403


# --- the interviews list -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("owner", EVERY_INTERVIEW),
        ("admin", EVERY_INTERVIEW),
        ("recruiter", EVERY_INTERVIEW),
        ("hiring_manager", ["Alpha0", "Alpha1", "Beta0", "Beta1"]),
        ("interviewer", ["Alpha0", "Gamma1"]),
    ],
)
def test_the_interviews_list_shows_each_role_its_interviews(client, world, role, expected):
    login(client, world["people"][role])
    html = text(client.get("/interviews?sort=candidate"))
    assert [name.split()[0] for name in interview_names(html)] == expected
    assert f"{len(expected)} interview" in html
    # Filters and search stay inside the member's part: a search for every candidate, a status, dates.
    for query in ("q=Candidate", "status=completed", "from=2026-03-01&to=2026-03-31", "q=Candidate&status=completed"):
        found = interview_names(text(client.get(f"/interviews?sort=candidate&{query}")))
        assert [name.split()[0] for name in found] == expected, query


@pytest.mark.parametrize(
    ("role", "jobs"),
    [("recruiter", EVERY_JOB), ("hiring_manager", ["Alpha job", "Beta job"]), ("interviewer", ["Alpha job", "Gamma job"])],
)
def test_the_job_filter_offers_only_the_members_jobs_and_refuses_others(client, world, role, jobs):
    login(client, world["people"][role])
    html = text(client.get("/interviews"))
    offered = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', html.split('id="interview-job"')[1].split("</select>")[0])
    assert offered == jobs
    for name, job in world["jobs"].items():
        response = client.get(f"/interviews?job={job.id}")
        if name in jobs:
            assert response.status_code == 200
        else:
            assert response.status_code == 400 and "Unknown job" in response.get_data(as_text=True)
            assert job.title not in response.get_data(as_text=True).split("<main")[-1].split('id="interview-job"')[0]
    assert client.get(f"/interviews?job={world['other_job'].id}").status_code == 400


def test_a_hiring_managers_job_filter_narrows_to_that_job(client, world):
    login(client, world["people"]["hiring_manager"])
    html = text(client.get(f"/interviews?job={world['jobs']['Beta job'].id}&sort=candidate"))
    assert [name.split()[0] for name in interview_names(html)] == ["Beta0", "Beta1"]


def test_an_interviewers_job_filter_keeps_to_their_assignments(client, world):
    login(client, world["people"]["interviewer"])
    html = text(client.get(f"/interviews?job={world['jobs']['Alpha job'].id}"))
    assert [name.split()[0] for name in interview_names(html)] == ["Alpha0"]


def _many(db_session, job, count: int, assign_to=None, prefix="Many"):
    for n in range(count):
        person = gen_user(db_session, first_name=f"{prefix}{n:03d}", last_name="Load")
        interview = gen_interview(db_session, person, job, status="completed",
                                  start_time=DAY - timedelta(days=1, minutes=n))
        if assign_to is not None:
            gen_assignment(db_session, interview, assign_to)


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer"])
def test_restricted_members_page_through_their_interviews_only(client, db_session, world, role):
    member = world["people"][role]
    _many(db_session, world["jobs"]["Alpha job"], 30, assign_to=member if role == "interviewer" else None)
    _many(db_session, world["jobs"]["Gamma job"], 30, prefix="Hidden")  # neither theirs
    login(client, member)
    expected = 30 + (4 if role == "hiring_manager" else 2)
    first = text(client.get("/interviews"))
    second = text(client.get("/interviews?page=2"))
    seen = interview_names(first) + interview_names(second)
    assert len(interview_names(first)) == 25 and len(seen) == expected and len(set(seen)) == expected
    assert not any(name.startswith("Hidden") for name in seen)
    assert f"{expected} interviews" in first


@pytest.mark.parametrize("role", ["owner", "hiring_manager", "interviewer"])
def test_the_interviews_list_sends_as_many_statements_for_10_or_60_interviews(app, client, db_session, world, role):
    member = world["people"][role]
    login(client, member)
    few, _ = statements_of(app, client, "/interviews?sort=-technical")
    _many(db_session, world["jobs"]["Alpha job"], 60, assign_to=member if role == "interviewer" else None)
    many, many_html = statements_of(app, client, "/interviews?sort=-technical")
    filtered, _ = statements_of(app, client, f"/interviews?q=Load&job={world['jobs']['Alpha job'].id}")
    assert len(interview_names(many_html)) == 25
    assert len(few) == len(many) == len(filtered)
    reads = [s for s in many if "interview_interviewsession" in s or "interviewcount" in s]
    assert len(reads) == 2  # the counts (with the member's jobs), one page of rows
    if role != "owner":
        # Never the company's counters: they count colleagues' jobs too.
        assert not any("dashboard_companyinterviewcount" in s for s in many + filtered)


def test_htmx_rows_of_a_hiring_manager_stay_scoped(client, world):
    login(client, world["people"]["hiring_manager"])
    response = client.get("/interviews?status=completed&sort=candidate",
                          headers={"HX-Request": "true", "HX-Target": "interview-rows"})
    html = text(response)
    assert "<html" not in html
    assert [name.split()[0] for name in interview_names(html)] == ["Alpha0", "Alpha1", "Beta0", "Beta1"]


def test_restricted_members_see_no_schedule_button(client, world):
    login(client, world["people"]["hiring_manager"])
    assert "Schedule an interview" not in text(client.get("/interviews"))
    login(client, world["people"]["recruiter"])
    assert "Schedule an interview" in text(client.get("/interviews"))


# --- the dashboard --------------------------------------------------------------------------------


def test_a_hiring_managers_dashboard_shows_their_jobs_interviews_and_attention_only(client, db_session, world):
    now = datetime.now(UTC)
    alpha, gamma = world["jobs"]["Alpha job"], world["jobs"]["Gamma job"]
    gen_interview(db_session, gen_user(db_session, first_name="Waiting", last_name="Mine"), alpha,
                  status="completed", start_time=now - timedelta(days=1))
    gen_interview(db_session, gen_user(db_session, first_name="Waiting", last_name="Theirs"), gamma,
                  status="completed", start_time=now - timedelta(days=1))
    gen_interview(db_session, gen_user(db_session, first_name="Today", last_name="Theirs"), gamma,
                  status="scheduled", start_time=null(), scheduled_time=now.replace(hour=23, minute=0))
    login(client, world["people"]["hiring_manager"])
    html = text(client.get("/dashboard"))
    assert "Hiring manager dashboard" in html
    assert "Alpha job" in html and "Beta job" in html and "Gamma job" not in html
    assert "Waiting Mine" in html and "Theirs" not in html
    assert "Alpha0 Candidate" in html and "Gamma0" not in html
    assert "Interviews this week" not in html  # the company's counters: not for a hiring manager


def test_an_interviewers_dashboard_lists_their_upcoming_and_latest_assigned_interviews(client, db_session, world):
    now = datetime.now(UTC)
    interviewer = world["people"]["interviewer"]
    soon = gen_interview(db_session, gen_user(db_session, first_name="Soon", last_name="Assigned"),
                         world["jobs"]["Beta job"], status="scheduled", start_time=null(),
                         scheduled_time=now + timedelta(days=2))
    gen_assignment(db_session, soon, interviewer)
    gen_interview(db_session, gen_user(db_session, first_name="Soon", last_name="Unassigned"),
                  world["jobs"]["Beta job"], status="scheduled", start_time=null(), scheduled_time=now + timedelta(days=1))
    login(client, interviewer)
    html = text(client.get("/dashboard"))
    upcoming = html.split('id="assigned-upcoming"')[1].split("</section>")[0]
    latest = html.split('id="assigned-latest"')[1].split("</section>")[0]
    assert "Soon Assigned" in upcoming and f'href="/interviews/{soon.session_id}"' in upcoming
    assert "Gamma1 Candidate" in latest and "Alpha0 Candidate" in latest
    assert "Unassigned" not in html and "Beta0" not in html and "Foreign" not in html
    assert "Active jobs" not in html and 'href="/jobs' not in html.split("<main")[1]


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer"])
def test_member_dashboards_send_a_constant_number_of_statements_and_no_company_counters(
    app, client, db_session, world, role
):
    member = world["people"][role]
    login(client, member)
    few, _ = statements_of(app, client, "/dashboard")
    _many(db_session, world["jobs"]["Alpha job"], 30, assign_to=member if role == "interviewer" else None)
    many, _ = statements_of(app, client, "/dashboard")
    assert len(few) == len(many)
    assert not any("dashboard_companydaycount" in s or "dashboard_companyinterviewcount" in s for s in many)


def test_owners_dashboard_is_unchanged(client, world):
    login(client, world["people"]["owner"])
    html = text(client.get("/dashboard"))
    assert "Employer dashboard" in html and "Interviews this week" in html and "Gamma job" in html


# --- rankings and their export ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "alpha", "gamma"),
    [("owner", 200, 200), ("recruiter", 200, 200), ("hiring_manager", 200, 404), ("interviewer", 403, 403)],
)
def test_the_rankings_export_follows_the_members_jobs(client, db_session, world, role, alpha, gamma):
    alpha_job, gamma_job = world["jobs"]["Alpha job"], world["jobs"]["Gamma job"]
    gen_ranking(db_session, alpha_job, gen_user(db_session, first_name="Ranked", last_name="Alpha"))
    gen_ranking(db_session, gamma_job, gen_user(db_session, first_name="Ranked", last_name="Gamma"))
    login(client, world["people"][role])
    for job, status, name in ((alpha_job, alpha, "Ranked Alpha"), (gamma_job, gamma, "Ranked Gamma")):
        response = client.get(f"/jobs/{job.id}/rankings.csv")
        assert response.status_code == status
        body = response.get_data(as_text=True)
        if status == 200:
            assert name in body and "Ranked" in body and body.count("Ranked") == 1
        else:
            assert "Ranked" not in body


def test_a_hiring_manager_sees_rankings_without_weight_buttons(client, db_session, world):
    job = world["jobs"]["Alpha job"]
    gen_ranking(db_session, job, gen_user(db_session, first_name="Ranked", last_name="Alpha"))
    login(client, world["people"]["hiring_manager"])
    html = text(client.get(f"/jobs/{job.id}/rankings"))
    assert "Ranked Alpha" in html
    assert "Change this job&#39;s weights" not in html and "Save as this job&#39;s weights" not in html
    job_page = text(client.get(f"/jobs/{job.id}"))
    assert "Score weights</a>" not in job_page
