"""Locate the machine's PostgreSQL programs (initdb, pg_ctl, pg_dump, pg_restore, ...).

Standard library only, and free of package-relative imports: scripts/localdb.py
loads this file by path before the virtual environment (and Flask) exists.
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path


def _major(bindir: str) -> int:
    version = Path(bindir).parent.name
    return int(version) if version.isdigit() else 0


def find_program(name: str) -> Path | None:
    """The newest installed PostgreSQL's `name` (Debian layout first, then PATH).

    Newest first because pg_dump refuses a server newer than itself, and a newer
    pg_dump/pg_restore handles every older server.
    """
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: _major(str(Path(p).parent)))
    if candidates:
        return Path(candidates[-1])
    # Not resolved: Debian's /usr/bin/pg_dump is a link to a wrapper that reads its own name.
    on_path = shutil.which(name)
    return Path(on_path) if on_path else None
