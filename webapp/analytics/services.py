"""Writes: the daily rollup behind the analytics page (`flask stats rollup`). No commit here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from webapp.analytics.queries import (
    AGGREGATES,
    FUNNEL_FIGURES,
    INTERVIEW_FIGURES,
    ROLLED_COLUMNS,
)
from webapp.dateranges import day_start
from webapp.models.rollups import FUNNEL_COLUMNS

# Serialises concurrent rollups: they would otherwise race on the stale-row DELETE.
ADVISORY_LOCK_KEY = 7_201_611_290

_COLUMNS = ", ".join(ROLLED_COLUMNS)
_UPDATES = ", ".join(f"{column} = EXCLUDED.{column}" for column in ROLLED_COLUMNS)
_COMPANY_SUMS = ", ".join(f"sum(p.{column}) AS {column}" for column in ROLLED_COLUMNS)
# The documented table's averages, from the sums of the day (a day with decisions and no interviews: 0
# interviews, no averages), and the hiring figures from the day's decisions (`decided`).
_STATISTICS = {
    "total_interviews": "coalesce(total, 0)",
    "completed_interviews": "coalesce(completed, 0)",
    "cancelled_interviews": "coalesce(cancelled, 0)",
    "rescheduled_interviews": "coalesce(rescheduled, 0)",
    "average_duration": "make_interval(secs => duration_sum / nullif(duration_count, 0))",
    "average_score": "round((score_sum / nullif(score_count, 0))::numeric, 2)",
    "technical_score_avg": "round((technical_sum / nullif(technical_count, 0))::numeric, 2)",
    "communication_score_avg": "round((communication_sum / nullif(communication_count, 0))::numeric, 2)",
    "no_show_rate": "round(100.0 * no_show / nullif(total, 0), 2)",
    "skill_match_rate": "round((skill_match_sum / nullif(skill_match_count, 0))::numeric, 2)",
    # Of the candidates who left the running that day (hired, rejected or withdrew), the share hired, in %.
    "conversion_rate": "round(100.0 * hired / nullif(left_running, 0), 2)",
    # The average time from entering the pipeline of that day's hires.
    "time_to_hire": "time_to_hire",
    # Of the offers closed that day (a hire, or a rejection or withdrawal at the offer stage), the share hired.
    "offer_acceptance_rate": "round(100.0 * hired / nullif(hired + offers_lost, 0), 2)",
    # Nothing in the database records costs or surveys: NULL, not a fake 0.
    "cost_per_hire": "NULL",
    "candidate_satisfaction": "NULL",
}

_FUNNEL_LIST = ", ".join(FUNNEL_COLUMNS)
_FUNNEL_UPDATES = ", ".join(f"{column} = EXCLUDED.{column}" for column in FUNNEL_COLUMNS)

# One statement: the hiring funnel per job and day with decisions, then per company and day (stale rows of
# the window deleted, the others upserted); each company's decisions by idx_pipeline_decision_company.
FUNNEL_ROLLUP = f"""
    WITH per_job AS (
        {FUNNEL_FIGURES.format(decisions="company_company co JOIN pipeline_decision d ON d.company_id = co.id"
                               " AND d.decided_at >= :start AND d.decided_at < :stop")}
    ),
    stale AS (
        DELETE FROM analytics_funnelday m
        WHERE m.date >= :first AND m.date <= :last
          AND NOT EXISTS (SELECT 1 FROM per_job p WHERE p.job_id = m.job_id AND p.day = m.date)
    ),
    jobs AS (
        INSERT INTO analytics_funnelday (company_id, job_id, date, {_FUNNEL_LIST}, computed_at)
        SELECT company_id, job_id, day, {_FUNNEL_LIST}, now() FROM per_job
        ON CONFLICT (company_id, date, job_id) DO UPDATE SET {_FUNNEL_UPDATES}, computed_at = EXCLUDED.computed_at
    ),
    per_company AS (
        SELECT company_id, day, {", ".join(f"sum({column}) AS {column}" for column in FUNNEL_COLUMNS)}
        FROM per_job GROUP BY company_id, day
    ),
    stale_company AS (
        DELETE FROM analytics_companyfunnelday m
        WHERE m.date >= :first AND m.date <= :last
          AND NOT EXISTS (SELECT 1 FROM per_company p WHERE p.company_id = m.company_id AND p.day = m.date)
    )
    INSERT INTO analytics_companyfunnelday (company_id, date, {_FUNNEL_LIST}, computed_at)
    SELECT company_id, day, {_FUNNEL_LIST}, now() FROM per_company
    ON CONFLICT (company_id, date) DO UPDATE SET {_FUNNEL_UPDATES}, computed_at = EXCLUDED.computed_at
"""

# One statement: per job and day the sums (stale job rows of the window deleted, the others
# upserted), then per company and day with interviews or with candidates leaving the running the
# documented row (stale ones deleted: a company-day with neither has no row), and the window's days
# recorded as rolled up.
ROLLUP = f"""
    WITH per_job AS (
        SELECT company_id, job_id, day, {AGGREGATES}
        FROM ({INTERVIEW_FIGURES.format(where="")}) figures
        GROUP BY company_id, job_id, day
    ),
    stale AS (
        DELETE FROM analytics_dailymetrics m
        WHERE m.date >= :first AND m.date <= :last
          AND NOT EXISTS (
              SELECT 1 FROM per_job p WHERE p.company_id = m.company_id AND p.job_id = m.job_id AND p.day = m.date
          )
        RETURNING 1
    ),
    jobs AS (
        INSERT INTO analytics_dailymetrics (company_id, job_id, date, {_COLUMNS}, computed_at)
        SELECT company_id, job_id, day, {_COLUMNS}, now() FROM per_job
        ON CONFLICT (company_id, date, job_id) DO UPDATE SET {_UPDATES}, computed_at = EXCLUDED.computed_at
        RETURNING 1
    ),
    per_company AS (
        SELECT p.company_id, p.day, {_COMPANY_SUMS}
        FROM per_job p
        GROUP BY p.company_id, p.day
    ),
    stale_company AS (
        DELETE FROM analytics_companydailymetrics m
        WHERE m.date >= :first AND m.date <= :last
          AND NOT EXISTS (SELECT 1 FROM per_company p WHERE p.company_id = m.company_id AND p.day = m.date)
    ),
    company AS (
        INSERT INTO analytics_companydailymetrics (company_id, date, {_COLUMNS}, computed_at)
        SELECT company_id, day, {_COLUMNS}, now() FROM per_company
        ON CONFLICT (company_id, date) DO UPDATE SET {_UPDATES}, computed_at = EXCLUDED.computed_at
    ),
    -- Per company and day with hires, rejections or withdrawals, the funnel rollup's outcomes (FUNNEL_ROLLUP
    -- runs first).
    decided AS (
        SELECT company_id, date AS day, hired, left_running, offers_lost,
               justify_hours(make_interval(secs => seconds_to_hire / nullif(hired, 0))) AS time_to_hire
        FROM analytics_companyfunnelday
        WHERE date >= :first AND date <= :last AND left_running > 0
    ),
    stale_stats AS (
        DELETE FROM interview_interviewstatistics s
        WHERE s.period = 'daily' AND s.date >= :first AND s.date <= :last
          AND NOT EXISTS (SELECT 1 FROM per_company p WHERE p.company_id = s.company_id AND p.day = s.date)
          AND NOT EXISTS (SELECT 1 FROM decided x WHERE x.company_id = s.company_id AND x.day = s.date)
        RETURNING 1
    ),
    stats AS (
        INSERT INTO interview_interviewstatistics (company_id, date, period, {", ".join(_STATISTICS)})
        SELECT company_id, day, 'daily', {", ".join(_STATISTICS.values())}
        FROM per_company FULL JOIN decided USING (company_id, day)
        ON CONFLICT (company_id, date) DO UPDATE
        SET period = EXCLUDED.period, {", ".join(f"{column} = EXCLUDED.{column}" for column in _STATISTICS)}
        RETURNING (xmax = 0) AS inserted
    ),
    days AS (
        INSERT INTO analytics_rollupday (date)
        SELECT generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 day')::date
        ON CONFLICT (date) DO UPDATE SET rolled_at = now()
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM stats) AS company_days,
           (SELECT count(*) FROM stats WHERE inserted) AS new_company_days,
           (SELECT count(*) FROM stale_stats) AS stale_company_days,
           (SELECT count(*) FROM jobs) AS job_days,
           (SELECT count(*) FROM stale) AS stale_job_days,
           (SELECT count(*) FROM days) AS days
"""


# The per-job running totals from :first on, rebuilt from the rolled-up days' job rows: each job's
# last row before :first (if any) plus its days' sums so far. A nightly rollup rewrites one day's rows.
_RUNNING_SUMS = ", ".join(f"coalesce(b.{c}, 0) + sum(d.{c}) OVER w AS {c}" for c in ROLLED_COLUMNS)
RUNNING_TOTALS = f"""
    WITH days AS (
        SELECT m.job_id, m.date, {", ".join(f"sum(m.{c}) AS {c}" for c in ROLLED_COLUMNS)}
        FROM analytics_dailymetrics m JOIN analytics_rollupday r ON r.date = m.date
        WHERE m.date >= :first
        GROUP BY m.job_id, m.date
    )
    INSERT INTO analytics_jobrunningtotal (job_id, date, {_COLUMNS})
    SELECT d.job_id, d.date, {_RUNNING_SUMS}
    FROM days d
    JOIN company_job j ON j.id = d.job_id
    LEFT JOIN LATERAL (
        SELECT * FROM analytics_jobrunningtotal t WHERE t.job_id = d.job_id AND t.date < :first
        ORDER BY t.date DESC LIMIT 1
    ) b ON true
    WINDOW w AS (PARTITION BY d.job_id ORDER BY d.date)
"""


@dataclass(frozen=True)
class RollupReport:
    first: date
    last: date
    company_days: int
    new_company_days: int
    stale_company_days: int
    job_days: int
    stale_job_days: int
    days: int

    def __str__(self) -> str:
        span = self.first.isoformat() if self.first == self.last else f"{self.first} to {self.last}"
        return (
            f"Rolled up {span}: {self.company_days} company-day rows with interviews or hiring outcomes "
            f"({self.new_company_days} new, {self.company_days - self.new_company_days} updated, "
            f"{self.stale_company_days} without either any more removed), "
            f"{self.job_days} job-day rows written, {self.stale_job_days} stale job-day rows removed."
        )


def rollup(session: Session, first: date, last: date) -> RollupReport:
    """Roll up the UTC days first..last for every company; running it again changes nothing."""
    if last < first:
        raise ValueError("the rollup's last day is before its first")
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    window = {"first": first, "last": last, "start": day_start(first), "stop": day_start(last + timedelta(days=1))}
    session.execute(text(FUNNEL_ROLLUP), window)
    row = session.execute(text(ROLLUP), window).one()
    session.execute(text("DELETE FROM analytics_jobrunningtotal WHERE date >= :first"), {"first": first})
    session.execute(text(RUNNING_TOTALS), {"first": first})
    return RollupReport(first, last, *row)
