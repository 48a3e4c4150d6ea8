"""Which assessment types count toward the technical score is the admin's flag, not the type's name.

The flag lives in rankings_technicalassessmenttype (migration 0012) and is set on the
catalog's assessment type form; changing it marks the affected candidates stale, so the
rankings page recomputes them; renaming a type changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text

from tests.factories import PASSWORD, gen_interview, gen_interview_assessment, gen_user
from tests.rankings_support import employer, job, logged_in, names_in_order, text_of  # noqa: F401 (fixtures)
from webapp.cli import alembic_config
from webapp.db import database_url
from webapp.models import AssessmentType, AuditEvent, CandidateRanking
from webapp.rankings import services

TYPES = "/admin/catalog/assessment-types"


@pytest.fixture
def admin_client(app, db_session):
    """A second browser, signed in as an admin (the employer's `logged_in` client stays signed in)."""
    admin = gen_user(db_session, role="admin")
    browser = app.test_client()
    assert browser.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    return browser


def technical_score(db_session, job, candidate) -> Decimal:
    db_session.expire_all()
    return db_session.scalar(select(CandidateRanking.technical_score).where(
        CandidateRanking.job_id == job.id, CandidateRanking.candidate_id == candidate.id))


def stale_candidates(db_session) -> set[tuple[int, int]]:
    return {tuple(row) for row in db_session.execute(text("SELECT job_id, candidate_id FROM rankings_stalecandidate"))}


def assessed(db_session, job, name: str, accuracy: str, type_name: str, score: str):
    """A candidate with one completed interview for `job` and one assessment of `type_name`."""
    first, last = name.split()
    user = gen_user(db_session, first_name=first, last_name=last)
    interview = gen_interview(db_session, user, job, status="completed", technical_accuracy=Decimal(accuracy))
    gen_interview_assessment(db_session, interview, type_name=type_name, score=Decimal(score))
    return user


def type_named(db_session, name: str) -> AssessmentType:
    return db_session.scalar(select(AssessmentType).where(AssessmentType.name == name))


def save_type(admin_client, kind: AssessmentType, name: str, technical: bool, **extra):
    data = {"name": name, "description": kind.description or "", **extra}
    if technical:
        data["counts_as_technical"] = "y"
    return admin_client.post(f"{TYPES}/{kind.id}", data=data)


def test_renaming_a_type_changes_no_score(db_session, job, admin_client):
    grace = assessed(db_session, job, "Grace Hopper", "90", "Technical", "50")
    alan = assessed(db_session, job, "Alan Turing", "60", "Oral exam", "10")
    services.recompute(db_session, job.id)
    assert (technical_score(db_session, job, grace), technical_score(db_session, job, alan)) == (70, 60)

    # The technical type loses its "Technical" name; a non-technical one gains it.
    assert save_type(admin_client, type_named(db_session, "Technical"), "Coding exercise", True).status_code == 302
    assert save_type(admin_client, type_named(db_session, "Oral exam"), "Technical interview", False).status_code == 302
    assert stale_candidates(db_session) == set()  # nothing the ranking reads changed
    services.recompute(db_session, job.id)  # and a full recompute agrees

    assert (technical_score(db_session, job, grace), technical_score(db_session, job, alan)) == (70, 60)


def test_ticking_and_unticking_the_flag_marks_candidates_stale_and_reranks(db_session, job, logged_in, admin_client):
    grace = assessed(db_session, job, "Grace Hopper", "90", "Oral exam", "10")
    alan = assessed(db_session, job, "Alan Turing", "60", "Behavioral", "95")
    services.recompute(db_session, job.id)
    assert names_in_order(text_of(logged_in.get(f"/jobs/{job.id}/rankings"))) == ["Grace Hopper", "Alan Turing"]
    oral = type_named(db_session, "Oral exam")

    assert save_type(admin_client, oral, "Oral exam", True).status_code == 302
    assert stale_candidates(db_session) == {(job.id, grace.id)}  # only Grace has results of that type
    assert names_in_order(text_of(logged_in.get(f"/jobs/{job.id}/rankings"))) == ["Alan Turing", "Grace Hopper"]
    assert technical_score(db_session, job, grace) == 50  # mean of accuracy 90 and the oral exam's 10
    assert stale_candidates(db_session) == set()

    assert save_type(admin_client, oral, "Oral exam", False).status_code == 302
    assert stale_candidates(db_session) == {(job.id, grace.id)}
    assert names_in_order(text_of(logged_in.get(f"/jobs/{job.id}/rankings"))) == ["Grace Hopper", "Alan Turing"]
    assert technical_score(db_session, job, grace) == 90

    changes = [event.details["changes"] for event in db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "catalog.assessmenttype.updated").order_by(AuditEvent.id))]
    assert changes == [{"counts_as_technical": [False, True]}, {"counts_as_technical": [True, False]}]
    assert alan.id not in {candidate for _, candidate in stale_candidates(db_session)}


def test_deleting_a_technical_type_reranks_without_its_results(db_session, job, logged_in, admin_client):
    grace = assessed(db_session, job, "Grace Hopper", "90", "Technical", "10")
    assessed(db_session, job, "Alan Turing", "60", "Behavioral", "95")
    services.recompute(db_session, job.id)
    assert names_in_order(text_of(logged_in.get(f"/jobs/{job.id}/rankings"))) == ["Alan Turing", "Grace Hopper"]

    assert admin_client.post(f"{TYPES}/{type_named(db_session, 'Technical').id}/delete").status_code == 302

    assert stale_candidates(db_session) == {(job.id, grace.id)}
    assert db_session.scalar(text("SELECT count(*) FROM rankings_technicalassessmenttype")) == 0
    assert names_in_order(text_of(logged_in.get(f"/jobs/{job.id}/rankings"))) == ["Grace Hopper", "Alan Turing"]
    assert technical_score(db_session, job, grace) == 90


def test_the_catalog_shows_and_sets_the_flag(db_session, admin_client):
    gen_interview_assessment(db_session, gen_interview(db_session, gen_user(db_session)), type_name="Technical")

    listing = text_of(admin_client.get(f"{TYPES}?q=Technical"))
    assert "Technical score" in listing and ">Yes<" in listing
    form = text_of(admin_client.get(f"{TYPES}/{type_named(db_session, 'Technical').id}/edit"))
    assert 'name="counts_as_technical"' in form and "checked" in form

    created = admin_client.post(TYPES, data={"name": "Take-home project", "counts_as_technical": "y"})
    assert created.status_code == 302
    assert type_named(db_session, "Take-home project").counts_as_technical


def test_a_forged_flag_value_is_refused_and_nothing_is_written(db_session, admin_client):
    gen_interview_assessment(db_session, gen_interview(db_session, gen_user(db_session)), type_name="Oral exam")
    oral = type_named(db_session, "Oral exam")

    refused = save_type(admin_client, oral, "Oral exam (renamed)", False, counts_as_technical="maybe")

    assert refused.status_code == 422
    assert "Tick the box or leave it empty." in text_of(refused)
    db_session.expire_all()
    assert (oral.name, oral.counts_as_technical) == ("Oral exam", False)
    assert db_session.scalar(select(AuditEvent.id).where(AuditEvent.action.like("catalog.%"))) is None


def test_the_migration_keeps_the_old_rule_for_existing_types(scratch_database_url):
    url = scratch_database_url("technical_types")
    config = alembic_config(url)
    command.upgrade(config, "0011")
    engine = create_engine(database_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO interview_assessmenttype (name) VALUES ('Technical'), ('technical depth'), "
                "('Behavioral'), ('Non-technical')"))
        command.upgrade(config, "0012")
        with engine.connect() as connection:
            flagged = set(connection.scalars(text(
                "SELECT t.name FROM rankings_technicalassessmenttype r "
                "JOIN interview_assessmenttype t ON t.id = r.assessment_type_id")))
    finally:
        engine.dispose()
    assert flagged == {"Technical", "technical depth"}
