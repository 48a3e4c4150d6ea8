"""Health check, error pages and start-up failures a user can understand."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from webapp.config import ConfigError, from_environment

ROOT = Path(__file__).resolve().parents[1]


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_unknown_url_gets_a_styled_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert re.search(rb'href="/static/app\.[0-9a-f]{12}\.css"', response.data)  # styled: the fingerprinted stylesheet


def test_unknown_url_in_htmx_request_gets_a_fragment(client):
    response = client.get("/no/such/page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert b"<html" not in response.data
    assert b"Page not found" in response.data


def test_unreachable_database_stops_start_up_with_a_clear_message():
    env = {
        "PATH": "/usr/bin:/bin",
        "JOBHIVE_ENV": "development",
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert "cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_secrets():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        from_environment({"JOBHIVE_ENV": "production", "DATABASE_URL": "postgresql://x@localhost/db"})
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        from_environment({"JOBHIVE_ENV": "production", "SECRET_KEY": "s3cret"})


def test_database_url_must_be_postgresql():
    from webapp.db import database_url

    with pytest.raises(ValueError, match="PostgreSQL"):
        database_url("mysql://x@localhost/db")
    assert database_url("postgresql://u:p@h:5432/db").drivername == "postgresql+psycopg"


def test_plotly_is_served_locally_and_cached(client):
    response = client.get("/assets/plotly.min.js", follow_redirects=True)  # the old address
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert b"plotly" in response.data[:2000].lower()
    assert response.headers["Cache-Control"] == "max-age=31536000, public, immutable"
