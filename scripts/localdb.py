"""Start (or reuse) the project-local PostgreSQL cluster used when DATABASE_URL is unset.

Standard library only: it runs before the virtual environment exists.

    python3 scripts/localdb.py ensure [DBNAME ...]   # prints the URL of the first database
    python3 scripts/localdb.py stop

The cluster lives in `.pgdata/` at the repository root, listens on 127.0.0.1
only, on a fixed non-default port, and trusts loopback connections: it is a
development and test database, never a production one.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("JOBHIVE_PGDATA", ROOT / ".pgdata"))
PORT = int(os.environ.get("JOBHIVE_PGPORT", "54329"))
HOST = "127.0.0.1"
SUPERUSER = "postgres"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def log(message: str) -> None:
    print(f"[localdb] {message}", file=sys.stderr, flush=True)


def _load_pgbin():
    """webapp/pgbin.py by path: importing the webapp package would need the venv."""
    spec = importlib.util.spec_from_file_location("jobhive_pgbin", ROOT / "webapp" / "pgbin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL server binaries (Debian layout first, then PATH)."""
    initdb = _load_pgbin().find_program("initdb")
    return initdb.resolve().parent if initdb else None


def install_postgres() -> None:
    if not IS_ROOT:
        sys.exit(
            "[localdb] PostgreSQL server binaries are missing. Install them "
            "(Debian/Ubuntu: sudo apt-get install postgresql) or set DATABASE_URL."
        )
    log("PostgreSQL binaries not found; installing them with apt-get ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql", "postgresql-client"],
        check=True,
        env=env,
    )


def as_owner(cmd: list[str]) -> list[str]:
    """initdb refuses to run as root, so the cluster belongs to the postgres user."""
    if IS_ROOT:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


def init_cluster(bindir: Path) -> None:
    if (PGDATA / "PG_VERSION").exists():
        return
    log(f"initialising a cluster in {PGDATA}")
    PGDATA.mkdir(mode=0o700, parents=True, exist_ok=True)
    if IS_ROOT:
        shutil.chown(PGDATA, "postgres", "postgres")
    result = run(
        as_owner(
            [
                str(bindir / "initdb"),
                "-D", str(PGDATA),
                "-U", SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
    )
    if result.returncode != 0:
        sys.exit(f"[localdb] initdb failed:\n{result.stdout}\n{result.stderr}")


def is_running(bindir: Path) -> bool:
    return run(as_owner([str(bindir / "pg_ctl"), "-D", str(PGDATA), "status"])).returncode == 0


def start_cluster(bindir: Path) -> None:
    if is_running(bindir):
        return
    log(f"starting PostgreSQL on {HOST}:{PORT}")
    options = f"-p {PORT} -c listen_addresses={HOST} -k {PGDATA} -c max_connections=200"
    result = run(
        as_owner(
            [str(bindir / "pg_ctl"), "-D", str(PGDATA), "-o", options, "-l", str(PGDATA / "server.log"), "-w", "start"]
        )
    )
    if result.returncode != 0:
        tail = (PGDATA / "server.log").read_text(errors="replace")[-2000:] if (PGDATA / "server.log").exists() else ""
        sys.exit(f"[localdb] PostgreSQL did not start:\n{result.stdout}\n{result.stderr}\n{tail}")


def psql(bindir: Path, sql: str, dbname: str = "postgres") -> str:
    result = run(
        [str(bindir / "psql"), "-h", HOST, "-p", str(PORT), "-U", SUPERUSER, "-d", dbname, "-tAc", sql]
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return result.stdout.strip()


def ensure_database(bindir: Path, name: str) -> None:
    for _ in range(50):
        try:
            exists = psql(bindir, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
            break
        except RuntimeError:
            time.sleep(0.2)
    else:
        sys.exit("[localdb] PostgreSQL is running but does not accept connections")
    if exists != "1":
        log(f"creating database {name}")
        psql(bindir, f'CREATE DATABASE "{name}"')


def url_for(name: str) -> str:
    return f"postgresql://{SUPERUSER}@{HOST}:{PORT}/{name}"


def ensure(names: list[str]) -> str:
    bindir = find_bindir()
    if bindir is None:
        install_postgres()
        bindir = find_bindir()
        if bindir is None:
            sys.exit("[localdb] PostgreSQL was installed but initdb is still not found")
    init_cluster(bindir)
    start_cluster(bindir)
    for name in names:
        ensure_database(bindir, name)
    return url_for(names[0])


def stop() -> None:
    bindir = find_bindir()
    if bindir and (PGDATA / "PG_VERSION").exists() and is_running(bindir):
        run(as_owner([str(bindir / "pg_ctl"), "-D", str(PGDATA), "-m", "fast", "stop"]))
        log("stopped")


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in {"ensure", "stop"}:
        sys.exit(__doc__)
    if argv[0] == "stop":
        stop()
        return
    print(ensure(argv[1:] or ["jobhive"]))


if __name__ == "__main__":
    main(sys.argv[1:])
