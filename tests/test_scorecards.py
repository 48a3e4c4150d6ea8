"""Human scorecards on the interview page: drafts, submission, who sees whose ratings, the human score beside
the AI's; and a job's scorecard attributes (add, rename, reorder, delete with a count of the ratings)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_assignment, gen_company, gen_interview, gen_job, gen_member, gen_user
from tests.querycount import statements_of
from webapp.models import AuditEvent, RankingComponent, Scorecard, ScorecardAttribute, ScorecardRating

HTMX = {"HX-Request": "true"}


def login(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def events(db_session, prefix: str) -> list[str]:
    return list(db_session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)))


@pytest.fixture
def acme(db_session):
    owner = gen_user(db_session, role="employer", first_name="Olga", last_name="Owner")
    company = gen_company(db_session, owner, company_name="Acme")
    people = {"owner": owner}
    for role, first in (("recruiter", "Rita"), ("hiring_manager", "Hank"), ("interviewer", "Ivy"),
                        ("interviewer2", "Ian")):
        people[role] = gen_user(db_session, role="employer", first_name=first, last_name="Acme")
        gen_member(db_session, company, people[role], role.rstrip("2"))
    job = gen_job(db_session, company, title="Robot Whisperer")
    candidate = gen_user(db_session, first_name="Cara", last_name="Candidate")
    interview = gen_interview(db_session, candidate, job, status="completed")
    for name in ("interviewer", "interviewer2"):
        gen_assignment(db_session, interview, people[name])
    attributes = db_session.scalars(select(ScorecardAttribute).where(ScorecardAttribute.job_id == job.id)
                                    .order_by(ScorecardAttribute.position)).all()
    return {"company": company, "people": people, "job": job, "interview": interview, "candidate": candidate,
            "attributes": attributes}


def card_form(acme, ratings=(4, 3, 3, 2), recommendation="yes", action="submit", notes="Solid.") -> dict:
    form = {f"rating-{a.id}": str(r) for a, r in zip(acme["attributes"], ratings, strict=False) if r is not None}
    if recommendation:
        form["recommendation"] = recommendation
    return form | {"action": action, "card_notes": notes}


def url(acme) -> str:
    return f"/interviews/{acme['interview'].session_id}/scorecard"


def page(client, acme) -> str:
    response = client.get(f"/interviews/{acme['interview'].session_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def card_of(db_session, acme, user):
    return db_session.scalar(select(Scorecard).where(
        Scorecard.interview_session_id == acme["interview"].id, Scorecard.author_id == user.id))


def test_the_form_has_a_labelled_radio_group_per_attribute_and_the_recommendation(client, acme):
    login(client, acme["people"]["interviewer"])
    html = page(client, acme)
    for attribute in acme["attributes"]:
        assert f"<legend>{attribute.name}</legend>" in html
    assert "<legend>Overall recommendation</legend>" in html
    for label in ("1 · Definitely not", "2 · No", "3 · Yes", "4 · Strong yes", "Strong no"):
        assert label in html
    assert "Submit scorecard" in html and "Save draft" in html


def test_a_draft_is_saved_with_what_is_filled_in_and_only_its_author_sees_it(client, db_session, acme):
    ivy, ian, rita = (acme["people"][n] for n in ("interviewer", "interviewer2", "recruiter"))
    login(client, ivy)
    response = client.post(url(acme), data=card_form(acme, ratings=(2, None), recommendation="", action="draft",
                                                      notes="Half done <b>"), headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card scorecards-card" id="scorecards"')
    assert "Draft saved: only you see it until you submit." in html and "Half done &lt;b&gt;" in html
    card = card_of(db_session, acme, ivy)
    assert card.submitted_at is None and card.recommendation is None and card.notes == "Half done <b>"
    ratings = db_session.scalars(select(ScorecardRating.rating).where(ScorecardRating.scorecard_id == card.id)).all()
    assert ratings == [2]
    assert events(db_session, "scorecard.") == ["scorecard.draft_saved"]
    for other in (ian, rita):
        login(client, other)
        assert "Half done" not in page(client, acme)


@pytest.mark.parametrize("htmx", [True, False])
def test_submitting_needs_every_rating_and_the_recommendation_and_writes_nothing_otherwise(
    client, db_session, acme, htmx
):
    login(client, acme["people"]["interviewer"])
    response = client.post(url(acme), data=card_form(acme, ratings=(4, None, 3, 9), recommendation=""),
                           headers=HTMX if htmx else {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Your scorecard was not submitted: fix the problems below." in html
    assert f"Rate {acme['attributes'][1].name} before submitting." in html
    assert "Choose one of the four ratings." in html  # 9 is no rating
    assert "Choose an overall recommendation before submitting." in html
    assert 'aria-invalid="true"' in html and 'role="alert"' in html
    assert db_session.scalar(select(func.count()).select_from(Scorecard)) == 0
    assert events(db_session, "scorecard.") == []


def test_an_interviewer_sees_others_scorecards_only_after_submitting_their_own(client, db_session, acme):
    ivy, ian = acme["people"]["interviewer"], acme["people"]["interviewer2"]
    login(client, ivy)
    submitted = client.post(url(acme), data=card_form(acme, notes="Secret verdict of Ivy"), headers=HTMX)
    assert submitted.status_code == 200 and "Scorecard submitted." in submitted.get_data(as_text=True)

    login(client, ian)
    html = page(client, acme)
    assert "1 scorecard submitted: submit yours to see it." in html
    assert "Secret verdict of Ivy" not in html
    assert "4 · Strong yes" not in html.split('id="my-scorecard-title"')[0]  # no rating of Ivy's before the form
    assert 'id="scorecard-summary"' not in html  # not even the human score

    response = client.post(url(acme), data=card_form(acme, ratings=(1, 1, 1, 1), recommendation="strong_no"),
                           headers=HTMX)
    html = response.get_data(as_text=True)
    assert "Secret verdict of Ivy" in html and "Ivy Acme" in html and "submit yours" not in html


def test_recruiters_and_hiring_managers_see_submitted_scorecards_at_once_but_never_drafts(client, db_session, acme):
    login(client, acme["people"]["interviewer"])
    client.post(url(acme), data=card_form(acme, notes="Submitted by Ivy"))
    login(client, acme["people"]["interviewer2"])
    client.post(url(acme), data=card_form(acme, action="draft", notes="Draft of Ian"))
    from tests.factories import gen_job_team

    gen_job_team(db_session, acme["job"], acme["people"]["hiring_manager"])
    for viewer in ("recruiter", "hiring_manager", "owner"):
        login(client, acme["people"][viewer])
        html = page(client, acme)
        assert "Submitted by Ivy" in html and "Draft of Ian" not in html, viewer


def test_the_human_score_stands_beside_the_ai_score_and_a_large_gap_is_flagged(client, db_session, acme):
    db_session.add(RankingComponent(
        job_id=acme["job"].id, candidate_id=acme["candidate"].id, sessions=1, points=0, assessments=0,
        overall_score=Decimal("90.00"), technical_score=Decimal("90"), cultural_fit_score=Decimal("90"),
        communication_score=Decimal("90"), ai_confidence=Decimal("80")))
    db_session.flush()
    login(client, acme["people"]["interviewer"])
    client.post(url(acme), data=card_form(acme, ratings=(1, 2, 2, 1), recommendation="no"))  # 1,2,2,1 -> 16.7
    login(client, acme["people"]["recruiter"])
    html = page(client, acme)
    summary = re.search(r'<p class="scorecard-summary".*?</p>', html, re.S).group(0)
    assert "16.7" in summary and "90" in summary and "1 submitted scorecard" in summary
    assert "The AI and the people disagree by 73 points" in summary


def test_a_submitted_scorecard_is_edited_and_stays_submitted(client, db_session, acme):
    ivy = acme["people"]["interviewer"]
    login(client, ivy)
    client.post(url(acme), data=card_form(acme))
    first = card_of(db_session, acme, ivy).submitted_at
    html = page(client, acme)
    assert "Save changes" in html and "Save draft" not in html

    # Leaving a rating out of a submitted scorecard is refused: it stays whole.
    refused = client.post(url(acme), data=card_form(acme, ratings=(4, 4, None, 4), action="draft"), headers=HTMX)
    assert refused.status_code == 422
    changed = client.post(url(acme), data=card_form(acme, ratings=(4, 4, 4, 4), recommendation="strong_yes",
                                                    action="submit"), headers=HTMX)
    assert changed.status_code == 200 and "Scorecard updated." in changed.get_data(as_text=True)
    db_session.expire_all()
    card = card_of(db_session, acme, ivy)
    assert card.submitted_at == first and card.recommendation == "strong_yes"
    assert events(db_session, "scorecard.") == ["scorecard.submitted", "scorecard.updated"]


def test_without_javascript_a_save_redirects_back_to_the_scorecards(client, db_session, acme):
    login(client, acme["people"]["interviewer"])
    response = client.post(url(acme), data=card_form(acme))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/interviews/{acme['interview'].session_id}#scorecards")


def test_scorecards_wait_for_the_interview_to_be_completed(client, db_session, acme):
    acme["interview"].status = "in_progress"
    db_session.flush()
    login(client, acme["people"]["interviewer"])
    assert "Scorecards open after the interview" in page(client, acme)
    response = client.post(url(acme), data=card_form(acme), headers=HTMX)
    assert response.status_code == 422 and "once the interview is completed" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Scorecard)) == 0


def test_a_foreign_or_unassigned_interview_answers_404_and_writes_nothing(client, db_session, acme):
    outsider = gen_user(db_session, role="employer")
    gen_company(db_session, outsider, company_name="Other")
    other = gen_interview(db_session, acme["candidate"], acme["job"], status="completed")  # Ivy is not assigned
    login(client, acme["people"]["interviewer"])
    assert client.post(f"/interviews/{other.session_id}/scorecard", data=card_form(acme)).status_code == 404
    login(client, outsider)
    assert client.post(url(acme), data=card_form(acme)).status_code == 404
    assert db_session.scalar(select(func.count()).select_from(Scorecard)) == 0


def test_the_page_reads_scorecards_with_a_fixed_number_of_statements(app, client, db_session, acme):
    login(client, acme["people"]["recruiter"])
    few = len(statements_of(app, client, f"/interviews/{acme['interview'].session_id}")[0])
    for name in ("interviewer", "interviewer2", "owner"):
        login(client, acme["people"][name])
        client.post(url(acme), data=card_form(acme))
    login(client, acme["people"]["recruiter"])
    statements, html = statements_of(app, client, f"/interviews/{acme['interview'].session_id}")
    assert html.count('class="scorecard"') == 3
    assert len(statements) == few


# --- a job's attributes ------------------------------------------------------------------------------


def attributes_url(acme, suffix: str = "") -> str:
    return f"/jobs/{acme['job'].id}/scorecard{suffix}"


def names(db_session, acme) -> list[str]:
    return list(db_session.scalars(select(ScorecardAttribute.name).where(ScorecardAttribute.job_id == acme["job"].id)
                                   .order_by(ScorecardAttribute.position, ScorecardAttribute.id)))


def test_a_new_job_rates_the_four_built_in_attributes_and_the_job_page_links_them(client, db_session, acme):
    assert names(db_session, acme) == ["Technical skills", "Problem solving", "Communication", "Collaboration"]
    login(client, acme["people"]["recruiter"])
    assert f'href="/jobs/{acme["job"].id}/scorecard"' in client.get(f"/jobs/{acme['job'].id}").get_data(as_text=True)
    html = client.get(attributes_url(acme)).get_data(as_text=True)
    assert "Name of attribute 1" in html and 'value="Technical skills"' in html


def test_attributes_are_added_renamed_and_reordered_audited(client, db_session, acme):
    login(client, acme["people"]["recruiter"])
    added = client.post(attributes_url(acme), data={"name": "  System design "}, headers=HTMX)
    assert added.status_code == 200 and "Added “System design”." in added.get_data(as_text=True)
    new = db_session.scalar(select(ScorecardAttribute).where(ScorecardAttribute.name == "System design"))
    renamed = client.post(attributes_url(acme, f"/{new.id}"), data={"name": "Architecture"}, headers=HTMX)
    assert "Renamed “System design” to “Architecture”." in renamed.get_data(as_text=True)
    moved = client.post(attributes_url(acme, f"/{new.id}/move"), data={"direction": "up"}, headers=HTMX)
    assert moved.status_code == 200
    assert names(db_session, acme) == ["Technical skills", "Problem solving", "Communication", "Architecture",
                                       "Collaboration"]
    top = client.post(attributes_url(acme, f"/{acme['attributes'][0].id}/move"), data={"direction": "up"})
    assert top.status_code == 303  # already first: nothing moves
    assert events(db_session, "scorecard.attribute") == [
        "scorecard.attribute_added", "scorecard.attribute_renamed", "scorecard.attribute_moved"]


@pytest.mark.parametrize(("name", "message"), [
    ("", "Name the attribute"),
    ("communication", "This job’s scorecard already rates “communication”."),
    ("x" * 81, "Keep the name to 80 characters or fewer."),
    ("bad\x00name", "Remove the invisible control characters"),
])
def test_a_bad_attribute_name_is_refused_with_a_message_and_nothing_written(client, db_session, acme, name, message):
    login(client, acme["people"]["recruiter"])
    before = names(db_session, acme)
    added = client.post(attributes_url(acme), data={"name": name}, headers=HTMX)
    assert added.status_code == 422 and message in added.get_data(as_text=True)
    renamed = client.post(attributes_url(acme, f"/{acme['attributes'][0].id}"), data={"name": name})
    assert renamed.status_code == 422 and message in renamed.get_data(as_text=True)
    assert names(db_session, acme) == before and events(db_session, "scorecard.") == []


def test_deleting_an_attribute_asks_first_with_the_number_of_ratings_that_go(client, db_session, acme):
    login(client, acme["people"]["interviewer"])
    client.post(url(acme), data=card_form(acme))
    login(client, acme["people"]["recruiter"])
    first = acme["attributes"][0]
    html = client.get(attributes_url(acme)).get_data(as_text=True)
    assert "Its 1 rating on scorecards go with it" in html
    assert f"Yes, delete {first.name} and 1 rating" in html

    unconfirmed = client.post(attributes_url(acme, f"/{first.id}/delete"), headers=HTMX)
    assert unconfirmed.status_code == 422 and first.name in names(db_session, acme)
    done = client.post(attributes_url(acme, f"/{first.id}/delete"), data={"confirm": "yes"}, headers=HTMX)
    assert done.status_code == 200 and f"Deleted “{first.name}” and its 1 rating." in done.get_data(as_text=True)
    assert first.name not in names(db_session, acme)
    assert db_session.scalar(select(func.count()).select_from(ScorecardRating)) == 3
    [event] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "scorecard.attribute_deleted"))
    assert event.details["ratings_deleted"] == 1 and event.actor_id == acme["people"]["recruiter"].id


def test_the_last_attribute_is_kept(client, db_session, acme):
    login(client, acme["people"]["recruiter"])
    for attribute in acme["attributes"][:-1]:
        assert client.post(attributes_url(acme, f"/{attribute.id}/delete"), data={"confirm": "yes"}).status_code == 303
    last = acme["attributes"][-1]
    refused = client.post(attributes_url(acme, f"/{last.id}/delete"), data={"confirm": "yes"}, headers=HTMX)
    assert refused.status_code == 422 and "needs at least one attribute" in refused.get_data(as_text=True)
    assert names(db_session, acme) == [last.name]


def test_only_recruiters_and_up_configure_attributes_and_another_jobs_attribute_is_404(client, db_session, acme):
    for who in ("hiring_manager", "interviewer"):
        login(client, acme["people"][who])
        assert client.get(attributes_url(acme)).status_code == 403
        assert client.post(attributes_url(acme), data={"name": "Nope"}).status_code == 403
    other_job = gen_job(db_session, acme["company"], title="Other job")
    foreign = db_session.scalar(select(ScorecardAttribute.id).where(ScorecardAttribute.job_id == other_job.id).limit(1))
    login(client, acme["people"]["recruiter"])
    assert client.post(attributes_url(acme, f"/{foreign}"), data={"name": "Hijack"}).status_code == 404
    assert client.post(attributes_url(acme, f"/{foreign}/delete"), data={"confirm": "yes"}).status_code == 404
    assert "Hijack" not in names(db_session, acme) and events(db_session, "scorecard.") == []


def test_the_attributes_page_runs_a_fixed_number_of_statements(app, client, db_session, acme):
    login(client, acme["people"]["recruiter"])
    few = len(statements_of(app, client, attributes_url(acme))[0])
    for name in ("System design", "Ownership", "Curiosity", "Clarity"):
        client.post(attributes_url(acme), data={"name": name})
    login(client, acme["people"]["interviewer"])
    client.post(url(acme), data=card_form(acme))
    login(client, acme["people"]["recruiter"])
    statements, html = statements_of(app, client, attributes_url(acme))
    assert html.count("Name of attribute ") == 8 and len(statements) == few
