"""Company analytics for employers: the page (htmx swaps its content block) and the CSV of its series."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, request, stream_with_context, url_for

from webapp import db
from webapp.analytics import cells, export, metrics, queries, report
from webapp.analytics.forms import PRESETS, AnalyticsParams, UnknownJob
from webapp.billing.features import require_feature
from webapp.company.scope import current_company_or_404
from webapp.dateranges import BadQueryParameter
from webapp.htmx import render_page_or_block, wants_block
from webapp.team.membership import member_required

bp = Blueprint("analytics", __name__)
bp.add_app_template_global(cells.job_cells, "job_cells")

CONTENT_BLOCK = "analytics_content"


def _today():
    return datetime.now(UTC).date()  # the dashboard's days are UTC days


def _params(jobs, today) -> AnalyticsParams:
    """The request's parameters; bad ones raise BadQueryParameter or UnknownJob."""
    return AnalyticsParams.parse(request.args, {job.id for job in jobs}, today)


@bp.get("/analytics")
@member_required("analytics.view")
@require_feature("analytics")
def index():
    company = current_company_or_404()
    session = db.session()
    jobs = session.execute(queries.select_jobs(company.id)).all()
    context = dict(company=company, jobs=jobs, job_choices=[(job.id, job.title) for job in jobs], presets=PRESETS,
                   granularities=metrics.GRANULARITIES)
    today = _today()
    try:
        params = _params(jobs, today)
    except (BadQueryParameter, UnknownJob) as error:
        return _bad_parameters(error, context)
    figures = report.build(session, company.id, params, jobs, today)
    response = render_page_or_block(
        "analytics/index.html", CONTENT_BLOCK, error=None, params=params, report=figures,
        values=request.args.to_dict(), **context,
    )
    if wants_block():
        # The address bar shows the canonical state (defaults left out), whatever the form sent.
        response.headers["HX-Push-Url"] = url_for("analytics.index", **params.query_args())
    return response


def _bad_parameters(error: Exception, context: dict):
    """The page saying what is wrong, with the controls as sent: 400 (an unknown job: 404), or 422 for
    htmx (swapped, see base.html) with the address bar left at the last good state.
    """
    live = wants_block()
    status = 422 if live else (404 if isinstance(error, UnknownJob) else 400)
    response = render_page_or_block(
        "analytics/index.html", CONTENT_BLOCK, status, error=str(error), params=None, report=None,
        values=request.args.to_dict(), **context,
    )
    if live:
        response.headers["HX-Push-Url"] = "false"
    return response


def _export_request(session):
    """An export's company, jobs, parameters and today; a bad parameter is a 400, a foreign job a 404."""
    company = current_company_or_404()
    jobs = session.execute(queries.select_jobs(company.id)).all()
    today = _today()
    try:
        return company, jobs, _params(jobs, today), today
    except UnknownJob as error:
        abort(404, description=str(error))
    except BadQueryParameter as error:
        abort(400, description=str(error))


@bp.get("/analytics.csv", endpoint="export")
@member_required("analytics.view")
@require_feature("analytics")
def export_csv():
    """The series as shown (range, job, granularity) as CSV, streamed period by period."""
    session = db.session()
    company, jobs, params, today = _export_request(session)
    rows = report.daily_rows(session, company.id, params, today, top=0)
    series = metrics.series(rows, params.first, params.last, params.granularity)
    filename = f"analytics-{params.first.isoformat()}-to-{params.last.isoformat()}-by-{params.granularity}.csv"
    return _csv(export.lines(series), filename)


@bp.get("/analytics/jobs.csv", endpoint="export_jobs")
@member_required("analytics.view")
@require_feature("analytics")
def export_jobs_csv():
    """Every job with interviews in the range (the page's table shows the first ones), in the table's order."""
    session = db.session()
    company, jobs, params, today = _export_request(session)
    rows = [r for r in report.daily_rows(session, company.id, params, today, top=None) if r.kind == "job"]
    job_rows = metrics.job_rows(sorted(rows, key=lambda r: r.rank), jobs, params.sort)
    filename = f"analytics-jobs-{params.first.isoformat()}-to-{params.last.isoformat()}.csv"
    return _csv(export.job_lines(job_rows), filename)


def _csv(lines, filename: str) -> Response:
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
