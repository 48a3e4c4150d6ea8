"""Stored ranking components (migration 0009): what the pages read agrees with the formulas.

The pages read `rankings_component`, and the what-if re-weights it in SQL with
rankings_overall(); these tests hold that to the Python formulas, to the visibility
rules of the interview page, and to the documented interview_candidateranking rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from tests.factories import (
    gen_context_factors,
    gen_cultural_fit,
    gen_interview,
    gen_sentiment_point,
    gen_sentiment_session,
    gen_user,
)
from tests.rankings_support import candidate, employer, job, logged_in, names_in_order, text_of  # noqa: F401
from webapp.models import CandidateRanking, RankingComponent
from webapp.rankings import formulas as f
from webapp.rankings import queries, services

# Factors come from averages of DECIMAL(5,2) columns, so never subnormal (PostgreSQL, unlike
# Python, raises an underflow error where a product of two non-zero floats rounds to 0).
factor = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_subnormal=False))
# weights as the app passes them: cents in [0, 1] (what-if sliders, stored weights)
weight = st.integers(min_value=0, max_value=100).map(lambda cents: float(Decimal(cents) / 100))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({k: factor for k in f.FACTORS}), st.fixed_dictionaries({k: weight for k in f.FACTORS}))
def test_the_what_if_overall_in_sql_is_the_formula_to_the_cent(db_session, factors, weights):
    """queries.OVERALL (what-if, in the database) == formulas.overall + cents (the recompute, in Python)."""
    columns = ", ".join(f"CAST(:{k} AS double precision) AS factor_{k}" for k in f.FACTORS)
    in_sql = db_session.scalar(
        text(f"SELECT {queries.OVERALL} FROM (SELECT c.*, {queries.MASK} AS mask FROM (SELECT {columns}) c) m"),
        {**factors, **queries.whatif_params(weights)},
    )
    assert in_sql == f.cents(f.overall(factors, weights))


def test_the_stored_rows_match_the_documented_table(db_session, job):
    for name, technical, fit in (("Grace Hopper", "90", "80"), ("Alan Turing", "70", None), ("Ada Byron", "70", None)):
        candidate(db_session, job, name, technical, fit)
    services.recompute(db_session, job.id)

    stored = {c.candidate_id: c for c in db_session.scalars(select(RankingComponent).where(RankingComponent.job_id == job.id))}
    documented = db_session.scalars(select(CandidateRanking).where(CandidateRanking.job_id == job.id)).all()

    assert len(documented) == len(stored) == 3
    for row in documented:
        mine = stored[row.candidate_id]
        assert (mine.overall_score, mine.technical_score, mine.cultural_fit_score, mine.communication_score,
                mine.ai_confidence) == (row.overall_score, row.technical_score, row.cultural_fit_score,
                                        row.communication_score, row.ai_confidence)
    # ties share a place, as rank() does: 85.45 first, the two 70s second
    assert sorted(c.place for c in stored.values()) == [1, 2, 2]


def test_a_hidden_sentiment_summary_leaves_the_interview_out_of_the_score(db_session, job):
    shown = candidate(db_session, job, "Grace Hopper", "80")
    hidden = candidate(db_session, job, "Alan Turing", "80")
    for user, visible in ((shown, True), (hidden, False)):
        interview = gen_interview(db_session, user, job, status="completed", technical_accuracy=Decimal("80"),
                                  start_time=datetime.now(UTC) - timedelta(hours=1), end_time=datetime.now(UTC))
        sentiment = gen_sentiment_session(db_session, interview, positive_score=Decimal("60"), employer_visible=visible)
        gen_context_factors(db_session, gen_sentiment_point(db_session, sentiment))
    services.recompute(db_session, job.id)

    rows = {c.candidate_id: c for c in db_session.scalars(select(RankingComponent).where(RankingComponent.job_id == job.id))}

    assert rows[shown.id].factor_sentiment is not None and rows[shown.id].points == 1
    # the candidate chose not to show the employer this interview's sentiment: not a number of it counts
    assert rows[hidden.id].factor_sentiment is None and rows[hidden.id].points == 0
    assert rows[hidden.id].positive is None and rows[hidden.id].value_alignment is None


def test_renaming_a_candidate_resorts_the_ranking_at_once(db_session, job, logged_in):
    people = [candidate(db_session, job, name, "70", "70") for name in ("Alan Turing", "Grace Hopper")]
    services.recompute(db_session, job.id)
    db_session.execute(text("UPDATE users_user SET first_name = 'Zed' WHERE id = :id"), {"id": people[0].id})

    page = text_of(logged_in.get(f"/jobs/{job.id}/rankings?sort=candidate"))

    assert names_in_order(page) == ["Grace Hopper", "Zed Turing"]


def test_a_ranking_without_its_stored_components_is_rebuilt_by_the_recompute(db_session, job, logged_in):
    """Rankings written before migration 0009 have no component row; the migration marks their jobs."""
    person = candidate(db_session, job, "Grace Hopper", "90", "80")
    services.recompute(db_session, job.id)
    db_session.execute(text("DELETE FROM rankings_component WHERE job_id = :j"), {"j": job.id})
    db_session.execute(text("INSERT INTO rankings_stalejob (job_id) VALUES (:j)"), {"j": job.id})

    page = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))

    assert names_in_order(page) == ["Grace Hopper"]
    assert db_session.get(RankingComponent, (job.id, person.id)) is not None


def test_a_new_candidate_on_top_moves_everyone_else_down_a_place(db_session, job):
    turing, byron = (candidate(db_session, job, name, technical, "70")
                     for name, technical in (("Alan Turing", "70"), ("Ada Byron", "60")))
    services.recompute(db_session, job.id)
    newcomer = gen_user(db_session, first_name="Grace", last_name="Hopper")
    interview = gen_interview(db_session, newcomer, job, status="completed", technical_accuracy=Decimal("99"))
    gen_cultural_fit(db_session, interview, score=Decimal("99"))

    services.recompute_stale(db_session, job.id)

    db_session.expire_all()
    places = {row.candidate_id: row.place for row in db_session.execute(
        select(RankingComponent.candidate_id, RankingComponent.place).where(RankingComponent.job_id == job.id))}
    assert places == {newcomer.id: 1, turing.id: 2, byron.id: 3}
