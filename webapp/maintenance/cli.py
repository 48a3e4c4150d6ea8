"""`flask --app wsgi maintenance partitions|retention|archive|analyze [--dry-run]`.

Each command prints what it did. With --dry-run it prints what it would do and
runs in a READ ONLY transaction, so a slip can only fail, never write.
These commands commit as they go (retention batch by batch), so they work on
their own connections rather than the request-scoped session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from webapp.maintenance import analyze as analyze_tables
from webapp.maintenance import archive as archive_interviews
from webapp.maintenance import partitions as history_partitions
from webapp.maintenance import prune as table_retention
from webapp.maintenance import retention as history_retention

maintenance_cli = AppGroup(
    "maintenance", help="Partitions, retention, archiving and statistics (run from a scheduler)."
)
dry_run_option = click.option("--dry-run", is_flag=True, help="Print what would be done; write nothing.")


@contextmanager
def connect(dry_run: bool, autocommit: bool = False) -> Iterator[Connection]:
    """A connection of its own; database errors become a one-line message and exit status 1."""
    engine = current_app.extensions["db_engine"]
    try:
        with engine.connect() as connection:
            if autocommit:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            elif dry_run:
                connection.execute(text("SET TRANSACTION READ ONLY"))
            yield connection
    except DBAPIError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise click.ClickException(f"the database refused: {reason}") from None


def heading(what: str, dry_run: bool) -> None:
    click.echo(f"{what}{' (dry run: nothing is written)' if dry_run else ''}")


@maintenance_cli.command("partitions")
@click.option("--months-ahead", type=click.IntRange(0, 36), default=3, show_default=True,
              help="Months after the current UTC month that must have a partition.")
@dry_run_option
def partitions(months_ahead: int, dry_run: bool) -> None:
    """Ensure sentiment-history partitions exist for this month and the next ones."""
    heading("Sentiment history partitions", dry_run)
    with connect(dry_run) as connection:
        problems = history_partitions.ensure(connection, months_ahead, dry_run, click.echo)
        if not dry_run:
            connection.commit()
    if problems:
        raise click.ClickException(f"{problems} month(s) could not get a partition")


# Also the defaults of the nightly `maintenance.retention` job (webapp/queue/tasks.py).
DEFAULT_KEEP_DAYS, DEFAULT_BATCH_SIZE = 730, 5000


@maintenance_cli.command("retention")
@click.option("--keep-days", type=click.IntRange(min=1), default=DEFAULT_KEEP_DAYS, show_default=True,
              help="Sentiment history older than this many days is removed.")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=DEFAULT_BATCH_SIZE, show_default=True,
              help="Rows per DELETE (each batch commits on its own).")
@dry_run_option
def retention(keep_days: int, batch_size: int, dry_run: bool) -> None:
    """Remove old sentiment history, expired OAuth tokens, and rows past their JOBHIVE_RETENTION_* period."""
    heading("Retention", dry_run)
    with connect(dry_run) as connection:
        history_retention.run(connection, keep_days, batch_size, dry_run, click.echo)
        table_retention.run(connection, current_app.config, batch_size, dry_run, click.echo)


@maintenance_cli.command("archive")
@click.option("--older-than-days", type=click.IntRange(min=1), default=365, show_default=True,
              help="Completed interviews that started longer ago than this are archived.")
@click.option("--delete-originals", is_flag=True,
              help="After verifying every copy, delete the originals (and what cascades with them).")
@dry_run_option
def archive(older_than_days: int, delete_originals: bool, dry_run: bool) -> None:
    """Copy old completed interviews into interview_interviewsession_archive."""
    heading("Interview archive", dry_run)
    with connect(dry_run) as connection:
        try:
            archive_interviews.run(connection, older_than_days, delete_originals, dry_run, click.echo)
        except archive_interviews.ArchiveRefused as refused:
            raise click.ClickException(f"refusing to delete: {refused}") from None


@maintenance_cli.command("analyze")
@click.option("--vacuum", is_flag=True, help="VACUUM ANALYZE instead of ANALYZE.")
@dry_run_option
def analyze(vacuum: bool, dry_run: bool) -> None:
    """Refresh the planner statistics of the large tables."""
    heading("VACUUM ANALYZE" if vacuum else "ANALYZE", dry_run)
    with connect(dry_run, autocommit=True) as connection:
        analyze_tables.run(connection, vacuum, dry_run, click.echo)
