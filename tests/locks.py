"""Concurrency tests: waiting until other transactions queue on a lock."""

from __future__ import annotations

import time

from sqlalchemy import text

LOCK_WAITERS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


def lock_waiters(connection) -> int:
    """How many backends of this database wait on a lock now (a Connection or a Session)."""
    # pg_stat_activity is otherwise a snapshot taken once and kept until the transaction ends.
    connection.execute(text("SELECT pg_stat_clear_snapshot()"))
    return connection.execute(LOCK_WAITERS).scalar_one()


def wait_for_lock_waiters(engine, expected: int = 1, timeout: float = 15.0) -> int:
    """Poll until `expected` backends wait on a lock, or the timeout; answers how many did."""
    deadline = time.monotonic() + timeout
    with engine.connect() as connection:
        while True:
            waiting = lock_waiters(connection)
            if waiting >= expected or time.monotonic() > deadline:
                return waiting
            time.sleep(0.05)
