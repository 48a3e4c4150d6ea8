"""Login throttling: 5 failures in 15 minutes per account or per address, then 429, shared via PostgreSQL."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from tests.factories import PASSWORD, gen_login_attempt, gen_user
from webapp.auth.passwords import CURRENT_METHOD, hash_password, needs_rehash, verify_password
from webapp.auth.throttle import email_digest
from webapp.models import AuditEvent, LoginAttempt, LoginSession, User

GENERIC = b"Invalid email or password."
WRONG = "wrong password, not the real one"


def post_login(client, email, password, ip="127.0.0.1"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def attempts(db_session, **where):
    query = select(LoginAttempt).filter_by(**where).order_by(LoginAttempt.id)
    return db_session.scalars(query).all()


def test_five_failures_then_even_the_right_password_gets_429(client, db_session):
    user = gen_user(db_session)
    for _ in range(5):
        assert post_login(client, user.email, WRONG).status_code == 422

    response = post_login(client, user.email, PASSWORD)

    assert response.status_code == 429
    assert b"Too many failed attempts. Try again in 15 minutes." in response.data
    assert int(response.headers["Retry-After"]) > 14 * 60
    assert GENERIC not in response.data
    assert client.get("/dashboard").status_code == 302
    # The password was not checked at all: no sixth attempt, no login session.
    assert len(attempts(db_session, email=user.email)) == 5
    assert db_session.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user.id)) == 0


def test_throttled_message_is_the_same_for_unknown_and_existing_accounts(client, db_session):
    user = gen_user(db_session)
    for email in (user.email, "nobody-here@example.test"):
        for _ in range(5):
            post_login(client, email, WRONG, ip=f"192.0.2.{len(email)}")
    known = post_login(client, user.email, PASSWORD, ip="192.0.2.200")
    unknown = post_login(client, "nobody-here@example.test", PASSWORD, ip="192.0.2.201")
    assert known.status_code == unknown.status_code == 429
    assert page_without_token(known, user.email) == page_without_token(unknown, "nobody-here@example.test")


def page_without_token(response, email: str) -> bytes:
    """The page with the email and the CSRF token (it carries a timestamp) blanked out."""
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b'"X-CSRFToken": "T"', response.data.replace(email.encode(), b"E"))


def test_four_failures_still_allow_the_right_password(client, db_session):
    user = gen_user(db_session)
    for _ in range(4):
        post_login(client, user.email, WRONG)
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_throttling_per_account_spans_addresses_and_email_spellings(client, db_session):
    user = gen_user(db_session, email="Mixed.Case@Example.test")
    spellings = [
        "mixed.case@example.test",
        "MIXED.CASE@EXAMPLE.TEST",
        " Mixed.Case@Example.test ",
        "mixed.case@EXAMPLE.test",
    ]
    for n, spelling in enumerate(spellings + spellings[:1]):
        post_login(client, spelling, WRONG, ip=f"198.51.100.{n + 1}")
    response = post_login(client, user.email, PASSWORD, ip="198.51.100.99")
    assert response.status_code == 429
    assert {a.email for a in attempts(db_session, user_id=user.id)} == {"mixed.case@example.test"}


def test_throttling_per_address_spans_accounts(client, db_session):
    victim = gen_user(db_session)
    for n in range(5):
        post_login(client, f"guess{n}@example.test", WRONG, ip="203.0.113.9")
    blocked = post_login(client, victim.email, PASSWORD, ip="203.0.113.9")
    assert blocked.status_code == 429
    elsewhere = post_login(client, victim.email, PASSWORD, ip="203.0.113.10")
    assert elsewhere.status_code == 302


def test_failures_older_than_the_window_do_not_count(client, db_session):
    user = gen_user(db_session)
    for _ in range(10):
        gen_login_attempt(db_session, email=user.email, ip_address="192.0.2.50", ago=timedelta(minutes=16))
    assert post_login(client, user.email, PASSWORD, ip="192.0.2.50").status_code == 302


def test_the_block_lifts_when_the_oldest_counted_failure_leaves_the_window(client, db_session):
    user = gen_user(db_session)
    gen_login_attempt(db_session, email=user.email, ip_address="192.0.2.51", ago=timedelta(minutes=14, seconds=10))
    for _ in range(4):
        gen_login_attempt(db_session, email=user.email, ip_address="192.0.2.51", ago=timedelta(minutes=3))
    response = post_login(client, user.email, PASSWORD, ip="192.0.2.52")
    assert response.status_code == 429
    assert b"Try again in 1 minute." in response.data
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_successful_attempts_do_not_count(client, db_session):
    user = gen_user(db_session)
    for _ in range(8):
        gen_login_attempt(db_session, email=user.email, user_id=user.id, succeeded=True)
    assert post_login(client, user.email, PASSWORD).status_code == 302


def test_every_password_check_is_recorded(client, db_session):
    user = gen_user(db_session, email="Recorded@Example.test")
    post_login(client, " RECORDED@example.test", WRONG, ip="192.0.2.7")
    post_login(client, "nobody@example.test", WRONG, ip="192.0.2.7")
    post_login(client, user.email, PASSWORD, ip="192.0.2.7")
    rows = attempts(db_session, ip_address="192.0.2.7")
    assert [(r.kind, r.email, r.user_id, r.succeeded) for r in rows] == [
        ("password", "recorded@example.test", user.id, False),
        ("password", "nobody@example.test", None, False),
        ("password", "recorded@example.test", user.id, True),
    ]


def test_bad_input_is_not_a_check_and_writes_nothing(client, db_session):
    before = db_session.scalar(select(func.count()).select_from(LoginAttempt))
    response = client.post("/login", data={"email": "", "password": "x"})
    assert response.status_code == 422
    response = client.post("/login", data={"email": "a\x00b@example.test", "password": "x"})
    assert response.status_code == 422
    assert b"Remove the invalid characters." in response.data
    assert db_session.scalar(select(func.count()).select_from(LoginAttempt)) == before


def test_failed_logins_are_audited_without_the_password(client, db_session):
    user = gen_user(db_session)
    post_login(client, user.email, "my-secret-guess-123")
    post_login(client, "Nobody@Example.test", "my-secret-guess-456")
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.login_failed").order_by(AuditEvent.id)
    ).all()
    assert [e.actor_id for e in events] == [None, None]
    assert events[0].details == {
        "stage": "password",
        "reason": "invalid",
        "email_sha256": email_digest(user.email),
        "user_id": user.id,
    }
    assert events[0].target_id == str(user.id)
    assert events[1].details == {
        "stage": "password",
        "reason": "invalid",
        "email_sha256": email_digest("nobody@example.test"),
    }
    assert events[1].target_id is None
    assert all("my-secret-guess" not in str(e.details) for e in events)


def test_throttled_logins_are_audited(client, db_session):
    user = gen_user(db_session)
    for _ in range(5):
        gen_login_attempt(db_session, email=user.email)
    post_login(client, user.email, PASSWORD)
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.login_failed")).one()
    assert event.details["reason"] == "throttled"
    assert event.details["email_sha256"] == email_digest(user.email)


# --- password re-hashing ------------------------------------------------------------------


def test_needs_rehash_compares_with_werkzeugs_current_default():
    assert not needs_rehash(hash_password("x"))
    assert CURRENT_METHOD.startswith("scrypt:")
    assert needs_rehash(generate_password_hash("x", method="pbkdf2:sha256:1000"))
    assert needs_rehash(generate_password_hash("x", method="scrypt:16384:8:1"))
    assert needs_rehash(generate_password_hash("x", salt_length=8))
    assert needs_rehash("not-a-werkzeug-hash")


def test_login_with_an_outdated_hash_stores_a_current_one(client, db_session):
    old = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    user = gen_user(db_session, password=old)
    assert post_login(client, user.email, PASSWORD).status_code == 302
    db_session.refresh(user)
    assert user.password != old
    assert user.password.startswith(CURRENT_METHOD + "$")
    assert verify_password(user.password, PASSWORD)


def test_current_hash_is_left_alone_and_wrong_password_never_rehashes(client, db_session):
    current = gen_user(db_session)
    stored = current.password
    post_login(client, current.email, PASSWORD)
    old = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    outdated = gen_user(db_session, password=old)
    post_login(client, outdated.email, WRONG)
    db_session.refresh(current)
    db_session.refresh(outdated)
    assert current.password == stored
    assert outdated.password == old


def test_a_stored_hash_of_an_unknown_format_is_a_failed_login_not_a_crash(client, db_session):
    user = gen_user(db_session, password="pbkdf2_sha256$600000$salt$c2FsdGVkaGFzaA==")
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 422
    assert GENERIC in response.data


# --- shared between processes, safe under parallel attempts --------------------------------


def test_twenty_parallel_wrong_passwords_get_only_five_checks(app):
    """Real commits from 20 threads (one connection each): the advisory lock lets 5 checks through."""
    engine = app.extensions["db_engine"]
    email, ip = f"parallel-{uuid.uuid4().hex[:10]}@example.test", "198.18.0.20"
    with Session(engine) as session:
        user = User(username=email, email=email, password=hash_password(PASSWORD), role="user")
        session.add(user)
        session.commit()
        user_id = user.id
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def attempt():
        client = app.test_client()
        barrier.wait()
        statuses.append(post_login(client, email, WRONG, ip=ip).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with Session(engine) as session:
            failures = session.scalar(
                select(func.count()).where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(False))
            )
        assert failures == 5
        assert sorted(statuses) == [422] * 5 + [429] * 15
    finally:
        with Session(engine) as session:
            session.execute(delete(LoginAttempt).where(or_(LoginAttempt.email == email, LoginAttempt.ip_address == ip)))
            session.execute(
                delete(AuditEvent).where(
                    or_(
                        AuditEvent.target_id == str(user_id),
                        AuditEvent.details["email_sha256"].astext == email_digest(email),
                    )
                )
            )
            session.execute(delete(User).where(User.id == user_id))
            session.commit()
