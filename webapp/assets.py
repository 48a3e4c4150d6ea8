"""Static files under fingerprinted names: a year of immutable caching and gzip, for every visitor.

At start-up every file of static/ (and the plotly.js bundle of the pinned `plotly` package, as
`vendor/plotly.min.js`) is hashed once; the first time a content is seen, a copy named
`<stem>.<hash>.<ext>` and its gzip variant are written to a build folder (instance/static-build
unless STATIC_BUILD_DIR says otherwise), so nothing is compressed per request and a fresh clone
needs no build step. `url_for('static', filename='app.css')` then builds the fingerprinted URL:
a changed file gets a new URL, so browsers may keep the old one for a year without asking.
WhiteNoise serves those files in front of Flask (no session, no database, no per-request headers
from security.py); the plain names keep working through Flask's static route, without long caching.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib.resources import files
from pathlib import Path

from flask import Blueprint, Flask, redirect, url_for
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

bp = Blueprint("assets", __name__)

ONE_YEAR = 365 * 24 * 3600
PLOTLY_JS = files("plotly") / "package_data" / "plotly.min.js"
PLOTLY_NAME = "vendor/plotly.min.js"
HASH_LENGTH = 12  # hex digits of SHA-256: plenty to tell versions of one file apart
MIN_GAIN = 0.95  # keep a .gz only when it saves at least 5 %, as whitenoise's own compressor does


class FingerprintedFiles(WhiteNoise):
    """Only fingerprinted names are registered, so every file it serves is immutable."""

    FOREVER = ONE_YEAR

    def immutable_file_test(self, path: str, url: str) -> bool:
        return True


def asset_sources(static_folder: str) -> dict[str, Path]:
    """Logical name (as given to url_for('static', filename=...)) -> source file."""
    root = Path(static_folder)
    sources = {path.relative_to(root).as_posix(): path for path in sorted(root.rglob("*")) if path.is_file()}
    sources[PLOTLY_NAME] = Path(str(PLOTLY_JS))
    return sources


def fingerprinted_name(name: str, content: bytes) -> str:
    """`vendor/htmx-2.0.11.min.js` -> `vendor/htmx-2.0.11.min.<hash>.js`."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    directory, _, base = name.rpartition("/")
    stem, dot, extension = base.rpartition(".")
    hashed = f"{stem}.{digest}.{extension}" if dot else f"{base}.{digest}"
    return f"{directory}/{hashed}" if directory else hashed


def _write_atomically(path: Path, content: bytes) -> None:
    # Several workers (and test runs) start at once: each writes a temporary file and renames it,
    # so a reader sees either no file or the whole file, never half of one.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(content)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the server may run as another user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build(sources: dict[str, Path], build_dir: Path) -> dict[str, str]:
    """Write the fingerprinted copies (and .gz variants) that are missing; return name -> fingerprinted name."""
    compressor = Compressor(quiet=True)
    manifest = {}
    for name, source in sources.items():
        content = source.read_bytes()
        hashed = fingerprinted_name(name, content)
        manifest[name] = hashed
        target = build_dir / hashed
        if target.exists():
            continue  # same name, same content: built by an earlier start
        if compressor.should_compress(hashed):
            packed = compressor.compress_gzip(content)
            if len(packed) <= MIN_GAIN * len(content):
                _write_atomically(target.with_name(target.name + ".gz"), packed)
        _write_atomically(target, content)  # last: its presence means the variants are there too
    return manifest


def _nosniff(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    build_dir = Path(app.config.get("STATIC_BUILD_DIR") or os.path.join(app.instance_path, "static-build"))
    manifest = build(asset_sources(app.static_folder), build_dir)
    app.extensions["asset_manifest"] = manifest

    @app.url_defaults
    def fingerprint_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    static_files = FingerprintedFiles(app.wsgi_app, max_age=None, add_headers_function=_nosniff)
    prefix = app.static_url_path.rstrip("/") + "/"
    for hashed in manifest.values():
        static_files.add_file_to_dictionary(prefix + hashed, str(build_dir / hashed))
    app.wsgi_app = static_files


@bp.route("/assets/plotly.min.js")
def plotly():
    """The old address of the plotly.js bundle: sent on to its fingerprinted URL."""
    return redirect(url_for("static", filename=PLOTLY_NAME))
