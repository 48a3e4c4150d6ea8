"""Reads for the employer's interviews list. Every function is scoped to one company (the caller passes its id).

(The interview page's reads live in page_queries.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from sqlalchemy import Select, and_, func, or_, select, true
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from webapp.dateranges import BadQueryParameter, check_range, parse_date
from webapp.dateranges import day_start as _day_start
from webapp.models import INTERVIEW_STATUSES, InterviewSession, Job, SentimentSession, User
from webapp.pagination import ListPage, ListParams, clamp_page, page_number

PER_PAGE = 25
SEARCH_MAX = 255
# Newest first: the interview an employer looks for is usually the latest one.
DEFAULT_SORT = "-start_time"
SORT_KEYS = ("start_time", "candidate", "job", "status", "completion", "technical", "behavioral")
# Columns whose natural first click is "highest/newest first".
DESCENDING_FIRST = ("start_time", "completion", "technical", "behavioral")


# A list parameter that cannot be read (answered with 400 and its message).


@dataclass(frozen=True)
class InterviewListParams(ListParams):
    """The list's state, as read from the query string (`from`/`to` are Python keywords, hence date_*)."""

    URL_NAMES: ClassVar[dict[str, str]] = {"date_from": "from", "date_to": "to"}

    q: str = ""
    job: int | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def parse(cls, args: MultiDict, job_ids: set[int]) -> InterviewListParams:
        """Read and check the parameters; `job_ids` are the company's own jobs.

        An unknown sort falls back to the default (old bookmarks keep working); every
        other unreadable value raises BadQueryParameter with a message for the user.
        """
        q = " ".join(args.get("q", "").replace("\x00", "").split())[:SEARCH_MAX]
        sort = args.get("sort", DEFAULT_SORT)
        status = args.get("status", "").strip()
        if status and status not in INTERVIEW_STATUSES:
            names = ", ".join(INTERVIEW_STATUSES)
            raise BadQueryParameter(f"Unknown status “{status[:30]}”: choose one of {names}.")
        date_from = parse_date(args.get("from", ""), "start")
        date_to = parse_date(args.get("to", ""), "end")
        if date_from and date_to:
            check_range(date_from, date_to)
        return cls(
            q=q,
            job=_job(args.get("job", ""), job_ids),
            status=status,
            date_from=date_from,
            date_to=date_to,
            sort=sort if sort.removeprefix("-") in SORT_KEYS else DEFAULT_SORT,
            page=page_number(args.get("page", "")),
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.job or self.status or self.date_from or self.date_to)

    def sort_link(self, key: str) -> str:
        """The sort a column header links to: flip the current column, else its natural order."""
        if self.sort_key == key:
            return key if self.descending else f"-{key}"
        return f"-{key}" if key in DESCENDING_FIRST else key


def _job(raw: str, job_ids: set[int]) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    # Another company's job answers exactly like a job that does not exist: nothing leaks.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) not in job_ids:
        raise BadQueryParameter("Unknown job: choose one of your own jobs, or all jobs.")
    return int(raw)


def _like_pattern(text: str) -> str:
    """An ILIKE pattern that matches `text` literally anywhere (escape char: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _candidate_name():
    return func.concat_ws(" ", User.first_name, User.last_name)


def _interview_list_conditions(company_id: int, params: InterviewListParams) -> tuple[list, list]:
    """(the tenant conditions, the user's filter conditions).

    There is deliberately no practice filter: practice sessions are a candidate's own
    rehearsal and never belong in an employer's list, whatever job they mention.
    """
    scope = [Job.company_id == company_id, InterviewSession.is_practice.is_not(True)]
    conditions = []
    if params.q:
        pattern = _like_pattern(params.q)
        conditions.append(
            or_(_candidate_name().ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))
        )
    if params.job:
        conditions.append(InterviewSession.job_id == params.job)
    if params.status:
        conditions.append(InterviewSession.status == params.status)
    if params.date_from:
        conditions.append(InterviewSession.start_time >= _day_start(params.date_from))
    if params.date_to:
        conditions.append(InterviewSession.start_time < _day_start(params.date_to + timedelta(days=1)))
    return scope, conditions


def select_interview_list_jobs(company_id: int) -> Select:
    """The company's jobs for the job filter (and for checking a `job` parameter)."""
    return select(Job.id, Job.title).where(Job.company_id == company_id).order_by(func.lower(Job.title), Job.id)


def select_interview_list_counts(company_id: int, params: InterviewListParams) -> Select:
    """One row: (matching, total) interviews of the company, so an empty page knows which empty state it is."""
    scope, conditions = _interview_list_conditions(company_id, params)
    matching = func.count().filter(and_(true(), *conditions))
    return (
        select(matching.label("matching"), func.count().label("total"))
        .select_from(InterviewSession)
        .join(Job, InterviewSession.job_id == Job.id)
        .outerjoin(User, InterviewSession.user_id == User.id)
        .where(*scope)
    )


def _latest_sentiment():
    """Per interview (LATERAL): its newest sentiment summary; an index probe on idx_sentiment_session_interview."""
    return (
        select(SentimentSession.overall_sentiment, SentimentSession.employer_visible)
        .where(SentimentSession.interview_session_id == InterviewSession.id)
        .order_by(SentimentSession.created_at.desc(), SentimentSession.id.desc())
        .limit(1)
        .lateral("latest_sentiment")
    )


def select_interview_list_rows(company_id: int, params: InterviewListParams, page: int) -> Select:
    """One page of the list with every column the table shows: one statement whatever the page size."""
    sentiment = _latest_sentiment()
    scope, conditions = _interview_list_conditions(company_id, params)
    sort_columns = {
        "start_time": InterviewSession.start_time,
        "candidate": func.lower(func.coalesce(func.nullif(_candidate_name(), ""), User.email)),
        "job": func.lower(Job.title),
        "status": InterviewSession.status,
        "completion": InterviewSession.completion_percentage,
        "technical": InterviewSession.technical_accuracy,
        "behavioral": InterviewSession.behavioral_score,
    }
    column = sort_columns[params.sort_key]
    order = (column.desc() if params.descending else column.asc()).nulls_last()
    tie_breaker = InterviewSession.id.desc() if params.descending else InterviewSession.id.asc()
    return (
        select(
            InterviewSession.id,
            InterviewSession.session_id,
            InterviewSession.status,
            # Shown in UTC whatever the connection's time zone: naive UTC, labelled as such.
            func.timezone("UTC", InterviewSession.start_time).label("start_utc"),
            InterviewSession.duration,
            InterviewSession.completion_percentage,
            InterviewSession.technical_accuracy,
            InterviewSession.behavioral_score,
            User.first_name,
            User.last_name,
            User.email,
            Job.id.label("job_id"),
            Job.title.label("job_title"),
            sentiment.c.overall_sentiment,
            sentiment.c.employer_visible,
        )
        .select_from(InterviewSession)
        .join(Job, InterviewSession.job_id == Job.id)
        .outerjoin(User, InterviewSession.user_id == User.id)
        .outerjoin(sentiment, true())
        .where(*scope, *conditions)
        .order_by(order, tie_breaker)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )


@dataclass(frozen=True)
class InterviewListPage(ListPage):
    total: int  # all the company's interviews
    params: InterviewListParams


def interview_list_page(session: Session, company_id: int, params: InterviewListParams) -> InterviewListPage:
    """The list page: exactly two statements (counts, then the rows)."""
    matching, total = session.execute(select_interview_list_counts(company_id, params)).one()
    page, pages = clamp_page(params.page, matching, PER_PAGE)
    rows = session.execute(select_interview_list_rows(company_id, params, page)).all() if matching else []
    return InterviewListPage(rows, matching, page, pages, PER_PAGE, total=total, params=params.with_(page=page))
