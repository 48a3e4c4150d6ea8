"""Static files: fingerprinted URLs, a year of immutable caching and gzip for everyone; Plotly only where charts are."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_user
from webapp.assets import PLOTLY_JS, build, fingerprinted_name

ROOT = Path(__file__).resolve().parents[1]
IMMUTABLE = "max-age=31536000, public, immutable"
FINGERPRINTED = {
    "app.css": r"/static/app\.[0-9a-f]{12}\.css",
    "app.js": r"/static/app\.[0-9a-f]{12}\.js",
    "vendor/htmx-2.0.11.min.js": r"/static/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js",
    "favicon.svg": r"/static/favicon\.[0-9a-f]{12}\.svg",
}
PLOTLY_URL = re.compile(r"/static/vendor/plotly\.min\.[0-9a-f]{12}\.js")


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user)
    return user


@pytest.fixture
def logged_in(client, auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return client


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_every_asset_by_its_fingerprinted_url(client):
    html = client.get("/login").get_data(as_text=True)
    urls = asset_urls(html)
    for name, pattern in FINGERPRINTED.items():
        assert any(re.fullmatch(pattern, url) for url in urls), name
    assert all(re.search(r"\.[0-9a-f]{12}\.\w+$", url) for url in urls), urls


@pytest.mark.parametrize("name", sorted(FINGERPRINTED))
def test_a_fingerprinted_file_is_immutable_and_gzipped_for_clients_that_accept_it(client, name):
    url = next(u for u in asset_urls(client.get("/login").get_data(as_text=True)) if re.fullmatch(FINGERPRINTED[name], u))
    original = (ROOT / "static" / name).read_bytes()

    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    assert packed.headers["Cache-Control"] == IMMUTABLE
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == original

    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    assert plain.data == original
    assert plain.headers["Cache-Control"] == IMMUTABLE


def test_logged_in_pages_are_not_stored_but_their_assets_are_cached_for_a_year(logged_in):
    page = logged_in.get("/jobs")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for url in asset_urls(page.get_data(as_text=True)):
        response = logged_in.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        assert "Set-Cookie" not in response.headers  # no session work for a static file


def test_the_plotly_bundle_is_fingerprinted_compressed_and_only_on_chart_pages(db_session, logged_in, employer):
    assert not PLOTLY_URL.search(logged_in.get("/jobs").get_data(as_text=True))
    scheduled = gen_interview(db_session, gen_user(db_session), gen_job(db_session, employer.company), status="scheduled")
    assert "plotly" not in logged_in.get(f"/interviews/{scheduled.session_id}").get_data(as_text=True)

    chart_page = logged_in.get("/analytics").get_data(as_text=True)
    url = PLOTLY_URL.search(chart_page).group(0)
    response = logged_in.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.mimetype == "text/javascript"
    bundle = PLOTLY_JS.read_bytes()
    assert len(response.data) < len(bundle) / 2
    assert gzip.decompress(response.data) == bundle
    assert logged_in.get("/assets/plotly.min.js").headers["Location"] == url  # the old address leads there


def test_plain_names_still_work_without_long_caching(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert response.data == (ROOT / "static" / "app.css").read_bytes()
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_unknown_fingerprints_are_not_found(client):
    assert client.get("/static/app.000000000000.css").status_code == 404


def test_a_changed_file_gets_a_new_name_and_builds_are_reused(tmp_path):
    source = tmp_path / "src" / "site.css"
    source.parent.mkdir()
    source.write_text("body { color: black; }\n" * 50)
    out = tmp_path / "build"

    first = build({"site.css": source}, out)["site.css"]
    assert re.fullmatch(r"site\.[0-9a-f]{12}\.css", first)
    assert gzip.decompress((out / (first + ".gz")).read_bytes()) == source.read_bytes()
    built_at = (out / first).stat().st_mtime_ns
    assert build({"site.css": source}, out)["site.css"] == first
    assert (out / first).stat().st_mtime_ns == built_at  # nothing rewritten at the next start

    source.write_text("body { color: navy; }\n" * 50)
    second = build({"site.css": source}, out)["site.css"]
    assert second != first and (out / second).read_bytes() == source.read_bytes()
    assert re.fullmatch(r"vendor/x\.min\.[0-9a-f]{12}\.js", fingerprinted_name("vendor/x.min.js", b"a"))


def test_the_build_folder_can_be_put_elsewhere(tmp_path, db_engine):
    from tests.conftest import TEST_DATABASE_URL
    from webapp import create_app
    from webapp.config import from_environment

    environ = {"JOBHIVE_ENV": "testing", "JOBHIVE_STATIC_BUILD_DIR": str(tmp_path)}
    assert from_environment(environ)["STATIC_BUILD_DIR"] == str(tmp_path)
    app = create_app({"DATABASE_URL": TEST_DATABASE_URL, "TESTING": True, "STATIC_BUILD_DIR": str(tmp_path)})
    hashed = app.extensions["asset_manifest"]["app.css"]
    assert (tmp_path / hashed).read_bytes() == (ROOT / "static" / "app.css").read_bytes()
    assert app.test_client().get(f"/static/{hashed}").status_code == 200
    app.extensions["db_engine"].dispose()
