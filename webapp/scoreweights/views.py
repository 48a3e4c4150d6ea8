"""Admin: the default score weights for each job focus, at /admin/score-weights."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.auth.access import role_required
from webapp.models import JOB_FOCUSES
from webapp.scoring import weights as w
from webapp.scoreweights import services
from webapp.scoreweights.forms import FocusWeightsForm

bp = Blueprint("scoreweights", __name__, url_prefix="/admin/score-weights")


@bp.get("")
@role_required("admin")
def index():
    return _render()


@bp.post("/<focus>")
@role_required("admin")
def update(focus: str):
    if focus not in JOB_FOCUSES:
        abort(404)
    form = FocusWeightsForm(prefix=focus)
    if not form.check():
        return _render(failed={focus: form}, status=422)
    services.save(db.session(), focus, form.weights(), actor=current_user)
    db.session.commit()
    flash(
        f"Saved the {focus} defaults. Jobs with their own saved weights keep them until their weights are reset.",
        "success",
    )
    return redirect(url_for("scoreweights.index", _anchor=f"focus-{focus}"))


def _render(failed: dict[str, FocusWeightsForm] | None = None, status: int = 200):
    summaries = services.summaries(db.session())
    forms = {s.focus: FocusWeightsForm.for_focus(s.focus, s.weights) for s in summaries}
    forms |= failed or {}  # the form that failed keeps what was typed and its messages
    return render_template("scoreweights/index.html", summaries=summaries, forms=forms, W=w), status
