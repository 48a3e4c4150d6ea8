"""Reads for the practice area. Every function is scoped to one candidate (the caller passes the user id)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import BigInteger, Integer, Select, bindparam, func, select, true, tuple_
from sqlalchemy.orm import Session

from webapp.models import (
    InterviewSession,
    Job,
    LearningResource,
    SentimentSession,
    Skill,
    SkillAssessment,
    SkillCategory,
    interview_date,
)
from webapp.pagination import ListPage, clamp_page
from webapp.practice.forms import PER_PAGE, PracticeListParams

TREND_SESSIONS = 50  # the sparkline shows the latest sessions; older ones are on the progress page
RESOURCE_LIMIT = 6


def _own_practice(user_id: int) -> list:
    return [InterviewSession.user_id == user_id, InterviewSession.is_practice.is_(True)]


def _latest_sentiment(interview_id):
    """Per session (LATERAL): its newest sentiment summary; an index probe on idx_sentiment_session_interview."""
    return (
        select(SentimentSession.overall_sentiment, SentimentSession.practice_focus_areas,
               SentimentSession.employer_visible)
        .where(SentimentSession.interview_session_id == interview_id)
        .order_by(SentimentSession.created_at.desc().nulls_last(), SentimentSession.id.desc())
        .limit(1)
        .lateral("latest_sentiment")
    )


def _skill_average(interview_id=InterviewSession.id):
    """Per session (LATERAL): the mean of its skill scores and how many skills were assessed."""
    return (
        select(
            func.avg(SkillAssessment.accumulated_score).label("skill_average"),
            func.count().label("skill_count"),
        )
        .where(SkillAssessment.interview_session_id == interview_id)
        .lateral("skill_average")
    )


def select_practice_count(user_id: int) -> Select:
    return select(func.count()).select_from(InterviewSession).where(*_own_practice(user_id))


def select_practice_rows(user_id: int, params: PracticeListParams, page: int) -> Select:
    """One page of the candidate's practice sessions with every column the table shows: one statement.

    The page's sessions are chosen first; the sentiment and skill look-ups then run for those
    rows only (a sort by topic or skills still needs them for every session of the candidate).
    """
    return _practice_rows(params.sort).params(_page_values(user_id, page))


def _page_values(user_id: int, page: int) -> dict[str, int]:
    return {"user": user_id, "skip": (page - 1) * PER_PAGE}


@lru_cache(maxsize=32)
def _practice_rows(sort: str) -> Select:
    """select_practice_rows' statement for one sort, built once: the user and the offset are parameters."""
    params = PracticeListParams(sort=sort)

    def sort_columns(sentiment, skills):
        # A session without a job practises topics: its first focus area names it.
        topic = func.coalesce(Job.title, sentiment.c.practice_focus_areas.op("->>")(0))
        return {
            "date": interview_date(),  # when it started, else when it is planned
            "topic": func.lower(topic),
            "status": InterviewSession.status,
            "technical": InterviewSession.technical_accuracy,
            "behavioral": InterviewSession.behavioral_score,
            "skills": skills.c.skill_average,
        }

    sentiment, skills = _latest_sentiment(InterviewSession.id), _skill_average(InterviewSession.id)
    column = sort_columns(sentiment, skills)[params.sort_key]
    order = (column.desc() if params.descending else column.asc()).nulls_last()
    tie_breaker = InterviewSession.id.desc() if params.descending else InterviewSession.id.asc()
    chosen = select(InterviewSession.id, func.row_number().over(order_by=(order, tie_breaker)).label("position"))
    if params.sort_key == "topic":
        chosen = chosen.outerjoin(Job, InterviewSession.job_id == Job.id).outerjoin(sentiment, true())
    elif params.sort_key == "skills":
        chosen = chosen.join(skills, true())
    shown = (
        chosen.where(*_own_practice(bindparam("user", type_=Integer)))
        .order_by(order, tie_breaker)
        .offset(bindparam("skip", type_=BigInteger))
        .limit(PER_PAGE)
        .subquery("shown")
    )
    sentiment, skills = _latest_sentiment(shown.c.id), _skill_average(shown.c.id)
    return (
        select(
            InterviewSession.id,
            InterviewSession.session_id,
            interview_date().label("interview_date"),
            InterviewSession.status,
            InterviewSession.technical_accuracy,
            InterviewSession.behavioral_score,
            Job.title.label("job_title"),
            sentiment.c.overall_sentiment,
            sentiment.c.practice_focus_areas,
            sentiment.c.employer_visible,  # the candidate let employers see this tone (practice.sharing)
            skills.c.skill_average,
            skills.c.skill_count,
        )
        .select_from(shown)
        .join(InterviewSession, InterviewSession.id == shown.c.id)
        .outerjoin(Job, InterviewSession.job_id == Job.id)
        .outerjoin(sentiment, true())
        .join(skills, true())
        .order_by(shown.c.position)
    )


def select_trend(user_id: int, limit: int = TREND_SESSIONS) -> Select:
    """The latest completed sessions' scores, newest first (the caller reverses them for the chart)."""
    skills = _skill_average()
    return (
        select(
            InterviewSession.start_time,
            InterviewSession.technical_accuracy,
            InterviewSession.behavioral_score,
            skills.c.skill_average,
        )
        .join(skills, true())
        .where(*_own_practice(user_id), InterviewSession.status == "completed")
        .order_by(InterviewSession.start_time.desc().nulls_last(), InterviewSession.id.desc())
        .limit(limit)
    )


@dataclass(frozen=True)
class PracticePage(ListPage):
    params: PracticeListParams


def practice_page(session: Session, user_id: int, params: PracticeListParams) -> PracticePage:
    """The list: two statements (count, then the page's rows)."""
    matching = session.scalar(select_practice_count(user_id)) or 0
    page, pages = clamp_page(params.page, matching, PER_PAGE)
    rows = session.execute(_practice_rows(params.sort), _page_values(user_id, page)).all() if matching else []
    return PracticePage(rows, matching, page, pages, PER_PAGE, params=params.with_(page=page))


# --- one session's feedback -----------------------------------------------------------------


def select_job_title(interview: InterviewSession) -> Select:
    return select(Job.title).where(Job.id == interview.job_id)


def select_previous_session(interview: InterviewSession) -> Select:
    """The candidate's completed practice session just before this one (by start time, then id)."""
    return (
        select(InterviewSession.id, InterviewSession.session_id, InterviewSession.start_time)
        .where(
            *_own_practice(interview.user_id),
            InterviewSession.status == "completed",
            tuple_(InterviewSession.start_time, InterviewSession.id) < tuple_(interview.start_time, interview.id),
        )
        .order_by(InterviewSession.start_time.desc(), InterviewSession.id.desc())
        .limit(1)
    )


def select_skill_scores(interview_id: int, previous_id: int | None) -> Select:
    """The session's skill scores with the same skill's score in the previous session (or NULL)."""
    previous = SkillAssessment.__table__.alias("previous")
    return (
        select(
            Skill.id.label("skill_id"),
            Skill.name.label("skill"),
            SkillCategory.name.label("category"),
            SkillAssessment.accumulated_score.label("score"),
            previous.c.accumulated_score.label("previous_score"),
        )
        .join(Skill, SkillAssessment.skill_id == Skill.id)
        .outerjoin(SkillCategory, Skill.category_id == SkillCategory.id)
        .outerjoin(
            previous,
            (previous.c.skill_id == SkillAssessment.skill_id) & (previous.c.interview_session_id == previous_id),
        )
        .where(SkillAssessment.interview_session_id == interview_id)
        .order_by(SkillAssessment.accumulated_score.asc().nulls_last(), Skill.name)
    )


def select_resources_for(skill_names: list[str], exclude_ids: list[int], limit: int = RESOURCE_LIMIT) -> Select:
    """Catalog resources for the weak skills, shorter first (a quick win gets done), never ones already listed."""
    statement = (
        select(
            LearningResource.id,
            LearningResource.title,
            LearningResource.description,
            LearningResource.resource_type,
            LearningResource.url,
            LearningResource.estimated_hours,
            Skill.name.label("skill"),
        )
        .join(Skill, LearningResource.skill_id == Skill.id)
        .where(Skill.name.in_(skill_names))
        .order_by(LearningResource.estimated_hours.asc().nulls_last(), LearningResource.title, LearningResource.id)
        .limit(limit)
    )
    if exclude_ids:
        statement = statement.where(LearningResource.id.not_in(exclude_ids))
    return statement


# --- progress across sessions ---------------------------------------------------------------


def select_skill_progress(user_id: int) -> Select:
    """Every skill score of every completed practice session, oldest session first: one statement."""
    return (
        select(
            InterviewSession.session_id,
            InterviewSession.start_time,
            Skill.name.label("skill"),
            SkillAssessment.accumulated_score.label("score"),
        )
        .join(SkillAssessment, SkillAssessment.interview_session_id == InterviewSession.id)
        .join(Skill, SkillAssessment.skill_id == Skill.id)
        .where(*_own_practice(user_id), InterviewSession.status == "completed")
        .order_by(InterviewSession.start_time.asc().nulls_last(), InterviewSession.id, Skill.name)
    )
