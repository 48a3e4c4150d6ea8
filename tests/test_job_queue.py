"""The job queue with real workers (procrastinate on the test PostgreSQL): jobs exist only once their
transaction commits, mail goes out through a worker, a killed worker loses nothing, and /admin/jobs
shows failed jobs and queues them again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.factories import PASSWORD
from tests.jobqueue import drain
from tests.test_enumeration import held_smtp  # noqa: F401  (a fixture: the mail server the test releases)
from webapp import create_app, mail
from webapp.auth.passwords import hash_password
from webapp.cli import alembic_config
from webapp.models import OutboxMessage, User
from webapp.queue.runtime import make_queue, retry_stalled

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def queue_app(scratch_database_url, held_smtp):
    url = scratch_database_url("job_queue")
    command.upgrade(alembic_config(url), "head")
    app = create_app({
        "DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False, "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": held_smtp.server_address[1], "MAIL_USE_TLS": False, "MAIL_FROM": "JobHive <no-reply@jobhive.test>",
    })
    yield app
    app.extensions["db_engine"].dispose()


def jobs(app) -> list[tuple]:
    with Session(app.extensions["db_engine"]) as session:
        return session.execute(text("SELECT task_name, status::text, attempts FROM procrastinate_jobs"
                                    " WHERE task_name NOT LIKE 'queue.%' AND task_name NOT LIKE '%.retry_due'"
                                    " AND task_name NOT LIKE 'rankings.%' AND task_name NOT LIKE 'notifications.%'"
                                    " ORDER BY id")).all()


def outbox(app) -> list[tuple]:
    with Session(app.extensions["db_engine"]) as session:
        return session.execute(select(OutboxMessage.to_address, OutboxMessage.status, OutboxMessage.attempts)
                               .order_by(OutboxMessage.id)).all()


def send_one(app, to: str, *, commit: bool = True) -> None:
    with app.test_request_context(), Session(app.extensions["db_engine"]) as session:
        mail.send(session, to, "Hello", "A message")
        session.commit() if commit else session.rollback()


def test_a_message_is_a_job_once_committed_and_a_worker_sends_it(queue_app, held_smtp):
    send_one(queue_app, "rolled@example.test", commit=False)
    assert jobs(queue_app) == [] and outbox(queue_app) == []  # rolled back: no message, no job

    send_one(queue_app, "ann@example.test")
    assert [(task, status) for task, status, _ in jobs(queue_app)] == [("mail.deliver", "todo")]
    assert held_smtp.connections == 0  # nothing is sent by the request itself

    held_smtp.release.set()
    drain(queue_app)
    assert jobs(queue_app) == [("mail.deliver", "succeeded", 1)]
    assert outbox(queue_app) == [("ann@example.test", "sent", 1)]
    assert [recipients for _sender, recipients, _message in held_smtp.received] == [["ann@example.test"]]


def _wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_worker_killed_mid_send_loses_nothing_and_the_mail_goes_out_once(queue_app, held_smtp):
    send_one(queue_app, "bo@example.test")
    environment = os.environ | {
        "DATABASE_URL": queue_app.config["DATABASE_URL"], "JOBHIVE_ENV": "testing", "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(held_smtp.server_address[1]), "MAIL_USE_TLS": "0", "MAIL_FROM": "JobHive <no-reply@jobhive.test>",
    }
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--name", "doomed"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # The worker took the job and is talking to the (held) mail server: kill it there.
        assert _wait_for(lambda: held_smtp.connections == 1), "the worker never reached the mail server"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert jobs(queue_app) == [("mail.deliver", "doing", 0)]
    assert outbox(queue_app) == [("bo@example.test", "queued", 0)]  # its attempt died with it

    async def retry() -> int:
        worker_queue = make_queue(queue_app.config["DATABASE_URL"])
        async with worker_queue.open_async():
            return await retry_stalled(worker_queue, seconds_since_heartbeat=0)

    # What the periodic queue.retry_stalled job does for a silent worker (its periodic jobs of the minute too).
    assert asyncio.run(retry()) >= 1
    assert [(task, status) for task, status, _ in jobs(queue_app)] == [("mail.deliver", "todo")]
    held_smtp.release.set()
    drain(queue_app)  # another worker
    assert outbox(queue_app) == [("bo@example.test", "sent", 1)]
    assert [recipients for _sender, recipients, _message in held_smtp.received] == [["bo@example.test"]]


def test_admins_see_failed_jobs_and_queue_them_again(queue_app):
    engine = queue_app.extensions["db_engine"]
    with Session(engine) as session:
        session.add_all([User(username="root", email="root@example.test", password=hash_password(PASSWORD),
                              role="admin", is_verified=True),
                         User(username="emp", email="emp@example.test", password=hash_password(PASSWORD),
                              role="employer", is_verified=True)])
        session.commit()
    with queue_app.test_request_context(), Session(engine) as session:
        # A task this version does not know (queued by a newer release, say): the worker fails it.
        queue_app.extensions["queue"].configure_task(
            "reports.unknown", connection=session.connection().connection.dbapi_connection).defer(week=48)
        session.commit()
    drain(queue_app)
    assert ("reports.unknown", "failed", 1) in jobs(queue_app)

    client = queue_app.test_client()
    assert client.post("/login", data={"email": "emp@example.test", "password": PASSWORD}).status_code == 302
    assert client.get("/admin/jobs").status_code == 403
    client = queue_app.test_client()
    assert client.post("/login", data={"email": "root@example.test", "password": PASSWORD}).status_code == 302
    page = client.get("/admin/jobs?status=failed").get_data(as_text=True)
    assert "reports.unknown" in page and "Failed (1)" in page and "week=48" in page and "Retry now" in page
    assert client.get("/admin/jobs?status=lost").status_code == 400
    assert client.get("/admin/jobs?page=x").status_code == 400
    assert client.post("/admin/jobs/999999/retry").status_code == 404

    with Session(engine) as session:
        job_id = session.scalar(text("SELECT id FROM procrastinate_jobs WHERE task_name = 'reports.unknown'"))
    answer = client.post(f"/admin/jobs/{job_id}/retry", follow_redirects=True)
    assert answer.status_code == 200 and f"Job {job_id} is queued again" in answer.get_data(as_text=True)
    assert [status for task, status, _ in jobs(queue_app) if task == "reports.unknown"] == ["todo"]
    again = client.post(f"/admin/jobs/{job_id}/retry", follow_redirects=True).get_data(as_text=True)
    assert "only failed jobs can be retried" in again
    with Session(engine) as session:
        assert session.scalar(text("SELECT count(*) FROM audit_auditevent WHERE action = 'queue.job_retried'")) == 1


def test_every_task_is_registered_with_the_workers_queue(queue_app):
    names = set(make_queue(queue_app.config["DATABASE_URL"]).tasks)
    assert {"mail.deliver", "mail.retry_due", "accounts.reset_link", "stats.rollup", "rankings.recompute_stale",
            "maintenance.retention", "notifications.email", "queue.retry_stalled", "queue.remove_old_jobs"} <= names
    # Every periodic task is one the workers know by that name, however many apps this process made.
    periodic = {task.task.name for task in make_queue(queue_app.config["DATABASE_URL"]).periodic_registry.periodic_tasks.values()}
    assert periodic <= names and "queue.remove_old_jobs" in periodic
