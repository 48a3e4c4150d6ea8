"""Job postings for employers: the live list, create/edit, detail, toggle, bulk and delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

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
    TEAM_ROLES,
    BulkJobsForm,
    ButtonForm,
    JobForm,
    JobListParams,
    TeamMemberForm,
)
from webapp.jobs.scope import get_job_or_404
from webapp.models import INTERVIEW_STATUSES
from webapp.redirects import safe_path
from webapp.team.membership import member_required, require_membership
from webapp.team.policy import ROLE_LABELS
from webapp.team.scope import visible_jobs

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
    listing = queries.job_page(db.session(), company.id, params, visible_jobs(require_membership()))
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
    return render_template("jobs/show.html", **_show_context(job))


def _show_context(job, **team) -> dict:
    session = db.session()
    by_status = dict(session.execute(queries.select_interviews_by_status(job.id)).all())
    return dict(
        job=job,
        status_counts=[(status, by_status.get(status, 0)) for status in INTERVIEW_STATUSES],
        interview_total=sum(by_status.values()),
        top_candidates=session.execute(queries.select_top_candidates(job.id)).all(),
        ranking_total=session.scalar(queries.select_ranking_count(job.id)),
        **_team_context(job, **team),
    )


# --- the job's hiring team ----------------------------------------------------------------------

TEAM_BLOCK = "job_team"


def _display_name(row) -> str:
    return " ".join(part for part in (row.first_name, row.last_name) if part) or row.email


def _team_context(job, form: TeamMemberForm | None = None, message: tuple[str, str] | None = None,
                  people: list | None = None) -> dict:
    """The panel: the team, and for members who manage it the form to add the company's other members."""
    people = people if people is not None else _team_people(job)
    team = [row for row in people if row.team_role is not None]
    form = form or TeamMemberForm(formdata=None)
    form.user_id.choices = [
        SelectChoice(row.id, f"{_display_name(row)} ({ROLE_LABELS[row.member_role]})")
        for row in people if row.team_role is None and row.member_role is not None
    ]
    return {"team": team, "team_form": form, "team_message": message, "display_name": _display_name,
            "team_role_labels": TEAM_ROLES, "button_form": ButtonForm()}


def _team_people(job) -> list:
    return db.session.execute(queries.select_team_people(job.company_id, job.id)).all()


def _team_answer(job, message: tuple[str, str], status: int = 200, form: TeamMemberForm | None = None):
    """htmx: the panel with the message; otherwise the page (a refusal, 422) or a redirect with a flash."""
    if wants_block():
        return render_page_or_block("jobs/show.html", TEAM_BLOCK, status, **_show_context(job, form=form,
                                                                                          message=message))
    if status >= 400:
        return render_template("jobs/show.html", **_show_context(job, form=form, message=message)), status
    flash(message[1], message[0])
    return redirect(url_for("jobs.show", job_id=job.id) + "#job-team", 303)


@bp.post(f"/jobs/{JOB}/team")
@member_required("jobs.team")
def team_add(job_id: int):
    job = get_job_or_404(job_id)
    form = TeamMemberForm()
    people = _team_people(job)
    # Validated against every member of the company, on the team or not: adding one already there says so.
    form.user_id.choices = [SelectChoice(row.id, "") for row in people if row.member_role is not None]
    if not form.validate():
        return _team_answer(job, ("error", "Nobody was added: fix the problem below."), 422, form)
    person = next(row for row in people if row.id == form.user_id.data)
    role = TEAM_ROLES[form.team_role.data]
    if not services.add_to_team(db.session(), job, person.id, form.team_role.data, actor=current_user):
        return _team_answer(job, ("info", f"{_display_name(person)} is already on this job's hiring team."))
    db.session.commit()
    return _team_answer(job, ("success", f"Added {_display_name(person)} to the hiring team as {role.lower()}."))


@bp.post(f"/jobs/{JOB}/team/<int:user_id>/remove")
@member_required("jobs.team")
def team_remove(job_id: int, user_id: int):
    job = get_job_or_404(job_id)
    if not ButtonForm().validate():
        abort(400, description="The form expired. Reload the page and try again.")
    person = next((row for row in _team_people(job) if row.id == user_id and row.team_role is not None), None)
    if person is None or services.remove_from_team(db.session(), job, user_id, actor=current_user) is None:
        abort(404)  # not on this job's team (or someone removed them a moment ago)
    db.session.commit()
    return _team_answer(job, ("success", f"Removed {_display_name(person)} from the hiring team."))


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
