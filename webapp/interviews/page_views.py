"""The review page of one interview (`interviews.show`), its notes, difficulty flag, live panel and actions.

Registered on the blueprint of views.py, which imports this module.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block

from webapp import db, timezones
from webapp.dateranges import BadQueryParameter
from webapp.htmx import wants_block
from webapp.interviews import (
    assignments,
    charts,
    evidence,
    page_queries,
    planned,
    services,
    sharing,
    timeline,
)
from webapp.interviews.forms import (
    ButtonForm,
    CancelForm,
    RescheduleForm,
    refused_status,
)
from webapp.interviews.page_queries import LiveCursor
from webapp.interviews.scope import get_interview_or_404
from webapp.interviews.views import bp
from webapp.models import InterviewSession
from webapp.scorecards import pages as scorecard_pages
from webapp.team.membership import member_can, member_required, require_membership

TEMPLATE = "interviews/show.html"
SESSION = "<session_id>"
SESSION_ID_MAX = 255  # interview_interviewsession.session_id is VARCHAR(255)
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f]")


def _interview_or_404(session_id: str, *, for_update: bool = False) -> InterviewSession:
    # An id PostgreSQL could not even compare (NUL, too long) names nothing: 404, not a database error.
    if len(session_id) > SESSION_ID_MAX or _UNSTORABLE.search(session_id):
        abort(404)
    return get_interview_or_404(session_id, for_update=for_update)


def _candidate_name(header) -> str:
    full = " ".join(part for part in (header.first_name, header.last_name) if part)
    return full or header.username or header.email or "Unknown candidate"


def _duration_text(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def _chart_context(review: page_queries.InterviewReview, cursor: LiveCursor | None = None) -> dict:
    """Figure JSON per chart div id, each chart's text alternative (chart_tables) and the timeline's reading.

    Sentiment charts only when the employer may see them. A poll (`cursor`) redraws the live panel's
    charts from all the points (the smoothed tone, flag groups and tables need them all); the other
    charts are not part of its answer.
    """
    interview = review.interview
    figures: dict = {}
    tables: dict = {}
    reading = None
    if review.points:
        reading = timeline.read(review.points, interview.response_times, interview.start_time)
        figures["sentiment-timeline"] = charts.sentiment_timeline(
            review.points, warnings=interview.warning_sent_at, extensions=interview.time_extension_count or 0,
            reading=reading,
        )
        tables["sentiment-timeline"] = charts.timeline_table(reading)
        if any(point["value_alignment_score"] is not None for point in review.points):
            figures["context-factors"] = charts.context_factors_chart(review.points)
            tables["context-factors"] = charts.context_table(reading)
    if cursor is None:
        response_times = charts.response_times_chart(interview.response_times)
        if response_times["data"][0]["y"]:
            figures["response-times"] = response_times
            tables["response-times"] = charts.response_times_table(interview.response_times)
        if review.behavior is not None:
            figures["behavior-radar"] = charts.behavior_radar(review.behavior)
            tables["behavior-radar"] = charts.behavior_table(review.behavior)
    return dict(
        chart_json={chart_id: charts.figure_json(figure) for chart_id, figure in figures.items()},
        chart_tables=tables,
        reading=reading,
    )


def _next_cursor(review: page_queries.InterviewReview, version: str, chart_json: dict):
    """What the rendered panel shows, for its next poll (the panel always holds every point)."""
    if review.sentiment_hidden:
        return LiveCursor(version)
    last = review.points[-1] if review.points else None
    return LiveCursor(
        version,
        last_time=last["timestamp"] if last else None,
        last_id=last["id"] if last else None,
        points=len(review.points),
        context_chart="context-factors" in chart_json,
    )


def _live_url(interview: InterviewSession, cursor: LiveCursor) -> str:
    args = {"v": cursor.version, "points": cursor.points}
    if cursor.last_time is not None:
        args |= {"after": cursor.last_time.isoformat(), "after_id": cursor.last_id}
    if cursor.context_chart:
        args["ctx"] = 1
    return url_for("interviews.live", session_id=interview.session_id, **args)


def _notes_context(interview: InterviewSession, form=None, saved: bool = False) -> dict:
    # The notes thread and scorecards have their own cards (webapp.scorecards.pages), read on whole pages only.
    return dict(interview=interview, button_form=ButtonForm())


def _page_context(
    interview: InterviewSession,
    form=None,
    *,
    review: page_queries.InterviewReview | None = None,
    cursor: LiveCursor | None = None,
    **actions,
) -> dict:
    """The page's context; a poll passes the review of its new points and its cursor."""
    review = review or page_queries.load_review(db.session(), interview)
    actions_context = _actions_context(interview, **actions)
    chart_context = _chart_context(review, cursor)
    version = page_queries.live_version(interview, review.sentiments, actions_context["rules"])
    next_cursor = _next_cursor(review, version, chart_context["chart_json"])
    return dict(
        review=review,
        header=review.header,
        candidate_name=_candidate_name(review.header),
        **chart_context,
        point_count=next_cursor.points,
        live_url=_live_url(interview, next_cursor),
        duration_text=_duration_text(interview.duration),
        timing_events=charts.timing_events(interview.warning_sent_at),
        sparkline=charts.sparkline_points,
        as_text=charts.as_text,
        evidence_words=evidence.evidence_words,
        **_notes_context(interview, form),
        **actions_context,
    )


def _render_page(interview: InterviewSession, form=None, status: int = 200,
                 interviewers: dict | None = None, notes: dict | None = None, cards: dict | None = None,
                 results: dict | None = None, **actions):
    # The interviewers panel is read for the whole page only: the 5 s live poll never renders it.
    panel = _interviewers_context(interview, **(interviewers or {}))
    if planned.is_not_started(interview):
        body = render_template(PLANNED_TEMPLATE, **_planned_context(interview, **actions), **panel)
        return body, status, {"Vary": "HX-Request"}
    context = _page_context(interview, form, **actions) | panel
    context |= _sharing_context(interview, context["review"].sentiments, **(results or {})) | _shared_practice(interview)
    context |= scorecard_pages.notes_context(interview, **(notes or {}))
    context |= scorecard_pages.cards_context(interview, **(cards or {}))
    body = render_template(TEMPLATE, **context)
    return body, status, {"Vary": "HX-Request"}


PLANNED_TEMPLATE = "interviews/planned.html"


def _planned_context(interview: InterviewSession, **actions) -> dict:
    """An interview that never started: who, when, invitation, reschedule and cancel; no review reads at all."""
    header = page_queries.header_of(interview)
    return dict(
        interview=interview,
        header=header,
        candidate_name=_candidate_name(header),
        button_form=ButtonForm(),
        **planned.planned_facts(interview),
        # Nothing to extend before it starts (extending is for a running interview's time limit).
        **(_actions_context(interview, **actions) | {"show_extend": False, "extend_refusal": None, "live": False}),
    )


@bp.get(f"/interviews/{SESSION}")
@member_required("interviews.view")
def show(session_id: str):
    interview = _interview_or_404(session_id)
    if wants_block() and request.headers.get("HX-Target") == LIVE_TARGET:
        return _live_block(interview)  # the panel alone, as the live poll without a cursor sends it
    return _render_page(interview)


@bp.post(f"/interviews/{SESSION}/notes")
@member_required("interviews.review")
def update_notes(session_id: str):
    """Adds a note to the thread (the URL of the single notes box the thread replaced)."""
    from webapp.scorecards import views as scorecard_views  # it imports this module

    return scorecard_views.add_note(_interview_or_404(session_id, for_update=True))


@bp.post(f"/interviews/{SESSION}/difficulty")
@member_required("interviews.review")
def toggle_difficulty(session_id: str):
    interview = _interview_or_404(session_id, for_update=True)
    if not ButtonForm().validate():
        abort(400)
    reported = services.toggle_difficulty(db.session(), interview, actor=current_user)
    db.session.commit()
    if wants_block():
        return render_block(TEMPLATE, "difficulty_flag", **_notes_context(interview))
    flash("Technical difficulty reported." if reported else "Technical-difficulty flag cleared.", "success")
    return redirect(url_for("interviews.show", session_id=interview.session_id), 303)


# --- Live and actions -------------------------------------------------------------------------
# Every action answers an htmx request with the live panel (header, actions, sentiment) and any
# other request with a redirect after success or the whole page (422) after a refusal.

LIVE_BLOCK = "live_panel"
LIVE_TARGET = "live-panel"  # the block's DOM id
_VERSION = re.compile(r"[0-9a-f]{1,64}")
MAX_POINTS = 10_000_000  # far above any interview; a larger count is a damaged link
MAX_BIGINT = 2**63 - 1
LIVE_STATUSES = ("in_progress",)  # only these poll; a finished interview's panel has no hx-trigger


def _actions_context(
    interview: InterviewSession,
    *,
    action_message: str | None = None,
    action_error: str | None = None,
    reschedule_form: RescheduleForm | None = None,
    open_panel: str | None = None,
    rules: services.ExtensionRules | None = None,
) -> dict:
    rules = rules or services.extension_rules(db.session(), interview)
    # Members who may not manage interviews (hiring managers, interviewers) see no action they would be refused.
    manages = member_can("interviews.manage")
    extendable = manages and interview.status in page_queries.EXTENDABLE_STATUSES
    if reschedule_form is None:
        current = interview.scheduled_time
        # shown in the viewer's zone, as the form reads it
        upcoming = timezones.to_local_input(current) if current and current > datetime.now(UTC) else None
        reschedule_form = RescheduleForm(formdata=None, data={"scheduled_time": upcoming})
    return dict(
        live=interview.status in LIVE_STATUSES,
        rules=rules,
        show_extend=extendable and rules.allowed and rules.max_extensions > 0,
        extend_refusal=services.extension_refusal(interview, rules) if extendable else None,
        can_cancel=manages and interview.status in services.CANCELLABLE_STATUSES,
        can_reschedule=manages and interview.status in services.RESCHEDULABLE_STATUSES,
        reschedule_form=reschedule_form,
        open_panel=open_panel,
        action_message=action_message,
        action_error=action_error,
    )


def _live_block(interview: InterviewSession, status: int = 200, **actions):
    if planned.is_not_started(interview):
        body = render_block(PLANNED_TEMPLATE, LIVE_BLOCK, **_planned_context(interview, **actions))
        return body, status, {"Vary": "HX-Request"}
    body = render_block(TEMPLATE, LIVE_BLOCK, **_page_context(interview, **actions))
    return body, status, {"Vary": "HX-Request"}


def _done(interview: InterviewSession, message: str):
    if wants_block():
        return _live_block(interview, action_message=message)
    flash(message, "success")
    return redirect(url_for("interviews.show", session_id=interview.session_id), 303)


def _refused(interview: InterviewSession, message: str, status: int = 422, **actions):
    """422 (htmx swaps 422 responses, see base.html) with the reason next to the buttons; a page may say 400."""
    if wants_block():
        return _live_block(interview, 422, action_error=message, **actions)
    return _render_page(interview, status=status, action_error=message, **actions)


def _minutes(count: int) -> str:
    return "1 minute" if count == 1 else f"{count} minutes"


def _live_cursor(args) -> LiveCursor | None:
    """The poll's cursor from its query string (None without one: the whole panel is sent)."""
    if "v" not in args:
        return None
    version = args["v"]
    if not _VERSION.fullmatch(version):
        raise BadQueryParameter("The live update link is damaged: reload the page.")
    try:
        points = int(args.get("points", "0"))
        last_id = int(args["after_id"]) if "after_id" in args else None
        last_time = datetime.fromisoformat(args["after"]) if "after" in args else None
    except ValueError:
        raise BadQueryParameter("The live update link is damaged: reload the page.") from None
    if (
        not 0 <= points <= MAX_POINTS
        or (last_time is None) != (last_id is None)
        or (last_time is not None and (last_time.tzinfo is None or not 0 <= last_id <= MAX_BIGINT))
    ):
        raise BadQueryParameter("The live update link is damaged: reload the page.")
    return LiveCursor(version, last_time, last_id, points, context_chart=args.get("ctx") == "1")


@bp.get(f"/interviews/{SESSION}/live")
@member_required("interviews.view")
def live(session_id: str):
    """The live panel alone, polled every 5 s while the interview is in progress.

    Its URL says what the page shows (version and last point, see LiveCursor): nothing changed
    answers 204 No Content, which htmx leaves alone; otherwise the panel comes with every point
    (one bounded read of one interview's points), redrawn into the charts the swap kept (hx-preserve),
    so the reader's zoom and shown series stay.
    """
    interview = _interview_or_404(session_id)
    if not wants_block():
        return redirect(url_for("interviews.show", session_id=interview.session_id), 303)
    try:
        cursor = _live_cursor(request.args)
    except BadQueryParameter as error:
        abort(400, str(error))
    if cursor is None:
        return _live_block(interview)
    session = db.session()
    update = page_queries.load_live_update(session, interview, cursor)
    rules = services.extension_rules(session, interview)
    if not update.has_new_points and page_queries.live_version(interview, update.sentiments, rules) == cursor.version:
        return "", 204, {"Vary": "HX-Request"}
    points = [] if update.sentiment_hidden else page_queries.read_history_points(session, interview)
    review = page_queries.live_review(interview, update, points)
    body = render_block(TEMPLATE, LIVE_BLOCK, **_page_context(interview, review=review, cursor=cursor, rules=rules))
    return body, 200, {"Vary": "HX-Request"}


@bp.post(f"/interviews/{SESSION}/extend")
@member_required("interviews.manage")
def extend(session_id: str):
    # No row lock: the conditional UPDATE in services.extend is what keeps racing clicks in bounds.
    interview = _interview_or_404(session_id)
    if not ButtonForm().validate():
        abort(400)
    try:
        rules = services.extend(db.session(), interview, actor=current_user)
    except services.ActionRefused as refused:
        return _refused(interview, refused.message)
    db.session.commit()
    used = interview.time_extension_count or 0
    return _done(
        interview,
        f"Extended by {_minutes(rules.minutes)}: the limit is now {interview.max_duration_minutes} minutes "
        f"({used} of {rules.max_extensions} extensions used).",
    )


@bp.post(f"/interviews/{SESSION}/cancel")
@member_required("interviews.manage")
def cancel(session_id: str):
    interview = _interview_or_404(session_id, for_update=True)
    form = CancelForm()
    if not form.validate():
        abort(400)
    if form.confirm.data != "yes":
        return _refused(interview, "Confirm the cancellation with the “Yes, cancel it” button.", open_panel="cancel")
    try:
        services.cancel(db.session(), interview, actor=current_user)
    except services.ActionRefused as refused:
        return _refused(interview, refused.message)
    db.session.commit()
    return _done(interview, "Interview cancelled.")


@bp.route(f"/interviews/{SESSION}/reschedule", methods=["GET", "POST"])
@member_required("interviews.manage")
def reschedule(session_id: str):
    interview = _interview_or_404(session_id, for_update=request.method == "POST")
    if interview.status not in services.RESCHEDULABLE_STATUSES:
        return _refused(interview, "Only a scheduled interview can be rescheduled.")
    if request.method == "GET":
        if wants_block():
            return _live_block(interview, open_panel="reschedule")
        return _render_page(interview, open_panel="reschedule")
    form = RescheduleForm()
    if not form.validate():
        return _refused(
            interview, "The interview was not rescheduled: fix the date below.",
            status=refused_status(form.scheduled_time), reschedule_form=form, open_panel="reschedule",
        )
    services.reschedule(db.session(), interview, form.scheduled_time.data, actor=current_user)
    db.session.commit()
    return _done(interview, f"Interview rescheduled to {timezones.local_text(form.scheduled_time.data)}.")


# --- Assigned interviewers ------------------------------------------------------------------------
# A panel of its own outside the live panel (polls never read it); its forms answer htmx with the panel
# and any other request with a redirect after success or the whole page (422) after a refusal.

INTERVIEWERS_TEMPLATE = "interviews/_interviewers.html"
INTERVIEWERS_BLOCK = "interviewers_panel"


def _interviewers_context(
    interview: InterviewSession, *, form: assignments.AssignForm | None = None,
    message: tuple[str, str] | None = None, people: list | None = None,
) -> dict:
    manages = member_can("interviews.manage")
    if people is None:
        people = _interviewer_people(interview, manages)
    form = form or assignments.AssignForm(formdata=None)
    form.offer(people, unassigned_only=True)
    return {
        "interviewers": [row for row in people if row.assigned],
        "assign_form": form,
        "interviewers_message": message,
        "manages_interviewers": manages,
        "display_name": assignments.display_name,
    }


def _interviewer_people(interview: InterviewSession, with_members: bool) -> list:
    statement = assignments.select_people(require_membership().company_id, interview.id, with_members)
    return db.session.execute(statement).all()


def _interviewers_answer(interview: InterviewSession, message: tuple[str, str], status: int = 200, **panel):
    if wants_block():
        context = _interviewers_context(interview, message=message, **panel) | {"button_form": ButtonForm(), "interview": interview}
        return render_block(INTERVIEWERS_TEMPLATE, INTERVIEWERS_BLOCK, **context), status, {"Vary": "HX-Request"}
    if status >= 400:
        return _render_page(interview, status=status, interviewers=dict(message=message, **panel))
    flash(message[1], message[0])
    return redirect(url_for("interviews.show", session_id=interview.session_id) + "#interviewers", 303)


@bp.post(f"/interviews/{SESSION}/interviewers")
@member_required("interviews.manage")
def assign(session_id: str):
    interview = _interview_or_404(session_id)
    people = _interviewer_people(interview, True)
    form = assignments.AssignForm().offer(people, unassigned_only=False)
    if not form.validate():
        return _interviewers_answer(interview, ("error", "Nobody was assigned: fix the problem below."), 422,
                                    form=form)
    person = next(row for row in people if row.id == form.user_id.data)
    if not assignments.assign(db.session(), interview, person.id, actor=current_user):
        return _interviewers_answer(interview, ("info", f"{assignments.display_name(person)} is already assigned."))
    db.session.commit()
    return _interviewers_answer(interview, ("success", f"Assigned {assignments.display_name(person)}."))


@bp.post(f"/interviews/{SESSION}/interviewers/<int:user_id>/remove")
@member_required("interviews.manage")
def unassign(session_id: str, user_id: int):
    interview = _interview_or_404(session_id)
    if not ButtonForm().validate():
        abort(400)
    person = next((row for row in _interviewer_people(interview, False) if row.id == user_id), None)
    if person is None or not assignments.unassign(db.session(), interview, user_id, actor=current_user):
        abort(404)  # not assigned to this interview (or unassigned a moment ago)
    db.session.commit()
    return _interviewers_answer(interview, ("success", f"Unassigned {assignments.display_name(person)}."))


# --- Results for the candidate --------------------------------------------------------------------
# Outside the live panel (polls never read it); the switch answers htmx with its card and any other
# request with a redirect after success or the whole page (422) when there is nothing to share yet.

SHARING_TEMPLATE = "interviews/_sharing.html"
SHARING_BLOCK = "results_sharing"


def _sharing_context(interview: InterviewSession, sentiments: list, *, message: tuple[str, str] | None = None,
                     state: sharing.ResultsSharing | None = None) -> dict:
    return {
        "interview": interview,
        "results_sharing": state or sharing.ResultsSharing.of(sentiments),
        "can_share_results": member_can("interviews.share_results"),
        "share_form": sharing.ShareForm(formdata=None),
        "sharing_message": message,
    }


def _shared_practice(interview: InterviewSession) -> dict:
    """The candidate's practice sessions they let employers see: one bounded statement, whole pages only."""
    rows = []
    if interview.user_id is not None:
        rows = db.session.execute(sharing.select_shared_practice(interview.user_id)).all()
    return {"shared_practice": rows, "shared_practice_limit": sharing.SHARED_PRACTICE_SHOWN}


def _sharing_answer(interview: InterviewSession, message: tuple[str, str], status: int = 200, **state):
    if wants_block():
        body = render_block(SHARING_TEMPLATE, SHARING_BLOCK, **_sharing_context(interview, [], message=message, **state))
        return body, status, {"Vary": "HX-Request"}
    if status >= 400:
        return _render_page(interview, status=status, results={"message": message})
    flash(message[1], message[0])
    return redirect(url_for("interviews.show", session_id=interview.session_id) + "#results-sharing", 303)


@bp.post(f"/interviews/{SESSION}/results-sharing")
@member_required("interviews.share_results")
def share_results(session_id: str):
    """Whether the candidate may see this interview's results (interviewer_visible); audited."""
    interview = _interview_or_404(session_id)
    form = sharing.ShareForm()
    if not form.validate():
        abort(400, "Send shared=yes or shared=no.")
    try:
        state = sharing.share_results(db.session(), interview, form.choice, actor=current_user)
    except sharing.NothingToShare:
        return _sharing_answer(
            interview, ("error", "Nothing was shared: this interview has no sentiment summary yet."), 422,
            state=sharing.ResultsSharing(False, False),
        )
    db.session.commit()
    words = "The candidate can now see these results." if state.shared else "The candidate no longer sees these results."
    return _sharing_answer(interview, ("success", words), state=state)
