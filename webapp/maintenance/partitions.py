"""Monthly partitions of interview_sentimenthistory: this month's and the next ones must exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import Connection

from webapp.maintenance.catalog import count, month_bounds, month_partition_name, partitions

MONTHS = text(
    """
    SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date
    FROM generate_series(0, :ahead) AS m
    """
)
IN_MONTH = '"timestamp" >= :start AND "timestamp" < :end'


def ensure(connection: Connection, months_ahead: int, dry_run: bool, echo: Callable[[str], None]) -> int:
    """Create the missing partitions from this UTC month to `months_ahead` later; return the number of problems."""
    existing = partitions(connection)
    names = {p.name for p in existing}
    default = next((p for p in existing if p.is_default), None)
    problems = 0
    for month in connection.execute(MONTHS, {"ahead": months_ahead}).scalars():
        name = month_partition_name(month)
        if name in names:
            echo(f"  {month:%Y-%m}: {name} exists")
            continue
        stranded = _rows_in(connection, default.name, month) if default else 0
        if stranded:
            # PostgreSQL refuses the new partition while its rows sit in the default one.
            echo(f"  {month:%Y-%m}: NOT created: {stranded} rows of this month sit in the default partition "
                 f"{default.name}; move them out first")
            problems += 1
        elif dry_run:
            echo(f"  {month:%Y-%m}: would create {name}")
        else:
            connection.execute(text("SELECT create_monthly_partition(:month)"), {"month": month})
            echo(f"  {month:%Y-%m}: created {name}")
    if default is None:
        echo("No default partition.")
    else:
        rows = count(connection, default.name)
        note = " (they belong in monthly partitions)" if rows else ""
        echo(f"Default partition {default.name}: {rows} rows{note}.")
    return problems


def _rows_in(connection: Connection, table: str, month: date) -> int:
    start, end = month_bounds(month)
    return count(connection, table, IN_MONTH, {"start": start, "end": end})
