"""The pipeline board and table: what each role sees, moves, rejections, reopening, bulk decisions, emails,
bounded reads (a constant number of statements for 5 or 60 candidates)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_job_team,
    gen_member,
    gen_ranking,
    gen_user,
)
from tests.querycount import statements_of
from webapp.models import (
    AuditEvent,
    OutboxMessage,
    PipelineCandidate,
    PipelineDecision,
    PipelineStage,
)


def stage(db_session, job, kind):
    return db_session.scalar(select(PipelineStage).where(PipelineStage.job_id == job.id, PipelineStage.kind == kind))


def place(db_session, job, candidate):
    db_session.expire_all()
    return db_session.scalar(select(PipelineCandidate).where(
        PipelineCandidate.job_id == job.id, PipelineCandidate.candidate_id == candidate.id))


def reason_id(db_session, company, kind="rejection"):
    return db_session.execute(
        text("SELECT id FROM pipeline_reason WHERE company_id = :c AND kind = :k ORDER BY position LIMIT 1"),
        {"c": company.id, "k": kind},
    ).scalar_one()


def writes(db_session) -> int:
    """Rows written so far in the test's transaction, on every table."""
    return db_session.execute(text(
        "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
    )).scalar_one()


@pytest.fixture
def world(db_session):
    owner = gen_user(db_session, role="employer", first_name="Olive", last_name="Owner")
    company = gen_company(db_session, owner)
    job = gen_job(db_session, company, title="Pipeline Engineer")
    ada = gen_user(db_session, first_name="Ada", last_name="Lovelace")
    bob = gen_user(db_session, first_name="Bob", last_name="Builder")
    gen_interview(db_session, ada, job, status="completed")
    gen_interview(db_session, bob, job)
    gen_ranking(db_session, job, ada, overall_score=81)
    other_job = gen_job(db_session, company, title="Other Job")
    db_session.flush()
    return dict(owner=owner, company=company, job=job, ada=ada, bob=bob, other_job=other_job)


def login(auth, user):
    assert auth.login(user.email, PASSWORD).status_code == 302


def test_the_board_shows_a_column_per_stage_with_counts_and_cards(client, auth, world):
    login(auth, world["owner"])
    page = client.get(f"/jobs/{world['job'].id}/pipeline").get_data(as_text=True)
    titles = re.findall(r'class="pipeline-column-title"[^>]*>([^<]+) <span class="pipeline-count">(\d+)', page)
    assert titles == [("Applied", "0"), ("AI interview", "2"), ("Review", "0"), ("Team interview", "0"),
                      ("Offer", "0"), ("Hired", "0")]
    assert "Ada Lovelace" in page and "Bob Builder" in page
    assert "81" in page  # Ada's AI score
    assert "no scorecard" in page
    assert "0 days in this stage" in page


def test_moving_a_candidate_writes_a_decision_bumps_the_version_and_is_audited(client, auth, db_session, world):
    job, ada = world["job"], world["ada"]
    login(auth, world["owner"])
    review = stage(db_session, job, "review")
    seen = place(db_session, job, ada).version
    response = client.post(f"/jobs/{job.id}/pipeline/{ada.id}/decide",
                           data={"action": "move", "stage": review.id, "version": seen})
    assert response.status_code == 303
    after = place(db_session, job, ada)
    assert (after.stage_id, after.version, after.status) == (review.id, seen + 1, "active")
    decision = db_session.scalar(select(PipelineDecision).where(
        PipelineDecision.pipeline_candidate_id == after.id, PipelineDecision.action == "moved"))
    assert (decision.to_kind, decision.from_kind, decision.decided_by_id) == ("review", "ai_interview",
                                                                             world["owner"].id)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "pipeline.moved"))
    assert event.details["to"] == "Review" and event.company_id == world["company"].id
    page = client.get(f"/jobs/{job.id}/pipeline").get_data(as_text=True)
    assert "Moved Ada Lovelace to Review." in page


def test_a_move_with_an_old_version_is_a_409_that_shows_who_moved_the_candidate_where(
        client, auth, db_session, world):
    job, ada = world["job"], world["ada"]
    login(auth, world["owner"])
    seen = place(db_session, job, ada).version
    review, team = stage(db_session, job, "review"), stage(db_session, job, "team_interview")
    assert client.post(f"/jobs/{job.id}/pipeline/{ada.id}/decide",
                       data={"action": "move", "stage": review.id, "version": seen}).status_code == 303
    decisions = db_session.scalar(select(func.count()).select_from(PipelineDecision))
    response = client.post(f"/jobs/{job.id}/pipeline/{ada.id}/decide",
                           data={"action": "move", "stage": team.id, "version": seen},
                           headers={"HX-Request": "true"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Olive Owner moved Ada Lovelace to Review meanwhile" in body
    # the card is drawn at its current stage
    review_column = body.split(f'id="stage-{review.id}-title"')[1].split("pipeline-column-title")[0]
    assert "Ada Lovelace" in review_column
    assert place(db_session, job, ada).stage_id == review.id
    assert db_session.scalar(select(func.count()).select_from(PipelineDecision)) == decisions


def test_rejecting_with_a_reason_closes_the_candidate_and_mails_them(client, auth, db_session, world):
    job, ada, company = world["job"], world["ada"], world["company"]
    login(auth, world["owner"])
    seen = place(db_session, job, ada).version
    response = client.post(f"/jobs/{job.id}/pipeline/{ada.id}/decide", data={
        "action": "reject", "reason": reason_id(db_session, company), "note": "Strong, but not for this team",
        "send_email": "y", "version": seen,
    })
    assert response.status_code == 303
    after = place(db_session, job, ada)
    assert after.status == "rejected" and after.closed_at is not None
    closed_version = after.version
    decision = db_session.scalar(select(PipelineDecision).where(PipelineDecision.action == "rejected"))
    assert decision.reason == "Skills do not match the role — Strong, but not for this team"
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == ada.email))
    assert mail.subject == f"Your application for Pipeline Engineer at {company.company_name}"
    assert mail.body_text.startswith("Dear Ada Lovelace,")
    board = client.get(f"/jobs/{job.id}/pipeline").get_data(as_text=True)
    assert "Closed (1)" in board and f'id="card-{ada.id}"' not in board
    assert f"/jobs/{job.id}/pipeline?view=table&amp;status=closed" in board
    table = client.get(f"/jobs/{job.id}/pipeline?view=table&status=closed").get_data(as_text=True)
    assert "Ada Lovelace" in table and "Reopen" in table and "Bob Builder" not in table
    assert "Skills do not match the role — Strong, but not for this team · by Olive Owner" in table
    # reopened: back in the running at the same stage
    response = client.post(f"/jobs/{job.id}/pipeline/{ada.id}/decide",
                           data={"action": "reopen", "version": closed_version})
    assert response.status_code == 303
    assert place(db_session, job, ada).status == "active"


@pytest.mark.parametrize("data, message", [
    ({"action": "reject", "version": "1"}, "Choose a rejection reason from the list."),
    ({"action": "move", "version": "1"}, "Choose a stage of this job to move to."),
    ({"action": "move", "stage": "x", "version": "1"}, "Choose a stage."),
    ({"action": "teleport", "version": "1"}, "Choose a decision."),
    ({"action": "move", "stage": "1"}, "The page is out of date: reload it."),
])
def test_bad_decisions_are_422_and_write_nothing(client, auth, db_session, world, data, message):
    login(auth, world["owner"])
    before = writes(db_session)
    response = client.post(f"/jobs/{world['job'].id}/pipeline/{world['ada'].id}/decide", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert writes(db_session) == before


def test_another_jobs_stage_or_a_withdrawal_reason_for_a_rejection_is_refused(client, auth, db_session, world):
    job, ada = world["job"], world["ada"]
    login(auth, world["owner"])
    before = writes(db_session)
    foreign_stage = stage(db_session, world["other_job"], "review")
    assert client.post(f"/jobs/{job.id}/pipeline/{ada.id}/decide",
                       data={"action": "move", "stage": foreign_stage.id, "version": 1}).status_code == 422
    assert client.post(f"/jobs/{job.id}/pipeline/{ada.id}/decide", data={
        "action": "reject", "reason": reason_id(db_session, world["company"], "withdrawal"), "version": 1,
    }).status_code == 422
    assert writes(db_session) == before


def test_a_candidate_not_on_the_job_is_404(client, auth, db_session, world):
    login(auth, world["owner"])
    stranger = gen_user(db_session)
    assert client.post(f"/jobs/{world['job'].id}/pipeline/{stranger.id}/decide",
                       data={"action": "move", "version": 1}).status_code == 404
    assert client.post(f"/jobs/{world['other_job'].id}/pipeline/{world['ada'].id}/decide",
                       data={"action": "move", "version": 1}).status_code == 404


def test_moving_to_offer_sends_the_offer_email_only_when_asked(client, auth, db_session, world):
    job, bob = world["job"], world["bob"]
    login(auth, world["owner"])
    offer = stage(db_session, job, "offer")
    client.post(f"/jobs/{job.id}/pipeline/{bob.id}/decide",
                data={"action": "move", "stage": offer.id, "version": 1, "send_email": "y"})
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == bob.email))
    assert mail.subject == f"An offer for Pipeline Engineer at {world['company'].company_name}"


@pytest.mark.parametrize("role, status", [("recruiter", 200), ("admin", 200), ("interviewer", 403)])
def test_roles_reach_the_board(client, auth, db_session, world, role, status):
    member = gen_member(db_session, world["company"], role=role)
    user = db_session.get(type(world["owner"]), member.user_id)
    login(auth, user)
    assert client.get(f"/jobs/{world['job'].id}/pipeline").status_code == status


def test_a_hiring_manager_reaches_their_teams_job_only(client, auth, db_session, world):
    member = gen_member(db_session, world["company"], role="hiring_manager")
    gen_job_team(db_session, world["job"], member.user)
    login(auth, member.user)
    assert client.get(f"/jobs/{world['job'].id}/pipeline").status_code == 200
    assert client.get(f"/jobs/{world['other_job'].id}/pipeline").status_code == 404
    review = stage(db_session, world["job"], "review")
    response = client.post(f"/jobs/{world['job'].id}/pipeline/{world['bob'].id}/decide",
                           data={"action": "move", "stage": review.id, "version": 1})
    assert response.status_code == 303


def test_another_companys_job_is_404(client, auth, db_session, world):
    stranger = gen_user(db_session, role="employer")
    gen_company(db_session, stranger)
    login(auth, stranger)
    assert client.get(f"/jobs/{world['job'].id}/pipeline").status_code == 404
    assert client.post(f"/jobs/{world['job'].id}/pipeline/{world['ada'].id}/decide",
                       data={"action": "move", "version": 1}).status_code == 404


def test_the_table_filters_sorts_and_searches(client, auth, db_session, world):
    login(auth, world["owner"])
    url = f"/jobs/{world['job'].id}/pipeline?view=table"
    page = client.get(url + "&sort=name").get_data(as_text=True)
    assert page.index("Ada Lovelace") < page.index("Bob Builder")
    page = client.get(url + "&sort=-name").get_data(as_text=True)
    assert page.index("Bob Builder") < page.index("Ada Lovelace")
    page = client.get(url + "&q=lovel").get_data(as_text=True)
    assert "Ada Lovelace" in page and "Bob Builder" not in page
    review = stage(db_session, world["job"], "review")
    page = client.get(url + f"&stage={review.id}").get_data(as_text=True)
    assert "No candidates match" in page
    assert client.get(url + "&status=lost").status_code == 400
    assert client.get(url + "&sort=salary").status_code == 400
    foreign = stage(db_session, world["other_job"], "review")
    assert client.get(url + f"&stage={foreign.id}").status_code == 400


def test_bulk_reject_decides_the_ticked_and_skips_the_changed(client, auth, db_session, world):
    job, ada, bob = world["job"], world["ada"], world["bob"]
    login(auth, world["owner"])
    response = client.post(f"/jobs/{job.id}/pipeline/bulk", data={
        "action": "reject", "reason": reason_id(db_session, world["company"]),
        "candidate": [str(ada.id), str(bob.id)], f"v_{ada.id}": "1", f"v_{bob.id}": "7",
    })
    assert response.status_code == 303
    assert place(db_session, job, ada).status == "rejected"
    assert place(db_session, job, bob).status == "active"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rejected 1 candidate: Ada Lovelace." in page
    assert "Skipped 1" in page


def test_bulk_without_ticks_or_a_reason_is_422_and_writes_nothing(client, auth, db_session, world):
    job = world["job"]
    login(auth, world["owner"])
    before = writes(db_session)
    assert client.post(f"/jobs/{job.id}/pipeline/bulk", data={"action": "reject"}).status_code == 422
    response = client.post(f"/jobs/{job.id}/pipeline/bulk", data={
        "action": "reject", "candidate": [str(world["ada"].id)], f"v_{world['ada'].id}": "1"})
    assert response.status_code == 422
    assert "Choose a rejection reason" in response.get_data(as_text=True)
    assert writes(db_session) == before


def _many(db_session, job, n):
    for _ in range(n):
        gen_interview(db_session, gen_user(db_session), job)


def test_the_board_reads_a_constant_number_of_statements(app, client, auth, db_session, world):
    login(auth, world["owner"])
    url = f"/jobs/{world['job'].id}/pipeline"
    _many(db_session, world["job"], 3)
    few, _ = statements_of(app, client, url)
    _many(db_session, world["job"], 55)
    many, page = statements_of(app, client, url)
    assert len(few) == len(many)
    assert page.count('class="pipeline-card"') == 20  # the first 20 of the AI interview column


def test_the_table_reads_a_constant_number_of_statements(app, client, auth, db_session, world):
    login(auth, world["owner"])
    url = f"/jobs/{world['job'].id}/pipeline?view=table&sort=ai"
    _many(db_session, world["job"], 3)
    few, _ = statements_of(app, client, url)
    _many(db_session, world["job"], 55)
    many, page = statements_of(app, client, url)
    assert len(few) == len(many)
    assert page.count('name="candidate"') == 25
    assert "Showing 1–25 of 60 candidates" in page
    second = client.get(url + "&page=3").get_data(as_text=True)
    assert second.count('name="candidate"') == 10


def test_show_more_continues_a_column_after_its_last_card(app, client, auth, db_session, world):
    login(auth, world["owner"])
    job = world["job"]
    _many(db_session, job, 30)
    db_session.execute(text("UPDATE pipeline_candidate SET entered_stage_at = now() - (id || ' seconds')::interval"
                            " WHERE job_id = :j"), {"j": job.id})
    page = client.get(f"/jobs/{job.id}/pipeline").get_data(as_text=True)
    more = re.search(r'hx-get="([^"]+/more[^"]+)"', page).group(1).replace("&amp;", "&")
    fragment = client.get(more, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.count('class="pipeline-card"') == 12  # 32 in the column: 20 shown, 12 more
    assert "Show more" not in fragment
    shown = set(re.findall(r'id="card-(\d+)"', page)) & set(re.findall(r'id="card-(\d+)"', fragment))
    assert shown == set()
    assert client.get(f"/jobs/{job.id}/pipeline/more?stage=abc").status_code == 400
