"""The audit log as an admin browses it: newest first, filters, paging, and bad parameters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import gen_audit_event, gen_user
from tests.querycount import recorded_statements
from tests.test_admin_users import login, page_text


@pytest.fixture
def admin(db_session, auth):
    user = gen_user(db_session, role="admin", email="root@audit.example")
    login(auth, user)
    return user


def listed_actions(response) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", response.get_data(as_text=True))


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.mark.parametrize("role, status", [(None, 302), ("user", 403), ("employer", 403)])
def test_only_admins_see_the_audit_log(client, auth, db_session, role, status):
    if role:
        login(auth, gen_user(db_session, role=role))
    response = client.get("/admin/audit")
    assert response.status_code == status
    if role is None:
        assert response.headers["Location"].startswith("/login")


def test_events_are_listed_newest_first_with_actor_target_and_details(client, db_session, admin):
    alice = gen_user(db_session, email="alice@audit.example")
    gen_audit_event(db_session, "test.older", actor=admin, target=alice, created_at=at("2026-01-01"))
    gen_audit_event(
        db_session, "admin.role_changed", actor=admin, target=alice, created_at=at("2026-01-02"),
        details={"to": "employer", "from": "user"}, ip_address="203.0.113.9",
    )
    gen_audit_event(db_session, "test.system", created_at=at("2026-01-03"))

    response = client.get("/admin/audit?from=2026-01-01&to=2026-01-03")
    text_ = page_text(response)
    assert response.status_code == 200
    assert listed_actions(response) == ["test.system", "admin.role_changed", "test.older"]
    assert "Showing 1–3 of 3 events" in text_
    assert ("2026-01-02 12:00:00 UTC admin.role_changed root@audit.example alice@audit.example Only events about them "
            '203.0.113.9 {"from": "user", "to": "employer"}') in text_
    assert "2026-01-03 12:00:00 UTC test.system — — 127.0.0.1 —" in text_  # no actor, no target, no details


def test_events_of_one_transaction_share_a_time_and_are_listed_newest_first_by_id(client, db_session, admin):
    moment = at("2026-02-01")  # now() is the transaction's start: every event of one request gets the same time
    for action in ("test.b_first", "test.c_second", "test.a_third"):
        gen_audit_event(db_session, action, actor=admin, created_at=moment)
    response = client.get("/admin/audit?from=2026-02-01&to=2026-02-01")
    assert listed_actions(response) == ["test.a_third", "test.c_second", "test.b_first"]


def test_filter_by_action_with_a_select_of_the_actions_present(client, db_session, admin):
    gen_audit_event(db_session, "test.alpha", actor=admin)
    gen_audit_event(db_session, "test.beta", actor=admin)
    gen_audit_event(db_session, "test.beta", actor=admin)

    response = client.get("/admin/audit?action=test.beta")
    assert listed_actions(response) == ["test.beta", "test.beta"]
    body = response.get_data(as_text=True)
    assert '<option value="test.alpha">test.alpha</option>' in body
    assert '<option value="test.beta" selected>test.beta</option>' in body
    # An action no event has (an old bookmark) finds nothing rather than failing.
    gone = client.get("/admin/audit?action=test.gone")
    assert gone.status_code == 200 and "No events match these filters" in page_text(gone)


def test_filter_by_actor_email_part_case_insensitively_with_literal_wildcards(client, db_session, admin):
    bob = gen_user(db_session, email="bob_smith@corp.example")
    bobby = gen_user(db_session, email="bobXsmith@corp.example")
    gen_audit_event(db_session, "test.by_bob", actor=bob)
    gen_audit_event(db_session, "test.by_bobby", actor=bobby)

    assert listed_actions(client.get("/admin/audit?actor=BOB_S")) == ["test.by_bob"]
    assert listed_actions(client.get("/admin/audit?actor=corp.example")) == ["test.by_bobby", "test.by_bob"]


def test_filter_by_date_range_includes_both_ends(client, db_session, admin):
    for day in ["2025-12-31", "2026-01-01", "2026-01-15", "2026-01-31", "2026-02-01"]:
        gen_audit_event(db_session, f"test.{day}", created_at=at(day, 23 if day == "2026-01-31" else 0))

    january = client.get("/admin/audit?from=2026-01-01&to=2026-01-31")
    assert listed_actions(january) == ["test.2026-01-31", "test.2026-01-15", "test.2026-01-01"]
    assert listed_actions(client.get("/admin/audit?to=2025-12-31")) == ["test.2025-12-31"]
    assert listed_actions(client.get("/admin/audit?from=2026-01-15&to=2026-01-15")) == ["test.2026-01-15"]


def test_filter_by_target_user(client, db_session, admin):
    alice, bob = gen_user(db_session, email="alice@t.example"), gen_user(db_session, email="bob@t.example")
    gen_audit_event(db_session, "test.about_alice", actor=admin, target=alice)
    gen_audit_event(db_session, "test.about_bob", actor=admin, target=bob)

    response = client.get(f"/admin/audit?target={alice.id}")
    assert listed_actions(response) == ["test.about_alice"]
    assert "About alice@t.example Remove the target user filter" in page_text(response)
    assert f'href="/admin/audit?target={bob.id}"' in client.get("/admin/audit").get_data(as_text=True)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"from": "yesterday"}, "'from' must be a date such as 2026-11-23."),
        ({"to": "2026-13-45"}, "'to' must be a date such as 2026-11-23."),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "The 'to' date must be on or after the 'from' date."),
        ({"target": "alice"}, "Target user must be a user number, such as 42."),
        ({"target": "9" * 40}, "Target user must be a user number, such as 42."),
        ({"page": "last"}, "Page must be a whole number, such as 2."),
        ({"actor": "a" * 256}, "Actor email can be at most 255 characters."),
        ({"actor": "\x00"}, "Actor email contains characters that are not allowed."),
        ({"action": "x" * 65}, "Field cannot be longer than 64 characters."),
    ],
)
def test_malformed_filters_give_400_with_a_clear_message(client, admin, query, message):
    response = client.get("/admin/audit", query_string=query)
    assert response.status_code == 400
    assert message in page_text(response)


def test_pages_of_50_newest_first(client, db_session, admin):
    start = datetime(2026, 5, 1, tzinfo=UTC)
    for n in range(60):
        gen_audit_event(db_session, "test.bulk", details={"n": n}, created_at=start + timedelta(minutes=n))

    first = client.get("/admin/audit?action=test.bulk")
    assert "Showing 1–50 of 60 events" in page_text(first)
    assert '{"n": 59}' in page_text(first) and '{"n": 10}' in page_text(first) and '{"n": 9}' not in page_text(first)
    assert 'href="/admin/audit?action=test.bulk&amp;page=2"' in first.get_data(as_text=True)

    second = client.get("/admin/audit?action=test.bulk&page=2")
    assert "Showing 51–60 of 60 events" in page_text(second)
    assert len(listed_actions(second)) == 10
    assert page_text(client.get("/admin/audit?action=test.bulk&page=40")) == page_text(second)


def test_htmx_request_gets_only_the_rows_block(client, db_session, admin):
    gen_audit_event(db_session, "test.fragment", actor=admin)
    response = client.get("/admin/audit?action=test.fragment", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="audit-rows">')
    assert "<html" not in body and listed_actions(response) == ["test.fragment"]
    assert "HX-Request" in response.headers["Vary"]
    bad = client.get("/admin/audit?from=2026-02-01&to=2026-01-01", headers={"HX-Request": "true"})
    assert bad.status_code == 200 and "The 'to' date must be on or after the 'from' date." in page_text(bad)


def test_actor_and_target_emails_come_from_one_query(app, client, db_session, admin):
    gen_audit_event(db_session, "test.count", actor=admin, target=admin)
    with recorded_statements(app) as few:
        client.get("/admin/audit?action=test.count", headers={"HX-Request": "true"})
    for _ in range(30):
        person = gen_user(db_session)
        gen_audit_event(db_session, "test.count", actor=person, target=person)
    with recorded_statements(app) as many:
        response = client.get("/admin/audit?action=test.count", headers={"HX-Request": "true"})
    assert "Showing 1–31 of 31 events" in page_text(response)
    assert len(many) == len(few)


def test_no_matching_events_shows_an_empty_state(client, admin):
    response = client.get("/admin/audit?action=test.nothing-yet")
    assert "No events match these filters" in page_text(response)
