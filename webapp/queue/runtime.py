"""Wiring procrastinate to the Flask app: one procrastinate App per Flask app, jobs deferred in
the caller's transaction, and each job run in an app context with a session of its own."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import procrastinate
from flask import Flask, current_app, has_app_context, has_request_context, request
from procrastinate import JobContext
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Every task: name -> (the function run by the worker, procrastinate's task options, cron or None),
# filled by the @job decorators of webapp/queue/tasks.py. Each Flask app's queue registers them all
# (a procrastinate Blueprint can be added to one App only, and tests make many apps).
REGISTRY: dict[str, tuple[Callable, dict[str, Any], str | None]] = {}
# session.info key: jobs to run in-process after the commit (tests' shared transaction; see `defer`).
_INLINE = "queue.inline"


def make_queue(database_url: str, *, worker: bool = True) -> procrastinate.App:
    """A procrastinate App on this database with every task of webapp/queue/tasks.py: for a worker
    (asynchronous connections), or (`worker=False`) for deferring and managing jobs from requests and
    commands (synchronous; deferring uses the caller's connection, the rest a pool opened on first use)."""
    from webapp.db import database_url as sqlalchemy_url
    from webapp.queue import tasks as _registered  # noqa: F401  (fills REGISTRY)

    conninfo = sqlalchemy_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connector_class = procrastinate.PsycopgConnector if worker else procrastinate.SyncPsycopgConnector
    queue = procrastinate.App(connector=connector_class(conninfo=conninfo, min_size=0 if not worker else 1, max_size=2))
    for name, (run, options, cron) in REGISTRY.items():
        task = queue.task(name=name, **options)(run)
        if cron:
            queue.periodic(cron=cron, periodic_id=name)(task)
    stalled = queue.task(name="queue.retry_stalled", pass_context=True)(retry_stalled_jobs)
    queue.periodic(cron="* * * * *", periodic_id="queue.retry_stalled")(stalled)
    old_jobs = queue.task(name="queue.remove_old_jobs", pass_context=True)(remove_old_jobs)
    queue.periodic(cron="0 3 * * *", periodic_id="queue.remove_old_jobs")(old_jobs)
    return queue


# Finished jobs are kept a week for /admin/jobs; failed ones until someone retries or they are cancelled.
KEEP_FINISHED_JOBS_HOURS = 7 * 24


# A worker beats every 10 s; one silent for this long is taken for dead (procrastinate's default).
STALLED_AFTER_SECONDS = 30


async def retry_stalled(queue: procrastinate.App, seconds_since_heartbeat: float = STALLED_AFTER_SECONDS) -> int:
    """Queue again the jobs of workers that stopped sending heartbeats (killed, or their machine died)."""
    stalled_jobs = list(await queue.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat))
    for stalled in stalled_jobs:
        log.warning("Retrying job %s (%s): its worker stopped", stalled.id, stalled.task_name)
        await queue.job_manager.retry_job(stalled)
    return len(stalled_jobs)


async def retry_stalled_jobs(context: JobContext, timestamp: int) -> None:
    await retry_stalled(context.app)


async def remove_old_jobs(context: JobContext, timestamp: int) -> None:
    """Finished jobs older than a week (failed ones stay until retried or removed by hand).

    Ours rather than procrastinate's builtin task: that one is a single module-level task object,
    which every App's periodic registration would rename again."""
    await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_FINISHED_JOBS_HOURS)


def init_app(app: Flask) -> None:
    app.extensions["queue"] = make_queue(app.config["DATABASE_URL"], worker=False)


def manager(app: Flask) -> procrastinate.App:
    """The app's synchronous queue, opened (its pool) for managing jobs: /admin/jobs' retry and cancel."""
    queue: procrastinate.App = app.extensions["queue"]
    queue.connector.open()  # once; later calls return at once
    return queue


def job(name: str, *, cron: str | None = None, **options: Any) -> Callable:
    """Register `function(session, **arguments)` as the task `name` (periodic: `cron`, UTC; the worker
    then passes `timestamp`, the scheduled time in epoch seconds).

    The worker runs it in an app context (a request context on the link base of the request
    that deferred it, so mailed links are right) with a session of its own, committed when the
    function returns and rolled back when it raises (procrastinate then retries or fails the job).
    """
    def register(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(url_root: str | None = None, **arguments: Any) -> None:
            # Inline (tests' shared transaction): the current app; in a worker's thread: the worker's.
            app = current_app._get_current_object() if has_app_context() else _worker_app
            with app.test_request_context(base_url=url_root) if url_root else app.app_context():
                bind = app.extensions["db_bind"]
                with Session(bind=bind, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
                    function(session, **arguments)
                    session.commit()

        REGISTRY[name] = (run, options, cron)
        return function

    return register


def defer(session: Session, name: str, *, schedule_at: datetime | None = None,
          queueing_lock: str | None = None, **arguments: Any) -> None:
    """Queue the task `name` in `session`'s transaction (see the module docstring)."""
    url_root = request.url_root if has_request_context() else None
    queue: procrastinate.App = current_app.extensions["queue"]
    connection = session.connection().connection.dbapi_connection
    options: dict[str, Any] = {"connection": connection}
    if schedule_at is not None:
        options["schedule_at"] = schedule_at
    if queueing_lock is not None:
        options["queueing_lock"] = queueing_lock
    queue.configure_task(name, allow_unknown=False, **options).defer(url_root=url_root, **arguments)
    if isinstance(current_app.extensions["db_bind"], Connection) and schedule_at is None:
        # The tests' shared transaction: no worker can see its uncommitted jobs, so the job also
        # runs here once the request commits (its row stays queued and is rolled back with the test).
        session.info.setdefault(_INLINE, []).append((name, url_root, arguments))


@event.listens_for(Session, "after_commit")
def _run_inline(session: Session) -> None:
    for name, url_root, arguments in session.info.pop(_INLINE, None) or ():
        try:
            REGISTRY[name][0](url_root=url_root, **arguments)
        except Exception:
            log.exception("Job %s failed", name)


@event.listens_for(Session, "after_soft_rollback")
def _forget_inline(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_INLINE, None)


_worker_app: Flask | None = None


def run_worker(app: Flask, **options: Any) -> None:
    """Run a worker for `app` in this process (`flask worker`; tests pass wait=False to drain the queue)."""
    global _worker_app
    _worker_app = app
    options.setdefault("install_signal_handlers", True)
    make_queue(app.config["DATABASE_URL"]).run_worker(**options)
