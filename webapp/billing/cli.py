"""`flask billing sync-plans`: give paid plans a Stripe product and price, and store their ids."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from webapp import db
from webapp.billing import gateway
from webapp.billing.mode import stripe_enabled
from webapp.models import SubscriptionPlan
from webapp.plans.services import sync_plan

billing_cli = AppGroup("billing", help="Billing with Stripe.")


@billing_cli.command("sync-plans")
@click.option("--dry-run", is_flag=True, help="Only say what would be created; change nothing.")
def sync_plans(dry_run: bool) -> None:
    """Create missing Stripe products and prices for paid plans and store their ids.

    Ids Stripe does not know (such as the demo's `prod_demo_...` placeholders) are
    replaced. Each plan is committed on its own, so a failure part-way keeps what was
    already created at Stripe and a rerun picks up from there.
    """
    if not stripe_enabled():
        raise click.ClickException("STRIPE_SECRET_KEY is not set: there is no Stripe account to sync with.")
    session = db.session()
    plans = session.scalars(select(SubscriptionPlan).order_by(SubscriptionPlan.plan_type, SubscriptionPlan.sort_order,
                                                               SubscriptionPlan.id)).all()
    for plan in plans:
        try:
            done = sync_plan(session, plan, dry_run=dry_run)
        except gateway.GatewayError as error:
            session.rollback()
            raise click.ClickException(f"{plan.name} (#{plan.id}): {error.message}") from error
        if not dry_run:
            session.commit()
        click.echo(f"{plan.name} (#{plan.id}): " + "; ".join(done))
    if dry_run:
        session.rollback()
        click.echo("Dry run: nothing was created or stored.")
