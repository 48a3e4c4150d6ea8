"""/admin/jobs: what the job queue holds (queued, running, failed...), and "Retry now" for failed jobs."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from webapp import db
from webapp.admin.queries import page_of
from webapp.audit import services as audit
from webapp.auth.access import role_required
from webapp.dateranges import BadQueryParameter
from webapp.htmx import render_page_or_block
from webapp.pagination import page_number
from webapp.queue import queries
from webapp.queue.runtime import manager

bp = Blueprint("queue_admin", __name__, url_prefix="/admin/jobs")


@bp.route("")
@role_required("admin")
def index():
    status = request.args.get("status") or None
    if status is not None and status not in queries.STATUSES:
        abort(400, description="Choose one of the listed statuses.")
    session = db.session()
    counts = queries.counts(session)
    total = sum(counts.values()) if status is None else counts[status]
    try:
        requested = page_number(request.args.get("page", ""))
    except BadQueryParameter as error:
        abort(400, description=str(error))
    page = page_of(total, requested, queries.JOBS_PER_PAGE)
    rows = queries.jobs(session, status, (page.number - 1) * queries.JOBS_PER_PAGE, queries.JOBS_PER_PAGE)
    state = {"status": status} if status else {}
    return render_page_or_block("admin/jobs.html", "job_rows", rows=rows, counts=counts, page=page, state=state,
                                shown=status, statuses=queries.STATUSES)


@bp.route("/<int:job_id>/retry", methods=["POST"])
@role_required("admin")
def retry(job_id: int):
    session = db.session()
    status = queries.status_of(session, job_id)
    if status is None:
        abort(404)
    if status != "failed":
        flash(f"Job {job_id} is {queries.STATUSES.get(status, status).lower()}: only failed jobs can be retried.",
              "error")
        return redirect(url_for("queue_admin.index", status="failed"), 303)
    manager(current_app).job_manager.retry_job_by_id(job_id, retry_at=datetime.now(UTC))
    audit.record(session, "queue.job_retried", actor=current_user, details={"job_id": job_id})
    session.commit()
    flash(f"Job {job_id} is queued again; a worker runs it next.", "success")
    return redirect(url_for("queue_admin.index", status="failed"), 303)
