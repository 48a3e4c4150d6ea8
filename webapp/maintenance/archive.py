"""Archive completed interviews older than a cutoff into interview_interviewsession_archive.

Copying is one INSERT ... SELECT ... ON CONFLICT (id) DO NOTHING, so running it
again copies only what is new. Originals are deleted only on request, only
after every one of them has an identical archived copy (all columns compared
through to_jsonb, so a column added later cannot slip past), and the DELETE
itself repeats that comparison, so a row edited in between is never lost.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from webapp.maintenance.catalog import count, delete_effects

SOURCE = "interview_interviewsession"
ARCHIVE = "interview_interviewsession_archive"
ELIGIBLE_AS = "{t}.status = 'completed' AND {t}.start_time < now() - make_interval(days => :days)"
ELIGIBLE = ELIGIBLE_AS.format(t=SOURCE)
SAME_AS_ARCHIVED = f"to_jsonb({SOURCE}) = to_jsonb(a) - 'archived_at'"
COLUMNS = text(
    """
    SELECT column_name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = :table
    ORDER BY ordinal_position
    """
)
UNVERIFIED = f"""
    {ELIGIBLE} AND NOT EXISTS (
        SELECT 1 FROM {ARCHIVE} a WHERE a.id = {SOURCE}.id AND {SAME_AS_ARCHIVED})
"""
# Rankings are not tied to interviews by a foreign key: they go when `rankings
# recompute` finds the candidate has no completed interview left for the job.
ORPHANED_RANKINGS = f"""
    EXISTS (SELECT 1 FROM {SOURCE} s WHERE s.job_id = interview_candidateranking.job_id
            AND s.user_id = interview_candidateranking.candidate_id AND {ELIGIBLE_AS.format(t="s")})
    AND NOT EXISTS (SELECT 1 FROM {SOURCE} s WHERE s.job_id = interview_candidateranking.job_id
            AND s.user_id = interview_candidateranking.candidate_id AND s.status = 'completed'
            AND s.is_practice IS NOT TRUE AND NOT ({ELIGIBLE_AS.format(t="s")}))
"""


class ArchiveRefused(Exception):
    """The originals cannot be deleted safely; nothing was deleted."""


def run(connection: Connection, days: int, delete_originals: bool, dry_run: bool, echo: Callable[[str], None]) -> None:
    params = {"days": days}
    eligible = count(connection, SOURCE, ELIGIBLE, params)
    archived = count(connection, SOURCE, f"{ELIGIBLE} AND id IN (SELECT id FROM {ARCHIVE})", params)
    echo(f"Completed interviews started more than {days} days ago: {eligible} ({archived} already archived).")
    if dry_run:
        echo(f"  would copy {eligible - archived} into {ARCHIVE}")
    else:
        echo(f"  copied {_copy(connection, params)} into {ARCHIVE}")
        connection.commit()
    if not delete_originals:
        echo("Originals kept (--delete-originals deletes them once their copies are verified).")
        return
    _delete_originals(connection, params, dry_run, echo)


def _copy(connection: Connection, params: dict) -> int:
    columns = ", ".join(f'"{name}"' for name in connection.execute(COLUMNS, {"table": SOURCE}).scalars())
    insert = f"""
        INSERT INTO {ARCHIVE} ({columns}, archived_at)
        SELECT {columns}, now() FROM {SOURCE} WHERE {ELIGIBLE}
        ON CONFLICT (id) DO NOTHING
    """
    return connection.execute(text(insert), params).rowcount


def _verify(connection: Connection, params: dict) -> None:
    """Refuse unless every eligible original has an identical archived copy."""
    select_unverified = text(f"SELECT id FROM {SOURCE} WHERE {UNVERIFIED} ORDER BY id")
    unverified = connection.execute(select_unverified, params).scalars().all()
    if unverified:
        shown = ", ".join(map(str, unverified[:10])) + (" ..." if len(unverified) > 10 else "")
        raise ArchiveRefused(
            f"{len(unverified)} originals have no identical archived copy (ids {shown}); nothing deleted. "
            "An archived row that differs from its original is left for a person to look at."
        )


def _delete_originals(connection: Connection, params: dict, dry_run: bool, echo: Callable[[str], None]) -> None:
    eligible = count(connection, SOURCE, ELIGIBLE, params)  # again: the clock moved since the copy
    if dry_run:
        differing = count(connection, SOURCE, f"{UNVERIFIED} AND id IN (SELECT id FROM {ARCHIVE})", params)
        if differing:
            echo(f"  {differing} archived copies differ from their originals: a real run would refuse to delete")
    else:
        _verify(connection, params)
    effects = delete_effects(connection, SOURCE, ELIGIBLE, params)
    blockers = [e for e in effects if e.action == "blocks the delete" and e.rows]
    echo(f"Deleting the {eligible} originals {'would take' if dry_run else 'takes'} with them:")
    for effect in effects:
        if effect.rows:
            echo(f"  {effect.table}: {effect.rows} rows {effect.action}")
    rankings = count(connection, "interview_candidateranking", ORPHANED_RANKINGS, params)
    echo(f"  interview_candidateranking: {rankings} rows the next `rankings recompute` removes")
    if blockers:
        raise ArchiveRefused("rows in other tables forbid deleting these interviews; nothing deleted")
    if dry_run:
        echo(f"Would verify every copy and delete {eligible} originals.")
        return
    deleted = connection.execute(
        text(f"DELETE FROM {SOURCE} USING {ARCHIVE} a WHERE a.id = {SOURCE}.id AND {ELIGIBLE} AND {SAME_AS_ARCHIVED}"),
        params,
    ).rowcount
    if deleted != eligible:
        connection.rollback()
        raise ArchiveRefused(
            f"the interviews changed while archiving ({deleted} of {eligible} matched); nothing deleted"
        )
    connection.commit()
    echo(f"Verified and deleted {deleted} originals.")
