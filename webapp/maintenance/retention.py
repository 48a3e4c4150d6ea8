"""Retention: sentiment history older than the cutoff goes, and so do long-expired OAuth tokens.

Whole monthly partitions older than the cutoff are detached and dropped, which
costs nothing per row. The context factors that reference their rows must go
first: the composite foreign key from interview_sentimentcontextfactors makes
PostgreSQL refuse to detach a partition whose rows are still referenced (and
DROP ... CASCADE would drop the foreign key itself, not the rows). The
partition that straddles the cutoff, and a default partition if one exists,
are cleaned with batched DELETEs. Every batch commits on its own, so locks and
transactions stay short while the interview engine keeps writing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from webapp.maintenance.catalog import CONTEXT_FACTORS, HISTORY, Partition, count, partitions, quote

OLD_ROWS = text(
    f"""
    SELECT id FROM {HISTORY}
    WHERE "timestamp" < :cutoff AND id > :after
    ORDER BY id LIMIT :batch
    """
)
DELETE_FACTORS = text(f"DELETE FROM {CONTEXT_FACTORS} WHERE sentiment_history_id = ANY(:ids)")
DELETE_HISTORY = text(f'DELETE FROM {HISTORY} WHERE id = ANY(:ids) AND "timestamp" < :cutoff')
FACTORS_OF = "sentiment_history_id IN (SELECT id FROM {table} WHERE {where})"
EXPIRED_TOKENS = "expires_at < now() - interval '1 day'"
# DETACH takes an exclusive lock on the parent; queued behind a long query it
# would block every reader of sentiment history meanwhile, so give up instead.
DETACH_LOCK_TIMEOUT = "10s"


def run(connection: Connection, keep_days: int, batch_size: int, dry_run: bool, echo: Callable[[str], None]) -> None:
    cutoff = connection.execute(text("SELECT now() - make_interval(days => :days)"), {"days": keep_days}).scalar_one()
    verb = "would remove" if dry_run else "removed"
    echo(f"Sentiment history before {cutoff.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC (keeping {keep_days} days):")
    whole = [p for p in partitions(connection) if not p.is_default and p.upper is not None and p.upper <= cutoff]
    for partition in whole:
        if dry_run:
            rows, factors = _partition_counts(connection, partition.name)
            echo(f"  would drop partition {partition.name}: {rows} rows, {factors} context factors")
        else:
            rows, factors = _drop_partition(connection, partition, batch_size)
            echo(f"  dropped partition {partition.name}: {rows} rows, {factors} context factors deleted first")
    if dry_run:
        rows, factors = _remaining_counts(connection, cutoff, {p.name for p in whole})
        batches = "" if not rows else f" in {-(-rows // batch_size)} batches of at most {batch_size}"
    else:
        rows, factors, done = _delete_in_batches(connection, cutoff, batch_size)
        batches = f" in {done} batches of at most {batch_size}" if done else ""
    echo(f"  rows in partly old partitions: {verb} {rows} rows and {factors} context factors{batches}")
    if dry_run:
        tokens = count(connection, "users_useroauthtoken", EXPIRED_TOKENS)
    else:
        tokens = connection.execute(text(f"DELETE FROM users_useroauthtoken WHERE {EXPIRED_TOKENS}")).rowcount
        connection.commit()
    echo(f"OAuth tokens expired more than a day ago: {verb} {tokens}.")


def _partition_counts(connection: Connection, name: str) -> tuple[int, int]:
    table = quote(connection, name)
    return count(connection, name), count(connection, CONTEXT_FACTORS, FACTORS_OF.format(table=table, where="TRUE"))


def _drop_partition(connection: Connection, partition: Partition, batch_size: int) -> tuple[int, int]:
    """Delete the partition's context factors in batches, then detach and drop it; return (rows, factors)."""
    table = quote(connection, partition.name)
    factors, after = 0, 0
    batch = text(f"SELECT id FROM {table} WHERE id > :after ORDER BY id LIMIT :batch")
    while ids := connection.execute(batch, {"after": after, "batch": batch_size}).scalars().all():
        factors += connection.execute(DELETE_FACTORS, {"ids": ids}).rowcount
        connection.commit()
        after = ids[-1]
    rows = count(connection, partition.name)
    connection.execute(text(f"SET LOCAL lock_timeout = '{DETACH_LOCK_TIMEOUT}'"))
    # Detaching re-checks the foreign key: a factor written meanwhile makes it fail, never dangle.
    connection.execute(text(f"ALTER TABLE {HISTORY} DETACH PARTITION {table}"))
    connection.execute(text(f"DROP TABLE {table}"))
    connection.commit()
    return rows, factors


def _remaining_counts(connection: Connection, cutoff: datetime, dropped: set[str]) -> tuple[int, int]:
    """Old rows outside the partitions a real run drops (the dry run cannot drop them first)."""
    where = '"timestamp" < :cutoff AND tableoid <> ALL(CAST(:dropped AS regclass[]))'
    params = {"cutoff": cutoff, "dropped": [quote(connection, name) for name in dropped]}
    factors = count(connection, CONTEXT_FACTORS, FACTORS_OF.format(table=HISTORY, where=where), params)
    return count(connection, HISTORY, where, params), factors


def _delete_in_batches(connection: Connection, cutoff: datetime, batch_size: int) -> tuple[int, int, int]:
    """Keyset batches by id (the primary key's leading column); return (rows, factors, batches)."""
    rows = factors = batches = after = 0
    while ids := connection.execute(OLD_ROWS, {"cutoff": cutoff, "after": after, "batch": batch_size}).scalars().all():
        factors += connection.execute(DELETE_FACTORS, {"ids": ids}).rowcount
        rows += connection.execute(DELETE_HISTORY, {"ids": ids, "cutoff": cutoff}).rowcount
        connection.commit()
        batches, after = batches + 1, ids[-1]
    return rows, factors, batches
