"""The daily rollup (`flask stats rollup`): equal to the documented live query on the demo data,
idempotent, one statement, per company, and read by the analytics page for past days only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from tests.factories import (
    gen_company,
    gen_interview,
    gen_interview_assessment,
    gen_job,
    gen_user,
)
from webapp.analytics import queries
from webapp.analytics.services import rollup
from webapp.db import make_engine
from webapp.models import Company, InterviewStatistics, User
from webapp.models.rollups import FUNNEL_COLUMNS, DailyMetrics

TODAY = datetime.now(UTC).date()

# docs/database-schema.md, Common Query Patterns, "Get interview analytics for company", verbatim
# but for one line: practice sessions (`is_practice`) are the candidates' own and never counted
# (as in the seed's statistics and the interviews list); and for the date: a planned interview has
# no start_time yet and is dated by its scheduled_time (migration 0016), so `i.start_time` reads
# `coalesce(i.start_time, i.scheduled_time)` except in the duration. Run with the session in UTC,
# since DATE() takes the session's time zone and the dashboard's days are UTC days.
DOCUMENTED_ANALYTICS = """
SELECT
    DATE(i.start_time) as interview_date,
    COUNT(*) as total_interviews,
    COUNT(CASE WHEN i.status = 'completed' THEN 1 END) as completed,
    AVG(i.completion_percentage) as avg_score,
    AVG(EXTRACT(EPOCH FROM (i.end_time - i.start_time))/60) as avg_duration_minutes
FROM interview_interviewsession i
JOIN company_job j ON i.job_id = j.id
WHERE j.company_id = :company_id
  AND i.is_practice IS NOT TRUE
  AND i.start_time >= :start
  AND i.start_time < :stop
GROUP BY DATE(i.start_time)
ORDER BY interview_date DESC
"""
_WHEN = "coalesce(i.start_time, i.scheduled_time)"
DOCUMENTED_ANALYTICS = (DOCUMENTED_ANALYTICS.replace("i.start_time", _WHEN)
                        .replace(f"i.end_time - {_WHEN}", "i.end_time - i.start_time"))


@pytest.fixture
def demo(demo_database_url) -> Iterator[Session]:
    """The seeded demo database (its statistics written by the rollup), every change rolled back."""
    engine = make_engine(demo_database_url)
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection)
    session.execute(text("SET LOCAL TIME ZONE 'UTC'"))
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()
        engine.dispose()


def _company_id(session: Session, email: str) -> int:
    return session.scalar(select(Company.id).join(User, User.id == Company.user_id).where(User.email == email))


def _documented(session: Session, company_id: int, first: date, last: date) -> dict:
    rows = session.execute(text(DOCUMENTED_ANALYTICS), {
        "company_id": company_id,
        "start": datetime.combine(first, time.min, tzinfo=UTC),
        "stop": datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC),
    })
    return {
        row.interview_date: (
            row.total_interviews, row.completed, round(float(row.avg_score), 6),
            None if row.avg_duration_minutes is None else round(float(row.avg_duration_minutes), 6),
        )
        for row in rows
    }


def _ours(session: Session, company_id: int, first: date, last: date) -> dict:
    """The page's daily figures (rollups for past days, live for today), in the documented query's terms."""
    per_day = defaultdict(lambda: defaultdict(float))
    for row in queries.daily_figures_by_job(session, company_id, first, last, today=TODAY):
        for column in queries.METRIC_COLUMNS:
            per_day[row.day][column] += getattr(row, column)
    return {
        day: (
            int(f["total"]), int(f["completed"]), round(f["completion_sum"] / f["completion_count"], 6),
            round(f["duration_sum"] / f["duration_count"] / 60, 6) if f["duration_count"] else None,
        )
        for day, f in per_day.items()
    }


RANGES = [(6, 0), (29, 0), (89, 0), (60, 40), (89, 75)]  # (first, last) in days before today


@pytest.mark.parametrize("email", ["employer@jobhive.test", "other@jobhive.test"])
def test_rollup_backed_figures_equal_the_documented_live_query(demo, email):
    company_id = _company_id(demo, email)
    checked_days = 0
    for first_ago, last_ago in RANGES:
        first, last = TODAY - timedelta(days=first_ago), TODAY - timedelta(days=last_ago)
        documented = _documented(demo, company_id, first, last)
        assert _ours(demo, company_id, first, last) == documented, (first, last)
        checked_days += len(documented)
    assert checked_days > 20  # the demo data has interviews on many of these days


def test_past_days_are_read_from_the_rollups_and_today_live(demo):
    company_id = _company_id(demo, "employer@jobhive.test")
    first = TODAY - timedelta(days=89)
    before = _ours(demo, company_id, first, TODAY)
    rolled = demo.scalars(
        select(DailyMetrics).where(DailyMetrics.company_id == company_id).order_by(DailyMetrics.date)
    ).first()
    rolled.total += 100  # a rollup changed behind the page's back...
    today_row = demo.scalars(
        select(DailyMetrics).where(DailyMetrics.company_id == company_id, DailyMetrics.date == TODAY)
    ).first()
    if today_row:
        today_row.total += 100  # ...and today's rollup, which the page must ignore
    demo.flush()
    after = _ours(demo, company_id, first, TODAY)
    assert after[rolled.date][0] == before[rolled.date][0] + 100
    assert after.get(TODAY) == before.get(TODAY)


def _snapshot(session: Session) -> tuple[list, list]:
    statistics = session.execute(text(
        "SELECT company_id, date, period, total_interviews, completed_interviews, cancelled_interviews,"
        " rescheduled_interviews, average_duration, average_score, technical_score_avg, communication_score_avg,"
        " no_show_rate, skill_match_rate, conversion_rate, time_to_hire, offer_acceptance_rate"
        " FROM interview_interviewstatistics ORDER BY company_id, date"
    )).all()
    columns = ", ".join(queries.METRIC_COLUMNS)
    metrics = session.execute(text(
        f"SELECT company_id, job_id, date, {columns} FROM analytics_dailymetrics ORDER BY company_id, date, job_id"
    )).all()
    funnel = session.execute(text(
        f"SELECT company_id, job_id, date, {', '.join(FUNNEL_COLUMNS)} FROM analytics_funnelday"
        " ORDER BY company_id, date, job_id"
    )).all()
    return statistics, metrics, funnel


def test_rollup_is_idempotent_and_one_statement(demo):
    first, last = TODAY - timedelta(days=89), TODAY
    before = _snapshot(demo)
    statements = []
    connection = demo.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731  (statement text)
    event.listen(connection, "before_cursor_execute", listener)
    try:
        report = rollup(demo, first, last)
    finally:
        event.remove(connection, "before_cursor_execute", listener)
    assert _snapshot(demo) == before
    active_company_days = {(row.company_id, row.date) for row in before[0] if first <= row.date <= last}
    assert report.company_days == len(active_company_days) > 0
    assert (report.new_company_days, report.stale_company_days, report.stale_job_days, report.days) == (0, 0, 0, 90)
    assert report.job_days == len([m for m in before[1] if first <= m.date <= last]) > 0
    # Only company-days with interviews or with candidates leaving the running (who then have a conversion
    # rate) have a row; the analytics read a missing rolled-up day as zero.
    assert all(row.total_interviews > 0 or row.conversion_rate is not None for row in before[0])
    assert before[2], "the demo's decisions have funnel rows"
    # The advisory lock, then the whole funnel and the whole rollup: no loop per company or day.
    # Then the per-job running totals from the first day on (delete, insert): five statements in all.
    assert len(statements) == 5 and "pg_advisory_xact_lock" in statements[0]
    assert "analytics_funnelday" in statements[1] and "interview_interviewstatistics" in statements[2]
    assert "analytics_jobrunningtotal" in statements[3] and "analytics_jobrunningtotal" in statements[4]


# --- on the test database: two companies, stale rows, exact averages ----------------------------

DAY = TODAY - timedelta(days=3)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def test_each_company_gets_its_own_totals(db_session):
    ours, theirs = gen_company(db_session), gen_company(db_session)
    ours_job, theirs_job = gen_job(db_session, ours), gen_job(db_session, theirs)
    candidate = gen_user(db_session)
    done = gen_interview(db_session, candidate, ours_job, status="completed", start_time=_at(DAY, 9))
    gen_interview_assessment(db_session, done, "Communication", score=90)
    gen_interview_assessment(db_session, done, "Communication", score=70)
    gen_interview(db_session, candidate, ours_job, status="no_show", start_time=_at(DAY, 11))
    gen_interview(db_session, candidate, ours_job, status="completed", start_time=_at(DAY, 13), is_practice=True)
    gen_interview(db_session, candidate, theirs_job, status="cancelled", start_time=_at(DAY, 10))

    rollup(db_session, DAY, DAY)

    rows = {
        s.company_id: s for s in db_session.scalars(select(InterviewStatistics).where(InterviewStatistics.date == DAY))
    }
    assert (rows[ours.id].total_interviews, rows[ours.id].completed_interviews) == (2, 1)
    assert float(rows[ours.id].no_show_rate) == 50.0
    assert float(rows[ours.id].communication_score_avg) == 80.0
    assert rows[ours.id].average_duration == timedelta(minutes=30)
    assert rows[ours.id].conversion_rate is None  # no hiring data: NULL, not a made-up 0
    assert (rows[theirs.id].total_interviews, rows[theirs.id].cancelled_interviews) == (1, 1)
    assert rows[theirs.id].average_score is None  # nothing scored that day
    metrics = db_session.scalars(select(DailyMetrics).where(DailyMetrics.date == DAY)).all()
    assert {(m.company_id, m.job_id, m.total) for m in metrics} == {(ours.id, ours_job.id, 2), (theirs.id, theirs_job.id, 1)}


def test_a_second_run_follows_moved_interviews(db_session):
    company = gen_company(db_session)
    job = gen_job(db_session, company)
    interview = gen_interview(db_session, gen_user(db_session), job, status="cancelled", start_time=_at(DAY, 9))
    rollup(db_session, DAY - timedelta(days=1), DAY)
    interview.start_time = _at(DAY - timedelta(days=1), 9)  # rescheduled to the day before
    db_session.flush()

    report = rollup(db_session, DAY - timedelta(days=1), DAY)

    totals = dict(db_session.execute(
        select(InterviewStatistics.date, InterviewStatistics.total_interviews)
        .where(InterviewStatistics.company_id == company.id)
    ).all())
    assert totals == {DAY - timedelta(days=1): 1}  # the day left without interviews has no row
    assert (report.stale_job_days, report.stale_company_days, report.new_company_days) == (1, 1, 1)
    assert [m.date for m in db_session.scalars(select(DailyMetrics).where(DailyMetrics.job_id == job.id))] == [
        DAY - timedelta(days=1)
    ]


# --- the command ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", str(TODAY), "--since", str(DAY)], "Give either --date or --since, not both."),
        (["--date", str(TODAY + timedelta(days=1))], "Choose today or an earlier day."),
        (["--since", str(TODAY)], "Choose a day before today."),
        (["--date", "2026-13-01"], "The --date date must be a date like 2026-03-14"),
        (["--since", "yesterday"], "The --since date must be a date like 2026-03-14"),
    ],
)
def test_the_command_refuses_bad_dates_and_writes_nothing(app, db_session, args, message):
    gen_job(db_session, gen_company(db_session))
    result = app.test_cli_runner().invoke(args=["stats", "rollup", *args])
    assert result.exit_code == 2 and message in result.output
    assert db_session.scalar(select(InterviewStatistics.id).limit(1)) is None


def test_the_command_rolls_up_yesterday_by_default_and_says_what_it_did(app, db_session):
    company = gen_company(db_session)
    job = gen_job(db_session, company)
    gen_interview(db_session, gen_user(db_session), job, status="completed", start_time=_at(TODAY - timedelta(days=1), 9))
    result = app.test_cli_runner().invoke(args=["stats", "rollup"])
    assert result.exit_code == 0, result.output
    assert f"Rolled up {TODAY - timedelta(days=1)}: " in result.output and "1 job-day rows written" in result.output
    row = db_session.scalars(select(InterviewStatistics).where(InterviewStatistics.company_id == company.id)).one()
    assert (row.date, row.period, row.total_interviews, row.completed_interviews) == (
        TODAY - timedelta(days=1), "daily", 1, 1
    )
    since = app.test_cli_runner().invoke(args=["stats", "rollup", "--since", str(TODAY - timedelta(days=3))])
    assert since.exit_code == 0 and "1 company-day rows with interviews or hiring outcomes (0 new, 1 updated" in since.output


LIVE_PER_JOB = f"""
    SELECT job_id, {queries.AGGREGATES}
    FROM ({queries.INTERVIEW_FIGURES.format(where="AND j.company_id = :company_id")}) figures
    GROUP BY job_id
"""


@pytest.mark.parametrize("days", [7, 30, 90, 365])
def test_per_job_figures_from_running_totals_equal_the_live_sums(demo, days):
    company_id = _company_id(demo, "employer@jobhive.test")
    first = TODAY - timedelta(days=days - 1)
    live = {
        row.job_id: row for row in demo.execute(text(LIVE_PER_JOB), {
            "company_id": company_id, "start": datetime.combine(first, time(), UTC),
            "stop": datetime.combine(TODAY + timedelta(days=1), time(), UTC)})
    }
    rows = queries.figures(demo, company_id, first - timedelta(days=days), first, TODAY, today=TODAY)
    ours = {row.job_id: row for row in rows if row.kind == "job"}
    assert ours.keys() == {job for job, row in live.items() if row.total} and ours
    for job_id, row in ours.items():
        assert row.job_count == len(ours)
        for column in queries.ROLLED_COLUMNS:
            # Sums are stored to the cent per day (Numeric(14, 2)), as in the daily rollups.
            expected = float(getattr(live[job_id], column))
            assert float(getattr(row, column)) == pytest.approx(expected, abs=0.005 * days), (job_id, column)


def test_the_table_reads_the_top_jobs_in_its_order_and_the_histograms_cover_every_job(demo):
    company_id = _company_id(demo, "employer@jobhive.test")
    first = TODAY - timedelta(days=364)
    every = queries.figures(demo, company_id, first, first, TODAY, today=TODAY, sort="title")
    every_jobs = sorted((r for r in every if r.kind == "job"), key=lambda r: r.rank)
    top = queries.figures(demo, company_id, first, first, TODAY, today=TODAY, sort="-total", top=2)
    top_jobs = sorted((r for r in top if r.kind == "job"), key=lambda r: r.rank)
    assert len(every_jobs) > 2 and len(top_jobs) == 2 and top_jobs[0].job_count == len(every_jobs)
    totals = sorted((r.total for r in every_jobs), reverse=True)
    assert [r.total for r in top_jobs] == totals[:2]
    focus_rows = [r for r in top if r.kind == "focus"]
    assert sum(r.total for r in focus_rows) == sum(r.total for r in every_jobs)


def test_days_not_rolled_up_are_read_live_on_both_sides_of_the_rolled_ones(db_session):
    """A range reaching back before the first rollup, with a gap after it and today, reads each
    run of days not rolled up live (and only those), and the rolled-up days from the rollups."""
    db_session.execute(text("DELETE FROM analytics_rollupday"))  # rolled back with the test
    company = gen_company(db_session)
    job = gen_job(db_session, company)
    candidate = gen_user(db_session)
    before, rolled_day, gap = TODAY - timedelta(days=20), TODAY - timedelta(days=7), TODAY - timedelta(days=2)
    for day in (before, rolled_day, gap, TODAY):
        gen_interview(db_session, candidate, job, status="completed", start_time=_at(day, 0))
    rollup(db_session, TODAY - timedelta(days=10), TODAY - timedelta(days=5))
    # The rolled-up day is read from its rollups (per job and per company), not live.
    db_session.execute(text("UPDATE analytics_dailymetrics SET total = total + 100 WHERE job_id = :job"), {"job": job.id})
    db_session.execute(
        text("UPDATE analytics_companydailymetrics SET total = total + 100 WHERE company_id = :company"),
        {"company": company.id},
    )

    rows = queries.daily_figures_by_job(db_session, company.id, TODAY - timedelta(days=30), TODAY, today=TODAY)

    assert {row.day: int(row.total) for row in rows} == {before: 1, rolled_day: 101, gap: 1, TODAY: 1}
    page = queries.figures(db_session, company.id, TODAY - timedelta(days=30), TODAY - timedelta(days=21), TODAY,
                           today=TODAY)
    assert {row.day: int(row.total) for row in page if row.kind == "day"} == {
        before: 1, rolled_day: 101, gap: 1, TODAY: 1,
    }


def test_the_live_part_reads_only_the_runs_of_days_not_rolled_up(db_session):
    """A two-year comparison range with a year rolled up reads live only the days before the first
    rollup and those after the last, not the year in between."""
    db_session.execute(text("DELETE FROM analytics_rollupday"))  # rolled back with the test
    rolled_first, rolled_last = TODAY - timedelta(days=300), TODAY - timedelta(days=1)
    db_session.execute(
        text("INSERT INTO analytics_rollupday (date) SELECT generate_series(CAST(:a AS date), CAST(:b AS date),"
             " interval '1 day')::date"),
        {"a": rolled_first, "b": rolled_last},
    )
    first = TODAY - timedelta(days=729)

    windows = queries._live_windows(first, TODAY, queries.rolled_up_days(db_session, first, TODAY, TODAY))

    assert windows == [(first, rolled_first), (TODAY, TODAY + timedelta(days=1))]
