"""A planned interview is dated by its scheduled time; start_time is when it really started.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 18:40:00

Scheduling used to copy the planned time into `start_time` and rescheduling moved only
`scheduled_time`, so lists, the dashboard and analytics kept a rescheduled interview on its
old date. From here on a planned interview (status scheduled or rescheduled) has
`start_time` NULL and its date in `scheduled_time`; everything that dates an interview uses
its "interview date", `coalesce(start_time, scheduled_time)`: when it started, else when it
is planned. No documented column changes:

- data: planned sessions get their planned time in `scheduled_time` (kept when set, which
  is the rescheduled time) and `start_time` NULL;
- the dashboard counters (0010) count a session on the UTC day of its interview date, so a
  planned interview counts on its scheduled day, moves with a reschedule and moves again to
  its real day when it starts; the functions are 0010's with that date, then recounted;
- the interviews list and the analytics' live days read by interview date: the three list
  order indexes of 0008 on `start_time` become indexes on the expression (a status filter's
  `start_time` index stays: the dashboard's latest completed interviews walk it).

Days `flask stats rollup` already rolled up keep their figures: re-run it over the past
(`--since`) to move planned interviews of those days to their scheduled days there too.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# webapp/models/interview.py INTERVIEW_DATE spells the same expression (an index serves only its exact spelling).
WHEN = "coalesce(start_time, scheduled_time)"
REAL = "WHERE is_practice IS NOT TRUE"
# Both dates INCLUDEd: PostgreSQL reads an expression's value from its columns, never from the index key, so
# without them no scan of these indexes is index-only (at 100k sessions a status filter then chose the plain
# date index and skipped every newer row of other statuses on the heap: 33 ms, against 0.7 ms index-only).
NEW_INDEXES = {
    "idx_interview_session_when":
        f"interview_interviewsession (({WHEN}) DESC NULLS LAST, id DESC)"
        f" INCLUDE (job_id, status, start_time, scheduled_time) {REAL}",
    "idx_interview_session_job_when":
        f"interview_interviewsession (job_id, ({WHEN}) DESC NULLS LAST, id DESC)"
        f" INCLUDE (status, start_time, scheduled_time) {REAL}",
    "idx_interview_session_status_when":
        f"interview_interviewsession (status, ({WHEN}) DESC NULLS LAST, id DESC)"
        f" INCLUDE (job_id, start_time, scheduled_time) {REAL}",
}
# 0008's, replaced by the first two (nothing else reads them); downgrade creates them again.
OLD_INDEXES = {
    "idx_interview_session_job_start":
        f"interview_interviewsession (job_id, start_time DESC NULLS LAST, id DESC) INCLUDE (status) {REAL}",
    "idx_interview_session_start":
        f"interview_interviewsession (start_time DESC NULLS LAST, id DESC) INCLUDE (job_id, status) {REAL}",
}


def _counters_0010():
    """Migration 0010's module: its trigger functions are rebuilt here with another date."""
    path = Path(__file__).with_name("0010_activity_counters.py")
    spec = importlib.util.spec_from_file_location("migration_0010_activity_counters", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _functions(by_interview_date: bool) -> list[str]:
    """0010's three interview counter functions as CREATE OR REPLACE, dated by start_time or by interview date.

    With the interview date, every `x.start_time` in them reads `coalesce(x.start_time, x.scheduled_time)`:
    the day, the "has a day" tests, and the UPDATE trigger's changed-key test (a reschedule changes the day).
    """
    m = _counters_0010()
    functions = [m.INTERVIEW_FUNCTION, m.JOB_FUNCTION, m.RECOUNT_FUNCTION]
    if by_interview_date:
        functions = [re.sub(r"\b(\w)\.start_time\b", r"coalesce(\1.start_time, \1.scheduled_time)", f)
                     for f in functions]
    return [f.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1) for f in functions]


def upgrade() -> None:
    # Data first, counters after: the recount below makes the counters exact whatever the triggers did.
    op.execute(
        "UPDATE interview_interviewsession"
        " SET scheduled_time = coalesce(scheduled_time, start_time), start_time = NULL"
        " WHERE status IN ('scheduled', 'rescheduled') AND start_time IS NOT NULL"
    )
    for function in _functions(by_interview_date=True):
        op.execute(function)
    op.execute("SELECT dashboard_recount_counters()")
    for name, definition in NEW_INDEXES.items():
        table, _, rest = definition.partition(" ")
        op.execute(f"CREATE INDEX {name} ON {table} {rest}")
    for name in OLD_INDEXES:
        op.execute(f"DROP INDEX {name}")


def downgrade() -> None:
    for name, definition in OLD_INDEXES.items():
        table, _, rest = definition.partition(" ")
        op.execute(f"CREATE INDEX {name} ON {table} {rest}")
    for name in reversed(NEW_INDEXES):
        op.execute(f"DROP INDEX {name}")
    for function in _functions(by_interview_date=False):
        op.execute(function)
    # Planned sessions keep start_time NULL (their planned time is in scheduled_time): the old code reads
    # a NULL start_time as "not started yet" and sorts it last.
    op.execute("SELECT dashboard_recount_counters()")
