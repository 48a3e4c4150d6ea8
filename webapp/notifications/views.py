"""The bell's count, the notifications page, opening one, marking all read, and the email preferences."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block

from webapp import db
from webapp.notifications import queries, services
from webapp.notifications.forms import MarkAllReadForm, PreferencesForm
from webapp.redirects import safe_path
from webapp.team.membership import activate, current_membership, memberships_of

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _preferences_form():
    """The account page's "Email me when..." form (templates/notifications/_preferences.html)."""

    def notification_preferences() -> PreferencesForm:
        wanted = queries.preferences_of(db.session(), current_user.id)
        return PreferencesForm(formdata=None, data={kind: kind in wanted for kind in services.KIND_LABELS})

    return {"notification_preferences": notification_preferences}


@bp.get("/notifications/bell")
@login_required
def bell():
    """The bell's text, polled every 30 s: one statement past the login check, no cookie written."""
    unread = queries.unread_count(db.session(), current_user.id)
    response = render_block("notifications/_bell.html", "bell_text", unread=unread)
    return response, 200, {"Cache-Control": "no-store"}


def _before() -> int | None:
    raw = request.args.get("before", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        abort(400, description="The list’s position must be a whole number, as the Older link gives it.")
    return int(raw)


@bp.get("/notifications")
@login_required
def index():
    """The user's notifications, newest first, a page at a time (older ones by keyset)."""
    session = db.session()
    before = _before()
    rows = queries.page_of(session, current_user.id, before)
    older = rows[queries.PER_PAGE - 1].id if len(rows) > queries.PER_PAGE else None
    return render_template(
        "notifications/index.html", rows=rows[: queries.PER_PAGE], before=before, older=older,
        unread=queries.unread_count(session, current_user.id), form=MarkAllReadForm(formdata=None),
    )


@bp.get("/notifications/<int:notification_id>", endpoint="open")
@login_required
def open_one(notification_id: int):
    """Mark one's own notification read and go where it points (its company made active if need be)."""
    session = db.session()
    found = queries.open_own(session, current_user.id, notification_id)
    if found is None:
        abort(404)  # someone else's reads as missing
    url, company_id = found
    session.commit()
    membership = current_membership()
    if company_id is not None and membership is not None and membership.company_id != company_id:
        name = next((row[1] for row in memberships_of(current_user.id) if row[0] == company_id), None)
        if name is not None:
            activate(company_id)
            flash(f"You are now working in {name}.", "info")
    return redirect(safe_path(url) or url_for("notifications.index"), 303)


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if not MarkAllReadForm().validate_on_submit():
        abort(400)
    marked = queries.mark_all_read(db.session(), current_user.id)
    db.session.commit()
    if marked:
        flash(f"Marked {marked} notification{'s' if marked != 1 else ''} as read.", "success")
    else:
        flash("Every notification was already read.", "info")
    return redirect(url_for("notifications.index"), 303)


@bp.post("/notifications/preferences")
@login_required
def preferences():
    """Save the account page's "Email me when..." choices (audited)."""
    form = PreferencesForm()
    if not form.validate_on_submit():
        abort(400)
    changed = services.save_preferences(db.session(), current_user, form.wanted())
    db.session.commit()
    if changed:
        flash("Your email preferences have been saved.", "success")
    else:
        flash("Your email preferences were already like this.", "info")
    return redirect(url_for("accounts.show", _anchor="notifications"), 303)
