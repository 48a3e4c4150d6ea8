"""Interviews for employers: the list (here) and the review page of one interview (page_views.py).

Both register on this module's `bp`.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from webapp import db
from webapp.htmx import render_page_or_block, wants_block
from webapp.interviews import queries
from webapp.models import INTERVIEW_STATUSES
from webapp.team.membership import member_required, require_membership
from webapp.team.scope import reach

bp = Blueprint("interviews", __name__)

ROWS_BLOCK = "interview_rows"


@bp.get("/interviews")
@member_required("interviews.view")
def index():
    membership = require_membership()
    # A hiring manager sees their team's jobs' interviews, an interviewer those assigned to them.
    scope = dict(reach=reach(membership.role), member=membership.user_id)
    session = db.session()
    limit = current_app.config.get("LIST_COUNT_LIMIT", queries.COUNT_LIMIT)
    try:
        params = queries.InterviewListParams.parse(request.args)
        # Checks the job is one of the member's.
        listing = queries.interview_list_page(session, membership.company_id, params, limit, **scope)
    except queries.BadQueryParameter as error:
        jobs = session.execute(queries.select_interview_list_jobs(membership.company_id, **scope)).all()
        return _bad_filters(str(error), dict(jobs=jobs, statuses=INTERVIEW_STATUSES))
    canonical = listing.params.query_args()
    response = render_page_or_block(
        "interviews/index.html", ROWS_BLOCK, error=None, listing=listing, values=canonical,
        jobs=listing.jobs, statuses=INTERVIEW_STATUSES,
    )
    if wants_block():
        # The address bar shows the canonical state (defaults left out), whatever the form sent.
        response.headers["HX-Push-Url"] = url_for("interviews.index", **canonical)
    return response


def _bad_filters(message: str, context: dict):
    """The page at 400 (or, while filtering live, the rows at 422, which htmx swaps: see base.html)
    saying what is wrong, with the filters as sent so they can be fixed; no rows are shown.
    """
    live = wants_block()
    response = render_page_or_block(
        "interviews/index.html", ROWS_BLOCK, 422 if live else 400,
        error=message, listing=None, values=request.args.to_dict(), **context,
    )
    if live:
        response.headers["HX-Push-Url"] = "false"  # the address bar keeps the last good state
    return response


# The interview page's routes live in their own module and register on `bp`.
from webapp.interviews import (
    page_views,  # noqa: E402, F401
    scheduling,  # noqa: E402, F401
)
