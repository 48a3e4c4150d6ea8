"""What the rankings freshness triggers cost the interview engine's writes, in one run.

    .venv/bin/python bench/freshness_triggers.py [--points 2000]

On a scratch database (created, migrated, dropped), inserts sentiment points one
statement at a time, as the live engine does, into a running interview and into a
completed one, with the triggers enabled and then disabled in the same run
(`ALTER TABLE ... DISABLE TRIGGER`), and prints the median time per insert and the
ratios. Set DATABASE_URL to a server where we may create a database; by default
the local cluster.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alembic import command  # noqa: E402
from sqlalchemy import text  # noqa: E402

from webapp.cli import alembic_config  # noqa: E402
from webapp.db import database_url, make_engine  # noqa: E402

SCRATCH = "jobhive_bench_freshness"
TRIGGERED = ("interview_sentimenthistory",)


def server_url() -> str:
    url = os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:54329/postgres"
    return database_url(url).set(database="postgres").render_as_string(hide_password=False)


def recreate(url: str) -> str:
    admin = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {SCRATCH}"))
    admin.dispose()
    return database_url(url).set(database=SCRATCH).render_as_string(hide_password=False)


def setup(conn) -> dict[str, int]:
    user = conn.scalar(text("INSERT INTO users_user (username, email, password) VALUES ('b', 'b@x.test', 'x') RETURNING id"))
    company = conn.scalar(text("INSERT INTO company_company (user_id, company_name) VALUES (:u, 'B') RETURNING id"), {"u": user})
    job = conn.scalar(text("INSERT INTO company_job (company_id, title) VALUES (:c, 'B') RETURNING id"), {"c": company})
    ids = {}
    for status in ("in_progress", "completed"):
        interview = conn.scalar(text(
            "INSERT INTO interview_interviewsession (session_id, user_id, job_id, status, start_time) "
            "VALUES (:s, :u, :j, :st, now()) RETURNING id"), {"s": f"bench-{status}", "u": user, "j": job, "st": status})
        ids[status] = conn.scalar(text(
            "INSERT INTO interview_sentimentsession (session_id, interview_session_id) VALUES (:s, :i) RETURNING id"),
            {"s": f"bench-{status}", "i": interview})
        ids[f"{status}_interview"] = interview
    return ids


def insert_points(conn, sentiment_id: int, interview_id: int, n: int) -> float:
    """Median seconds per single-row INSERT statement (the trigger fires once per statement).

    All in one transaction, so commit latency (fsync), which the triggers do not change,
    does not drown what they cost.
    """
    timings = []
    with conn.begin():
        for _ in range(n):
            start = time.perf_counter()
            conn.execute(text(
                "INSERT INTO interview_sentimenthistory (sentiment_session_id, interview_session_id, timestamp, "
                "overall_sentiment) VALUES (:s, :i, now(), 'positive')"), {"s": sentiment_id, "i": interview_id})
            timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    args = parser.parse_args()
    url = recreate(server_url())
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            ids = setup(conn)
        results = {}
        with engine.connect() as conn:
            insert_points(conn, ids["in_progress"], ids["in_progress_interview"], args.points // 4)  # warm-up
            for triggers in ("enabled", "disabled"):
                if triggers == "disabled":
                    with conn.begin():
                        for table in TRIGGERED:
                            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
                for status in ("in_progress", "completed"):
                    results[(triggers, status)] = insert_points(conn, ids[status], ids[f"{status}_interview"], args.points)
        base = results[("disabled", "in_progress")]
        print(f"{'triggers':10} {'interview':12} {'median/insert':>14} {'ratio':>7}")
        for (triggers, status), seconds in results.items():
            print(f"{triggers:10} {status:12} {seconds * 1e6:11.0f} µs {seconds / base:7.2f}")
    finally:
        engine.dispose()
        admin = make_engine(server_url()).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))
        admin.dispose()


if __name__ == "__main__":
    main()
