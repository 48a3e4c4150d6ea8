"""`flask backup create` and `backup restore` round-trip the seeded demo database exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from webapp import create_app
from webapp.backup.tools import Target
from webapp.db import make_engine

TABLES = text(
    """
    SELECT c.relname FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
    ORDER BY c.relname
    """
)
CHECKSUM = """SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text COLLATE "C"), ''))
              FROM "{table}" t"""
SEQUENCES = text(
    "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema() ORDER BY sequencename"
)


def fingerprint(engine: Engine) -> dict[str, tuple]:
    """Each table's and partition's row count and md5 of its rows in a fixed order; each sequence's last value."""
    found: dict[str, tuple] = {}
    with engine.connect() as connection:
        for table in connection.execute(TABLES).scalars():
            found[table] = tuple(connection.execute(text(CHECKSUM.format(table=table))).one())
        for name, last_value in connection.execute(SEQUENCES):
            found[f"sequence {name}"] = (last_value,)
    return found


@pytest.fixture(scope="module")
def demo(demo_database_url):
    """The seeded demo database (shared with other tests; only read here) and an app over it."""
    app = create_app({"DATABASE_URL": demo_database_url, "TESTING": True})
    engine = make_engine(demo_database_url)
    yield app, engine
    engine.dispose()
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def dump_file(demo, tmp_path_factory) -> Path:
    app, _ = demo
    folder = tmp_path_factory.mktemp("backups")
    result = app.test_cli_runner().invoke(args=["backup", "create", "--output", str(folder)])
    assert result.exit_code == 0, result.output
    (path,) = folder.iterdir()
    assert re.fullmatch(r".+_demo-\d{8}T\d{6}Z\.dump", path.name)
    assert f"written to {path} (" in result.output
    return path


def restore(app, file: Path | str, into: str, *extra: str):
    return app.test_cli_runner().invoke(args=["backup", "restore", str(file), "--into", into, *extra])


def test_backup_round_trip_restores_every_row_partition_and_sequence(demo, dump_file, scratch_database_url):
    app, source = demo
    target_url = scratch_database_url("ops_restore")
    target = make_engine(target_url)
    try:
        plan = restore(app, dump_file, target_url, "--dry-run")
        assert plan.exit_code == 0, plan.output
        assert "Would restore" in plan.output and fingerprint(target) == {}

        result = restore(app, dump_file, target_url)
        assert result.exit_code == 0, result.output
        with source.connect() as connection:
            tables = connection.execute(text(
                "SELECT count(*) FROM pg_class "
                "WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')"
            )).scalar()
        assert f"Restored {dump_file} into " in result.output
        assert f": {tables} tables and their data" in result.output

        expected = fingerprint(source)
        assert any(name.startswith("interview_sentimenthistory_y") and rows[0] for name, rows in expected.items())
        assert expected["sequence interview_sentimenthistory_id_seq"][0] > 1000
        assert fingerprint(target) == expected

        again = restore(app, dump_file, target_url)
        assert again.exit_code == 1
        assert "is not empty" in again.output and "Nothing was done" in again.output
        assert fingerprint(target) == expected
    finally:
        target.dispose()


def test_backup_create_dry_run_writes_no_file(demo, tmp_path):
    result = demo[0].test_cli_runner().invoke(args=["backup", "create", "--output", str(tmp_path / "b"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would dump" in result.output and "pg_dump" in result.output
    assert not (tmp_path / "b").exists()


def test_restore_refuses_missing_and_corrupt_files(demo, tmp_path, scratch_database_url):
    target_url = scratch_database_url("ops_restore_bad")
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"this is not a pg_dump archive\n" * 10)

    missing = restore(demo[0], tmp_path / "nowhere.dump", target_url)
    corrupt = restore(demo[0], garbage, target_url)

    assert missing.exit_code == 1 and "nowhere.dump does not exist" in missing.output
    assert corrupt.exit_code == 1 and "is not a readable pg_dump custom-format backup" in corrupt.output


def test_restore_that_fails_midway_leaves_the_target_empty(demo, dump_file, tmp_path, scratch_database_url):
    """A dump cut short still lists its tables, then fails on the data: the single transaction rolls back."""
    target_url = scratch_database_url("ops_restore_cut")
    cut = tmp_path / "cut.dump"
    cut.write_bytes(dump_file.read_bytes()[: dump_file.stat().st_size * 2 // 3])
    target = make_engine(target_url)
    try:
        result = restore(demo[0], cut, target_url)
        assert result.exit_code == 1
        assert "pg_restore failed" in result.output
        assert fingerprint(target) == {}
    finally:
        target.dispose()


def test_restore_rejects_a_url_that_is_not_postgresql(demo, dump_file):
    result = restore(demo[0], dump_file, "mysql://root@localhost/jobhive")
    assert result.exit_code == 1
    assert "--into must be a PostgreSQL URL" in result.output


def test_libpq_tools_get_the_password_in_the_environment_not_the_command_line():
    target = Target.parse("postgresql+psycopg://ops:s3cret@db.example:5433/jobhive?sslmode=require", "--into")

    assert target.libpq_uri == "postgresql://ops@db.example:5433/jobhive?sslmode=require"
    assert target.env["PGPASSWORD"] == "s3cret"
    assert "s3cret" not in target.shown
