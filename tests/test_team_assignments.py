"""A job's hiring team and an interview's interviewers: recruiters add and remove people (audited), the
panels show who is there, and what a member sees follows at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_user
from webapp.models import AuditEvent, CompanyMember, InterviewAssignment, JobTeamMember

HTMX = {"HX-Request": "true"}


def gen_member(db_session, company, role: str, **kw):
    """An employer account that belongs to `company` with `role`."""
    user = gen_user(db_session, role="employer", **kw)
    db_session.add(CompanyMember(company_id=company.id, user_id=user.id, role=role))
    db_session.flush()
    return user


def login(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:1500])
    return response.get_data(as_text=True)


def team_of(db_session, job) -> dict[int, str]:
    rows = db_session.execute(select(JobTeamMember.user_id, JobTeamMember.team_role).where(JobTeamMember.job_id == job.id))
    return dict(rows.all())


def assigned_to(db_session, interview) -> set[int]:
    return set(db_session.scalars(
        select(InterviewAssignment.user_id).where(InterviewAssignment.interview_session_id == interview.id)
    ))


def events(db_session, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.fixture
def acme(db_session):
    owner = gen_user(db_session, role="employer", first_name="Olga", last_name="Owner")
    company = gen_company(db_session, owner, company_name="Acme")
    people = {"owner": owner}
    for role, first in (("admin", "Ada"), ("recruiter", "Rita"), ("hiring_manager", "Hank"), ("interviewer", "Ivy")):
        people[role] = gen_member(db_session, company, role, first_name=first, last_name="Acme")
    job = gen_job(db_session, company, title="Robot Whisperer")
    candidate = gen_user(db_session, first_name="Cara", last_name="Candidate")
    interview = gen_interview(db_session, candidate, job, status="completed")
    outsider = gen_user(db_session, role="employer", first_name="Otto", last_name="Outsider")
    gen_company(db_session, outsider, company_name="Other Co")
    return {"company": company, "people": people, "job": job, "interview": interview, "outsider": outsider}


# --- a job's hiring team ---------------------------------------------------------------------------


def test_a_recruiter_adds_a_hiring_manager_who_then_sees_the_job(client, db_session, acme):
    job, hank = acme["job"], acme["people"]["hiring_manager"]
    login(client, hank)
    assert client.get(f"/jobs/{job.id}").status_code == 404

    login(client, acme["people"]["recruiter"])
    page = html_of(client.get(f"/jobs/{job.id}"))
    assert "Hiring team" in page and "Nobody on the team yet" in page
    assert f'<option value="{hank.id}">Hank Acme (Hiring manager)</option>' in page
    response = client.post(f"/jobs/{job.id}/team", data={"user_id": hank.id, "team_role": "hiring_manager"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/jobs/{job.id}#job-team")
    assert team_of(db_session, job) == {hank.id: "hiring_manager"}
    page = html_of(client.get(f"/jobs/{job.id}"))
    assert "Added Hank Acme to the hiring team as hiring manager." in page
    assert f'<option value="{hank.id}"' not in page  # offered no more: already on the team
    [event] = events(db_session, "job.team_added")
    assert event.actor_id == acme["people"]["recruiter"].id and event.target_id == str(job.id)
    assert event.details["user_id"] == hank.id and event.details["team_role"] == "hiring_manager"
    assert event.company_id == acme["company"].id

    login(client, hank)
    page = html_of(client.get(f"/jobs/{job.id}"))
    assert "Robot Whisperer" in page and "Hank Acme" in page
    assert "Add to the hiring team" not in page and "Remove" not in page  # a hiring manager only reads the team
    assert "Edit</a>" not in page and "Delete…" not in page and 'role="switch"' not in page


def test_adding_over_htmx_answers_the_panel_alone(client, db_session, acme):
    job, ivy = acme["job"], acme["people"]["interviewer"]
    login(client, acme["people"]["admin"])
    html = html_of(client.post(f"/jobs/{job.id}/team", data={"user_id": ivy.id, "team_role": "interviewer"},
                               headers=HTMX))
    assert html.lstrip().startswith('<section class="card team-panel" id="job-team"') and "<html" not in html
    assert "Added Ivy Acme to the hiring team as interviewer." in html and 'role="status"' in html
    assert team_of(db_session, job) == {ivy.id: "interviewer"}


def test_adding_someone_already_on_the_team_says_so_and_writes_nothing(client, db_session, acme):
    job, hank = acme["job"], acme["people"]["hiring_manager"]
    db_session.add(JobTeamMember(job_id=job.id, user_id=hank.id, team_role="hiring_manager"))
    db_session.flush()
    login(client, acme["people"]["recruiter"])
    html = html_of(client.post(f"/jobs/{job.id}/team", data={"user_id": hank.id, "team_role": "interviewer"},
                               headers=HTMX))
    assert "Hank Acme is already on this job&#39;s hiring team." in html
    assert team_of(db_session, job) == {hank.id: "hiring_manager"} and events(db_session, "job.team_added") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"user_id": "outsider", "team_role": "interviewer"}, "Choose a member of this company."),
        ({"user_id": "", "team_role": "interviewer"}, "Choose a member of this company."),
        ({"user_id": "99999999", "team_role": "interviewer"}, "Choose a member of this company."),
        ({"user_id": "hank", "team_role": "owner"}, "Choose hiring manager or interviewer."),
        ({"user_id": "hank", "team_role": ""}, "Choose hiring manager or interviewer."),
        ({"user_id": "1e3", "team_role": "interviewer"}, "Choose a member of this company."),
    ],
)
def test_bad_team_input_is_a_clear_422_that_writes_nothing(client, db_session, acme, data, message):
    job = acme["job"]
    ids = {"outsider": acme["outsider"].id, "hank": acme["people"]["hiring_manager"].id}
    data = {key: ids.get(value, value) for key, value in data.items()}
    login(client, acme["people"]["recruiter"])
    for headers in ({}, HTMX):
        html = html_of(client.post(f"/jobs/{job.id}/team", data=data, headers=headers), 422)
        assert message in html and "Nobody was added" in html
    assert team_of(db_session, job) == {} and events(db_session, "job.team_added") == []


def test_removing_a_team_member_takes_the_job_away_from_them(client, db_session, acme):
    job, hank = acme["job"], acme["people"]["hiring_manager"]
    db_session.add(JobTeamMember(job_id=job.id, user_id=hank.id, team_role="hiring_manager"))
    db_session.flush()
    login(client, acme["people"]["owner"])
    page = html_of(client.get(f"/jobs/{job.id}"))
    assert f'action="/jobs/{job.id}/team/{hank.id}/remove"' in page and "Remove Hank Acme from this job" in page
    html = html_of(client.post(f"/jobs/{job.id}/team/{hank.id}/remove", headers=HTMX))
    assert "Removed Hank Acme from the hiring team." in html and team_of(db_session, job) == {}
    [event] = events(db_session, "job.team_removed")
    assert event.details["user_id"] == hank.id and event.details["team_role"] == "hiring_manager"
    # Again (a second click, another tab): nobody there any more.
    assert client.post(f"/jobs/{job.id}/team/{hank.id}/remove").status_code == 404
    login(client, hank)
    assert client.get(f"/jobs/{job.id}").status_code == 404


def test_team_routes_refuse_other_roles_and_foreign_jobs(client, db_session, acme):
    job, hank = acme["job"], acme["people"]["hiring_manager"]
    db_session.add(JobTeamMember(job_id=job.id, user_id=hank.id, team_role="hiring_manager"))
    db_session.flush()
    add = {"user_id": acme["people"]["interviewer"].id, "team_role": "interviewer"}
    for role, status in (("hiring_manager", 403), ("interviewer", 403)):
        login(client, acme["people"][role])
        assert client.post(f"/jobs/{job.id}/team", data=add).status_code == status
        assert client.post(f"/jobs/{job.id}/team/{hank.id}/remove").status_code == status
    login(client, acme["outsider"])
    assert client.post(f"/jobs/{job.id}/team", data=add).status_code == 404
    assert client.post(f"/jobs/{job.id}/team/{hank.id}/remove").status_code == 404
    assert team_of(db_session, job) == {hank.id: "hiring_manager"}


# --- an interview's interviewers -----------------------------------------------------------------


def test_a_recruiter_assigns_an_interviewer_who_then_sees_the_interview(client, db_session, acme):
    interview, ivy = acme["interview"], acme["people"]["interviewer"]
    url = f"/interviews/{interview.session_id}"
    login(client, ivy)
    assert client.get(url).status_code == 404
    assert "Cara Candidate" not in html_of(client.get("/interviews"))

    login(client, acme["people"]["recruiter"])
    page = html_of(client.get(url))
    assert 'id="interviewers"' in page and "No interviewer assigned" in page
    # Interviewers are offered first, then the others, each with their role.
    options = page.split('id="user_id"')[1].split("</select>")[0]
    assert options.index("Ivy Acme (Interviewer)") < options.index("Ada Acme (Admin)")
    response = client.post(f"{url}/interviewers", data={"user_id": ivy.id})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}#interviewers")
    assert assigned_to(db_session, interview) == {ivy.id}
    [event] = events(db_session, "interview.interviewer_assigned")
    assert event.actor_id == acme["people"]["recruiter"].id and event.details["user_id"] == ivy.id
    assert event.target_id == str(interview.id)
    assert db_session.get(InterviewAssignment, (interview.id, ivy.id)).assigned_by_id == acme["people"]["recruiter"].id

    login(client, ivy)
    page = html_of(client.get(url))
    assert "Ivy Acme" in page and "Assign</button>" not in page and "Unassign" not in page
    assert "Cara Candidate" in html_of(client.get("/interviews"))


def test_assigning_over_htmx_answers_the_panel_and_twice_says_already(client, db_session, acme):
    interview, ivy = acme["interview"], acme["people"]["interviewer"]
    url = f"/interviews/{interview.session_id}/interviewers"
    login(client, acme["people"]["admin"])
    html = html_of(client.post(url, data={"user_id": ivy.id}, headers=HTMX))
    assert html.lstrip().startswith('<section class="card team-panel no-print" id="interviewers"')
    assert "Assigned Ivy Acme." in html
    html = html_of(client.post(url, data={"user_id": ivy.id}, headers=HTMX))
    assert "Ivy Acme is already assigned." in html
    assert len(events(db_session, "interview.interviewer_assigned")) == 1


def test_anyone_in_the_company_may_be_assigned_but_nobody_outside(client, db_session, acme):
    interview = acme["interview"]
    url = f"/interviews/{interview.session_id}/interviewers"
    login(client, acme["people"]["recruiter"])
    assert client.post(url, data={"user_id": acme["people"]["hiring_manager"].id}).status_code == 303
    for bad in (acme["outsider"].id, "", "x", 2**40):
        html = html_of(client.post(url, data={"user_id": bad}), 422)
        assert "Choose a member of this company." in html and "Nobody was assigned" in html
    assert assigned_to(db_session, interview) == {acme["people"]["hiring_manager"].id}


def test_unassigning_removes_the_interview_from_the_interviewer(client, db_session, acme):
    interview, ivy = acme["interview"], acme["people"]["interviewer"]
    db_session.add(InterviewAssignment(interview_session_id=interview.id, user_id=ivy.id))
    db_session.flush()
    url = f"/interviews/{interview.session_id}"
    login(client, acme["people"]["owner"])
    page = html_of(client.get(url))
    assert f'action="{url}/interviewers/{ivy.id}/remove"' in page and "Unassign Ivy Acme?" in page
    html = html_of(client.post(f"{url}/interviewers/{ivy.id}/remove", headers=HTMX))
    assert "Unassigned Ivy Acme." in html and assigned_to(db_session, interview) == set()
    assert len(events(db_session, "interview.interviewer_unassigned")) == 1
    assert client.post(f"{url}/interviewers/{ivy.id}/remove").status_code == 404
    login(client, ivy)
    assert client.get(url).status_code == 404


def test_assignment_routes_refuse_other_roles_and_foreign_interviews(client, db_session, acme):
    interview, ivy = acme["interview"], acme["people"]["interviewer"]
    db_session.add(InterviewAssignment(interview_session_id=interview.id, user_id=ivy.id))
    db_session.add(JobTeamMember(job_id=acme["job"].id, user_id=acme["people"]["hiring_manager"].id,
                                 team_role="hiring_manager"))
    db_session.flush()
    url = f"/interviews/{interview.session_id}/interviewers"
    for role in ("hiring_manager", "interviewer"):
        login(client, acme["people"][role])
        assert client.post(url, data={"user_id": acme["people"]["admin"].id}).status_code == 403
        assert client.post(f"{url}/{ivy.id}/remove").status_code == 403
    login(client, acme["outsider"])
    assert client.post(url, data={"user_id": ivy.id}).status_code == 404
    assert client.post(f"{url}/{ivy.id}/remove").status_code == 404
    assert assigned_to(db_session, interview) == {ivy.id}


def test_members_who_may_not_manage_interviews_see_no_actions(client, db_session, acme):
    job = acme["job"]
    planned = gen_interview(db_session, gen_user(db_session), job, status="scheduled")
    hank = acme["people"]["hiring_manager"]
    db_session.add(JobTeamMember(job_id=job.id, user_id=hank.id, team_role="hiring_manager"))
    db_session.flush()
    login(client, acme["people"]["recruiter"])
    page = html_of(client.get(f"/interviews/{planned.session_id}"))
    assert "Cancel interview…" in page and "Reschedule…" in page
    login(client, hank)
    page = html_of(client.get(f"/interviews/{planned.session_id}"))
    assert "Cancel interview…" not in page and "Reschedule…" not in page and 'id="interviewers"' in page
