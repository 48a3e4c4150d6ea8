"""`flask --app wsgi rankings recompute [--job ID]`: recompute candidate rankings in bulk."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp import db
from webapp.rankings import services

rankings_cli = AppGroup("rankings", help="Candidate rankings per job.")


@rankings_cli.command("recompute")
@click.option("--job", "job_id", type=click.IntRange(min=1, max=2**31 - 1), default=None, help="Only this job's id.")
def recompute(job_id: int | None) -> None:
    """Recompute rankings from completed interviews (every job, or --job ID)."""
    result = services.recompute(db.session(), job_id)
    db.session.commit()
    click.echo(f"Rankings recomputed{f' for job {job_id}' if job_id else ''}: {result}.")
