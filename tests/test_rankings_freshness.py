"""Rankings follow the results: whoever writes them, the job is marked stale and recomputed.

The interview engine writes results straight into PostgreSQL, so the marks come from
triggers (migration 0003); these tests write rows as the engine would (plain inserts
and updates, no call into our services) and look at what the employer then sees.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.factories import (
    gen_context_factors,
    gen_cultural_fit,
    gen_interview,
    gen_interview_assessment,
    gen_job,
    gen_score_weight,
    gen_sentiment_point,
    gen_sentiment_session,
    gen_skill_assessment,
    gen_user,
)
from tests.rankings_support import employer, job, logged_in, names_in_order, text_of  # noqa: F401 (fixtures)
from webapp.db import make_engine
from webapp.models import CandidateRanking
from webapp.rankings import services


def stale_jobs(db_session) -> set[int]:
    """Jobs with any mark: the whole job (weights) or one of its candidates (results)."""
    return set(db_session.scalars(text(
        "SELECT job_id FROM rankings_stalejob UNION SELECT job_id FROM rankings_stalecandidate")))


def stale_candidates(db_session) -> set[tuple[int, int]]:
    return {tuple(row) for row in db_session.execute(text("SELECT job_id, candidate_id FROM rankings_stalecandidate"))}


def clear_marks(db_session) -> None:
    db_session.execute(text("DELETE FROM rankings_stalejob"))
    db_session.execute(text("DELETE FROM rankings_stalecandidate"))


def ranking(db_session, job, candidate) -> CandidateRanking | None:
    db_session.expire_all()
    return db_session.scalar(
        select(CandidateRanking).where(CandidateRanking.job_id == job.id, CandidateRanking.candidate_id == candidate.id)
    )


@pytest.fixture
def held(db_session, job):
    """A completed interview for `job`, ranked, with no freshness mark left."""
    candidate = gen_user(db_session, first_name="Ada", last_name="Lovelace")
    interview = gen_interview(db_session, candidate, job, status="completed", technical_accuracy=Decimal("60"))
    services.recompute(db_session, job.id)
    assert stale_jobs(db_session) == set()
    return interview


def test_a_new_completed_interview_reaches_the_rankings_page_without_a_recompute(db_session, job, logged_in):
    candidate = gen_user(db_session, first_name="Grace", last_name="Hopper")
    gen_interview(db_session, candidate, job, status="completed")
    assert stale_jobs(db_session) == {job.id}

    page = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))

    assert names_in_order(page) == ["Grace Hopper"]
    assert stale_jobs(db_session) == set()


def test_a_changed_score_changes_the_stored_ranking(db_session, job, held):
    before = ranking(db_session, job, held.user).technical_score
    db_session.execute(
        text("UPDATE interview_interviewsession SET technical_accuracy = 95 WHERE id = :id"), {"id": held.id}
    )
    assert stale_jobs(db_session) == {job.id}

    result = services.recompute_stale(db_session)

    assert result is not None and result.ranked == 1
    assert before == Decimal("60.00") and ranking(db_session, job, held.user).technical_score == Decimal("95.00")


def test_a_result_marks_only_its_candidate_and_only_that_candidate_is_recomputed(db_session, job, held):
    other = gen_user(db_session, first_name="Grace", last_name="Hopper")
    gen_interview(db_session, other, job, status="completed", technical_accuracy=Decimal("80"))
    services.recompute(db_session, job.id)
    gen_cultural_fit(db_session, held, score=Decimal("90"))
    db_session.flush()
    assert stale_candidates(db_session) == {(job.id, held.user.id)}

    result = services.recompute_stale(db_session, job.id)

    assert result is not None and result.ranked == 1  # the other candidate's evidence was not read again
    assert ranking(db_session, job, held.user).cultural_fit_score == Decimal("90.00")
    assert ranking(db_session, job, other).technical_score == Decimal("80.00")


@pytest.mark.parametrize(
    "write",
    [
        lambda s, iv: gen_cultural_fit(s, iv),
        lambda s, iv: gen_skill_assessment(s, iv),
        lambda s, iv: gen_interview_assessment(s, iv),
        lambda s, iv: gen_sentiment_session(s, iv),
        lambda s, iv: gen_sentiment_point(s, gen_sentiment_session(s, iv)),
    ],
    ids=["cultural fit", "skill assessment", "interview assessment", "sentiment session", "sentiment point"],
)
def test_every_result_table_marks_the_job(db_session, job, held, write):
    write(db_session, held)
    db_session.flush()
    assert stale_jobs(db_session) == {job.id}


def test_context_factors_mark_the_job(db_session, job, held):
    point = gen_sentiment_point(db_session, gen_sentiment_session(db_session, held))
    clear_marks(db_session)
    gen_context_factors(db_session, point)
    assert stale_jobs(db_session) == {job.id}


def test_deleting_results_marks_the_job_and_the_ranking_goes(db_session, job, held):
    db_session.execute(text("DELETE FROM interview_interviewsession WHERE id = :id"), {"id": held.id})
    assert stale_jobs(db_session) == {job.id}

    services.recompute_stale(db_session)

    assert ranking(db_session, job, held.user) is None


def test_live_and_practice_interviews_leave_rankings_alone(db_session, job, held):
    candidate = gen_user(db_session)
    live = gen_interview(db_session, candidate, job, status="in_progress")
    gen_cultural_fit(db_session, live)
    db_session.execute(
        text("UPDATE interview_interviewsession SET completion_percentage = 40 WHERE id = :id"), {"id": live.id}
    )
    gen_interview(db_session, candidate, job, status="completed", is_practice=True)
    # a write to a ranked interview that the ranking does not read
    db_session.execute(text("UPDATE interview_interviewsession SET interviewer_notes = 'ok' WHERE id = :id"), {"id": held.id})

    assert stale_jobs(db_session) == set()
    assert services.recompute_stale(db_session) is None


def test_an_interview_moved_to_another_job_marks_both(db_session, job, held):
    other = gen_job(db_session, job.company)
    db_session.execute(
        text("UPDATE interview_interviewsession SET job_id = :job WHERE id = :id"), {"job": other.id, "id": held.id}
    )
    assert stale_jobs(db_session) == {job.id, other.id}


def test_focus_default_weights_mark_every_job_of_that_focus(db_session, job, held):
    technical = gen_job(db_session, job.company, job_focus="technical")
    gen_score_weight(db_session, "balanced")
    assert stale_jobs(db_session) == {job.id}
    clear_marks(db_session)

    db_session.execute(text("UPDATE company_job SET job_focus = 'technical' WHERE id = :id"), {"id": job.id})
    assert stale_jobs(db_session) == {job.id}
    assert technical.id not in stale_jobs(db_session)


def test_the_cli_recomputes_only_stale_jobs(app, db_session, job, held):
    runner = app.test_cli_runner()
    assert "No stale rankings" in runner.invoke(args=["rankings", "recompute", "--stale"]).output

    db_session.execute(
        text("UPDATE interview_interviewsession SET technical_accuracy = 88 WHERE id = :id"), {"id": held.id}
    )
    result = runner.invoke(args=["rankings", "recompute", "--stale"])

    assert result.exit_code == 0, result.output
    assert "1 ranking(s) written" in result.output
    assert ranking(db_session, job, held.user).technical_score == Decimal("88.00")


def committed_job(conn, name: str) -> dict[str, int]:
    """An employer ("user"), their company and a job, written with plain SQL for tests that commit."""
    user = conn.scalar(text(
        "INSERT INTO users_user (username, email, password, role) "
        "VALUES (:n, :email, 'x', 'employer') RETURNING id"), {"n": name, "email": f"{name}@example.test"})
    company = conn.scalar(text(
        "INSERT INTO company_company (user_id, company_name) VALUES (:u, :n) RETURNING id"), {"u": user, "n": name})
    job = conn.scalar(text(
        "INSERT INTO company_job (company_id, title) VALUES (:c, :n) RETURNING id"), {"c": company, "n": name})
    return {"user": user, "company": company, "job": job}


def test_results_committed_during_a_recompute_are_not_lost(db_engine):
    """A result written while a recompute holds the job's claim marks the job again once it commits."""
    engine = make_engine(db_engine.url.render_as_string(hide_password=False))
    ids: dict[str, int] = {}
    try:
        with engine.begin() as conn:
            ids.update(committed_job(conn, "fresh-race"))
            ids["interview"] = conn.scalar(text(
                "INSERT INTO interview_interviewsession (session_id, user_id, job_id, status, start_time) "
                "VALUES ('fresh-race-1', :u, :j, 'completed', now()) RETURNING id"),
                {"u": ids["user"], "j": ids["job"]})
        writer_done = threading.Event()

        def engine_writes_a_result():
            with engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO interview_culturalfit (interview_session_id, score) VALUES (:i, 77)"),
                    {"i": ids["interview"]})
            writer_done.set()

        with engine.connect() as recomputing:
            with recomputing.begin():
                claimed = recomputing.execute(text(
                    "DELETE FROM rankings_stalecandidate WHERE job_id = :j RETURNING job_id, candidate_id"),
                    {"j": ids["job"]}).all()
                assert [tuple(row) for row in claimed] == [(ids["job"], ids["user"])]
                writer = threading.Thread(target=engine_writes_a_result)
                writer.start()
                # The writer's mark waits for the claim to commit (same key), so it cannot vanish with it.
                assert not writer_done.wait(1.0)
            writer.join(10)
        assert writer_done.is_set()
        with engine.connect() as conn:
            marks = conn.execute(text("SELECT job_id, candidate_id FROM rankings_stalecandidate")).all()
            assert [tuple(row) for row in marks] == [(ids["job"], ids["user"])]
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM users_user WHERE id = :u"), {"u": ids.get("user", 0)})
        engine.dispose()


def test_deleting_a_job_with_ranked_interviews_deletes_it_and_marks_nothing(db_session, job, held):
    db_session.execute(text("DELETE FROM company_job WHERE id = :id"), {"id": job.id})
    assert stale_jobs(db_session) == set()
    assert db_session.scalar(text("SELECT count(*) FROM interview_interviewsession WHERE id = :id"), {"id": held.id}) == 0


def test_two_recomputes_of_one_job_run_one_after_the_other(db_engine):
    """Each rewrites the job's places; run at once they could deadlock, so the second waits for the first."""
    engine = make_engine(db_engine.url.render_as_string(hide_password=False))
    ids: dict[str, int] = {}
    try:
        with engine.begin() as conn:
            ids.update(committed_job(conn, "rank-race"))
            ids["other"] = conn.scalar(text(
                "INSERT INTO users_user (username, email, password) "
                "VALUES ('rank-race-2', 'rank-race-2@example.test', 'x') RETURNING id"))
            for n, user in enumerate((ids["user"], ids["other"])):
                conn.execute(text(
                    "INSERT INTO interview_interviewsession (session_id, user_id, job_id, status, start_time) "
                    "VALUES (:s, :u, :j, 'completed', now())"), {"s": f"rank-race-{n}", "u": user, "j": ids["job"]})
        second_done = threading.Event()
        # two candidates' recomputes: different rows, the same job's places
        first_scope = services.Scope(pairs=((ids["job"], ids["user"]),))
        second_scope = services.Scope(pairs=((ids["job"], ids["other"]),))

        def second_recompute():
            with Session(engine) as session:
                services._recompute(session, second_scope)
                session.commit()
            second_done.set()

        with Session(engine) as first:
            services._recompute(first, first_scope)
            second = threading.Thread(target=second_recompute)
            second.start()
            assert not second_done.wait(1.0)  # waiting for the first's lock on the job
            first.commit()
        second.join(10)
        assert second_done.is_set()
        with engine.connect() as conn:
            places = conn.scalars(text("SELECT place FROM rankings_component WHERE job_id = :j"), {"j": ids["job"]})
            assert sorted(places) == [1, 1]  # both ranked, tied (no evidence yet), places from both writes
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM users_user WHERE id = ANY(:u)"), {"u": [ids.get("user", 0), ids.get("other", 0)]})
        engine.dispose()
