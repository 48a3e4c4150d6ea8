"""Running pg_dump and pg_restore against a database named by a DATABASE_URL-style URL."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, OperationalError

from webapp.db import database_url, make_engine
from webapp.pgbin import find_program


class ToolError(RuntimeError):
    """A PostgreSQL program is missing or failed; the message says which and why."""


@dataclass(frozen=True)
class Target:
    """A database as libpq tools see it: the password travels in the environment, never in argv."""

    url: URL

    @classmethod
    def parse(cls, raw: str, what: str) -> Target:
        try:
            return cls(database_url(raw))
        except (ArgumentError, ValueError):
            raise ToolError(f"{what} must be a PostgreSQL URL (postgresql://user:pass@host:port/dbname)") from None

    @property
    def shown(self) -> str:
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)

    @property
    def libpq_uri(self) -> str:
        # libpq wants plain postgresql:// (no "+psycopg") and no password in the command line.
        # URL.set() treats None as "unchanged", so the password is removed with _replace.
        return self.url._replace(drivername="postgresql", password=None).render_as_string(hide_password=False)

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.url.password is not None:
            env["PGPASSWORD"] = str(self.url.password)
        return env

    def user_objects(self) -> int:
        """Tables, views, sequences and functions outside the system schemas (0: an empty database)."""
        engine = make_engine(self.url.render_as_string(hide_password=False))
        try:
            with engine.connect() as connection:
                return connection.execute(text(USER_OBJECTS)).scalar_one()
        except OperationalError as error:
            reason = str(error.orig or error).strip().splitlines()[0]
            raise ToolError(f"cannot connect to {self.shown}: {reason}") from None
        finally:
            engine.dispose()


SYSTEM_SCHEMA = (
    "(n.nspname IN ('pg_catalog', 'information_schema') OR n.nspname LIKE 'pg\\_toast%' OR n.nspname LIKE 'pg\\_temp%')"
)
USER_OBJECTS = f"""
    SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT {SYSTEM_SCHEMA})
         + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE NOT {SYSTEM_SCHEMA})
"""


def program(name: str) -> Path:
    found = find_program(name)
    if found is None:
        raise ToolError(f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin; "
                        "install the PostgreSQL client programs (Debian: apt-get install postgresql-client)")
    return found


def run(args: list[str], env: dict[str, str] | None = None) -> str:
    """Run a PostgreSQL program; its stderr becomes the ToolError message when it fails."""
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        reason = "\n".join(result.stderr.strip().splitlines()[:5]) or f"exit status {result.returncode}"
        raise ToolError(f"{Path(args[0]).name} failed: {reason}")
    return result.stdout
