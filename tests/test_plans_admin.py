"""Admin plan management: list, create, edit, reorder, (de)activate, delete (never a plan in use)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_plan, gen_subscription, gen_user
from tests.querycount import statements_of
from webapp.models import AuditEvent, SubscriptionPlan

VALID = {
    "name": "Team",
    "description": "For small hiring teams.",
    "plan_type": "employer",
    "interval": "year",
    "price": "1200.50",
    "interview_limit": "100",
    "job_posting_limit": "0",
    "application_limit": "0",
    "features": "  100 interviews a year \n\n Rankings\n",
    "is_active": "y",
}


@pytest.fixture
def admin(db_session, auth):
    user = gen_user(db_session, role="admin")
    auth.login(user.email, PASSWORD)
    return user


def plan_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(SubscriptionPlan))


def actions(db_session) -> list[str]:
    """Plan events, oldest first: events of one transaction share created_at, so the id breaks ties."""
    return db_session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("plan.%"))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_shows_plans_by_type_with_subscriber_counts_in_constant_queries(app, client, db_session, admin):
    plan = gen_plan(db_session, name="Starter", price=Decimal("99.00"), interview_limit=50, job_posting_limit=0)
    gen_plan(db_session, "candidate", name="Candidate Pro", interval="year")
    gen_subscription(db_session, gen_user(db_session, role="employer"), plan)
    few, page = statements_of(app, client, "/admin/plans")
    assert "Employer plans" in page and "Candidate plans" in page
    row = page[page.index('id="plan-%d"' % plan.id):]
    row = row[: row.index("</tr>")]
    assert "$99.00" in row and "Monthly" in row and ">50 per month<" in row and ">Unlimited<" in row
    assert '<td class="num">1</td>' in row  # one subscriber
    for _ in range(5):
        gen_subscription(db_session, gen_user(db_session), gen_plan(db_session, "candidate"))
    more, _ = statements_of(app, client, "/admin/plans")
    assert len(more) == len(few)


def test_an_admin_creates_a_plan_with_features_one_per_line(client, db_session, admin):
    before = plan_count(db_session)
    response = client.post("/admin/plans", data=VALID)
    assert response.status_code == 303
    plan = db_session.scalar(select(SubscriptionPlan).where(SubscriptionPlan.name == "Team"))
    assert plan.price == Decimal("1200.50") and plan.interval == "year" and plan.is_active
    assert plan.features == ["100 interviews a year", "Rankings"]
    assert (plan.interview_limit, plan.job_posting_limit) == (100, 0)
    assert plan_count(db_session) == before + 1
    assert actions(db_session) == ["plan.created"]


BAD_INPUT = [
    ("name", "  ", "Give the plan a name."),
    ("price", "-1", "Enter a price from 0 to 99,999,999.99."),
    ("price", "1.234", "Use at most two decimal places (cents)."),
    ("price", "abc", "Not a valid decimal value."),
    ("price", "NaN", "Enter a price from 0 to 99,999,999.99."),
    ("price", "100000000", "Enter a price from 0 to 99,999,999.99."),
    ("interview_limit", "-1", "Enter a whole number from 0 (unlimited) upwards."),
    ("job_posting_limit", "2.5", "Not a valid integer value."),
    ("plan_type", "admin", "Not a valid choice."),
    ("interval", "week", "Not a valid choice."),
    ("features", "x" * 201, "Keep each feature under 200 characters."),
]


def test_bad_input_gets_a_field_message_and_writes_nothing(client, db_session, admin):
    """One login for every case (logging in is the slow part); each case is reported on its own."""
    before = plan_count(db_session)
    problems = []
    for field, value, message in BAD_INPUT:
        response = client.post("/admin/plans", data=VALID | {field: value})
        page = text(response)
        described = f'aria-describedby="{field}-hint {field}-error"' in page or f'aria-describedby="{field}-error"' in page
        if response.status_code != 422 or message not in page or not described:
            problems.append((field, value[:20], response.status_code))
    assert problems == []
    assert plan_count(db_session) == before and actions(db_session) == []


def test_editing_shows_features_one_per_line_and_saves_changes(client, db_session, admin):
    plan = gen_plan(db_session, features=["Alpha", "Beta"])
    page = text(client.get(f"/admin/plans/{plan.id}/edit"))
    assert "Alpha\nBeta</textarea>" in page
    response = client.post(f"/admin/plans/{plan.id}", data=VALID | {"name": "Renamed", "features": "Gamma"})
    assert response.status_code == 303
    db_session.refresh(plan)
    assert (plan.name, plan.features, plan.price) == ("Renamed", ["Gamma"], Decimal("1200.50"))
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.updated"))
    assert event.details["changes"]["features"] == [["Alpha", "Beta"], ["Gamma"]]


def test_a_plan_with_subscribers_keeps_its_type(client, db_session, admin):
    plan = gen_plan(db_session, name="Used")
    gen_subscription(db_session, gen_user(db_session, role="employer"), plan)
    response = client.post(f"/admin/plans/{plan.id}", data=VALID | {"plan_type": "candidate", "name": "Used"})
    assert response.status_code == 422
    assert "stays a plan for the same kind of account" in text(response)
    db_session.refresh(plan)
    assert plan.plan_type == "employer" and actions(db_session) == []


def test_moving_a_plan_swaps_it_with_its_neighbour_of_the_same_type(client, db_session, admin):
    first = gen_plan(db_session, name="First", sort_order=1)
    second = gen_plan(db_session, name="Second", sort_order=1)  # tied: the id breaks the tie
    gen_plan(db_session, "candidate", name="Other kind", sort_order=0)
    assert client.post(f"/admin/plans/{second.id}/move/up").status_code == 303
    db_session.refresh(first), db_session.refresh(second)
    assert second.sort_order < first.sort_order
    response = client.post(f"/admin/plans/{second.id}/move/up", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "is already first" in text(response)
    assert actions(db_session) == ["plan.moved"]


def test_toggling_a_plan_activates_and_deactivates_it(client, db_session, admin):
    plan = gen_plan(db_session, name="Switchable")
    response = client.post(f"/admin/plans/{plan.id}/active", headers={"HX-Request": "true"})
    assert "is now inactive" in text(response)
    db_session.refresh(plan)
    assert plan.is_active is False
    client.post(f"/admin/plans/{plan.id}/active")
    db_session.refresh(plan)
    assert plan.is_active is True
    assert actions(db_session) == ["plan.deactivated", "plan.activated"]


def test_an_unused_plan_is_deleted_after_confirmation(client, db_session, admin):
    plan = gen_plan(db_session, name="Unused")
    confirm = client.get(f"/admin/plans/{plan.id}/delete")
    assert "Yes, delete the plan" in text(confirm)
    assert client.post(f"/admin/plans/{plan.id}/delete").status_code == 303
    db_session.expunge_all()
    assert db_session.get(SubscriptionPlan, plan.id) is None
    assert actions(db_session) == ["plan.deleted"]


def test_a_plan_in_use_cannot_be_deleted_and_the_page_says_why(client, db_session, admin):
    plan = gen_plan(db_session, name="Popular")
    for _ in range(2):
        gen_subscription(db_session, gen_user(db_session, role="employer"), plan)
    confirm = text(client.get(f"/admin/plans/{plan.id}/delete"))
    assert "cannot be deleted: 2 subscriptions use it" in confirm and "Yes, delete" not in confirm
    response = client.post(f"/admin/plans/{plan.id}/delete")
    assert response.status_code == 409
    assert "cannot be deleted: 2 subscriptions use it" in text(response)
    assert db_session.get(SubscriptionPlan, plan.id) is not None and actions(db_session) == []
