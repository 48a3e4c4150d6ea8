"""The analytics page's state, read from the query string: range, job, granularity, sort."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from werkzeug.datastructures import MultiDict

from webapp.analytics.metrics import DEFAULT_JOB_SORT, GRANULARITIES, JOB_SORTS
from webapp.dateranges import BadQueryParameter, check_range, parse_date

PRESETS = ("7", "30", "90", "365")
DEFAULT_RANGE = "30"


class UnknownJob(LookupError):
    """A job filter naming no job of the company (answered 404: a foreign job looks missing)."""


@dataclass(frozen=True)
class AnalyticsParams:
    range: str = DEFAULT_RANGE  # a preset's number of days, or "custom"
    first: date | None = None  # the range's first and last UTC day, both included
    last: date | None = None
    job: int | None = None
    granularity: str = "day"
    sort: str = DEFAULT_JOB_SORT

    @classmethod
    def parse(cls, args: MultiDict, job_ids: set[int], today: date) -> AnalyticsParams:
        """Read and check the parameters; `job_ids` are the company's own jobs.

        Raises BadQueryParameter (a message for the user) or UnknownJob. An unknown sort
        falls back to the default, as in every list.
        """
        range_ = args.get("range", "").strip() or DEFAULT_RANGE
        if range_ not in (*PRESETS, "custom"):
            raise BadQueryParameter("Choose a range of 7, 30, 90 or 365 days, or custom dates.")
        if range_ == "custom":
            first = parse_date(args.get("from", ""), "start")
            last = parse_date(args.get("to", ""), "end")
            if first is None or last is None:
                raise BadQueryParameter("Choose both a start and an end date for a custom range.")
            check_range(first, last)
        else:
            first, last = today - timedelta(days=int(range_) - 1), today
        granularity = args.get("granularity", "").strip() or "day"
        if granularity not in GRANULARITIES:
            raise BadQueryParameter("Group the figures by day, week or month.")
        sort = args.get("sort", DEFAULT_JOB_SORT)
        return cls(
            range=range_, first=first, last=last, job=_job(args.get("job", ""), job_ids),
            granularity=granularity, sort=sort if sort.removeprefix("-") in JOB_SORTS else DEFAULT_JOB_SORT,
        )

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """The period of equal length just before the range."""
        return self.first - timedelta(days=self.days), self.first - timedelta(days=1)

    def query_args(self, **changes) -> dict[str, Any]:
        """The non-default parameters under their URL names, for url_for (custom ranges keep their dates)."""
        params = replace(self, **changes)
        args: dict[str, Any] = {}
        if params.range != DEFAULT_RANGE:
            args["range"] = params.range
        if params.range == "custom":
            args["from"], args["to"] = params.first.isoformat(), params.last.isoformat()
        if params.job:
            args["job"] = params.job
        if params.granularity != "day":
            args["granularity"] = params.granularity
        if params.sort != DEFAULT_JOB_SORT:
            args["sort"] = params.sort
        return args

    def sort_link(self, key: str) -> str:
        """The sort a column header links to: flip the current column; names A-Z, figures highest first."""
        if self.sort.removeprefix("-") == key:
            return key if self.sort.startswith("-") else f"-{key}"
        return key if key == "title" else f"-{key}"


def _job(raw: str, job_ids: set[int]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    # Another company's job answers exactly like a job that does not exist: nothing leaks.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) not in job_ids:
        raise UnknownJob("Unknown job: choose one of your own jobs, or all jobs.")
    return int(raw)
