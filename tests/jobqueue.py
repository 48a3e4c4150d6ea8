"""Running the job queue's real worker from tests, on a database whose transactions commit."""

from __future__ import annotations

import threading

from flask import Flask

from webapp.queue import run_worker


def drain(app: Flask) -> None:
    """Run a worker until the queue has nothing left to do now (jobs it queues included)."""
    run_worker(app, wait=False, install_signal_handlers=False, concurrency=1)


def drain_in_background(app: Flask) -> threading.Thread:
    """`drain` in a thread of its own (for a job that waits on something the test releases later)."""
    thread = threading.Thread(target=drain, args=(app,), daemon=True)
    thread.start()
    return thread
