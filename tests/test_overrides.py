"""People beside the AI on a job's ranking: the human score with a disagreement flag, and pins and exclusions.

A human score is the mean of the submitted scorecards (scorecards.queries.select_human_scores); a
person pins a candidate to the top or excludes them with a required reason, shown with their name;
the AI's scores, components and ranks never change, and every override is audit-logged.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select, text

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_job,
    gen_job_team,
    gen_member,
    gen_user,
)
from tests.querycount import recorded_statements
from tests.rankings_support import (  # noqa: F401
    employer,
    job,
    logged_in,
    names_in_order,
    ranked,
    text_of,
)
from webapp.models import (
    AuditEvent,
    InterviewSession,
    RankingOverride,
    Scorecard,
    ScorecardAttribute,
    ScorecardRating,
)


def scorecard(db_session, job, candidate, ratings: list[int], *, submitted: bool = True):
    """A new colleague's scorecard of the candidate's interview for the job, rating the job's attributes in order."""
    interview = db_session.scalars(
        select(InterviewSession).where(InterviewSession.job_id == job.id, InterviewSession.user_id == candidate.id)
    ).first()
    attributes = db_session.scalars(
        select(ScorecardAttribute).where(ScorecardAttribute.job_id == job.id).order_by(ScorecardAttribute.position)
    ).all()
    card = Scorecard(interview_session_id=interview.id, author_id=gen_user(db_session, role="employer").id,
                     recommendation="yes", submitted_at=datetime.now(UTC) if submitted else None)
    db_session.add(card)
    db_session.flush()
    db_session.add_all(ScorecardRating(scorecard_id=card.id, attribute_id=a.id, rating=r)
                       for a, r in zip(attributes, ratings, strict=False))
    db_session.flush()
    return card


def row_html(html: str, candidate) -> str:
    found = re.search(rf'<tr id="ranking-row-{candidate.id}".*?</tr>', html, re.DOTALL)
    assert found, f"no row for candidate {candidate.id}"
    return found.group(0)


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def components(db_session, job) -> list:
    return db_session.execute(
        text("SELECT candidate_id, place, overall_score, technical_score, factor_technical, ai_confidence"
             " FROM rankings_component WHERE job_id = :job ORDER BY candidate_id"), {"job": job.id}
    ).all()


def override(client, job, candidate, kind: str = "pin", reason: str = "Strong referral from the team lead"):
    return client.post(f"/jobs/{job.id}/rankings/{candidate.id}/override", data={"kind": kind, "reason": reason})


# --- the human score beside the AI's -------------------------------------------------------------


def test_the_human_score_sits_beside_the_ai_score_with_the_scorecard_count(logged_in, db_session, job, ranked):
    grace, turing, dijkstra = ranked
    scorecard(db_session, job, grace, [4, 4, 3, 3])  # mean 3.5 -> 83.3
    scorecard(db_session, job, grace, [4, 4, 4, 4])  # 100 -> mean of the two 91.7
    scorecard(db_session, job, dijkstra, [1, 1, 1, 1], submitted=False)  # a draft counts for nothing

    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))

    assert "91.7" in words(row_html(html, grace)) and "2 scorecards" in words(row_html(html, grace))
    assert "Disagree" not in row_html(html, grace)  # AI 85.45 vs 91.7: close enough
    assert "No scorecards yet" in row_html(html, dijkstra)
    assert "No scorecards yet" in row_html(html, turing)


def test_a_large_disagreement_is_flagged_with_an_icon_and_words(logged_in, db_session, job, ranked):
    turing = ranked[1]
    scorecard(db_session, job, turing, [4, 4, 4, 4])  # people 100, AI 65.45

    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))

    row = row_html(html, turing)
    assert 'class="pill pill-warn disagreement"' in row and '<span aria-hidden="true">⚠</span>' in row
    assert "Disagree : the AI and people are 35 pts apart" in words(row)


def test_human_scores_take_one_statement_whatever_the_number_of_rows(app, logged_in, db_session, job, ranked):
    def statements() -> int:
        with recorded_statements(app) as sent:
            assert logged_in.get(f"/jobs/{job.id}/rankings").status_code == 200
        return len(sent)

    before = statements()
    for person in ranked:
        scorecard(db_session, job, person, [3, 3, 3, 3])
    override(logged_in, job, ranked[0])
    override(logged_in, job, ranked[1], "exclude", "Withdrew by email")
    assert statements() == before


def test_the_comparison_shows_the_human_score_and_the_flag(logged_in, db_session, job, ranked):
    grace, turing, _ = ranked
    scorecard(db_session, job, turing, [1, 1, 1, 1])  # people 0, AI 65.45

    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings/compare", query_string={"c": [grace.id, turing.id]}))

    found = re.search(r"People's score.*?</tr>", html, re.DOTALL).group(0)
    assert "No scorecards yet" in found and "0.0" in words(found) and "65 pts apart" in words(found)


def test_the_csv_has_the_human_score_and_the_scorecards(logged_in, db_session, job, ranked):
    scorecard(db_session, job, ranked[0], [4, 4, 3, 3])
    lines = logged_in.get(f"/jobs/{job.id}/rankings.csv").get_data(as_text=True).splitlines()
    header = lines[0].split(",")
    assert header[3:6] == ["Overall", "Human score", "Scorecards"]
    assert lines[1].split(",")[3:6] == ["85.45", "83.33", "1"] or lines[1].split(",")[3:6] == ["85.45", "83.30", "1"]


# --- pins and exclusions -------------------------------------------------------------------------


def test_a_pin_lists_the_candidate_first_with_author_date_and_reason_and_keeps_the_ai_rank(
    logged_in, db_session, employer, job, ranked
):
    grace, turing, dijkstra = ranked
    before = components(db_session, job)

    response = override(logged_in, job, turing, "pin", "Strong referral from the team lead")

    assert response.status_code == 302
    html = text_of(logged_in.get(response.headers["Location"]))
    assert "pinned to the top; the AI&#39;s scores are unchanged" in html
    assert "Pinned by people (1)" in html
    assert names_in_order(html) == ["Alan Turing", "Grace Hopper", "Edsger Dijkstra"]
    pinned = words(row_html(html, turing))
    assert pinned.startswith("AI 3 ")  # the AI's rank, not a new one
    assert f"Pinned by {employer.first_name} {employer.last_name} on {datetime.now(UTC):%d %b %Y}" in pinned
    assert "“Strong referral from the team lead”" in pinned and "65.5" in pinned
    # the AI's order keeps its ranks: 1 and 2, Turing's 3 is not given to anyone else
    assert words(row_html(html, grace)).startswith("1 ") and words(row_html(html, dijkstra)).startswith("2 ")
    assert components(db_session, job) == before
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "ranking.pinned")).one()
    assert event.actor_id == employer.id and event.details["reason"] == "Strong referral from the team lead"
    assert event.details["candidate"] == "Alan Turing"


def test_an_exclusion_leaves_the_ranked_list_for_its_own_section(logged_in, db_session, employer, job, ranked):
    grace = ranked[0]
    before = components(db_session, job)

    assert override(logged_in, job, grace, "exclude", "Accepted another offer").status_code == 302

    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    assert names_in_order(html) == ["Edsger Dijkstra", "Alan Turing"]
    assert "Showing 1–2 of 2 candidates" in html
    section = re.search(r'<details class="ranking-excluded".*?</details>', html, re.DOTALL).group(0)
    assert "Excluded by people (1)" in section
    excluded = words(re.search(rf'<tr id="excluded-{grace.id}".*?</tr>', section, re.DOTALL).group(0))
    assert excluded.startswith("Grace Hopper 1 85.5")  # the AI's rank and score, kept
    assert f"{employer.first_name} {employer.last_name}" in excluded and "Accepted another offer" in excluded
    assert components(db_session, job) == before
    assert db_session.scalars(select(AuditEvent).where(AuditEvent.action == "ranking.excluded")).one()


def test_a_missing_reason_is_a_422_that_says_so_and_writes_nothing(logged_in, db_session, job, ranked):
    for data in ({"kind": "pin", "reason": "   "}, {"kind": "promote", "reason": "Because"}, {}):
        response = logged_in.post(f"/jobs/{job.id}/rankings/{ranked[0].id}/override", data=data)
        assert response.status_code == 422
        html = text_of(response)
        assert ("Enter the reason for this override" in html) or ("Choose whether to pin or exclude" in html)
    assert db_session.scalars(select(RankingOverride)).all() == []
    assert db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("ranking.%"))).all() == []


def test_the_override_form_says_what_the_ai_thinks(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings/{ranked[2].id}/override"))
    assert "The AI ranks Edsger Dijkstra #2 with an overall score of 70.5" in words(html)
    assert '<label for="reason">Reason</label>' in html


def test_changing_an_override_replaces_it(logged_in, db_session, job, ranked):
    override(logged_in, job, ranked[0], "pin", "First thought")
    override(logged_in, job, ranked[0], "exclude", "Second thought")
    row = db_session.scalars(select(RankingOverride)).one()
    assert (row.kind, row.reason) == ("exclude", "Second thought")
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "ranking.excluded")).one()
    assert event.details["replaced"] == {"kind": "pin", "reason": "First thought"}


def test_removing_an_override_asks_first_then_puts_the_candidate_back(logged_in, db_session, job, ranked):
    turing = ranked[1]
    override(logged_in, job, turing, "pin", "Referral")
    url = f"/jobs/{job.id}/rankings/{turing.id}/override/remove"

    confirm = text_of(logged_in.get(url))
    assert "Remove the pin of Alan Turing?" in confirm and "“Referral”" in confirm
    assert db_session.scalars(select(RankingOverride)).one()  # asking removes nothing

    response = logged_in.post(url)
    assert response.status_code == 302
    html = text_of(logged_in.get(response.headers["Location"]))
    assert "Alan Turing is back in the AI&#39;s order." in html or "Alan Turing is back in the AI's order." in html
    assert "Pinned by people" not in html
    assert names_in_order(html) == ["Grace Hopper", "Edsger Dijkstra", "Alan Turing"]
    assert db_session.scalars(select(AuditEvent).where(AuditEvent.action == "ranking.override_removed")).one()
    # nothing left to remove: a message, not an error
    assert logged_in.post(url).status_code == 302


def test_the_csv_lists_pins_first_and_exclusions_last_with_their_reasons(logged_in, job, ranked):
    grace, turing, _ = ranked
    override(logged_in, job, turing, "pin", "Referral")
    override(logged_in, job, grace, "exclude", "Withdrew")
    lines = [line.split(",") for line in logged_in.get(f"/jobs/{job.id}/rankings.csv").get_data(as_text=True).splitlines()]
    assert [(cells[0], cells[1], cells[-2], cells[-1]) for cells in lines[1:]] == [
        ("3", "Alan Turing", "pinned to the top", "Referral"),
        ("2", "Edsger Dijkstra", "", ""),
        ("1", "Grace Hopper", "excluded from the ranking", "Withdrew"),
    ]


def test_the_what_if_ranking_leaves_overridden_candidates_out_of_its_order(logged_in, job, ranked):
    grace = ranked[0]
    override(logged_in, job, grace, "pin", "Referral")
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings", query_string={
        "w_technical": "0", "w_skills": "0", "w_cultural_fit": "1", "w_sentiment": "0"}))
    # the pin first, then the what-if order of the others (Dijkstra 95 fit, Turing 60)
    assert names_in_order(html) == ["Grace Hopper", "Edsger Dijkstra", "Alan Turing"]
    assert "Showing 1–2 of 2 candidates" in html


def test_a_hiring_manager_overrides_on_their_teams_job_only(client, db_session, employer, job, ranked):
    manager = gen_user(db_session, role="employer")
    company = job.company_id
    from webapp.models import Company

    gen_member(db_session, db_session.get(Company, company), manager, "hiring_manager")
    other_job = gen_job(db_session, db_session.get(Company, company))
    gen_job_team(db_session, job, manager)
    assert client.post("/login", data={"email": manager.email, "password": PASSWORD}).status_code == 302

    assert override(client, job, ranked[0]).status_code == 302
    assert override(client, other_job, ranked[0]).status_code == 404
    assert client.get(f"/jobs/{other_job.id}/rankings/{ranked[0].id}/override/remove").status_code == 404


def test_foreign_and_unranked_candidates_are_not_found(logged_in, db_session, job, ranked):
    stranger_job = gen_job(db_session, gen_company(db_session))
    nobody = gen_user(db_session)
    assert override(logged_in, stranger_job, ranked[0]).status_code == 404
    assert override(logged_in, job, nobody).status_code == 404
    assert logged_in.get(f"/jobs/{job.id}/rankings/{nobody.id}/override/remove").status_code == 404
    assert db_session.scalars(select(RankingOverride)).all() == []


def test_only_excluded_candidates_leave_an_explained_empty_ranking(logged_in, job, ranked):
    for person in ranked:
        override(logged_in, job, person, "exclude", "Role closed")
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    assert "No candidate left in the AI&#39;s order" in html or "No candidate left in the AI's order" in html
    assert "Excluded by people (3)" in html
