"""`flask worker`: run the job queue's worker (any number, on any machine)."""

from __future__ import annotations

import logging

import click
from flask import current_app

from webapp.queue.runtime import run_worker


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(1, 32), default=2, show_default=True,
              help="Jobs run at the same time by this worker (each in a thread of its own).")
@click.option("--queue", "queues", multiple=True, metavar="NAME",
              help="Only jobs of this queue (repeatable); default: every queue.")
@click.option("--name", default=None, help="The worker's name in logs and on /admin/jobs.")
def worker_command(concurrency: int, queues: tuple[str, ...], name: str | None) -> None:
    """Run the background jobs (mail, reminders, rollups, rankings, retention) until stopped (Ctrl+C, SIGTERM)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"Worker {name or ''} started: queues {', '.join(queues) or 'all'}, concurrency {concurrency}.")
    run_worker(current_app._get_current_object(), concurrency=concurrency, queues=list(queues) or None, name=name)
