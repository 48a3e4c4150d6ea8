"""Practice feedback for candidates: the list of their practice sessions, one session's feedback, progress."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block

from webapp import db
from webapp.auth.access import role_required
from webapp.dateranges import BadQueryParameter
from webapp.htmx import render_page_or_block, wants_block
from webapp.interviews import charts as interview_charts
from webapp.interviews import timeline
from webapp.interviews.page_queries import select_history_points, select_sentiment_sessions
from webapp.interviews.sharing import ShareForm
from webapp.practice import charts, feedback, queries, sharing
from webapp.practice.forms import PracticeListParams
from webapp.practice.scope import get_practice_or_404

bp = Blueprint("practice", __name__)

ROWS_BLOCK = "practice_rows"


def _list_params() -> PracticeListParams:
    try:
        return PracticeListParams.parse(request.args)
    except BadQueryParameter as error:
        abort(400, description=str(error))


@bp.get("/practice")
@role_required("user")
def index():
    session = db.session()
    listing = queries.practice_page(session, current_user.id, _list_params())
    trend = []
    if listing.matching and not wants_block():  # the rows fragment does not carry the sparkline
        trend = list(reversed(session.execute(queries.select_trend(current_user.id)).all()))
    response = render_page_or_block(
        "practice/index.html",
        ROWS_BLOCK,
        listing=listing,
        params=listing.params,
        trend=trend,
        trend_json=interview_charts.figure_json(charts.trend_sparkline(trend)) if len(trend) > 1 else None,
        trend_table=charts.trend_table(trend) if len(trend) > 1 else None,
    )
    if wants_block():
        response.headers["HX-Push-Url"] = url_for("practice.index", **listing.params.query_args())
    return response


@bp.get("/practice/progress")
@role_required("user")
def progress():
    rows = db.session.execute(queries.select_skill_progress(current_user.id)).all()
    skills = feedback.skill_progress(rows)
    session_count = len({row.session_id for row in rows})
    return render_page_or_block(
        "practice/progress.html",
        "content",
        skills=skills,
        rows=rows,
        session_count=session_count,
        progress_table=charts.progress_table(skills, session_count),
        chart_json=interview_charts.figure_json(charts.skills_over_time(rows)) if rows else None,
    )


@bp.get("/practice/<session_id>")
@role_required("user")
def show(session_id: str):
    return _render_show(get_practice_or_404(session_id))


def _render_show(interview, status: int = 200):
    completed = interview.status == "completed"
    context = {"interview": interview, "job_title": None, "focus_areas": [], "completed": completed}
    if interview.job_id is not None:
        context["job_title"] = db.session.scalar(queries.select_job_title(interview))
    if completed:
        context |= _feedback_context(interview)
    else:
        context["status_title"], context["status_text"] = feedback.status_message(interview.status)
    return render_page_or_block("practice/show.html", "content", status, **context)


def _feedback_context(interview) -> dict:
    """Everything the feedback of a completed session shows: a fixed number of statements."""
    session = db.session()
    tone = session.scalars(select_sentiment_sessions(interview.id).limit(1)).first()
    points = session.execute(select_history_points(interview)).mappings().all()
    previous = session.execute(queries.select_previous_session(interview)).first()
    changes = feedback.skill_changes(
        session.execute(queries.select_skill_scores(interview.id, previous.id if previous else None)).all()
    )
    gaps = feedback.knowledge_gaps(interview.knowledge_gaps)
    suggested = feedback.suggested_resources(interview.suggested_resources)
    weak = feedback.weak_skills(gaps, changes)
    listed = [r["resource_id"] for r in suggested if r["resource_id"] is not None]
    catalog = session.execute(queries.select_resources_for(weak, listed)).all() if weak else []
    timeline_json = reading = timeline_table = None
    if points:
        reading = timeline.read(points, interview.response_times, interview.start_time)
        timeline_json = interview_charts.figure_json(
            interview_charts.sentiment_timeline(
                points, warnings=interview.warning_sent_at, extensions=interview.time_extension_count or 0,
                reading=reading,
            )
        )
        timeline_table = interview_charts.timeline_table(reading)
    return dict(
        tone=tone,  # the sentiment summary ("sentiment" is a macro in the template)
        **_sharing_context(tone),
        sentiment_sentence=feedback.sentiment_sentence(tone.overall_sentiment if tone else None),
        details=feedback.detailed_feedback(tone.detailed_feedback if tone else None),
        suggestions=feedback.strings(tone.improvement_suggestions if tone else None),
        focus_areas=feedback.strings(tone.practice_focus_areas if tone else None),
        point_count=len(points),
        timeline_json=timeline_json,
        reading=reading,
        timeline_table=timeline_table,
        previous=previous,
        changes=changes,
        gaps=gaps,
        suggested=suggested,
        catalog=catalog,
        band=feedback.band,
    )


# --- Whether employers see this session's tone ------------------------------------------------------

SHARING_TEMPLATE = "practice/_sharing.html"


def _sharing_context(tone, message: tuple[str, str] | None = None) -> dict:
    return {
        "shared_with_employers": sharing.shared_with_employers(tone),
        "share_form": ShareForm(formdata=None),
        "sharing_message": message,
    }


@bp.post("/practice/<session_id>/sharing")
@role_required("user")
def share(session_id: str):
    """Whether employers may see this practice session's sentiment (employer_visible); audited."""
    interview = get_practice_or_404(session_id)
    form = ShareForm()
    if not form.validate():
        abort(400, "Send shared=yes or shared=no.")
    try:
        tone = sharing.share_with_employers(db.session(), interview, form.choice, actor=current_user)
    except sharing.NothingToShare:
        message, tone, status = ("error", "Nothing was shared: this session has no tone analysis yet."), None, 422
    else:
        db.session.commit()
        status = 200
        message = ("success", "Employers who interview you can now see this session's overall tone." if form.choice
                   else "Employers no longer see this session's tone.")
    if wants_block():
        return render_block(SHARING_TEMPLATE, "practice_sharing", interview=interview, tone=tone,
                            **_sharing_context(tone, message)), status
    flash(message[1], message[0])  # shown at the top of the page either way
    if status >= 400:
        return _render_show(interview, status)
    return redirect(url_for("practice.show", session_id=interview.session_id) + "#practice-sharing", 303)
