"""Whether employers may see a practice session's sentiment (the documented `employer_visible`): the candidate's choice.

Employers see only the overall tone and the date of the sessions shared, on the page of a real interview
of that candidate at their company (webapp.interviews.sharing.select_shared_practice); never the feedback,
the scores or the answers. A session with no sentiment summary has nothing to share yet.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.audit.services import record
from webapp.models import InterviewSession, SentimentSession, User


class NothingToShare(Exception):
    """The session has no sentiment summary yet."""


def shared_with_employers(summary: SentimentSession | None) -> bool:
    """The newest summary decides what the page shows; NULL counts as not shared, as employers' pages read it."""
    return summary is not None and summary.employer_visible is True


def share_with_employers(session: Session, practice: InterviewSession, shared: bool, *, actor: User) -> SentimentSession:
    """Set `employer_visible` on every summary of the practice session; audited when it changes. No commit here.

    Returns the newest summary; raises NothingToShare when there is none.
    """
    summaries = session.scalars(
        select(SentimentSession)
        .where(SentimentSession.interview_session_id == practice.id)
        .order_by(SentimentSession.created_at.desc().nulls_last(), SentimentSession.id.desc())
        .with_for_update()
    ).all()
    if not summaries:
        raise NothingToShare
    was = shared_with_employers(summaries[0])
    changed = [summary for summary in summaries if summary.employer_visible is not shared]
    for summary in changed:
        summary.employer_visible = shared  # updated_at follows (the model's onupdate)
    if changed:
        record(
            session,
            "practice.sentiment_shared" if shared else "practice.sentiment_withheld",
            actor=actor,
            target=practice,
            details={"session_id": practice.session_id, "shared": shared, "was_shared": was,
                     "summaries": len(changed)},
        )
    return summaries[0]
