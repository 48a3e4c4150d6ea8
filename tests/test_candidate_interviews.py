"""A candidate's interview history: own completed real interviews, scores only when released to them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_sentiment_session, gen_user
from tests.querycount import statements_of

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def candidate(db_session, client):
    user = gen_user(db_session, role="user")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return user


@pytest.fixture
def job(db_session):
    return gen_job(db_session, gen_company(db_session, company_name="Initech"), title="Robotics Engineer")


def interview(db_session, user, job, days_ago=1, **kw):
    kw.setdefault("status", "completed")
    return gen_interview(db_session, user, job, start_time=NOW - timedelta(days=days_ago), **kw)


def test_a_candidate_without_interviews_sees_an_empty_state(client, candidate):
    response = client.get("/my/interviews")
    assert response.status_code == 200 and "No completed interviews yet" in response.get_data(as_text=True)


def test_the_history_lists_own_completed_real_interviews_only(db_session, client, candidate, job):
    mine = interview(db_session, candidate, job, technical_accuracy=Decimal("81.25"))
    gen_sentiment_session(db_session, mine)
    upcoming = interview(db_session, candidate, job, days_ago=-2, status="scheduled")
    rehearsal = interview(db_session, candidate, job, is_practice=True)
    someone_else = interview(db_session, gen_user(db_session), job)

    html = client.get("/my/interviews").get_data(as_text=True)

    assert re.findall(r'id="history-row-(\d+)"', html) == [str(mine.id)]
    for other in (upcoming, rehearsal, someone_else):
        assert f'id="history-row-{other.id}"' not in html
    assert "Robotics Engineer" in html and "Initech" in html and "81.2" in html and "Positive" in html


def test_scores_stay_hidden_until_the_interviewing_side_releases_them(db_session, client, candidate, job):
    released = interview(db_session, candidate, job, days_ago=1, technical_accuracy=Decimal("91.5"))
    gen_sentiment_session(db_session, released, interviewer_visible=True, employer_visible=False)
    withheld = interview(db_session, candidate, job, days_ago=2, technical_accuracy=Decimal("33.3"),
                         behavioral_score=Decimal("44.4"), interviewer_notes="Weak on kinematics; do not hire.")
    gen_sentiment_session(db_session, withheld, interviewer_visible=False, overall_sentiment="negative")
    interview(db_session, candidate, job, days_ago=3, technical_accuracy=Decimal("22.2"))  # not analysed yet

    html = client.get("/my/interviews").get_data(as_text=True)

    assert "91.5" in html  # employer_visible is the employer's view; it hides nothing from the candidate
    assert html.count("Results not shared with you yet") == 2
    for secret in ("33.3", "44.4", "22.2", "Negative", "kinematics"):
        assert secret not in html, secret


def test_pages_of_ten_with_the_same_statements_whatever_the_page(app, db_session, client, candidate, job):
    for i in range(12):
        gen_sentiment_session(db_session, interview(db_session, candidate, job, days_ago=i + 1))
    first, html = statements_of(app, client, "/my/interviews")
    assert "Showing 1–10 of 12 interviews" in html and "Page 1 of 2" in html
    second, html = statements_of(app, client, "/my/interviews?page=2")
    assert len(re.findall(r'id="history-row-', html)) == 2 and len(second) == len(first)

    fragment = client.get("/my/interviews?page=99", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and fragment.headers["HX-Push-Url"] == "/my/interviews?page=2"
    bad = client.get("/my/interviews?page=-1")
    assert bad.status_code == 400 and "whole number" in bad.get_data(as_text=True)
