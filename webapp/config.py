"""Configuration read from the environment."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

# The project-local cluster started by scripts/localdb.py (see README).
LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:54329/jobhive"
DEVELOPMENT_ONLY_SECRET = "development-only-not-a-secret"
ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def from_environment(environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping; production refuses to start without real secrets."""
    env = os.environ if environ is None else environ
    # Unset means production: a server started without thinking must not run with development's shortcuts.
    name = env.get("JOBHIVE_ENV") or "production"
    if name not in ENVIRONMENTS:
        raise ConfigError(f"JOBHIVE_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    relaxed = name in ("development", "testing")
    hint = "" if env.get("JOBHIVE_ENV") else (
        " (JOBHIVE_ENV is unset, which means production; set JOBHIVE_ENV=development to run on your own machine)"
    )

    secret_key = env.get("SECRET_KEY") or (DEVELOPMENT_ONLY_SECRET if relaxed else None)
    if not secret_key:
        raise ConfigError(f"SECRET_KEY must be set when JOBHIVE_ENV=production{hint}")
    database_url = env.get("DATABASE_URL") or (LOCAL_DATABASE_URL if relaxed else None)
    if not database_url:
        raise ConfigError(f"DATABASE_URL must be set when JOBHIVE_ENV=production{hint}")
    base_url = _base_url(env, relaxed, hint)

    https = env.get("JOBHIVE_HTTPS", "0" if relaxed else "1") == "1"
    mail = _mail_settings(env, relaxed)
    return mail | _retention_settings(env) | {
        "ENV_NAME": name,
        "BASE_URL": base_url,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "MAX_CONTENT_LENGTH": MAX_REQUEST_MB * 1024 * 1024,
        "RESUME_MAX_BYTES": _resume_max_mb(env.get("JOBHIVE_RESUME_MAX_MB", "5")) * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "TESTING": name == "testing",
        "ADMIN_2FA_REQUIRED": env.get("JOBHIVE_ADMIN_2FA_REQUIRED", "0") == "1",
        "PROXY_HOPS": _proxy_hops(env.get("JOBHIVE_PROXY_HOPS", "0")),
        **_login_session_settings(env),
        # Fingerprinted, gzipped copies of static/ written at start-up (default: instance/static-build).
        "STATIC_BUILD_DIR": env.get("JOBHIVE_STATIC_BUILD_DIR") or None,
        # Billing through Stripe is on when a secret key is set; STRIPE_API_BASE points the SDK
        # elsewhere (localstripe on loopback in tests).
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": (env.get("STRIPE_API_BASE") or "").rstrip("/") or None,
    }


def _mail_settings(env, relaxed: bool) -> dict:
    """SMTP delivery when MAIL_SERVER is set; otherwise mail is only recorded in the outbox and logged."""
    server = env.get("MAIL_SERVER") or None
    use_tls = env.get("MAIL_USE_TLS", "1") == "1"
    raw_port = env.get("MAIL_PORT") or ("587" if use_tls else "25")
    if not (raw_port.isascii() and raw_port.isdigit()) or not 0 < int(raw_port) < 65536:
        raise ConfigError(f"MAIL_PORT must be a port number, not {raw_port!r}")
    mail_from = env.get("MAIL_FROM") or ("JobHive <no-reply@localhost>" if relaxed else None)
    if server and not relaxed and not mail_from:
        raise ConfigError("MAIL_FROM must be set when MAIL_SERVER is set in production")
    return {
        "MAIL_SERVER": server,
        "MAIL_PORT": int(raw_port),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": use_tls,
        "MAIL_FROM": mail_from or "JobHive <no-reply@localhost>",
    }


def _base_url(env, relaxed: bool, hint: str) -> str | None:
    """The site's public address for links in mail: JOBHIVE_BASE_URL (PUBLIC_BASE_URL is its old name).

    Links in mail must never be built from the request's Host header (a forged Host would
    mail password-reset links to the attacker's site), so production must name its address.
    """
    raw = (env.get("JOBHIVE_BASE_URL") or env.get("PUBLIC_BASE_URL") or "").strip()
    if not raw:
        if relaxed:
            return None  # development and tests: links on the address the browser used
        raise ConfigError(
            "JOBHIVE_BASE_URL must be set when JOBHIVE_ENV=production: the site's public address, "
            f"such as https://jobs.example.com, used in the links mailed to users{hint}"
        )
    parts = urlsplit(raw.rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
        raise ConfigError(
            f"JOBHIVE_BASE_URL must be an http(s) address without a path, such as https://jobs.example.com, not {raw!r}"
        )
    return raw.rstrip("/")


# Login sessions end after this long without a request (admins sooner) or this long after the login,
# whichever comes first: (variable, config key, default, smallest, largest). See README.
LOGIN_SESSION_LIMITS = (
    ("JOBHIVE_SESSION_IDLE_MINUTES", "LOGIN_IDLE_MINUTES", 14 * 24 * 60, 5, 365 * 24 * 60),
    ("JOBHIVE_ADMIN_SESSION_IDLE_MINUTES", "LOGIN_ADMIN_IDLE_MINUTES", 2 * 60, 5, 365 * 24 * 60),
    ("JOBHIVE_SESSION_MAX_DAYS", "LOGIN_MAX_DAYS", 30, 1, 365),
)


def _login_session_settings(env) -> dict:
    """The idle timeouts (minutes) and absolute lifetime (days) of a login session."""
    settings = {}
    for variable, key, default, smallest, largest in LOGIN_SESSION_LIMITS:
        raw = env.get(variable) or str(default)
        if not (raw.isascii() and raw.isdigit()) or not smallest <= int(raw) <= largest:
            unit = "days" if key.endswith("DAYS") else "minutes"
            raise ConfigError(f"{variable} must be a whole number of {unit} from {smallest} to {largest}, not {raw!r}")
        settings[key] = int(raw)
    return settings


MAX_REQUEST_MB = 8  # any request body; an upload limit must stay below it


def _resume_max_mb(raw: str) -> int:
    """The largest resume upload, in MB; below the request limit so the form can say why."""
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) < MAX_REQUEST_MB:
        raise ConfigError(f"JOBHIVE_RESUME_MAX_MB must be a whole number from 1 to {MAX_REQUEST_MB - 1}, not {raw!r}")
    return int(raw)


def _proxy_hops(raw: str) -> int:
    """How many reverse proxies to trust for X-Forwarded-For/-Proto/-Host (0: none)."""
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 5:
        raise ConfigError(f"JOBHIVE_PROXY_HOPS must be a number from 0 to 5, not {raw!r}")
    return int(raw)


# `maintenance retention`: (variable, config key, default, smallest, largest); see README.
RETENTION_PERIODS = (
    # Throttling looks back 15 minutes; a day is the least that keeps every window whole.
    ("JOBHIVE_RETENTION_LOGIN_ATTEMPTS_DAYS", "RETENTION_LOGIN_ATTEMPTS_DAYS", 30, 1, 36500),
    ("JOBHIVE_RETENTION_AUDIT_EVENTS_DAYS", "RETENTION_AUDIT_EVENTS_DAYS", 365, 1, 36500),
    ("JOBHIVE_RETENTION_MAIL_DAYS", "RETENTION_MAIL_DAYS", 30, 1, 36500),
    # Stripe redelivers an event for up to 3 days; its row must still be there to be recognised.
    ("JOBHIVE_RETENTION_WEBHOOK_EVENTS_DAYS", "RETENTION_WEBHOOK_EVENTS_DAYS", 90, 7, 36500),
)
MAIL_BODY_HOURS = ("JOBHIVE_RETENTION_MAIL_BODY_HOURS", "RETENTION_MAIL_BODY_HOURS", 24)


def _retention_settings(env) -> dict:
    """How long `maintenance retention` keeps each growing table, in whole days (mail bodies: hours)."""
    settings = {}
    for variable, key, default, smallest, largest in RETENTION_PERIODS:
        raw = env.get(variable) or str(default)
        if not (raw.isascii() and raw.isdigit()) or not smallest <= int(raw) <= largest:
            raise ConfigError(f"{variable} must be a whole number of days from {smallest} to {largest}, not {raw!r}")
        settings[key] = int(raw)
    variable, key, default = MAIL_BODY_HOURS
    raw, largest = env.get(variable) or str(default), settings["RETENTION_MAIL_DAYS"] * 24
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= largest:
        raise ConfigError(
            f"{variable} must be a whole number of hours from 1 to {largest} "
            f"(bodies go no later than their messages: JOBHIVE_RETENTION_MAIL_DAYS), not {raw!r}"
        )
    return settings | {key: int(raw)}
