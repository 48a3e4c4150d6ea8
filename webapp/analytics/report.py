"""Everything the analytics page shows, from the rollups (and today live) in two statements whatever the range."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from webapp.analytics import charts, metrics, queries
from webapp.analytics.forms import AnalyticsParams
from webapp.interviews.charts import figure_json


@dataclass(frozen=True)
class Report:
    params: AnalyticsParams
    current: metrics.Totals
    previous: metrics.Totals
    kpis: list[metrics.Kpi]
    series: list[tuple[date, metrics.Totals]]
    job_rows: list[metrics.JobRow]
    charts: dict[str, Any]  # chart id -> figure JSON

    @property
    def empty(self) -> bool:
        return self.current.total == 0


Bin = namedtuple("Bin", "kind focus bin n")


def daily_rows(session: Session, company_id: int, params: AnalyticsParams, today: date) -> list[Any]:
    """Per-day rows (job_id None) of the range and of the period before it (for the changes), and
    per-job rows (day None, with the histograms) of the range."""
    first, _ = params.previous
    return queries.figures(session, company_id, first, params.first, params.last, today=today, job_id=params.job)


def _bins(job_rows: list[Any], focus_of: dict[int, str | None]) -> list[Bin]:
    """The histograms of the range: durations, and overall scores per job focus."""
    bins = [
        Bin("duration", None, n, sum(getattr(r, f"duration_bin_{n}") for r in job_rows))
        for n in range(queries.DURATION_BINS + 1)
    ]
    by_focus: dict[tuple[str, int], float] = {}
    for row in job_rows:
        focus = focus_of.get(row.job_id) or "balanced"
        for n in range(queries.SCORE_BINS):
            by_focus[focus, n] = by_focus.get((focus, n), 0) + getattr(row, f"score_bin_{n}")
    return bins + [Bin("score", focus, n, count) for (focus, n), count in sorted(by_focus.items()) if count]


def build(session: Session, company_id: int, params: AnalyticsParams, jobs: list[Any], today: date) -> Report:
    rows = daily_rows(session, company_id, params, today)
    days = [r for r in rows if r.day is not None]
    per_job = [r for r in rows if r.day is None]
    previous_first, previous_last = params.previous
    current = metrics.Totals.of(r for r in days if params.first <= r.day <= params.last)
    previous = metrics.Totals.of(r for r in days if previous_first <= r.day <= previous_last)
    series = metrics.series(days, params.first, params.last, params.granularity)
    figures = {}
    if current.total:
        spread = _bins(per_job, {job.id: job.job_focus for job in jobs})
        figures = {
            "chart-status": charts.interviews_by_status(series, params.granularity),
            "chart-scores": charts.scores_over_time(series, params.granularity),
            "chart-durations": charts.duration_distribution(r for r in spread if r.kind == "duration"),
            "chart-score-focus": charts.score_distribution_by_focus(r for r in spread if r.kind == "score"),
        }
    return Report(
        params=params,
        current=current,
        previous=previous,
        kpis=metrics.kpis(current, previous),
        series=series,
        job_rows=metrics.job_rows(per_job, jobs, params.sort),
        charts={chart_id: figure_json(figure) for chart_id, figure in figures.items()},
    )
