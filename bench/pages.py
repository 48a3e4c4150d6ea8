"""Time the main pages against /healthz in one run, in-process, on the demo data.

    .venv/bin/python bench/pages.py [--rounds 200]

Prints the median time per request of each page and its ratio to /healthz, and
the number of SQL statements each page runs (which must not grow with the data).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("JOBHIVE_ENV", "development")

from sqlalchemy import event  # noqa: E402

from webapp import create_app  # noqa: E402

DEMO_PASSWORD = "jobhive-demo-pass"
PAGES = {
    "employer@jobhive.test": ["/dashboard", "/dashboard?week=2026-01-05"],
    "candidate@jobhive.test": ["/dashboard"],
    "admin@jobhive.test": ["/dashboard"],
}


def measure(client, url: str, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def count_statements(app, client, url: str) -> int:
    statements = []
    engine = app.extensions["db_engine"]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    app = create_app({"WTF_CSRF_ENABLED": False})
    anonymous = app.test_client()
    reference = measure(anonymous, "/healthz", rounds)
    print(f"{'page':<40} {'median ms':>10} {'x healthz':>10} {'queries':>8}")
    print(f"{'/healthz (reference)':<40} {reference * 1000:>10.2f} {1:>10.1f} {count_statements(app, anonymous, '/healthz'):>8}")
    for email, urls in PAGES.items():
        client = app.test_client()
        client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        for url in urls:
            median = measure(client, url, rounds)
            label = f"{url} ({email.split('@')[0]})"
            queries = count_statements(app, client, url)
            print(f"{label:<40} {median * 1000:>10.2f} {median / reference:>10.1f} {queries:>8}")


if __name__ == "__main__":
    main()
