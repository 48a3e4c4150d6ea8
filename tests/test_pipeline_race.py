"""Two people moving the same candidate at once, committed for real from separate connections.

Both requests read the card at the version their pages showed, then queue on the candidate's row
(held by a third connection until both wait): one move wins, the other gets 409 with the card at the
winner's stage, and exactly one decision and one audit event are written.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_member,
    gen_user,
)
from tests.locks import wait_for_lock_waiters
from webapp.models import AuditEvent, PipelineCandidate, PipelineDecision, PipelineStage


def logged_in(app, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def test_two_people_moving_the_same_candidate_at_once_one_wins(committed_app):
    engine = committed_app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as session:
        owner = gen_user(session, role="employer", first_name="Olive", last_name="Owner")
        company = gen_company(session, owner)
        recruiter = gen_user(session, role="employer", first_name="Rita", last_name="Recruiter")
        gen_member(session, company, recruiter, role="recruiter")
        job = gen_job(session, company)
        candidate = gen_user(session, first_name="Cass", last_name="Candidate")
        gen_interview(session, candidate, job)
        stages = {s.kind: s for s in session.scalars(select(PipelineStage).where(PipelineStage.job_id == job.id))}
        entry = session.scalar(select(PipelineCandidate).where(PipelineCandidate.job_id == job.id))
        session.commit()
    url = f"/jobs/{job.id}/pipeline/{candidate.id}/decide"
    posts = [
        (logged_in(committed_app, owner.email), {"action": "move", "stage": stages["review"].id, "version": 1}),
        (logged_in(committed_app, recruiter.email),
         {"action": "move", "stage": stages["team_interview"].id, "version": 1}),
    ]
    responses: list = [None, None]

    def run(index, client, data):
        responses[index] = client.post(url, data=data, headers={"HX-Request": "true"})

    blocker = engine.connect()
    transaction = blocker.begin()
    blocker.execute(text("SELECT id FROM pipeline_candidate WHERE id = :id FOR UPDATE"), {"id": entry.id})
    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    try:
        for thread in threads:
            thread.start()
        assert wait_for_lock_waiters(engine, expected=2) >= 2, "the moves never queued"
    finally:
        transaction.commit()
        blocker.close()
        for thread in threads:
            thread.join(timeout=60)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409], statuses
    winner = responses[0] if responses[0].status_code == 200 else responses[1]
    loser = responses[1] if winner is responses[0] else responses[0]
    winner_name, winning_stage = ("Olive Owner", stages["review"]) if winner is responses[0] else (
        "Rita Recruiter", stages["team_interview"])
    body = loser.get_data(as_text=True)
    assert f"{winner_name} moved Cass Candidate to {winning_stage.name} meanwhile" in body
    column = body.split(f'id="stage-{winning_stage.id}-title"')[1].split("pipeline-column-title")[0]
    assert f'id="card-{candidate.id}"' in column
    with Session(engine) as session:
        row = session.get(PipelineCandidate, entry.id)
        assert (row.stage_id, row.version) == (winning_stage.id, 2)
        assert session.scalar(select(func.count()).select_from(PipelineDecision).where(
            PipelineDecision.pipeline_candidate_id == entry.id, PipelineDecision.action == "moved")) == 1
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "pipeline.moved")) == 1
