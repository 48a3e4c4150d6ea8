"""An unconfigured deployment is a production one: real secrets, a named address for mailed links, no outbox."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import TEST_DATABASE_URL
from tests.factories import gen_outbox_message, gen_user
from webapp import create_app, mail
from webapp.config import ConfigError, from_environment
from webapp.models import OutboxMessage

ROOT = Path(__file__).resolve().parents[1]
SECRETS = {"SECRET_KEY": "k" * 40, "DATABASE_URL": "postgresql://jobhive@db.internal/jobhive"}
SITE = "https://jobs.example.com"


def test_an_unset_environment_means_production():
    config = from_environment(SECRETS | {"JOBHIVE_BASE_URL": SITE})
    assert config["ENV_NAME"] == "production" and config["TESTING"] is False
    assert config["SESSION_COOKIE_SECURE"] and config["PREFERRED_URL_SCHEME"] == "https"
    assert config["BASE_URL"] == SITE


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "JOBHIVE_BASE_URL"])
def test_unset_environment_refuses_to_start_without_each_setting_and_says_why(missing):
    environ = {key: value for key, value in (SECRETS | {"JOBHIVE_BASE_URL": SITE}).items() if key != missing}
    with pytest.raises(ConfigError, match=f"^{missing} must be set when JOBHIVE_ENV=production") as refused:
        from_environment(environ)
    assert "JOBHIVE_ENV is unset, which means production; set JOBHIVE_ENV=development" in str(refused.value)


def test_development_is_only_what_is_asked_for():
    config = from_environment({"JOBHIVE_ENV": "development"})
    assert config["ENV_NAME"] == "development" and config["BASE_URL"] is None
    assert from_environment({"JOBHIVE_ENV": "testing"})["ENV_NAME"] == "testing"


@pytest.mark.parametrize(
    "raw", ["jobs.example.com", "ftp://jobs.example.com", "https://", "https://jobs.example.com/app", "https://x.example/?a=1"]
)
def test_the_base_url_must_be_a_plain_http_address(raw):
    with pytest.raises(ConfigError, match="JOBHIVE_BASE_URL must be an http\\(s\\) address without a path"):
        from_environment({"JOBHIVE_ENV": "production", **SECRETS, "JOBHIVE_BASE_URL": raw})


def test_the_old_name_public_base_url_still_works_and_the_new_one_wins():
    production = {"JOBHIVE_ENV": "production", **SECRETS}
    assert from_environment(production | {"PUBLIC_BASE_URL": "https://old.example/"})["BASE_URL"] == "https://old.example"
    both = production | {"PUBLIC_BASE_URL": "https://old.example", "JOBHIVE_BASE_URL": SITE}
    assert from_environment(both)["BASE_URL"] == SITE


def test_a_server_started_with_no_environment_stops_with_the_reason():
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "JobHive cannot start: SECRET_KEY must be set when JOBHIVE_ENV=production" in result.stderr
    assert "JOBHIVE_ENV is unset" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def unconfigured_app(monkeypatch, db_session) -> Iterator[Flask]:
    """The app as a server with no JOBHIVE_ENV builds it (only the required settings given)."""
    monkeypatch.delenv("JOBHIVE_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", TEST_DATABASE_URL)
    monkeypatch.setenv("JOBHIVE_BASE_URL", SITE)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    app = create_app({"WTF_CSRF_ENABLED": False})
    app.extensions["db_bind"] = db_session.get_bind()  # the test's rolled-back transaction
    yield app
    app.extensions["db_engine"].dispose()


def test_a_forged_host_gets_a_reset_link_on_the_configured_address(unconfigured_app, db_session):
    assert unconfigured_app.config["ENV_NAME"] == "production"
    user = gen_user(db_session)
    response = unconfigured_app.test_client().post(
        "/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 200
    body = db_session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.to_address == user.email))
    assert f"{SITE}/password/reset/" in body
    assert "evil.example" not in body


def test_the_outbox_does_not_exist_when_nothing_is_configured(unconfigured_app, db_session):
    gen_outbox_message(db_session, subject="A secret link")
    response = unconfigured_app.test_client().get("/dev/outbox")
    assert response.status_code == 404
    assert b"A secret link" not in response.data


def test_production_never_builds_a_mailed_link_from_the_host_header(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    monkeypatch.setitem(app.config, "BASE_URL", None)  # only a config built by hand can lack it
    with app.test_request_context("/password/forgot", base_url="http://evil.example"):
        with pytest.raises(RuntimeError, match="JOBHIVE_BASE_URL is not configured"):
            mail.absolute_url("accounts.reset_password", token="t")
