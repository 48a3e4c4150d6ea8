"""Reads of scorecards shared by the interview page, the rankings and the pipeline."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Numeric, Select, func, literal, literal_column, select, true

from webapp.models import (
    InterviewNote,
    InterviewNoteEdit,
    InterviewSession,
    RankingComponent,
    Scorecard,
    ScorecardAttribute,
    ScorecardRating,
    User,
)

# |AI - human| at or above this many points (of 100) is flagged as a disagreement.
DISAGREEMENT_POINTS = 25


def rating_points(rating):
    """A 1-4 rating on the 0-100 scale of the AI's scores (1 -> 0, 4 -> 100)."""
    return (rating - 1) * literal(100, Numeric) / 3  # numeric: round(avg, 1) has no double precision form


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


# --- the interview page: the job's attributes, the interview's scorecards, the thread of notes -----------

NOTES_PER_PAGE = 50
ATTRIBUTES_MAX = 20  # a scorecard a person fills in after an interview, not a survey
HISTORY_MAX = 100  # earlier texts of one note shown at once (the newest)


def select_attributes(job_id: int, *, with_ratings: bool = False) -> Select:
    """The job's scorecard attributes in order (idx_interview_scorecardattribute_name reaches them by job);
    `with_ratings` adds how many ratings each holds (idx_interview_scorecardrating_attribute, index only)."""
    columns = [ScorecardAttribute.id, ScorecardAttribute.name, ScorecardAttribute.position]
    if with_ratings:
        ratings = (
            select(func.count())
            .where(ScorecardRating.attribute_id == ScorecardAttribute.id)
            .correlate(ScorecardAttribute)
            .scalar_subquery()
        )
        columns.append(ratings.label("ratings"))
    return (
        select(*columns)
        .where(ScorecardAttribute.job_id == job_id)
        .order_by(ScorecardAttribute.position, ScorecardAttribute.id)
        .limit(ATTRIBUTES_MAX * 2)  # more than the form allows, never the whole table
    )


def select_scorecards(interview_id: int) -> Select:
    """Every scorecard of the interview (one per member: bounded by the team) with its author's names and
    its ratings as {attribute id: rating}; the caller shows each only to whom it may."""
    ratings = (
        select(
            func.coalesce(
                func.jsonb_object_agg(ScorecardRating.attribute_id, ScorecardRating.rating),
                literal_column("'{}'::jsonb"),
            ).label("ratings")
        )
        .where(ScorecardRating.scorecard_id == Scorecard.id)
        .lateral("ratings")
    )
    return (
        select(
            Scorecard.id, Scorecard.author_id, Scorecard.recommendation, Scorecard.notes, Scorecard.submitted_at,
            Scorecard.updated_at, User.first_name, User.last_name, User.email, ratings.c.ratings,
        )
        .join(User, User.id == Scorecard.author_id)
        .join(ratings, true())
        .where(Scorecard.interview_session_id == interview_id)
        .order_by(Scorecard.submitted_at.is_(None), Scorecard.submitted_at, Scorecard.id)
    )


def select_scores(job_id: int, candidate_id: int) -> Select:
    """One row: the AI's overall score of the candidate on the job (rankings_component, by primary key) and the
    people's (select_human_scores), each NULL when there is none yet."""
    human = select_human_scores(job_id, [candidate_id]).subquery("human")
    ai = (
        select(RankingComponent.overall_score)
        .where(RankingComponent.job_id == job_id, RankingComponent.candidate_id == candidate_id)
        .scalar_subquery()
    )
    return (
        select(ai.label("ai_score"), human.c.human_score, func.coalesce(human.c.scorecards, 0).label("scorecards"))
        .select_from(select(literal(1).label("one")).subquery("one"))
        .outerjoin(human, true())
    )


def select_notes(interview_id: int, page: int) -> Select:
    """One page of the interview's notes, newest first (the page shows them oldest first), with the number of
    notes in all (idx_interview_note_session) and the author's names (NULL: written before the thread)."""
    return (
        select(
            InterviewNote.id, InterviewNote.author_id, InterviewNote.body, InterviewNote.created_at,
            InterviewNote.edited_at, User.first_name, User.last_name, User.email,
            func.count().over().label("total"),
        )
        .outerjoin(User, User.id == InterviewNote.author_id)
        .where(InterviewNote.interview_session_id == interview_id)
        .order_by(InterviewNote.created_at.desc(), InterviewNote.id.desc())
        .limit(NOTES_PER_PAGE)
        .offset((page - 1) * NOTES_PER_PAGE)
    )


def select_note_history(note_id: int) -> Select:
    """The earlier texts of one note, newest first (idx_interview_noteedit_note), with who replaced each."""
    return (
        select(InterviewNoteEdit.body, InterviewNoteEdit.edited_at, User.first_name, User.last_name, User.email)
        .outerjoin(User, User.id == InterviewNoteEdit.edited_by_id)
        .where(InterviewNoteEdit.note_id == note_id)
        .order_by(InterviewNoteEdit.edited_at.desc(), InterviewNoteEdit.id.desc())
        .limit(HISTORY_MAX)
    )


def latest_note_body(interview_id: int):
    """The newest note's text, as a scalar subquery: interviewer_notes keeps it as the summary."""
    return (
        select(InterviewNote.body)
        .where(InterviewNote.interview_session_id == interview_id)
        .order_by(InterviewNote.created_at.desc(), InterviewNote.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def display_name(row) -> str:
    """A person's name as the pages show it (first and last name, else the email)."""
    return " ".join(part for part in (row.first_name, row.last_name) if part) or row.email or "Someone"
