"""`flask stats rollup`: the nightly daily rollup behind the analytics page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import click
from flask.cli import AppGroup

from sqlalchemy import text

from webapp import db
from webapp.analytics.services import rollup
from webapp.dateranges import BadQueryParameter, parse_date

stats_cli = AppGroup("stats", help="Interview statistics rollups.")


def _day(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value, "--" + param.name.removeprefix("day_"))
    except BadQueryParameter as error:
        raise click.BadParameter(str(error)) from None


@stats_cli.command("rollup")
@click.option("--date", "day_date", metavar="YYYY-MM-DD", callback=_day, help="Roll up this one UTC day.")
@click.option("--since", "day_since", metavar="YYYY-MM-DD", callback=_day,
              help="Roll up every UTC day from this one to yesterday.")
def rollup_command(day_date: date | None, day_since: date | None) -> None:
    """Write the daily statistics of every company (default: yesterday, UTC); safe to run again."""
    today = datetime.now(UTC).date()
    if day_date and day_since:
        raise click.UsageError("Give either --date or --since, not both.")
    if day_date:
        if day_date > today:
            raise click.BadParameter("Choose today or an earlier day.", param_hint="--date")
        first = last = day_date
    elif day_since:
        if day_since >= today:
            raise click.BadParameter("Choose a day before today.", param_hint="--since")
        first, last = day_since, today - timedelta(days=1)
    else:
        first = last = today - timedelta(days=1)
    report = rollup(db.session(), first, last)
    db.session.commit()
    click.echo(str(report))


@stats_cli.command("recount")
def recount_command() -> None:
    """Rebuild the dashboard counters from the data (after a bulk load that bypassed the triggers)."""
    session = db.session()
    session.execute(text("SELECT dashboard_recount_counters()"))
    db.session.commit()
    click.echo("Dashboard counters rebuilt.")
