"""CSRF on every unsafe request, and the headers every response carries."""

from __future__ import annotations

import pytest
from flask import request

from tests.factories import PASSWORD, gen_user
from webapp import create_app


@pytest.fixture
def csrf_app(db_engine):
    from tests.conftest import TEST_DATABASE_URL

    return create_app({"DATABASE_URL": TEST_DATABASE_URL, "TESTING": True, "WTF_CSRF_ENABLED": True})


def test_a_form_post_without_token_is_refused_with_a_clear_page(csrf_app):
    response = csrf_app.test_client().post("/login", data={"email": "a@b.test", "password": "x" * 12})
    assert response.status_code == 400
    assert b"The form expired" in response.data


def test_an_htmx_post_with_a_stale_token_refreshes_the_page(csrf_app):
    response = csrf_app.test_client().post(
        "/logout", headers={"HX-Request": "true", "X-CSRFToken": "stale-token"}
    )
    assert response.status_code == 200
    assert response.headers["HX-Refresh"] == "true"


def test_pages_put_the_token_in_hx_headers_for_htmx(csrf_app):
    page = csrf_app.test_client().get("/login").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in page


def test_the_login_form_works_with_its_token(csrf_app, db_session):
    # The user must be visible to the csrf app's own connection: commit-free via the shared bind.
    csrf_app.extensions["db_bind"] = db_session.connection()
    user = gen_user(db_session)
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_every_response_carries_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http in tests


def test_hsts_is_sent_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_cookies_are_secure_and_httponly():
    from webapp.config import from_environment

    config = from_environment(
        {
            "JOBHIVE_ENV": "production",
            "SECRET_KEY": "k" * 32,
            "DATABASE_URL": "postgresql://x@h/db",
            "JOBHIVE_BASE_URL": "https://jobs.example.com",
        }
    )
    assert config["SESSION_COOKIE_SECURE"] and config["SESSION_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_pages_are_not_stored_by_caches_once_logged_in(client, auth, db_session):
    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"
    assert client.get("/static/app.css").headers.get("Cache-Control") != "no-store"


def test_behind_a_trusted_proxy_the_client_address_is_used(db_engine):
    from tests.conftest import TEST_DATABASE_URL

    app = create_app({"DATABASE_URL": TEST_DATABASE_URL, "TESTING": True, "PROXY_HOPS": 1})
    app.add_url_rule("/_whoami", "whoami", lambda: request.remote_addr)
    response = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"


def test_proxy_hops_must_be_a_small_number():
    from webapp.config import ConfigError, from_environment

    with pytest.raises(ConfigError, match="JOBHIVE_PROXY_HOPS"):
        from_environment({"JOBHIVE_ENV": "development", "JOBHIVE_PROXY_HOPS": "lots"})


@pytest.mark.parametrize("raw", ["lots", "0", "8", "-1"])
def test_resume_limit_must_be_below_the_request_limit(raw):
    from webapp.config import ConfigError, from_environment

    with pytest.raises(ConfigError, match="JOBHIVE_RESUME_MAX_MB"):
        from_environment({"JOBHIVE_ENV": "development", "JOBHIVE_RESUME_MAX_MB": raw})


def test_resume_limit_comes_from_the_environment():
    from webapp.config import from_environment

    assert from_environment({"JOBHIVE_ENV": "development", "JOBHIVE_RESUME_MAX_MB": "2"})["RESUME_MAX_BYTES"] == 2 * 1024 * 1024
    assert from_environment({"JOBHIVE_ENV": "development"})["RESUME_MAX_BYTES"] == 5 * 1024 * 1024
