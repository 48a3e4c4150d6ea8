"""Reads for the analytics page. Every statement is scoped to one company (the caller passes its id).

Which days come from where: a day reads its rollup (`analytics_dailymetrics`) once
`flask stats rollup` has rolled it up, which `analytics_rollupday` records (a company-day
without a rollup row then had no interviews); today, and any day not rolled up yet, is
computed live from the interviews, and only those days are read (an index range on the
interview date). Both paths aggregate the same per-interview figures (INTERVIEW_FIGURES), so
they agree.

An interview's day is the UTC day of its interview date, `coalesce(start_time, scheduled_time)`
(webapp.models.interview_date): a planned interview counts, as scheduled or rescheduled, on the
day it is planned for, follows a reschedule, and moves to the day it really started once it
starts, as the dashboard's counters do (migration 0016). A day already rolled up keeps its
figures until `flask stats rollup` rolls it up again.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, select, text
from sqlalchemy.orm import Session

from webapp.dateranges import day_start
from webapp.models import Job
from webapp.models.counters import JobInterviewCount, RollupDay
from webapp.models.rollups import (
    AVERAGED,
    FUNNEL_COLUMNS,
    FUNNEL_STAGE_KINDS,
    STATUS_COUNTS,
)

DURATION_BIN_MINUTES = 5
DURATION_BINS = 12  # the last bin holds everything from an hour up
SCORE_BINS = 10  # 0-9, 10-19, ..., 90-100

# One row per employer interview (practice sessions are the candidates' own), with every
# figure the rollups sum. Days are UTC days. `{where}` adds the caller's conditions.
INTERVIEW_FIGURES = """
    SELECT j.company_id, i.job_id, (coalesce(i.start_time, i.scheduled_time) AT TIME ZONE 'UTC')::date AS day, i.status,
           EXTRACT(EPOCH FROM i.end_time - i.start_time)::float8 AS duration,
           i.completion_percentage AS completion,
           (i.technical_accuracy + i.behavioral_score) / 2 AS score,
           i.technical_accuracy AS technical,
           communication.score AS communication,
           skills.score AS skill_match,
           CASE WHEN i.end_time >= i.start_time THEN
               least(floor(EXTRACT(EPOCH FROM i.end_time - i.start_time) / {bin_seconds}), {duration_bins})::int
           END AS duration_bin,
           least(floor((i.technical_accuracy + i.behavioral_score) / 20), {score_bins_max})::int AS score_bin
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
      AND coalesce(i.start_time, i.scheduled_time) >= :start AND coalesce(i.start_time, i.scheduled_time) < :stop
      {{where}}
""".format(bin_seconds=DURATION_BIN_MINUTES * 60, duration_bins=DURATION_BINS, score_bins_max=SCORE_BINS - 1)

# The same figures, read only inside the windows of days not rolled up (:live_starts[n] to
# :live_stops[n], from _live_windows): one index range on the interview date per window
# (idx_interview_session_when), so a range reaching back before the first rollup, or a gap,
# costs only its own days.
_LIVE_FIGURES = INTERVIEW_FIGURES.replace(
    "FROM interview_interviewsession i",
    "FROM unnest(CAST(:live_starts AS timestamptz[]), CAST(:live_stops AS timestamptz[])) AS w(start, stop)\n"
    "    JOIN interview_interviewsession i\n"
    "      ON coalesce(i.start_time, i.scheduled_time) >= w.start\n"
    "     AND coalesce(i.start_time, i.scheduled_time) < w.stop",
)
assert _LIVE_FIGURES != INTERVIEW_FIGURES

# The rollup columns, in table order after the key.
METRIC_COLUMNS = ("total", *STATUS_COUNTS, *(f"{name}_{part}" for name in AVERAGED for part in ("sum", "count")))

# Histograms: interviews per duration bin (0..DURATION_BINS) and per overall-score bin.
BIN_COLUMNS = (
    *(f"duration_bin_{n}" for n in range(DURATION_BINS + 1)),
    *(f"score_bin_{n}" for n in range(SCORE_BINS)),
)
# Every column a rollup row carries after its key.
ROLLED_COLUMNS = (*METRIC_COLUMNS, *BIN_COLUMNS)

# The aggregates over INTERVIEW_FIGURES rows that fill ROLLED_COLUMNS (sums of nothing are 0).
AGGREGATES = ",\n".join(
    [
        "count(*) AS total",
        *(f"count(*) FILTER (WHERE status = '{status}') AS {status}" for status in STATUS_COUNTS),
        *(
            f"coalesce(sum({name}), 0) AS {name}_sum, count({name}) AS {name}_count"
            for name in AVERAGED
        ),
        *(f"count(*) FILTER (WHERE duration_bin = {n}) AS duration_bin_{n}" for n in range(DURATION_BINS + 1)),
        *(f"count(*) FILTER (WHERE score_bin = {n}) AS score_bin_{n}" for n in range(SCORE_BINS)),
    ]
)

_COLUMNS = ", ".join(ROLLED_COLUMNS)


def _summed(columns) -> str:
    return ", ".join(f"sum({column})::float8 AS {column}" for column in columns)


# The days of [first, last] already rolled up, and the company's other days live (by job and day).
_ROLLED_AND_LIVE = f"""    WITH rolled AS (
        SELECT r.date FROM analytics_rollupday r
        WHERE r.date >= :first AND r.date <= :last AND r.date < :today
    ),
    live AS (
        SELECT job_id, day, {AGGREGATES}
        FROM ({_LIVE_FIGURES.format(where="AND j.company_id = :company_id {job}")}) figures
        WHERE day NOT IN (SELECT date FROM rolled)
        GROUP BY job_id, day
    ),
"""

# The company's days in [first, last]: rolled-up days from the rollups, the others (today
# and any day not rolled up yet) live from the interviews of those days only.
_COMBINED = f"""
{_ROLLED_AND_LIVE}    stored AS (
        SELECT job_id, date AS day, {_COLUMNS}
        FROM analytics_dailymetrics m
        WHERE m.company_id = :company_id {{stored_job}} AND m.date >= {{stored_first}} AND m.date <= :last
          AND m.date IN (SELECT date FROM rolled)
    ),
    combined AS (SELECT * FROM live UNION ALL SELECT * FROM stored)
"""

_DAILY_BY_JOB = _COMBINED.replace("{stored_first}", ":first") + f"""
    SELECT day, job_id, {_summed(METRIC_COLUMNS)}
    FROM combined
    GROUP BY day, job_id
    ORDER BY day, job_id
"""

# How a per-job sort key reads from a job's sums (None/NULL: no figure, listed last either way).
_RATIO = "{part}::float8 / nullif({whole}, 0)"
JOB_SORT_SQL = {
    "title": "lower(title)",
    "total": "total", "completed": "completed", "cancelled": "cancelled", "rescheduled": "rescheduled",
    "no_show_rate": _RATIO.format(part="no_show", whole="total"),
    "completion_rate": _RATIO.format(part="completed", whole="total"),
    "average_duration": _RATIO.format(part="duration_sum", whole="duration_count"),
    "average_score": _RATIO.format(part="score_sum", whole="score_count"),
    **{name: _RATIO.format(part=f"{name}_sum", whole=f"{name}_count")
       for name in ("technical", "communication", "skill_match")},
}

# A job's sums over [:current_first, :last]: its running totals at :last less those before
# :current_first, plus its live days. `{job}` names the job id column of the outer query.
_JOB_SUMS_JOINS = """LEFT JOIN live_per_job l ON l.job_id = {job}
        LEFT JOIN LATERAL (
            SELECT * FROM analytics_jobrunningtotal t WHERE t.job_id = {job} AND t.date <= :last
            ORDER BY t.date DESC LIMIT 1
        ) upto ON true
        LEFT JOIN LATERAL (
            SELECT * FROM analytics_jobrunningtotal t WHERE t.job_id = {job} AND t.date < :current_first
            ORDER BY t.date DESC LIMIT 1
        ) before ON true"""


def _job_sums(columns) -> str:
    return ", ".join(f"coalesce(upto.{c}, 0) - coalesce(before.{c}, 0) + coalesce(l.{c}, 0) AS {c}" for c in columns)


# The 'focus' rows carry the histograms and the interview count; their other columns are NULL.
FOCUS_COLUMNS = ("total", *BIN_COLUMNS)


def _sort_columns(key: str) -> tuple[str, ...]:
    """The rollup columns a per-job sort key reads (JOB_SORT_SQL)."""
    return tuple(c for c in METRIC_COLUMNS if re.search(rf"\b{c}\b", JOB_SORT_SQL[key]))


# What the page shows, in one statement whatever the range:
# - kind 'day': per day over [:first, :last] (the range and the period before it), the rolled-up
#   days from the company's daily rows (or the job's, with a job filter), the others live;
# - kind 'job': the :top jobs with interviews in [:current_first, :last] in the table's order
#   (`rank`), each with `job_count` (how many jobs had interviews): rolled-up days from the running
#   totals (two look-ups per job), the others live;
# - kind 'focus': per job focus, the range's interviews and histograms over every job (FOCUS_COLUMNS;
#   the other columns NULL).
_FIGURES = f"""
{_ROLLED_AND_LIVE}    per_day AS (
        SELECT day, {_COLUMNS} FROM live
        UNION ALL
        SELECT date, {_COLUMNS} FROM {{daily_rows}}
        WHERE d.company_id = :company_id {{daily_job}} AND d.date >= :first AND d.date <= :last
          AND d.date IN (SELECT date FROM rolled)
    ),
    live_per_job AS (
        SELECT job_id, {", ".join(f"sum({c}) AS {c}" for c in ROLLED_COLUMNS)}
        FROM live WHERE day >= :current_first
        GROUP BY job_id
    ),
    -- Every job's sums of the columns its rank and the histograms need: the rolled-up days'
    -- running totals (two look-ups) plus its live days, column by column; the other columns only
    -- for the :top jobs shown (`top`).
    per_job AS (
        SELECT j.id AS job_id, j.title, coalesce(j.job_focus, 'balanced') AS focus, {{narrow_sums}}
        FROM company_job j
        {_JOB_SUMS_JOINS.format(job="j.id")}
        WHERE j.company_id = :company_id {{running_job}}
    ),
    ranked AS (
        SELECT per_job.*, count(*) OVER () AS job_count FROM per_job WHERE total > 0
    ),
    ordered AS (
        SELECT job_id, focus, job_count, row_number() OVER (ORDER BY {{sort}} NULLS LAST, lower(title), job_id) AS rank
        FROM ranked
    ),
    top AS (
        SELECT o.job_id, o.focus, o.job_count, o.rank, {_job_sums(ROLLED_COLUMNS)}
        FROM ordered o
        {_JOB_SUMS_JOINS.format(job="o.job_id")}
        WHERE o.rank <= :top
    )
    SELECT 'day' AS kind, day, NULL::int AS job_id, NULL::text AS focus, NULL::bigint AS job_count,
           NULL::bigint AS rank, {_summed(METRIC_COLUMNS)}, {", ".join(f"0::float8 AS {c}" for c in BIN_COLUMNS)}
    FROM per_day
    GROUP BY day
    UNION ALL
    SELECT 'job', NULL, job_id, focus, job_count, rank, {", ".join(f"{c}::float8" for c in ROLLED_COLUMNS)}
    FROM top
    UNION ALL
    SELECT 'focus', NULL, NULL, focus, NULL, NULL,
           {", ".join(f"sum({c})::float8" if c in FOCUS_COLUMNS else "NULL::float8" for c in ROLLED_COLUMNS)}
    FROM ranked
    GROUP BY focus
"""


def rolled_up_days(session: Session, first: date, last: date, today: date) -> set[date]:
    """The days of [first, last] before today that `stats rollup` has rolled up."""
    return set(session.scalars(
        select(RollupDay.date).where(RollupDay.date >= first, RollupDay.date <= last, RollupDay.date < today)
    ))


def _live_windows(first: date, last: date, rolled: set[date]) -> list[tuple[date, date]]:
    """The runs of days of [first, last] not in `rolled`, as [first day, day after the last) pairs."""
    windows: list[tuple[date, date]] = []
    day = first
    while day <= last:
        if day not in rolled:
            if windows and windows[-1][1] == day:
                windows[-1] = (windows[-1][0], day + timedelta(days=1))
            else:
                windows.append((day, day + timedelta(days=1)))
        day += timedelta(days=1)
    return windows


def _range_params(
    session: Session, company_id: int, first: date, last: date, today: date, job_id: int | None,
    rolled: set[date] | None = None,
) -> dict[str, Any]:
    """The statements' parameters; `rolled`: the rolled-up days (rolled_up_days) when the caller has them."""
    if rolled is None:
        rolled = rolled_up_days(session, first, last, today)
    windows = _live_windows(first, last, rolled)
    return {
        "company_id": company_id, "first": first, "last": last, "today": today, "job_id": job_id,
        "start": day_start(first), "stop": day_start(last + timedelta(days=1)),
        "live_starts": [day_start(start) for start, _ in windows], "live_stops": [day_start(stop) for _, stop in windows],
    }


def _sql(template: str, job_id: int | None) -> str:
    return template.format(
        job="AND i.job_id = :job_id" if job_id else "",
        stored_job="AND m.job_id = :job_id" if job_id else "",
        stored_first=":first",
    )


def daily_figures_by_job(
    session: Session, company_id: int, first: date, last: date, *, today: date, job_id: int | None = None
) -> list[Any]:
    """Per day and job with interviews, the rollup sums (METRIC_COLUMNS as floats)."""
    params = _range_params(session, company_id, first, last, today, job_id)
    return session.execute(text(_sql(_DAILY_BY_JOB, job_id)), params).all()


def figures(
    session: Session, company_id: int, first: date, current_first: date, last: date, *, today: date,
    job_id: int | None = None, sort: str = "-total", top: int | None = None, rolled: set[date] | None = None,
) -> list[Any]:
    """The page's rows (see _FIGURES): per day over [first, last], the `top` jobs (all: None) of
    [current_first, last] sorted by `sort` (metrics.JOB_SORTS, "-": descending), and the histograms
    per job focus. Two statements (the rolled-up days, then the figures), whatever the range."""
    params = _range_params(session, company_id, first, last, today, job_id, rolled) | {
        "current_first": current_first, "top": top if top is not None else 2**31 - 1,
    }
    key = sort.removeprefix("-")
    sql = _FIGURES.format(
        job="AND i.job_id = :job_id" if job_id else "",
        # The job filter's days come from its own rows (ix_analytics_dailymetrics_job_date).
        daily_rows="analytics_dailymetrics d" if job_id else "analytics_companydailymetrics d",
        daily_job="AND d.job_id = :job_id" if job_id else "",
        running_job="AND j.id = :job_id" if job_id else "",
        sort=f"{JOB_SORT_SQL[key]} {'DESC' if sort.startswith('-') else 'ASC'}",
        narrow_sums=_job_sums(dict.fromkeys((*FOCUS_COLUMNS, *_sort_columns(key)))),
    )
    return session.execute(text(sql), params).all()


def select_jobs(company_id: int) -> Select:
    """The company's jobs for the job filter and the per-job table, and whether any has interviews (its counters)."""
    has_interviews = exists().where(JobInterviewCount.job_id == Job.id, JobInterviewCount.interviews > 0)
    return (
        select(Job.id, Job.title, Job.job_focus, has_interviews.label("has_interviews"))
        .where(Job.company_id == company_id)
        .order_by(func.lower(Job.title), Job.id)
    )


# --- the hiring funnel, from the people's decisions (pipeline_decision) -----------------------------

FUNNEL_STAGES = tuple(zip(
    FUNNEL_STAGE_KINDS, ("Applied", "AI interview", "Review", "Team interview", "Offer", "Hired"), strict=True,
))
_FUNNEL_VALUES = ", ".join(f"('{kind}', {position})" for position, kind in enumerate(FUNNEL_STAGE_KINDS, start=1))
_LEAVES = "action IN ('moved', 'rejected', 'withdrawn')"
_HIRE = "(action = 'moved' AND to_kind = 'hired')"


def _funnel_aggregates() -> str:
    """The FUNNEL_COLUMNS of a group of FUNNEL_FIGURES' decision rows."""
    columns = []
    for position, kind in enumerate(FUNNEL_STAGE_KINDS, start=1):
        leaves = f"{_LEAVES} AND from_kind = '{kind}' AND previous_at IS NOT NULL"
        columns += [
            f"count(*) FILTER (WHERE to_position >= {position} AND coalesce(furthest, 0) < {position})"
            f" AS reached_{kind}",
            f"count(*) FILTER (WHERE {leaves}) AS left_{kind}",
            f"count(*) FILTER (WHERE {leaves} AND action = 'moved' AND to_position > {position}) AS advanced_{kind}",
            f"coalesce(sum(EXTRACT(EPOCH FROM decided_at - previous_at)) FILTER (WHERE {leaves}), 0)::float8"
            f" AS seconds_in_{kind}",
        ]
    columns += [
        f"count(*) FILTER (WHERE {_HIRE}) AS hired",
        f"coalesce(sum(EXTRACT(EPOCH FROM decided_at - entered_at)) FILTER (WHERE {_HIRE}), 0)::float8"
        " AS seconds_to_hire",
        f"count(*) FILTER (WHERE action IN ('rejected', 'withdrawn') OR {_HIRE}) AS left_running",
        "count(*) FILTER (WHERE action IN ('rejected', 'withdrawn') AND from_kind = 'offer') AS offers_lost",
    ]
    return ",\n           ".join(columns)


# Per company, job and UTC day, the funnel's figures (FUNNEL_COLUMNS) of the decisions `{decisions}` reads
# (as `d`): a stage counts a candidate as reached on the first day they entered it or a later stage (their
# earlier decisions, by idx_pipeline_decision_candidate, give the furthest stage before and the time of the
# decision that put them where they were), so every figure adds up over days. Shared by the rollup
# (`stats rollup`, every company) and the page's days not rolled up yet (one company).
FUNNEL_FIGURES = f"""
    WITH stages (kind, position) AS (VALUES {_FUNNEL_VALUES}),
    decided AS (
        SELECT d.company_id, d.job_id, (d.decided_at AT TIME ZONE 'UTC')::date AS day, d.action, d.from_kind,
               d.to_kind, d.decided_at, reach.position AS to_position, before.furthest, before.previous_at,
               -- Looked up for hires only, by key: a join would let the planner hash every candidate.
               CASE WHEN d.action = 'moved' AND d.to_kind = 'hired' THEN (
                   SELECT c.created_at FROM pipeline_candidate c WHERE c.id = d.pipeline_candidate_id
               ) END AS entered_at
        FROM {{decisions}}
        LEFT JOIN stages reach ON reach.kind = d.to_kind AND d.action IN ('entered', 'moved', 'reopened')
        CROSS JOIN LATERAL (
            SELECT max(s.position) FILTER (WHERE p.action IN ('entered', 'moved', 'reopened')) AS furthest,
                   max(p.decided_at) AS previous_at
            FROM pipeline_decision p LEFT JOIN stages s ON s.kind = p.to_kind
            WHERE p.pipeline_candidate_id = d.pipeline_candidate_id AND (p.decided_at, p.id) < (d.decided_at, d.id)
        ) before
    )
    SELECT company_id, job_id, day,
           {_funnel_aggregates()}
    FROM decided
    GROUP BY company_id, job_id, day
"""

_FUNNEL_COLUMN_LIST = ", ".join(FUNNEL_COLUMNS)
# The company's (or the job's) decisions of the windows of days not rolled up (see _LIVE_FIGURES).
_LIVE_DECISIONS = """unnest(CAST(:live_starts AS timestamptz[]), CAST(:live_stops AS timestamptz[])) AS w(start, stop)
        JOIN pipeline_decision d ON d.company_id = :company_id {job}
         AND d.decided_at >= w.start AND d.decided_at < w.stop"""

# The page's funnel over [:first, :last] in one statement: the rolled-up days from the company's daily
# funnel rows (or the job's), the others (today, any day not rolled up) live from those days' decisions.
FUNNEL = f"""
    WITH rolled AS (
        SELECT r.date FROM analytics_rollupday r
        WHERE r.date >= :first AND r.date <= :last AND r.date < :today
    ),
    live AS (
        SELECT {_FUNNEL_COLUMN_LIST}
        FROM ({FUNNEL_FIGURES.format(decisions=_LIVE_DECISIONS)}) figures
        WHERE day NOT IN (SELECT date FROM rolled)
    ),
    stored AS (
        SELECT {_FUNNEL_COLUMN_LIST}
        FROM {{days}} m
        WHERE m.company_id = :company_id {{stored_job}} AND m.date >= :first AND m.date <= :last
          AND m.date IN (SELECT date FROM rolled)
    )
    SELECT {", ".join(f"coalesce(sum({column}), 0)::float8 AS {column}" for column in FUNNEL_COLUMNS)}
    FROM (SELECT * FROM live UNION ALL SELECT * FROM stored) days
"""


def funnel(session: Session, company_id: int, first: date, last: date, *, today: date,
           job_id: int | None = None, rolled: set[date] | None = None) -> Any:
    """The hiring funnel's sums (FUNNEL_COLUMNS) over the UTC days [first, last], in one row."""
    sql = FUNNEL.format(
        job="AND d.job_id = :job_id" if job_id else "",
        days="analytics_funnelday" if job_id else "analytics_companyfunnelday",
        stored_job="AND m.job_id = :job_id" if job_id else "",
    )
    return session.execute(text(sql), _range_params(session, company_id, first, last, today, job_id, rolled)).one()
