"""An htmx request from a logged-out browser goes to the login page, which says why and leads back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import PASSWORD, gen_user

LOGGED_OUT_SAVE = {"HX-Request": "true", "HX-Current-URL": "http://localhost/interviews/iv-abc?tab=notes"}


def next_of(response) -> list[str]:
    location = urlsplit(response.headers["HX-Redirect"])
    assert location.path == "/login"
    return parse_qs(location.query).get("next", [])


def test_a_logged_out_htmx_save_comes_back_to_the_page_it_was_sent_from(client):
    response = client.post("/jobs/1/toggle", headers=LOGGED_OUT_SAVE)
    assert response.status_code == 200
    assert next_of(response) == ["/interviews/iv-abc?tab=notes"]
    assert "Please log in to continue." in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    "current",
    [
        "http://evil.example/interviews/iv-abc",
        "javascript:alert(1)",
        "//evil.example/x",
        "",
        "http://localhost\\@evil/",
    ],
)
def test_a_foreign_or_odd_current_url_is_not_followed(client, current):
    response = client.post("/jobs/1/toggle", headers={"HX-Request": "true", "HX-Current-URL": current})
    assert next_of(response) == []


def test_a_logged_out_htmx_get_still_comes_back_to_what_it_asked_for(client):
    response = client.get("/interviews?q=ada", headers=LOGGED_OUT_SAVE)
    assert next_of(response) == ["/interviews?q=ada"]


def test_after_logging_in_the_save_page_is_where_the_browser_lands(client, db_session):
    user = gen_user(db_session, role="employer")
    response = client.post("/jobs/1/toggle", headers=LOGGED_OUT_SAVE)
    login = response.headers["HX-Redirect"]
    landed = client.post(login, data={"email": user.email, "password": PASSWORD})
    assert landed.status_code == 302 and landed.headers["Location"] == "/interviews/iv-abc?tab=notes"
