"""Billing for employers and candidates: plan and usage (`/billing`), plans, offline plan changes.

With Stripe configured the pages post to the `billing_stripe` blueprint instead, and the
offline endpoints here refuse (409): a plan change must then go through a payment.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import user_logged_in

from webapp import db
from webapp.billing import changes, features, queries, services, usage, wording
from webapp.billing.account import billing_account, billing_required
from webapp.billing.forms import ConfirmForm, plan_interval
from webapp.billing.mode import stripe_enabled
from webapp.htmx import render_page_or_block
from webapp.models import PLAN_INTERVALS

bp = Blueprint("billing", __name__)
# One wording of plan limits and features for every page that lists them (billing, plans, admin).
bp.add_app_template_global(wording.limit_phrase, "limit_phrase")
bp.add_app_template_global(wording.plan_limits, "plan_limits")
bp.add_app_template_global(wording.listed_features, "listed_features")
bp.add_app_template_global(features.plan_allows, "plan_allows")
bp.add_app_template_global(features.names, "gated_features")
bp.add_app_template_global(features.lines, "gated_feature_lines")
user_logged_in.connect(features.remember_at_login)

STRIPE_REFUSAL = "Billing runs through Stripe here: use the buttons on the billing page to change your plan."


@bp.get("/billing")
@billing_required
def index():
    session = db.session()
    in_force = usage.plan_in_force(session, billing_account())
    features.remember(in_force.plan)  # the navigation follows a plan changed elsewhere (Stripe, another tab)
    return render_template(
        "billing/index.html",
        in_force=in_force,
        state=usage.billing_state(in_force),
        state_labels=usage.STATE_LABELS,
        meters=usage.meters(session, billing_account(), in_force),
        stripe=stripe_enabled(),
        after_cancel=_after_cancel(session, in_force),
    )


def _after_cancel(session, in_force: usage.PlanInForce) -> changes.PlanChange | None:
    """What moving to the free plan at the period's end changes, for the cancel panel (None: no panel)."""
    subscription = in_force.billed_subscription
    if subscription is None or subscription.cancel_at_period_end:
        return None
    free = session.scalar(queries.select_free_plan(usage.plan_type_of(billing_account())))
    if free is None or free.id == in_force.plan.id:
        return None
    return changes.plan_changes(session, billing_account(), in_force.plan, [free])[free.id]


@bp.get("/billing/plans")
@billing_required
def plans():
    session = db.session()
    interval = plan_interval(request.args)
    in_force = usage.plan_in_force(session, billing_account())
    offered = session.scalars(queries.select_plans(usage.plan_type_of(billing_account()), interval)).all()
    features.remember(in_force.plan)
    return render_page_or_block(
        "billing/plans.html",
        "plan_grid",
        plans=offered,
        changes=changes.plan_changes(session, billing_account(), in_force.plan, offered),
        interval=interval,
        intervals=PLAN_INTERVALS,
        in_force=in_force,
        stripe=stripe_enabled(),
    )


@bp.post("/billing/offline/plans/<int:plan_id>")
@billing_required
def offline_switch(plan_id: int):
    session = db.session()
    plan = services.offered_plan(session, billing_account(), plan_id)
    if plan is None:
        abort(404)
    refusal = _refuse_unless_offline()
    if refusal:
        return refusal
    before = usage.plan_in_force(session, billing_account()).plan
    try:
        services.switch_plan(session, billing_account(), plan)
    except services.BillingRefused as error:
        return _refused(error.message)
    db.session.commit()
    lost = changes.plan_change(before, plan, None).lost
    features.remember(plan)
    flash(f"You are now on the {plan.name} plan (offline billing: no payment was taken)."
          + (f" It does not include {' or '.join(f.name.lower() for f in lost)}." if lost else ""), "success")
    return redirect(url_for("billing.index"))


@bp.post("/billing/offline/cancel")
@billing_required
def offline_cancel():
    refusal = _refuse_unless_offline()
    if refusal:
        return refusal
    try:
        subscription = services.cancel_at_period_end(db.session(), billing_account())
    except services.BillingRefused as error:
        return _refused(error.message)
    db.session.commit()
    flash(
        f"Your {subscription.plan.name} plan ends on {subscription.current_period_end:%d %b %Y}; "
        "until then nothing changes.",
        "success",
    )
    return redirect(url_for("billing.index"))


@bp.post("/billing/offline/resume")
@billing_required
def offline_resume():
    refusal = _refuse_unless_offline()
    if refusal:
        return refusal
    try:
        subscription = services.resume(db.session(), billing_account())
    except services.BillingRefused as error:
        return _refused(error.message)
    db.session.commit()
    flash(f"Your {subscription.plan.name} plan continues: it no longer ends with this period.", "success")
    return redirect(url_for("billing.index"))


def _refuse_unless_offline():
    """A 409 while Stripe is configured, a 400 without the confirmation; None when the change may go ahead."""
    if stripe_enabled():
        return _refused(STRIPE_REFUSAL)
    form = ConfirmForm()
    if not form.validate():
        return _refused(" ".join(form.confirm.errors) or "The form expired. Reload the page and try again.", 400)
    return None


def _refused(message: str, status: int = 409):
    return render_template("billing/refused.html", message=message), status
