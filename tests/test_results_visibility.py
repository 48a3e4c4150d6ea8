"""Results for candidates: the employer's switch (interviewer_visible) and the candidate's (employer_visible),
each audited, and every page of the other side following them at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from tests.factories import (
    PASSWORD,
    gen_assignment,
    gen_company,
    gen_interview,
    gen_job,
    gen_job_team,
    gen_member,
    gen_sentiment_session,
    gen_user,
)
from tests.querycount import statements_of
from webapp.models import AuditEvent, SentimentSession

HTMX = {"HX-Request": "true"}
START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def login(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:1500])
    return response.get_data(as_text=True)


def events(db_session, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def audit_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(AuditEvent))


def flags(db_session, interview) -> list[tuple]:
    db_session.expire_all()
    return db_session.execute(
        select(SentimentSession.interviewer_visible, SentimentSession.employer_visible)
        .where(SentimentSession.interview_session_id == interview.id).order_by(SentimentSession.id)
    ).all()


@pytest.fixture
def acme(db_session):
    owner = gen_user(db_session, role="employer", first_name="Olga", last_name="Owner")
    company = gen_company(db_session, owner, company_name="Acme")
    people = {"owner": owner}
    for role in ("admin", "recruiter", "hiring_manager", "interviewer"):
        people[role] = gen_member(db_session, company, role=role).user
    job = gen_job(db_session, company, title="Robot Whisperer")
    gen_job_team(db_session, job, people["hiring_manager"])
    candidate = gen_user(db_session, role="user", first_name="Cara", last_name="Candidate")
    interview = gen_interview(db_session, candidate, job, status="completed", start_time=START,
                              technical_accuracy=Decimal("87.5"), behavioral_score=Decimal("54.5"))
    gen_assignment(db_session, interview, people["interviewer"])
    summary = gen_sentiment_session(db_session, interview, overall_sentiment="mixed", interviewer_visible=False,
                                    employer_visible=True)
    outsider = gen_user(db_session, role="employer")
    foreign_job = gen_job(db_session, gen_company(db_session, outsider, company_name="Other Co"))
    return {"company": company, "people": people, "job": job, "candidate": candidate, "interview": interview,
            "summary": summary, "outsider": outsider, "foreign_job": foreign_job}


def share_url(interview) -> str:
    return f"/interviews/{interview.session_id}/results-sharing"


# --- the employer's switch: interviewer_visible ---------------------------------------------------------


def test_the_owner_shares_the_results_and_the_candidate_sees_them_then_not(client, db_session, acme):
    interview, candidate = acme["interview"], acme["candidate"]
    login(client, candidate)
    mine = html_of(client.get("/my/interviews"))
    assert "Results not shared with you yet" in mine and "87.5" not in mine and "Mixed" not in mine

    login(client, acme["people"]["owner"])
    page = html_of(client.get(f"/interviews/{interview.session_id}"))
    assert "Candidate can see these results" in page and 'aria-checked="false"' in page
    assert "Not shared: the candidate sees only that the interview took place." in page

    fragment = html_of(client.post(share_url(interview), data={"shared": "yes"}, headers=HTMX))
    assert "<html" not in fragment and 'id="results-sharing"' in fragment
    assert 'aria-checked="true"' in fragment and "The candidate can now see these results." in fragment
    assert flags(db_session, interview) == [(True, True)]
    [event] = events(db_session, "interview.results_shared")
    assert event.actor_id == acme["people"]["owner"].id and event.company_id == acme["company"].id
    assert event.details == {"session_id": interview.session_id, "shared": True, "was_shared": False, "summaries": 1}

    login(client, candidate)
    mine = html_of(client.get("/my/interviews"))
    assert "87.5" in mine and "54.5" in mine and "Mixed" in mine and "Results not shared with you yet" not in mine

    login(client, acme["people"]["recruiter"])
    response = client.post(share_url(interview), data={"shared": "no"})  # without htmx: a redirect and a flash
    assert response.status_code == 303 and response.headers["Location"].endswith("#results-sharing")
    assert "The candidate no longer sees these results." in html_of(client.get(response.headers["Location"]))
    assert flags(db_session, interview) == [(False, True)]
    assert len(events(db_session, "interview.results_withheld")) == 1

    login(client, candidate)
    mine = html_of(client.get("/my/interviews"))
    assert "87.5" not in mine and "Mixed" not in mine and "Results not shared with you yet" in mine


def test_a_repeated_click_changes_nothing_and_logs_nothing(client, db_session, acme):
    login(client, acme["people"]["admin"])
    for _ in range(2):
        html_of(client.post(share_url(acme["interview"]), data={"shared": "yes"}, headers=HTMX))
    assert len(events(db_session, "interview.results_shared")) == 1


def test_every_summary_of_the_interview_follows_the_switch(client, db_session, acme):
    interview = acme["interview"]
    older = gen_sentiment_session(db_session, interview, session_id=f"sent-2-{interview.session_id}",
                                  created_at=START)
    db_session.execute(update(SentimentSession).where(SentimentSession.id == older.id).values(interviewer_visible=None))
    assert sorted(flags(db_session, interview), key=str) == sorted([(False, True), (None, True)], key=str)
    login(client, acme["people"]["owner"])
    html_of(client.post(share_url(interview), data={"shared": "yes"}, headers=HTMX))
    assert [shown for shown, _ in flags(db_session, interview)] == [True, True]
    assert events(db_session, "interview.results_shared")[0].details["summaries"] == 2


@pytest.mark.parametrize("data", [{}, {"shared": "maybe"}, {"shared": ""}, {"shared": "YES"}])
def test_bad_input_is_refused_and_writes_nothing(client, db_session, acme, data):
    login(client, acme["people"]["owner"])
    before = audit_count(db_session)
    assert client.post(share_url(acme["interview"]), data=data, headers=HTMX).status_code == 400
    assert flags(db_session, acme["interview"]) == [(False, True)] and audit_count(db_session) == before


def test_an_interview_without_a_summary_says_it_cannot_be_shared_yet(client, db_session, acme):
    fresh = gen_interview(db_session, acme["candidate"], acme["job"], status="completed", start_time=START)
    login(client, acme["people"]["owner"])
    page = html_of(client.get(f"/interviews/{fresh.session_id}"))
    assert "These results cannot be shared yet" in page and "results-sharing-switch" not in page
    before = audit_count(db_session)
    fragment = html_of(client.post(share_url(fresh), data={"shared": "yes"}, headers=HTMX), 422)
    assert "Nothing was shared: this interview has no sentiment summary yet." in fragment
    page = html_of(client.post(share_url(fresh), data={"shared": "yes"}), 422)
    assert "Nothing was shared" in page and "<html" in page
    assert audit_count(db_session) == before and flags(db_session, fresh) == []


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer"])
def test_members_who_may_not_edit_the_interview_see_the_state_without_the_switch(client, db_session, acme, role):
    login(client, acme["people"][role])
    page = html_of(client.get(f"/interviews/{acme['interview'].session_id}"))
    assert "Results for the candidate" in page and "results-sharing-switch" not in page
    assert "Not shared: the candidate sees only that the interview took place." in page
    assert "Owners, admins and recruiters choose this." in page
    before = audit_count(db_session)
    assert client.post(share_url(acme["interview"]), data={"shared": "yes"}, headers=HTMX).status_code == 403
    assert flags(db_session, acme["interview"]) == [(False, True)] and audit_count(db_session) == before


def test_a_foreign_practice_or_missing_interview_answers_404(client, db_session, acme):
    foreign = gen_interview(db_session, acme["candidate"], acme["foreign_job"], status="completed")
    gen_sentiment_session(db_session, foreign, interviewer_visible=False)
    practice = gen_interview(db_session, acme["candidate"], acme["job"], status="completed", is_practice=True)
    gen_sentiment_session(db_session, practice, interviewer_visible=False)
    login(client, acme["people"]["owner"])
    for interview in (foreign, practice):
        assert client.post(share_url(interview), data={"shared": "yes"}).status_code == 404
        assert flags(db_session, interview) == [(False, True)]
    assert client.post("/interviews/no-such-session/results-sharing", data={"shared": "yes"}).status_code == 404
    assert events(db_session, "interview.results_shared") == []


def test_a_candidate_cannot_release_their_own_results(client, db_session, acme):
    login(client, acme["candidate"])
    assert client.post(share_url(acme["interview"]), data={"shared": "yes"}).status_code in (403, 404)
    assert flags(db_session, acme["interview"]) == [(False, True)]


def test_the_interviews_list_says_which_results_are_shared(client, db_session, acme):
    login(client, acme["people"]["owner"])
    page = html_of(client.get("/interviews"))
    assert "Shared with the candidate" not in page
    html_of(client.post(share_url(acme["interview"]), data={"shared": "yes"}, headers=HTMX))
    page = html_of(client.get("/interviews"))
    assert "Shared with the candidate" in page


# --- the candidate's switch: employer_visible on practice ------------------------------------------------


@pytest.fixture
def practice(db_session, acme):
    session = gen_interview(db_session, acme["candidate"], None, status="completed", is_practice=True,
                            start_time=START - timedelta(days=3))
    gen_sentiment_session(db_session, session, overall_sentiment="negative", employer_visible=False)
    return session


def practice_url(session) -> str:
    return f"/practice/{session.session_id}/sharing"


def test_the_candidate_shares_a_practice_tone_and_the_employer_sees_it_then_not(client, db_session, acme, practice):
    interview_page = f"/interviews/{acme['interview'].session_id}"
    login(client, acme["people"]["recruiter"])
    page = html_of(client.get(interview_page))
    assert "Practice the candidate shared" in page and "The candidate has not shared any practice session." in page
    assert "sentiment-negative" not in page

    login(client, acme["candidate"])
    page = html_of(client.get(f"/practice/{practice.session_id}"))
    assert "Employers may see my practice sentiment" in page and "Off: only you see this session" in page
    fragment = html_of(client.post(practice_url(practice), data={"shared": "yes"}, headers=HTMX))
    assert "<html" not in fragment and 'aria-checked="true"' in fragment
    assert "Employers who interview you can now see this session&#39;s overall tone." in fragment
    assert flags(db_session, practice) == [(True, True)]
    [event] = events(db_session, "practice.sentiment_shared")
    assert event.actor_id == acme["candidate"].id and event.company_id is None
    assert event.details["session_id"] == practice.session_id and event.details["was_shared"] is False

    for role in ("recruiter", "interviewer"):
        login(client, acme["people"][role])
        page = html_of(client.get(interview_page))
        assert "sentiment-negative" in page and "has not shared any practice session" not in page

    login(client, acme["candidate"])
    response = client.post(practice_url(practice), data={"shared": "no"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#practice-sharing")
    assert "Employers no longer see this session" in html_of(client.get(response.headers["Location"]))
    assert len(events(db_session, "practice.sentiment_withheld")) == 1

    login(client, acme["people"]["recruiter"])
    page = html_of(client.get(interview_page))
    assert "sentiment-negative" not in page and "The candidate has not shared any practice session." in page


def test_the_employer_sees_only_the_tone_and_the_date_of_shared_practice(client, db_session, acme):
    other_company_job = gen_job(db_session, gen_company(db_session, company_name="Rival Corp"), title="Secret Role")
    session = gen_interview(db_session, acme["candidate"], other_company_job, status="completed", is_practice=True,
                            technical_accuracy=Decimal("12.34"))
    gen_sentiment_session(db_session, session, overall_sentiment="neutral", employer_visible=True,
                          improvement_suggestions=["Slow down when explaining gearboxes."])
    login(client, acme["people"]["owner"])
    page = html_of(client.get(f"/interviews/{acme['interview'].session_id}"))
    assert "Neutral" in page
    for private in ("Secret Role", "Rival Corp", "12.3", "gearboxes"):
        assert private not in page, private


@pytest.mark.parametrize("data", [{}, {"shared": "on"}, {"shared": "no "}])
def test_bad_practice_input_is_refused_and_writes_nothing(client, db_session, acme, practice, data):
    login(client, acme["candidate"])
    before = audit_count(db_session)
    assert client.post(practice_url(practice), data=data, headers=HTMX).status_code == 400
    assert flags(db_session, practice) == [(True, False)] and audit_count(db_session) == before


def test_a_practice_session_without_tone_has_nothing_to_share(client, db_session, acme):
    session = gen_interview(db_session, acme["candidate"], None, status="completed", is_practice=True)
    login(client, acme["candidate"])
    page = html_of(client.get(f"/practice/{session.session_id}"))
    assert "Nothing to share yet: this session has no tone analysis." in page and "practice-sharing-switch" not in page
    before = audit_count(db_session)
    fragment = html_of(client.post(practice_url(session), data={"shared": "yes"}, headers=HTMX), 422)
    assert "Nothing was shared: this session has no tone analysis yet." in fragment
    assert "Nothing was shared" in html_of(client.post(practice_url(session), data={"shared": "yes"}), 422)
    assert audit_count(db_session) == before


def test_another_candidates_or_a_real_session_answers_404_and_employers_are_refused(client, db_session, acme, practice):
    stranger = gen_user(db_session, role="user")
    login(client, stranger)
    assert client.post(practice_url(practice), data={"shared": "yes"}).status_code == 404
    login(client, acme["candidate"])
    assert client.post(practice_url(acme["interview"]), data={"shared": "no"}).status_code == 404  # a real interview
    assert client.post("/practice/missing-session/sharing", data={"shared": "yes"}).status_code == 404
    login(client, acme["people"]["owner"])
    assert client.post(practice_url(practice), data={"shared": "yes"}).status_code in (403, 404)
    assert flags(db_session, practice) == [(True, False)] and flags(db_session, acme["interview"]) == [(False, True)]
    assert events(db_session, "practice.sentiment_shared") == []


# --- what stays as it was: the employer's own flag, rankings and exports ----------------------------------


def test_shared_practice_never_reaches_rankings_compare_or_the_csv(client, db_session, acme, practice):
    """Rankings, comparisons and their CSV read real interviews only: a shared practice tone changes none of them."""
    login(client, acme["candidate"])
    html_of(client.post(practice_url(practice), data={"shared": "yes"}, headers=HTMX))
    job, candidate = acme["job"], acme["candidate"]
    rival = gen_user(db_session, role="user", first_name="Rex", last_name="Rival")
    gen_sentiment_session(db_session, gen_interview(db_session, rival, job, status="completed", start_time=START))
    login(client, acme["people"]["owner"])
    pages = {url: client.get(url) for url in (
        f"/jobs/{job.id}/rankings", f"/jobs/{job.id}/rankings.csv",
        f"/jobs/{job.id}/rankings/compare?c={candidate.id}&c={rival.id}",
    )}
    for url, response in pages.items():
        text = html_of(response)
        assert "Cara" in text, url
        assert "sentiment-negative" not in text, url


def test_the_interview_page_reads_shared_practice_in_one_statement(app, client, db_session, acme):
    login(client, acme["people"]["owner"])
    url = f"/interviews/{acme['interview'].session_id}"
    few, _ = statements_of(app, client, url)
    for day in range(8):
        session = gen_interview(db_session, acme["candidate"], None, status="completed", is_practice=True,
                                start_time=START - timedelta(days=10 + day))
        gen_sentiment_session(db_session, session, overall_sentiment="positive", employer_visible=True)
    many, html = statements_of(app, client, url)
    assert len(many) == len(few)
    assert html.count('class="pill sentiment-positive"') >= 5  # the latest five, not all eight
    section = html.split('id="shared-practice"')[1].split("</section>")[0]
    assert section.count("<li>") == 5


def test_the_interviews_list_hides_sentiment_as_the_review_page_does(client, db_session, acme):
    """Any summary the candidate's side did not share hides the tone, in the list as on the page."""
    interview = acme["interview"]
    older = gen_sentiment_session(db_session, interview, session_id=f"sent-old-{interview.session_id}",
                                  created_at=START - timedelta(hours=1), overall_sentiment="negative")
    db_session.execute(update(SentimentSession).where(SentimentSession.id == older.id).values(employer_visible=None))
    login(client, acme["people"]["owner"])
    row = html_of(client.get("/interviews")).split(f'id="interview-row-{interview.id}"')[1].split("</tr>")[0]
    assert "Not shared" in row and "sentiment-mixed" not in row
    page = html_of(client.get(f"/interviews/{interview.session_id}"))
    assert "not shared with employers" in page


def test_the_practice_list_says_which_tones_employers_see(client, db_session, acme, practice):
    login(client, acme["candidate"])
    assert "Shared with employers" not in html_of(client.get("/practice"))
    html_of(client.post(practice_url(practice), data={"shared": "yes"}, headers=HTMX))
    row = html_of(client.get("/practice")).split(practice.session_id)[1].split("</tr>")[0]
    assert "Shared with employers" in row
