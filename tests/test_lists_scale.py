"""Lists at platform size: bounded counts ("10,000+"), index-ordered pages that stay correct with
ties and blanks, a fixed number of statements, and plans that use the indexes of migration 0008.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_sentiment_session, gen_user
from tests.querycount import statements_of

DAY = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
ROW_ID = re.compile(r'<tr id="interview-row-(\d+)">')


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user, company_name="Globex")
    return user


@pytest.fixture
def logged_in(auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return employer


def ids_on(client, query: str) -> tuple[list[int], str]:
    response = client.get(f"/interviews{query}")
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return [int(n) for n in ROW_ID.findall(html)], html


# --- every sort, every page: the same order as a plain sort of all rows --------------------------------


@pytest.fixture
def messy(db_session, employer):
    """45 interviews full of ties and blanks: shared start times, equal and missing scores, namesakes."""
    company = employer.company
    rng = random.Random(13)
    jobs = [gen_job(db_session, company, title=title) for title in ("Beta role", "alpha role", "beta ROLE")]
    people = [gen_user(db_session, first_name=first, last_name="Same") for first in ("Ann", "ann", "Bob")]
    people.append(gen_user(db_session, first_name=None, last_name=None, email="zed@example.test"))
    rows = []
    for n in range(45):
        rows.append(gen_interview(
            db_session, rng.choice(people), rng.choice(jobs),
            status=rng.choice(["scheduled", "cancelled", "no_show", None]),
            start_time=rng.choice([DAY, DAY - timedelta(days=1), None]),
            completion_percentage=rng.choice([0, 50, None]),
            technical_accuracy=rng.choice([Decimal("80.00"), Decimal("55.50"), None]),
            behavioral_score=rng.choice([Decimal("70.00"), None]),
        ))
    rows.append(gen_interview(db_session, people[0], jobs[0], user_id=None, start_time=DAY))  # nobody's
    db_session.flush()
    return {"rows": rows, "jobs": {job.id: job for job in jobs}, "people": {p.id: p for p in people}}


def _expected(messy, sort: str) -> list[int]:
    """The list order, computed in Python from its definition."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    rows, jobs, people = messy["rows"], messy["jobs"], messy["people"]

    def newest_first(row):  # newest first, no start time last, then the highest id
        stamp = row.start_time.timestamp() if row.start_time else float("-inf")
        return (-stamp, -row.id)

    if key in ("job", "candidate"):
        def sort_key(row):
            if key == "job":
                head = (jobs[row.job_id].title.lower(), row.job_id)
            else:
                person = people[row.user_id]
                name = f"{person.first_name or ''} {person.last_name or ''}".strip().lower()
                head = (name or person.email.lower(), person.id)
            return (head, newest_first(row))

        named = [row for row in rows if key == "job" or row.user_id is not None]
        ordered = sorted(named, key=sort_key, reverse=descending)
        nobody = sorted((row for row in rows if row not in named), key=lambda row: row.id, reverse=not descending)
        return [row.id for row in ordered + nobody]
    attribute = {"start_time": "start_time", "completion": "completion_percentage", "technical": "technical_accuracy",
                 "behavioral": "behavioral_score", "status": "status"}[key]
    valued = [row for row in rows if getattr(row, attribute) is not None]
    blank = [row for row in rows if getattr(row, attribute) is None]
    ordered = sorted(valued, key=lambda row: (getattr(row, attribute), row.id), reverse=descending)
    return [row.id for row in ordered] + sorted((row.id for row in blank), reverse=descending)


@pytest.mark.parametrize("sort", ["-start_time", "start_time", "technical", "-technical", "completion",
                                  "-completion", "behavioral", "-behavioral", "status", "-status",
                                  "job", "-job", "candidate", "-candidate"])
@pytest.mark.parametrize("walk", [False, True], ids=["small company", "big company"])
def test_paging_through_every_sort_shows_each_interview_once_in_order(client, messy, logged_in, sort, walk,
                                                                      monkeypatch):
    # A big company's pages walk a platform-wide order index (WALK_FROM): the same rows, in the same order.
    from webapp.interviews import queries

    monkeypatch.setattr(queries, "WALK_FROM", 0 if walk else 10**9)
    seen = []
    for page in (1, 2):
        ids, html = ids_on(client, f"?sort={sort}&page={page}")
        seen += ids
    assert "Page 2 of 2" in html and "Showing 26–46 of 46 interviews" in html
    assert seen == _expected(messy, sort)


# --- bounded counts ---------------------------------------------------------------------------------------


@pytest.fixture
def sixty(db_session, employer):
    job = gen_job(db_session, employer.company, title="Counted role")
    person = gen_user(db_session, first_name="Count", last_name="Me")
    return [gen_interview(db_session, person, job, start_time=DAY - timedelta(hours=n)) for n in range(60)]


@pytest.fixture
def limit_of_30(app, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_COUNT_LIMIT", 30)


def test_a_count_above_the_limit_reads_as_n_plus_and_paging_still_works(client, sixty, logged_in, limit_of_30):
    # A date range is not counted by the counters: it is counted up to the limit.
    dates = "from=2026-03-01&to=2026-03-31"
    first, html = ids_on(client, f"?{dates}")
    assert "Showing 1–25 of 30+ interviews" in html
    assert "Page 1 of" not in html and "Page 1<" in html
    assert f'href="/interviews?{dates.replace("&", "&amp;")}&amp;page=2" rel="next"' in html
    second, html = ids_on(client, f"?{dates}&page=2")
    assert 'rel="prev"' in html and "page=3\" rel=\"next\"" in html
    third, html = ids_on(client, f"?{dates}&page=3")
    assert "Showing 51–60 of 30+ interviews" in html and 'rel="next"' not in html
    assert first + second + third == [row.id for row in sixty]


@pytest.mark.parametrize("page", ["4", "999999999"])
def test_a_page_past_the_end_of_an_open_ended_list_says_so(client, sixty, logged_in, limit_of_30, page):
    ids, html = ids_on(client, f"?from=2026-03-01&page={page}")
    assert ids == [] and f"Page {page} is past the end of the list" in html
    assert 'href="/interviews?from=2026-03-01">First page</a>' in html


def test_counts_by_job_and_status_are_exact_from_the_counters(client, db_session, sixty, logged_in, limit_of_30):
    ids, html = ids_on(client, "")
    assert "Showing 1–25 of 60 interviews" in html and "Page 1 of 3" in html
    ids, html = ids_on(client, f"?status=scheduled&job={sixty[0].job_id}")
    assert "Showing 1–25 of 60 interviews" in html
    # The engine writes straight into the table; the counters follow.
    db_session.execute(text("UPDATE interview_interviewsession SET status = 'completed' WHERE id = :id"),
                       {"id": sixty[0].id})
    ids, html = ids_on(client, "?status=scheduled")
    assert "Showing 1–25 of 59 interviews" in html and sixty[0].id not in ids


def test_no_match_offers_all_of_the_companys_interviews(client, sixty, logged_in, limit_of_30):
    ids, html = ids_on(client, "?q=nobody-by-that-name")
    assert ids == [] and "clear the filters to see all 60 interviews" in html


# --- a fixed number of statements for every sort --------------------------------------------------------


@pytest.mark.parametrize("sort", ["-start_time", "technical", "job", "-candidate", "status"])
def test_every_sort_takes_the_same_statements_for_1_or_40_rows(app, client, db_session, employer, logged_in, sort):
    job = gen_job(db_session, employer.company)
    first = gen_interview(db_session, gen_user(db_session), job, status="completed", start_time=DAY)
    gen_sentiment_session(db_session, first)
    one, _ = statements_of(app, client, f"/interviews?sort={sort}")
    for n in range(40):
        interview = gen_interview(db_session, gen_user(db_session), gen_job(db_session, employer.company),
                                  status="completed", start_time=DAY - timedelta(hours=n))
        gen_sentiment_session(db_session, interview)
    many, html = statements_of(app, client, f"/interviews?sort={sort}")
    assert len(ROW_ID.findall(html)) == 25
    assert len(one) == len(many)


# --- plans --------------------------------------------------------------------------------------------------


def _plan(db_session, statement, *, sorts: bool = True) -> str:
    """EXPLAIN of a SQLAlchemy statement with sequential scans (and, with sorts False, sorts) made
    unattractive: on a tiny test database that shows which index can serve it, as at platform size.
    """
    db_session.execute(text("SET LOCAL enable_seqscan = off"))
    if not sorts:
        db_session.execute(text("SET LOCAL enable_sort = off"))
    compiled = statement.compile(db_session.get_bind(), compile_kwargs={"render_postcompile": True})
    rows = db_session.connection().exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars()
    return "\n".join(rows)


# The interviews list's plans are checked at bench shape: tests/test_lists_plans.py.


def test_the_jobs_list_reads_counters_not_interviews(db_session, employer):
    from webapp.jobs.forms import JobListParams
    from webapp.jobs.queries import select_job_rows

    plan = _plan(db_session, select_job_rows(employer.company.id, JobListParams(), 1))
    assert "dashboard_jobinterviewcount" in plan and "interview_interviewsession" not in plan, plan
