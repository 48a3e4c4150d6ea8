"""The analytics series as CSV: figures in, text lines out (pure), safe to open in a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from webapp import csvstream
from webapp.analytics import metrics
from webapp.analytics.metrics import Totals
from webapp.csvstream import safe

HEADER = ("Period start", "Interviews", "Completed", "Cancelled", "Rescheduled", "No-shows", "Scheduled",
          "In progress", "No-show rate %", "Completion rate %", "Average duration (min)", "Average score",
          "Technical average", "Communication average", "Skill match rate", "Average completion %")


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"  # empty, not 0, when there is no data


def _row(start: date, t: Totals) -> list[str]:
    return _row_cells(start.isoformat(), t)


def _row_cells(first: str, t: Totals) -> list[str]:
    cells = [
        first, t.total, t.completed, t.cancelled, t.rescheduled, t.no_show, t.scheduled, t.in_progress,
        _figure(t.no_show_rate), _figure(t.completion_rate), _figure(t.average_duration), _figure(t.average_score),
        _figure(t.technical), _figure(t.communication), _figure(t.skill_match), _figure(t.average_completion),
    ]
    return [safe(cell) for cell in cells]


def lines(series: Iterable[tuple[date, Totals]]) -> Iterator[str]:
    """The header and one CSV line per period (csv module quoting, CRLF line ends)."""
    return csvstream.lines(HEADER, (_row(start, totals) for start, totals in series))


JOB_HEADER = ("Job", *HEADER[1:])


def job_lines(job_rows: Iterable[metrics.JobRow]) -> Iterator[str]:
    """The header and one CSV line per job: the per-job table's columns."""
    return csvstream.lines(JOB_HEADER, (_row_cells(row.title, row.totals) for row in job_rows))
