"""The admin area: users (list, details, changes) and the audit log. Admins only, every route."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db
from webapp.admin import queries, services
from webapp.admin.forms import AuditFilterForm, ConfirmForm, RoleForm, UserFilterForm
from webapp.auth.access import role_required
from webapp.htmx import render_page_or_block, wants_block
from webapp.pagination import COUNT_LIMIT

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The write for each confirmable action; `change_role` also takes the new role.
WRITES = {
    "change_role": services.change_role,
    "deactivate": services.deactivate,
    "reactivate": services.reactivate,
    "mark_verified": services.mark_verified,
}


@bp.context_processor
def _helpers() -> dict:
    return {"role_labels": services.ROLE_LABELS, "utc": _utc, "compact_json": _compact_json}


def _utc(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(UTC).strftime(fmt) if moment else "—"


def _compact_json(details: dict | None) -> str:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(", ", ": ")) if details else ""


@bp.route("/")
@role_required("admin")
def index():
    return redirect(url_for("admin.users"))


# --- users -------------------------------------------------------------------------------


@bp.route("/users")
@role_required("admin")
def users():
    form = UserFilterForm(request.args)
    sort = queries.normalize_user_sort(form.sort.data)
    state = _state(q=form.q.data, role=form.role.data, status=form.status.data, verified=form.verified.data,
                   sort=None if sort == queries.DEFAULT_USER_SORT else sort)
    if not form.validate():
        return _invalid_list("admin/users.html", "user_rows", form, sort=sort, state=state)
    session = db.session()
    filters = form.filters()
    limit = current_app.config.get("LIST_COUNT_LIMIT", COUNT_LIMIT)
    page, rows = queries.users_page(session, filters, sort, form.page_number, limit)
    filtered = any(value for key, value in state.items() if key != "sort")
    return render_page_or_block(
        "admin/users.html", "user_rows", form=form, rows=rows, page=page, sort=sort, state=state, filtered=filtered
    )


@bp.route("/users/<int:user_id>")
@role_required("admin")
def user(user_id: int):
    return _user_page(user_id)


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@role_required("admin")
def change_role(user_id: int):
    # GET shows the confirmation for the role picked on the user page; its button POSTs.
    form = RoleForm() if request.method == "POST" else RoleForm(formdata=request.args, meta={"csrf": False})
    if not form.validate():
        return _user_page(user_id, role_form=form, status=422 if request.method == "POST" else 400)
    return _confirm_or_apply("change_role", user_id, role=form.role.data)


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@role_required("admin")
def deactivate(user_id: int):
    return _confirm_or_apply("deactivate", user_id)


@bp.route("/users/<int:user_id>/reactivate", methods=["GET", "POST"])
@role_required("admin")
def reactivate(user_id: int):
    return _confirm_or_apply("reactivate", user_id)


@bp.route("/users/<int:user_id>/verify", methods=["GET", "POST"])
@role_required("admin")
def mark_verified(user_id: int):
    return _confirm_or_apply("mark_verified", user_id)


def _user_page(user_id: int, role_form: RoleForm | None = None, status: int = 200):
    session = db.session()
    details = queries.user_details(session, user_id) or abort(404)
    events = session.execute(
        queries.select_audit_events(queries.AuditFilters(target=user_id), limit=queries.RECENT_EVENTS)
    ).all()
    if role_form is None:
        role_form = RoleForm(formdata=None, role=details.User.role, meta={"csrf": False})
    page = render_template("admin/user.html", details=details, user=details.User, events=events, role_form=role_form)
    return page, status


def _confirm_or_apply(action: str, user_id: int, role: str | None = None):
    """GET: the confirmation page (or why the change is not possible). POST: make the change."""
    session = db.session()
    details = queries.user_details(session, user_id) or abort(404)
    actor = current_user._get_current_object()
    if request.method == "POST":
        ConfirmForm()  # CSRF is checked by CSRFProtect before the view runs
        try:
            change = WRITES[action](session, actor, user_id, *([role] if action == "change_role" else []))
        except services.ActionRefused as refused:
            session.rollback()
            return _confirm_page(action, user_id, role, error=refused.message, status=409)
        except LookupError:  # deleted while we waited for the lock
            session.rollback()
            abort(404)
        session.commit()
        flash(change.message, "success")
        return redirect(url_for("admin.user", user_id=user_id))
    reason = services.refusal(
        action, actor_id=actor.id, target=details.User, active_admin_ids=services.active_admin_ids(session), role=role
    )
    return _confirm_page(action, user_id, role, error=reason, details=details)


def _confirm_page(action: str, user_id: int, role: str | None, error: str | None, status: int = 200, details=None):
    details = details or queries.user_details(db.session(), user_id) or abort(404)
    form = ConfirmForm()
    return render_template(
        "admin/confirm.html", action=action, details=details, user=details.User, role=role, error=error, form=form
    ), status


# --- audit log ---------------------------------------------------------------------------


@bp.route("/audit")
@role_required("admin")
def audit():
    session = db.session()
    form = AuditFilterForm(request.args)
    if not wants_block():  # the action select is outside the refreshed rows
        form.set_actions(list(session.scalars(queries.select_audit_actions())))
    state = _state(action=form.action.data, actor=form.actor.data, target=form.target.data,
                   **{"from": form.date_from.data, "to": form.date_to.data})
    if not form.validate():
        return _invalid_list("admin/audit.html", "audit_rows", form, state=state, target_email=None)
    filters = form.filters()
    total = session.scalar(queries.select_audit_count(filters))
    page = queries.page_of(total, form.page_number, queries.EVENTS_PER_PAGE)
    rows = session.execute(queries.select_audit_events(filters, page)).all()
    return render_page_or_block(
        "admin/audit.html",
        "audit_rows",
        form=form,
        rows=rows,
        page=page,
        state=state,
        filtered=any(state.values()),
        target_email=queries.email_of(session, filters.target) if filters.target is not None else None,
    )


# --- shared ------------------------------------------------------------------------------


def _state(**params: str | None) -> dict[str, str]:
    """The list's non-empty query parameters, so every link keeps the current view."""
    return {key: value for key, value in params.items() if value}


def _invalid_list(template: str, block: str, form, **context):
    """Bad list parameters: a 400 page with the message; for htmx, the rows block with it.

    htmx (with the project's default config) does not swap 4xx answers, so the
    fragment comes back as 200 to show the message where the rows were.
    """
    status = 200 if wants_block() else 400
    return render_page_or_block(
        template, block, status=status, form=form, rows=[], page=None, error=form.first_error, filtered=True, **context
    )
