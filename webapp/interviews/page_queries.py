"""Reads for one interview's review page: a fixed number of statements, however much data there is."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Float, Select, Text, bindparam, cast, exists, func, inspect, or_, select, text, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from webapp.models import (
    AssessmentCategory,
    AssessmentType,
    BehavioralAnalysis,
    CulturalFit,
    InterviewAssessment,
    InterviewSession,
    Job,
    SentimentContextFactors,
    SentimentHistory,
    SentimentSession,
    Skill,
    SkillAssessment,
    SkillAssessmentHistory,
    SkillCategory,
)

# Points are read from start - 1 day to end + 1 day: wide enough for clock skew between
# the engine and the database, narrow enough for PostgreSQL to prune the monthly partitions.
HISTORY_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class Header:
    """Candidate and job for the page header."""

    first_name: str | None
    last_name: str | None
    username: str | None
    email: str | None
    job_id: int | None
    job_title: str | None


def header_of(interview: InterviewSession) -> Header:
    """From the candidate and job get_interview_or_404 loaded with the interview: no statement."""
    user, job = interview.user, interview.job
    return Header(
        first_name=user.first_name if user else None,
        last_name=user.last_name if user else None,
        username=user.username if user else None,
        email=user.email if user else None,
        job_id=job.id if job else None,
        job_title=job.title if job else None,
    )


def select_sentiment_sessions(interview_id: int) -> Select:
    """The interview's sentiment summaries, newest first (normally exactly one)."""
    return (
        select(SentimentSession)
        .where(SentimentSession.interview_session_id == interview_id)
        .order_by(SentimentSession.created_at.desc().nulls_last(), SentimentSession.id.desc())
    )


def history_window(interview: InterviewSession, now: datetime | None = None) -> tuple[datetime | None, datetime]:
    """The time bound on "timestamp" that lets PostgreSQL prune partitions."""
    start = interview.start_time or interview.scheduled_time or interview.created_at
    end = interview.end_time or now or datetime.now(UTC)
    if start is not None and start > end:
        end = start
    return (start - HISTORY_MARGIN if start else None), end + HISTORY_MARGIN


def _as_float(column):
    # The charts draw floats: float8 comes off the wire as a float, NUMERIC as a Decimal parsed from text.
    return cast(column, Float).label(column.key)


def read_points(session: Session, statement: Select, params: dict | None = None) -> list[dict[str, Any]]:
    """The points of `select_history_points(..., json_as_text=True)` as dicts, key_themes and flags decoded."""
    decoded: dict[str, Any] = {}

    def load(raw: str | None) -> Any:
        if raw is None:
            return None
        if raw not in decoded:
            decoded[raw] = json.loads(raw)
        return decoded[raw]

    result = session.execute(statement, params)
    keys = list(result.keys())  # zip beats Row._asdict fourfold, which shows at 250 points
    points = [dict(zip(keys, row)) for row in result]
    for point in points:
        point["key_themes"] = load(point["key_themes"])
        point["flags"] = load(point["flags"])
    return points


def select_history_points(interview: InterviewSession, now: datetime | None = None, *, json_as_text: bool = False
                          ) -> Select:
    """Every sentiment point of the interview with its context factors, in time order.

    `json_as_text`: key_themes and flags as their JSON text, for read_points to decode.
    """
    low, high = history_window(interview, now)
    return _history_points(interview.id, low, high, json_as_text=json_as_text)


@functools.cache
def _history_points_template(bounded_below: bool) -> Select:
    # Built once: constructing and keying this statement costs more than running it.
    low = bindparam("low") if bounded_below else None
    return _history_points(bindparam("interview_id"), low, bindparam("high"), json_as_text=True)


def read_history_points(session: Session, interview: InterviewSession) -> list[dict[str, Any]]:
    """select_history_points, run from a statement built once per process."""
    low, high = history_window(interview)
    params = {"interview_id": interview.id, "high": high} | ({"low": low} if low is not None else {})
    return read_points(session, _history_points_template(low is not None), params)


def _history_points(interview_id, low, high, *, json_as_text: bool) -> Select:
    """The points statement for values or bind parameters (`low` None: no lower bound)."""
    context = SentimentContextFactors
    if json_as_text:
        # Decoded once per distinct value by read_points (answers repeat their themes), not once per row.
        themes, flags = cast(context.key_themes, Text).label("key_themes"), cast(context.flags, Text).label("flags")
    else:
        themes, flags = context.key_themes, context.flags
    statement = (
        select(
            SentimentHistory.id,
            SentimentHistory.timestamp,
            _as_float(SentimentHistory.positive_score),
            _as_float(SentimentHistory.negative_score),
            _as_float(SentimentHistory.neutral_score),
            _as_float(SentimentHistory.mixed_score),
            _as_float(SentimentHistory.confidence),
            SentimentHistory.detail,
            _as_float(context.value_alignment_score),
            _as_float(context.requirement_addressing_score),
            _as_float(context.response_relevance_score),
            _as_float(context.confidence_score),
            _as_float(context.enthusiasm_score),
            _as_float(context.authenticity_score),
            themes,
            flags,
        )
        .outerjoin(
            context,
            # Both columns of the composite key, so the join is pruned to the same partitions.
            (context.sentiment_history_id == SentimentHistory.id)
            & (context.sentiment_history_timestamp == SentimentHistory.timestamp),
        )
        .where(SentimentHistory.interview_session_id == interview_id, SentimentHistory.timestamp <= high)
        .order_by(SentimentHistory.timestamp, SentimentHistory.id)
    )
    if low is not None:
        statement = statement.where(SentimentHistory.timestamp >= low)
    return statement


def _json_list(entry, *order, where) -> Select:
    """A JSON array of `entry` (a json_build_object) over the rows `where` selects, in `order`; [] for none."""
    return select(func.coalesce(func.json_agg(aggregate_order_by(entry, *order)), text("'[]'::json"))).where(where)


def _skills_json(interview_id):
    """The interview's skills in page order, each with its score history in time order."""
    history = SkillAssessmentHistory
    scores = _json_list(
        func.json_build_object("score", history.score),
        history.timestamp, history.id,
        where=history.skill_assessment_id == SkillAssessment.id,
    ).scalar_subquery()
    entry = func.json_build_object(
        "id", SkillAssessment.id,
        "skill", Skill.name,
        "category", SkillCategory.name,
        "accumulated_score", SkillAssessment.accumulated_score,
        "update_count", SkillAssessment.update_count,
        "history", scores,
    )
    return (
        _json_list(entry, SkillCategory.name.nulls_last(), Skill.name, SkillAssessment.id,
                   where=SkillAssessment.interview_session_id == interview_id)
        .select_from(SkillAssessment)
        .join(Skill, SkillAssessment.skill_id == Skill.id)
        .outerjoin(SkillCategory, Skill.category_id == SkillCategory.id)
        .scalar_subquery()
    )


def _assessments_json(interview_id):
    """The interview's assessments by type, then category (unnamed ones last)."""
    entry = func.json_build_object(
        "id", InterviewAssessment.id,
        "type", AssessmentType.name,
        "category", AssessmentCategory.name,
        "score", InterviewAssessment.score,
        "details", InterviewAssessment.details,
    )
    return (
        _json_list(entry, AssessmentType.name.nulls_last(), AssessmentCategory.name.nulls_last(), InterviewAssessment.id,
                   where=InterviewAssessment.interview_session_id == interview_id)
        .select_from(InterviewAssessment)
        .outerjoin(AssessmentType, InterviewAssessment.assessment_type_id == AssessmentType.id)
        .outerjoin(AssessmentCategory, InterviewAssessment.category_id == AssessmentCategory.id)
        .scalar_subquery()
    )


@functools.cache
def _review_data_template() -> Select:
    # Built once (see _history_points_template).
    return select_review_data(bindparam("interview_id"))


def select_review_data(interview_id) -> Select:
    """Everything of the review but the points, in one statement (each round trip costs more than its query).

    One row per sentiment summary, newest first (normally exactly one; at least one row), each
    with the cultural fit, the behavioral analysis (either may be missing), and the skills and
    assessments as JSON arrays.
    """
    return (
        select(
            SentimentSession,
            CulturalFit,
            BehavioralAnalysis,
            _skills_json(interview_id).label("skills"),
            _assessments_json(interview_id).label("assessments"),
        )
        .select_from(InterviewSession)
        .outerjoin(SentimentSession, SentimentSession.interview_session_id == InterviewSession.id)
        .outerjoin(CulturalFit, CulturalFit.interview_session_id == InterviewSession.id)
        .outerjoin(BehavioralAnalysis, BehavioralAnalysis.interview_session_id == InterviewSession.id)
        .where(InterviewSession.id == interview_id)
        .order_by(SentimentSession.created_at.desc().nulls_last(), SentimentSession.id.desc())
    )


@dataclass
class SkillRow:
    id: int
    skill: str
    score: Any
    update_count: int | None
    history: list[Any] = field(default_factory=list)


@dataclass
class InterviewReview:
    """Everything the page shows about one interview."""

    interview: InterviewSession
    header: Any
    sentiment: SentimentSession | None
    sentiment_hidden: bool
    points: list[Any]
    skills_by_category: list[tuple[str, list[SkillRow]]]
    assessments_by_type: list[tuple[str, list[tuple[str, list[Any]]]]]
    cultural_fit: CulturalFit | None
    behavior: BehavioralAnalysis | None
    sentiments: list[SentimentSession] = field(default_factory=list)


def _grouped(rows, key):
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return list(groups.items())


def sentiment_hidden(sentiments: list[SentimentSession]) -> bool:
    """Any summary the candidate's side marked hidden hides the sentiment data as a whole.

    The points cannot be told apart per summary. NULL counts as hidden, never as shown.
    """
    return any(s.employer_visible is not True for s in sentiments)


def load_review(session: Session, interview: InterviewSession) -> InterviewReview:
    """Two statements: the review data (select_review_data), then the points unless they are hidden."""
    rows = session.execute(_review_data_template(), {"interview_id": interview.id}).all()
    sentiments = [row.SentimentSession for row in rows if row.SentimentSession is not None]
    first = rows[0]
    hidden = sentiment_hidden(sentiments)
    points = [] if hidden else read_history_points(session, interview)

    skills = [
        (item["category"] or "Other",
         SkillRow(item["id"], item["skill"], item["accumulated_score"], item["update_count"], item["history"]))
        for item in first.skills
    ]
    skills_by_category = [(category, [s for _, s in items]) for category, items in _grouped(skills, lambda item: item[0])]
    by_type = [
        (type_name, _grouped(group, lambda row: row["category"] or "General"))
        for type_name, group in _grouped(first.assessments, lambda row: row["type"] or "Other")
    ]
    return InterviewReview(
        interview=interview,
        header=header_of(interview),
        sentiment=None if hidden or not sentiments else sentiments[0],
        sentiment_hidden=hidden,
        points=points,
        skills_by_category=skills_by_category,
        assessments_by_type=by_type,
        cultural_fit=first.CulturalFit,
        behavior=first.BehavioralAnalysis if interview.enable_behavioral_analysis else None,
        sentiments=sentiments,
    )


# --- The live poll ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveCursor:
    """What the page already shows, carried by each poll: the panel's version and its last point."""

    version: str
    last_time: datetime | None = None
    last_id: int | None = None
    points: int = 0
    context_chart: bool = False


def _after_cursor(cursor: LiveCursor) -> list:
    if cursor.last_time is None:
        return []
    return [
        SentimentHistory.timestamp >= cursor.last_time,
        or_(SentimentHistory.timestamp > cursor.last_time, SentimentHistory.id > (cursor.last_id or 0)),
    ]


def select_live_summaries(interview: InterviewSession, cursor: LiveCursor, now: datetime | None = None) -> Select:
    """The sentiment summaries, newest first, each row saying whether a point follows the cursor.

    A poll with nothing new (most of them) then needs no second statement. At least one row.
    """
    low, high = history_window(interview, now)
    newer = select(SentimentHistory.id).where(
        SentimentHistory.interview_session_id == interview.id,
        SentimentHistory.timestamp <= high,
        *([SentimentHistory.timestamp >= low] if low is not None else []),
        *_after_cursor(cursor),
    )
    return (
        select(SentimentSession, exists(newer).label("has_new_points"))
        .select_from(InterviewSession)
        .outerjoin(SentimentSession, SentimentSession.interview_session_id == InterviewSession.id)
        .where(InterviewSession.id == interview.id)
        .order_by(SentimentSession.created_at.desc().nulls_last(), SentimentSession.id.desc())
    )


def _row_values(row: Any) -> tuple:
    return tuple(getattr(row, column.key) for column in inspect(row).mapper.column_attrs)


def live_version(interview: InterviewSession, sentiments: list[SentimentSession], rules: Any) -> str:
    """A digest of everything the live panel shows besides the points (status, timings, summary, rules).

    Whole rows, not a list of displayed fields: a column the panel starts showing later can never
    be forgotten here, and a change the panel does not show only costs one re-render.
    """
    state = (_row_values(interview), [_row_values(s) for s in sentiments], rules)
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


@dataclass
class LiveUpdate:
    """What a poll needs to decide between "nothing changed" and a new panel."""

    sentiments: list[SentimentSession]
    sentiment_hidden: bool
    has_new_points: bool


def load_live_update(session: Session, interview: InterviewSession, cursor: LiveCursor) -> LiveUpdate:
    """The sentiment summaries, and whether a (visible) point follows the cursor: one statement."""
    rows = session.execute(select_live_summaries(interview, cursor)).all()
    sentiments = [row.SentimentSession for row in rows if row.SentimentSession is not None]
    hidden = sentiment_hidden(sentiments)
    return LiveUpdate(sentiments=sentiments, sentiment_hidden=hidden,
                      has_new_points=bool(rows[0].has_new_points) and not hidden)


def live_review(interview: InterviewSession, update: LiveUpdate, points: list[Any]) -> InterviewReview:
    """The review as far as the live panel shows it: the header, the summary and the points (no statement)."""
    return InterviewReview(
        interview=interview,
        header=header_of(interview),
        sentiment=None if update.sentiment_hidden or not update.sentiments else update.sentiments[0],
        sentiment_hidden=update.sentiment_hidden,
        points=points,
        skills_by_category=[],
        assessments_by_type=[],
        cultural_fit=None,
        behavior=None,
        sentiments=update.sentiments,
    )


# --- Live and actions ------------------------------------------------------------------------

EXTENDABLE_STATUSES = ("scheduled", "in_progress")
DEFAULT_MAX_DURATION_MINUTES = 15  # the column default of max_duration_minutes, for NULLs in old rows


def extend_statement(interview_id: int, *, max_extensions: int, minutes: int):
    """One conditional UPDATE: the limit and the status are checked by the same statement that counts.

    Two clicks racing both run it; PostgreSQL re-evaluates the WHERE clause of the second on the
    row the first committed, so the count can never pass `max_extensions`. No row back: refused.
    """
    count = func.coalesce(InterviewSession.time_extension_count, 0)
    return (
        update(InterviewSession)
        .where(
            InterviewSession.id == interview_id,
            count < max_extensions,
            InterviewSession.status.in_(EXTENDABLE_STATUSES),
        )
        .values(
            time_extension_count=count + 1,
            max_duration_minutes=func.coalesce(InterviewSession.max_duration_minutes, DEFAULT_MAX_DURATION_MINUTES)
            + minutes,
            updated_at=func.now(),
        )
        .returning(InterviewSession.time_extension_count, InterviewSession.max_duration_minutes)
        .execution_options(synchronize_session=False)
    )
