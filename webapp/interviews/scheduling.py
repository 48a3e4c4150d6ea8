"""Scheduling an interview (`interviews.new`): the form and its POST, on the interviews blueprint.

Each booking counts one interview against the employer's plan (webapp.billing.usage);
over the limit the form comes back with the reason and an upgrade link (402).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db, timezones
from webapp.auth.access import require_verified
from webapp.billing.usage import UsageLimitReached
from webapp.company.scope import current_company_or_404
from webapp.interviews import scheduling_services as services
from webapp.interviews.forms import refused_status
from webapp.interviews.scheduling_forms import ScheduleForm
from webapp.interviews.views import bp
from webapp.team.membership import member_required

TEMPLATE = "interviews/new.html"
SCHEDULED = (
    "Interview for “{title}” on {when} requested for {email}. If that address has a JobHive candidate account, "
    "the interview is booked and listed below; otherwise ask them to sign up with it, then schedule again."
)


@bp.route("/interviews/new", methods=["GET", "POST"])
@member_required("interviews.manage")
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
        return _render(form, jobs, refused_status(form.scheduled_time))
    # Registered or not, the employer gets the same answer: scheduling must not tell who has an account.
    # An address without a candidate account books nothing (inviting people is another feature).
    candidate = services.find_candidate(session, form.candidate_email.data)
    job = next(job for job in jobs if job.id == form.chosen_job_id)
    try:
        if candidate is None:
            services.ensure_interview_left(session, company)
        else:
            services.schedule_interview(session, company, job, candidate, form.scheduled_time.data, actor=current_user)
    except UsageLimitReached as error:
        db.session.rollback()
        return _render(form, jobs, 402, limit_error=error)
    db.session.commit()
    flash(
        SCHEDULED.format(
            email=form.candidate_email.data.lower(), title=job.title, when=timezones.local_text(form.scheduled_time.data)
        ),
        "success",
    )
    return redirect(url_for("interviews.index"), 303)


def _render(form: ScheduleForm, jobs: list, status: int = 200, **context):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    now_local = timezones.to_local_input(now)  # the field's min, in the zone the field is read in
    return render_template(TEMPLATE, form=form, jobs=jobs, now=now, now_local=now_local, **context), status
