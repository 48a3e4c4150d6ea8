"""What the rankings tests share: an employer with a job, three ranked candidates, page helpers.

Import the fixtures you use into the test module; a module may still define its own
`job` (say, with another title) and the imported fixtures will use it.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.factories import PASSWORD, gen_company, gen_cultural_fit, gen_interview, gen_job, gen_user
from webapp.rankings import services


def text_of(response) -> str:
    return response.get_data(as_text=True)


def names_in_order(html: str) -> list[str]:
    # Each name links to the candidate's interviews for the job.
    return re.findall(r'<th scope="row">\s*<a href="/interviews\?[^"]*">([^<]+?)</a>\s*<a class="small ranking-why"', html)


def candidate(db_session, job, name: str, technical: str, fit: str | None = None):
    """A candidate with one completed interview, ranked by the engine."""
    first, last = name.split()
    user = gen_user(db_session, first_name=first, last_name=last)
    interview = gen_interview(db_session, user, job, status="completed", technical_accuracy=Decimal(technical))
    if fit is not None:
        gen_cultural_fit(db_session, interview, score=Decimal(fit))
    return user


@pytest.fixture
def employer(db_session):
    return gen_user(db_session, role="employer")


@pytest.fixture
def job(db_session, employer):
    return gen_job(db_session, gen_company(db_session, employer), title="Data Engineer")


@pytest.fixture
def logged_in(client, employer):
    assert client.post("/login", data={"email": employer.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def ranked(db_session, job):
    # balanced built-in weights over technical + cultural fit: Grace 85.45, Dijkstra 70.45, Turing 65.45
    people = [
        candidate(db_session, job, "Grace Hopper", "90", "80"),
        candidate(db_session, job, "Alan Turing", "70", "60"),
        candidate(db_session, job, "Edsger Dijkstra", "50", "95"),
    ]
    services.recompute(db_session, job.id)
    return people
