"""The interviews list at bench shape: the plans its statements get, generic ones included, stop early.

A small bench-data run (tests/conftest.py `bench_database_url`) has the platform's shape.
psycopg prepares a statement after 5 executions and PostgreSQL may then keep one generic plan
for every company, so each statement is EXPLAINed as a generic plan (`force_generic_plan`):
the plan a big company gets must walk an order index and stop after a page, whatever
company the plan was first made for; a small company reads its jobs' sessions.
"""

from __future__ import annotations

import re

import psycopg
import pytest

from tests.querycount import statements_with_parameters
from webapp import create_app
from webapp.benchdata import LOGINS
from webapp.interviews import queries

PASSWORD = "jobhive-demo-pass"


@pytest.fixture(scope="module")
def bench_app(bench_database_url):
    app = create_app({"DATABASE_URL": bench_database_url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    app.config["PLAIN_DATABASE_URL"] = bench_database_url  # for psycopg itself (generic_plan)
    yield app
    app.extensions["db_engine"].dispose()


def _client(app, who: str):
    client = app.test_client()
    assert client.post("/login", data={"email": LOGINS[who], "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture(scope="module")
def big(bench_app):
    return _client(bench_app, "biggest employer")


@pytest.fixture(scope="module")
def small(bench_app):
    return _client(bench_app, "small employer")


@pytest.fixture
def walk_from_10(monkeypatch):
    """The bench run is small (the big company has ~1,000 interviews): its pages walk as at 1M."""
    monkeypatch.setattr(queries, "WALK_FROM", 10)


def sent(app, client, url: str) -> list[tuple[str, dict]]:
    return statements_with_parameters(app, client, url, {"HX-Request": "true", "HX-Target": "interview-rows"})


def generic_plan(app, statement: str, parameters: dict) -> str:
    """EXPLAIN of the statement's generic plan (PREPARE, then EXECUTE with force_generic_plan)."""
    names: list[str] = []

    def number(match):
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    prepared = re.sub(r"%\((\w+)\)s", number, statement).replace("%%", "%")
    with psycopg.connect(app.config["PLAIN_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")) as connection:
        cursor = psycopg.ClientCursor(connection)
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE list_plan AS {prepared}")
        arguments = ", ".join(["%s"] * len(names))
        cursor.execute(f"EXPLAIN EXECUTE list_plan({arguments})", [parameters[name] for name in names])
        return "\n".join(row[0] for row in cursor.fetchall())


def rows_statement(statements) -> tuple[str, dict]:
    return next((s, p) for s, p in statements if "latest_sentiment" in s)


def count_statement(statements) -> tuple[str, dict]:
    return next((s, p) for s, p in statements if "AS matching" in s)


@pytest.mark.parametrize("url, index", [
    ("/interviews", "idx_interview_session_when"),
    ("/interviews?page=3", "idx_interview_session_when"),
    ("/interviews?status=completed", "idx_interview_session_status_when"),
    ("/interviews?sort=-technical", "idx_interview_session_technical_order"),
    ("/interviews?sort=technical", "idx_interview_session_technical_order"),
    ("/interviews?sort=completion", "idx_interview_session_completion_order"),
    ("/interviews?sort=-behavioral", "idx_interview_session_behavioral_order"),
    ("/interviews?sort=status", "idx_interview_session_status_order"),
    # a status filter with a score sort: that status's range of the score, even when none of its rows has one
    ("/interviews?status=scheduled&sort=-behavioral", "idx_interview_session_status_behavioral"),
    ("/interviews?status=completed&sort=-technical", "idx_interview_session_status_technical"),
    ("/interviews?sort=candidate", "idx_users_user_display_name"),
    ("/interviews?sort=-candidate", "idx_users_user_display_name"),
])
def test_a_big_companys_page_walks_an_order_index_even_with_a_generic_plan(bench_app, big, walk_from_10, url, index):
    statement, parameters = rows_statement(sent(bench_app, big, url))
    plan = generic_plan(bench_app, statement, parameters)
    assert index in plan, plan
    assert "Seq Scan on interview_interviewsession" not in plan, plan
    # The sessions are never sorted as a whole: every sort in the plan is over a page's rows.
    assert "idx_interview_session_job_when" not in plan, plan


def test_a_small_companys_page_reads_its_jobs_sessions(bench_app, small):
    statement, parameters = rows_statement(sent(bench_app, small, "/interviews?sort=-technical"))
    plan = generic_plan(bench_app, statement, parameters)
    assert re.search(r"idx_interview_session_job_when|idx_interview_session_job_id", plan), plan
    assert "Seq Scan on interview_interviewsession" not in plan, plan


@pytest.mark.parametrize("url", ["/interviews", "/interviews?status=completed", "/interviews?job={job}&status=no_show"])
def test_exact_counts_read_a_few_counter_rows(bench_app, big, url):
    job = next(p for s, p in sent(bench_app, big, "/interviews") if "ids" in p)["ids"][0]
    statement, parameters = count_statement(sent(bench_app, big, url.format(job=job)))
    plan = generic_plan(bench_app, statement, parameters)
    assert "interview_interviewsession" not in plan, plan
    assert re.search(r"dashboard_(company|job)interviewcount", plan), plan  # a few rows: the key, or a tiny table


def test_a_search_counts_only_up_to_the_limit(bench_app, big):
    statement, parameters = count_statement(sent(bench_app, big, "/interviews?q=smith"))
    plan = generic_plan(bench_app, statement, parameters)
    assert "Limit" in plan and "Seq Scan on interview_interviewsession" not in plan, plan
