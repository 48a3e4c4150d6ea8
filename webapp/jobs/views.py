"""Job postings for employers: the live list, create/edit, detail, toggle, bulk and delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db
from webapp.auth.access import require_verified
from webapp.billing.usage import UsageLimitReached
from webapp.company.scope import current_company_or_404
from webapp.dateranges import BadQueryParameter
from webapp.htmx import htmx, render_page_or_block, wants_block
from webapp.jobs import queries, services
from webapp.jobs.forms import (
    FOCUS_CHOICES,
    PER_PAGE_CHOICES,
    BulkJobsForm,
    ButtonForm,
    JobForm,
    JobListParams,
)
from webapp.jobs.scope import get_job_or_404
from webapp.models import INTERVIEW_STATUSES
from webapp.redirects import safe_path
from webapp.team.membership import member_required

bp = Blueprint("jobs", __name__)

ROWS_BLOCK = "job_rows"
JOB = "<int:job_id>"


def _list_params(source) -> JobListParams:
    try:
        return JobListParams.parse(source)
    except BadQueryParameter as error:
        abort(400, description=str(error))


def _render_list(params: JobListParams, *, message: tuple[str, str] | None = None, select_all: bool = False):
    """The list page, or just its rows block for htmx requests that target it."""
    company = current_company_or_404()
    listing = queries.job_page(db.session(), company.id, params)
    context = dict(
        listing=listing,
        params=listing.params,
        statuses=INTERVIEW_STATUSES,
        focus_choices=FOCUS_CHOICES,
        per_page_choices=PER_PAGE_CHOICES,
        message=message,  # (category, text), shown above the rows
        select_all=select_all,
    )
    response = render_page_or_block("jobs/index.html", ROWS_BLOCK, **context)
    if wants_block() and request.method == "GET" and htmx.trigger_name != "select_all":
        # The address bar shows the canonical state (defaults left out), whatever the form sent.
        response.headers["HX-Push-Url"] = url_for("jobs.index", **listing.params.query_args())
    return response


def _back_to(fallback: str) -> str:
    """A same-site path posted as `next` (the page a button was on), else `fallback`."""
    return safe_path(request.form.get("next")) or fallback


@bp.get("/jobs")
@member_required("jobs.view")
def index():
    params = _list_params(request.args)
    return _render_list(params, select_all=request.args.get("select_all") == "1")


@bp.get("/jobs/new")
@member_required("jobs.manage")
@require_verified
def new():
    current_company_or_404()
    return render_template("jobs/new.html", form=JobForm())


@bp.post("/jobs")
@member_required("jobs.manage")
@require_verified
def create():
    company = current_company_or_404()
    form = JobForm()
    if not form.validate():
        return render_template("jobs/new.html", form=form), 422
    try:
        job = services.post_job(db.session(), company, form.job_data(), actor=current_user)
    except UsageLimitReached as error:
        db.session.rollback()
        return render_template("jobs/new.html", form=form, limit_error=error), 402
    db.session.commit()
    flash(f"Posted “{job.title}”.", "success")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get(f"/jobs/{JOB}")
@member_required("jobs.view")
def show(job_id: int):
    job = get_job_or_404(job_id)
    session = db.session()
    by_status = dict(session.execute(queries.select_interviews_by_status(job.id)).all())
    return render_template(
        "jobs/show.html",
        job=job,
        status_counts=[(status, by_status.get(status, 0)) for status in INTERVIEW_STATUSES],
        interview_total=sum(by_status.values()),
        top_candidates=session.execute(queries.select_top_candidates(job.id)).all(),
        ranking_total=session.scalar(queries.select_ranking_count(job.id)),
    )


@bp.get(f"/jobs/{JOB}/edit")
@member_required("jobs.manage")
def edit(job_id: int):
    job = get_job_or_404(job_id)
    return render_template("jobs/edit.html", job=job, form=JobForm(obj=job))


@bp.post(f"/jobs/{JOB}")
@member_required("jobs.manage")
def update(job_id: int):
    job = get_job_or_404(job_id, for_update=True)
    form = JobForm()
    if not form.validate():
        return render_template("jobs/edit.html", job=job, form=form), 422
    changed = services.update_job(db.session(), job, form.job_data(), actor=current_user)
    db.session.commit()
    flash(f"Saved “{job.title}”." if changed else "Nothing changed.", "success" if changed else "info")
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post(f"/jobs/{JOB}/toggle")
@member_required("jobs.manage")
def toggle(job_id: int):
    job = get_job_or_404(job_id, for_update=True)
    if not ButtonForm().validate():
        abort(400, description="The form expired. Reload the page and try again.")
    # The switch sends the state it asks for, so a retried request (its answer lost) cannot flip it
    # back; a form without it (an older page) flips.
    wanted = {"true": True, "false": False, None: not job.is_active}.get(request.form.get("active"))
    if wanted is None:
        abort(400, description="Choose active or inactive.")
    if wanted != job.is_active:
        services.set_active(db.session(), job, wanted, actor=current_user)
    db.session.commit()
    if htmx:
        return render_page_or_block("jobs/toggle.html", "job_toggle", job=job)
    flash(f"“{job.title}” is now {'active' if job.is_active else 'inactive'}.", "success")
    return redirect(_back_to(url_for("jobs.show", job_id=job.id)))


@bp.post("/jobs/bulk")
@member_required("jobs.manage")
def bulk():
    company = current_company_or_404()
    params = _list_params(request.form)
    form = BulkJobsForm()
    job_ids = form.job_ids(request.form)
    if not form.validate():
        message, category = " ".join(form.action.errors) or "The form expired. Reload the page.", "error"
    elif not job_ids:
        message, category = "Select at least one job first.", "error"
    else:
        active = form.action.data == "activate"
        changed, unchanged = services.bulk_set_active(db.session(), company, job_ids, active, actor=current_user)
        db.session.commit()
        message, category = _bulk_message(changed, unchanged, active), "success"
    if htmx:
        return _render_list(params, message=(category, message))
    flash(message, category)
    return redirect(url_for("jobs.index", **params.query_args()))


def _bulk_message(changed: int, unchanged: int, active: bool) -> str:
    verb = "activated" if active else "deactivated"
    message = f"{changed} job{'s' if changed != 1 else ''} {verb}"
    if unchanged:
        state = "active" if active else "inactive"
        message += f" ({unchanged} {'was' if unchanged == 1 else 'were'} already {state})"
    return message + "."


@bp.get(f"/jobs/{JOB}/delete")
@member_required("jobs.manage")
def confirm_delete(job_id: int):
    job = get_job_or_404(job_id)
    counts = queries.dependent_counts(db.session(), job.id)
    return render_template(
        "jobs/confirm_delete.html", job=job, counts=counts, dependents=queries.DEPENDENTS, form=ButtonForm()
    )


@bp.post(f"/jobs/{JOB}/delete")
@member_required("jobs.manage")
def delete(job_id: int):
    job = get_job_or_404(job_id, for_update=True)
    if not ButtonForm().validate():
        abort(400, description="The form expired. Reload the page and try again.")
    title = job.title
    counts = services.delete_job(db.session(), job, actor=current_user)
    db.session.commit()
    flash(
        f"Deleted “{title}” with {counts['interviews']} interview{'s' if counts['interviews'] != 1 else ''} "
        f"and {counts['rankings']} ranking{'s' if counts['rankings'] != 1 else ''}.",
        "success",
    )
    return redirect(url_for("jobs.index"))
