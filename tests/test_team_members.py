"""The Team page: members, invitations, seats, and every member change with the audit event it writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import (
    PASSWORD,
    gen_assignment,
    gen_company,
    gen_interview,
    gen_invitation,
    gen_job,
    gen_job_team,
    gen_member,
    gen_plan,
    gen_subscription,
    gen_user,
)
from webapp.models import (
    AuditEvent,
    CompanyInvitation,
    CompanyMember,
    InterviewAssignment,
    JobTeamMember,
    OutboxMessage,
    PlanSeatLimit,
)
from webapp.team import invitations


def logged_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


@pytest.fixture
def team(db_session):
    """A company with its owner (the account), an admin, a recruiter and an interviewer."""
    owner = gen_user(db_session, role="employer", first_name="Olga", last_name="Owner")
    company = gen_company(db_session, owner, company_name="Hive Works")
    admin = gen_member(db_session, company, gen_user(db_session, role="employer", first_name="Adam", last_name="Admin"),
                       role="admin")
    recruiter = gen_member(db_session, company, gen_user(db_session, role="employer", first_name="Rita",
                                                         last_name="Recruiter"), role="recruiter")
    return {"company": company, "owner": owner, "admin": admin.user, "admin_member": admin,
            "recruiter": recruiter.user, "recruiter_member": recruiter}


def member_of(db_session, company, user):
    return db_session.scalar(
        select(CompanyMember).where(CompanyMember.company_id == company.id, CompanyMember.user_id == user.id)
    )


def events(db_session, company, action):
    return db_session.scalars(
        select(AuditEvent).where(AuditEvent.company_id == company.id, AuditEvent.action == action)
    ).all()


# --- the page ----------------------------------------------------------------------------


def test_the_members_page_lists_members_invitations_seats_and_the_role_legend(app, db_session, team):
    job = gen_job(db_session, team["company"], title="Robot whisperer")
    gen_invitation(db_session, team["company"], email="new.hire@example.test", role="hiring_manager",
                   job_ids=[job.id])
    gen_invitation(db_session, team["company"], email="late@example.test",
                   expires_at=datetime.now(UTC) - timedelta(days=1))
    page = logged_in(app, team["owner"]).get("/company/members")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for expected in ("Olga Owner", "Adam Admin", "Rita Recruiter", "new.hire@example.test", "Robot whisperer",
                     "Pending", "Expired", "Hiring manager", "Everything, billing and ownership included.",
                     "4 seats used (no limit on your plan)", "Send the invitation"):
        assert expected in text, expected
    # The invitation starts at the everyday role, not at the most powerful one.
    assert '<option selected value="recruiter">Recruiter</option>' in text


def test_seats_show_the_plan_limit(app, db_session, team):
    plan = gen_plan(db_session)
    db_session.add(PlanSeatLimit(plan_id=plan.id, seat_limit=5))
    gen_subscription(db_session, team["owner"], plan)
    db_session.flush()
    assert "3 of 5 seats" in logged_in(app, team["owner"]).get("/company/members").get_data(as_text=True)


def test_recruiters_and_other_companies_cannot_see_the_page(app, db_session, team):
    assert logged_in(app, team["recruiter"]).get("/company/members").status_code == 403
    assert logged_in(app, gen_user(db_session, role="user")).get("/company/members").status_code == 403
    outsider = gen_user(db_session, role="employer")
    gen_company(db_session, outsider)
    page = logged_in(app, outsider).get("/company/members").get_data(as_text=True)
    assert "Olga Owner" not in page


def test_an_admin_sees_no_owner_role_to_grant(app, db_session, team):
    page = logged_in(app, team["admin"]).get("/company/members").get_data(as_text=True)
    invite_form = page[page.index('id="invite-title"'):]
    assert '<option value="owner"' not in invite_form.split("</form>")[0]
    assert "Only owners change owners" in page


# --- invite ------------------------------------------------------------------------------


def test_inviting_stores_only_a_digest_and_mails_a_working_link(app, db_session, team):
    job = gen_job(db_session, team["company"])
    foreign_job = gen_job(db_session, gen_company(db_session))
    browser = logged_in(app, team["admin"])
    response = browser.post("/company/members/invite", data={
        "email": "Hanna.Manager@Example.test", "role": "hiring_manager", "job_ids": [job.id, foreign_job.id]})
    assert response.status_code == 303
    invitation = db_session.scalar(select(CompanyInvitation).where(CompanyInvitation.company_id == team["company"].id))
    assert invitation.email == "hanna.manager@example.test" and invitation.role == "hiring_manager"
    assert invitation.job_ids == [job.id]  # another company's job is dropped
    assert invitation.invited_by_id == team["admin"].id
    assert timedelta(days=6, hours=23) < invitation.expires_at - datetime.now(UTC) <= timedelta(days=7)
    message = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == invitation.email))
    assert "Hive Works" in message.subject
    link = next(word for word in message.body_text.split() if "/invitations/" in word)
    secret = link.rsplit("/", 1)[1]
    assert invitations.digest(secret) == invitation.token_digest and secret not in invitation.token_digest
    assert "Invitation sent to hanna.manager@example.test" in browser.get("/company/members").get_data(as_text=True)
    [event] = events(db_session, team["company"], "member.invited")
    assert event.actor_id == team["admin"].id and event.details["by"] == "Adam Admin"
    assert event.details["email"] == "hanna.manager@example.test"


@pytest.mark.parametrize("role", ["owner", "superuser", ""])
def test_an_admin_cannot_invite_an_owner_or_an_unknown_role(app, db_session, team, role):
    response = logged_in(app, team["admin"]).post("/company/members/invite",
                                                  data={"email": "x@example.test", "role": role})
    assert response.status_code == 422
    assert "Choose one of the roles listed." in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(CompanyInvitation)) == 0


def test_inviting_a_member_says_they_already_are_one(app, db_session, team):
    response = logged_in(app, team["owner"]).post("/company/members/invite",
                                                  data={"email": team["recruiter"].email.upper(), "role": "admin"})
    assert response.status_code == 422
    assert f"{team['recruiter'].email} is already a member of Hive Works." in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(CompanyInvitation)) == 0


@pytest.mark.parametrize("role", ["user", "admin"])
def test_candidate_and_admin_addresses_are_refused(app, db_session, team, role):
    other = gen_user(db_session, role=role)
    response = logged_in(app, team["owner"]).post("/company/members/invite",
                                                  data={"email": other.email, "role": "recruiter"})
    assert response.status_code == 422
    assert "cannot join a company" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(CompanyInvitation)) == 0


def test_an_employer_of_another_company_can_be_invited(app, db_session, team):
    consultant = gen_user(db_session, role="employer")
    gen_company(db_session, consultant)
    response = logged_in(app, team["owner"]).post("/company/members/invite",
                                                  data={"email": consultant.email, "role": "recruiter"})
    assert response.status_code == 303


def test_inviting_an_address_with_an_open_invitation_offers_to_resend(app, db_session, team):
    invitation = gen_invitation(db_session, team["company"], email="twice@example.test")
    response = logged_in(app, team["owner"]).post("/company/members/invite",
                                                  data={"email": "twice@example.test", "role": "recruiter"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "twice@example.test already has an invitation" in text
    assert f"/company/invitations/{invitation.id}/resend" in text
    assert db_session.scalar(select(func.count()).select_from(CompanyInvitation)) == 1


def test_bad_addresses_get_a_message(app, db_session, team):
    response = logged_in(app, team["owner"]).post("/company/members/invite",
                                                  data={"email": "not an address", "role": "recruiter"})
    assert response.status_code == 422
    assert "Enter a valid email address" in response.get_data(as_text=True)


def test_a_full_plan_refuses_the_invitation_and_counts_open_invitations_not_expired_ones(app, db_session, team):
    plan = gen_plan(db_session)
    db_session.add(PlanSeatLimit(plan_id=plan.id, seat_limit=4))
    gen_subscription(db_session, team["owner"], plan)
    gen_invitation(db_session, team["company"], email="expired@example.test",
                   expires_at=datetime.now(UTC) - timedelta(hours=1))
    browser = logged_in(app, team["owner"])
    assert browser.post("/company/members/invite", data={"email": "a@example.test", "role": "recruiter"}).status_code == 303
    refused = browser.post("/company/members/invite", data={"email": "b@example.test", "role": "recruiter"})
    assert refused.status_code == 402
    assert "Every seat of your plan is taken (4 of 4 seats)" in refused.get_data(as_text=True)
    emails = set(db_session.scalars(select(CompanyInvitation.email)))
    assert emails == {"expired@example.test", "a@example.test"}


# --- resend and revoke -------------------------------------------------------------------


def test_resend_makes_a_new_link_and_the_old_one_stops_working(app, db_session, team):
    invitation = gen_invitation(db_session, team["company"], email="again@example.test",
                                expires_at=datetime.now(UTC) - timedelta(days=1))
    old_secret, old_digest = invitation.secret, invitation.token_digest
    browser = logged_in(app, team["owner"])
    assert browser.post(f"/company/invitations/{invitation.id}/resend").status_code == 303
    db_session.refresh(invitation)
    assert invitation.token_digest != old_digest and invitation.expires_at > datetime.now(UTC) + timedelta(days=6)
    assert app.test_client().get(f"/invitations/{old_secret}").status_code == 404
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.to_address == "again@example.test")) == 1
    [event] = events(db_session, team["company"], "member.invitation_resent")
    assert event.details["by"] == "Olga Owner"


def test_revoke_asks_first_then_the_link_says_withdrawn(app, db_session, team):
    invitation = gen_invitation(db_session, team["company"], email="gone@example.test")
    browser = logged_in(app, team["admin"])
    confirm = browser.get(f"/company/invitations/{invitation.id}/revoke")
    assert "Revoke the invitation to gone@example.test?" in confirm.get_data(as_text=True)
    db_session.refresh(invitation)
    assert invitation.revoked_at is None
    assert browser.post(f"/company/invitations/{invitation.id}/revoke").status_code == 303
    db_session.refresh(invitation)
    assert invitation.revoked_at is not None
    link = app.test_client().get(f"/invitations/{invitation.secret}")
    assert link.status_code == 410 and "withdrawn" in link.get_data(as_text=True)
    assert len(events(db_session, team["company"], "member.invitation_revoked")) == 1


def test_foreign_invitations_and_members_answer_404(app, db_session, team):
    other = gen_company(db_session)
    foreign_invitation = gen_invitation(db_session, other)
    foreign_member = gen_member(db_session, other)
    browser = logged_in(app, team["owner"])
    assert browser.post(f"/company/invitations/{foreign_invitation.id}/resend").status_code == 404
    assert browser.get(f"/company/invitations/{foreign_invitation.id}/revoke").status_code == 404
    assert browser.post(f"/company/invitations/{foreign_invitation.id}/revoke").status_code == 404
    assert browser.post(f"/company/members/{foreign_member.id}/role", data={"role": "admin"}).status_code == 404
    assert browser.get(f"/company/members/{foreign_member.id}/remove").status_code == 404
    assert browser.post(f"/company/members/{foreign_member.id}/remove").status_code == 404
    db_session.refresh(foreign_invitation)
    db_session.refresh(foreign_member)
    assert foreign_invitation.revoked_at is None and foreign_member.role == "recruiter"


# --- change role and remove ------------------------------------------------------------------


def test_change_role_writes_the_member_name_in_the_audit(app, db_session, team):
    browser = logged_in(app, team["admin"])
    response = browser.post(f"/company/members/{team['recruiter_member'].id}/role", data={"role": "interviewer"})
    assert response.status_code == 303
    assert "Rita Recruiter is now Interviewer." in browser.get("/company/members").get_data(as_text=True)
    db_session.refresh(team["recruiter_member"])
    assert team["recruiter_member"].role == "interviewer"
    [event] = events(db_session, team["company"], "member.role_changed")
    assert event.details.items() >= {"member": "Rita Recruiter", "by": "Adam Admin", "old_role": "recruiter",
                                     "new_role": "interviewer"}.items()


def test_only_owners_make_or_demote_owners(app, db_session, team):
    browser = logged_in(app, team["admin"])
    response = browser.post(f"/company/members/{team['recruiter_member'].id}/role", data={"role": "owner"})
    assert response.status_code == 403 and "Only owners" in response.get_data(as_text=True)
    second_owner = gen_member(db_session, team["company"], role="owner")
    response = browser.post(f"/company/members/{second_owner.id}/role", data={"role": "recruiter"})
    assert response.status_code == 403
    db_session.refresh(second_owner)
    assert second_owner.role == "owner"
    owner_browser = logged_in(app, team["owner"])
    assert owner_browser.post(f"/company/members/{second_owner.id}/role", data={"role": "admin"}).status_code == 303
    db_session.refresh(second_owner)
    assert second_owner.role == "admin"


def test_the_only_owner_cannot_be_demoted(app, db_session, team):
    owner_member = member_of(db_session, team["company"], team["owner"])
    response = logged_in(app, team["owner"]).post(f"/company/members/{owner_member.id}/role", data={"role": "admin"})
    assert response.status_code == 409
    assert "Olga Owner is the only owner of Hive Works" in response.get_data(as_text=True)
    db_session.refresh(owner_member)
    assert owner_member.role == "owner"


def test_the_company_account_cannot_be_removed(app, db_session, team):
    owner_member = member_of(db_session, team["company"], team["owner"])
    gen_member(db_session, team["company"], role="owner")
    browser = logged_in(app, team["owner"])
    confirm = browser.get(f"/company/members/{owner_member.id}/remove").get_data(as_text=True)
    assert "holds its account and subscription" in confirm
    response = browser.post(f"/company/members/{owner_member.id}/remove")
    assert response.status_code == 422 and "cannot be removed" in response.get_data(as_text=True)
    assert member_of(db_session, team["company"], team["owner"]) is not None


def test_removing_a_member_asks_first_drops_their_work_here_and_ends_their_access(app, db_session, team):
    company, recruiter = team["company"], team["recruiter"]
    job = gen_job(db_session, company)
    interview = gen_interview(db_session, gen_user(db_session), job)
    gen_job_team(db_session, job, recruiter)
    gen_assignment(db_session, interview, recruiter)
    elsewhere = gen_company(db_session)
    gen_member(db_session, elsewhere, recruiter, role="hiring_manager")
    other_job = gen_job(db_session, elsewhere)
    gen_job_team(db_session, other_job, recruiter)
    their_browser = logged_in(app, recruiter)
    assert their_browser.get("/jobs").status_code == 200
    browser = logged_in(app, team["owner"])
    confirm = browser.get(f"/company/members/{team['recruiter_member'].id}/remove")
    assert "Remove Rita Recruiter from the company?" in confirm.get_data(as_text=True)
    assert member_of(db_session, company, recruiter) is not None
    assert browser.post(f"/company/members/{team['recruiter_member'].id}/remove").status_code == 303
    assert member_of(db_session, company, recruiter) is None
    assert db_session.scalars(select(JobTeamMember.job_id).where(JobTeamMember.user_id == recruiter.id)).all() == [
        other_job.id]
    assert db_session.scalar(select(func.count()).select_from(InterviewAssignment)
                             .where(InterviewAssignment.user_id == recruiter.id)) == 0
    # Their very next request is in their other company only.
    page = their_browser.get(f"/jobs/{job.id}")
    assert page.status_code == 404
    [event] = events(db_session, company, "member.removed")
    assert event.details["member"] == "Rita Recruiter" and event.details["by"] == "Olga Owner"


# --- switcher and audit --------------------------------------------------------------------


def test_the_switcher_changes_the_active_company_of_a_member_of_two(app, db_session, team):
    recruiter = team["recruiter"]
    second = gen_company(db_session, company_name="Second Shop")
    gen_member(db_session, second, recruiter, role="admin")
    browser = logged_in(app, recruiter)
    dashboard = browser.get("/dashboard").get_data(as_text=True)
    assert 'id="company-switch"' in dashboard and "Second Shop" in dashboard
    assert browser.get("/company/members").status_code == 403  # a recruiter in Hive Works
    response = browser.post("/company/switch", data={"company_id": second.id})
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard")
    assert browser.get("/company/members").status_code == 200  # an admin in Second Shop
    foreign = gen_company(db_session)
    assert browser.post("/company/switch", data={"company_id": foreign.id}).status_code == 404
    assert browser.post("/company/switch", data={"company_id": "x"}).status_code == 400
    assert browser.get("/company/members").status_code == 200


def test_one_company_shows_no_switcher(app, db_session, team):
    assert 'id="company-switch"' not in logged_in(app, team["owner"]).get("/dashboard").get_data(as_text=True)


def test_the_audit_page_lists_the_company_events_and_filters_by_member(app, db_session, team):
    browser = logged_in(app, team["owner"])
    browser.post("/company/members/invite", data={"email": "one@example.test", "role": "recruiter"})
    admin_browser = logged_in(app, team["admin"])
    admin_browser.post("/company/members/invite", data={"email": "two@example.test", "role": "interviewer"})
    other = gen_company(db_session)
    db_session.add(AuditEvent(action="member.invited", company_id=other.id, details={"email": "hidden@example.test"}))
    db_session.flush()
    page = browser.get("/company/audit").get_data(as_text=True)
    page = page[page.index("<tbody>"):]  # past the flash of the invitation sent
    assert "one@example.test" in page and "two@example.test" in page and "hidden@example.test" not in page
    assert page.index("two@example.test") < page.index("one@example.test")  # newest first
    filtered = browser.get(f"/company/audit?member={team['admin'].id}").get_data(as_text=True)
    assert "two@example.test" in filtered and "one@example.test" not in filtered
    assert browser.get("/company/audit?member=abc").status_code == 400
    outsider = gen_user(db_session, role="employer")
    assert browser.get(f"/company/audit?member={outsider.id}").status_code == 400
    assert browser.get("/company/audit?page=x").status_code == 400
    assert logged_in(app, team["recruiter"]).get("/company/audit").status_code == 403


# --- plans: team seats --------------------------------------------------------------------------


def test_admins_set_a_plans_team_seats(app, db_session):
    plan = gen_plan(db_session, name="Seated")
    browser = logged_in(app, gen_user(db_session, role="admin"))
    form = browser.get(f"/admin/plans/{plan.id}/edit").get_data(as_text=True)
    assert "Team seats" in form
    data = {"name": "Seated", "plan_type": "employer", "interval": "month", "price": "49.00", "interview_limit": "10",
            "job_posting_limit": "5", "application_limit": "0", "features": "", "is_active": "y"}
    assert browser.post(f"/admin/plans/{plan.id}", data=data | {"seat_limit": "4"}).status_code == 303
    assert db_session.get(PlanSeatLimit, plan.id).seat_limit == 4
    assert 'value="4"' in browser.get(f"/admin/plans/{plan.id}/edit").get_data(as_text=True)
    refused = browser.post(f"/admin/plans/{plan.id}", data=data | {"seat_limit": "-1"})
    assert refused.status_code == 422 and "Enter a whole number from 0" in refused.get_data(as_text=True)
    assert browser.post(f"/admin/plans/{plan.id}", data=data).status_code == 303  # left out: unchanged
    db_session.expire_all()
    assert db_session.get(PlanSeatLimit, plan.id).seat_limit == 4


def test_an_owner_who_steps_down_to_recruiter_lands_on_the_dashboard(app, db_session, team):
    gen_member(db_session, team["company"], role="owner")
    owner_member = member_of(db_session, team["company"], team["owner"])
    browser = logged_in(app, team["owner"])
    response = browser.post(f"/company/members/{owner_member.id}/role", data={"role": "recruiter"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard")
    assert browser.get("/company/members").status_code == 403


def test_employer_plan_cards_word_their_team_seats(app, db_session, team):
    from webapp.billing.wording import seat_phrase

    assert [seat_phrase(limit) for limit in (None, 0, 1, 5)] == [
        "Unlimited team seats", "Unlimited team seats", "1 team seat", "5 team seats"]
    plan = gen_plan(db_session, name="Seated Plan")
    db_session.add(PlanSeatLimit(plan_id=plan.id, seat_limit=5))
    db_session.flush()
    page = logged_in(app, team["owner"]).get("/billing/plans").get_data(as_text=True)
    card = page[page.index("Seated Plan"):]
    assert "5 team seats" in card[:2000]
