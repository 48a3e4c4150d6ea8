"""From rollup sums to the figures people read: pure functions, no database.

A `Totals` adds up daily rows (any range, any job set) and derives every average from
sums and counts, so a quiet day weighs less than a busy one. A figure without data is
None ("no data"), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
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
# Named by the issue, but nothing in the database records candidate surveys: shown as "no data" with
# the reason, never as a made-up 0. The hiring figures come from the people's decisions (the funnel)
# and are "no data" only for a range without any (`no_data_figures`).
NO_DATA_FIGURES = (("Candidate satisfaction", "No candidate surveys are recorded yet."),)
NO_DECISION_FIGURES = (
    ("Conversion rate", "No candidate was hired, rejected or withdrew in this range."),
    ("Time to hire", "Nobody was hired in this range."),
    ("Offer acceptance", "No offer was accepted or lost in this range."),
)


def no_data_figures(funnel: Funnel | None) -> tuple[tuple[str, str], ...]:
    """The figures the page shows as "no data", with why: the hiring ones only while the range has no outcome."""
    hiring = () if funnel is None else tuple(
        (label, reason) for (label, reason), value in zip(
            NO_DECISION_FIGURES, (funnel.conversion_rate, funnel.average_days_to_hire, funnel.offer_acceptance),
            strict=True,
        ) if value is None
    )
    return hiring + NO_DATA_FIGURES


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


# --- the hiring funnel ---------------------------------------------------------------------------


SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class FunnelStage:
    kind: str
    label: str
    reached: int  # candidates who reached this stage (or a later one) for the first time in the range
    left: int  # candidates who left it in the range (moved, rejected or withdrew)
    advanced: int  # of those, the ones moved on to a later stage
    average_days: float | None  # average days the leavers had spent in it
    conversion: float | None  # percent of the leavers of the stage before who moved on


@dataclass(frozen=True)
class Funnel:
    stages: list[FunnelStage]
    hired: int
    left_running: int  # hired, rejected or withdrawn in the range
    offers_lost: int  # rejected or withdrawn at the offer stage
    average_days_to_hire: float | None

    @property
    def empty(self) -> bool:
        return not any(stage.reached or stage.left for stage in self.stages) and not self.left_running

    @property
    def conversion_rate(self) -> float | None:
        """Percent of the candidates who left the running in the range that were hired."""
        return 100 * self.hired / self.left_running if self.left_running else None

    @property
    def offer_acceptance(self) -> float | None:
        """Percent of the offers closed in the range that ended in a hire."""
        closed = self.hired + self.offers_lost
        return 100 * self.hired / closed if closed else None


def funnel(sums: Any, labels: Iterable[tuple[str, str]]) -> Funnel:
    """The funnel from queries.funnel's sums (FUNNEL_COLUMNS) and the stages' (kind, label) in order."""
    stages: list[FunnelStage] = []
    for kind, label in labels:
        left, advanced = int(getattr(sums, f"left_{kind}")), int(getattr(sums, f"advanced_{kind}"))
        before = stages[-1] if stages else None
        stages.append(FunnelStage(
            kind, label, reached=int(getattr(sums, f"reached_{kind}")), left=left, advanced=advanced,
            average_days=getattr(sums, f"seconds_in_{kind}") / left / SECONDS_PER_DAY if left else None,
            conversion=100 * before.advanced / before.left if before and before.left else None,
        ))
    hired = int(sums.hired)
    return Funnel(
        stages=stages, hired=hired, left_running=int(sums.left_running), offers_lost=int(sums.offers_lost),
        average_days_to_hire=sums.seconds_to_hire / hired / SECONDS_PER_DAY if hired else None,
    )
