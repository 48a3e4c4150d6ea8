"""Requests that used to end in a 500 (issue 14, item 9): each now gets a clear answer."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, nodes
from sqlalchemy import delete, select

from tests.factories import PASSWORD, gen_company, gen_job, gen_user
from webapp.models import Job, OutboxMessage
from webapp.redirects import safe_path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def employer(db_session, auth):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user, company_name="Initech")
    assert auth.login(user.email, PASSWORD).status_code == 302
    return user


# --- the dashboard's week ---------------------------------------------------------------------


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_a_week_too_far_away_is_a_clear_400(client, employer, week):
    for headers in ({}, {"HX-Request": "true", "HX-Target": "week-summary"}):
        response = client.get(f"/dashboard?week={week}", headers=headers)
        assert response.status_code == 400
        assert b"The week must be between the years 1900 and 2999." in response.data


def test_the_first_and_last_weeks_allowed_still_show(client, employer):
    for week in ("1900-01-01", "2999-12-31"):
        response = client.get(f"/dashboard?week={week}")
        assert response.status_code == 200 and b"Interviews that week" in response.data


# --- the audit log's dates ---------------------------------------------------------------------


def test_audit_log_dates_too_far_away_are_a_clear_400(client, db_session, auth):
    admin = gen_user(db_session, role="admin")
    auth.login(admin.email, PASSWORD)
    for query in ("to=9999-12-31", "from=0001-01-01", "from=1899-12-31&to=3000-01-01"):
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 400, query
        assert "must be between the years 1900 and 2999." in response.get_data(as_text=True)
    assert client.get("/admin/audit?from=1900-01-01&to=2999-12-31").status_code == 200


# --- where a form sends the browser back to -----------------------------------------------------


@pytest.mark.parametrize("target", ["/jobs\nSet-Cookie: x=1", "/jobs\r\n", "/\t/evil.example", "/jobs\x00", "/a\x7f"])
def test_toggle_with_a_control_character_in_next_goes_to_the_job_page(client, db_session, employer, target):
    job = gen_job(db_session, employer.company, title="Night Shift Operator")
    response = client.post(f"/jobs/{job.id}/toggle", data={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}"
    # The change the button asked for is made once, and the answer says so.
    assert db_session.scalar(select(Job.is_active).where(Job.id == job.id).execution_options(populate_existing=True)) is False
    assert "“Night Shift Operator” is now inactive." in client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_login_with_a_newline_in_next_lands_on_the_dashboard(client, db_session):
    user = gen_user(db_session)
    response = client.post("/login?next=/practice%0d%0aSet-Cookie:%20x=1", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_safe_path_keeps_local_paths_and_refuses_everything_else():
    assert safe_path("/jobs?q=Site&sort=title") == "/jobs?q=Site&sort=title"
    assert safe_path("/jobs/ünïcode") == "/jobs/ünïcode"
    for bad in (None, "", "jobs", "//evil.example", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
                "/x\ny", "javascript:alert(1)"):
        assert safe_path(bad) is None, bad


# --- htmx requests for pages whose block uses an imported macro ---------------------------------


def test_account_page_for_htmx_renders_its_content_block(client, db_session, auth):
    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    response = client.get("/account", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "No connected accounts" in body and "<html" not in body


def test_empty_outbox_for_htmx_says_it_is_empty(client, db_session):
    db_session.execute(delete(OutboxMessage))
    response = client.get("/dev/outbox", headers={"HX-Request": "true", "HX-Target": "outbox-messages"})
    assert response.status_code == 200
    assert "The outbox is empty" in response.get_data(as_text=True)
    response = client.get("/dev/outbox?to=nobody@example.test", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "No messages to nobody@example.test" in response.get_data(as_text=True)


def _names_outside_blocks(node: nodes.Node, kinds: tuple) -> list[nodes.Node]:
    found = []
    for child in node.iter_child_nodes():
        if isinstance(child, nodes.Block):
            continue
        if isinstance(child, kinds):
            found.append(child)
        found += _names_outside_blocks(child, kinds)
    return found


def _imported(statements: list[nodes.Node]) -> set[str]:
    names = set()
    for statement in statements:
        if isinstance(statement, nodes.FromImport):
            names |= {name if isinstance(name, str) else name[1] for name in statement.names}
        elif isinstance(statement, nodes.Import):
            names.add(statement.target)
    return names


def test_every_block_imports_the_macros_it_calls():
    """htmx renders a block alone (render_block), which skips the template's top-level imports."""
    environment = Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        tree = environment.parse(path.read_text())
        top_level = _imported(_names_outside_blocks(tree, (nodes.FromImport, nodes.Import)))
        for block in tree.find_all(nodes.Block):
            inside = _names_outside_blocks(block, (nodes.FromImport, nodes.Import, nodes.Name))
            used = {node.name for node in inside if isinstance(node, nodes.Name) and node.ctx == "load"}
            missing = (used & top_level) - _imported(inside)
            if missing:
                problems.append(f"{path.relative_to(TEMPLATES)} block {block.name}: {sorted(missing)}")
    assert problems == []
