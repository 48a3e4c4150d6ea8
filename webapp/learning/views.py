"""Learning paths for candidates: the list, building one from a practice session, and working through it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from webapp import db
from webapp.auth.access import role_required
from webapp.dateranges import BadQueryParameter
from webapp.htmx import htmx, render_page_or_block
from webapp.learning import queries, services
from webapp.learning.forms import BuildForm, ButtonForm, MarkForm, MoveForm, PathListParams
from webapp.learning.scope import get_entry_or_404, get_path_or_404, get_practice_session_or_404
from webapp.navigation import has_endpoint

bp = Blueprint("learning", __name__)

CANDIDATE = "user"
PATH = "<int:path_id>"
ENTRY = "<int:entry_id>"


def _show_url(path_id: int, entry_id: int | None = None) -> str:
    return url_for("learning.show", path_id=path_id, _anchor=f"entry-{entry_id}" if entry_id else None)


def _practice_url(session_id: str) -> str:
    if has_endpoint("practice.show"):
        return url_for("practice.show", session_id=session_id)
    return url_for("learning.index")


def _page_context(path) -> dict:
    """Everything the path page and its fragments show (two statements)."""
    session = db.session()
    entries = session.execute(queries.select_entries(path.id)).all()
    return dict(
        path=path,
        source=session.execute(queries.select_source(path)).one(),
        entries=entries,
        progress=queries.progress_of(entries),
    )


@bp.get("/learning")
@role_required(CANDIDATE)
def index():
    try:
        params = PathListParams.parse(request.args)
    except BadQueryParameter as error:
        abort(400, description=str(error))
    listing = queries.path_page(db.session(), current_user.id, params)
    response = render_page_or_block("learning/index.html", "path_rows", listing=listing, params=listing.params)
    if htmx and not htmx.boosted:
        response.headers["HX-Push-Url"] = url_for("learning.index", **listing.params.query_args())
    return response


@bp.post("/learning")
@role_required(CANDIDATE)
def create():
    form = BuildForm()
    if not form.validate():
        abort(400, description=" ".join(form.session_id.errors) or "The form expired. Reload the page and try again.")
    interview = get_practice_session_or_404(form.session_id.data, for_update=True)
    session = db.session()
    existing = services.existing_path(session, interview)
    if existing is not None:
        flash("You already have a learning path for this practice session: here it is.", "info")
        return redirect(_show_url(existing.id), 303)
    try:
        path = services.build_path(session, interview)
    except services.NothingToBuild as reason:
        back = _practice_url(interview.session_id)
        db.session.rollback()  # nothing was written; let go of the session's row lock
        flash(str(reason), "warning")
        return redirect(back, 303)
    db.session.commit()
    flash("Your learning path is ready, most needed resources first. Start it when you are ready.", "success")
    return redirect(_show_url(path.id), 303)


@bp.get(f"/learning/{PATH}")
@role_required(CANDIDATE)
def show(path_id: int):
    path = get_path_or_404(path_id)
    return render_page_or_block("learning/show.html", "entry_list", **_page_context(path))


@bp.post(f"/learning/{PATH}/start")
@role_required(CANDIDATE)
def start(path_id: int):
    path = get_path_or_404(path_id, for_update=True)
    if not ButtonForm().validate():
        abort(400, description="The form expired. Reload the page and try again.")
    try:
        services.start(path)
    except services.PathRuleError as reason:
        flash(str(reason), "info")
        return redirect(_show_url(path.id), 303)
    db.session.commit()
    flash("Path started. Work through the resources in order and mark each one done.", "success")
    return redirect(_show_url(path.id), 303)


@bp.post(f"/learning/{PATH}/resources/{ENTRY}/done")
@role_required(CANDIDATE)
def mark(path_id: int, entry_id: int):
    path = get_path_or_404(path_id, for_update=True)
    entry = get_entry_or_404(path, entry_id)
    form = MarkForm()
    if not form.validate():
        abort(400, description=" ".join(form.done.errors) or "The form expired. Reload the page and try again.")
    services.mark(db.session(), path, entry_id, form.is_done)
    db.session.commit()
    title = entry.title or "This resource"
    message = f"Marked “{title}” as done." if form.is_done else f"Marked “{title}” as not done."
    if path.status == "completed":
        message += " You finished the whole path. Congratulations!"
    if not htmx:
        flash(message, "success")
        return redirect(_show_url(path.id, entry_id), 303)
    return render_page_or_block(
        "learning/mark.html", "entry_mark", entry_id=entry_id, announcement=message, **_page_context(path)
    )


@bp.post(f"/learning/{PATH}/resources/{ENTRY}/move")
@role_required(CANDIDATE)
def move(path_id: int, entry_id: int):
    path = get_path_or_404(path_id, for_update=True)
    entry = get_entry_or_404(path, entry_id)
    form = MoveForm()
    if not form.validate():
        abort(400, description=form.first_error())
    moved = services.move(db.session(), path, entry_id, step=form.step, to=form.position.data)
    db.session.commit()
    title = entry.title or "This resource"
    if moved.moved:
        message = f"Moved “{title}” to position {moved.position} of {moved.total}."
    elif moved.position == 1 and form.step < 0:
        message = f"“{title}” is already first."
    elif moved.position == moved.total and form.step > 0:
        message = f"“{title}” is already last."
    else:
        message = f"“{title}” stays at position {moved.position} of {moved.total}."
    if not htmx:
        flash(message, "success" if moved.moved else "info")
        return redirect(_show_url(path.id, entry_id), 303)
    return render_page_or_block("learning/move.html", "entry_move", announcement=message, **_page_context(path))
