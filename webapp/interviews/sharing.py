"""Results for the candidate: whether they may see an interview's results (the documented
`interviewer_visible`), and the practice sentiment a candidate chose to show employers (`employer_visible`).

`interviewer_visible` is the interviewing side's release of the evaluation: the candidate's
/my/interviews shows the technical accuracy, behavioral score and overall sentiment of a completed
interview only when its newest sentiment summary has it TRUE (webapp.candidate_interviews.queries).
Without a summary there is nothing to release it on, and inventing one would invent scores: the
page says so instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from wtforms import StringField
from wtforms.validators import AnyOf, InputRequired

from webapp.audit.services import record
from webapp.models import InterviewSession, SentimentSession, User

SHARED_PRACTICE_SHOWN = 5  # the candidate's latest shared practice sessions on an interview's page
CHOICES = {"yes": True, "no": False}


class ShareForm(FlaskForm):
    """The switch's new state: shared=yes or shared=no (a state, not a toggle: a repeated click changes nothing)."""

    shared = StringField(validators=[InputRequired("Say whether to share."), AnyOf(list(CHOICES), "Send yes or no.")])

    @property
    def choice(self) -> bool:
        return CHOICES[self.shared.data]


class NothingToShare(Exception):
    """The interview has no sentiment summary yet, so there is no release to record."""


@dataclass(frozen=True)
class ResultsSharing:
    """What the switch shows: whether a summary exists and whether the candidate sees the results."""

    has_summary: bool
    shared: bool

    @classmethod
    def of(cls, sentiments: list[SentimentSession]) -> ResultsSharing:
        """From the summaries newest first: the newest one decides, as on the candidate's page (NULL: not shared)."""
        return cls(bool(sentiments), bool(sentiments) and sentiments[0].interviewer_visible is True)


def share_results(session: Session, interview: InterviewSession, shared: bool, *, actor: User) -> ResultsSharing:
    """Set `interviewer_visible` on every summary of the interview (normally one); audited when it changes.

    The summaries are locked so two members switching at once end in one state, each change logged.
    Raises NothingToShare when the interview has no summary. No commit here.
    """
    summaries = session.scalars(
        select(SentimentSession)
        .where(SentimentSession.interview_session_id == interview.id)
        .order_by(SentimentSession.created_at.desc().nulls_last(), SentimentSession.id.desc())
        .with_for_update()
    ).all()
    if not summaries:
        raise NothingToShare
    before = ResultsSharing.of(summaries)
    changed = [summary for summary in summaries if summary.interviewer_visible is not shared]
    for summary in changed:
        summary.interviewer_visible = shared  # updated_at follows (the model's onupdate)
    if changed:
        record(
            session,
            "interview.results_shared" if shared else "interview.results_withheld",
            actor=actor,
            target=interview,
            details={"session_id": interview.session_id, "shared": shared, "was_shared": before.shared,
                     "summaries": len(changed)},
        )
    return ResultsSharing(True, shared)


def select_shared_practice(candidate_id: int, limit: int = SHARED_PRACTICE_SHOWN) -> Select:
    """The candidate's latest completed practice sessions whose summary they let employers see, newest first.

    Only the overall tone and the date: never the feedback, the answers, the scores or the practice topic
    (a job title of another company). Walks the candidate's summaries (idx_sentiment_session_user).
    """
    return (
        select(
            SentimentSession.id,
            SentimentSession.overall_sentiment,
            func.coalesce(InterviewSession.start_time, SentimentSession.created_at).label("held_at"),
        )
        .join(InterviewSession, InterviewSession.id == SentimentSession.interview_session_id)
        .where(
            SentimentSession.user_id == candidate_id,
            InterviewSession.user_id == candidate_id,
            InterviewSession.is_practice.is_(True),
            InterviewSession.status == "completed",
            SentimentSession.employer_visible.is_(True),
        )
        .order_by(SentimentSession.created_at.desc().nulls_last(), SentimentSession.id.desc())
        .limit(limit)
    )
