"""Admin user management: the list, the details page and the role/status changes, as an admin sees them."""

from __future__ import annotations

import html
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, gen_audit_event, gen_company, gen_user
from tests.locks import wait_for_lock_waiters
from tests.querycount import recorded_statements
from webapp import create_app
from webapp.admin import services
from webapp.cli import alembic_config
from webapp.db import make_engine
from webapp.models import AuditEvent, Company, LoginSession, User


def login(auth, user) -> None:
    response = auth.login(user.email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def admin(db_session, auth) -> User:
    user = gen_user(db_session, role="admin", first_name="Ada", last_name="Admin", username="ada.admin")
    login(auth, user)
    return user


def page_text(response) -> str:
    """The response body as a reader sees it: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"</?(?:a|strong|em|code|span|time)\b[^>]*>", "", response.get_data(as_text=True))
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def listed_usernames(response) -> list[str]:
    return re.findall(r'<div class="muted small">@([^<]+)</div>', response.get_data(as_text=True))


def audit_actions(db_session, target: User) -> list[str]:
    return list(
        db_session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.target_type == "users_user", AuditEvent.target_id == str(target.id))
            .where(AuditEvent.action.like("admin.%"))
            .order_by(AuditEvent.id)
        )
    )


# --- who may enter ------------------------------------------------------------------------

ADMIN_URLS = [
    "/admin/",
    "/admin/users",
    "/admin/users/{id}",
    "/admin/users/{id}/role?role=admin",
    "/admin/users/{id}/deactivate",
    "/admin/users/{id}/reactivate",
    "/admin/users/{id}/verify",
    "/admin/audit",
]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_anonymous_visitors_are_sent_to_login(client, db_session, url):
    target = gen_user(db_session)
    response = client.get(url.format(id=target.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["user", "employer"])
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_candidates_and_employers_get_403(client, auth, db_session, role, url):
    login(auth, gen_user(db_session, role=role))
    target = gen_user(db_session)
    response = client.get(url.format(id=target.id))
    assert response.status_code == 403
    assert "You do not have access to this page." in page_text(response)


@pytest.mark.parametrize("role", ["user", "employer"])
def test_non_admins_cannot_post_changes_and_nothing_is_written(client, auth, db_session, role):
    login(auth, gen_user(db_session, role=role))
    target = gen_user(db_session, is_verified=False)
    for path, data in [("role", {"role": "admin"}), ("deactivate", {}), ("verify", {})]:
        assert client.post(f"/admin/users/{target.id}/{path}", data=data).status_code == 403
    db_session.refresh(target)
    assert (target.role, target.is_active, target.is_verified) == ("user", True, False)
    assert audit_actions(db_session, target) == []


def test_admin_index_redirects_to_the_user_list(client, admin):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users")


def test_admin_navigation_links_users_and_audit_log(client, admin):
    body = client.get("/admin/users").get_data(as_text=True)
    assert 'href="/admin/users"' in body and 'href="/admin/audit"' in body


# --- the list -----------------------------------------------------------------------------


def test_list_shows_users_with_role_company_and_status(client, db_session, admin):
    employer = gen_user(db_session, role="employer", first_name="Erin", last_name="Boss", username="erin.boss")
    gen_company(db_session, employer, company_name="Initech Widgets")
    gen_user(db_session, first_name="Carl", last_name="Candidate", username="carl.c", is_active=False,
             is_verified=False)

    response = client.get("/admin/users")
    text_ = page_text(response)
    assert response.status_code == 200
    assert "Showing 1–3 of 3 users" in text_
    assert "Erin Boss @erin.boss" in text_ and "Initech Widgets" in text_
    assert f'<a href="/admin/users/{employer.id}">Erin Boss</a>' in response.get_data(as_text=True)
    assert re.search(r"Carl Candidate @carl\.c \S+ Candidate — Deactivated Unverified", text_)
    assert "HX-Request" in response.headers["Vary"]


def test_search_matches_names_username_and_email_case_insensitively(client, db_session, admin):
    gen_user(db_session, first_name="Grace", last_name="Hopper", username="ghopper", email="grace@navy.example")
    gen_user(db_session, first_name="Alan", last_name="Turing", username="aturing", email="alan@bletchley.example")

    assert listed_usernames(client.get("/admin/users?q=GRACE")) == ["ghopper"]
    assert listed_usernames(client.get("/admin/users?q=hopp")) == ["ghopper"]
    assert listed_usernames(client.get("/admin/users?q=aTuRi")) == ["aturing"]
    assert listed_usernames(client.get("/admin/users?q=bletchley.EX")) == ["aturing"]
    assert listed_usernames(client.get("/admin/users?q=grace%20hopper")) == ["ghopper"]  # first and last together
    nothing = client.get("/admin/users?q=nobody-like-this")
    assert listed_usernames(nothing) == []
    assert "No users match these filters" in page_text(nothing)


def test_search_treats_like_wildcards_literally(client, db_session, admin):
    gen_user(db_session, username="under_score")
    gen_user(db_session, username="underXscore")
    gen_user(db_session, username="hundred%pct")
    gen_user(db_session, username="back\\slash")

    assert listed_usernames(client.get("/admin/users", query_string={"q": "under_"})) == ["under_score"]
    assert listed_usernames(client.get("/admin/users", query_string={"q": "d%p"})) == ["hundred%pct"]
    assert listed_usernames(client.get("/admin/users", query_string={"q": "k\\s"})) == ["back\\slash"]
    assert listed_usernames(client.get("/admin/users", query_string={"q": "%"})) == ["hundred%pct"]


def test_filters_by_role_status_and_verification(client, db_session, admin):
    gen_user(db_session, role="employer", username="emp.active")
    gen_user(db_session, role="employer", username="emp.off", is_active=False)
    gen_user(db_session, username="cand.unverified", is_verified=False)

    assert sorted(listed_usernames(client.get("/admin/users?role=employer"))) == ["emp.active", "emp.off"]
    assert listed_usernames(client.get("/admin/users?role=employer&status=inactive")) == ["emp.off"]
    assert listed_usernames(client.get("/admin/users?verified=no")) == ["cand.unverified"]
    assert listed_usernames(client.get("/admin/users?role=admin")) == ["ada.admin"]
    assert "emp.off" not in listed_usernames(client.get("/admin/users?status=active"))
    # The selects show the chosen filter, so the page explains what is listed.
    assert '<option value="employer" selected>' in client.get("/admin/users?role=employer").get_data(as_text=True)


def test_sorting_by_columns_and_unknown_sort_falls_back(client, db_session, admin):
    now = datetime.now(UTC)
    gen_user(db_session, username="bravo", email="m.b@example.test", created_at=now - timedelta(days=3))
    gen_user(db_session, username="alpha", email="m.c@example.test", created_at=now - timedelta(days=1))
    gen_user(db_session, username="charlie", email="m.a@example.test", created_at=now - timedelta(days=2))
    admin.created_at = now - timedelta(days=10)
    db_session.flush()

    assert listed_usernames(client.get("/admin/users?sort=username")) == ["ada.admin", "alpha", "bravo", "charlie"]
    assert listed_usernames(client.get("/admin/users?sort=-username")) == ["charlie", "bravo", "alpha", "ada.admin"]
    assert listed_usernames(client.get("/admin/users?sort=email")) == ["ada.admin", "charlie", "bravo", "alpha"]
    newest_first = ["alpha", "charlie", "bravo", "ada.admin"]
    assert listed_usernames(client.get("/admin/users")) == newest_first
    for junk in ["password", "-", "--email", "email;drop", "created_at desc"]:
        response = client.get("/admin/users", query_string={"sort": junk})
        assert response.status_code == 200
        assert listed_usernames(response) == newest_first


def test_sort_links_are_real_urls_that_keep_the_filters(client, db_session, admin):
    body = client.get("/admin/users?q=ada&role=admin&sort=email").get_data(as_text=True)
    assert 'href="/admin/users?q=ada&amp;role=admin&amp;sort=-email"' in body  # clicking again reverses
    assert 'href="/admin/users?q=ada&amp;role=admin&amp;sort=username"' in body
    assert 'aria-sort="ascending"' in body


def test_paging_25_per_page_with_counts_and_clamping(client, db_session, admin):
    for n in range(29):
        gen_user(db_session, username=f"pager{n:02d}")

    first = client.get("/admin/users?sort=username")
    assert "Showing 1–25 of 30 users" in page_text(first)
    assert len(listed_usernames(first)) == 25
    assert 'href="/admin/users?sort=username&amp;page=2"' in first.get_data(as_text=True)

    second = client.get("/admin/users?sort=username&page=2")
    assert "Showing 26–30 of 30 users" in page_text(second)
    assert listed_usernames(second) == ["pager24", "pager25", "pager26", "pager27", "pager28"]

    beyond = client.get("/admin/users?sort=username&page=999999999999999999999")
    assert beyond.status_code == 200
    assert listed_usernames(beyond) == listed_usernames(second)  # past the end: the last page
    assert listed_usernames(client.get("/admin/users?sort=username&page=-4")) == listed_usernames(first)


def test_filtered_out_of_range_page_shows_the_empty_state(client, admin):
    response = client.get("/admin/users?q=zzzz-no-match&page=7")
    assert response.status_code == 200
    assert "No users match these filters" in page_text(response)


@pytest.mark.parametrize(
    "query, message",
    [
        ({"page": "two"}, "Page must be a whole number, such as 2."),
        ({"page": "1.5"}, "Page must be a whole number, such as 2."),
        ({"role": "superuser"}, "Role must be one of: Candidate, Employer, Admin."),
        ({"status": "banned"}, "Status must be one of: Active, Deactivated."),
        ({"verified": "maybe"}, "Email must be one of: Verified, Not verified."),
        ({"q": "x" * 101}, "Search text can be at most 100 characters."),
        ({"q": "nul\x00byte"}, "Search contains characters that are not allowed."),
    ],
)
def test_malformed_list_parameters_give_400_with_a_message(client, admin, query, message):
    response = client.get("/admin/users", query_string=query)
    assert response.status_code == 400
    assert message in page_text(response)
    assert 'role="alert"' in response.get_data(as_text=True)


def test_htmx_request_gets_only_the_rows_block(client, db_session, admin):
    gen_user(db_session, username="htmx.person", first_name="Hilda")
    response = client.get("/admin/users?q=hilda", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="user-rows">')
    assert "<html" not in body and 'id="user-filters"' not in body
    assert listed_usernames(response) == ["htmx.person"]
    assert "HX-Request" in response.headers["Vary"]
    # Malformed input during typing: the message lands where the rows were (htmx swaps 2xx only).
    bad = client.get("/admin/users?page=x", headers={"HX-Request": "true"})
    assert bad.status_code == 200
    assert "Page must be a whole number" in page_text(bad)


def test_search_box_refreshes_rows_as_you_type(client, admin):
    body = client.get("/admin/users").get_data(as_text=True)
    search = re.search(r'<input type="search" id="user-search"[^>]*>', body, re.S).group(0)
    assert 'hx-trigger="input changed delay:300ms, search"' in search
    assert 'hx-get="/admin/users"' in search and 'hx-target="#user-rows"' in search
    assert 'hx-push-url="true"' in search and 'hx-indicator="#users-loading"' in search
    assert '<label for="user-search">Search</label>' in body
    assert '<button type="submit" class="btn btn-primary">Apply</button>' in body  # works without JS too


def test_list_needs_the_same_number_of_queries_for_1_or_25_rows(app, client, db_session, admin):
    with recorded_statements(app) as few:
        assert client.get("/admin/users").status_code == 200
    for n in range(12):
        gen_company(db_session, gen_user(db_session, role="employer"), company_name=f"Firm {n}")
        gen_user(db_session)
    with recorded_statements(app) as many:
        response = client.get("/admin/users")
    assert "Showing 1–25 of 25 users" in page_text(response)
    assert page_text(response).count("Firm ") == 12
    assert len(many) == len(few) <= 3, many
    # Besides the login's statement (which reads the viewer's own membership), one reads companies.
    assert sum("company_company" in statement and "users_loginsession" not in statement for statement in many) == 1


# --- the details page ---------------------------------------------------------------------


def test_details_page_shows_account_company_last_login_and_events(client, db_session, admin):
    employer = gen_user(db_session, role="employer", first_name="Erin", last_name="Boss", email="erin@firm.example",
                        enable_2fa=True, is_verified=False)
    gen_company(db_session, employer, company_name="Boss Industries")
    logged_in_at = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    db_session.add(LoginSession(user_id=employer.id, token_hash="a" * 64, created_at=logged_in_at))
    gen_audit_event(db_session, "user.password_changed", actor=employer, target=employer, details={"via": "account"})

    response = client.get(f"/admin/users/{employer.id}")
    text_ = page_text(response)
    assert response.status_code == 200
    for expected in ["First name Erin", "Last name Boss", "Email erin@firm.example", "Role Employer",
                     "Email verified Not verified", "Account Active", "Two-factor On", "Company Boss Industries",
                     "Last login 2026-03-04 05:06 UTC", "user.password_changed", '{"via": "account"}']:
        assert expected in text_
    assert f'href="/admin/audit?target={employer.id}"' in response.get_data(as_text=True)


def test_details_of_a_user_who_never_logged_in(client, db_session, admin):
    response = client.get(f"/admin/users/{gen_user(db_session).id}")
    assert "Last login Never" in page_text(response)
    assert "No events yet" in page_text(response)


def test_unknown_user_is_404_everywhere(client, db_session, admin):
    missing = db_session.scalar(select(func.coalesce(func.max(User.id), 0))) + 1000
    for path in ["", "/role?role=admin", "/deactivate", "/reactivate", "/verify"]:
        assert client.get(f"/admin/users/{missing}{path}").status_code == 404
    for path, data in [("/role", {"role": "admin"}), ("/deactivate", {}), ("/verify", {})]:
        assert client.post(f"/admin/users/{missing}{path}", data=data).status_code == 404
    assert client.get("/admin/users/not-a-number").status_code == 404


# --- changing the role --------------------------------------------------------------------


def test_role_change_asks_for_confirmation_first(client, db_session, admin):
    candidate = gen_user(db_session, first_name="Cara", last_name="Doe")
    response = client.get(f"/admin/users/{candidate.id}/role?role=employer")
    text_ = page_text(response)
    assert response.status_code == 200
    assert "Change Cara Doe’s role to Employer?" in text_
    assert "They have no company yet" in text_
    body = response.get_data(as_text=True)
    assert f'action="/admin/users/{candidate.id}/role"' in body and 'name="role" value="employer"' in body
    db_session.refresh(candidate)
    assert candidate.role == "user"  # looking at the confirmation changes nothing
    assert audit_actions(db_session, candidate) == []


def test_confirming_a_role_change_saves_it_with_an_audit_event(client, db_session, admin):
    candidate = gen_user(db_session, first_name="Cara", last_name="Doe")
    response = client.post(f"/admin/users/{candidate.id}/role", data={"role": "admin"}, follow_redirects=True)
    assert response.request.path == f"/admin/users/{candidate.id}"
    assert "Cara Doe is now an admin (was a candidate)." in page_text(response)
    db_session.refresh(candidate)
    assert candidate.role == "admin" and candidate.is_staff is True
    event_ = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "admin.role_changed")).one()
    assert (event_.actor_id, event_.target_type, event_.target_id) == (admin.id, "users_user", str(candidate.id))
    assert event_.details == {"from": "user", "to": "admin"}


def test_employer_turned_candidate_keeps_the_company_and_is_told_so(client, db_session, admin):
    employer = gen_user(db_session, role="employer")
    company = gen_company(db_session, employer, company_name="Kept Corp")
    confirm = page_text(client.get(f"/admin/users/{employer.id}/role?role=user"))
    assert "Their company, Kept Corp, is kept with its jobs and interviews." in confirm

    assert client.post(f"/admin/users/{employer.id}/role", data={"role": "user"}).status_code == 302
    db_session.refresh(employer)
    assert employer.role == "user"
    assert db_session.get(Company, company.id).user_id == employer.id


@pytest.mark.parametrize("role", ["superadmin", "", "ADMIN", "admin\x00", "x" * 5000])
def test_invalid_role_is_rejected_with_a_message_and_nothing_written(client, db_session, admin, role):
    candidate = gen_user(db_session)
    response = client.post(f"/admin/users/{candidate.id}/role", data={"role": role})
    assert response.status_code == 422
    assert "New role must be one of: Candidate, Employer, Admin." in page_text(response)
    assert 'aria-describedby="role-error"' in response.get_data(as_text=True)
    preview = client.get(f"/admin/users/{candidate.id}/role", query_string={"role": role})
    assert preview.status_code == 400
    db_session.refresh(candidate)
    assert candidate.role == "user"
    assert audit_actions(db_session, candidate) == []


def test_missing_role_field_is_rejected(client, db_session, admin):
    candidate = gen_user(db_session)
    response = client.post(f"/admin/users/{candidate.id}/role", data={"is_staff": "1", "company_id": "3"})
    assert response.status_code == 422
    db_session.refresh(candidate)
    assert (candidate.role, candidate.is_staff) == ("user", False)


def test_admin_cannot_demote_themselves(client, db_session, admin):
    gen_user(db_session, role="admin")  # another admin exists: this is about "yourself", not "the last"
    preview = client.get(f"/admin/users/{admin.id}/role?role=user")
    assert "You cannot change your own role. Ask another admin to do it." in page_text(preview)
    assert "Yes, make them" not in page_text(preview)

    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "user"})
    assert response.status_code == 409
    assert "You cannot change your own role. Ask another admin to do it." in page_text(response)
    assert "Nothing was changed." in page_text(response)
    db_session.refresh(admin)
    assert admin.role == "admin"
    assert audit_actions(db_session, admin) == []


def test_setting_the_role_a_user_already_has_is_refused(client, db_session, admin):
    employer = gen_user(db_session, role="employer", first_name="Emma", last_name="Ployer")
    response = client.post(f"/admin/users/{employer.id}/role", data={"role": "employer"})
    assert response.status_code == 409
    assert "Emma Ployer is already an employer." in page_text(response)
    assert audit_actions(db_session, employer) == []


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(db_session):
    """The rule itself, for an actor who lost admin rights while their request waited."""
    only_admin = gen_user(db_session, role="admin", first_name="Olga", last_name="Only")
    gen_user(db_session, role="admin", is_active=False)  # a deactivated admin does not count
    former_admin = gen_user(db_session, role="user")
    for attempt in (
        lambda: services.change_role(db_session, former_admin, only_admin.id, "employer"),
        lambda: services.deactivate(db_session, former_admin, only_admin.id),
    ):
        with pytest.raises(services.ActionRefused, match="Olga Only is the last active admin. Make someone else"):
            attempt()
    db_session.refresh(only_admin)
    assert (only_admin.role, only_admin.is_active) == ("admin", True)
    assert audit_actions(db_session, only_admin) == []


def test_a_former_admin_cannot_change_anyone(db_session):
    gen_user(db_session, role="admin")
    former_admin = gen_user(db_session, role="employer")
    target = gen_user(db_session, is_verified=False)
    with pytest.raises(services.ActionRefused, match="You are no longer an active admin"):
        services.mark_verified(db_session, former_admin, target.id)


# --- deactivating, reactivating, verifying -----------------------------------------------


def test_deactivation_confirmation_explains_the_consequences(client, db_session, admin):
    victim = gen_user(db_session, first_name="Vic", last_name="Tim")
    text_ = page_text(client.get(f"/admin/users/{victim.id}/deactivate"))
    assert "Deactivate Vic Tim?" in text_
    assert "They are logged out everywhere at once (0 signed-in sessions)." in text_
    assert "Yes, deactivate" in text_ and "Cancel" in text_


def test_deactivating_logs_the_user_out_at_once_and_is_audited(app, client, db_session, admin):
    victim = gen_user(db_session, first_name="Vic", last_name="Tim")
    victim_browser = app.test_client()
    assert victim_browser.post("/login", data={"email": victim.email, "password": PASSWORD}).status_code == 302
    copied_cookie = victim_browser.get_cookie("session").value
    assert victim_browser.get("/dashboard").status_code == 200

    response = client.post(f"/admin/users/{victim.id}/deactivate", follow_redirects=True)
    assert "Vic Tim is deactivated and was logged out of 1 session." in page_text(response)

    assert victim_browser.get("/dashboard").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied_cookie)
    assert thief.get("/dashboard").status_code == 302
    db_session.refresh(victim)
    assert victim.is_active is False
    assert db_session.scalar(
        select(func.count()).where(LoginSession.user_id == victim.id, LoginSession.revoked_at.is_(None))
    ) == 0
    event_ = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "admin.user_deactivated")).one()
    assert (event_.actor_id, event_.target_id, event_.details) == (admin.id, str(victim.id), {"sessions_revoked": 1})

    # Reactivating lets them log in again, but the old cookie stays dead: its session was revoked.
    assert client.post(f"/admin/users/{victim.id}/reactivate").status_code == 302
    assert thief.get("/dashboard").status_code == 302
    assert audit_actions(db_session, victim) == ["admin.user_deactivated", "admin.user_reactivated"]


def test_admin_cannot_deactivate_themselves(client, db_session, admin):
    gen_user(db_session, role="admin")
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 409
    assert "You cannot deactivate your own account. Ask another admin to do it." in page_text(response)
    db_session.refresh(admin)
    assert admin.is_active is True
    assert audit_actions(db_session, admin) == []
    assert client.get("/admin/users").status_code == 200  # still logged in


def test_reactivating_lets_the_user_log_in_again(app, client, db_session, admin):
    sleeper = gen_user(db_session, is_active=False, first_name="Rip", last_name="Winkle")
    text_ = page_text(client.get(f"/admin/users/{sleeper.id}/reactivate"))
    assert "Reactivate Rip Winkle?" in text_
    response = client.post(f"/admin/users/{sleeper.id}/reactivate", follow_redirects=True)
    assert "Rip Winkle is active again and can log in." in page_text(response)
    assert app.test_client().post("/login", data={"email": sleeper.email, "password": PASSWORD}).status_code == 302
    assert audit_actions(db_session, sleeper) == ["admin.user_reactivated"]
    assert client.post(f"/admin/users/{sleeper.id}/reactivate").status_code == 409  # already active


def test_marking_verified_is_saved_and_audited_once(client, db_session, admin):
    person = gen_user(db_session, is_verified=False, first_name="Vera", last_name="Fied")
    assert "Mark Vera Fied’s email as verified?" in page_text(client.get(f"/admin/users/{person.id}/verify"))
    response = client.post(f"/admin/users/{person.id}/verify", follow_redirects=True)
    assert "Vera Fied's email address is marked as verified." in page_text(response)
    db_session.refresh(person)
    assert person.is_verified is True
    again = client.post(f"/admin/users/{person.id}/verify")
    assert again.status_code == 409 and "already verified" in page_text(again)
    assert audit_actions(db_session, person) == ["admin.user_verified"]


def test_changes_need_a_csrf_token(app, db_session):
    csrf_app = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "WTF_CSRF_ENABLED": True})
    csrf_app.extensions["db_bind"] = app.extensions["db_bind"]  # inside this test's transaction
    admin = gen_user(db_session, role="admin")
    target = gen_user(db_session, first_name="Tess", last_name="Target")
    browser = csrf_app.test_client()

    def token(path: str) -> str:
        body = browser.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1)

    credentials = {"email": admin.email, "password": PASSWORD, "csrf_token": token("/login")}
    assert browser.post("/login", data=credentials).status_code == 302
    forged = browser.post(f"/admin/users/{target.id}/deactivate")
    assert forged.status_code == 400
    assert "The form expired." in page_text(forged)
    db_session.refresh(target)
    assert target.is_active is True

    confirm_page = f"/admin/users/{target.id}/deactivate"
    real = browser.post(confirm_page, data={"csrf_token": token(confirm_page)})
    assert real.status_code == 302
    db_session.refresh(target)
    assert target.is_active is False


# --- two admins demoting each other at the same moment -------------------------------------


def test_two_admins_demoting_each_other_at_once_leave_one_admin(scratch_database_url):
    url = scratch_database_url("admin_race")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        first = gen_user(session, role="admin", first_name="First", last_name="Admin")
        second = gen_user(session, role="admin", first_name="Second", last_name="Admin")
        session.commit()
    race_app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    browsers = {}
    for user in (first, second):
        browsers[user.id] = race_app.test_client()
        assert browsers[user.id].post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302

    # Hold the admins' rows so both requests queue on the lock, then let them go together.
    results: dict[int, int] = {}
    with engine.connect() as blocker:
        blocker.execute(text("SELECT id FROM users_user WHERE role = 'admin' FOR UPDATE"))

        def demote(actor_id: int, target_id: int) -> None:
            response = browsers[actor_id].post(f"/admin/users/{target_id}/role", data={"role": "user"})
            results[actor_id] = response.status_code

        threads = [threading.Thread(target=demote, args=(a.id, b.id)) for a, b in ((first, second), (second, first))]
        for thread in threads:
            thread.start()
        waiting = wait_for_lock_waiters(engine, expected=2, timeout=30)
        blocker.rollback()
    for thread in threads:
        thread.join(timeout=20)

    try:
        assert waiting == 2, "both demotions should have been waiting on the admin rows at the same time"
        assert sorted(results.values()) == [302, 409]
        with Session(engine) as session:
            admins = session.scalars(select(User.id).where(User.role == "admin", User.is_active.is_(True))).all()
            changes = session.scalars(select(AuditEvent.details).where(AuditEvent.action == "admin.role_changed")).all()
        assert len(admins) == 1
        assert changes == [{"from": "admin", "to": "user"}]  # the refused one wrote nothing
    finally:
        race_app.extensions["db_engine"].dispose()
        engine.dispose()


# --- counts and plans at platform size ------------------------------------------------------


def test_everyone_and_one_role_are_counted_from_the_role_counters(app, client, db_session, admin):
    for n in range(3):
        gen_user(db_session, role="employer", username=f"counted.emp{n}")
    gen_user(db_session, username="counted.cand")
    with recorded_statements(app) as everyone:
        assert "Showing 1–5 of 5 users" in page_text(client.get("/admin/users"))
    with recorded_statements(app) as employers:
        assert "Showing 1–3 of 3 users" in page_text(client.get("/admin/users?role=employer&sort=-role"))
    for statements in (everyone, employers):
        assert any("dashboard_platformcount" in statement for statement in statements)
        assert not any("count(" in statement and "users_user" in statement for statement in statements)


@pytest.fixture
def limit_of_30(app, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_COUNT_LIMIT", 30)


def test_a_search_above_the_count_limit_reads_n_plus_and_pages_on(client, db_session, admin, limit_of_30):
    for n in range(40):
        gen_user(db_session, username=f"bulk{n:02d}", email=f"bulk{n:02d}@example.test")

    first = client.get("/admin/users?q=bulk&sort=username")
    assert "Showing 1–25 of 30+ users" in page_text(first)
    assert "Page 1 " in page_text(first) and "Page 1 of" not in page_text(first)
    assert 'href="/admin/users?q=bulk&amp;sort=username&amp;page=2"' in first.get_data(as_text=True)

    second = client.get("/admin/users?q=bulk&sort=username&page=2")
    assert listed_usernames(second) == [f"bulk{n}" for n in range(25, 40)]
    assert "Showing 26–40 of 30+ users" in page_text(second)
    assert 'rel="next"' not in second.get_data(as_text=True)  # the last rows: no next page

    beyond = client.get("/admin/users?q=bulk&sort=username&page=9")
    assert beyond.status_code == 200 and listed_usernames(beyond) == []
    assert "This page is past the end of the list" in page_text(beyond)
    assert 'href="/admin/users?q=bulk&amp;sort=username"' in beyond.get_data(as_text=True)


def test_search_finds_a_first_or_last_name_alone(client, db_session, admin):
    gen_user(db_session, username="only.last", first_name=None, last_name="Lovelace")
    gen_user(db_session, username="only.first", first_name="Hedy", last_name=None)
    gen_user(db_session, username="no.name", first_name=None, last_name=None, email="plain@example.test")

    assert listed_usernames(client.get("/admin/users?q=lovel")) == ["only.last"]
    assert listed_usernames(client.get("/admin/users?q=HEDY")) == ["only.first"]
    assert listed_usernames(client.get("/admin/users?q=plain@")) == ["no.name"]


def test_descending_sorts_keep_blank_values_last(client, db_session, admin):
    now = datetime.now(UTC)
    gen_user(db_session, username="dated", created_at=now - timedelta(days=1))
    gen_user(db_session, username="undated", created_at=None)
    db_session.flush()
    db_session.execute(text("UPDATE users_user SET created_at = NULL WHERE username = 'undated'"))
    admin.created_at = now - timedelta(days=5)
    db_session.flush()

    assert listed_usernames(client.get("/admin/users")) == ["dated", "ada.admin", "undated"]
    assert listed_usernames(client.get("/admin/users?sort=created_at")) == ["ada.admin", "dated", "undated"]


@pytest.fixture(scope="module")
def bench_admin(bench_database_url):
    from webapp.benchdata import LOGINS

    bench_app = create_app({"DATABASE_URL": bench_database_url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    client = bench_app.test_client()
    assert client.post("/login", data={"email": LOGINS["admin"], "password": "jobhive-demo-pass"}).status_code == 302
    yield bench_app, client
    bench_app.extensions["db_engine"].dispose()


def _users_list_plans(bench_app, client, query: str) -> list[str]:
    """EXPLAIN of each users_user statement the list sends, with sequential scans and sorts off.

    The small bench database fits in a few pages, where a scan and a sort would be cheapest;
    with them off, the plan shows whether an index serves the filter and the order at all.
    """
    from sqlalchemy import event

    sent: list[tuple[str, dict]] = []
    engine = bench_app.extensions["db_engine"]
    listener = lambda conn, cursor, statement, parameters, *args: sent.append((statement, parameters))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(f"/admin/users{query}", headers={"HX-Request": "true"}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    plans = []
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        for statement, parameters in sent:
            if "users_user" in statement and "users_loginsession" not in statement:
                cursor.execute("EXPLAIN " + statement, parameters)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        connection.rollback()
    return plans


@pytest.mark.parametrize(
    "query, index",
    [
        ("", "idx_users_user_created_order"),
        ("?role=employer", "idx_users_user_role_created"),
        ("?status=inactive", "idx_users_user_inactive_created"),
        ("?verified=no", "idx_users_user_unverified_created"),
        ("?sort=-role", "idx_users_user_role_order_desc"),
        ("?sort=role&page=2", "idx_users_user_role_order"),
        ("?sort=email", "idx_users_user_email|users_user_email_key"),
        ("?sort=-username", "idx_users_user_username|users_user_username_key"),
    ],
)
def test_each_view_of_the_list_walks_an_index_in_its_order(bench_admin, query, index):
    plans = _users_list_plans(*bench_admin, query)
    page = plans[-1]
    assert re.search(rf"Index Scan (Backward )?using ({index}) on users_user", page), page
    # The page stops after its rows: what feeds its Limit is the index walk (or an incremental sort
    # of ties on it), never a Sort of every matching user. The 26 rows are sorted again after the join.
    nodes = [line.strip().removeprefix("->  ") for line in page.splitlines() if "cost=" in line]
    fed = nodes[next(i for i, node in enumerate(nodes) if node.startswith("Limit")) + 1]
    assert not fed.startswith("Sort"), page


def test_a_search_is_three_trigram_lookups(bench_admin):
    (page,) = _users_list_plans(*bench_admin, "?q=zzqxj")  # the count comes with the rows
    for index in ("idx_users_user_username_trgm", "idx_users_user_email_trgm", "idx_users_user_name_trgm"):
        assert index in page, page


@pytest.mark.parametrize("query", ["", "?q=ada", "?role=admin&sort=-role", "?verified=no&sort=-email"])
def test_a_page_of_the_list_is_one_statement_after_the_login(app, client, db_session, admin, query):
    with recorded_statements(app) as statements:
        assert client.get(f"/admin/users{query}").status_code == 200
    assert len(statements) == 2, statements  # the login session, then the rows with their count


def test_a_search_too_short_for_the_trigram_indexes_counts_a_few_pages_at_most(client, db_session, admin, monkeypatch):
    from webapp.admin import queries

    monkeypatch.setattr(queries, "SHORT_SEARCH_COUNT_LIMIT", 30)
    for n in range(40):
        gen_user(db_session, username=f"bulk{n:02d}", email=f"bulk{n:02d}@example.test")

    assert "Showing 1–25 of 30+ users" in page_text(client.get("/admin/users?q=ul"))
    assert "Showing 1–25 of 40 users" in page_text(client.get("/admin/users?q=bulk"))  # three letters: counted
