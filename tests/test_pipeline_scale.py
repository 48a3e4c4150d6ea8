"""The pipeline of a hot job (5,000 candidates): the board reads its counts and each column's first cards
along idx_pipeline_candidate_board, never the whole job, and shows 20 cards per column."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.factories import PASSWORD, gen_company, gen_job, gen_user
from tests.querycount import statements_with_parameters

CANDIDATES = 5000


@pytest.fixture
def hot_job(db_session, auth):
    owner = gen_user(db_session, role="employer")
    company = gen_company(db_session, owner)
    job = gen_job(db_session, company, title="Hot Job")
    for _ in range(10):  # other jobs with as many candidates: the hot job is a range of the index, not the table
        gen_job(db_session, company)
    db_session.execute(text(
        """WITH people AS (
               INSERT INTO users_user (username, email, password, first_name, last_name, role, is_verified)
               SELECT 'hot' || n, 'hot' || n || '@example.test', 'x', 'Hot', 'Candidate ' || n, 'user', true
               FROM generate_series(1, :n) AS n RETURNING id
           )
           INSERT INTO pipeline_candidate (job_id, candidate_id, stage_id, entered_stage_at, status)
           SELECT s.job_id, p.id, s.id, now() - (p.id % 97) * interval '1 hour',
                  CASE WHEN p.id % 10 = 0 THEN 'rejected' ELSE 'active' END
           FROM people p
           JOIN company_job j ON j.company_id = :company
           JOIN pipeline_stage s ON s.job_id = j.id AND s.position = 1 + (p.id % 6)"""
    ), {"n": CANDIDATES, "company": company.id})
    db_session.execute(text("ANALYZE pipeline_candidate"))
    assert auth.login(owner.email, PASSWORD).status_code == 302
    return job


def plan(db_session, statement: str, parameters) -> dict:
    row = db_session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar_one()
    return (json.loads(row) if isinstance(row, str) else row)[0]["Plan"]


def nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def test_the_board_of_a_hot_job_reads_along_the_board_index(app, client, db_session, hot_job):
    statements = statements_with_parameters(app, client, f"/jobs/{hot_job.id}/pipeline")
    reads = [(sql, params) for sql, params in statements if "FROM pipeline_candidate" in sql]
    assert len(reads) == 2, [sql for sql, _ in reads]  # the counts, the columns' first cards
    for sql, params in reads:
        tree = list(nodes(plan(db_session, sql, params)))
        assert not [n for n in tree if n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "pipeline_candidate"]
        assert "idx_pipeline_candidate_board" in {n.get("Index Name") for n in tree}, sql
    page = client.get(f"/jobs/{hot_job.id}/pipeline").get_data(as_text=True)
    assert page.count('class="pipeline-card"') == 6 * 20
    assert page.count("Show more") == 6
