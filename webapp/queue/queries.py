"""Reads of the job queue for /admin/jobs (procrastinate's own tables, read-only here)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# The statuses an admin filters by, in procrastinate's words, with the page's.
STATUSES = {"todo": "Queued", "doing": "Running", "failed": "Failed", "succeeded": "Succeeded",
            "cancelled": "Cancelled", "aborted": "Aborted"}
JOBS_PER_PAGE = 50

COUNTS = text("SELECT status::text, count(*) FROM procrastinate_jobs GROUP BY status")

# Newest first; the job's last event (when it was queued, started, failed...) by the events' job index.
JOBS = text(
    """
    SELECT j.id, j.task_name, j.queue_name, j.status::text AS status, j.attempts, j.scheduled_at, j.args,
           last.type::text AS last_event, last.at AS last_event_at
    FROM procrastinate_jobs j
    LEFT JOIN LATERAL (
        SELECT e.type, e.at FROM procrastinate_events e WHERE e.job_id = j.id ORDER BY e.at DESC, e.id DESC LIMIT 1
    ) last ON true
    WHERE CAST(:status AS text) IS NULL OR j.status::text = :status
    ORDER BY j.id DESC
    LIMIT :limit OFFSET :offset
    """
)


def counts(session: Session) -> dict[str, int]:
    found = dict(session.execute(COUNTS).all())
    return {status: found.get(status, 0) for status in STATUSES}


def jobs(session: Session, status: str | None, offset: int, limit: int) -> list[Any]:
    return session.execute(JOBS, {"status": status, "offset": offset, "limit": limit}).all()


def status_of(session: Session, job_id: int) -> str | None:
    return session.scalar(text("SELECT status::text FROM procrastinate_jobs WHERE id = :id"), {"id": job_id})
