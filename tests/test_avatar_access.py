"""Who may fetch a user's photo: the owner, admins, and employers the candidate really interviewed with."""

from __future__ import annotations

import io
import secrets

import pytest
from PIL import Image
from sqlalchemy import select, text

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_user
from tests.querycount import recorded_statements
from webapp.accounts import queries
from webapp.models import Company
from webapp.team.membership import Membership


@pytest.fixture
def avatars(app, monkeypatch, tmp_path):
    """Uploads land in a temporary instance folder; returns a helper that gives a user a stored photo."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    folder = tmp_path / "uploads" / "avatars"
    folder.mkdir(parents=True)

    def give(session, user) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (10, 120, 200)).save(buffer, format="PNG")
        name = f"{secrets.token_hex(16)}.png"
        (folder / name).write_bytes(buffer.getvalue())
        user.avatar = name
        session.flush()
        return buffer.getvalue()

    return give


def logged_in(app, user):
    browser = app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


@pytest.fixture
def people(db_session, avatars):
    """A candidate with a photo, interviewed (for real) by one company and only practised on another's job."""
    candidate = gen_user(db_session, role="user")
    photo = avatars(db_session, candidate)
    hiring = gen_user(db_session, role="employer")
    practice_only = gen_user(db_session, role="employer")
    gen_interview(db_session, candidate, gen_job(db_session, gen_company(db_session, hiring)), status="completed")
    gen_interview(
        db_session, candidate, gen_job(db_session, gen_company(db_session, practice_only)), is_practice=True
    )
    return {
        "candidate": candidate,
        "photo": photo,
        "hiring": hiring,
        "practice_only": practice_only,
        "stranger_employer": gen_user(db_session, role="employer"),
        "other_candidate": gen_user(db_session, role="user"),
        "admin": gen_user(db_session, role="admin"),
    }


@pytest.mark.parametrize("viewer", ["candidate", "admin", "hiring"])
def test_the_owner_admins_and_the_interviewing_employer_see_the_photo(app, db_session, people, viewer):
    response = logged_in(app, people[viewer]).get(f"/account/avatar/{people['candidate'].id}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == people["photo"]


@pytest.mark.parametrize("viewer", ["other_candidate", "stranger_employer", "practice_only"])
def test_anyone_else_gets_the_same_404_as_for_a_user_who_does_not_exist(app, db_session, people, viewer):
    browser = logged_in(app, people[viewer])
    browser.get("/account")  # shows the login's welcome message, so the pages below differ in nothing else
    foreign = browser.get(f"/account/avatar/{people['candidate'].id}")
    missing = browser.get("/account/avatar/1999999999")
    assert foreign.status_code == missing.status_code == 404
    assert people["photo"] not in foreign.data
    assert foreign.data == missing.data  # nothing tells "exists but hidden" from "no such user"


def test_an_anonymous_visitor_is_sent_to_log_in(app, db_session, people):
    response = app.test_client().get(f"/account/avatar/{people['candidate'].id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_check_is_one_statement_besides_the_login(app, db_session, people):
    browser = logged_in(app, people["hiring"])
    with recorded_statements(app) as statements:
        assert browser.get(f"/account/avatar/{people['candidate'].id}").status_code == 200
    assert len(statements) == 2, statements
    assert "users_loginsession" in statements[0]
    assert "interview_interviewsession" in statements[1]


@pytest.mark.parametrize("viewer", ["hiring", "admin"])
def test_the_check_can_use_indexes_only(app, db_session, people, viewer):
    """With sequential scans priced out, PostgreSQL still finds a plan: every table is reached by an index."""
    user = people[viewer]
    company = db_session.scalars(select(Company).where(Company.user_id == user.id)).first()
    membership = Membership(company, "owner", user.id) if company else None
    statement = queries.select_visible_avatar(user, membership, people["candidate"].id)
    compiled = statement.compile(dialect=db_session.bind.dialect)
    db_session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        row[0] for row in db_session.connection().exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
    )
    assert "Seq Scan" not in plan, plan
