"""The scoring engine: the components query, `recompute` and its CLI, on demo-like data."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from tests.factories import (
    gen_company,
    gen_context_factors,
    gen_cultural_fit,
    gen_dynamic_score_weight,
    gen_interview,
    gen_interview_assessment,
    gen_job,
    gen_ranking,
    gen_score_weight,
    gen_sentiment_point,
    gen_sentiment_session,
    gen_skill_assessment,
    gen_user,
)
from webapp.models import CandidateRanking, User
from webapp.rankings import queries, services
from webapp.scoring.weights import weights_for_job


@contextmanager
def count_statements(session):
    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)

    bind = session.connection()
    event.listen(bind, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", remember)


def rankings(db_session, job) -> dict[int, CandidateRanking]:
    db_session.expire_all()
    rows = db_session.scalars(select(CandidateRanking).where(CandidateRanking.job_id == job.id))
    return {row.candidate_id: row for row in rows}


@pytest.fixture
def job(db_session):
    job = gen_job(db_session, gen_company(db_session), title="Platform Engineer")
    # effective 0.35 / 0.25 / 0.25 / 0.15; sentiment split 0.30 / 0.30 / 0.20 / 0.20
    gen_dynamic_score_weight(db_session, job)
    return job


@pytest.fixture
def strong(db_session, job):
    """Two interviews with every kind of evidence, plus a practice run and a scheduled one that must not count."""
    candidate = gen_user(db_session, first_name="Ada", last_name="Lovelace")
    first = gen_interview(db_session, candidate, job, status="completed", technical_accuracy=Decimal("80"))
    second = gen_interview(db_session, candidate, job, status="completed", technical_accuracy=Decimal("90"))
    gen_interview_assessment(db_session, first, "Technical", score=Decimal("75"))
    gen_interview_assessment(db_session, first, "Communication", score=Decimal("50"))
    gen_skill_assessment(db_session, first, scores=(60, 70))
    gen_skill_assessment(db_session, second, scores=(90,))
    gen_cultural_fit(db_session, first, score=Decimal("77"))
    gen_cultural_fit(db_session, second, score=Decimal("67"))
    sentiment = gen_sentiment_session(db_session, first)  # 60 / 10 / 25 / 5
    for _ in range(2):
        gen_context_factors(db_session, gen_sentiment_point(db_session, sentiment, confidence=Decimal("90")))
    practice = gen_interview(db_session, candidate, job, status="completed", is_practice=True,
                             technical_accuracy=Decimal("5"))
    gen_cultural_fit(db_session, practice, score=Decimal("1"))
    gen_interview(db_session, candidate, job, status="scheduled")
    return candidate


@pytest.fixture
def thin(db_session, job):
    """One completed interview with a technical accuracy only."""
    candidate = gen_user(db_session, first_name="Brian", last_name="Kernighan")
    gen_interview(db_session, candidate, job, status="completed", technical_accuracy=Decimal("80"))
    return candidate


def test_recompute_writes_the_documented_scores(db_session, job, strong, thin):
    stale = gen_ranking(db_session, job)  # a candidate with no completed interview for the job
    gen_interview(db_session, db_session.get(User, stale.candidate_id), job, status="completed", is_practice=True)
    result = services.recompute(db_session, job.id)
    assert (result.ranked, result.removed) == (2, 1)

    rows = rankings(db_session, job)
    assert set(rows) == {strong.id, thin.id}
    ada = rows[strong.id]
    # technical: mean(mean accuracy 85, technical assessments 75) = 80
    assert ada.technical_score == Decimal("80.00")
    assert ada.cultural_fit_score == Decimal("72.00")
    # sentiment: (tone 60 + 25/2 + 5/4 = 73.75, context .3*70 + .3*60 + .2*75 + .2*80 = 70) / 2
    assert ada.communication_score == Decimal("71.88")
    # .35*80 + .25*skills 80 + .25*72 + .15*71.875
    assert ada.overall_score == Decimal("76.78")
    # 100 * (.7 * (.4*2/3 + .3*2/120 + .3*4/10) + .3 * .90)
    assert ada.ai_confidence == Decimal("54.42")

    brian = rows[thin.id]
    # only technical evidence: it carries the whole weight; the rest is stored as 0 and lowers confidence
    assert (brian.overall_score, brian.technical_score, brian.cultural_fit_score, brian.communication_score) == (
        Decimal("80.00"), Decimal("80.00"), Decimal("0.00"), Decimal("0.00"))
    assert brian.ai_confidence == Decimal("2.33")  # 100 * 1/4 * .7 * .4/3


def test_recompute_is_idempotent(db_session, job, strong, thin):
    services.recompute(db_session, job.id)
    first = {cid: (r.id, r.overall_score, r.technical_score, r.ai_confidence) for cid, r in rankings(db_session, job).items()}
    again = services.recompute(db_session, job.id)
    assert again.removed == 0
    assert {cid: (r.id, r.overall_score, r.technical_score, r.ai_confidence) for cid, r in rankings(db_session, job).items()} == first


def test_recompute_updates_an_existing_row_in_place(db_session, job, thin):
    old = gen_ranking(db_session, job, thin, overall_score=Decimal("10.00"))
    services.recompute(db_session, job.id)
    row = rankings(db_session, job)[thin.id]
    assert row.id == old.id and row.overall_score == Decimal("80.00")


def test_recompute_of_one_job_leaves_other_jobs_alone(db_session, job, thin):
    other_job = gen_job(db_session, gen_company(db_session))
    untouched = gen_ranking(db_session, other_job, overall_score=Decimal("12.00"))
    services.recompute(db_session, job.id)
    assert rankings(db_session, other_job)[untouched.candidate_id].overall_score == Decimal("12.00")
    services.recompute(db_session)  # every job: the other job's candidate has no interview, so it goes
    assert rankings(db_session, other_job) == {}
    assert set(rankings(db_session, job)) == {thin.id}


def test_recompute_runs_a_constant_number_of_statements(db_session, job):
    def statements_for(n: int) -> int:
        for _ in range(n):
            candidate = gen_user(db_session)
            interview = gen_interview(db_session, candidate, job, status="completed")
            gen_cultural_fit(db_session, interview)
        with count_statements(db_session) as statements:
            services.recompute(db_session)
        return len(statements)

    # claim marks, lock, work_mem (every job), weights, components, write, remove, places
    assert statements_for(1) == statements_for(12) == 8


def test_the_weights_read_for_the_recompute_match_weights_for_job(db_session):
    company = gen_company(db_session)
    dynamic = gen_job(db_session, company, job_focus="balanced")
    gen_dynamic_score_weight(db_session, dynamic, sentiment_adjustment=None, enthusiasm_weight=None)
    focused = gen_job(db_session, company, job_focus="technical")
    gen_score_weight(db_session, "technical", skills_weight=None)
    builtin = gen_job(db_session, company, job_focus="no-such-focus")
    for job in (dynamic, focused, builtin):
        gen_interview(db_session, gen_user(db_session), job, status="completed")
        expected = weights_for_job(db_session, job)
        got = queries.weights_of_jobs(db_session, [job.id])[job.id]
        assert (got.effective, got.sentiment, got.source) == (expected.effective, expected.sentiment, expected.source)


def test_the_cli_recomputes_and_commits(app, db_session, job, thin):
    result = app.test_cli_runner().invoke(args=["rankings", "recompute", "--job", str(job.id)])
    assert result.exit_code == 0, result.output
    assert "1 ranking(s) written" in result.output
    assert set(rankings(db_session, job)) == {thin.id}


def test_the_cli_refuses_a_bad_job_id(app, db_session):
    result = app.test_cli_runner().invoke(args=["rankings", "recompute", "--job", "abc"])
    assert result.exit_code == 2 and "abc" in result.output


def test_recompute_on_the_seeded_demo_data(demo_database_url):
    """Every (job, candidate) with a completed, non-practice interview gets one in-range row; twice is a no-op."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from webapp.db import make_engine

    engine = make_engine(demo_database_url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            session = Session(bind=connection)
            expected = set(session.execute(text(
                """SELECT DISTINCT job_id, user_id FROM interview_interviewsession
                   WHERE status = 'completed' AND NOT is_practice AND job_id IS NOT NULL""")).all())
            result = services.recompute(session)
            snapshot = "SELECT job_id, candidate_id, overall_score, technical_score, ai_confidence FROM interview_candidateranking"
            first = set(session.execute(text(snapshot)).all())
            assert result.ranked == len(expected) > 0
            assert {(job, candidate) for job, candidate, *_ in first} == expected
            assert all(0 < overall <= 100 and 0 < confidence <= 100 for *_, overall, _, confidence in first)
            services.recompute(session)
            assert set(session.execute(text(snapshot)).all()) == first
            session.close()
            transaction.rollback()
    finally:
        engine.dispose()
