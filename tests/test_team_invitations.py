"""The invitation link: every state answers with a clear page, joining is single-use, registering through it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_company, gen_invitation, gen_job, gen_user
from webapp.models import AuditEvent, Company, CompanyMember, JobTeamMember, User

NEW_PASSWORD = "a long enough new password"


def logged_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


@pytest.fixture
def company(db_session):
    owner = gen_user(db_session, role="employer", first_name="Olga", last_name="Owner")
    return gen_company(db_session, owner, company_name="Hive Works")


def role_of(db_session, company, user_id):
    return db_session.scalar(
        select(CompanyMember.role).where(CompanyMember.company_id == company.id, CompanyMember.user_id == user_id)
    )


def registration(**changes):
    return {"first_name": "Nina", "last_name": "New", "username": "nina.new", "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD} | changes


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"expires_at": datetime.now(UTC) - timedelta(minutes=1)}, 410, "This invitation has expired"),
        ({"revoked_at": datetime.now(UTC)}, 410, "This invitation was withdrawn"),
        ({"accepted_at": datetime.now(UTC)}, 410, "This invitation was already accepted"),
    ],
)
def test_closed_invitations_say_why(app, db_session, company, changes, status, message):
    invitation = gen_invitation(db_session, company, **changes)
    for method in ("get", "post"):
        response = getattr(app.test_client(), method)(f"/invitations/{invitation.secret}", data=registration())
        assert response.status_code == status and message in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(User).where(User.username == "nina.new")) == 0


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a" * 300, "%00abc", "abc.def-ghi"])
def test_unknown_links_answer_404(app, db_session, company, token):
    response = app.test_client().get(f"/invitations/{token}")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.get_data(as_text=True)


def test_the_invitee_logged_in_joins_once(app, db_session, company):
    invitee = gen_user(db_session, role="employer", email="joiner@example.test")
    job, gone = gen_job(db_session, company, title="Welder"), gen_job(db_session, gen_company(db_session))
    invitation = gen_invitation(db_session, company, email="Joiner@Example.test", role="hiring_manager",
                                job_ids=[job.id, gone.id])
    browser = logged_in(app, invitee)
    page = browser.get(f"/invitations/{invitation.secret}").get_data(as_text=True)
    assert "Join Hive Works as Hiring manager" in page
    response = browser.post(f"/invitations/{invitation.secret}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard")
    assert role_of(db_session, company, invitee.id) == "hiring_manager"
    assert db_session.scalars(select(JobTeamMember.job_id).where(JobTeamMember.user_id == invitee.id)).all() == [job.id]
    db_session.refresh(invitation)
    assert invitation.accepted_by_id == invitee.id and invitation.accepted_at is not None
    assert "you joined as Hiring manager" in browser.get("/jobs").get_data(as_text=True)
    again = browser.post(f"/invitations/{invitation.secret}")
    assert again.status_code == 410 and "already accepted" in again.get_data(as_text=True)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "member.joined"))
    assert event.company_id == company.id and event.details["member"] == invitee.full_name


def test_someone_else_logged_in_is_told_and_offered_to_log_out(app, db_session, company):
    invitation = gen_invitation(db_session, company, email="meant@example.test")
    stranger = gen_user(db_session, role="employer")
    browser = logged_in(app, stranger)
    page = browser.get(f"/invitations/{invitation.secret}").get_data(as_text=True)
    assert "This invitation is for <strong>meant@example.test</strong>" in page and "Log out" in page
    response = browser.post(f"/invitations/{invitation.secret}")
    assert response.status_code == 403 and "not for the account you are logged in with" in response.get_data(as_text=True)
    assert role_of(db_session, company, stranger.id) is None
    db_session.refresh(invitation)
    assert invitation.accepted_at is None


def test_a_candidate_account_with_the_address_cannot_join(app, db_session, company):
    candidate = gen_user(db_session, role="user")
    invitation = gen_invitation(db_session, company, email=candidate.email)
    browser = logged_in(app, candidate)
    assert "not an employer account" in browser.get(f"/invitations/{invitation.secret}").get_data(as_text=True)
    assert browser.post(f"/invitations/{invitation.secret}").status_code == 403
    assert role_of(db_session, company, candidate.id) is None


def test_an_existing_account_logs_in_first_and_comes_back_to_the_link(app, db_session, company):
    invitee = gen_user(db_session, role="employer")
    invitation = gen_invitation(db_session, company, email=invitee.email)
    browser = app.test_client()
    page = browser.get(f"/invitations/{invitation.secret}").get_data(as_text=True)
    assert "Log in to accept" in page and "Create my account" not in page
    login = browser.post(f"/login?next=/invitations/{invitation.secret}",
                         data={"email": invitee.email, "password": PASSWORD})
    assert login.headers["Location"] == f"/invitations/{invitation.secret}"
    assert browser.post(f"/invitations/{invitation.secret}").status_code == 303
    assert role_of(db_session, company, invitee.id) == "recruiter"


def test_registering_through_the_link_creates_a_verified_member_logged_in_in_the_company(app, db_session, company):
    invitation = gen_invitation(db_session, company, email="nina@example.test", role="recruiter")
    browser = app.test_client()
    page = browser.get(f"/invitations/{invitation.secret}").get_data(as_text=True)
    assert "Create my account and join" in page and 'value="nina@example.test" readonly' in page
    response = browser.post(f"/invitations/{invitation.secret}", data=registration(email="evil@example.test",
                                                                                  role="admin"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard")
    user = db_session.scalar(select(User).where(User.username == "nina.new"))
    assert user.email == "nina@example.test" and user.role == "employer" and user.is_verified
    assert role_of(db_session, company, user.id) == "recruiter"
    assert db_session.scalar(select(func.count()).select_from(Company).where(Company.user_id == user.id)) == 0
    dashboard = browser.get("/dashboard")
    assert dashboard.status_code == 200 and "you joined Hive Works as Recruiter" in dashboard.get_data(as_text=True)
    assert browser.get("/company/members").status_code == 403  # a recruiter, in Hive Works
    assert app.test_client().post(f"/invitations/{invitation.secret}", data=registration(username="other")).status_code == 410


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "short", "confirm": "short"}, "Your password must be 12 to 128 characters long."),
        ({"confirm": "something else entirely"}, "The two passwords do not match."),
        ({"username": "a b"}, "Use only letters, digits, dots, underscores or hyphens."),
        ({"first_name": ""}, "Enter your first name."),
    ],
)
def test_registration_problems_are_shown_and_nothing_is_written(app, db_session, company, changes, message):
    invitation = gen_invitation(db_session, company, email="nina@example.test")
    response = app.test_client().post(f"/invitations/{invitation.secret}", data=registration(**changes))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(User).where(User.email == "nina@example.test")) == 0
    db_session.refresh(invitation)
    assert invitation.accepted_at is None


def test_a_taken_username_is_refused(app, db_session, company):
    gen_user(db_session, username="nina.new")
    invitation = gen_invitation(db_session, company, email="nina@example.test")
    response = app.test_client().post(f"/invitations/{invitation.secret}", data=registration())
    assert response.status_code == 422 and "This username is taken" in response.get_data(as_text=True)
    db_session.refresh(invitation)
    assert invitation.accepted_at is None
