"""`flask --app wsgi backup create [--output DIR]` and `backup restore FILE --into URL`.

A backup is one pg_dump custom-format file named after the database and the UTC
time. A restore goes only into an empty database, in one transaction that
stops at the first error, so a failed restore leaves the target as empty as it was.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.backup.tools import Target, ToolError, program, run

backup_cli = AppGroup("backup", help="pg_dump backups of the database and restores into an empty one.")
dry_run_option = click.option("--dry-run", is_flag=True, help="Print what would be done; write nothing.")


def human_size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


@backup_cli.command("create")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=Path("backups"),
              show_default=True, help="Directory for the dump file (created if missing).")
@dry_run_option
def create(output: Path, dry_run: bool) -> None:
    """Dump the database named by DATABASE_URL into a custom-format file."""
    try:
        source = Target.parse(current_app.config["DATABASE_URL"], "DATABASE_URL")
        pg_dump = program("pg_dump")
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", source.url.database or "database")
        path = output / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.dump"
        if dry_run:
            click.echo(f"Would dump {source.shown} with {pg_dump} into {path} (custom format).")
            return
        if path.exists():
            raise ToolError(f"{path} already exists; not overwriting it")
        output.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name, so a dump cut short never looks like a finished one.
        partial = path.with_name(path.name + ".partial")
        try:
            run([str(pg_dump), "--format=custom", "--no-password", f"--file={partial}", f"--dbname={source.libpq_uri}"],
                env=source.env)
            partial.rename(path)
        finally:
            partial.unlink(missing_ok=True)
    except ToolError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup of {source.shown} written to {path} ({human_size(path.stat().st_size)}).")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", "into", required=True, metavar="URL", help="An existing, empty database.")
@dry_run_option
def restore(file: Path, into: str, dry_run: bool) -> None:
    """Restore FILE (from `backup create`) into the empty database at URL, in one transaction."""
    try:
        target = Target.parse(into, "--into")
        pg_restore = program("pg_restore")
        if not file.is_file():
            raise ToolError(f"{file} does not exist")
        tables = _archived_tables(pg_restore, file)
        existing = target.user_objects()
        if existing:
            raise ToolError(f"{target.shown} is not empty ({existing} tables, views, sequences or functions); "
                            "restore only into an empty database. Nothing was done")
        if dry_run:
            click.echo(f"Would restore {file} ({tables} tables) into {target.shown} "
                       "in one transaction, stopping at the first error.")
            return
        # --no-owner: the restored objects belong to the role in URL, which often
        # differs from the source's owner (another server, a staging copy).
        run([str(pg_restore), "--single-transaction", "--exit-on-error", "--no-owner", "--no-password",
             f"--dbname={target.libpq_uri}", str(file)], env=target.env)
    except ToolError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {file} into {target.shown}: {tables} tables and their data, "
               f"{target.user_objects()} tables, views, sequences and functions in all.")


def _archived_tables(pg_restore: Path, file: Path) -> int:
    """The number of tables in the archive's table of contents; a file pg_restore cannot read is refused."""
    try:
        listing = run([str(pg_restore), "--list", str(file)])
    except ToolError as error:
        raise ToolError(f"{file} is not a readable pg_dump custom-format backup ({error})") from None
    # TOC lines read "<id>; <catalog> <oid> <kind> <schema> <name> <owner>"; kinds also include TABLE DATA and ATTACH.
    return sum(1 for line in listing.splitlines() if re.match(r"\d+; \d+ \d+ TABLE (?!DATA |ATTACH )", line))
