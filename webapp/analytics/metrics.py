"""From rollup sums to the figures people read: pure functions, no database.

A `Totals` adds up daily rows (any range, any job set) and derives every average from
sums and counts, so a quiet day weighs less than a busy one. A figure without data is
None ("no data"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from datetime import date, timedelta
from typing import Any

from webapp.analytics.queries import METRIC_COLUMNS

# A row's METRIC_COLUMNS in one C-level call (a page adds a few hundred rows).
_metric_values = attrgetter(*METRIC_COLUMNS)


@dataclass
class Totals:
    values: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRIC_COLUMNS, 0.0))

    @classmethod
    def of(cls, rows: Iterable[Any]) -> Totals:
        totals = cls()
        for row in rows:
            totals.add(row)
        return totals

    def add(self, row: Any) -> None:
        values = self.values
        for column, value in zip(METRIC_COLUMNS, _metric_values(row)):
            values[column] += float(value or 0)

    def merge(self, other: Totals) -> None:
        """Add another Totals (a bucket of days) to this one."""
        values = self.values
        for column, value in other.values.items():
            values[column] += value

    def __getattr__(self, name: str) -> int:
        # The counts (total, completed, no_show, ...) read as whole numbers.
        if name in METRIC_COLUMNS and not name.endswith("_sum"):
            return int(self.values[name])
        raise AttributeError(name)

    def _average(self, name: str) -> float | None:
        count = self.values[f"{name}_count"]
        return self.values[f"{name}_sum"] / count if count else None

    def _share(self, part: str) -> float | None:
        return 100 * self.values[part] / self.values["total"] if self.values["total"] else None

    @property
    def no_show_rate(self) -> float | None:
        return self._share("no_show")

    @property
    def completion_rate(self) -> float | None:
        return self._share("completed")

    @property
    def average_duration(self) -> float | None:
        """Minutes, over the interviews that ended."""
        seconds = self._average("duration")
        return None if seconds is None else seconds / 60

    @property
    def average_completion(self) -> float | None:
        return self._average("completion")

    @property
    def average_score(self) -> float | None:
        return self._average("score")

    @property
    def technical(self) -> float | None:
        return self._average("technical")

    @property
    def communication(self) -> float | None:
        return self._average("communication")

    @property
    def skill_match(self) -> float | None:
        return self._average("skill_match")


@dataclass(frozen=True)
class Figure:
    """One KPI: how to read it and where its value comes from."""

    key: str  # the Totals attribute
    label: str
    kind: str  # "count", "rate" (percent), "minutes" or "score" (0-100)
    lower_is_better: bool = False


FIGURES = (
    Figure("total", "Interviews", "count"),
    Figure("completed", "Completed", "count"),
    Figure("cancelled", "Cancelled", "count", lower_is_better=True),
    Figure("rescheduled", "Rescheduled", "count", lower_is_better=True),
    Figure("no_show_rate", "No-show rate", "rate", lower_is_better=True),
    Figure("completion_rate", "Completion rate", "rate"),
    Figure("average_duration", "Average duration", "minutes"),
    Figure("average_score", "Average score", "score"),
    Figure("technical", "Technical average", "score"),
    Figure("communication", "Communication average", "score"),
    Figure("skill_match", "Skill match rate", "score"),
    # Not "Average completion" (the mean progress within interviews) next to it: two completion KPIs
    # read as one figure shown twice. The rate of interviews completed is the one a recruiter acts on.
)
# Named by the issue, but nothing in the database records hiring outcomes, offers or
# candidate surveys: shown as "no data" with the reason, never as a made-up 0.
NO_DATA_FIGURES = (
    ("Conversion rate", "No hiring outcomes are recorded yet."),
    ("Time to hire", "No hiring outcomes are recorded yet."),
    ("Offer acceptance", "No offers are recorded yet."),
    ("Candidate satisfaction", "No candidate surveys are recorded yet."),
)


@dataclass(frozen=True)
class Kpi:
    figure: Figure
    value: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """Against the previous period: percent for counts and averages, points for rates."""
        if self.value is None or self.previous is None:
            return None
        if self.figure.kind == "rate":
            return self.value - self.previous
        return None if self.previous == 0 else 100 * (self.value - self.previous) / self.previous

    @property
    def trend(self) -> str:
        """"good", "bad" or "flat", for colouring the change."""
        change = self.change
        if change is None or abs(change) < 0.05:
            return "flat"
        better = change < 0 if self.figure.lower_is_better else change > 0
        return "good" if better else "bad"


def kpis(current: Totals, previous: Totals) -> list[Kpi]:
    return [Kpi(f, getattr(current, f.key), getattr(previous, f.key)) for f in FIGURES]


# --- periods ---------------------------------------------------------------------------

GRANULARITIES = ("day", "week", "month")


def bucket_start(day: date, granularity: str) -> date:
    """The first day of the day, ISO week (Monday) or month that `day` falls in."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def buckets(first: date, last: date, granularity: str) -> Iterator[date]:
    """Every bucket start from `first`'s bucket to `last`'s, empty ones included."""
    start = bucket_start(first, granularity)
    while start <= last:
        yield start
        if granularity == "month":
            start = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            start += timedelta(days=7 if granularity == "week" else 1)


def series(rows: Iterable[Any], first: date, last: date, granularity: str) -> list[tuple[date, Totals]]:
    """Daily rows (with `day`) added up per bucket over [first, last]; every bucket present."""
    by_bucket = {start: Totals() for start in buckets(first, last, granularity)}
    for row in rows:
        if row.day is not None and first <= row.day <= last:
            by_bucket[bucket_start(row.day, granularity)].add(row)
    return list(by_bucket.items())


# --- the per-job table ---------------------------------------------------------------------

JOB_SORTS = ("title", "total", "completed", "cancelled", "rescheduled", "no_show_rate", "completion_rate",
             "average_duration", "average_score", "technical", "communication", "skill_match")
DEFAULT_JOB_SORT = "-total"


@dataclass(frozen=True)
class JobRow:
    id: int
    title: str
    totals: Totals

    def value(self, key: str) -> Any:
        return self.title.lower() if key == "title" else getattr(self.totals, key)


def job_rows(rows: Iterable[Any], jobs: Iterable[Any], sort: str) -> list[JobRow]:
    """One row per job with interviews (rows: the range's sums per job), sorted by `sort` ("-" first: descending).

    Jobs without a figure for the sort key go last either way.
    """
    by_job: dict[int, Totals] = {}
    for row in rows:
        by_job.setdefault(row.job_id, Totals()).add(row)
    titles = {job.id: job.title for job in jobs}
    result = [JobRow(job_id, titles.get(job_id, "Deleted job"), totals) for job_id, totals in by_job.items()]
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    result.sort(key=lambda r: r.title.lower())
    known = [r for r in result if r.value(key) is not None]
    unknown = [r for r in result if r.value(key) is None]
    known.sort(key=lambda r: r.value(key), reverse=descending)
    return known + unknown
