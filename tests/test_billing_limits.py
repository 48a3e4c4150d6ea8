"""Job postings count against the plan: the refusal a person sees, and the limit holding under 50 parallel posts."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, gen_company, gen_plan, gen_subscription, gen_user
from webapp import create_app
from webapp.cli import alembic_config
from webapp.models import Job, SubscriptionPlan, UsageRecord, User

JOB = {"title": "Platform Engineer", "job_focus": "technical", "description": "Kept when refused."}


def counts(session, company_id: int, user_id: int) -> tuple[int, int]:
    jobs = session.scalar(select(func.count()).where(Job.company_id == company_id))
    usage = session.scalar(
        select(func.count()).where(UsageRecord.user_id == user_id, UsageRecord.usage_type == "job_posting")
    )
    return jobs, usage


def test_posting_a_job_records_its_usage(client, auth, db_session):
    employer = gen_user(db_session, role="employer")
    company = gen_company(db_session, employer)
    subscription = gen_subscription(db_session, employer, gen_plan(db_session, "employer", job_posting_limit=3))
    auth.login(employer.email, PASSWORD)

    assert client.post("/jobs", data=JOB).status_code == 302

    job = db_session.scalar(select(Job).where(Job.company_id == company.id))
    record = db_session.scalar(select(UsageRecord).where(UsageRecord.user_id == employer.id))
    assert (record.usage_type, record.resource_id) == ("job_posting", str(job.id))
    assert record.subscription_id == subscription.id


def test_over_the_limit_the_form_comes_back_with_the_reason_and_an_upgrade_link(client, auth, db_session):
    employer = gen_user(db_session, role="employer")
    company = gen_company(db_session, employer)
    gen_subscription(db_session, employer, gen_plan(db_session, "employer", name="Starter", job_posting_limit=1))
    auth.login(employer.email, PASSWORD)
    assert client.post("/jobs", data=JOB).status_code == 302

    response = client.post("/jobs", data=JOB | {"title": "Second Role"})

    page = response.get_data(as_text=True)
    assert response.status_code == 402
    assert "Plan limit reached." in page and "all 1 job posting of your Starter plan" in page
    assert 'href="/billing/plans"' in page and 'value="Second Role"' in page
    assert counts(db_session, company.id, employer.id) == (1, 1)


# --- 50 parallel postings at a limit of 10, committed for real -------------------------


@pytest.fixture(scope="module")
def race_app(scratch_database_url):
    url = scratch_database_url("billing_race")
    command.upgrade(alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def limited_employer(race_app):
    """An employer with a company on a plan of 10 postings, committed; deleted afterwards."""
    engine = race_app.extensions["db_engine"]
    with Session(engine) as session:
        employer = gen_user(session, role="employer")
        company = gen_company(session, employer)
        plan = gen_plan(session, "employer", name="Ten Postings", job_posting_limit=10)
        gen_subscription(session, employer, plan)
        session.commit()
        ids = employer.id, company.id, plan.id, employer.email
    yield ids
    with engine.begin() as connection:  # the user's company, jobs, subscription and usage cascade
        connection.execute(delete(User).where(User.id == ids[0]))
        connection.execute(delete(SubscriptionPlan).where(SubscriptionPlan.id == ids[2]))
        connection.execute(text("DELETE FROM audit_auditevent"))


def test_fifty_parallel_postings_at_a_limit_of_ten_create_exactly_ten(race_app, limited_employer):
    user_id, company_id, _, email = limited_employer
    login = race_app.test_client()
    assert login.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    cookie = login.get_cookie("session").value
    barrier = threading.Barrier(50)
    responses: list = [None] * 50

    def post(index: int) -> None:
        client = race_app.test_client()  # its own request, session and pooled connection
        client.set_cookie("session", cookie)
        barrier.wait(timeout=30)
        response = client.post("/jobs", data=JOB | {"title": f"Parallel role {index}"})
        responses[index] = (response.status_code, response.get_data(as_text=True))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(status for status, _ in responses)
    assert statuses == [302] * 10 + [402] * 40
    refused = [page for status, page in responses if status == 402]
    assert all("all 10 job postings of your Ten Postings plan" in page and "/billing/plans" in page for page in refused)
    with Session(race_app.extensions["db_engine"]) as session:
        assert counts(session, company_id, user_id) == (10, 10)
        job_ids = {str(job_id) for job_id in session.scalars(select(Job.id).where(Job.company_id == company_id))}
        recorded = set(session.scalars(select(UsageRecord.resource_id).where(UsageRecord.user_id == user_id)))
        assert recorded == job_ids
