"""Everything the analytics page shows, from the rollups (and today live) in two statements whatever the range,
and the hiring funnel from the range's decisions in a third."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from webapp.analytics import charts, metrics, queries
from webapp.analytics.forms import AnalyticsParams
from webapp.interviews.charts import figure_json

# The per-job table shows this many jobs (in the chosen order); the CSV of jobs lists them all.
TOP_JOBS = 20


@dataclass(frozen=True)
class Report:
    params: AnalyticsParams
    current: metrics.Totals
    previous: metrics.Totals
    kpis: list[metrics.Kpi]
    series: list[tuple[date, metrics.Totals]]
    job_rows: list[metrics.JobRow]
    job_count: int  # jobs with interviews in the range (job_rows holds the first TOP_JOBS)
    charts: dict[str, Any]  # chart id -> figure JSON
    tables: dict[str, Any]  # chart id -> its text alternative (chartdata.ChartTable)
    funnel: metrics.Funnel | None = None  # from the people's decisions in the range

    @property
    def no_data_figures(self) -> tuple[tuple[str, str], ...]:
        return metrics.no_data_figures(self.funnel)

    @property
    def empty(self) -> bool:
        return self.current.total == 0


Bin = namedtuple("Bin", "kind focus bin n")


def daily_rows(session: Session, company_id: int, params: AnalyticsParams, today: date, *,
               top: int | None, rolled: set[date] | None = None) -> list[Any]:
    """The rows of queries.figures for the page's parameters: per day over the range and the period
    before it (for the changes), the `top` jobs of the range in the table's order, sums per job focus."""
    first, _ = params.previous
    return queries.figures(session, company_id, first, params.first, params.last, today=today, job_id=params.job,
                           sort=params.sort, top=top, rolled=rolled)


def _bins(focus_rows: list[Any]) -> list[Bin]:
    """The histograms of the range: durations, and overall scores per job focus."""
    bins = [
        Bin("duration", None, n, sum(getattr(r, f"duration_bin_{n}") for r in focus_rows))
        for n in range(queries.DURATION_BINS + 1)
    ]
    return bins + [
        Bin("score", row.focus, n, getattr(row, f"score_bin_{n}"))
        for row in sorted(focus_rows, key=lambda r: r.focus) for n in range(queries.SCORE_BINS)
        if getattr(row, f"score_bin_{n}")
    ]


def build(session: Session, company_id: int, params: AnalyticsParams, jobs: list[Any], today: date) -> Report:
    # The days rolled up, read once for both statements (the range and the period before it).
    rolled = queries.rolled_up_days(session, params.previous[0], params.last, today)
    rows = daily_rows(session, company_id, params, today, top=TOP_JOBS, rolled=rolled)
    days = [r for r in rows if r.kind == "day"]
    top_jobs = sorted((r for r in rows if r.kind == "job"), key=lambda r: r.rank)
    previous_first, previous_last = params.previous
    previous = metrics.Totals.of(r for r in days if previous_first <= r.day <= previous_last)
    series = metrics.series(days, params.first, params.last, params.granularity)
    current = metrics.Totals()  # the range's days are the series' (each day added once)
    for _, bucket in series:
        current.merge(bucket)
    figures, tables = {}, {}
    if current.total:
        spread = _bins([r for r in rows if r.kind == "focus"])
        durations = [r for r in spread if r.kind == "duration"]
        scores = [r for r in spread if r.kind == "score"]
        figures = {
            "chart-status": charts.interviews_by_status(series, params.granularity),
            "chart-scores": charts.scores_over_time(series, params.granularity),
            "chart-durations": charts.duration_distribution(durations),
            "chart-score-focus": charts.score_distribution_by_focus(scores),
        }
        tables = {
            "chart-status": charts.status_table(series, params.granularity),
            "chart-scores": charts.scores_table(series, params.granularity),
            "chart-durations": charts.duration_table(durations),
            "chart-score-focus": charts.score_focus_table(scores),
        }
    hiring = metrics.funnel(
        queries.funnel(session, company_id, params.first, params.last, today=today, job_id=params.job,
                       rolled=rolled),
        queries.FUNNEL_STAGES,
    )
    if not hiring.empty:
        figures["chart-funnel"] = charts.funnel_chart(hiring)
        tables["chart-funnel"] = charts.funnel_table(hiring)
    return Report(
        params=params,
        current=current,
        previous=previous,
        kpis=metrics.kpis(current, previous),
        series=series,
        job_rows=metrics.job_rows(top_jobs, jobs, params.sort),
        job_count=int(top_jobs[0].job_count) if top_jobs else 0,
        charts={chart_id: figure_json(figure) for chart_id, figure in figures.items()},
        tables=tables,
        funnel=hiring,
    )
