"""Reads for the employer's interviews list. Every function is scoped to one company (the caller passes its id)
and to what the member's role reaches there (webapp.team.scope.reach): a hiring manager's are the interviews of
their team's jobs (the job ids are theirs alone, and the counts never come from the company's counters), an
interviewer's the interviews assigned to them (reached through their assignments, counted without counters).

(The interview page's reads live in page_queries.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, ClassVar, NamedTuple

from sqlalchemy import (
    ARRAY,
    BigInteger,
    DateTime,
    Integer,
    Select,
    String,
    Text,
    any_,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session, aliased
from werkzeug.datastructures import MultiDict

from webapp.dateranges import BadQueryParameter, check_range, parse_date
from webapp.dateranges import day_start as _day_start
from webapp.models import (
    INTERVIEW_STATUSES,
    CompanyInterviewCount,
    InterviewAssignment,
    InterviewSession,
    Job,
    JobInterviewCount,
    SentimentSession,
    User,
    interview_date,
)
from webapp.pagination import COUNT_LIMIT, ListPage, ListParams, clamp_page, page_number
from webapp.team.scope import ASSIGNED_INTERVIEWS, EVERYTHING, TEAM_JOBS, on_job_team

PER_PAGE = 25
SEARCH_MAX = 255
# Newest first: the interview an employer looks for is usually the latest one. The `start_time` sort (its URL
# name) and the date filters read the interview date: when it started, else when it is planned (interview_date).
DEFAULT_SORT = "-start_time"
SORT_KEYS = ("start_time", "candidate", "job", "status", "completion", "technical", "behavioral")
# Columns whose natural first click is "highest/newest first".
DESCENDING_FIRST = ("start_time", "completion", "technical", "behavioral")
# From this many matching interviews on, a page walks a platform-wide order index and keeps the
# company's rows (about 26 x platform / matching index entries per page); below it, reading the
# company's sessions through the job index and sorting them is cheaper (at 1M sessions both cost
# about the same near 5,000 rows).
WALK_FROM = 3_000


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
    # Filters the dashboard's links set (the form shows them as chips, not as open choices): one candidate's
    # interviews, reviewed or not (REVIEW_FILTERS), a reported technical difficulty. The last two read each
    # session row (no index holds notes or the flag); the dashboard's links bound them to a few days.
    candidate: int | None = None
    reviewed: str = ""
    difficulty: str = ""

    @classmethod
    def parse(cls, args: MultiDict, job_ids: set[int] | None = None) -> InterviewListParams:
        """Read and check the parameters; `job_ids` are the company's own jobs (None: checked later, by
        interview_list_page, which reads them with the counts).

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
        reviewed, difficulty = args.get("reviewed", "").strip(), args.get("difficulty", "").strip()
        if reviewed and reviewed not in REVIEW_FILTERS:
            raise BadQueryParameter(
                "Reviewed must be “yes” or “no” (an interview is reviewed once it has notes)."
            )
        if difficulty and difficulty != "reported":
            raise BadQueryParameter("Technical difficulty can only be filtered on “reported”.")
        return cls(
            q=q,
            job=_job(args.get("job", ""), job_ids),
            status=status,
            date_from=date_from,
            date_to=date_to,
            sort=sort if sort.removeprefix("-") in SORT_KEYS else DEFAULT_SORT,
            page=page_number(args.get("page", "")),
            candidate=_candidate(args.get("candidate", "")),
            reviewed=reviewed,
            difficulty=difficulty,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.job or self.status or self.date_from or self.date_to or self.candidate
                    or self.reviewed or self.difficulty)

    def sort_link(self, key: str) -> str:
        """The sort a column header links to: flip the current column, else its natural order."""
        if self.sort_key == key:
            return key if self.descending else f"-{key}"
        return f"-{key}" if key in DESCENDING_FIRST else key


UNKNOWN_JOB = "Unknown job: choose one of your own jobs, or all jobs."
# An interview counts as reviewed once someone wrote interviewer notes on it (there is no other review record).
REVIEW_FILTERS = ("yes", "no")


def _candidate(raw: str) -> int | None:
    """A candidate's user id. No existence check: the list is scoped to the company's interviews, so another
    company's candidate (or nobody) simply matches nothing, and the page names a candidate only from its rows."""
    raw = raw.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > 2**31 - 1:
        raise BadQueryParameter("Unknown candidate: open the list from a candidate's name, or clear the filters.")
    return int(raw)


def _job(raw: str, job_ids: set[int] | None) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    # Another company's job answers exactly like a job that does not exist: nothing leaks.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or (job_ids is not None and int(raw) not in job_ids):
        raise BadQueryParameter(UNKNOWN_JOB)
    return int(raw)


def _like_pattern(text: str) -> str:
    """An ILIKE pattern that matches `text` literally anywhere (escape char: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Constants written into the SQL, not sent as parameters: a generic plan sees `coalesce(first_name, $3)`,
# which no expression index matches.
EMPTY, SPACE = literal_column("''", String), literal_column("' '", String)


def _candidate_name():
    """The name as searched: first and last name (IMMUTABLE spelling: idx_users_user_name_trgm serves it)."""
    return func.coalesce(User.first_name, EMPTY) + SPACE + func.coalesce(User.last_name, EMPTY)


def _candidate_key():
    """The candidate column's sort key: the lower-cased name, else the email (idx_users_user_display_name)."""
    name = func.lower(func.btrim(_candidate_name()))
    return func.coalesce(func.nullif(name, EMPTY), func.lower(User.email))


class Shape(NamedTuple):
    """What a list statement's SQL depends on (the values travel as parameters): built once per shape."""

    sort: str
    walk: bool = False
    q: bool = False
    job: bool = False
    status: bool = False
    date_from: bool = False
    date_to: bool = False
    candidate: bool = False
    reviewed: str = ""
    difficulty: bool = False
    reach: str = EVERYTHING  # how much of the company the member sees (webapp.team.scope.reach)

    sort_key = property(lambda self: self.sort.removeprefix("-"))
    descending = property(lambda self: self.sort.startswith("-"))

    @classmethod
    def of(cls, params: InterviewListParams, walk: bool = False, reach: str = EVERYTHING) -> Shape:
        return cls(params.sort, walk, bool(params.q), bool(params.job), bool(params.status),
                   bool(params.date_from), bool(params.date_to), bool(params.candidate), params.reviewed,
                   bool(params.difficulty), reach)


def _member():
    """The member whose team or assignments narrow the list (restricted roles only)."""
    return bindparam("member", type_=Integer)


def _assigned():
    """The member's assigned sessions: idx_interview_assignment_user serves it, whatever the company's size."""
    return select(InterviewAssignment.interview_session_id).where(InterviewAssignment.user_id == _member())


def _member_jobs(reach: str) -> list:
    """Conditions narrowing the company's jobs to the member's: a hiring manager's team jobs, an
    interviewer's jobs with an interview assigned to them (the job filter's choices)."""
    if reach == TEAM_JOBS:
        return [on_job_team(Job.id, _member())]
    if reach == ASSIGNED_INTERVIEWS:
        return [Job.id.in_(select(InterviewSession.job_id).where(InterviewSession.id.in_(_assigned())))]
    return []


def _values(job_ids: list[int], params: InterviewListParams, **more) -> dict[str, Any]:
    """The parameters of the list's statements (see the bindparams of _interview_list_conditions)."""
    return {
        "ids": list(job_ids),
        "pattern": _like_pattern(params.q) if params.q else None,
        "job": params.job,
        "status": params.status or None,
        "since": _day_start(params.date_from) if params.date_from else None,
        "until": _day_start(params.date_to + timedelta(days=1)) if params.date_to else None,
        "candidate": params.candidate,
        **more,
    }


def _job_ids():
    """The company's job ids as ONE array parameter: one statement text (and a cached plan) for every company."""
    return bindparam("ids", type_=ARRAY(Integer))


def _interview_list_conditions(shape: Shape, in_company=None) -> tuple[list, list]:
    """(the tenant conditions, the user's filter conditions), with their values as parameters (_values).

    Sessions have no company id: the scope is "the sessions of the company's jobs", given as
    the ids the view already read. With `walk` the scope is a filter no index serves
    (`job_id + 0`), so every plan, a cached generic one included, walks an order index and
    stops after one page; otherwise it is `job_id = ANY(ids)`, which the job index serves.
    (A generic plan guesses ten jobs for an array parameter: a big company would then
    read and sort its whole history.)
    There is deliberately no practice filter: practice sessions are a candidate's own
    rehearsal and never belong in an employer's list, whatever job they mention.
    """
    # An interviewer's sessions are reached through their assignments, never a job index: `+ 0` here too.
    unindexed = shape.walk or shape.reach == ASSIGNED_INTERVIEWS
    job_id = InterviewSession.job_id + 0 if unindexed else InterviewSession.job_id  # `+ 0`: no index serves it
    if in_company is None:
        in_company = job_id == any_(_job_ids())
    scope = [in_company, InterviewSession.is_practice.is_not(True)]
    if shape.reach == ASSIGNED_INTERVIEWS:
        scope.append(InterviewSession.id.in_(_assigned()))
    conditions = []
    if shape.q:
        pattern = bindparam("pattern", type_=String)
        matching_people = select(User.id).where(
            or_(_candidate_name().ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))
        )
        conditions.append(InterviewSession.user_id.in_(matching_people))
    if shape.job:
        conditions.append(InterviewSession.job_id == bindparam("job", type_=Integer))
    if shape.status:
        conditions.append(InterviewSession.status == bindparam("status", type_=String))
    if shape.date_from:
        conditions.append(interview_date() >= bindparam("since", type_=DateTime(timezone=True)))
    if shape.date_to:
        conditions.append(interview_date() < bindparam("until", type_=DateTime(timezone=True)))
    if shape.candidate:
        conditions.append(InterviewSession.user_id == bindparam("candidate", type_=Integer))
    if shape.reviewed:
        conditions.append(has_notes() if shape.reviewed == "yes" else ~has_notes())
    if shape.difficulty:
        conditions.append(InterviewSession.technical_difficulty_reported.is_(True))
    return scope, conditions


def has_notes(sessions=InterviewSession):
    """Reviewed: someone wrote interviewer notes (blank ones, as a raw write might leave, do not count)."""
    return func.coalesce(func.btrim(sessions.interviewer_notes), EMPTY) != EMPTY


def select_interview_list_jobs(company_id: int, reach: str = EVERYTHING, member: int | None = None) -> Select:
    """The member's jobs of the company for the job filter (and for checking a `job` parameter), in the job
    sort's order."""
    return (
        select(Job.id, Job.title)
        .where(Job.company_id == company_id, *_member_jobs(reach))
        .order_by(func.lower(Job.title), Job.id)
        .params(member=member)
    )


def _bounded_count(conditions: list):
    """How many sessions match, counting at most `count_cut` (an index range, never the company's history)."""
    matching = select(InterviewSession.id).where(*conditions).limit(bindparam("count_cut", type_=BigInteger)).subquery()
    return select(func.count()).select_from(matching).scalar_subquery()


def _counters_count(shape: Shape) -> bool:
    # Assignments have no counters; the company's counters would count a hiring manager's colleagues' jobs.
    return not (shape.q or shape.date_from or shape.date_to or shape.candidate or shape.reviewed or shape.difficulty
                or shape.reach == ASSIGNED_INTERVIEWS)


def _counted(shape: Shape):
    """The exact count from the counters the database keeps (migration 0010: real interviews per company
    and status, or per job and status; a hiring manager's: their team's jobs'), or None when a filter
    (search, dates) is not one they count by, or for an interviewer. A few counter rows either way.
    """
    if not _counters_count(shape):
        return None
    if shape.job:
        counter, conditions = JobInterviewCount, [JobInterviewCount.job_id == bindparam("job", type_=Integer)]
    elif shape.reach == TEAM_JOBS:
        team_jobs = select(Job.id).where(Job.company_id == bindparam("company", type_=Integer), *_member_jobs(TEAM_JOBS))
        counter, conditions = JobInterviewCount, [JobInterviewCount.job_id.in_(team_jobs)]
    else:
        counter = CompanyInterviewCount
        conditions = [CompanyInterviewCount.company_id == bindparam("company", type_=Integer)]
    if shape.status:
        conditions.append(counter.status == bindparam("status", type_=String))
    return select(func.coalesce(func.sum(counter.interviews), 0)).where(*conditions).scalar_subquery()


def _company_jobs(reach: str):
    """The member's job ids and titles of the company as two arrays, in the job sort's order (title, then id)."""
    return (
        select(*(func.array_agg(aggregate_order_by(column, func.lower(Job.title), Job.id)).label(name)
                 for name, column in (("job_ids", Job.id), ("job_titles", Job.title))))
        .where(Job.company_id == bindparam("company", type_=Integer), *_member_jobs(reach))
        .subquery("company_jobs")
    )


@lru_cache(maxsize=64)
def _counts_statement(shape: Shape, with_jobs: bool = False) -> Select:
    """select_interview_list_counts' statement; `with_jobs` adds the company's job ids and titles (in the
    job sort's order), so the page reads them in the same statement."""
    # Counting (search, dates) by job: a semi-join on the member's jobs, each one's index range in turn
    # (an interviewer's: their assignments, the jobs only checked).
    job_id = InterviewSession.job_id + 0 if shape.reach == ASSIGNED_INTERVIEWS else InterviewSession.job_id
    # An interviewer's sessions are their assignments already: the company's jobs only check the tenant
    # (narrowing them to "jobs with an assignment" would re-read every such job's sessions per row).
    narrowing = [] if shape.reach == ASSIGNED_INTERVIEWS else _member_jobs(shape.reach)
    member_jobs = select(Job.id).where(Job.company_id == bindparam("company", type_=Integer), *narrowing)
    scope, conditions = _interview_list_conditions(shape, job_id.in_(member_jobs) if with_jobs else None)
    matching = _counted(shape)
    if matching is None:
        matching = _bounded_count(scope + conditions)
    total = literal(None)
    if conditions:
        total = _counted(Shape("", reach=shape.reach))
        if total is None:
            total = _bounded_count(scope)
    counts = select(matching.label("matching"), total.label("total"))
    if not with_jobs:
        return counts
    jobs = _company_jobs(shape.reach)
    return counts.add_columns(jobs.c.job_ids, jobs.c.job_titles).select_from(jobs)


def select_interview_list_counts(
    company_id: int, job_ids: list[int], params: InterviewListParams, limit: int,
    reach: str = EVERYTHING, member: int | None = None,
) -> Select:
    """One row: (matching, total) interviews the member sees, so an empty page knows which empty state it is.

    Exact from the counters where they apply; otherwise counted up to limit + 1 (the page then says "10,000+").
    """
    values = _values(job_ids, params, company=company_id, count_cut=limit + 1, member=member)
    return _counts_statement(Shape.of(params, reach=reach)).params(values)


def _latest_sentiment():
    """Per interview (LATERAL): its newest sentiment summary; an index probe on idx_sentiment_session_interview.

    `employer_visible` follows the review page (page_queries.sentiment_hidden): any summary the candidate's
    side did not share hides the sentiment, NULL included; a second probe on the same index.
    """
    other = aliased(SentimentSession)
    unshared = exists().where(
        other.interview_session_id == SentimentSession.interview_session_id, other.employer_visible.is_not(True)
    )
    return (
        select(SentimentSession.overall_sentiment, (~unshared).label("employer_visible"),
               SentimentSession.interviewer_visible)
        .where(SentimentSession.interview_session_id == InterviewSession.id)
        .order_by(SentimentSession.created_at.desc(), SentimentSession.id.desc())
        .limit(1)
        .lateral("latest_sentiment")
    )


# Session values sorted through their own index (0008: `col DESC NULLS LAST, id DESC`; the interview date:
# 0016's idx_interview_session_when), from the sessions table or an alias of it.
INDEXED_COLUMNS = {
    "start_time": interview_date,
    "completion": lambda sessions: sessions.completion_percentage,
    "technical": lambda sessions: sessions.technical_accuracy,
    "behavioral": lambda sessions: sessions.behavioral_score,
    "status": lambda sessions: sessions.status,
}


# What the branches read of a session.
SESSION_COLUMNS = ("id", "job_id", "user_id", "status", "start_time", "scheduled_time", "completion_percentage",
                   "technical_accuracy", "behavioral_score")


def _ordered(column, descending: bool, nulls_last: bool | None = None):
    """`column` in the list's direction; nulls_last None is PostgreSQL's default placement (as the indexes
    are declared), False is the placement a backward scan of a `DESC NULLS LAST` index gives.
    """
    if nulls_last is None:
        return column.desc() if descending else column.asc()
    if descending:
        return column.desc().nulls_last() if nulls_last else column.desc().nulls_first()
    return column.asc().nulls_last() if nulls_last else column.asc().nulls_first()


def _newest_first(descending: bool, sessions=InterviewSession) -> list:
    """Within one job or one candidate: newest first, reversed with the list (one index walk either way)."""
    within = not descending
    return [
        _ordered(interview_date(sessions), within, nulls_last=within),
        _ordered(sessions.id, within),
    ]  # nulls_last=within: `date DESC NULLS LAST` read forward (within) or backward


def _ordered_branches(conditions: list, params: Shape, limit, sessions=InterviewSession) -> list[Select]:
    """The matching sessions in list order as index-ordered branches, each cut at `limit` rows
    (`sessions`: the sessions table, or a small company's sessions read beforehand).

    Each branch selects (branch, k1, k2, k3, id) and is already in (k1, k2, k3, id) order; the
    branches follow one another (branch 0 first). Sorting by a nullable column puts the rows
    without a value last in both directions: they are the second branch, so one index
    (`col DESC NULLS LAST, id DESC`) serves the column both ways, read forward or backward.
    """
    descending = params.descending
    blank_key, no_id, no_time = null().cast(Text), null().cast(Integer), null().cast(DateTime(timezone=True))
    if params.sort_key in INDEXED_COLUMNS:
        column = INDEXED_COLUMNS[params.sort_key](sessions)
        # Backward, `DESC NULLS LAST` reads as `ASC NULLS FIRST`: same rows once NULLs are filtered out.
        values = (
            select(literal(0).label("branch"), column.label("k1"), no_id.label("k2"), no_time.label("k3"),
                   sessions.id)
            .where(*conditions, column.is_not(None))
            .order_by(_ordered(column, descending, nulls_last=descending), _ordered(sessions.id, descending))
        )
        valued = values.limit(limit).cte(f"valued_{params.sort_key}")
        # The blanks are read only when the values do not fill the page: without this gate a filter that no
        # blank row matches (status=completed, say) would walk every blank of the platform to find none.
        short = select(func.count()).select_from(valued).scalar_subquery() < limit
        blanks = (
            select(literal(1).label("branch"), null().cast(column.type).label("k1"), no_id.label("k2"),
                   no_time.label("k3"), sessions.id)
            .where(short, *conditions, column.is_(None))
            .order_by(_ordered(column, descending, nulls_last=descending), _ordered(sessions.id, descending))
        )
        return [select(valued), blanks.limit(limit)]
    if params.sort_key == "job":
        # The company's jobs in title order (as the view read them), each one's newest sessions first
        # (idx_interview_session_job_when): at most `limit` rows per job, never a sort of the company.
        jobs = (
            func.unnest(_job_ids())
            .table_valued("job_id", with_ordinality="position")
            .render_derived(name="jobs")
        )
        newest = (
            select(sessions.id, interview_date(sessions).label("interview_date"))
            .where(sessions.job_id == jobs.c.job_id, *conditions)
            .order_by(*_newest_first(descending, sessions))
            .limit(limit)
            .lateral("newest")
        )
        by_job = select(literal(0).label("branch"), jobs.c.position.label("k1"), no_id.label("k2"),
                        newest.c.interview_date.label("k3"), newest.c.id).select_from(jobs).join(newest, true())
        return [by_job]
    # candidate: walks people by name (idx_users_user_display_name); sessions without one come last.
    key = _candidate_key()
    people = (
        select(literal(0).label("branch"), key.label("k1"), User.id.label("k2"),
               interview_date(sessions).label("k3"), sessions.id)
        .join(User, sessions.user_id == User.id)
        .where(*conditions)
        .order_by(_ordered(key, descending), _ordered(User.id, descending), *_newest_first(descending, sessions))
    )
    nobody = (
        select(literal(1).label("branch"), blank_key.label("k1"), no_id.label("k2"), no_time.label("k3"),
               sessions.id)
        .where(*conditions, sessions.user_id.is_(None))
        .order_by(_ordered(sessions.id, not descending))
    )
    return [people.limit(limit), nobody.limit(limit)]


def _list_order(columns, params: Shape) -> list:
    """The order of the branches' rows once merged: branch, then (k1, k2, k3, id) as each branch sorted them."""
    descending = params.descending
    within = not descending if params.sort_key in ("job", "candidate") else descending  # see _newest_first
    return [
        columns.branch,
        _ordered(columns.k1, descending),  # never NULL within a branch
        _ordered(columns.k2, descending),
        _ordered(columns.k3, within, nulls_last=within),
        _ordered(columns.id, within),
    ]


def select_interview_list_rows(
    job_ids: list[int], params: InterviewListParams, page: int, per_page: int, walk: bool = False,
    reach: str = EVERYTHING, member: int | None = None,
) -> Select:
    """One page of the list (and the first row of the next, so the pager knows there is one) with every
    column the table shows: one statement whatever the page size.

    The page's ids come from index-ordered branches cut at the page's end; the joins and the
    latest-sentiment look-up run only for those rows. `walk`: many rows match (see WALK_FROM).
    """
    values = _rows_values(job_ids, params, page, per_page, member)
    return _rows_statement(Shape.of(params, walk, reach)).params(values)


def _rows_values(
    job_ids: list[int], params: InterviewListParams, page: int, per_page: int, member: int | None = None
) -> dict[str, Any]:
    offset = (page - 1) * per_page
    return _values(job_ids, params, cut=offset + per_page + 1, skip=offset, rows=per_page + 1, member=member)


@lru_cache(maxsize=256)
def _rows_statement(shape: Shape) -> Select:
    """select_interview_list_rows' statement for one shape; `cut`: each branch's rows, `skip`/`rows`: the page."""
    scope, conditions = _interview_list_conditions(shape)
    cut = bindparam("cut", type_=BigInteger)
    sessions, where = InterviewSession, scope + conditions
    if not shape.walk:
        # A small company's sessions first (job index), then sorted: a fence (MATERIALIZED), so no
        # plan, a generic one guessing the company's size included, walks a platform-wide index for them.
        read = select(*(getattr(InterviewSession, name) for name in SESSION_COLUMNS)).where(*where)
        sessions, where = aliased(InterviewSession, read.cte("company_sessions").prefix_with("MATERIALIZED")), []
    branches = [branch.subquery() for branch in _ordered_branches(where, shape, cut, sessions)]
    ordered = union_all(*(select(branch) for branch in branches)).subquery("ordered")
    shown = (
        select(ordered).order_by(*_list_order(ordered.c, shape))
        .offset(bindparam("skip", type_=BigInteger)).limit(bindparam("rows", type_=BigInteger)).subquery("shown")
    )
    sentiment = _latest_sentiment()
    return (
        select(
            InterviewSession.id,
            InterviewSession.session_id,
            InterviewSession.status,
            # Shown in UTC whatever the connection's time zone: naive UTC, labelled as such. The interview
            # date: when it started, else (start_utc NULL) when it is planned.
            func.timezone("UTC", interview_date()).label("date_utc"),
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
            sentiment.c.interviewer_visible,  # the results are shared with the candidate (sharing.py)
        )
        .select_from(shown)
        .join(InterviewSession, InterviewSession.id == shown.c.id)
        .join(Job, InterviewSession.job_id == Job.id)
        .outerjoin(User, InterviewSession.user_id == User.id)
        .outerjoin(sentiment, true())
        .order_by(*_list_order(shown.c, shape))
    )


@dataclass(frozen=True)
class InterviewListPage(ListPage):
    total: int  # all the interviews the member sees
    params: InterviewListParams
    capped: bool = False  # more than `limit` match: the count reads "10,000+" and pages are open-ended
    more: bool = False  # a row exists after this page
    jobs: tuple = ()  # the company's jobs, (id, title) in title order: the job filter's choices

    @property
    def has_next(self) -> bool:
        return self.more

    @property
    def total_text(self) -> str:
        return f"{self.total:,}"  # exact: the counters (or, for an interviewer, their assignments) count them

    @property
    def past_the_end(self) -> bool:
        """A page beyond the last one of an open-ended list (nothing to show there)."""
        return self.capped and not self.rows


def interview_list_page(
    session: Session, company_id: int, params: InterviewListParams, count_limit: int = COUNT_LIMIT,
    reach: str = EVERYTHING, member: int | None = None,
) -> InterviewListPage:
    """The list page: exactly two statements (the member's jobs with the bounded counts, then the rows),
    whatever the role; `reach` and `member`: whose part of the company (webapp.team.scope.reach).

    Raises BadQueryParameter when the `job` filter is not one of the member's jobs.
    """
    shape = Shape.of(params, reach=reach)
    counts = _values([], params, company=company_id, count_cut=count_limit + 1, member=member)
    matching, total, job_ids, titles = session.execute(_counts_statement(shape, True), counts).one()
    job_ids, titles = job_ids or [], titles or []
    if params.job and params.job not in job_ids:
        raise BadQueryParameter(UNKNOWN_JOB)
    total = matching if total is None else total
    capped = not _counters_count(shape) and matching > count_limit
    if capped:
        page, pages = params.page, -(-count_limit // PER_PAGE)  # open-ended: the page is not clamped
    else:
        page, pages = clamp_page(params.page, matching, PER_PAGE)
    rows = []
    if matching:
        # One job's candidates are a thin slice of the name order (a walk could read most users to fill
        # a page); its few thousand sessions are read and sorted instead.
        # An interviewer's sessions come through their assignments, never a walk of the platform's.
        walk = (matching >= WALK_FROM and not (params.job and params.sort_key == "candidate")
                and reach != ASSIGNED_INTERVIEWS)
        statement = _rows_statement(Shape.of(params, walk, reach))
        rows = session.execute(statement, _rows_values(job_ids, params, page, PER_PAGE, member)).all()
    return InterviewListPage(
        rows[:PER_PAGE], min(matching, count_limit) if capped else matching, page, pages, PER_PAGE,
        total=total, params=params.with_(page=page), capped=capped, more=len(rows) > PER_PAGE,
        jobs=tuple(zip(job_ids, titles, strict=True)),
    )
