"""`flask --app wsgi bench-data --sessions N`: migrate, then fill the database with bench data."""

from __future__ import annotations

import click
from alembic import command
from flask import current_app
from flask.cli import with_appcontext

from webapp.benchdata.load import LOGINS, PASSWORD, BenchDataRefused, fill, is_bench_database
from webapp.db import make_engine


@click.command("bench-data")
@click.option("--sessions", type=click.IntRange(min=1000, max=20_000_000), default=1_000_000, show_default=True,
              help="Interview sessions to create; everything else scales with it.")
@with_appcontext
def bench_data_command(sessions: int) -> None:
    """Fill the database named by DATABASE_URL with a platform-size data set (empty or bench databases only)."""
    from webapp.cli import alembic_config  # webapp.cli imports this module

    url = current_app.config["DATABASE_URL"]
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            # Checked before migrating too: a database with real users is not touched at all.
            if not is_bench_database(connection):
                raise BenchDataRefused("refused")
        command.upgrade(alembic_config(url), "head")
        report = fill(engine, sessions, echo=lambda line: click.echo(line))
    except BenchDataRefused:
        raise click.ClickException(
            "This database has users that bench-data did not create: it only fills an empty database "
            "or one it filled before. Nothing was changed."
        ) from None
    finally:
        engine.dispose()
    click.echo(f"Done in {report.seconds:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in report.counts.items()))
    click.echo(f"Hot job: /jobs/{report.hot_job_id}/rankings; interview with {250} points: "
               f"/interviews/{report.showcase_session_id}")
    click.echo(f"Logins (password {PASSWORD}):")
    for role, email in LOGINS.items():
        click.echo(f"  {role:<18} {email}")
