"""A planned interview is dated by its scheduled time everywhere; start_time is when it really started
(issue 14, item 11: a rescheduled interview stayed on its old date in the list, the dashboard and analytics)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import select, text

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_plan, gen_subscription, gen_user
from webapp.analytics.queries import INTERVIEW_FIGURES
from webapp.cli import alembic_config
from webapp.db import make_engine
from webapp.interviews import scheduling_services, services
from webapp.models import InterviewSession
from webapp.models.counters import CompanyDayCount, CompanyInterviewCount, JobInterviewCount

NOW = datetime.now(UTC).replace(second=0, microsecond=0)
FIRST = (NOW + timedelta(days=3)).replace(hour=10, minute=0)  # the booked time
MOVED = FIRST + timedelta(days=15, hours=4)  # another week altogether


def shown(moment: datetime) -> str:
    """How the list and the interview page print a UTC time."""
    return moment.strftime("%d %b %Y, %H:%M")


def rows(client, url: str) -> str:
    """The list's rows as an htmx request for them gets them (no flash messages around)."""
    response = client.get(url, headers={"HX-Request": "true", "HX-Target": "interview-rows"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def hiring(db_session):
    employer = gen_user(db_session, role="employer")
    gen_subscription(db_session, employer, gen_plan(db_session, "employer", interview_limit=50))
    company = gen_company(db_session, employer, company_name="Datewise Ltd")
    job = gen_job(db_session, company, title="Calendar Engineer")
    candidate = gen_user(db_session, role="user", first_name="Ada", last_name="Moved", email="ada.moved@example.test")
    return employer, company, job, candidate


def counters(db_session, company, job) -> tuple[dict, dict, dict]:
    """(per day and status, per job and status, per company and status), non-zero rows only."""
    days = db_session.execute(select(CompanyDayCount.day, CompanyDayCount.status, CompanyDayCount.interviews)
                              .where(CompanyDayCount.company_id == company.id)).all()
    jobs = db_session.execute(select(JobInterviewCount.status, JobInterviewCount.interviews)
                              .where(JobInterviewCount.job_id == job.id)).all()
    totals = db_session.execute(select(CompanyInterviewCount.status, CompanyInterviewCount.interviews)
                                .where(CompanyInterviewCount.company_id == company.id)).all()
    return ({(d, s): n for d, s, n in days if n}, {s: n for s, n in jobs if n}, {s: n for s, n in totals if n})


def assert_counters_exact(db_session, company, job) -> tuple[dict, dict, dict]:
    """The trigger-kept counters equal a recount from scratch (the migration's own recount function)."""
    kept = counters(db_session, company, job)
    db_session.execute(text("SELECT dashboard_recount_counters()"))
    assert counters(db_session, company, job) == kept
    return kept


def test_a_rescheduled_interview_shows_its_new_date_in_the_list_the_dashboard_and_its_page(
    client, auth, db_session, hiring
):
    employer, company, job, candidate = hiring
    gen_interview(db_session, gen_user(db_session, first_name="Held", last_name="Yesterday"), job,
                  status="completed", start_time=NOW - timedelta(days=1))
    assert auth.login(employer.email, PASSWORD).status_code == 302

    booked = client.post("/interviews/new", data={
        "job_id": str(job.id), "candidate_email": candidate.email, "scheduled_time": FIRST.strftime("%Y-%m-%dT%H:%M"),
    })
    assert booked.status_code == 303
    interview = db_session.scalar(select(InterviewSession).where(InterviewSession.user_id == candidate.id))
    assert (interview.scheduled_time, interview.start_time) == (FIRST, None)  # not started: no start time

    moved = client.post(f"/interviews/{interview.session_id}/reschedule",
                        data={"scheduled_time": MOVED.strftime("%Y-%m-%dT%H:%M")})
    assert moved.status_code in (200, 302, 303)
    db_session.expire_all()
    interview = db_session.get(InterviewSession, interview.id)
    assert (interview.status, interview.scheduled_time, interview.start_time) == ("rescheduled", MOVED, None)

    # The list: the new date, newest first (the planned interview before yesterday's), and the date filters.
    page = rows(client, "/interviews")
    assert shown(MOVED) in page and shown(FIRST) not in page
    assert page.index("Ada Moved") < page.index("Held Yesterday")
    oldest_first = rows(client, "/interviews?sort=start_time")
    assert oldest_first.index("Held Yesterday") < oldest_first.index("Ada Moved")
    on_new_day = rows(client, f"/interviews?from={MOVED.date()}&to={MOVED.date()}")
    on_old_day = rows(client, f"/interviews?from={FIRST.date()}&to={FIRST.date()}")
    assert "Ada Moved" in on_new_day and "Ada Moved" not in on_old_day

    # The dashboard: the week of the new date counts it, the week of the old one no longer does.
    new_week = client.get(f"/dashboard?week={MOVED.date()}", headers={"HX-Request": "true"}).get_data(as_text=True)
    old_week = client.get(f"/dashboard?week={FIRST.date()}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1 interview in total" in new_week
    assert "No interviews in this week" in old_week

    # The interview page: planned for the new date; no "Started" line (it has not started).
    show = client.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    planned = show.split('<dd id="planned-when">', 1)[1].split("</dd>", 1)[0]
    assert f"{MOVED:%d %B %Y, %H:%M} UTC" in planned and "<dt>Started</dt>" not in show

    assert assert_counters_exact(db_session, company, job)[0] == {
        (MOVED.date(), "rescheduled"): 1, ((NOW - timedelta(days=1)).date(), "completed"): 1,
    }


def test_starting_sets_start_time_and_moves_the_interview_to_the_day_it_started(client, auth, db_session, hiring):
    employer, company, job, candidate = hiring
    interview = scheduling_services.schedule_interview(db_session, company, job, candidate, FIRST, actor=employer)
    db_session.flush()
    assert interview.start_time is None
    assert assert_counters_exact(db_session, company, job) == (
        {(FIRST.date(), "scheduled"): 1}, {"scheduled": 1}, {"scheduled": 1},
    )

    services.reschedule(db_session, interview, MOVED, actor=employer)
    db_session.flush()
    assert assert_counters_exact(db_session, company, job)[0] == {(MOVED.date(), "rescheduled"): 1}

    began = NOW - timedelta(days=1, minutes=7)  # say it began early, on another day than planned
    services.start(interview, at=began)
    db_session.flush()
    db_session.refresh(interview)
    assert (interview.status, interview.start_time, interview.scheduled_time) == ("in_progress", began, MOVED)
    assert assert_counters_exact(db_session, company, job) == (
        {(began.date(), "in_progress"): 1}, {"in_progress": 1}, {"in_progress": 1},
    )
    with pytest.raises(services.ActionRefused):
        services.start(interview)

    assert auth.login(employer.email, PASSWORD).status_code == 302
    page = rows(client, "/interviews")
    assert shown(began) in page and shown(MOVED) not in page


def test_counters_follow_the_engines_raw_reschedules_and_starts(db_session, hiring):
    _, company, job, candidate = hiring
    planned = db_session.execute(text(
        "INSERT INTO interview_interviewsession (session_id, user_id, job_id, start_time, scheduled_time, status)"
        " VALUES ('raw-planned', :user, :job, NULL, :at, 'scheduled') RETURNING id"
    ), {"user": candidate.id, "job": job.id, "at": FIRST}).scalar_one()
    assert assert_counters_exact(db_session, company, job)[0] == {(FIRST.date(), "scheduled"): 1}

    db_session.execute(text("UPDATE interview_interviewsession SET scheduled_time = :at WHERE id = :id"),
                       {"at": MOVED, "id": planned})
    assert assert_counters_exact(db_session, company, job)[0] == {(MOVED.date(), "scheduled"): 1}

    db_session.execute(text(
        "UPDATE interview_interviewsession SET start_time = :at, status = 'in_progress' WHERE id = :id"
    ), {"at": NOW, "id": planned})
    assert assert_counters_exact(db_session, company, job)[0] == {(NOW.date(), "in_progress"): 1}


def test_analytics_count_a_planned_interview_on_its_scheduled_day(db_session, hiring):
    employer, company, job, candidate = hiring
    interview = scheduling_services.schedule_interview(db_session, company, job, candidate, FIRST, actor=employer)
    services.reschedule(db_session, interview, MOVED, actor=employer)
    db_session.flush()
    figures = text(INTERVIEW_FIGURES.format(where="AND i.id = :id"))

    def days(start: datetime, stop: datetime) -> list[tuple]:
        rows = db_session.execute(figures, {"start": start, "stop": stop, "id": interview.id}).all()
        return [(row.day, row.status) for row in rows]

    assert days(MOVED - timedelta(hours=1), MOVED + timedelta(hours=1)) == [(MOVED.date(), "rescheduled")]
    assert days(FIRST - timedelta(hours=1), FIRST + timedelta(hours=1)) == []


def test_the_migration_moves_planned_sessions_to_their_scheduled_time(scratch_database_url):
    url = scratch_database_url("interview_dates")
    config, engine = alembic_config(url), make_engine(url)
    try:
        command.upgrade(config, "0015")
        with engine.begin() as connection:
            def one(sql: str, **params):
                return connection.execute(text(sql), params).scalar_one()

            user = one("INSERT INTO users_user (username, email, password)"
                       " VALUES ('c', 'c@jobhive.test', 'x') RETURNING id")
            company = one("INSERT INTO company_company (user_id, company_name)"
                          " VALUES (:u, 'Old Co') RETURNING id", u=user)
            job = one("INSERT INTO company_job (company_id, title) VALUES (:c, 'Old job') RETURNING id", c=company)
            # As the old scheduling wrote them: start_time = the booked time; a reschedule moved scheduled_time only.
            for sid, status, start, scheduled in (
                ("booked", "scheduled", FIRST, FIRST),
                ("moved", "rescheduled", FIRST, MOVED),
                ("held", "completed", NOW - timedelta(days=2), NOW - timedelta(days=2, hours=1)),
            ):
                connection.execute(text(
                    "INSERT INTO interview_interviewsession (session_id, user_id, job_id, start_time, scheduled_time,"
                    " status) VALUES (:sid, :u, :j, :start, :scheduled, :status)"
                ), {"sid": sid, "u": user, "j": job, "start": start, "scheduled": scheduled, "status": status})
        command.upgrade(config, "head")
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT session_id, start_time, scheduled_time FROM interview_interviewsession ORDER BY id"
            )).all()
            days = connection.execute(text(
                "SELECT day, status, interviews FROM dashboard_companydaycount WHERE interviews <> 0 ORDER BY day"
            )).all()
        assert [tuple(row) for row in rows] == [
            ("booked", None, FIRST), ("moved", None, MOVED),
            ("held", NOW - timedelta(days=2), NOW - timedelta(days=2, hours=1)),
        ]
        assert [tuple(row) for row in days] == [
            ((NOW - timedelta(days=2)).date(), "completed", 1), (FIRST.date(), "scheduled", 1),
            (MOVED.date(), "rescheduled", 1),
        ]
    finally:
        engine.dispose()


def test_bench_data_leaves_planned_sessions_unstarted(bench_database_url):
    engine = make_engine(bench_database_url)
    try:
        with engine.connect() as connection:
            planned, started, dated = connection.execute(text(
                "SELECT count(*), count(start_time), count(scheduled_time) FROM interview_interviewsession"
                " WHERE status IN ('scheduled', 'rescheduled')"
            )).one()
    finally:
        engine.dispose()
    assert planned > 0 and (started, dated) == (0, planned)
