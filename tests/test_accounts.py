"""Signing up, verifying the email address, the unverified banner and require_verified."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import TEST_DATABASE_URL
from tests.factories import PASSWORD, backdated_token, gen_company, gen_user, mail_link
from webapp import create_app
from webapp.accounts import services
from webapp.models import AuditEvent, Company, OutboxMessage, User

NEW_PASSWORD = "a long enough new password"


def signup(**overrides) -> dict:
    data = {
        "account_type": "candidate",
        "username": "ada.lovelace",
        "email": "Ada@Example.test",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    return data | overrides


def user_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(User))


def outbox_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(OutboxMessage))


# --- registration ------------------------------------------------------------------


def test_register_page_offers_both_account_types_and_states_the_password_rule(client):
    response = client.get("/register")
    assert response.status_code == 200
    assert b"I&#39;m hiring" in response.data
    assert b"I&#39;m looking for a job" in response.data
    assert b"Use 12 to 128 characters" in response.data


def test_candidate_signup_mails_a_link_and_says_to_check_the_email(client, db_session):
    response = client.post("/register", data=signup(), follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/register/check-email"
    assert b"We sent a message to <strong>ada@example.test</strong>." in response.data
    assert client.get("/dashboard").status_code == 302  # logged in only after logging in

    user = db_session.scalar(select(User).where(User.username == "ada.lovelace"))
    assert (user.email, user.role, user.is_verified, user.is_staff) == ("ada@example.test", "user", False, False)
    assert user.password != NEW_PASSWORD
    assert db_session.scalar(select(Company).where(Company.user_id == user.id)) is None
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert actions == ["user.registered"]
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "ada@example.test"))
    assert mail.subject == services.VERIFY_SUBJECT
    assert "/verify/" in mail.body_text


def test_employer_signup_creates_the_company(client, db_session):
    response = client.post("/register", data=signup(account_type="employer", company_name="  Babbage Engines "))
    assert response.status_code == 303
    user = db_session.scalar(select(User).where(User.username == "ada.lovelace"))
    assert user.role == "employer"
    company = db_session.scalar(select(Company).where(Company.user_id == user.id))
    assert company.company_name == "Babbage Engines"
    assert company.contact_email == "ada@example.test"


def test_company_name_is_ignored_for_candidates(client, db_session):
    client.post("/register", data=signup(company_name="Not a company"))
    user = db_session.scalar(select(User).where(User.username == "ada.lovelace"))
    assert db_session.scalar(select(Company).where(Company.user_id == user.id)) is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"account_type": ""}, "Choose whether you are hiring or looking for a job."),
        ({"account_type": "admin"}, "Choose whether you are hiring or looking for a job."),
        ({"account_type": "employer", "company_name": "  "}, "Enter your company&#39;s name."),
        ({"account_type": "employer", "company_name": "C" * 256}, "Field cannot be longer than 255 characters."),
        ({"username": ""}, "Choose a username."),
        ({"username": "ab"}, "Your username must be 3 to 150 characters long."),
        ({"username": "a" * 151}, "Your username must be 3 to 150 characters long."),
        ({"username": "ada lovelace"}, "Use only letters, digits, dots, underscores or hyphens."),
        ({"username": "adä"}, "Use only letters, digits, dots, underscores or hyphens."),
        ({"username": "ada<b>"}, "Use only letters, digits, dots, underscores or hyphens."),
        ({"email": ""}, "Enter your email address."),
        ({"email": "not-an-email"}, "Enter a valid email address, like name@example.com."),
        ({"email": "ada@"}, "Enter a valid email address, like name@example.com."),
        ({"email": "a" * 250 + "@x.test"}, "Field cannot be longer than 254 characters."),
        ({"email": "ada\x00@example.test"}, "Remove the control characters"),
        ({"first_name": ""}, "Enter your first name."),
        ({"first_name": "   "}, "Enter your first name."),
        ({"first_name": "A" * 151}, "Field cannot be longer than 150 characters."),
        ({"first_name": "Ada\x00"}, "Remove the control characters"),
        ({"last_name": ""}, "Enter your last name."),
        ({"password": "short", "confirm": "short"}, "Your password must be 12 to 128 characters long."),
        ({"password": "x" * 129, "confirm": "x" * 129}, "Your password must be 12 to 128 characters long."),
        ({"password": " " * 14, "confirm": " " * 14}, "Your password cannot be only spaces."),
        ({"password": "abc\x00defghijklm", "confirm": "abc\x00defghijklm"}, "cannot contain control characters"),
        ({"confirm": "something else entirely"}, "The two passwords do not match."),
        ({"confirm": ""}, "Type the password again."),
    ],
)
def test_every_bad_field_gets_a_message_and_writes_nothing(client, db_session, overrides, message):
    users, mails = user_count(db_session), outbox_count(db_session)
    response = client.post("/register", data=signup(**overrides))
    assert response.status_code == 422
    assert message.encode() in response.data
    assert b'role="alert"' in response.data and b'aria-invalid="true"' in response.data
    assert (user_count(db_session), outbox_count(db_session)) == (users, mails)
    assert client.get("/dashboard").status_code == 302  # not logged in


def test_special_use_test_domain_is_refused_in_production(db_session):
    production = create_app({"DATABASE_URL": TEST_DATABASE_URL, "ENV_NAME": "production", "WTF_CSRF_ENABLED": False})
    production.extensions["db_bind"] = db_session.get_bind()
    try:
        response = production.test_client().post("/register", data=signup(email="ada@example.test"))
        assert response.status_code == 422
        assert b"Enter a valid email address" in response.data
    finally:
        production.extensions["db_engine"].dispose()


def test_email_already_registered_in_another_case_creates_nothing_and_mails_the_owner(client, db_session):
    owner = gen_user(db_session, email="ada@example.test")
    response = client.post("/register", data=signup(email="ADA@example.TEST"))
    assert response.status_code == 303 and response.headers["Location"] == "/register/check-email"
    assert db_session.scalar(select(User).where(User.username == "ada.lovelace")) is None
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == owner.email))
    assert mail.subject == services.SIGNUP_TAKEN_SUBJECT
    assert "/login" in mail.body_text and "/password/forgot" in mail.body_text


def test_username_taken_in_another_case_is_a_field_error(client, db_session):
    gen_user(db_session, username="Ada.Lovelace")
    users = user_count(db_session)
    response = client.post("/register", data=signup(username="ada.LOVELACE"))
    assert response.status_code == 422
    assert b"This username is taken. Please choose another." in response.data
    assert user_count(db_session) == users
    assert db_session.scalar(select(User).where(User.email == "ada@example.test")) is None


def test_extra_posted_fields_change_nothing(client, db_session):
    other_company = gen_company(db_session)
    owner_id = other_company.user_id
    data = signup(role="admin", is_staff="y", is_verified="y", company_id=str(other_company.id), is_active="n", id="1")
    assert client.post("/register", data=data).status_code == 303
    user = db_session.scalar(select(User).where(User.username == "ada.lovelace"))
    assert (user.role, user.is_staff, user.is_verified, user.is_active) == ("user", False, False, True)
    db_session.refresh(other_company)
    assert other_company.user_id == owner_id
    assert db_session.scalar(select(Company).where(Company.user_id == user.id)) is None


def test_logged_in_users_are_sent_to_the_dashboard(client, auth, db_session):
    user = gen_user(db_session)
    auth.login(user.email, PASSWORD)
    response = client.get("/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


# --- email verification ------------------------------------------------------------


def test_the_mailed_link_verifies_the_address(client, auth, db_session):
    client.post("/register", data=signup())
    response = client.get(mail_link(db_session, "ada@example.test"), follow_redirects=True)
    assert response.request.path == "/login"
    assert b"Thank you: ada@example.test is verified." in response.data
    auth.login("ada@example.test", NEW_PASSWORD)
    assert b"Please verify your email address." not in client.get("/dashboard").data
    user = db_session.scalar(select(User).where(User.username == "ada.lovelace"))
    db_session.refresh(user)
    assert user.is_verified is True
    assert db_session.scalar(select(AuditEvent.action).where(AuditEvent.action == "user.email_verified")) is not None


def test_a_verification_link_works_once(client, db_session):
    client.post("/register", data=signup())
    link = mail_link(db_session, "ada@example.test")
    assert client.get(link).status_code == 302
    response = client.get(link)
    assert response.status_code == 400
    assert b"This verification link has already been used or is out of date." in response.data


def test_verification_works_logged_out_and_sends_to_login(app, client, db_session):
    client.post("/register", data=signup())
    link = mail_link(db_session, "ada@example.test")
    response = app.test_client().get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


def test_a_tampered_verification_link_is_refused(client, db_session):
    client.post("/register", data=signup())
    link = mail_link(db_session, "ada@example.test")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 400
    assert b"This verification link is not valid." in response.data
    assert db_session.scalar(select(User.is_verified).where(User.username == "ada.lovelace")) is False


def test_an_expired_verification_link_is_refused(app, client, db_session):
    client.post("/register", data=signup())
    token = mail_link(db_session, "ada@example.test").rsplit("/", 1)[1]
    old = backdated_token(app.config["SECRET_KEY"], token, services.VERIFY_SALT, timedelta(hours=49))
    response = client.get(f"/verify/{old}")
    assert response.status_code == 400
    assert b"This verification link has expired." in response.data
    # Within 48 hours the same payload still works.
    fresh_enough = backdated_token(app.config["SECRET_KEY"], token, services.VERIFY_SALT, timedelta(hours=47))
    assert client.get(f"/verify/{fresh_enough}").status_code == 302


def test_a_link_for_an_old_email_address_is_refused(client, db_session):
    client.post("/register", data=signup())
    link = mail_link(db_session, "ada@example.test")
    db_session.execute(update(User).where(User.username == "ada.lovelace").values(email="countess@example.test"))
    response = client.get(link)
    assert response.status_code == 400
    assert b"already been used or is out of date" in response.data


def test_a_password_reset_token_is_not_a_verification_token(app, client, db_session):
    user = gen_user(db_session, is_verified=False)
    client.post("/password/forgot", data={"email": user.email})
    reset_token = mail_link(db_session, user.email).rsplit("/", 1)[1]
    response = client.get(f"/verify/{reset_token}")
    assert response.status_code == 400
    assert b"not valid" in response.data


def test_resend_is_limited_to_one_mail_every_few_minutes(client, auth, db_session):
    user = gen_user(db_session, is_verified=False)
    auth.login(user.email, PASSWORD)

    response = client.post("/account/verify/resend", headers={"Referer": "http://localhost/account"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/account"
    page = client.get("/account")
    assert f"We sent a new verification link to {user.email}.".encode() in page.data

    client.post("/account/verify/resend")
    page = client.get("/dashboard")
    assert b"ask again in 5 minutes" in page.data
    mails = db_session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == user.email)).all()
    assert len(mails) == 1

    # Once the window has passed, another link goes out.
    db_session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == mails[0].id)
        .values(created_at=func.now() - timedelta(minutes=6))
    )
    client.post("/account/verify/resend")
    assert db_session.scalar(select(func.count()).where(OutboxMessage.to_address == user.email)) == 2


def test_resend_from_the_banner_with_htmx_swaps_the_banner(client, auth, db_session):
    user = gen_user(db_session, is_verified=False)
    auth.login(user.email, PASSWORD)
    response = client.post("/account/verify/resend", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.data
    assert b'id="verify-banner"' in response.data
    assert f"We sent a new verification link to {user.email}.".encode() in response.data


def test_resend_for_a_verified_user_sends_nothing(client, auth, db_session):
    user = gen_user(db_session, is_verified=True)
    auth.login(user.email, PASSWORD)
    client.post("/account/verify/resend")
    assert db_session.scalar(select(func.count()).where(OutboxMessage.to_address == user.email)) == 0
    assert b"Your email address is already verified." in client.get("/dashboard").data


def test_resend_needs_login(client):
    response = client.post("/account/verify/resend")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- the banner and require_verified -----------------------------------------------


@pytest.mark.parametrize(
    ("role", "says"), [("employer", b"you cannot post jobs"), ("user", b"you cannot start practice interviews")]
)
def test_unverified_users_see_what_they_cannot_do_yet(client, auth, db_session, role, says):
    user = gen_user(db_session, role=role, is_verified=False)
    auth.login(user.email, PASSWORD)
    page = client.get("/dashboard")
    assert b"Please verify your email address." in page.data
    assert says in page.data
    assert b"Send the link again" in page.data


def test_verified_users_and_visitors_see_no_banner(client, auth, db_session):
    assert b"Please verify your email address." not in client.get("/login").data
    user = gen_user(db_session, is_verified=True)
    auth.login(user.email, PASSWORD)
    assert b"Please verify your email address." not in client.get("/dashboard").data


@pytest.fixture
def verified_only_app(db_session):
    """An app with one extra route behind require_verified, sharing the test's transaction."""
    from webapp.auth.access import require_verified

    guarded = create_app({"DATABASE_URL": TEST_DATABASE_URL, "TESTING": True, "WTF_CSRF_ENABLED": False})

    @guarded.route("/_verified-only", methods=["GET", "POST"])
    @require_verified
    def verified_only():
        return "secret work"

    guarded.extensions["db_bind"] = db_session.get_bind()
    yield guarded
    guarded.extensions["db_engine"].dispose()


def test_require_verified_turns_unverified_users_back_with_a_message(verified_only_app, db_session):
    client = verified_only_app.test_client()
    user = gen_user(db_session, is_verified=False)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.post("/_verified-only")
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard"
    assert b"Verify your email address first" in client.get("/dashboard").data
    htmx = client.get("/_verified-only", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/dashboard"
    assert b"secret work" not in htmx.data


def test_require_verified_lets_verified_users_in_and_sends_visitors_to_login(verified_only_app, db_session):
    client = verified_only_app.test_client()
    assert client.get("/_verified-only").headers["Location"].startswith("/login")
    user = gen_user(db_session, is_verified=True)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/_verified-only").data == b"secret work"
