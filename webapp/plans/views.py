"""Admin plan management at /admin/plans: list, create, edit, reorder, (de)activate, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp import db
from webapp.auth.access import role_required
from webapp.htmx import htmx, render_page_or_block
from webapp.models import SubscriptionPlan
from webapp.plans import queries, services
from webapp.plans.forms import INTERVAL_LABELS, TYPE_LABELS, ButtonForm, PlanForm

bp = Blueprint("plans", __name__, url_prefix="/admin/plans")

PLAN = "<int:plan_id>"


@bp.context_processor
def _labels() -> dict:
    return {"type_labels": TYPE_LABELS, "interval_labels": INTERVAL_LABELS}


def get_plan_or_404(plan_id: int, for_update: bool = False) -> SubscriptionPlan:
    plan = db.session.get(SubscriptionPlan, plan_id, with_for_update=for_update)
    return plan or abort(404)


def _button_or_400() -> None:
    if not ButtonForm().validate():
        abort(400, description="The form expired. Reload the page and try again.")


def _list(status: int = 200, message: tuple[str, str] | None = None):
    rows = db.session.execute(queries.select_plans_with_counts()).all()
    groups = {plan_type: [row for row in rows if row.SubscriptionPlan.plan_type == plan_type] for plan_type in TYPE_LABELS}
    return render_page_or_block("plans/index.html", "plan_rows", status=status, groups=groups, message=message,
                                button_form=ButtonForm())


@bp.get("")
@role_required("admin")
def index():
    return _list()


@bp.get("/new")
@role_required("admin")
def new():
    return render_template("plans/new.html", form=PlanForm())


@bp.post("")
@role_required("admin")
def create():
    form = PlanForm()
    if not form.validate():
        return render_template("plans/new.html", form=form), 422
    plan = services.create_plan(db.session(), form.plan_data(), actor=current_user)
    services.set_seat_limit(db.session(), plan, form.seat_limit.data or 0, actor=current_user)
    db.session.commit()
    flash(f"Created “{plan.name}”.", "success")
    return redirect(url_for("plans.index"), 303)


@bp.get(f"/{PLAN}/edit")
@role_required("admin")
def edit(plan_id: int):
    plan = get_plan_or_404(plan_id)
    form = PlanForm(obj=plan)
    if not form.is_submitted():
        form.features.data = "\n".join(str(feature) for feature in plan.features or [])
        form.seat_limit.data = services.seat_limit_of(db.session(), plan)
    return render_template("plans/edit.html", plan=plan, form=form)


@bp.post(f"/{PLAN}")
@role_required("admin")
def update(plan_id: int):
    plan = get_plan_or_404(plan_id, for_update=True)
    form = PlanForm()
    if not form.validate():
        return render_template("plans/edit.html", plan=plan, form=form), 422
    try:
        changes = services.update_plan(db.session(), plan, form.plan_data(), actor=current_user)
        seats = form.seat_limit.data
        if seats is not None and services.set_seat_limit(db.session(), plan, seats, actor=current_user):
            changes = {**changes, "seat_limit": True}
    except services.PlanRefused as refused:
        db.session.rollback()
        form[refused.field].errors = [refused.message]
        return render_template("plans/edit.html", plan=get_plan_or_404(plan_id), form=form), 422
    db.session.commit()
    flash(f"Saved “{plan.name}”." if changes else "Nothing changed.", "success" if changes else "info")
    return redirect(url_for("plans.index"), 303)


@bp.post(f"/{PLAN}/move/<any(up, down):direction>")
@role_required("admin")
def move(plan_id: int, direction: str):
    plan = get_plan_or_404(plan_id, for_update=True)
    _button_or_400()
    moved = services.move_plan(db.session(), plan, direction, actor=current_user)
    db.session.commit()
    message = ("success", f"Moved “{plan.name}” {direction}.") if moved else (
        "info", f"“{plan.name}” is already {'first' if direction == 'up' else 'last'}.")
    return _after_change(message)


@bp.post(f"/{PLAN}/active")
@role_required("admin")
def toggle(plan_id: int):
    plan = get_plan_or_404(plan_id, for_update=True)
    _button_or_400()
    services.set_active(db.session(), plan, not plan.is_active, actor=current_user)
    db.session.commit()
    state = "active: offered on the plans page" if plan.is_active else "inactive: no longer offered"
    return _after_change(("success", f"“{plan.name}” is now {state}."))


@bp.route(f"/{PLAN}/delete", methods=["GET", "POST"])
@role_required("admin")
def delete(plan_id: int):
    """GET: the confirmation (or why the plan cannot go). POST: delete it."""
    session = db.session()
    plan = get_plan_or_404(plan_id)
    form = ButtonForm()
    if not form.is_submitted():
        count = queries.subscription_count(session, plan.id)
        error = services.PlanInUse(plan, count).message if count else None
        return render_template("plans/confirm_delete.html", plan=plan, form=form, error=error)
    _button_or_400()
    try:
        services.delete_plan(session, plan, actor=current_user)
    except services.PlanInUse as refused:
        session.rollback()
        plan = get_plan_or_404(plan_id)
        return render_template("plans/confirm_delete.html", plan=plan, form=form, error=refused.message), 409
    session.commit()
    flash(f"Deleted “{plan.name}”.", "success")
    return redirect(url_for("plans.index"), 303)


def _after_change(message: tuple[str, str]):
    """htmx: the re-rendered list with the message; otherwise back to the list with a flash."""
    if htmx:
        return _list(message=message)
    flash(message[1], message[0])
    return redirect(url_for("plans.index"), 303)
