"""Comparing 2 to 4 ranked candidates side by side: /jobs/<id>/rankings/compare?c=..&c=.."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.factories import (
    PASSWORD,
    gen_behavioral_analysis,
    gen_company,
    gen_cultural_fit,
    gen_interview,
    gen_job,
    gen_ranking,
    gen_sentiment_session,
    gen_skill_score,
    gen_user,
)
from tests.querycount import recorded_statements
from tests.rankings_support import employer, job, logged_in, text_of  # noqa: F401 (fixtures)
from webapp.rankings import services


def person(db_session, job, name: str, technical: str, skills: dict, *, gaps=(), behavior: dict | None = None,
           sentiment: dict | None = None):
    first, last = name.split()
    user = gen_user(db_session, first_name=first, last_name=last)
    interview = gen_interview(db_session, user, job, status="completed", technical_accuracy=Decimal(technical),
                              knowledge_gaps=[{"skill": gap, "score": 40, "priority": "high"} for gap in gaps],
                              enable_behavioral_analysis=behavior is not None)
    gen_cultural_fit(db_session, interview, score=Decimal("70"))
    for skill, score in skills.items():
        gen_skill_score(db_session, interview, skill, score)
    if behavior is not None:
        gen_behavioral_analysis(db_session, interview, **{f"{k}_score": Decimal(v) for k, v in behavior.items()})
    if sentiment is not None:
        gen_sentiment_session(db_session, interview, **sentiment)
    return user


@pytest.fixture
def people(db_session, job):
    made = [
        person(db_session, job, "Grace Hopper", "90", {"Python": 92, "SQL": 71, "Go": 55}, gaps=["Kubernetes"],
               behavior={"confidence": "88", "curiosity": "91"}, sentiment={"overall_sentiment": "positive"}),
        person(db_session, job, "Alan Turing", "70", {"Python": 64, "SQL": 83}),
        person(db_session, job, "Edsger Dijkstra", "50", {"Rust": 77}),
        person(db_session, job, "Barbara Liskov", "80", {"Python": 70}),
        person(db_session, job, "Donald Knuth", "85", {"SQL": 90}),
    ]
    services.recompute(db_session, job.id)
    return made


def compare(client, job, *ids, **extra):
    return client.get(f"/jobs/{job.id}/rankings/compare", query_string={"c": [str(i) for i in ids], **extra})


def row(html: str, header: str) -> list[str]:
    found = re.search(rf'<th scope="row">{re.escape(header)}</th>(.*?)</tr>', html, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def test_traits_and_hidden_sentiment_stay_out_of_the_comparison(logged_in, db_session, job, people):
    grace, turing = people[0], people[1]
    interview = gen_interview(db_session, turing, job, status="completed", technical_accuracy=Decimal("70"),
                              enable_behavioral_analysis=False)
    gen_behavioral_analysis(db_session, interview, confidence_score=Decimal("99"))  # analysis was off
    gen_sentiment_session(db_session, interview, overall_sentiment="negative", employer_visible=False)

    html = text_of(compare(logged_in, job, turing.id, grace.id))

    assert row(html, "Confidence")[0] == "—"  # no trait from an interview without behavioral analysis
    assert row(html, "Usually") == ["Not analysed yet", "Positive"]  # the hidden summary is not counted


def test_two_candidates_side_by_side(logged_in, job, people):
    grace, turing = people[0], people[1]
    response = compare(logged_in, job, turing.id, grace.id)
    html = text_of(response)
    assert response.status_code == 200
    headers = re.findall(r'<th scope="col">([^<]+)<span class="muted small compare-rank">(rank \d+)</span>', html)
    # Knuth 81.9, Grace 77.4, Liskov 73.8, Turing 71.1, Dijkstra 64.7
    assert headers == [("Alan Turing", "rank 4"), ("Grace Hopper", "rank 2")]  # in the order selected
    assert row(html, "Technical") == ["70.0", "90.0"]
    assert row(html, "Python") == ["64.0", "92.0"] and row(html, "Go") == ["—", "55.0"]
    assert "Rust" not in html  # only the compared candidates' skills
    assert row(html, "Confidence")[1] == "88" and row(html, "Curiosity") == ["—", "91"]
    assert row(html, "Usually") == ["Not analysed yet", "Positive"]
    assert row(html, "Positive / neutral / negative") == ["—", "60 / 25 / 10"]
    assert row(html, "Strongest skills") == ["SQL", "Python, SQL"]
    assert row(html, "Weakest skills") == ["Python", "Go"]
    assert row(html, "Knowledge gaps") == ["None noted", "Kubernetes"]


def test_a_checkbox_per_row_and_a_compare_button_on_the_ranking(logged_in, job, people):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    assert f'<form id="compare-form" class="compare-bar" method="get" action="/jobs/{job.id}/rankings/compare">' in html
    for user in people:
        assert f'<input type="checkbox" name="c" value="{user.id}" form="compare-form"' in html
    assert 'aria-label="Compare Grace Hopper"' in html and "Compare selected" in html


@pytest.mark.parametrize("how, message", [
    (lambda p: [p[0].id], "Select at least 2 candidates to compare (you selected 1)."),
    (lambda p: [], "Select at least 2 candidates to compare (you selected 0)."),
    (lambda p: [u.id for u in p], "Select at most 4 candidates to compare (you selected 5)."),
    (lambda p: [p[0].id, p[0].id], "Each candidate can be selected only once"),
    (lambda p: [p[0].id, "abc"], "The selection is not valid"),
    (lambda p: [p[0].id, "-3"], "The selection is not valid"),
    (lambda p: [p[0].id, "٣"], "The selection is not valid"),
    (lambda p: [p[0].id, str(2**31)], "The selection is not valid"),
    (lambda p: [p[0].id, "2000000000"], "One of the selected candidates is not ranked for this job"),
])
def test_a_bad_selection_is_a_400_with_a_clear_message(logged_in, job, people, how, message):
    response = compare(logged_in, job, *how(people))
    html = text_of(response)
    assert response.status_code == 400
    assert 'role="alert"' in html and message in html


def test_a_candidate_ranked_only_for_another_company_is_refused_without_their_data(logged_in, db_session, job, people):
    other_job = gen_job(db_session, gen_company(db_session), title="Secret Project")
    stranger = gen_user(db_session, first_name="Hidden", last_name="Person")
    gen_ranking(db_session, other_job, stranger, overall_score=Decimal("99.00"))
    response = compare(logged_in, job, people[0].id, stranger.id)
    html = text_of(response)
    assert response.status_code == 400 and "not ranked for this job" in html
    # the stranger's name, job and score (as a page would print it); not "99" alone, which generated names may hold
    assert "Hidden" not in html and "Secret Project" not in html and "99.0" not in html


def test_another_companys_job_is_not_found(client, db_session, job, people):
    stranger = gen_user(db_session, role="employer")
    gen_company(db_session, stranger)
    client.post("/login", data={"email": stranger.email, "password": PASSWORD})
    assert compare(client, job, people[0].id, people[1].id).status_code == 404


def test_compare_runs_the_same_number_of_queries_for_2_or_4(app, logged_in, job, people):
    def statements_for(chosen) -> int:
        with recorded_statements(app) as statements:
            assert compare(logged_in, job, *[u.id for u in chosen]).status_code == 200
        return len(statements)

    assert statements_for(people[:2]) == statements_for(people[:4])


def test_traits_are_coloured_by_the_one_rule(logged_in, db_session, job, people):
    """Low fear reads as good (green), high nervousness as bad (red), high curiosity as good."""
    grace = person(db_session, job, "Ada Lovelace", "75", {"Python": 80},
                   behavior={"fear": "3", "nervousness": "90", "curiosity": "91"})
    services.recompute(db_session, job.id)
    html = text_of(compare(logged_in, job, grace.id, people[1].id))

    fear = re.search(r'<th scope="row">Fear <span class="small muted">\(lower is better\)</span></th>(.*?)</tr>', html, re.S)
    assert fear and '<span class="score score-high">3</span>' in fear.group(1)
    nervousness = re.search(r'<th scope="row">Nervousness <span[^>]*>\(lower is better\)</span></th>(.*?)</tr>', html, re.S)
    assert nervousness and '<span class="score score-low">90</span>' in nervousness.group(1)
    assert '<span class="score score-high">91</span>' in re.search(
        r'<th scope="row">Curiosity</th>(.*?)</tr>', html, re.S).group(1)
