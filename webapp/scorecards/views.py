"""Scorecards and the notes thread on the interview page, and a job's scorecard attributes.

Every form works as a plain POST (a redirect after success, the whole page with the problem after a refusal)
and, with htmx, swaps its card. Adding a note keeps the old notes URL (interviews.update_notes).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy import select

from webapp import db
from webapp.dateranges import BadQueryParameter
from webapp.htmx import wants_block
from webapp.interviews import page_views
from webapp.jobs.scope import get_job_or_404
from webapp.models import InterviewNote, InterviewSession, Job, Scorecard
from webapp.pagination import page_number
from webapp.scorecards import pages, queries, services
from webapp.scorecards.forms import (
    DRAFT,
    SUBMIT,
    AttributeForm,
    ConfirmForm,
    EditNoteForm,
    MoveForm,
    NoteForm,
    ScorecardForm,
)
from webapp.team.membership import member_required

bp = Blueprint("scorecards", __name__)

SESSION = "<session_id>"
VARY = {"Vary": "HX-Request"}


def _interview_url(interview: InterviewSession, anchor: str) -> str:
    return url_for("interviews.show", session_id=interview.session_id) + anchor


# --- scorecards --------------------------------------------------------------------------------------


def _cards_answer(interview: InterviewSession, message: tuple[str, str], status: int = 200, **cards):
    if wants_block():
        context = pages.cards_context(interview, message=message, **cards)
        return render_block(pages.CARDS_TEMPLATE, pages.CARDS_BLOCK, **context), status, VARY
    if status >= 400:
        return page_views._render_page(interview, status=status, cards=dict(message=message, **cards))
    flash(message[1], message[0])
    return redirect(_interview_url(interview, "#scorecards"), 303)


@bp.post(f"/interviews/{SESSION}/scorecard")
@member_required("scorecards.write")
def save(session_id: str):
    interview = page_views._interview_or_404(session_id)
    if interview.status != "completed":
        return _cards_answer(interview, ("error", "Scorecards open once the interview is completed."), 422)
    session = db.session()
    attributes = session.execute(queries.select_attributes(interview.job_id)).all()
    form = ScorecardForm.for_attributes(attributes)
    mine = session.scalar(select(Scorecard.submitted_at.is_not(None)).where(
        Scorecard.interview_session_id == interview.id, Scorecard.author_id == current_user.id))
    # A submitted scorecard stays submitted: its edits are checked as a submission.
    submitting = form.action.data == SUBMIT or bool(mine)
    if form.action.data not in (DRAFT, SUBMIT) and not mine:
        form.action.data = DRAFT
    if not form.check(submitting):
        what = "submitted" if submitting else "saved"
        return _cards_answer(interview, ("error", f"Your scorecard was not {what}: fix the problems below."), 422,
                             form=form)
    try:
        outcome = services.save_scorecard(
            session, interview, current_user, ratings=form.ratings(), recommendation=form.recommendation.data,
            notes=form.card_notes.data or "", submit=submitting,
        )
    except services.Refused as refused:
        session.rollback()
        return _cards_answer(interview, ("error", refused.message), 422)
    session.commit()
    said = {"draft_saved": "Draft saved: only you see it until you submit.",
            "submitted": "Scorecard submitted.", "updated": "Scorecard updated."}[outcome]
    return _cards_answer(interview, ("success", said))


# --- the notes thread --------------------------------------------------------------------------------


def _notes_answer(interview: InterviewSession, message: tuple[str, str], status: int = 200, anchor: str = "",
                  page: int = 1, **notes):
    """The thread's page the form was on (the interview page's, or an earlier page of notes)."""
    if wants_block():
        context = pages.notes_context(interview, message=message, page=page, **notes)
        return render_block(pages.NOTES_TEMPLATE, pages.NOTES_BLOCK, **context), status, VARY
    if page > 1:
        if status >= 400:
            context = pages.notes_context(interview, message=message, page=page, **notes)
            return _notes_page(interview, context, status)
        flash(message[1], message[0])
        return redirect(url_for("scorecards.notes", session_id=interview.session_id, page=page) + anchor, 303)
    if status >= 400:
        return page_views._render_page(interview, status=status, notes=dict(message=message, **notes))
    flash(message[1], message[0])
    return redirect(_interview_url(interview, anchor or "#interview-notes"), 303)


def _notes_page(interview: InterviewSession, context: dict, status: int = 200):
    header = page_views.page_queries.header_of(interview)
    body = render_template("scorecards/notes.html", candidate_name=page_views._candidate_name(header), **context)
    return body, status, VARY


def _form_page() -> int:
    """The page of notes a form was on (a damaged value is the first page)."""
    try:
        return page_number(request.form.get("page", ""))
    except BadQueryParameter:
        return 1


def add_note(interview: InterviewSession):
    """POST /interviews/<id>/notes (interviews.update_notes): a new note at the end of the thread."""
    form = NoteForm()
    if not form.validate():
        return _notes_answer(interview, ("error", "The note was not added: fix the problem below."), 422, form=form)
    note = services.add_note(db.session(), interview, form.notes.data, author=current_user)
    db.session.commit()
    return _notes_answer(interview, ("success", "Note added."), anchor=f"#note-{note.id}")


@bp.post(f"/interviews/{SESSION}/notes/<int:note_id>")
@member_required("interviews.review")
def edit_note(session_id: str, note_id: int):
    interview = page_views._interview_or_404(session_id, for_update=True)
    session = db.session()
    note = services.note_for_edit(session, interview, note_id)
    if note is None:
        abort(404)
    if note.author_id != current_user.id:
        abort(403)  # the note is there to read, not to change
    form = EditNoteForm()
    page = _form_page()
    if not form.validate():
        return _notes_answer(interview, ("error", "Your note was not changed: fix the problem below."), 422,
                             page=page, edit=(note.id, form))
    changed = services.edit_note(session, interview, note, form.body.data, editor=current_user)
    session.commit()
    message = ("success", "Note changed.") if changed else ("info", "The note was already up to date.")
    return _notes_answer(interview, message, anchor=f"#note-{note_id}", page=page)


@bp.get(f"/interviews/{SESSION}/notes/<int:note_id>/history")
@member_required("interviews.review")
def note_history(session_id: str, note_id: int):
    interview = page_views._interview_or_404(session_id)
    session = db.session()
    note = session.get(InterviewNote, note_id)
    if note is None or note.interview_session_id != interview.id:
        abort(404)
    edits = session.execute(queries.select_note_history(note.id)).all()
    context = dict(interview=interview, note=note, edits=edits, author_name=queries.display_name,
                   history_max=queries.HISTORY_MAX)
    if wants_block():
        return render_block("scorecards/note_history.html", "history", **context), 200, VARY
    return render_template("scorecards/note_history.html", **context), 200, VARY


@bp.get(f"/interviews/{SESSION}/notes")
@member_required("interviews.review")
def notes(session_id: str):
    """A page of the thread: earlier notes than the interview page shows (50 a page, newest page first)."""
    interview = page_views._interview_or_404(session_id)
    try:
        page = page_number(request.args.get("page", ""))
    except BadQueryParameter as error:
        abort(400, str(error))
    context = pages.notes_context(interview, page=page)
    if page > context["notes_pages"]:
        abort(404)
    if wants_block():
        return render_block(pages.NOTES_TEMPLATE, pages.NOTES_BLOCK, **context), 200, VARY
    return _notes_page(interview, context)


# --- a job's scorecard attributes --------------------------------------------------------------------

ATTRIBUTES_TEMPLATE = "scorecards/attributes.html"
ATTRIBUTES_BLOCK = "attributes_panel"


def _attributes_context(job: Job, *, form: AttributeForm | None = None, message: tuple[str, str] | None = None,
                        rename: tuple[int, AttributeForm] | None = None) -> dict:
    rows = db.session.execute(queries.select_attributes(job.id, with_ratings=True)).all()
    return dict(job=job, attributes=rows, add_form=form or AttributeForm(formdata=None), rename=rename,
                message=message, button_form=ConfirmForm(formdata=None), attributes_max=queries.ATTRIBUTES_MAX)


def _attributes_answer(job: Job, message: tuple[str, str] | None, status: int = 200, **parts):
    context = _attributes_context(job, message=message, **parts)
    if wants_block():
        return render_block(ATTRIBUTES_TEMPLATE, ATTRIBUTES_BLOCK, **context), status, VARY
    if status >= 400:
        return render_template(ATTRIBUTES_TEMPLATE, **context), status, VARY
    flash(message[1], message[0])
    return redirect(url_for("scorecards.attributes", job_id=job.id), 303)


@bp.get("/jobs/<int:job_id>/scorecard")
@member_required("pipeline.configure")
def attributes(job_id: int):
    job = get_job_or_404(job_id)
    return render_template(ATTRIBUTES_TEMPLATE, **_attributes_context(job)), 200, VARY


@bp.post("/jobs/<int:job_id>/scorecard")
@member_required("pipeline.configure")
def add_attribute(job_id: int):
    job = get_job_or_404(job_id, for_update=True)
    form = AttributeForm()
    if not form.validate():
        return _attributes_answer(job, ("error", "No attribute was added: fix the problem below."), 422, form=form)
    try:
        services.add_attribute(db.session(), job, form.name.data, actor=current_user)
    except services.Refused as refused:
        form.name.errors = [refused.message]
        return _attributes_answer(job, ("error", "No attribute was added: fix the problem below."), 422, form=form)
    db.session.commit()
    return _attributes_answer(job, ("success", f"Added “{form.name.data}”."))


def _attribute_or_404(job: Job, attribute_id: int):
    attribute = services.attribute_of(db.session(), job, attribute_id)
    if attribute is None:
        abort(404)
    return attribute


@bp.post("/jobs/<int:job_id>/scorecard/<int:attribute_id>")
@member_required("pipeline.configure")
def rename_attribute(job_id: int, attribute_id: int):
    job = get_job_or_404(job_id, for_update=True)
    attribute = _attribute_or_404(job, attribute_id)
    form = AttributeForm()
    problem = None
    if not form.validate():
        problem = "The attribute was not renamed: fix the problem below."
    else:
        old = attribute.name
        try:
            changed = services.rename_attribute(db.session(), job, attribute, form.name.data, actor=current_user)
        except services.Refused as refused:
            form.name.errors = [refused.message]
            problem = "The attribute was not renamed: fix the problem below."
    if problem:
        db.session.rollback()
        return _attributes_answer(job, ("error", problem), 422, rename=(attribute_id, form))
    db.session.commit()
    if not changed:
        return _attributes_answer(job, ("info", f"“{old}” already has that name."))
    return _attributes_answer(job, ("success", f"Renamed “{old}” to “{form.name.data}”."))


@bp.post("/jobs/<int:job_id>/scorecard/<int:attribute_id>/move")
@member_required("pipeline.configure")
def move_attribute(job_id: int, attribute_id: int):
    job = get_job_or_404(job_id, for_update=True)
    attribute = _attribute_or_404(job, attribute_id)
    form = MoveForm()
    if not form.validate():
        return _attributes_answer(job, ("error", "Nothing was moved: choose to move it up or down."), 422)
    name = attribute.name
    moved = services.move_attribute(db.session(), job, attribute, form.direction.data, actor=current_user)
    db.session.commit()
    where = "first" if form.direction.data == "up" else "last"
    message = ("success", f"Moved “{name}” {form.direction.data}.") if moved else ("info", f"“{name}” is already {where}.")
    return _attributes_answer(job, message)


@bp.post("/jobs/<int:job_id>/scorecard/<int:attribute_id>/delete")
@member_required("pipeline.configure")
def delete_attribute(job_id: int, attribute_id: int):
    job = get_job_or_404(job_id, for_update=True)
    attribute = _attribute_or_404(job, attribute_id)
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    name = attribute.name
    if form.confirm.data != "yes":
        return _attributes_answer(job, ("error", f"Confirm with the “Yes, delete {name}” button."), 422)
    try:
        ratings = services.delete_attribute(db.session(), job, attribute, actor=current_user)
    except services.Refused as refused:
        return _attributes_answer(job, ("error", refused.message), 422)
    db.session.commit()
    gone = f" and its {ratings} rating{'s' if ratings != 1 else ''}" if ratings else ""
    return _attributes_answer(job, ("success", f"Deleted “{name}”{gone}."))
