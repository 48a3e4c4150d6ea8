"""Everything the analytics page shows, from two statements whatever the range."""

from __future__ import annotations

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


def daily_rows(session: Session, company_id: int, params: AnalyticsParams, today: date) -> list[Any]:
    """The daily rows of the range and of the period before it (for the changes): one statement."""
    first, _ = params.previous
    return queries.daily_figures_by_job(session, company_id, first, params.last, today=today, job_id=params.job)


def build(session: Session, company_id: int, params: AnalyticsParams, jobs: list[Any], today: date) -> Report:
    rows = daily_rows(session, company_id, params, today)
    previous_first, previous_last = params.previous
    current = metrics.Totals.of(r for r in rows if params.first <= r.day <= params.last)
    previous = metrics.Totals.of(r for r in rows if previous_first <= r.day <= previous_last)
    series = metrics.series(rows, params.first, params.last, params.granularity)
    figures = {}
    if current.total:
        spread = queries.distributions(session, company_id, params.first, params.last, job_id=params.job)
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
        job_rows=metrics.job_rows(rows, jobs, params.first, params.last, params.sort),
        charts={chart_id: figure_json(figure) for chart_id, figure in figures.items()},
    )
