"""Reads for a candidate's interview history: the documented "recent interviews with scores" query, paginated."""

from __future__ import annotations

from sqlalchemy import Select, case, func, select, true
from sqlalchemy.orm import Session

from webapp.models import Company, InterviewSession, Job, SentimentSession
from webapp.pagination import ListPage, clamp_page

PER_PAGE = 10  # the documented query's LIMIT 10


def _own_completed_interviews(user_id: int) -> list:
    return [
        InterviewSession.user_id == user_id,
        InterviewSession.status == "completed",
        # Practice sessions have their own pages; NULL is_practice counts as a real interview (its default is false).
        InterviewSession.is_practice.is_not(True),
    ]


def _latest_sentiment():
    """Per interview (LATERAL): its newest sentiment summary and that summary's visibility flags."""
    return (
        select(
            SentimentSession.overall_sentiment,
            SentimentSession.interviewer_visible,
        )
        .where(SentimentSession.interview_session_id == InterviewSession.id)
        .order_by(SentimentSession.created_at.desc().nulls_last(), SentimentSession.id.desc())
        .limit(1)
        .lateral("latest_sentiment")
    )


def select_interview_count(user_id: int) -> Select:
    return (
        select(func.count())
        .select_from(InterviewSession)
        .join(Job, InterviewSession.job_id == Job.id)
        .join(Company, Job.company_id == Company.id)
        .where(*_own_completed_interviews(user_id))
    )


def select_recent_interviews(user_id: int, page: int = 1, per_page: int = PER_PAGE) -> Select:
    """The documented "Get user's recent interviews with scores", with what a candidate may see.

    Which results a candidate sees (the schema has no candidate flag, so we derive it):
    - The date, job, company and completion of their own completed interviews: always (it is their own history).
    - Technical accuracy, behavioral score and overall sentiment: only when the interview's newest
      sentiment summary has `interviewer_visible` TRUE, i.e. the interviewing side released the
      evaluation. No summary yet, or FALSE/NULL: the scores are withheld (NULL here, so they never
      reach a template) and the page says the results are not shared.
    - `employer_visible` says whether the *employer* may see the analysis (the candidate's choice,
      read by the employer's pages); it grants the candidate nothing and is not read here.
    - Never: interviewer_notes, employer_metrics, rankings or any other employer-side data.
    """
    sentiment = _latest_sentiment()
    shared = sentiment.c.interviewer_visible.is_(True)
    return (
        select(
            InterviewSession.id,
            InterviewSession.session_id,
            InterviewSession.start_time,
            InterviewSession.completion_percentage,
            case((shared, InterviewSession.technical_accuracy)).label("technical_accuracy"),
            case((shared, InterviewSession.behavioral_score)).label("behavioral_score"),
            case((shared, sentiment.c.overall_sentiment)).label("overall_sentiment"),
            func.coalesce(shared, False).label("results_shared"),
            Job.title.label("job_title"),
            Company.company_name,
        )
        .select_from(InterviewSession)
        .join(Job, InterviewSession.job_id == Job.id)
        .join(Company, Job.company_id == Company.id)
        .outerjoin(sentiment, true())
        .where(*_own_completed_interviews(user_id))
        .order_by(InterviewSession.start_time.desc().nulls_last(), InterviewSession.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )


def interview_history(session: Session, user_id: int, page: int) -> ListPage:
    """One page of the history: two statements (count, then the rows)."""
    matching = session.scalar(select_interview_count(user_id)) or 0
    page, pages = clamp_page(page, matching, PER_PAGE)
    rows = session.execute(select_recent_interviews(user_id, page)).all() if matching else []
    return ListPage(rows, matching, page, pages, PER_PAGE)
