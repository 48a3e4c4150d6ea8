"""dashboard_companyinterviewcount (migration 0010): a company's employer interviews per status, kept by
triggers whatever the interview engine writes with raw SQL, and the interviews list's exact counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from tests.factories import PASSWORD, gen_company, gen_job, gen_user
from webapp.models.counters import CompanyInterviewCount

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _counts(session, company) -> dict[str, int]:
    rows = session.execute(select(CompanyInterviewCount.status, CompanyInterviewCount.interviews)
                           .where(CompanyInterviewCount.company_id == company.id)).all()
    return {status: n for status, n in rows if n}


def _recounted(session, company) -> dict[str, int]:
    session.execute(text("SELECT dashboard_recount_counters()"))
    return _counts(session, company)


def _insert(session, user, job, status, start=START, is_practice: bool | None = False) -> int:
    """One session as the interview engine writes it: raw SQL."""
    return session.execute(text(
        "INSERT INTO interview_interviewsession (session_id, user_id, job_id, start_time, status, is_practice) "
        "VALUES (md5(random()::text), :user, :job, :start, :status, :practice) RETURNING id"
    ), {"user": user.id, "job": job.id if job else None, "start": start, "status": status,
        "practice": is_practice}).scalar_one()


@pytest.fixture
def company(db_session):
    return gen_company(db_session, gen_user(db_session, role="employer"), company_name="Counted Ltd")


def test_the_company_counter_follows_raw_inserts_updates_and_deletes(db_session, company):
    job, other_job = gen_job(db_session, company), gen_job(db_session, company)
    person = gen_user(db_session)
    first = _insert(db_session, person, job, "scheduled")
    _insert(db_session, person, job, "completed", start=None)  # no start time: still the company's
    _insert(db_session, person, other_job, "completed")
    _insert(db_session, person, job, "completed", is_practice=True)  # practice: never counted
    _insert(db_session, person, job, None, is_practice=None)  # NULL practice counts; NULL status is ''
    _insert(db_session, person, None, "completed")  # no job: no company
    assert _counts(db_session, company) == {"scheduled": 1, "completed": 2, "": 1}

    db_session.execute(text("UPDATE interview_interviewsession SET status = 'no_show' WHERE id = :id"), {"id": first})
    assert _counts(db_session, company) == {"no_show": 1, "completed": 2, "": 1}
    db_session.execute(text("UPDATE interview_interviewsession SET is_practice = true WHERE id = :id"), {"id": first})
    assert _counts(db_session, company) == {"completed": 2, "": 1}
    db_session.execute(text("UPDATE interview_interviewsession SET is_practice = false, technical_accuracy = 80 "
                            "WHERE id = :id"), {"id": first})
    db_session.execute(text("UPDATE interview_interviewsession SET technical_accuracy = 50"))  # counts nothing new
    assert _counts(db_session, company) == {"no_show": 1, "completed": 2, "": 1}

    # Several rows in one statement, then deletes.
    db_session.execute(text("UPDATE interview_interviewsession SET status = 'cancelled' WHERE job_id = :job"),
                       {"job": job.id})
    assert _counts(db_session, company) == {"cancelled": 3, "completed": 1}
    db_session.execute(text("DELETE FROM interview_interviewsession WHERE id = :id"), {"id": first})
    assert _counts(db_session, company) == {"cancelled": 2, "completed": 1}
    assert _recounted(db_session, company) == {"cancelled": 2, "completed": 1}


def test_a_session_moving_between_companies_jobs_moves_its_count(db_session, company):
    other = gen_company(db_session, gen_user(db_session, role="employer"))
    job, foreign_job = gen_job(db_session, company), gen_job(db_session, other)
    interview = _insert(db_session, gen_user(db_session), job, "completed")
    db_session.execute(text("UPDATE interview_interviewsession SET job_id = :job WHERE id = :id"),
                       {"job": foreign_job.id, "id": interview})
    assert _counts(db_session, company) == {} and _counts(db_session, other) == {"completed": 1}


def test_a_job_moved_to_another_company_or_deleted_takes_its_interviews(db_session, company):
    other = gen_company(db_session, gen_user(db_session, role="employer"))
    moving, deleted, staying = (gen_job(db_session, company) for _ in range(3))
    person = gen_user(db_session)
    for job, status in ((moving, "completed"), (moving, "scheduled"), (moving, None), (deleted, "completed"),
                        (staying, "completed")):
        _insert(db_session, person, job, status)
    _insert(db_session, person, moving, "completed", start=None)
    assert _counts(db_session, company) == {"completed": 4, "scheduled": 1, "": 1}

    db_session.execute(text("UPDATE company_job SET company_id = :other WHERE id = :job"),
                       {"other": other.id, "job": moving.id})
    assert _counts(db_session, company) == {"completed": 2}
    assert _counts(db_session, other) == {"completed": 2, "scheduled": 1, "": 1}
    db_session.execute(text("DELETE FROM company_job WHERE id = :job"), {"job": deleted.id})
    assert _counts(db_session, company) == {"completed": 1}
    assert _recounted(db_session, company) == {"completed": 1}
    assert _counts(db_session, other) == {"completed": 2, "scheduled": 1, "": 1}


def test_the_interviews_list_counts_from_the_company_counter(client, auth, db_session, company):
    job = gen_job(db_session, company)
    person = gen_user(db_session, first_name="Raw", last_name="Engine")
    for n in range(3):
        _insert(db_session, person, job, "completed", start=START - timedelta(hours=n))
    _insert(db_session, person, job, "scheduled")
    assert auth.login(company.user.email, PASSWORD).status_code == 302
    html = client.get("/interviews").get_data(as_text=True)
    assert "Showing 1–4 of 4 interviews" in html
    html = client.get("/interviews?status=completed").get_data(as_text=True)
    assert "Showing 1–3 of 3 interviews" in html
    db_session.execute(text("DELETE FROM interview_interviewsession WHERE status = 'scheduled' AND job_id = :job"),
                       {"job": job.id})
    html = client.get("/interviews").get_data(as_text=True)
    assert "Showing 1–3 of 3 interviews" in html
