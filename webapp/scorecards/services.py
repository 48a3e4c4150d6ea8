"""Writes of scorecards, the notes thread and a job's scorecard attributes. Audited; no commits here."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.audit.services import record
from webapp.models import (
    InterviewNote,
    InterviewNoteEdit,
    InterviewSession,
    Job,
    Scorecard,
    ScorecardAttribute,
    ScorecardRating,
    User,
)
from webapp.notifications import services as notifications
from webapp.scorecards import queries


class Refused(Exception):
    """A rule said no; `message` says why, in words the person can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- scorecards -------------------------------------------------------------------------------------


def save_scorecard(
    session: Session, interview: InterviewSession, author: User, *, ratings: dict[int, int],
    recommendation: str | None, notes: str, submit: bool,
) -> str:
    """Write the author's scorecard of the interview: "draft_saved", "submitted" or "updated".

    The author's row is locked, then one upsert on (interview, author) writes it, so two tabs saving at
    once leave one scorecard; a submitted scorecard stays submitted (its first submission time is kept)
    and is only saved whole. Ratings not given are removed.
    """
    if interview.status != "completed":
        raise Refused("Scorecards open once the interview is completed.")
    was_submitted = session.scalar(
        select(Scorecard.submitted_at.is_not(None))
        .where(Scorecard.interview_session_id == interview.id, Scorecard.author_id == author.id)
        .with_for_update()
    )
    if was_submitted and not submit:
        raise Refused("Your scorecard is already submitted: rate every attribute and choose a recommendation to save it.")
    statement = insert(Scorecard).values(
        interview_session_id=interview.id, author_id=author.id, recommendation=recommendation, notes=notes or "",
        submitted_at=func.now() if submit else None,
    )
    card_id = session.scalar(
        statement.on_conflict_do_update(
            constraint="interview_scorecard_session_author_key",
            set_={
                "recommendation": statement.excluded.recommendation,
                "notes": statement.excluded.notes,
                "submitted_at": func.coalesce(Scorecard.submitted_at, statement.excluded.submitted_at),
                "updated_at": func.now(),
            },
        ).returning(Scorecard.id)
    )
    session.execute(delete(ScorecardRating).where(
        ScorecardRating.scorecard_id == card_id, ScorecardRating.attribute_id.not_in(list(ratings) or [0]),
    ))
    if ratings:
        upsert = insert(ScorecardRating).values(
            [{"scorecard_id": card_id, "attribute_id": attribute, "rating": value} for attribute, value in ratings.items()]
        )
        session.execute(upsert.on_conflict_do_update(
            index_elements=["scorecard_id", "attribute_id"], set_={"rating": upsert.excluded.rating},
        ))
    outcome = "updated" if was_submitted else "submitted" if submit else "draft_saved"
    record(session, f"scorecard.{outcome}", actor=author, target=interview, details={
        "session_id": interview.session_id, "scorecard_id": card_id, "ratings": len(ratings),
        "recommendation": recommendation,
    })
    return outcome


# --- the notes thread -------------------------------------------------------------------------------


def _keep_summary(session: Session, interview: InterviewSession) -> None:
    """interviewer_notes (documented: the interviewer's notes) holds the newest note's text."""
    session.execute(
        update(InterviewSession)
        .where(InterviewSession.id == interview.id)
        .values(interviewer_notes=queries.latest_note_body(interview.id))
        .execution_options(synchronize_session=False)
    )
    session.expire(interview, ["interviewer_notes"])


def add_note(session: Session, interview: InterviewSession, body: str, *, author: User) -> InterviewNote:
    """A new note by `author` at the end of the thread. The caller holds the interview's row lock."""
    note = InterviewNote(interview_session_id=interview.id, author_id=author.id, body=body)
    session.add(note)
    session.flush()
    _keep_summary(session, interview)
    record(session, "interview.note_added", actor=author, target=interview, details={
        "session_id": interview.session_id, "note_id": note.id, "length": len(body),
    })
    notifications.note_mentions(session, interview, note, author=author)
    return note


def note_for_edit(session: Session, interview: InterviewSession, note_id: int) -> InterviewNote | None:
    """The interview's note, locked for an edit; None when the interview has no such note."""
    return session.scalar(
        select(InterviewNote)
        .where(InterviewNote.id == note_id, InterviewNote.interview_session_id == interview.id)
        .with_for_update()
    )


def edit_note(session: Session, interview: InterviewSession, note: InterviewNote, body: str, *, editor: User) -> bool:
    """Replace the text of the editor's own note, keeping the earlier one; False when nothing changed."""
    if note.author_id != editor.id:
        raise Refused("Only its author can edit a note.")
    if note.body == body:
        return False
    old = note.body
    session.add(InterviewNoteEdit(note_id=note.id, body=old, edited_by_id=editor.id))
    note.body = body
    note.edited_at = func.now()
    session.flush()
    _keep_summary(session, interview)
    record(session, "interview.note_edited", actor=editor, target=interview, details={
        "session_id": interview.session_id, "note_id": note.id, "old_length": len(old), "new_length": len(body),
    })
    notifications.note_mentions(session, interview, note, author=editor, before=old)
    return True


# --- a job's scorecard attributes ---------------------------------------------------------------------
# Every change locks the job's row first (the view does), so positions and the count stay consistent.


def _attributes(session: Session, job: Job) -> list:
    return session.execute(queries.select_attributes(job.id)).all()


def _taken(session: Session, job: Job, name: str, except_id: int | None = None) -> bool:
    statement = select(ScorecardAttribute.id).where(
        ScorecardAttribute.job_id == job.id, func.lower(ScorecardAttribute.name) == name.lower(),
    )
    if except_id is not None:
        statement = statement.where(ScorecardAttribute.id != except_id)
    return session.scalar(statement.limit(1)) is not None


def add_attribute(session: Session, job: Job, name: str, *, actor: User) -> ScorecardAttribute:
    rows = _attributes(session, job)
    if len(rows) >= queries.ATTRIBUTES_MAX:
        raise Refused(f"A scorecard rates at most {queries.ATTRIBUTES_MAX} attributes: delete one first.")
    if _taken(session, job, name):
        raise Refused(f"This job’s scorecard already rates “{name}”.")
    attribute = ScorecardAttribute(job_id=job.id, name=name, position=max((r.position for r in rows), default=0) + 1)
    session.add(attribute)
    session.flush()
    record(session, "scorecard.attribute_added", actor=actor, target=job,
           details={"job_id": job.id, "attribute_id": attribute.id, "name": name})
    return attribute


def attribute_of(session: Session, job: Job, attribute_id: int) -> ScorecardAttribute | None:
    return session.scalar(select(ScorecardAttribute).where(
        ScorecardAttribute.id == attribute_id, ScorecardAttribute.job_id == job.id,
    ))


def rename_attribute(session: Session, job: Job, attribute: ScorecardAttribute, name: str, *, actor: User) -> bool:
    if attribute.name == name:
        return False
    if _taken(session, job, name, except_id=attribute.id):
        raise Refused(f"This job’s scorecard already rates “{name}”.")
    old = attribute.name
    attribute.name = name
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the same name given to another attribute a moment ago
        raise Refused(f"This job’s scorecard already rates “{name}”.") from None
    record(session, "scorecard.attribute_renamed", actor=actor, target=job,
           details={"job_id": job.id, "attribute_id": attribute.id, "from": old, "to": name})
    return True


def move_attribute(session: Session, job: Job, attribute: ScorecardAttribute, direction: str, *, actor: User) -> bool:
    """Swap the attribute with its neighbour; positions are rewritten 1..n. False at either end."""
    order = [row.id for row in _attributes(session, job)]
    index = order.index(attribute.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(order):
        return False
    order[index], order[other] = order[other], order[index]
    for position, attribute_id in enumerate(order, start=1):
        session.execute(update(ScorecardAttribute).where(ScorecardAttribute.id == attribute_id)
                        .values(position=position).execution_options(synchronize_session=False))
    session.expire(attribute)
    record(session, "scorecard.attribute_moved", actor=actor, target=job,
           details={"job_id": job.id, "attribute_id": attribute.id, "direction": direction})
    return True


def delete_attribute(session: Session, job: Job, attribute: ScorecardAttribute, *, actor: User) -> int:
    """Delete the attribute and its ratings (the number returned); a scorecard keeps at least one attribute."""
    if len(_attributes(session, job)) <= 1:
        raise Refused("A scorecard needs at least one attribute: add another before deleting this one.")
    ratings = session.scalar(select(func.count()).where(ScorecardRating.attribute_id == attribute.id))
    name = attribute.name
    session.execute(delete(ScorecardAttribute).where(ScorecardAttribute.id == attribute.id))
    session.expunge(attribute)
    record(session, "scorecard.attribute_deleted", actor=actor, target=job,
           details={"job_id": job.id, "attribute_id": attribute.id, "name": name, "ratings_deleted": ratings})
    return ratings
