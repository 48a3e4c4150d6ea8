"""The per-job score weights editor: /jobs/<job_id>/weights (employers, own jobs only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from webapp import db
from webapp.billing.features import require_feature
from webapp.htmx import render_page_or_block
from webapp.jobs.scope import get_job_or_404
from webapp.models import Job
from webapp.rankings import services as rankings
from webapp.scoring import weights as w
from webapp.team.membership import member_required
from webapp.weights import services
from webapp.weights.forms import JobWeightsForm, ResetForm

bp = Blueprint("weights", __name__, url_prefix="/jobs/<int:job_id>/weights")

TEMPLATE = "weights/edit.html"
NORMALISE = "normalise"  # the name of the form's second submit button


@bp.get("")
@member_required("weights.manage")
@require_feature("custom_score_weights")
def edit(job_id: int):
    job = get_job_or_404(job_id)
    current = w.weights_for_job(db.session(), job)
    form = JobWeightsForm.for_weights(current)
    form.check(current.base)
    return _render(job, current, form)


@bp.post("/preview")
@member_required("weights.manage")
@require_feature("custom_score_weights")
def preview(job_id: int):
    """What the entries add up to, without saving; problems are shown, not refused (200)."""
    job = get_job_or_404(job_id)
    current = w.weights_for_job(db.session(), job)
    form = JobWeightsForm()
    form.check(current.base)
    return _render(job, current, form, submitted=True)  # without htmx: the whole page, nothing saved


@bp.post("")
@member_required("weights.manage")
@require_feature("custom_score_weights")
def update(job_id: int):
    if NORMALISE in request.form:  # the "Normalise to 1.00" button: the form again, scaled; nothing saved
        return _normalised(job_id)
    # Locking the job serializes two saves of the same job, so the audit's "before" is true.
    job = get_job_or_404(job_id, for_update=True)
    current = w.weights_for_job(db.session(), job)
    form = JobWeightsForm()
    form.check(current.base)
    if not form.is_usable:
        return _render(job, current, form, status=422, submitted=True)
    services.save(
        db.session(),
        job,
        base=current.base,
        adjustments=form.adjustments(),
        sentiment=form.sentiment(),
        actor=current_user,
    )
    rankings.recompute(db.session(), job.id)  # the ranking follows the weights at once
    db.session.commit()
    flash(f"Score weights saved for {job.title}.", "success")
    return redirect(url_for("weights.edit", job_id=job.id))


@bp.post("/reset")
@member_required("weights.manage")
@require_feature("custom_score_weights")
def reset(job_id: int):
    job = get_job_or_404(job_id, for_update=True)
    if not ResetForm().validate_on_submit():
        abort(400)
    try:
        services.reset(db.session(), job, actor=current_user)
    except services.InvalidWeights as error:
        # Only reachable when the focus row was written outside the admin page.
        db.session.rollback()
        flash(f"The {w.focus_of(job)} defaults cannot be used: {error} Ask an administrator to fix them.", "error")
        return redirect(url_for("weights.edit", job_id=job_id))
    rankings.recompute(db.session(), job.id)
    db.session.commit()
    flash(f"Score weights for {job.title} reset to the {w.focus_of(job)} focus defaults.", "success")
    return redirect(url_for("weights.edit", job_id=job.id))


def _normalised(job_id: int):
    """The entries rescaled so each group adds up to exactly 1.00 (server-side validation unchanged)."""
    job = get_job_or_404(job_id)
    current = w.weights_for_job(db.session(), job)
    typed = JobWeightsForm()
    typed.check(current.base)
    entries, notes = typed.normalised_entries(current.base)
    formdata = request.form.copy()
    formdata.pop(NORMALISE, None)
    for name, value in entries.items():
        formdata[name] = value
    form = JobWeightsForm(formdata=formdata)
    form.check(current.base)
    return _render(job, current, form, submitted=True, notes=notes)


def _render(job: Job, current: w.JobWeights, form: JobWeightsForm, status: int = 200, submitted: bool = False,
            notes: list[str] | None = None):
    focus_now = w.focus_defaults(db.session(), current.focus)
    return render_page_or_block(
        TEMPLATE,
        "weights_preview",
        status,
        job=job,
        job_link=_job_link(job),
        current=current,
        focus_now=focus_now,
        defaults_changed=current.source == w.SOURCE_JOB and current.base != focus_now,
        form=form,
        outcome=form.outcome,
        submitted=submitted,
        notes=notes or [],
        reset_form=ResetForm(),
        W=w,
    )


def _job_link(job: Job) -> tuple[str, str] | None:
    """(url, label) of the job's detail page, or of the jobs list while the jobs area has no detail page."""
    for endpoint, kwargs, label in (("jobs.show", {"job_id": job.id}, "Back to the job"), ("jobs.index", {}, "All jobs")):
        try:
            return url_for(endpoint, **kwargs), label
        except BuildError:
            continue
    return None
