"""ANALYZE (or VACUUM ANALYZE) of the tables that grow with every interview."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from sqlalchemy import text
from sqlalchemy.engine import Connection

from webapp.maintenance.catalog import quote

# The schema document's maintenance section names the first four; the rest grow
# with every interview too (one sentiment point every few seconds, its context
# factors, skill scores, assessments) or with every request (audit log). A
# partitioned table is listed once: both commands recurse into its partitions.
LARGE_TABLES = (
    "interview_interviewsession",
    "interview_sentimentsession",
    "interview_sentimenthistory",
    "billing_usagerecord",
    "interview_sentimentcontextfactors",
    "interview_skillassessment",
    "interview_skillassessmenthistory",
    "interview_interviewassessment",
    "interview_candidateranking",
    "interview_interviewstatistics",
    "interview_interviewsession_archive",
    "audit_auditevent",
)


def run(connection: Connection, vacuum: bool, dry_run: bool, echo: Callable[[str], None]) -> None:
    """`connection` must be in autocommit mode: VACUUM refuses to run inside a transaction."""
    command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    present = connection.execute(
        text(
            "SELECT name FROM unnest(CAST(:names AS text[])) WITH ORDINALITY AS t(name, position) "
            "WHERE to_regclass(name) IS NOT NULL ORDER BY position"
        ),
        {"names": list(LARGE_TABLES)},
    ).scalars().all()
    for table in present:
        statement = f"{command} {quote(connection, table)}"
        if dry_run:
            echo(f"  would run {statement}")
            continue
        started = monotonic()
        connection.execute(text(statement))
        echo(f"  {statement}: {monotonic() - started:.2f}s")
    echo(f"{'Would process' if dry_run else 'Processed'} {len(present)} tables.")
