"""Reads of scorecards shared by the interview page, the rankings and the pipeline."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, literal, select, true

from webapp.models import InterviewSession, Scorecard, ScorecardRating

# |AI - human| at or above this many points (of 100) is flagged as a disagreement.
DISAGREEMENT_POINTS = 25


def rating_points(rating):
    """A 1-4 rating on the 0-100 scale of the AI's scores (1 -> 0, 4 -> 100)."""
    return (rating - 1) * literal(100.0) / 3


def select_human_scores(job_id: int, candidate_ids: Sequence[int]) -> Select:
    """Rows (candidate_id, human_score 0-100, scorecards) of the candidates with submitted scorecards on the job.

    A scorecard's score is the mean of its ratings on the 0-100 scale; a candidate's human score is
    the mean over the submitted scorecards of their real interviews for the job. Reaches sessions by
    the candidates' ids (idx_interview_session_user_status) and scorecards by their session.
    """
    card = (
        select(func.avg(rating_points(ScorecardRating.rating)).label("score"))
        .where(ScorecardRating.scorecard_id == Scorecard.id)
        .lateral("card")
    )
    return (
        select(
            InterviewSession.user_id.label("candidate_id"),
            func.round(func.avg(card.c.score), 1).label("human_score"),
            func.count().label("scorecards"),
        )
        .join(Scorecard, Scorecard.interview_session_id == InterviewSession.id)
        .join(card, true())
        .where(
            InterviewSession.job_id == job_id,
            InterviewSession.user_id.in_(list(candidate_ids)),
            InterviewSession.is_practice.is_not(True),
            Scorecard.submitted_at.is_not(None),
        )
        .group_by(InterviewSession.user_id)
    )


def disagrees(ai_score, human_score) -> bool:
    """Whether the AI's and the people's scores (0-100) are far enough apart to flag."""
    if ai_score is None or human_score is None:
        return False
    return abs(float(ai_score) - float(human_score)) >= DISAGREEMENT_POINTS
