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
from webapp.rankings.forms import (
    WHATIF_PARAMS,
    OverrideForm,
    RankingParams,
    RemoveOverrideForm,
    WhatIf,
)
from webapp.scorecards.queries import disagrees
from webapp.scoring import weights as w
from webapp.team.membership import member_required
from webapp.templating import person_name
from webapp.weights import services as weights_services

bp = Blueprint("rankings", __name__, url_prefix="/jobs/<int:job_id>/rankings")


@bp.get("")
@member_required("rankings.view")
def index(job_id: int):
    job, weights = _fresh_job_or_404(job_id)
    params = _params(weights)
    listing = _ranking(job, params, weights, per_page=queries.PER_PAGE)
    people = _people(job, listing.rows)
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
        **people,
    )


def _people(job, rows) -> dict:
    """What people added to the ranking: their pins and exclusions (one statement) and the human
    scores of the rows shown and the overridden ones (one statement)."""
    session = db.session()
    overrides = queries.overrides(session, job.id)
    pinned = [o for o in overrides if o.kind == "pin"]
    excluded = [o for o in overrides if o.kind == "exclude"]
    humans = queries.human_scores(session, job.id, [row.candidate_id for row in (*overrides, *rows)])
    return {
        "pinned": pinned, "excluded": excluded, "humans": humans, "disagrees": disagrees,
        "pinned_count": pinned[0].of_kind if pinned else 0, "excluded_count": excluded[0].of_kind if excluded else 0,
    }


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
    people = _people(job, listing.rows)
    filename = f"rankings-{export_csv.slug(job.title)}-{date.today().isoformat()}.csv"
    lines = export_csv.lines(listing.rows, whatif=params.whatif is not None, humans=people["humans"],
                             pinned=people["pinned"], excluded=people["excluded"])
    response = Response(stream_with_context(lines), mimetype="text/csv")
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


@bp.route("/<int:candidate_id>/override", methods=["GET", "POST"])
@member_required("rankings.override")
def override(job_id: int, candidate_id: int):
    """Pin a ranked candidate to the top or exclude them, with a reason (a 422 says what is missing)."""
    job, ranking = _ranked_or_404(job_id, candidate_id)
    session = db.session()
    current = queries.override_of(session, job.id, candidate_id)
    form = OverrideForm(obj=current)
    if request.method == "GET" or not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("rankings/override.html", job=job, ranking=ranking, form=form,
                               current=current), status
    services.set_override(session, job, candidate_id, form.kind.data, form.reason.data, actor=current_user,
                          candidate_name=person_name(ranking))
    session.commit()
    flash(f"{person_name(ranking)} is {services.OVERRIDE_WORDS[form.kind.data]}; the AI's scores are unchanged.",
          "success")
    return redirect(url_for("rankings.index", job_id=job.id))


@bp.route("/<int:candidate_id>/override/remove", methods=["GET", "POST"])
@member_required("rankings.override")
def remove_override(job_id: int, candidate_id: int):
    """GET: the confirmation; POST: give the candidate back to the AI's order (audit-logged)."""
    job, ranking = _ranked_or_404(job_id, candidate_id)
    session = db.session()
    current = queries.override_of(session, job.id, candidate_id)
    if current is None:
        flash(f"{person_name(ranking)} has no pin or exclusion to remove.", "info")
        return redirect(url_for("rankings.index", job_id=job.id))
    form = RemoveOverrideForm()
    if request.method == "GET":
        return render_template("rankings/remove_override.html", job=job, ranking=ranking, current=current, form=form)
    if not form.validate_on_submit():
        abort(400, description="The form expired. Reload the page and try again.")
    services.remove_override(session, job, candidate_id, actor=current_user, candidate_name=person_name(ranking))
    session.commit()
    flash(f"{person_name(ranking)} is back in the AI's order.", "success")
    return redirect(url_for("rankings.index", job_id=job.id))


def _ranked_or_404(job_id: int, candidate_id: int):
    """The job in the member's reach and the candidate's stored ranking on it; anything else is 404."""
    job = get_job_or_404(job_id)
    ranking = queries.ranking_of(db.session(), job.id, candidate_id)
    if ranking is None:
        abort(404)
    return job, ranking


# "Sentiment" is what the weights call it; the table says what it measures.
FACTOR_LABELS = w.FACTOR_LABELS | {"sentiment": "Communication / sentiment"}
