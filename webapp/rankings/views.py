"""Candidate rankings of a job: /jobs/<job_id>/rankings (employers, own jobs only)."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from webapp import db
from webapp.billing.features import require_feature
from webapp.htmx import render_page_or_block, wants_block
from webapp.jobs.scope import get_job_or_404
from webapp.rankings import export_csv, queries, services
from webapp.rankings.forms import WHATIF_PARAMS, RankingParams, WhatIf
from webapp.scoring import weights as w
from webapp.team.membership import member_required
from webapp.weights import services as weights_services

bp = Blueprint("rankings", __name__, url_prefix="/jobs/<int:job_id>/rankings")


@bp.get("")
@member_required("rankings.view")
def index(job_id: int):
    job, weights = _fresh_job_or_404(job_id)
    params = _params(weights)
    listing = _ranking(job, params, weights, per_page=queries.PER_PAGE)
    bad_whatif = params.whatif is not None and not params.whatif.usable
    return render_page_or_block(
        "rankings/index.html",
        "ranking_rows",
        status=422 if params.min_error or bad_whatif else 200,
        job=job,
        params=params.with_(page=listing.page),
        listing=listing,
        weights=weights,
        preview_weights=_preview_weights(params),
        hx=wants_block(),
        factor_labels=FACTOR_LABELS,
        sentiment_labels=w.SENTIMENT_LABELS,
    )


def _fresh_job_or_404(job_id: int) -> tuple:
    """The employer's job and its weights, its ranking first brought up to date if results changed since."""
    job = get_job_or_404(job_id)
    weights, stale = queries.weights_and_freshness(db.session(), job.id)
    if stale and services.recompute_stale(db.session(), job.id):
        db.session.commit()
    return job, weights


def _params(weights: w.JobWeights) -> RankingParams:
    """The request's parameters; what-if weights equal to the saved ones are the saved ranking.

    (The filter form always sends the sliders, so changing the minimum score does not
    turn the page into a "preview" of the weights it already has.)
    """
    params = RankingParams.from_args(request.args)
    whatif = params.whatif
    if whatif is not None and whatif.usable and whatif.sums_to_one and whatif.normalised() == weights.effective:
        params = params.with_(whatif=None)
    return params


def _preview_weights(params: RankingParams) -> w.FactorWeights | None:
    """The what-if weights as applied (normalised to 1.00), or None for the saved ranking."""
    return params.whatif.normalised() if params.whatif is not None and params.whatif.usable else None


def _ranking(job, params: RankingParams, weights: w.JobWeights, *, per_page: int | None):
    """The saved ranking, or the what-if one re-weighted from the stored factor scores."""
    session = db.session()
    preview = _preview_weights(params)
    if preview is None:
        return queries.listing(
            session, job.id, sort_key=params.sort_key, reverse=params.reverse, minimum=params.minimum,
            page=params.page, per_page=per_page,
        )
    return queries.whatif_listing(
        session, job.id, preview.as_dict(), sort_key=params.sort_key, reverse=params.reverse,
        minimum=params.minimum, page=params.page, per_page=per_page,
    )


@bp.route("/weights", methods=["GET", "POST"])
@member_required("weights.manage")
@require_feature("custom_score_weights")
def save_weights(job_id: int):
    """Save the what-if weights as the job's weights.

    GET (the sliders' "Save as this job's weights…") is the confirmation step: it
    shows the saved and the new weights and writes nothing. POST with confirmed=yes
    writes them through the weights service (audit-logged) and re-ranks the job.
    """
    writing = request.method == "POST" and request.form.get("confirmed") == "yes"
    job = get_job_or_404(job_id, for_update=writing)  # serializes two saves, as the weights editor does
    source = request.form if request.method == "POST" else request.args
    whatif = WhatIf.from_args(source) or WhatIf.from_args({WHATIF_PARAMS["technical"]: ""})
    current = w.weights_for_job(db.session(), job)
    new = whatif.normalised() if whatif.usable else None
    if not writing or new is None:
        page = render_template("rankings/save_weights.html", job=job, whatif=whatif, current=current, new=new,
                               factor_labels=FACTOR_LABELS)
        return page, 200 if new is not None else 422
    try:
        services.save_weights(db.session(), job, new, actor=current_user)
    except weights_services.InvalidWeights as error:  # e.g. a base row written outside the dashboard
        db.session.rollback()
        flash(f"These weights cannot be saved: {error}", "error")
        return redirect(url_for("rankings.index", job_id=job_id))
    db.session.commit()
    flash(f"Saved as the weights for {job.title} ({new.describe()}); the ranking has been recomputed.", "success")
    return redirect(url_for("rankings.index", job_id=job.id))


@bp.get("/compare")
@member_required("rankings.view")
def compare(job_id: int):
    """2 to 4 ranked candidates side by side; a bad selection is a 400 that says what to do."""
    job, _ = _fresh_job_or_404(job_id)
    try:
        ids = services.parse_selection(request.args.getlist("c"))
        people = services.comparison(db.session(), job, ids)
    except services.CompareError as error:
        return render_template("rankings/compare.html", job=job, error=str(error), people=[],
                               factor_labels=FACTOR_LABELS), 400
    skill_names = sorted({name for person in people for name in person.skills})
    return render_template("rankings/compare.html", job=job, error=None, people=people, skill_names=skill_names,
                           factor_labels=FACTOR_LABELS, traits=services.TRAITS)


@member_required("rankings.view")
def export(job_id: int):
    """The ranking as shown (sort, minimum, what-if weights) as CSV, streamed row by row."""
    job, weights = _fresh_job_or_404(job_id)
    params = _params(weights)
    if params.min_error or (params.whatif is not None and not params.whatif.usable):
        problems = [params.min_error] if params.min_error else []
        problems += list(params.whatif.errors.values()) if params.whatif else []
        abort(400, description=" ".join(problems))
    listing = _ranking(job, params, weights, per_page=None)
    filename = f"rankings-{export_csv.slug(job.title)}-{date.today().isoformat()}.csv"
    response = Response(
        stream_with_context(export_csv.lines(listing.rows, whatif=params.whatif is not None)),
        mimetype="text/csv",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# Not under the blueprint's prefix (/jobs/<id>/rankings/...): the CSV sits next to the page, as
# /jobs/<id>/rankings.csv, with the blueprint's endpoint name.
bp.record_once(
    lambda state: state.app.add_url_rule(
        "/jobs/<int:job_id>/rankings.csv", "rankings.export", export, methods=["GET"]
    )
)


@bp.get("/<int:candidate_id>")
@member_required("rankings.view")
def explain(job_id: int, candidate_id: int):
    """Why a candidate has their score: each factor's contribution, and the interviews behind it."""
    job, weights = _fresh_job_or_404(job_id)
    session = db.session()
    ranking = queries.ranking_of(session, job.id, candidate_id)
    if ranking is None:
        abort(404)
    scores = services.score_row(ranking._mapping, weights)
    return render_page_or_block(
        "rankings/explain.html",
        "explanation",
        job=job,
        ranking=ranking,
        scores=scores,
        contributions=scores.contributions(),
        interviews=queries.interviews_behind(session, job.id, candidate_id),
        factor_labels=FACTOR_LABELS,
    )


# "Sentiment" is what the weights call it; the table says what it measures.
FACTOR_LABELS = w.FACTOR_LABELS | {"sentiment": "Communication / sentiment"}
