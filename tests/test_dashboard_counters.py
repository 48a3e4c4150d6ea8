"""The dashboards read counters kept by triggers: they stay right whatever the interview engine
writes with raw SQL, the pages send a constant number of statements, and the statements use
their indexes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_plan, gen_subscription, gen_user
from tests.querycount import recorded_statements, statements_of
from webapp.dashboard import queries
from webapp.dashboard.queries import week_bounds
from webapp.models import User
from webapp.models.counters import CompanyDayCount, JobInterviewCount, PlatformCount

WEEK_START, _ = week_bounds(datetime.now(UTC))
MONDAY = WEEK_START + timedelta(hours=9)


def _login(auth, user):
    assert auth.login(user.email, PASSWORD).status_code == 302


def _job_counts(session, job) -> dict[str, int]:
    rows = session.execute(select(JobInterviewCount.status, JobInterviewCount.interviews)
                           .where(JobInterviewCount.job_id == job.id)).all()
    return {status: n for status, n in rows if n}


def _day_counts(session, company) -> dict[tuple, int]:
    rows = session.execute(select(CompanyDayCount.day, CompanyDayCount.status, CompanyDayCount.interviews)
                           .where(CompanyDayCount.company_id == company.id)).all()
    return {(day, status): n for day, status, n in rows if n}


def _recounted(session, company, job) -> tuple[dict, dict]:
    """What the counters would hold if rebuilt from scratch (the migration's recount)."""
    session.execute(text("SELECT dashboard_recount_counters()"))
    return _job_counts(session, job), _day_counts(session, company)


def _insert(session, user, job, status: str, start: datetime, is_practice: bool | None = False) -> int:
    """One session as the interview engine writes it: raw SQL."""
    return session.execute(text(
        "INSERT INTO interview_interviewsession (session_id, user_id, job_id, start_time, status, is_practice) "
        "VALUES (:sid, :user, :job, :start, :status, :practice) RETURNING id"
    ), {"sid": f"raw-{status}-{start.timestamp()}-{is_practice}-{job.id if job else 0}", "user": user.id,
        "job": job.id if job else None, "start": start, "status": status, "practice": is_practice}).scalar_one()


@pytest.fixture
def company(db_session):
    employer = gen_user(db_session, role="employer")
    return gen_company(db_session, employer, company_name="Counters Ltd")


def test_counters_follow_raw_inserts_updates_and_deletes(db_session, company):
    job, other_job = gen_job(db_session, company), gen_job(db_session, company)
    candidate = gen_user(db_session)
    day = MONDAY.date()
    first = _insert(db_session, candidate, job, "scheduled", MONDAY)
    _insert(db_session, candidate, job, "completed", MONDAY + timedelta(hours=1))
    _insert(db_session, candidate, job, "completed", MONDAY, is_practice=True)  # practice: not counted
    _insert(db_session, candidate, job, "completed", MONDAY + timedelta(hours=2), is_practice=None)  # NULL: counted
    _insert(db_session, candidate, None, "completed", MONDAY)  # no job: no company
    assert _job_counts(db_session, job) == {"scheduled": 1, "completed": 2}
    assert _day_counts(db_session, company) == {(day, "scheduled"): 1, (day, "completed"): 2}

    # Status change, then a move to the next day and another job, then a score-only update.
    db_session.execute(text("UPDATE interview_interviewsession SET status = 'no_show' WHERE id = :id"), {"id": first})
    assert _job_counts(db_session, job) == {"no_show": 1, "completed": 2}
    db_session.execute(text(
        "UPDATE interview_interviewsession SET job_id = :job, start_time = start_time + interval '1 day' WHERE id = :id"
    ), {"job": other_job.id, "id": first})
    db_session.execute(text("UPDATE interview_interviewsession SET technical_accuracy = 50 WHERE job_id = :job"),
                       {"job": job.id})
    assert _job_counts(db_session, job) == {"completed": 2}
    assert _job_counts(db_session, other_job) == {"no_show": 1}
    assert _day_counts(db_session, company) == {(day, "completed"): 2, (day + timedelta(days=1), "no_show"): 1}

    # Becoming practice leaves the counts; a bulk delete takes the rest.
    db_session.execute(text("UPDATE interview_interviewsession SET is_practice = true WHERE id = :id"), {"id": first})
    assert _job_counts(db_session, other_job) == {}
    db_session.execute(text("DELETE FROM interview_interviewsession WHERE job_id = :job"), {"job": job.id})
    assert _job_counts(db_session, job) == {} and _day_counts(db_session, company) == {}
    assert _recounted(db_session, company, job) == ({}, {})


def test_deleting_or_moving_a_job_takes_its_interviews_off_the_company(db_session, company):
    job, kept = gen_job(db_session, company), gen_job(db_session, company)
    elsewhere = gen_company(db_session, company_name="Elsewhere")
    for hours in range(3):
        _insert(db_session, gen_user(db_session), job, "completed", MONDAY + timedelta(hours=hours))
    _insert(db_session, gen_user(db_session), kept, "completed", MONDAY)
    day = MONDAY.date()

    db_session.execute(text("UPDATE company_job SET company_id = :c WHERE id = :id"), {"c": elsewhere.id, "id": job.id})
    assert _day_counts(db_session, company) == {(day, "completed"): 1}
    assert _day_counts(db_session, elsewhere) == {(day, "completed"): 3}

    db_session.execute(text("DELETE FROM company_job WHERE id = :id"), {"id": job.id})  # cascades to its interviews
    assert _day_counts(db_session, elsewhere) == {}
    assert _day_counts(db_session, company) == {(day, "completed"): 1}
    assert _recounted(db_session, company, kept) == ({"completed": 1}, {(day, "completed"): 1})


def test_platform_counts_follow_users_and_subscriptions(db_session):
    def counts(kind):
        return dict(db_session.execute(select(PlatformCount.key, PlatformCount.count)
                                       .where(PlatformCount.kind == kind)).all())

    users, subscriptions = counts("user_role"), counts("subscription_status")
    candidate = gen_user(db_session)
    gen_subscription(db_session, candidate, gen_plan(db_session, "candidate"), status="trialing")
    db_session.execute(text("UPDATE users_user SET role = 'employer' WHERE id = :id"), {"id": candidate.id})
    after = counts("user_role")
    assert after.get("employer", 0) == users.get("employer", 0) + 1
    assert after.get("user", 0) == users.get("user", 0)
    assert counts("subscription_status").get("trialing", 0) == subscriptions.get("trialing", 0) + 1
    db_session.execute(text("DELETE FROM users_user WHERE id = :id"), {"id": candidate.id})  # cascades
    assert counts("user_role").get("employer", 0) == users.get("employer", 0)
    assert counts("subscription_status").get("trialing", 0) == subscriptions.get("trialing", 0)


def test_dashboard_shows_counter_backed_counts_after_raw_sql_writes(client, auth, db_session, company):
    job = gen_job(db_session, company, title="Raw Writes Engineer")
    for hours, status in enumerate(["completed", "completed", "no_show", "scheduled"]):
        _insert(db_session, gen_user(db_session), job, status, MONDAY + timedelta(hours=hours))
    _insert(db_session, gen_user(db_session), job, "completed", MONDAY - timedelta(days=3))  # last week
    _insert(db_session, gen_user(db_session), job, "completed", MONDAY, is_practice=True)
    db_session.execute(text("UPDATE interview_interviewsession SET status = 'cancelled' WHERE status = 'scheduled' "
                            "AND job_id = :job"), {"job": job.id})
    user = db_session.get(User, company.user_id)
    _login(auth, user)

    page = client.get("/dashboard").get_data(as_text=True)

    row = re.search(r"Raw Writes Engineer.*?<td class=\"num\">(\d+)</td>", page, re.S)
    assert row and row.group(1) == "5"  # every employer interview of the job, practice left out
    assert "4 interviews in total." in page  # this week: 2 completed, 1 no-show, 1 cancelled
    week = client.get(f"/dashboard?week={(WEEK_START - timedelta(days=7)).date()}",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1 interview in total." in week


def test_latest_completed_leaves_out_practice_and_counts_null_as_employer(client, auth, db_session, company):
    job = gen_job(db_session, company)
    base = datetime.now(UTC) - timedelta(days=1)
    gen_interview(db_session, gen_user(db_session, first_name="Ada", last_name="Employer"), job,
                  status="completed", start_time=base)
    gen_interview(db_session, gen_user(db_session, first_name="Nula", last_name="Unset"), job,
                  status="completed", start_time=base + timedelta(hours=1), is_practice=None)
    gen_interview(db_session, gen_user(db_session, first_name="Pat", last_name="Practice"), job,
                  status="completed", start_time=base + timedelta(hours=2), is_practice=True)
    gen_interview(db_session, gen_user(db_session, first_name="Sam", last_name="Scheduled"), job,
                  status="scheduled", start_time=base + timedelta(hours=3))
    user = db_session.get(User, company.user_id)
    _login(auth, user)

    page = client.get("/dashboard").get_data(as_text=True)
    recent = page.split("Latest completed interviews", 1)[1]

    assert "Ada Employer" in recent and "Nula Unset" in recent
    assert "Pat Practice" not in recent and "Sam Scheduled" not in recent
    assert recent.index("Nula Unset") < recent.index("Ada Employer")  # newest first


def test_latest_completed_is_the_newest_ten_across_jobs(db_session, company):
    jobs = [gen_job(db_session, company) for _ in range(3)]
    base = datetime.now(UTC) - timedelta(days=5)
    made = [
        gen_interview(db_session, gen_user(db_session), jobs[n % 3], status="completed",
                      start_time=base + timedelta(hours=n))
        for n in range(14)
    ]
    rows = db_session.execute(queries.select_recent_completed_interviews(company.id)).all()
    assert [r.id for r in rows] == [i.id for i in reversed(made)][:10]


def test_latest_completed_reaches_back_over_quiet_days_and_ignores_cancelled_days(db_session, company):
    jobs = [gen_job(db_session, company) for _ in range(2)]
    now = datetime.now(UTC)
    # One completed interview every few days, with busy days of cancellations in between:
    # the ten newest completed span a month, and days without a completed one do not bound it.
    made = [
        gen_interview(db_session, gen_user(db_session), jobs[n % 2], status="completed",
                      start_time=now - timedelta(days=3 * n + 1))
        for n in range(12)
    ]
    for n in range(15):
        gen_interview(db_session, gen_user(db_session), jobs[0], status="cancelled",
                      start_time=now - timedelta(days=n, hours=2))
    rows = db_session.execute(queries.select_recent_completed_interviews(company.id)).all()
    assert [r.id for r in rows] == [i.id for i in made][:10]


def test_the_week_pager_reads_only_the_week(app, client, auth, db_session, company):
    _employer_with_jobs(db_session, company, 2, 2)
    _login(auth, db_session.get(User, company.user_id))
    week = (WEEK_START - timedelta(days=7)).date().isoformat()
    with recorded_statements(app) as statements:
        body = client.get(f"/dashboard?week={week}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="week-summary"' in body and "Latest completed interviews" not in body
    assert not any("company_job" in s or "interview_interviewsession" in s for s in statements)


def _employer_with_jobs(db_session, company, jobs: int, interviews_per_job: int):
    for n in range(jobs):
        job = gen_job(db_session, company, title=f"Job {n}")
        for k in range(interviews_per_job):
            gen_interview(db_session, gen_user(db_session), job, status=("completed", "no_show")[k % 2],
                          start_time=MONDAY + timedelta(minutes=k))


@pytest.mark.parametrize("role", ["employer", "admin", "user"])
def test_dashboards_send_a_constant_number_of_statements(app, client, auth, db_session, company, role):
    user = gen_user(db_session, role=role) if role != "employer" else db_session.get(
        type(company).user.property.mapper.class_, company.user_id)
    _login(auth, user)
    _employer_with_jobs(db_session, company, 1, 1)
    few, _ = statements_of(app, client, "/dashboard")
    _employer_with_jobs(db_session, company, 9, 4)
    many, _ = statements_of(app, client, "/dashboard")
    assert len(few) == len(many)
    # No statement reads the whole history: the sessions table is only read through the latest-completed query
    # and the needs-attention lists (both bounded: see test_dashboard_statements_use_their_indexes).
    assert sum("interview_interviewsession" in s for s in many) <= 2


def _plan(db_session, statement) -> str:
    """EXPLAIN of a statement as the page sends it, with sequential scans discouraged (tiny test tables)."""
    sql = str(statement.compile(dialect=db_session.get_bind().dialect, compile_kwargs={"literal_binds": True}))
    # Bitmap scans too: which one the planner picks on a few rows depends on what earlier tests left in
    # the statistics (it differed between pytest-xdist workers).
    db_session.execute(text("SET LOCAL enable_seqscan = off"))
    db_session.execute(text("SET LOCAL enable_bitmapscan = off"))
    try:
        return "\n".join(db_session.execute(text("EXPLAIN " + sql)).scalars())
    finally:
        db_session.execute(text("SET LOCAL enable_seqscan = on"))
        db_session.execute(text("SET LOCAL enable_bitmapscan = on"))


def test_dashboard_statements_use_their_indexes(db_session, company):
    job = gen_job(db_session, company)
    candidate = gen_user(db_session)
    gen_interview(db_session, candidate, job, status="completed")
    # Two years of the job's history, analyzed inside this transaction (rolled back after): on a few rows the
    # planner's choice depends on whatever statistics earlier tests left, and reading the job's whole history
    # costs it nothing; with a history it must take the date windows, as at scale.
    db_session.execute(text(
        "INSERT INTO interview_interviewsession (session_id, user_id, job_id, start_time, status, is_practice)"
        " SELECT 'history-' || n, :user, :job, now() - make_interval(hours => n * 3), 'completed', false"
        " FROM generate_series(1, 6000) AS n"
    ), {"user": candidate.id, "job": job.id})
    db_session.execute(text("ANALYZE interview_interviewsession"))
    statements = {
        "latest": queries.select_recent_completed_interviews(company.id),
        "week": queries.select_interviews_by_status(company.id, WEEK_START, WEEK_START + timedelta(days=7)),
        "jobs": queries.select_active_jobs(company.id),
        "attention": queries.select_needs_attention(company.id, datetime.now(UTC)),
    }
    plans = {name: _plan(db_session, statement) for name, statement in statements.items()}
    # The counters bound the read: sessions from the newest days with a completed interview on, through
    # a session index with that start_time bound (the walk of the newest, or each job's newest).
    assert "dashboard_companydaycount_pkey" in plans["latest"], plans["latest"]
    assert re.search(r"(ix_interview_session_completed_job_start|idx_interview_session_status_\w+)[^\n]*\n"
                     r"\s+Index Cond: .*start_time >= \$0", plans["latest"]), plans["latest"]
    assert "dashboard_companydaycount_pkey" in plans["week"], plans["week"]
    # Each job's counters through their key or the covering index the jobs list reads (migration 0010).
    assert re.search(r"dashboard_jobinterviewcount_pkey|ix_dashboard_jobinterviewcount_job_covering", plans["jobs"]), (
        plans["jobs"]
    )
    # Needs attention: each list is one index range per job of the company, bounded by its window of days
    # (completed since, dated today, dated since), never a scan of the company's history.
    attention = plans["attention"]
    # (On 100k sessions, the biggest company: 3.5 ms, each job's range of ix_interview_session_completed_job_start
    # and idx_interview_session_job_when; on these tiny tables the planner may walk the platform-wide ones.)
    assert re.search(r"(ix_interview_session_completed_job_start|idx_interview_session_status_\w+)[^\n]*\n"
                     r"\s+Index Cond: .*start_time >= '", attention), attention
    assert len(re.findall(r"idx_interview_session_(?:job_)?when[^\n]*\n\s+Index Cond: .*COALESCE\(start_time, "
                          r"scheduled_time\)\)? >= '", attention)) == 2, attention
    assert attention.count("Limit") >= 3, attention
    assert "Seq Scan on interview_interviewsession" not in "".join(plans.values())


def test_recount_rebuilds_counters_a_bulk_load_left_behind(app, db_session, company):
    job = gen_job(db_session, company)
    _insert(db_session, gen_user(db_session), job, "completed", MONDAY)
    db_session.execute(text("DELETE FROM dashboard_jobinterviewcount"))  # as after a load without triggers
    result = app.test_cli_runner().invoke(args=["stats", "recount"])
    assert result.exit_code == 0 and "Dashboard counters rebuilt." in result.output
    assert _job_counts(db_session, job) == {"completed": 1}


def test_needs_attention_spells_its_statuses_in_the_sql_so_generic_plans_match_the_partial_index(db_session):
    # psycopg prepares a statement the dashboard runs often; its generic plan sees parameters, and
    # `status = $1` never matches ix_interview_session_completed_job_start (WHERE status = 'completed'):
    # on 100k sessions that plan read every session of each job (39 ms instead of under 2).
    sql = str(queries.needs_attention(5).compile(dialect=db_session.get_bind().dialect))
    assert "interview_interviewsession.status = 'completed'" in sql
    assert "interview_interviewsession.status != 'cancelled'" in sql
