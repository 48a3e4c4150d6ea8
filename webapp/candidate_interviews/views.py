"""A candidate's interview history (`/my/interviews`): their completed real interviews, with the results shared."""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from webapp import db
from webapp.auth.access import role_required
from webapp.candidate_interviews import queries
from webapp.candidate_interviews.forms import HistoryParams
from webapp.dateranges import BadQueryParameter
from webapp.htmx import render_page_or_block, wants_block

bp = Blueprint("candidate_interviews", __name__)


@bp.get("/my/interviews")
@role_required("user")
def index():
    try:
        params = HistoryParams.parse(request.args)
    except BadQueryParameter as error:
        abort(400, description=str(error))
    history = queries.interview_history(db.session(), current_user.id, params.page)
    params = HistoryParams(history.page)
    response = render_page_or_block("candidate_interviews/index.html", "history_rows", history=history, params=params)
    if wants_block():
        response.headers["HX-Push-Url"] = url_for("candidate_interviews.index", **params.query_args())
    return response
