"""The rankings pages at bench shape: a fixed number of statements, each served by the indexes we rely on.

A small bench-data run (tests/conftest.py `bench_database_url`) has the platform's
shape; EXPLAIN of the statements the pages really send shows which indexes they use.
"""

from __future__ import annotations

import pytest

from tests.querycount import statements_with_parameters
from webapp import create_app
from webapp.benchdata import LOGINS

PASSWORD = "jobhive-demo-pass"
WHATIF = "w_technical=0.5&w_skills=0.2&w_cultural_fit=0.2&w_sentiment=0.1"


@pytest.fixture(scope="module")
def bench_app(bench_database_url):
    app = create_app({"DATABASE_URL": bench_database_url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def employer(bench_app):
    client = bench_app.test_client()
    assert client.post("/login", data={"email": LOGINS["biggest employer"], "password": PASSWORD}).status_code == 302
    return client


def sent(app, client, url: str) -> list[tuple[str, dict]]:
    """The statements a GET of `url` (as htmx) sends, with their parameters."""
    return statements_with_parameters(app, client, url, {"HX-Request": "true"})


def plan(app, statement: str, parameters) -> str:
    with app.extensions["db_engine"].connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("EXPLAIN " + statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


def ranking_statement(statements) -> tuple[str, dict]:
    return next((s, p) for s, p in statements if "rankings_component" in s and "stalejob" not in s)


@pytest.mark.parametrize("query", ["", "?page=2", "?sort=technical", f"?{WHATIF}"])
def test_each_rankings_view_sends_six_statements(bench_app, employer, query):
    # login session, job, weights + freshness, the page with its counts, people's overrides, human scores
    assert len(sent(bench_app, employer, f"/jobs/1/rankings{query}")) == 6


def test_overrides_and_human_scores_read_by_key(bench_app, employer):
    # (rankings_override holds a handful of rows at bench size: any plan reads it in no time)
    statements = sent(bench_app, employer, "/jobs/1/rankings")
    overrides = next((s, p) for s, p in statements if "PARTITION BY o.kind" in s)
    assert "Seq Scan on rankings_component" not in plan(bench_app, *overrides)
    human = next((s, p) for s, p in statements if "interview_scorecard" in s)
    explained = plan(bench_app, *human)
    assert "Seq Scan on interview_interviewsession" not in explained


def test_the_saved_ranking_reads_the_job_overall_index_and_names_by_key(bench_app, employer):
    explained = plan(bench_app, *ranking_statement(sent(bench_app, employer, "/jobs/1/rankings")))
    assert "rankings_component_job_overall_idx" in explained
    assert "Seq Scan on rankings_component" not in explained and "Seq Scan on users_user" not in explained


def test_the_what_if_reads_only_the_jobs_rows(bench_app, employer):
    explained = plan(bench_app, *ranking_statement(sent(bench_app, employer, f"/jobs/1/rankings?{WHATIF}")))
    assert "Seq Scan on rankings_component" not in explained and "Seq Scan on users_user" not in explained
    assert "Index Cond: (job_id =" in explained


def test_a_view_with_nothing_stale_writes_nothing(bench_app, employer):
    statements = [statement for statement, _ in sent(bench_app, employer, "/jobs/1/rankings")]
    assert not any(word in statement for statement in statements for word in ("DELETE", "INSERT", "UPDATE"))
