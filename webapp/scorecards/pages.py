"""What the interview page shows of scorecards and the notes thread (three reads and one, whatever their size).

The interview page (webapp.interviews.page_views) renders both cards on a whole page only; the 5 s live
poll never reads them. Each card's forms answer htmx with the card alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user

from webapp import db
from webapp.interviews.forms import ButtonForm
from webapp.models import InterviewSession
from webapp.scorecards import queries
from webapp.scorecards.forms import (
    RATING_LABELS,
    RECOMMENDATION_LABELS,
    EditNoteForm,
    NoteForm,
    ScorecardForm,
)
from webapp.team.membership import require_membership

CARDS_TEMPLATE = "scorecards/_cards.html"
CARDS_BLOCK = "scorecards_panel"
NOTES_TEMPLATE = "scorecards/_notes.html"
NOTES_BLOCK = "notes_thread"


@dataclass(frozen=True)
class Card:
    """A scorecard as the page shows it; ratings by attribute id."""

    id: int
    author_id: int
    author: str
    recommendation: str | None
    notes: str
    submitted_at: object
    updated_at: object
    ratings: dict[int, int]


def _card(row) -> Card:
    return Card(
        id=row.id, author_id=row.author_id, author=queries.display_name(row), recommendation=row.recommendation,
        notes=row.notes or "", submitted_at=row.submitted_at, updated_at=row.updated_at,
        ratings={int(key): value for key, value in (row.ratings or {}).items()},
    )


def cards_context(
    interview: InterviewSession, *, form: ScorecardForm | None = None, message: tuple[str, str] | None = None,
) -> dict:
    """The member's own scorecard (a form) and the others' submitted ones, as far as the member may see them.

    Drafts are only their author's. Members with scorecards.view_all see every submitted scorecard; the
    others see them (and the human score) once they submitted their own, and until then only how many
    there are: nothing of their contents is rendered.
    """
    membership = require_membership()
    context = dict(
        interview=interview, cards_open=interview.status == "completed", cards_message=message,
        rating_labels=RATING_LABELS, recommendation_labels=RECOMMENDATION_LABELS,
    )
    if not context["cards_open"]:
        return context
    session = db.session()
    attributes = session.execute(queries.select_attributes(interview.job_id)).all()
    cards = [_card(row) for row in session.execute(queries.select_scorecards(interview.id))]
    mine = next((card for card in cards if card.author_id == membership.user_id), None)
    others = [card for card in cards if card.author_id != membership.user_id and card.submitted_at is not None]
    sees_others = membership.can("scorecards.view_all") or (mine is not None and mine.submitted_at is not None)
    scores = None
    if sees_others and interview.user_id is not None:
        scores = session.execute(queries.select_scores(interview.job_id, interview.user_id)).one()
    if form is None:
        data = {"recommendation": mine.recommendation, "card_notes": mine.notes} if mine else {}
        data |= {f"rating-{key}": value for key, value in (mine.ratings if mine else {}).items()}
        form = ScorecardForm.for_attributes(attributes, formdata=None, data=data)
    return context | dict(
        attributes=attributes, my_card=mine, card_form=form,
        other_cards=others if sees_others else [], hidden_cards=0 if sees_others else len(others),
        scores=scores, disagree=scores is not None and queries.disagrees(scores.ai_score, scores.human_score),
    )


def notes_context(
    interview: InterviewSession, *, page: int = 1, form: NoteForm | None = None,
    edit: tuple[int, EditNoteForm] | None = None, message: tuple[str, str] | None = None,
) -> dict:
    """One page of the thread (the newest 50 first: page 1), oldest of them first, with the forms."""
    rows = db.session.execute(queries.select_notes(interview.id, page)).all()
    total = rows[0].total if rows else 0
    return dict(
        interview=interview,
        notes=list(reversed(rows)),
        notes_total=total,
        notes_page=page,
        notes_pages=max(1, -(-total // queries.NOTES_PER_PAGE)),
        note_form=form or NoteForm(formdata=None),
        note_edit=edit,
        notes_message=message,
        note_author=queries.display_name,
        me=current_user.id,
        button_form=ButtonForm(),
    )
