"""The job queue: background work as procrastinate jobs in PostgreSQL (migration 0020).

    from webapp import queue
    queue.defer(session, "mail.deliver", message_id=message.id)

`defer` writes the job in the caller's transaction: it exists exactly when that transaction
commits, so nothing is sent for a rolled-back request and nothing committed is lost. Workers
(`flask --app wsgi worker`, any number, on any machine) run the jobs; the tasks live in
webapp/queue/tasks.py.
"""

from webapp.queue.runtime import defer, init_app, make_queue, run_worker

__all__ = ["defer", "init_app", "make_queue", "run_worker"]
