"""Time every main page and htmx fragment, in-process, against a Fortunes-like reference page.

    .venv/bin/python bench/pages.py [--database URL] [--rounds 200]
    .venv/bin/python bench/pages.py --scale [--rounds 100]   # 100k and 1M bench databases, growth per page

The database is one filled by `flask --app wsgi bench-data` (default: jobhive_bench_1m on
the local cluster). The script logs in as the bench users (webapp/benchdata), finds the
hot job, another job, the 250-point interview, an in-progress interview and the candidate's
practice and learning paths, then runs, round-robin, each page followed by the reference
page: one query returning 12 rows rendered by a Jinja template into a table (like the
TechEmpower "Fortunes" test), registered on the app by this script. Both see the same
machine noise, so the ratio reference/page compares across machines.

Prints per page: median and p95 (ms), ratio = reference median / page median, SQL
statements per request, and PASS/FAIL against the targets of issue 13 (ratio >= 0.35, or
>= 0.2 for the interview review and the analytics page; p95 <= 2x median for full pages;
with --scale, growth 1M/100k <= 1.5 for paginated pages). A report: it always exits 0.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("JOBHIVE_ENV", "development")

from flask import current_app  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from webapp import create_app, db  # noqa: E402
from webapp.benchdata import LOGINS  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:54329"
DATABASES = {"100k": f"{SERVER}/jobhive_bench_100k", "1m": f"{SERVER}/jobhive_bench_1m"}
PASSWORD = "jobhive-demo-pass"
WARMUP = 10
REFERENCE_URL = "/_bench/fortunes"
FORTUNES = """<!doctype html><html><head><title>Fortunes</title></head><body>
<table><tr><th>id</th><th>message</th></tr>
{% for row in rows %}<tr><td>{{ row.id }}</td><td>{{ row.name }}</td></tr>{% endfor %}
</table></body></html>"""


@dataclass
class Page:
    role: str
    label: str
    url: str
    target: float = 0.35
    fragment: str | None = None  # HX-Target of an htmx request; None: the full page
    paginated: bool = False
    times: list[float] = field(default_factory=list)
    status: int = 0
    statements: int = 0
    error: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"HX-Request": "true", "HX-Target": self.fragment} if self.fragment else {}

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        return _p95(self.times)


def _p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def fortunes():
    """The reference: one query, 12 rows, one template (compiled once, like a template file)."""
    rows = db.session().execute(text("SELECT id, name FROM interview_skill ORDER BY id LIMIT 12")).all()
    return current_app.extensions["bench_fortunes"].render(rows=rows)


def make_app(url: str):
    app = create_app({"WTF_CSRF_ENABLED": False, "DATABASE_URL": url})
    app.add_url_rule(REFERENCE_URL, "bench_fortunes", fortunes)
    # render_template_string would compile the template on every request, slowing the reference
    app.extensions["bench_fortunes"] = app.jinja_env.from_string(FORTUNES)
    return app


def find_ids(app) -> dict[str, object]:
    """The bench database's notable rows (see webapp/benchdata)."""
    queries = {
        "company": "SELECT c.id FROM company_company c JOIN users_user u ON u.id = c.user_id WHERE u.email = :big",
        "hot_job": "SELECT j.id FROM company_job j JOIN company_company c ON c.id = j.company_id "
                   "JOIN users_user u ON u.id = c.user_id WHERE u.email = :big ORDER BY j.id LIMIT 1",
        # Another of the company's jobs, of a typical size (rankings of a few hundred).
        "other_job": "SELECT j.id FROM company_job j JOIN company_company c ON c.id = j.company_id "
                     "JOIN users_user u ON u.id = c.user_id WHERE u.email = :big ORDER BY j.id OFFSET 1 LIMIT 1",
        # bench-data gives the 250-point interview a 45-minute run (others last 30 at most).
        "showcase": "SELECT s.session_id FROM interview_interviewsession s WHERE s.job_id = ("
                    "SELECT j.id FROM company_job j JOIN company_company c ON c.id = j.company_id "
                    "JOIN users_user u ON u.id = c.user_id WHERE u.email = :big ORDER BY j.id LIMIT 1) "
                    "AND s.status = 'completed' ORDER BY s.duration DESC, s.start_time DESC LIMIT 1",
        "live": "SELECT s.session_id FROM interview_interviewsession s JOIN company_job j ON j.id = s.job_id "
                "JOIN company_company c ON c.id = j.company_id JOIN users_user u ON u.id = c.user_id "
                "WHERE u.email = :big AND s.status = 'in_progress' AND s.is_practice IS NOT TRUE LIMIT 1",
        "practice": "SELECT s.session_id FROM interview_interviewsession s JOIN users_user u ON u.id = s.user_id "
                    "WHERE u.email = :candidate AND s.is_practice AND s.status = 'completed' "
                    "ORDER BY s.start_time DESC LIMIT 1",
        "path": "SELECT p.id FROM interview_learningpath p JOIN interview_interviewsession s "
                "ON s.id = p.interview_session_id JOIN users_user u ON u.id = s.user_id "
                "WHERE u.email = :candidate ORDER BY p.created_at DESC LIMIT 1",
    }
    params = {"big": LOGINS["biggest employer"], "candidate": LOGINS["candidate"]}
    engine = app.extensions["db_engine"]
    with engine.connect() as connection:
        return {name: connection.scalar(text(sql), params) for name, sql in queries.items()}


def pages_for(ids: dict[str, object]) -> list[Page]:
    hot, other = ids["hot_job"], ids["other_job"]
    whatif = "w_technical=0.40&w_skills=0.30&w_cultural_fit=0.20&w_sentiment=0.10"
    pages = [
        Page("employer", "/dashboard", "/dashboard"),
        Page("employer", "/jobs", "/jobs", paginated=True),
        Page("employer", "rankings, hot job", f"/jobs/{hot}/rankings", paginated=True),
        Page("employer", "rankings, other job", f"/jobs/{other}/rankings", paginated=True),
        Page("employer", "rankings sort (htmx)", f"/jobs/{hot}/rankings?sort=technical", fragment="ranking-rows",
             paginated=True),
        Page("employer", "rankings page 2 (htmx)", f"/jobs/{hot}/rankings?page=2", fragment="ranking-rows",
             paginated=True),
        Page("employer", "rankings what-if (htmx)", f"/jobs/{hot}/rankings?{whatif}", fragment="ranking-rows",
             paginated=True),
        Page("employer", "/interviews", "/interviews", paginated=True),
        Page("employer", "interviews filter (htmx)", "/interviews?status=completed", fragment="interview-rows",
             paginated=True),
        Page("employer", "interviews page 2 (htmx)", "/interviews?page=2", fragment="interview-rows", paginated=True),
        Page("employer", "interview, 250 points", f"/interviews/{ids['showcase']}", target=0.2),
        Page("employer", "live poll (htmx)", f"/interviews/{ids['live']}", fragment="live-panel"),
        Page("employer", "/analytics?range=90", "/analytics?range=90", target=0.2),
        Page("employer", "analytics range (htmx)", "/analytics?range=30", fragment="analytics-content"),
        Page("employer", "/billing", "/billing"),
        Page("employer", "pipeline board, hot job", f"/jobs/{hot}/pipeline", paginated=True),
        Page("employer", "pipeline table, hot job", f"/jobs/{hot}/pipeline?view=table", paginated=True),
        Page("employer", "pipeline table filter (htmx)", f"/jobs/{hot}/pipeline?view=table&status=rejected",
             fragment="table_rows", paginated=True),
        Page("employer", "pipeline table page 2 (htmx)", f"/jobs/{hot}/pipeline?view=table&page=2",
             fragment="table_rows", paginated=True),
        Page("candidate", "/dashboard", "/dashboard"),
        Page("candidate", "/practice", "/practice", paginated=True),
        Page("candidate", "/practice/<id>", f"/practice/{ids['practice']}"),
        Page("candidate", "/learning", "/learning", paginated=True),
        Page("candidate", "/learning/<path>", f"/learning/{ids['path']}"),
        Page("candidate", "/my/interviews", "/my/interviews", paginated=True),
        Page("candidate", "/billing", "/billing"),
        Page("admin", "/dashboard", "/dashboard"),
        Page("admin", "/admin/users", "/admin/users", paginated=True),
        Page("manager", "/dashboard", "/dashboard"),
        Page("manager", "/jobs", "/jobs", paginated=True),
        Page("manager", "rankings, hot job", f"/jobs/{hot}/rankings", paginated=True),
        Page("manager", "pipeline board, hot job", f"/jobs/{hot}/pipeline", paginated=True),
        Page("manager", "pipeline table, hot job", f"/jobs/{hot}/pipeline?view=table", paginated=True),
        Page("manager", "/interviews", "/interviews", paginated=True),
        Page("interviewer", "/dashboard", "/dashboard"),
        Page("interviewer", "/interviews", "/interviews", paginated=True),
    ]
    return pages


def live_poll_url(client, page: Page) -> str:
    """The live panel's poll URL as the in-progress interview's page renders it (with its cursor)."""
    body = client.get(page.url).get_data(as_text=True)
    found = re.search(r'hx-get="([^"]*/live[^"]*)"', body)
    return html.unescape(found.group(1)) if found else page.url + "/live"


def login(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code not in (200, 302, 303):
        raise SystemExit(f"login as {email} failed: {response.status_code}")
    return client


def count_statements(app, client, page: Page) -> int:
    statements = []
    engine = app.extensions["db_engine"]
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(page.url, headers=page.headers)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def run(url: str, rounds: int) -> tuple[list[Page], list[float]]:
    app = make_app(url)
    ids = find_ids(app)
    pages = pages_for(ids)
    clients = {
        "employer": login(app, LOGINS["biggest employer"]),
        "candidate": login(app, LOGINS["candidate"]),
        "admin": login(app, LOGINS["admin"]),
        "manager": login(app, LOGINS["hiring manager"]),
        "interviewer": login(app, LOGINS["interviewer"]),
    }
    anonymous = app.test_client()
    for page in pages:
        if page.fragment == "live-panel":
            page.url = live_poll_url(clients["employer"], page)
    reference: list[float] = []
    live = [p for p in pages]
    for round_number in range(WARMUP + rounds):
        for page in live:
            if page.error:
                continue
            client = clients[page.role]
            start = time.perf_counter()
            response = client.get(page.url, headers=page.headers)
            elapsed = time.perf_counter() - start
            start = time.perf_counter()
            anonymous.get(REFERENCE_URL)
            reference_elapsed = time.perf_counter() - start
            page.status = response.status_code
            if response.status_code not in (200, 204):
                page.error = f"HTTP {response.status_code}"
                continue
            if round_number >= WARMUP:
                page.times.append(elapsed)
                reference.append(reference_elapsed)
    for page in pages:
        if not page.error:
            page.statements = count_statements(app, clients[page.role], page)
    app.extensions["db_engine"].dispose()
    return pages, reference


def verdict(page: Page, reference: float) -> str:
    if page.error:
        return "FAIL " + page.error
    ratio = reference / page.median
    checks = [ratio >= page.target]
    if page.fragment is None:
        checks.append(page.p95 <= 2 * page.median)
    return "PASS" if all(checks) else "FAIL"


def report(pages: list[Page], reference: list[float], title: str) -> None:
    ref = statistics.median(reference)
    print(f"\n{title}")
    print(f"{'page':<46} {'median ms':>9} {'p95 ms':>8} {'ratio':>6} {'target':>6} {'stmts':>5}  result")
    print(f"{'reference (Fortunes-like, 12 rows)':<46} {ref * 1000:>9.2f} {_p95(reference) * 1000:>8.2f} "
          f"{1:>6.2f} {'':>6} {1:>5}")
    for page in pages:
        label = f"{page.role}: {page.label}"
        ratio = ref / page.median if page.times else float("nan")
        print(f"{label:<46} {page.median * 1000:>9.2f} {page.p95 * 1000:>8.2f} {ratio:>6.2f} "
              f"{page.target:>6.2f} {page.statements:>5}  {verdict(page, ref)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DATABASES["1m"]),
                        help="a bench-data database (default: jobhive_bench_1m on the local cluster)")
    parser.add_argument("--rounds", type=int, default=200, help="timed requests per page (after a warm-up)")
    parser.add_argument("--scale", action="store_true", help="run on the 100k and 1M bench databases; print growth")
    args = parser.parse_args()
    if not args.scale:
        pages, reference = run(args.database, args.rounds)
        report(pages, reference, f"{args.database}, {args.rounds} rounds")
        return
    results = {}
    for name, url in DATABASES.items():
        results[name] = run(url, args.rounds)
        report(*results[name], f"{name}: {url}, {args.rounds} rounds")
    small, large = results["100k"][0], results["1m"][0]
    print("\nGrowth 1M / 100k (target <= 1.5 for paginated pages)")
    for a, b in zip(small, large, strict=True):
        growth = b.median / a.median if a.times and b.times else float("nan")
        result = ("PASS" if growth <= 1.5 else "FAIL") if a.paginated else ""
        print(f"{a.role + ': ' + a.label:<46} {growth:>6.2f}  {result}")


if __name__ == "__main__":
    main()
