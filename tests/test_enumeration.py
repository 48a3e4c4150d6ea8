"""Nobody learns whether an email address has an account: sign-up, forgot-password and scheduling answer alike."""

from __future__ import annotations

import re
import socketserver
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_job,
    gen_plan,
    gen_subscription,
    gen_user,
)
from tests.jobqueue import drain_in_background
from tests.test_mail import _SMTPHandler
from webapp import create_app
from webapp.accounts import services
from webapp.auth.passwords import hash_password
from webapp.cli import alembic_config
from webapp.models import (
    InterviewSession,
    OutboxMessage,
    UsageRecord,
    User,
)

NEW_PASSWORD = "a long enough new password"


def signup(username: str, email: str) -> dict:
    return {
        "account_type": "candidate",
        "username": username,
        "email": email,
        "first_name": "Eve",
        "last_name": "Numerate",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }


def same_page(response, email: str) -> bytes:
    """The body with the address, the CSRF token (it carries a timestamp) and the scheduling form's
    "It is now ..." clock blanked out."""
    body = response.data.replace(email.encode(), b"E")
    body = re.sub(rb"It is now [^<]*?\.", b"N", body)
    body = re.sub(rb'name="csrf_token" type="hidden" value="[^"]+"', b"T", body)
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"T", body)


def mails_to(db_session, email: str) -> list[OutboxMessage]:
    return db_session.scalars(select(OutboxMessage).where(func.lower(OutboxMessage.to_address) == email)).all()


# --- sign-up --------------------------------------------------------------------------------


def test_sign_up_answers_a_taken_email_exactly_as_a_new_one(app, db_session):
    owner = gen_user(db_session, email="taken@example.test")
    new, taken = app.test_client(), app.test_client()

    fresh = new.post("/register", data=signup("newcomer", "fresh@example.test"))
    again = taken.post("/register", data=signup("prober", "Taken@Example.test"))

    assert (fresh.status_code, fresh.headers["Location"]) == (again.status_code, again.headers["Location"])
    assert fresh.status_code == 303 and fresh.data == again.data
    fresh_page, again_page = new.get(fresh.headers["Location"]), taken.get(again.headers["Location"])
    assert fresh_page.status_code == again_page.status_code == 200
    assert same_page(fresh_page, "fresh@example.test") == same_page(again_page, "taken@example.test")
    assert b"Check your email" in fresh_page.data
    # Neither browser is logged in; the taken address made no account and its owner was told by mail.
    assert new.get("/dashboard").status_code == taken.get("/dashboard").status_code == 302
    assert db_session.scalar(select(User).where(User.username == "prober")) is None
    [verification] = mails_to(db_session, "fresh@example.test")
    [notice] = mails_to(db_session, owner.email)
    assert verification.subject == services.VERIFY_SUBJECT and "/verify/" in verification.body_text
    assert notice.subject == services.SIGNUP_TAKEN_SUBJECT and "/verify/" not in notice.body_text


def test_a_taken_username_is_refused_whether_or_not_the_email_is_taken(client, db_session):
    gen_user(db_session, username="known.name", email="known@example.test")
    for email in ("known@example.test", "unknown@example.test"):
        response = client.post("/register", data=signup("Known.Name", email))
        assert response.status_code == 422 and b"This username is taken." in response.data


def test_the_owner_is_told_at_most_once_every_few_minutes(client, db_session):
    owner = gen_user(db_session)
    for n in range(3):
        assert client.post("/register", data=signup(f"again{n}", owner.email)).status_code == 303
    assert len(mails_to(db_session, owner.email)) == 1


def _median_seconds(post, times: int = 5) -> float:
    durations = []
    for _ in range(times):
        start = time.perf_counter()
        post()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def test_a_taken_email_costs_about_as_much_as_a_new_one(app, db_session):
    """The password is hashed either way (it is most of the cost); a generous bound, as a ratio of medians."""
    owners = [gen_user(db_session) for _ in range(5)]
    counter = iter(range(100))
    address = iter(f"192.0.2.{n}" for n in range(100, 200))

    def new():
        n = next(counter)
        app.test_client().post(
            "/register", data=signup(f"cost{n}", f"cost{n}@example.test"), environ_base={"REMOTE_ADDR": next(address)}
        )

    def taken():
        n = next(counter)
        app.test_client().post(
            "/register", data=signup(f"cost{n}", owners[n % 5].email), environ_base={"REMOTE_ADDR": next(address)}
        )

    new(), taken()  # warm up templates and statements
    assert _median_seconds(taken) > _median_seconds(new) / 3


# --- forgot password: the mail goes out after the answer ----------------------------------------


class _HeldSMTPHandler(_SMTPHandler):
    """A mail server that does not even greet until the test lets it (counting who came to wait)."""

    def handle(self) -> None:
        self.server.connections += 1
        self.server.release.wait(timeout=30)
        super().handle()


@pytest.fixture
def held_smtp():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _HeldSMTPHandler)
    server.daemon_threads, server.received, server.release, server.connections = True, [], threading.Event(), 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def committed_mail_app(scratch_database_url, held_smtp):
    """The app on a database of its own, committing for real (as in production), with SMTP configured."""
    url = scratch_database_url("enumeration_mail")
    command.upgrade(alembic_config(url), "head")
    mail_app = create_app({
        "DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False, "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": held_smtp.server_address[1], "MAIL_USE_TLS": False, "MAIL_FROM": "JobHive <no-reply@jobhive.test>",
    })
    yield mail_app
    held_smtp.release.set()
    mail_app.extensions["db_engine"].dispose()


def poll(engine, statement, done, timeout: float = 15.0):
    """The statement's scalar once `done(value)`, or its last value at the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as session:
            value = session.scalar(statement)
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_a_known_address_gets_its_reset_mail_after_the_answer_not_during_it(committed_mail_app, held_smtp):
    engine = committed_mail_app.extensions["db_engine"]
    with Session(engine) as session:
        session.add(User(username="known", email="known@example.test", password=hash_password(PASSWORD), role="user"))
        session.commit()
    client = committed_mail_app.test_client()

    known = client.post("/password/forgot", data={"email": "known@example.test"})
    unknown = client.post("/password/forgot", data={"email": "unknown@example.test"})

    assert known.status_code == unknown.status_code == 200
    assert same_page(known, "known@example.test") == same_page(unknown, "unknown@example.test")
    # Both answers queued the same job and nothing else: the message is built by a worker, after the answer.
    with Session(engine) as session:
        assert session.scalar(select(OutboxMessage)) is None
        queued = session.execute(text("SELECT task_name, args->>'email' FROM procrastinate_jobs ORDER BY id")).all()
    assert queued == [("accounts.reset_link", "known@example.test"), ("accounts.reset_link", "unknown@example.test")]

    worker = drain_in_background(committed_mail_app)
    # Once recorded, the message waits, committed, on its first attempt (the mail server says nothing yet).
    row = poll(engine, select(OutboxMessage), lambda row: row is not None)
    assert (row.to_address, row.status, row.attempts, row.sent_at) == ("known@example.test", "queued", 0, None)
    assert held_smtp.received == []

    held_smtp.release.set()  # now the worker's attempt goes through
    worker.join(timeout=30)
    status = poll(engine, select(OutboxMessage.status).where(OutboxMessage.id == row.id), lambda status: status == "sent")
    assert status == "sent"
    assert [recipients for _sender, recipients, _message in held_smtp.received] == [["known@example.test"]]


# --- scheduling an interview ------------------------------------------------------------------


def test_scheduling_answers_alike_for_registered_and_unknown_addresses(client, auth, db_session):
    employer = gen_user(db_session, role="employer")
    job = gen_job(db_session, gen_company(db_session, employer), title="Robotics Engineer")
    candidate = gen_user(db_session, email="registered@example.test")
    assert auth.login(employer.email, PASSWORD).status_code == 302
    when = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")

    def schedule(email: str):
        data = {"job_id": str(job.id), "candidate_email": email, "scheduled_time": when}
        return client.post("/interviews/new", data=data)

    known, unknown = schedule("registered@example.test"), schedule("stranger@example.test")
    also_employer = schedule(employer.email)  # not a candidate: the same answer too

    assert known.status_code == unknown.status_code == also_employer.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"] == "/interviews"
    assert known.data.replace(b"registered", b"X") == unknown.data.replace(b"stranger", b"X")
    # Only the candidate with an account is booked (and counted against the plan).
    booked = db_session.scalars(select(InterviewSession.user_id).where(InterviewSession.job_id == job.id)).all()
    assert booked == [candidate.id]
    assert db_session.scalar(select(func.count()).where(UsageRecord.user_id == employer.id)) == 1


def test_over_the_plan_limit_both_addresses_get_the_same_402(client, auth, db_session):
    employer = gen_user(db_session, role="employer")
    job = gen_job(db_session, gen_company(db_session, employer))
    gen_subscription(db_session, employer, gen_plan(db_session, "employer", name="Tiny", interview_limit=1))
    gen_user(db_session, email="first@example.test")
    gen_user(db_session, email="second@example.test")
    assert auth.login(employer.email, PASSWORD).status_code == 302
    when = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    def schedule(email: str):
        data = {"job_id": str(job.id), "candidate_email": email, "scheduled_time": when}
        return client.post("/interviews/new", data=data)

    assert schedule("first@example.test").status_code == 303
    client.get("/interviews")  # shows (and so clears) the messages so far
    known, unknown = schedule("second@example.test"), schedule("nobody@example.test")
    assert known.status_code == unknown.status_code == 402
    assert same_page(known, "second@example.test") == same_page(unknown, "nobody@example.test")
    assert db_session.scalar(select(func.count()).where(UsageRecord.user_id == employer.id)) == 1
