"""Reads for the analytics page. Every statement is scoped to one company (the caller passes its id).

Which days come from where: a day reads its rollup (`analytics_dailymetrics`) once
`flask stats rollup` has written it, which the company's daily row in
`interview_interviewstatistics` records; today, and any day not rolled up yet, is computed
live from the interviews. Both paths aggregate the same per-interview figures
(INTERVIEW_FIGURES), so they agree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, select, text
from sqlalchemy.orm import Session

from webapp.dateranges import day_start
from webapp.models import InterviewSession, Job
from webapp.models.rollups import AVERAGED, STATUS_COUNTS

# One row per employer interview (practice sessions are the candidates' own), with every
# figure the rollups sum. Days are UTC days. `{where}` adds the caller's conditions.
INTERVIEW_FIGURES = """
    SELECT j.company_id, i.job_id, (i.start_time AT TIME ZONE 'UTC')::date AS day, i.status,
           EXTRACT(EPOCH FROM i.end_time - i.start_time)::float8 AS duration,
           i.completion_percentage AS completion,
           (i.technical_accuracy + i.behavioral_score) / 2 AS score,
           i.technical_accuracy AS technical,
           communication.score AS communication,
           skills.score AS skill_match
    FROM interview_interviewsession i
    JOIN company_job j ON j.id = i.job_id
    LEFT JOIN LATERAL (
        SELECT avg(a.score) AS score
        FROM interview_interviewassessment a
        JOIN interview_assessmenttype t ON t.id = a.assessment_type_id
        WHERE a.interview_session_id = i.id AND t.name = 'Communication'
    ) communication ON true
    LEFT JOIN LATERAL (
        SELECT avg(s.accumulated_score) AS score
        FROM interview_skillassessment s
        WHERE s.interview_session_id = i.id
    ) skills ON true
    WHERE i.is_practice IS NOT TRUE
      AND i.start_time >= :start AND i.start_time < :stop
      {where}
"""

# The rollup columns, in table order after the key.
METRIC_COLUMNS = ("total", *STATUS_COUNTS, *(f"{name}_{part}" for name in AVERAGED for part in ("sum", "count")))

# The aggregates over INTERVIEW_FIGURES rows that fill METRIC_COLUMNS (sums of nothing are 0).
AGGREGATES = ",\n".join(
    [
        "count(*) AS total",
        *(f"count(*) FILTER (WHERE status = '{status}') AS {status}" for status in STATUS_COUNTS),
        *(
            f"coalesce(sum({name}), 0) AS {name}_sum, count({name}) AS {name}_count"
            for name in AVERAGED
        ),
    ]
)

_SUMMED = ", ".join(f"sum({column})::float8 AS {column}" for column in METRIC_COLUMNS)
_COLUMNS = ", ".join(METRIC_COLUMNS)

_DAILY_BY_JOB = f"""
    WITH rolled AS (
        SELECT s.date FROM interview_interviewstatistics s
        WHERE s.company_id = :company_id AND s.period = 'daily'
          AND s.date >= :first AND s.date <= :last AND s.date < :today
    ),
    live AS (
        SELECT job_id, day, {AGGREGATES}
        FROM ({INTERVIEW_FIGURES.format(where="AND j.company_id = :company_id {job}")}) figures
        WHERE day NOT IN (SELECT date FROM rolled)
        GROUP BY job_id, day
    ),
    stored AS (
        SELECT job_id, date AS day, {_COLUMNS}
        FROM analytics_dailymetrics m
        WHERE m.company_id = :company_id {{stored_job}} AND m.date IN (SELECT date FROM rolled)
    )
    SELECT day, job_id, {_SUMMED}
    FROM (SELECT * FROM live UNION ALL SELECT * FROM stored) combined
    GROUP BY day, job_id
    ORDER BY day, job_id
"""


def _range_params(company_id: int, first: date, last: date, today: date, job_id: int | None) -> dict[str, Any]:
    return {
        "company_id": company_id, "first": first, "last": last, "today": today, "job_id": job_id,
        "start": day_start(first), "stop": day_start(last + timedelta(days=1)),
    }


def daily_figures_by_job(
    session: Session, company_id: int, first: date, last: date, *, today: date, job_id: int | None = None
) -> list[Any]:
    """Per day and job with interviews, the rollup sums (METRIC_COLUMNS as floats): one statement."""
    sql = _DAILY_BY_JOB.format(
        job="AND i.job_id = :job_id" if job_id else "",
        stored_job="AND m.job_id = :job_id" if job_id else "",
    )
    return session.execute(text(sql), _range_params(company_id, first, last, today, job_id)).all()


DURATION_BIN_MINUTES = 5
DURATION_BINS = 12  # the last bin holds everything from an hour up
SCORE_BINS = 10  # 0-9, 10-19, ..., 90-100

_DISTRIBUTIONS = f"""
    SELECT 'duration' AS kind, NULL AS focus,
           least(floor(EXTRACT(EPOCH FROM i.end_time - i.start_time) / {DURATION_BIN_MINUTES * 60}), {DURATION_BINS})::int AS bin,
           count(*) AS n
    FROM interview_interviewsession i JOIN company_job j ON j.id = i.job_id
    WHERE {{where}} AND i.end_time IS NOT NULL AND i.end_time >= i.start_time
    GROUP BY bin
    UNION ALL
    SELECT 'score', coalesce(j.job_focus, 'balanced'),
           least(floor((i.technical_accuracy + i.behavioral_score) / 20), {SCORE_BINS - 1})::int AS bin,
           count(*)
    FROM interview_interviewsession i JOIN company_job j ON j.id = i.job_id
    WHERE {{where}} AND i.technical_accuracy IS NOT NULL AND i.behavioral_score IS NOT NULL
    GROUP BY 2, bin
    ORDER BY 1, 2, 3
"""


def distributions(session: Session, company_id: int, first: date, last: date, *, job_id: int | None = None) -> list[Any]:
    """(kind, focus, bin, n) rows: duration bins and overall-score bins per job focus, binned by the database.

    Rollups keep sums, not histograms, so these read the interviews of the range themselves.
    """
    where = (
        "j.company_id = :company_id AND i.is_practice IS NOT TRUE"
        " AND i.start_time >= :start AND i.start_time < :stop"
        + (" AND i.job_id = :job_id" if job_id else "")
    )
    sql = _DISTRIBUTIONS.format(where=where)
    params = _range_params(company_id, first, last, last, job_id)
    return session.execute(text(sql), params).all()


def select_jobs(company_id: int) -> Select:
    """The company's jobs for the job filter and the per-job table, and whether any has interviews."""
    has_interviews = exists().where(InterviewSession.job_id == Job.id, InterviewSession.is_practice.is_not(True))
    return (
        select(Job.id, Job.title, Job.job_focus, has_interviews.label("has_interviews"))
        .where(Job.company_id == company_id)
        .order_by(func.lower(Job.title), Job.id)
    )
