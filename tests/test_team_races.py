"""Member changes racing each other, committed for real from separate connections.

Never zero owners: two owners demoting each other at once leave exactly one. Seats: ten invitations
sent at once at a limit of three seats (one taken by the owner) create exactly two. Each test holds
the company row's lock until every request waits on it, so all of them read the company before any
change, the worst case, and the lock alone decides.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_member,
    gen_plan,
    gen_subscription,
    gen_user,
)
from tests.locks import wait_for_lock_waiters
from webapp.models import AuditEvent, CompanyInvitation, CompanyMember, PlanSeatLimit


@pytest.fixture
def engine(committed_app):
    return committed_app.extensions["db_engine"]


def logged_in(app, email):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def same_browser(app, client):
    """Another test client with `client`'s cookies: the same login, on a thread of its own."""
    twin = app.test_client()
    for cookie in client._cookies.values():
        twin.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return twin


def held_company_lock(engine, company_id: int):
    """A connection holding the company row's lock (the caller commits to release it)."""
    blocker = engine.connect()
    transaction = blocker.begin()
    blocker.execute(text("SELECT id FROM company_company WHERE id = :id FOR UPDATE"), {"id": company_id})
    return blocker, transaction


def post_all_behind_the_lock(engine, company_id: int, posts: list) -> list:
    """Run every (client, url, data) POST in its own thread; release the lock once all of them wait on it."""
    responses: list = [None] * len(posts)

    def run(index: int, client, url: str, data: dict) -> None:
        responses[index] = client.post(url, data=data)

    blocker, transaction = held_company_lock(engine, company_id)
    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    try:
        for thread in threads:
            thread.start()
        assert wait_for_lock_waiters(engine, expected=len(posts)) >= len(posts), "the requests never queued"
    finally:
        transaction.commit()
        blocker.close()
        for thread in threads:
            thread.join(timeout=60)
    return responses


def test_two_owners_demoting_each_other_at_once_leave_exactly_one_owner(committed_app, engine):
    with Session(engine, expire_on_commit=False) as session:
        first = gen_user(session, role="employer", email="first.owner@example.test", first_name="First")
        second = gen_user(session, role="employer", email="second.owner@example.test", first_name="Second")
        company = gen_company(session, first)
        first_member = session.scalar(select(CompanyMember).where(CompanyMember.user_id == first.id))
        second_member = gen_member(session, company, second, role="owner")
        session.commit()
    first_browser = logged_in(committed_app, first.email)
    second_browser = logged_in(committed_app, second.email)

    responses = post_all_behind_the_lock(engine, company.id, [
        (first_browser, f"/company/members/{second_member.id}/role", {"role": "admin"}),
        (second_browser, f"/company/members/{first_member.id}/role", {"role": "admin"}),
    ])

    assert sorted(response.status_code for response in responses) == [303, 409]
    loser = next(response for response in responses if response.status_code == 409)
    assert "is the only owner of" in loser.get_data(as_text=True)
    with Session(engine) as session:
        roles = dict(session.execute(select(CompanyMember.user_id, CompanyMember.role)
                                     .where(CompanyMember.company_id == company.id)).all())
        assert sorted(roles.values()) == ["admin", "owner"]
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.company_id == company.id,
                                     AuditEvent.action == "member.role_changed")) == 1


def test_ten_invitations_at_once_at_three_seats_create_exactly_two(committed_app, engine):
    with Session(engine, expire_on_commit=False) as session:
        owner = gen_user(session, role="employer", email="seat.owner@example.test")
        company = gen_company(session, owner)
        plan = gen_plan(session)
        session.add(PlanSeatLimit(plan_id=plan.id, seat_limit=3))
        gen_subscription(session, owner, plan)
        session.commit()
    browser = logged_in(committed_app, owner.email)

    responses = post_all_behind_the_lock(engine, company.id, [
        (same_browser(committed_app, browser), "/company/members/invite",
         {"email": f"seat{index}@example.test", "role": "recruiter"})
        for index in range(10)
    ])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [303] * 2 + [402] * 8, statuses
    refused = next(response for response in responses if response.status_code == 402)
    assert "Every seat of your plan is taken (3 of 3 seats)" in refused.get_data(as_text=True)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(CompanyInvitation)
                              .where(CompanyInvitation.company_id == company.id)) == 2
