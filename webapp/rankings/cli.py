"""`flask --app wsgi rankings recompute [--job ID]`: recompute candidate rankings in bulk."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp import db
from webapp.rankings import services

rankings_cli = AppGroup("rankings", help="Candidate rankings per job.")


@rankings_cli.command("recompute")
@click.option("--job", "job_id", type=click.IntRange(min=1, max=2**31 - 1), default=None, help="Only this job's id.")
@click.option("--stale", is_flag=True, help="Only jobs whose results changed since their last recompute.")
def recompute(job_id: int | None, stale: bool) -> None:
    """Recompute rankings from completed interviews (every job, or --job ID, or --stale ones)."""
    session = db.session()
    result = services.recompute_stale(session, job_id) if stale else services.recompute(session, job_id)
    session.commit()
    scope = f" for job {job_id}" if job_id else ""
    if result is None:
        click.echo(f"No stale rankings{scope}: nothing to recompute.")
    else:
        click.echo(f"Rankings recomputed{' (stale jobs)' if stale else ''}{scope}: {result}.")
