"""Configuration read from the environment."""

from __future__ import annotations

import os

# The project-local cluster started by scripts/localdb.py (see README).
LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:54329/jobhive"
DEVELOPMENT_ONLY_SECRET = "development-only-not-a-secret"
ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def from_environment(environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping; production refuses to start without real secrets."""
    env = os.environ if environ is None else environ
    name = env.get("JOBHIVE_ENV", "development")
    if name not in ENVIRONMENTS:
        raise ConfigError(f"JOBHIVE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    relaxed = name in ("development", "testing")

    secret_key = env.get("SECRET_KEY") or (DEVELOPMENT_ONLY_SECRET if relaxed else None)
    if not secret_key:
        raise ConfigError("SECRET_KEY must be set when JOBHIVE_ENV=production")
    database_url = env.get("DATABASE_URL") or (LOCAL_DATABASE_URL if relaxed else None)
    if not database_url:
        raise ConfigError("DATABASE_URL must be set when JOBHIVE_ENV=production")

    https = env.get("JOBHIVE_HTTPS", "0" if relaxed else "1") == "1"
    return {
        "ENV_NAME": name,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "TESTING": name == "testing",
    }
