"""Reads for one interview's review page: a fixed number of statements, however much data there is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from webapp.models import (
    AssessmentCategory,
    AssessmentType,
    BehavioralAnalysis,
    Company,
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
    User,
)

# Points are read from start - 1 day to end + 1 day: wide enough for clock skew between
# the engine and the database, narrow enough for PostgreSQL to prune the monthly partitions.
HISTORY_MARGIN = timedelta(days=1)


def select_header(interview_id: int) -> Select:
    """Candidate and job for the page header."""
    return (
        select(
            User.first_name,
            User.last_name,
            User.username,
            User.email,
            Job.id.label("job_id"),
            Job.title.label("job_title"),
        )
        .select_from(InterviewSession)
        .outerjoin(User, InterviewSession.user_id == User.id)
        .outerjoin(Job, InterviewSession.job_id == Job.id)
        .outerjoin(Company, Job.company_id == Company.id)
        .where(InterviewSession.id == interview_id)
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


def select_history_points(interview: InterviewSession, now: datetime | None = None) -> Select:
    """Every sentiment point of the interview with its context factors, in time order."""
    low, high = history_window(interview, now)
    context = SentimentContextFactors
    statement = (
        select(
            SentimentHistory.id,
            SentimentHistory.timestamp,
            SentimentHistory.positive_score,
            SentimentHistory.negative_score,
            SentimentHistory.neutral_score,
            SentimentHistory.mixed_score,
            SentimentHistory.overall_sentiment,
            SentimentHistory.confidence,
            SentimentHistory.detail,
            context.value_alignment_score,
            context.requirement_addressing_score,
            context.response_relevance_score,
            context.confidence_score,
            context.enthusiasm_score,
            context.authenticity_score,
            context.key_themes,
            context.flags,
        )
        .outerjoin(
            context,
            # Both columns of the composite key, so the join is pruned to the same partitions.
            (context.sentiment_history_id == SentimentHistory.id)
            & (context.sentiment_history_timestamp == SentimentHistory.timestamp),
        )
        .where(SentimentHistory.interview_session_id == interview.id, SentimentHistory.timestamp <= high)
        .order_by(SentimentHistory.timestamp, SentimentHistory.id)
    )
    if low is not None:
        statement = statement.where(SentimentHistory.timestamp >= low)
    return statement


def select_skills(interview_id: int) -> Select:
    return (
        select(
            SkillAssessment.id,
            Skill.name.label("skill"),
            SkillCategory.name.label("category"),
            SkillAssessment.accumulated_score,
            SkillAssessment.update_count,
        )
        .join(Skill, SkillAssessment.skill_id == Skill.id)
        .outerjoin(SkillCategory, Skill.category_id == SkillCategory.id)
        .where(SkillAssessment.interview_session_id == interview_id)
        .order_by(SkillCategory.name.nulls_last(), Skill.name)
    )


def select_skill_history(interview_id: int) -> Select:
    """The score history of every skill of the interview, in one statement."""
    return (
        select(
            SkillAssessmentHistory.skill_assessment_id,
            SkillAssessmentHistory.score,
            SkillAssessmentHistory.timestamp,
        )
        .join(SkillAssessment, SkillAssessmentHistory.skill_assessment_id == SkillAssessment.id)
        .where(SkillAssessment.interview_session_id == interview_id)
        .order_by(SkillAssessmentHistory.skill_assessment_id, SkillAssessmentHistory.timestamp, SkillAssessmentHistory.id)
    )


def select_assessments(interview_id: int) -> Select:
    return (
        select(
            InterviewAssessment.id,
            AssessmentType.name.label("type"),
            AssessmentCategory.name.label("category"),
            InterviewAssessment.score,
            InterviewAssessment.details,
            InterviewAssessment.created_at,
        )
        .outerjoin(AssessmentType, InterviewAssessment.assessment_type_id == AssessmentType.id)
        .outerjoin(AssessmentCategory, InterviewAssessment.category_id == AssessmentCategory.id)
        .where(InterviewAssessment.interview_session_id == interview_id)
        .order_by(AssessmentType.name.nulls_last(), AssessmentCategory.name.nulls_last(), InterviewAssessment.id)
    )


def select_cultural_fit(interview_id: int) -> Select:
    return select(CulturalFit).where(CulturalFit.interview_session_id == interview_id)


def select_behavior(interview_id: int) -> Select:
    return select(BehavioralAnalysis).where(BehavioralAnalysis.interview_session_id == interview_id)


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
    """One statement per kind of data (header, sentiment, points, skills, history, assessments, fit, behavior)."""
    header = session.execute(select_header(interview.id)).one()
    sentiments = list(session.scalars(select_sentiment_sessions(interview.id)))
    hidden = sentiment_hidden(sentiments)
    points = [] if hidden else list(session.execute(select_history_points(interview)).mappings())

    skills = [
        (row.category or "Other", SkillRow(row.id, row.skill, row.accumulated_score, row.update_count))
        for row in session.execute(select_skills(interview.id))
    ]
    by_id = {skill.id: skill for _, skill in skills}
    for row in session.execute(select_skill_history(interview.id)):
        by_id[row.skill_assessment_id].history.append(row)
    skills_by_category = [(category, [s for _, s in items]) for category, items in _grouped(skills, lambda item: item[0])]

    assessments = list(session.execute(select_assessments(interview.id)))
    by_type = [
        (type_name, _grouped(rows, lambda row: row.category or "General"))
        for type_name, rows in _grouped(assessments, lambda row: row.type or "Other")
    ]
    return InterviewReview(
        interview=interview,
        header=header,
        sentiment=None if hidden or not sentiments else sentiments[0],
        sentiment_hidden=hidden,
        points=points,
        skills_by_category=skills_by_category,
        assessments_by_type=by_type,
        cultural_fit=session.scalar(select_cultural_fit(interview.id)),
        behavior=session.scalar(select_behavior(interview.id)) if interview.enable_behavioral_analysis else None,
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


def select_points_after(interview: InterviewSession, cursor: LiveCursor, now: datetime | None = None) -> Select:
    """The points after the cursor's last one, in time order.

    The engine writes points as the interview goes, in time order. `timestamp >= last_time`
    makes the index range (and the partitions read) start at the page's last point; the id
    breaks ties between points of the same instant.
    """
    statement = select_history_points(interview, now)
    if cursor.last_time is not None:
        statement = statement.where(
            SentimentHistory.timestamp >= cursor.last_time,
            or_(SentimentHistory.timestamp > cursor.last_time, SentimentHistory.id > (cursor.last_id or 0)),
        )
    return statement


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
    new_points: list[Any]


def load_live_update(session: Session, interview: InterviewSession, cursor: LiveCursor) -> LiveUpdate:
    """Two statements: the sentiment summaries, and the points after the cursor (none when hidden)."""
    sentiments = list(session.scalars(select_sentiment_sessions(interview.id)))
    hidden = sentiment_hidden(sentiments)
    points = [] if hidden else list(session.execute(select_points_after(interview, cursor)).mappings())
    return LiveUpdate(sentiments=sentiments, sentiment_hidden=hidden, new_points=points)


def live_review(session: Session, interview: InterviewSession, update: LiveUpdate) -> InterviewReview:
    """The review as far as the live panel shows it: the header, the summary and the new points."""
    return InterviewReview(
        interview=interview,
        header=session.execute(select_header(interview.id)).one(),
        sentiment=None if update.sentiment_hidden or not update.sentiments else update.sentiments[0],
        sentiment_hidden=update.sentiment_hidden,
        points=update.new_points,
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
