"""`flask --app wsgi mail retry`: re-send the outbox messages whose next attempt is due (run from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.mail import delivery, services

mail_cli = AppGroup("mail", help="The mail outbox.")


@mail_cli.command("retry")
@click.option("--limit", type=click.IntRange(1, 10_000), default=500, show_default=True,
              help="At most this many messages per run.")
def retry(limit: int) -> None:
    """Send queued messages that are due; after the last failed attempt a message is marked failed."""
    if not current_app.config.get("MAIL_SERVER"):
        counts = delivery.outbox_counts(current_app.extensions["db_bind"])
        click.echo(
            f"MAIL_SERVER is not set: nothing sent. Outbox: {counts['queued']} queued, {counts['failed']} failed."
        )
        if counts["queued"]:
            raise click.ClickException("messages are queued for SMTP but MAIL_SERVER is not set")
        return
    report = services.retry_due(limit, click.echo)
    click.echo(str(report))
    if report.gave_up:
        # A cron job that exits non-zero gets a person to look.
        raise click.ClickException(f"gave up on {report.gave_up} message(s); see last_error in mail_outboxmessage")
