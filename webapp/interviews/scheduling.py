"""Scheduling an interview (`interviews.new`): the form and its POST, on the interviews blueprint.

Each booking counts one interview against the employer's plan (webapp.billing.usage);
over the limit the form comes back with the reason and an upgrade link (402).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db
from webapp.auth.access import role_required, require_verified
from webapp.billing.usage import UsageLimitReached
from webapp.company.scope import current_company_or_404
from webapp.interviews import scheduling_services as services
from webapp.interviews.scheduling_forms import ScheduleForm
from webapp.interviews.views import bp

TEMPLATE = "interviews/new.html"
NO_CANDIDATE = "No candidate is registered with this email address. Ask them to create a JobHive account first."


@bp.route("/interviews/new", methods=["GET", "POST"])
@role_required("employer")
@require_verified
def new():
    company = current_company_or_404()
    session = db.session()
    jobs = services.open_jobs(session, company.id)
    if request.method == "GET":
        form = ScheduleForm(formdata=None, jobs=jobs, job_id=request.args.get("job_id", ""))
        return _render(form, jobs)
    form = ScheduleForm(jobs=jobs)
    if not form.validate():
        return _render(form, jobs, 422)
    candidate = services.find_candidate(session, form.candidate_email.data)
    if candidate is None:
        form.candidate_email.errors.append(NO_CANDIDATE)
        return _render(form, jobs, 422)
    job = next(job for job in jobs if job.id == form.chosen_job_id)
    try:
        interview = services.schedule_interview(
            session, company, job, candidate, form.scheduled_time.data, actor=current_user
        )
    except UsageLimitReached as error:
        db.session.rollback()
        return _render(form, jobs, 402, limit_error=error)
    db.session.commit()
    flash(
        f"Interview with {candidate.email} for “{job.title}” scheduled for "
        f"{form.scheduled_time.data:%d %b %Y, %H:%M} UTC.",
        "success",
    )
    return redirect(url_for("interviews.show", session_id=interview.session_id))


def _render(form: ScheduleForm, jobs: list, status: int = 200, **context):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return render_template(TEMPLATE, form=form, jobs=jobs, now=now, **context), status
