"""Scorecards, notes and attributes written at once, committed for real from separate connections.

Notes queue on the interview's row and attributes on the job's: each test holds that lock until every
request waits on it, so all of them read before any change (the worst case) and the lock alone decides.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import (
    PASSWORD,
    gen_assignment,
    gen_company,
    gen_interview,
    gen_job,
    gen_member,
    gen_user,
)
from tests.locks import wait_for_lock_waiters
from webapp.models import (
    InterviewNote,
    InterviewNoteEdit,
    InterviewSession,
    Scorecard,
    ScorecardAttribute,
)


@pytest.fixture
def engine(committed_app):
    return committed_app.extensions["db_engine"]


@pytest.fixture
def world(engine):
    """A company with an interviewer assigned to a completed interview, committed."""
    with Session(engine) as session:
        owner = gen_user(session, role="employer")
        company = gen_company(session, owner)
        ivy = gen_user(session, role="employer")
        gen_member(session, company, ivy, "interviewer")
        job = gen_job(session, company)
        interview = gen_interview(session, gen_user(session), job, status="completed")
        gen_assignment(session, interview, ivy)
        session.commit()
        return {"owner": owner.email, "ivy": ivy.email, "ivy_id": ivy.id, "job": job.id,
                "interview": interview.id, "session_id": interview.session_id}


def logged_in(app, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def post_all(engine, lock_sql: str | None, row_id: int | None, posts: list) -> list:
    """Every (client, url, data) POST on its own thread, behind the row lock `lock_sql` when given."""
    responses: list = [None] * len(posts)

    def run(index: int, client, url: str, data: dict) -> None:
        responses[index] = client.post(url, data=data)

    blocker = engine.connect()
    transaction = blocker.begin()
    if lock_sql:
        blocker.execute(text(lock_sql), {"id": row_id})
    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    try:
        for thread in threads:
            thread.start()
        if lock_sql:
            assert wait_for_lock_waiters(engine, expected=len(posts)) >= len(posts), "the requests never queued"
    finally:
        transaction.commit()
        blocker.close()
        for thread in threads:
            thread.join(timeout=60)
    return responses


def test_two_tabs_editing_one_note_keep_both_earlier_texts_and_the_summary_follows(committed_app, engine, world):
    ivy = logged_in(committed_app, world["ivy"])
    assert ivy.post(f"/interviews/{world['session_id']}/notes", data={"notes": "First."}).status_code == 303
    with Session(engine) as session:
        note_id = session.scalar(select(InterviewNote.id).where(InterviewNote.interview_session_id == world["interview"]))
    url = f"/interviews/{world['session_id']}/notes/{note_id}"
    tabs = [logged_in(committed_app, world["ivy"]) for _ in range(3)]

    responses = post_all(engine, "SELECT id FROM interview_interviewsession WHERE id = :id FOR UPDATE",
                         world["interview"], [(tab, url, {"body": f"Edit {i}"}) for i, tab in enumerate(tabs)])

    assert [r.status_code for r in responses] == [303] * 3
    with Session(engine) as session:
        body = session.get(InterviewNote, note_id).body
        earlier = session.scalars(select(InterviewNoteEdit.body).where(InterviewNoteEdit.note_id == note_id)
                                  .order_by(InterviewNoteEdit.id)).all()
        summary = session.get(InterviewSession, world["interview"]).interviewer_notes
    assert earlier[0] == "First." and len(earlier) == 3 and body not in earlier
    assert summary == body


def test_the_same_attribute_added_at_once_is_added_once(committed_app, engine, world):
    clients = [logged_in(committed_app, world["owner"]) for _ in range(4)]
    url = f"/jobs/{world['job']}/scorecard"

    responses = post_all(engine, "SELECT id FROM company_job WHERE id = :id FOR UPDATE", world["job"],
                         [(client, url, {"name": "System design"}) for client in clients])

    assert sorted(r.status_code for r in responses) == [303, 422, 422, 422]
    with Session(engine) as session:
        assert session.scalar(select(func.count()).where(
            ScorecardAttribute.job_id == world["job"], ScorecardAttribute.name == "System design")) == 1


def test_two_tabs_submitting_one_scorecard_leave_one(committed_app, engine, world):
    with Session(engine) as session:
        attributes = session.scalars(select(ScorecardAttribute.id).where(ScorecardAttribute.job_id == world["job"])).all()
    form = {f"rating-{a}": "3" for a in attributes} | {"recommendation": "yes", "action": "submit"}
    tabs = [logged_in(committed_app, world["ivy"]) for _ in range(4)]

    responses = post_all(engine, None, None, [(tab, f"/interviews/{world['session_id']}/scorecard", form)
                                              for tab in tabs])

    assert [r.status_code for r in responses] == [303] * 4
    with Session(engine) as session:
        cards = session.scalars(select(Scorecard).where(Scorecard.interview_session_id == world["interview"])).all()
    assert len(cards) == 1 and cards[0].submitted_at is not None and cards[0].author_id == world["ivy_id"]
