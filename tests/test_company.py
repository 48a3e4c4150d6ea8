"""The company profile: what an employer can edit, what is refused, and who can reach it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tests.factories import PASSWORD, gen_company, gen_user
from webapp.models import AuditEvent, Company

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
HTMX = {"HX-Request": "true", "HX-Target": "company-profile"}

VALID = {
    "company_name": "Northwind Traders",
    "contact_email": "talent@northwind.example.com",
    "phone_number": "+44 (20) 7946-0958",
    "address": "1 Market Street, London",
    "industry": "Logistics",
    "website": "https://northwind.example.com",
    "description": "We move things.\nQuickly.",
    "is_recruiting_agency": "y",
    "team_member_count": "42",
}


def row(db_session, company_id: int) -> dict:
    """The stored row, read with SQL so no ORM cache can hide a write."""
    return dict(db_session.execute(text("SELECT * FROM company_company WHERE id = :id"), {"id": company_id}).mappings().one())


def audit_count(db_session, action: str) -> int:
    return db_session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


@pytest.fixture
def company(db_session, auth):
    """A logged-in employer's company, last saved long ago."""
    owner = gen_user(db_session, role="employer")
    company = gen_company(db_session, owner, updated_at=LONG_AGO, company_name="Acme Testing")
    assert auth.login(owner.email, PASSWORD).status_code == 302
    return company


# --- seeing and saving -------------------------------------------------------------------


def test_profile_page_shows_the_stored_values(client, company):
    response = client.get("/company")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h1 id="company-title">Acme Testing</h1>' in page
    assert 'value="Acme Testing"' in page
    assert 'value="Software"' in page  # industry from the factory
    assert '<datalist id="industry-options">' in page and '<option value="Robotics">' in page
    assert "Interview timing" in page and "Logo" in page


def test_saving_the_profile_writes_every_field_bumps_updated_at_and_audits(client, db_session, company):
    response = client.post("/company", data=VALID)
    assert response.status_code == 302
    assert response.headers["Location"] == "/company#company-profile"
    stored = row(db_session, company.id)
    assert stored["company_name"] == "Northwind Traders"
    assert stored["contact_email"] == "talent@northwind.example.com"
    assert stored["phone_number"] == "+44 (20) 7946-0958"
    assert stored["address"] == "1 Market Street, London"
    assert stored["industry"] == "Logistics"
    assert stored["website"] == "https://northwind.example.com"
    assert stored["description"] == "We move things.\nQuickly."
    assert stored["is_recruiting_agency"] is True
    assert stored["team_member_count"] == 42
    assert stored["updated_at"] > LONG_AGO
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "company.updated")).one()
    assert event.target_type == "company_company" and event.target_id == str(company.id)
    assert "company_name" in event.details["fields"] and "industry" in event.details["fields"]
    page = client.get("/company").get_data(as_text=True)
    assert "Company profile saved." in page and "Northwind Traders" in page


def test_saving_unchanged_values_still_counts_as_a_save(client, db_session, company):
    client.post("/company", data={"company_name": "Acme Testing", "industry": "Software"})
    assert row(db_session, company.id)["updated_at"] > LONG_AGO


def test_htmx_save_re_renders_the_form_in_place_with_a_success_message(client, db_session, company):
    response = client.post("/company", data=VALID, headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card" id="company-profile"')
    assert "<html" not in body
    assert "Company profile saved." in body
    # The page heading follows the new name (out-of-band swap).
    assert '<h1 id="company-title" hx-swap-oob="true">Northwind Traders</h1>' in body
    assert "HX-Request" in response.headers["Vary"]
    assert row(db_session, company.id)["company_name"] == "Northwind Traders"


def test_empty_optional_fields_are_stored_as_null_and_zero(client, db_session, company):
    data = {"company_name": "  Spaced Out  ", "contact_email": " ", "website": "", "team_member_count": ""}
    assert client.post("/company", data=data).status_code == 302
    stored = row(db_session, company.id)
    assert stored["company_name"] == "Spaced Out"
    assert stored["contact_email"] is None and stored["website"] is None and stored["industry"] is None
    assert stored["is_recruiting_agency"] is False
    assert stored["team_member_count"] == 0


def test_website_without_scheme_gets_https_and_test_domains_are_accepted(client, db_session, company):
    data = {"company_name": "Acme", "website": "acme.example.com", "contact_email": "hr@jobhive.test"}
    assert client.post("/company", data=data).status_code == 302
    stored = row(db_session, company.id)
    assert stored["website"] == "https://acme.example.com"
    assert stored["contact_email"] == "hr@jobhive.test"


def test_unicode_is_kept_and_shown_escaped(client, db_session, company):
    name = "Ünïcødé 株式会社 🚀 <b>&"
    assert client.post("/company", data=VALID | {"company_name": name}).status_code == 302
    assert row(db_session, company.id)["company_name"] == name
    page = client.get("/company").get_data(as_text=True)
    assert "Ünïcødé 株式会社 🚀 &lt;b&gt;&amp;" in page and "<b>&" not in page


# --- refused input -------------------------------------------------------------------------

INVALID = [
    ("company_name", "", "Enter your company&#39;s name."),
    ("company_name", "   ", "Enter your company&#39;s name."),
    ("company_name", "x" * 256, "Field cannot be longer than 255 characters."),
    ("company_name", "Acme\x00Corp", "Use a single line of ordinary text"),
    ("contact_email", "not-an-email", "Enter a valid email address"),
    ("contact_email", "a@b", "Enter a valid email address"),
    ("contact_email", "a@" + "b" * 250 + ".com", "Field cannot be longer than 254 characters."),
    ("phone_number", "call 555-1234", "Use digits, spaces and + - ( ) only"),
    ("phone_number", "+1 (555) 123-4567-8901", "Field cannot be longer than 20 characters."),
    ("phone_number", "12", "A phone number needs at least 5 digits."),
    ("phone_number", "١٢٣٤٥٦", "Use digits, spaces and + - ( ) only"),  # non-ASCII digits
    ("address", "y" * 256, "Field cannot be longer than 255 characters."),
    ("address", "line one\nline two", "Use a single line of ordinary text"),
    ("industry", "z" * 101, "Field cannot be longer than 100 characters."),
    ("website", "ftp://files.example.com", "Enter a web address starting with http:// or https://"),
    ("website", "javascript:alert(1)", "Enter a web address starting with http:// or https://"),
    ("website", "https://exa mple.com", "Enter a web address starting with http:// or https://"),
    ("website", "https://localhost", "The address needs a full domain name"),
    ("website", "https://" + "a" * 200 + ".com", "Field cannot be longer than 200 characters."),
    ("website", "http://[::1", "Enter a web address starting with http:// or https://"),
    ("description", "d" * 5001, "Field cannot be longer than 5000 characters."),
    ("description", "fine\x00not fine", "Remove the invisible control characters"),
    ("team_member_count", "-1", "Enter a number from 0 to 100,000."),
    ("team_member_count", "100001", "Enter a number from 0 to 100,000."),
    ("team_member_count", "lots", "Enter a whole number, such as 25."),
    ("team_member_count", "1.5", "Enter a whole number, such as 25."),
    ("team_member_count", "9" * 5000, "Enter a whole number, such as 25."),
]


@pytest.mark.parametrize(("field", "value", "message"), INVALID, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(INVALID)])
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_invalid_field_gets_a_message_next_to_it_422_and_nothing_written(
    client, db_session, company, field, value, message, htmx
):
    before = row(db_session, company.id)
    response = client.post("/company", data=VALID | {field: value}, headers=HTMX if htmx else {})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = body.split(f'id="{field}-error">', 1)
    assert len(error) == 2, f"no error paragraph for {field}"
    assert message in error[1].split("</p>", 1)[0]
    assert f'aria-describedby="{field}-help {field}-error"' in body or f'aria-describedby="{field}-error"' in body
    assert 'role="alert"' in body and "Nothing was saved" in body
    assert ("<html" in body) is not htmx
    assert row(db_session, company.id) == before
    assert audit_count(db_session, "company.updated") == 0


def tag(body: str, element_id: str) -> str:
    return re.search(rf'<(?:input|textarea)[^>]*\bid="{element_id}"[^>]*>', body).group(0)


def test_the_first_wrong_field_gets_the_focus(client, company):
    body = client.post("/company", data=VALID | {"phone_number": "x", "website": "ftp://x.y"}).get_data(as_text=True)
    assert "autofocus" in tag(body, "phone_number")
    assert 'aria-invalid="true"' in tag(body, "website")
    assert "autofocus" not in tag(body, "website")
    assert "autofocus" not in tag(body, "company_name")


def test_posted_ids_owner_and_timestamps_are_ignored(client, db_session, company):
    other = gen_user(db_session, role="employer")
    before = row(db_session, company.id)
    extra = {"id": "999999", "user_id": str(other.id), "created_at": "1999-01-01T00:00:00Z", "updated_at": "1999-01-01",
             "company_logo": "../../etc/passwd", "custom_interview_timing": "y", "interview_duration_minutes": "200"}
    assert client.post("/company", data=VALID | extra).status_code == 302
    after = row(db_session, company.id)
    for column in ("id", "user_id", "created_at", "company_logo", "custom_interview_timing", "interview_duration_minutes"):
        assert after[column] == before[column], column
    assert after["updated_at"] > LONG_AGO
    assert db_session.scalar(select(func.count()).select_from(Company).where(Company.user_id == other.id)) == 0


# --- who can reach it --------------------------------------------------------------------


def test_each_employer_only_ever_sees_and_changes_their_own_company(client, auth, db_session, company):
    mine = row(db_session, company.id)
    other_owner = gen_user(db_session, role="employer")
    theirs = gen_company(db_session, other_owner, company_name="Other Corp")
    auth.logout()
    assert auth.login(other_owner.email, PASSWORD).status_code == 302
    page = client.get("/company").get_data(as_text=True)
    assert "Other Corp" in page and "Acme Testing" not in page
    assert client.post("/company", data=VALID | {"id": str(company.id)}).status_code == 302
    assert row(db_session, theirs.id)["company_name"] == "Northwind Traders"
    assert row(db_session, company.id) == mine


COMPANY_ROUTES = [
    ("GET", "/company"),
    ("POST", "/company"),
    ("POST", "/company/create"),
    ("GET", "/company/logo"),
    ("POST", "/company/logo"),
    ("POST", "/company/logo/remove"),
    ("POST", "/company/timing"),
    ("POST", "/company/timing/preview"),
]


@pytest.mark.parametrize("role", ["user", "admin"])
def test_candidates_and_admins_are_refused_everywhere(client, auth, db_session, role):
    victim = gen_company(db_session, company_name="Untouched")
    before = row(db_session, victim.id)
    user = gen_user(db_session, role=role)
    assert auth.login(user.email, PASSWORD).status_code == 302
    companies = db_session.scalar(select(func.count()).select_from(Company))
    for method, url in COMPANY_ROUTES:
        response = client.open(url, method=method, data=VALID)
        assert response.status_code == 403, (method, url)
        assert "Not allowed" in response.get_data(as_text=True)
    assert row(db_session, victim.id) == before
    assert db_session.scalar(select(func.count()).select_from(Company)) == companies


def test_anonymous_visitors_are_sent_to_log_in(client):
    for method, url in COMPANY_ROUTES:
        response = client.open(url, method=method, data=VALID)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login")


# --- an employer without a company -----------------------------------------------------


@pytest.fixture
def companyless(db_session, auth):
    owner = gen_user(db_session, role="employer")
    assert auth.login(owner.email, PASSWORD).status_code == 302
    return owner


def test_employer_without_a_company_is_offered_to_create_one(client, companyless):
    response = client.get("/company")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your account has no company yet" in page
    assert 'action="/company/create"' in page


def test_creating_the_company_links_it_to_the_account_and_audits(client, db_session, companyless):
    response = client.post("/company/create", data={"company_name": " Fresh Start Ltd ", "user_id": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/company"
    company = db_session.scalars(select(Company).where(Company.user_id == companyless.id)).one()
    assert company.company_name == "Fresh Start Ltd"
    assert audit_count(db_session, "company.created") == 1
    page = client.get("/company").get_data(as_text=True)
    assert "Company created." in page and '<h1 id="company-title">Fresh Start Ltd</h1>' in page


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Enter your company&#39;s name."), ("n" * 256, "Field cannot be longer than 255 characters."), ("a\x00b", "Use a single line")],
)
def test_creating_without_a_proper_name_is_refused(client, db_session, companyless, name, message):
    response = client.post("/company/create", data={"company_name": name})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(Company).where(Company.user_id == companyless.id)) == 0


def test_creating_a_second_company_is_not_possible(client, db_session, company):
    response = client.post("/company/create", data={"company_name": "Second"})
    assert response.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Company).where(Company.user_id == company.user_id)) == 1
    assert "Your company already exists" in client.get("/company").get_data(as_text=True)


def test_saving_without_a_company_is_404_and_writes_nothing(client, db_session, companyless):
    companies = db_session.scalar(select(func.count()).select_from(Company))
    for url in ("/company", "/company/timing", "/company/logo", "/company/logo/remove"):
        assert client.post(url, data=VALID).status_code == 404, url
    assert client.get("/company/logo").status_code == 404
    assert db_session.scalar(select(func.count()).select_from(Company)) == companies


# --- whatever is typed, never a server error --------------------------------------------

ANY_TEXT = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=200, max_size=6000),
    st.sampled_from(["", " ", "\x00", "https://", "@", "0", "-1", "1e9", "९९", "http://[", "a@b.c", "+()-"]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.dictionaries(st.sampled_from(sorted(VALID) + ["id", "user_id", "created_at"]), ANY_TEXT))
def test_profile_form_never_fails_with_a_server_error(client, db_session, company, data):
    before = row(db_session, company.id)
    response = client.post("/company", data=data)
    assert response.status_code in (302, 422)
    after = row(db_session, company.id)
    if response.status_code == 422:
        assert after == before
    else:
        assert after["id"] == before["id"] and after["user_id"] == before["user_id"]
        assert after["created_at"] == before["created_at"]


# --- CSRF ----------------------------------------------------------------------------------


def test_company_forms_carry_a_csrf_token_and_posts_without_one_change_nothing(db_engine, db_session):
    from tests.conftest import TEST_DATABASE_URL
    from webapp import create_app

    csrf_app = create_app({"DATABASE_URL": TEST_DATABASE_URL, "TESTING": True, "WTF_CSRF_ENABLED": True})
    csrf_app.extensions["db_bind"] = db_session.connection()
    owner = gen_user(db_session, role="employer")
    company = gen_company(db_session, owner, updated_at=LONG_AGO)
    client = csrf_app.test_client()

    def token(page: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"email": owner.email, "password": PASSWORD, "csrf_token": token(login_page)})
    page = client.get("/company").get_data(as_text=True)
    forms = re.findall(r'<form[^>]*method="post".*?</form>', page, re.S)
    assert len(forms) == 4  # log out, profile, logo upload, timing (no logo to remove yet)
    assert all('name="csrf_token"' in form for form in forms)
    before = row(db_session, company.id)
    assert client.post("/company", data=VALID).status_code == 400
    assert client.post("/company/timing", data={"custom_interview_timing": ""}).status_code == 400
    stale = client.post("/company/timing/preview", data={}, headers={"HX-Request": "true", "X-CSRFToken": "stale"})
    assert stale.headers["HX-Refresh"] == "true"
    assert row(db_session, company.id) == before
    assert client.post("/company", data=VALID | {"csrf_token": token(page)}).status_code == 302
    assert row(db_session, company.id)["company_name"] == "Northwind Traders"
    csrf_app.extensions["db_engine"].dispose()
