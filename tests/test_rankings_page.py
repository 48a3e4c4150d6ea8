"""The rankings page /jobs/<id>/rankings and its explanation fragment."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_job,
    gen_ranking,
    gen_user,
)
from tests.querycount import recorded_statements
from tests.rankings_support import candidate, employer, job, logged_in, names_in_order, ranked, text_of  # noqa: F401 (fixtures)
from webapp.rankings import services


def test_the_ranking_lists_candidates_best_first_with_their_scores(logged_in, job, ranked):
    response = logged_in.get(f"/jobs/{job.id}/rankings")
    html = text_of(response)
    assert response.status_code == 200
    # balanced builtin weights over technical + cultural fit (0.30 / 0.25): Grace 85.45, Dijkstra 70.45, Turing 65.45
    assert names_in_order(html) == ["Grace Hopper", "Edsger Dijkstra", "Alan Turing"]
    assert '<span class="score score-high">85.5</span>' in html
    assert "Showing 1–3 of 3 candidates" in html
    assert 'id="ranking-rows"' in html and "How is this computed?" in html
    assert f'href="/jobs/{job.id}/weights"' in html  # the weights editor, from the explanation
    for header in ("Rank", "Candidate", "Overall", "Technical", "Skills", "Cultural fit", "Communication", "Confidence", "Last interview"):
        assert f">{header}<" in html


def test_sorting_by_a_column_and_reversing_it(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings?sort=candidate"))
    assert names_in_order(html) == ["Alan Turing", "Edsger Dijkstra", "Grace Hopper"]
    assert 'aria-sort="ascending"' in html
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings?sort=-candidate"))
    assert names_in_order(html) == ["Grace Hopper", "Edsger Dijkstra", "Alan Turing"]
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings?sort=cultural_fit"))
    assert names_in_order(html) == ["Edsger Dijkstra", "Grace Hopper", "Alan Turing"]
    # the rank stays the place by overall score, whatever the order shown
    assert re.search(r'<td class="num">2</td>\s*<th scope="row">\s*<a href="[^"]*">Edsger Dijkstra', html)


def test_an_unknown_sort_falls_back_to_the_ranking(logged_in, job, ranked):
    response = logged_in.get(f"/jobs/{job.id}/rankings?sort=password;drop")
    assert response.status_code == 200
    assert names_in_order(text_of(response)) == ["Grace Hopper", "Edsger Dijkstra", "Alan Turing"]


def test_filtering_by_minimum_score(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings?min=70"))
    assert names_in_order(html) == ["Grace Hopper", "Edsger Dijkstra"]
    assert "Showing 1–2 of 2 candidates (of 3 ranked)" in html
    assert re.search(rf'href="/jobs/{job.id}/rankings\?(sort=candidate&amp;min=70|min=70&amp;sort=candidate)"', html)
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings?min=99"))
    assert "No candidate scores 99 or more" in html and names_in_order(html) == []


@pytest.mark.parametrize("bad", ["abc", "-1", "101", "nan", "inf"])
def test_a_bad_minimum_score_is_explained_and_not_applied(logged_in, job, ranked, bad):
    response = logged_in.get(f"/jobs/{job.id}/rankings", query_string={"min": bad})
    html = text_of(response)
    assert response.status_code == 422
    assert 'role="alert"' in html and "Enter a minimum overall score from 0 to 100" in html
    assert 'aria-describedby="ranking-min-error"' in html
    assert len(names_in_order(html)) == 3


def test_htmx_gets_only_the_rows_block(logged_in, job, ranked):
    response = logged_in.get(f"/jobs/{job.id}/rankings?sort=candidate", headers={"HX-Request": "true"})
    html = text_of(response)
    assert html.lstrip().startswith('<div id="ranking-rows"') and "<html" not in html
    assert names_in_order(html) == ["Alan Turing", "Edsger Dijkstra", "Grace Hopper"]
    assert "HX-Request" in response.headers.get("Vary", "")
    # sort links keep real hrefs and push the URL
    assert 'hx-push-url="true"' in html and f'href="/jobs/{job.id}/rankings?sort=-candidate"' in html


def test_empty_state_explains_how_rankings_appear(logged_in, job):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    assert "No ranked candidates yet" in html and "once they complete an interview for this job" in html


def test_pagination_25_per_page(logged_in, db_session, job):
    for i in range(30):
        gen_ranking(db_session, job, overall_score=Decimal(30 + i))
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    assert len(names_in_order(html)) == 25 and "Page 1 of 2" in html and "Showing 1–25 of 30" in html
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings?page=2"))
    assert len(names_in_order(html)) == 5 and "Showing 26–30 of 30" in html
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings?page=99"))  # past the end: the last page
    assert "Page 2 of 2" in html
    assert text_of(logged_in.get(f"/jobs/{job.id}/rankings?page=x")).count("Page 1 of 2") == 1


def test_the_page_runs_a_fixed_number_of_queries(app, logged_in, db_session, job):
    def statements_for(n: int) -> int:
        for _ in range(n):
            candidate(db_session, job, "Some One", "60", "70")
        services.recompute(db_session, job.id)
        with recorded_statements(app) as statements:
            assert logged_in.get(f"/jobs/{job.id}/rankings").status_code == 200
        return len(statements)

    assert statements_for(2) == statements_for(20)


def test_another_companys_job_is_not_found(client, db_session, job, ranked):
    stranger = gen_user(db_session, role="employer")
    gen_company(db_session, stranger)
    client.post("/login", data={"email": stranger.email, "password": PASSWORD})
    assert client.get(f"/jobs/{job.id}/rankings").status_code == 404
    assert client.get(f"/jobs/{job.id}/rankings/{ranked[0].id}").status_code == 404


def test_candidates_cannot_see_rankings(client, db_session, job, ranked):
    client.post("/login", data={"email": ranked[0].email, "password": PASSWORD})
    assert client.get(f"/jobs/{job.id}/rankings").status_code == 403


# --- explainability -----------------------------------------------------------------------


def test_the_explanation_shows_contributions_that_add_up_to_the_overall_score(logged_in, job, ranked):
    grace = ranked[0]
    response = logged_in.get(f"/jobs/{job.id}/rankings/{grace.id}", headers={"HX-Request": "true"})
    html = text_of(response)
    assert response.status_code == 200 and "<html" not in html
    # technical 90 and cultural fit 80, weights 0.30 and 0.25 re-normalised to 0.55
    assert "Overall <strong>85.5</strong>" in html
    widths = [float(w) for w in re.findall(r'class="contribution contribution-\w+" style="width: ([\d.]+)%"', html)]
    assert len(widths) == 2 and sum(widths) == pytest.approx(85.45, abs=0.02)
    assert "0.55" in html and "0.45" in html  # the weights as applied
    assert "no evidence" in html  # skills and sentiment
    assert "Interviews behind this score" in html


def test_the_explanation_works_as_a_page_without_javascript(logged_in, job, ranked):
    response = logged_in.get(f"/jobs/{job.id}/rankings/{ranked[1].id}")
    html = text_of(response)
    assert response.status_code == 200 and "<html" in html and "Alan Turing" in html and "rank 3" in html


def test_the_rows_link_to_the_explanation(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    url = f"/jobs/{job.id}/rankings/{ranked[0].id}"
    assert f'href="{url}" hx-get="{url}"' in html


def test_a_candidate_without_a_ranking_for_this_job_is_not_found(logged_in, db_session, job, ranked):
    other_job = gen_job(db_session, gen_company(db_session))
    elsewhere = gen_ranking(db_session, other_job)
    assert logged_in.get(f"/jobs/{job.id}/rankings/{elsewhere.candidate_id}").status_code == 404
    assert logged_in.get(f"/jobs/{job.id}/rankings/2000000000").status_code == 404


def test_the_explanation_links_to_the_interviews_behind_the_score(app, logged_in, db_session, job, ranked):
    from webapp.models import InterviewSession

    grace = ranked[0]
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings/{grace.id}", headers={"HX-Request": "true"}))
    (interview,) = db_session.query(InterviewSession).filter_by(user_id=grace.id, job_id=job.id).all()
    if "interviews.show" in app.view_functions:
        assert f'href="/interviews/{interview.session_id}"' in html
    else:
        assert "technical accuracy 90" in html and "/interviews/" not in html


def test_a_factor_without_evidence_shows_a_dash_not_a_zero(logged_in, db_session, job):
    candidate(db_session, job, "Barbara Liskov", "88")  # technical only: no fit, no sentiment
    services.recompute(db_session, job.id)
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    row = html[html.index("Barbara Liskov"):html.index("</tr>", html.index("Barbara Liskov"))]
    cells = re.findall(r'<td class="num">(.*?)</td>', row)
    # overall, technical, skills, cultural fit, communication, confidence
    assert cells[0] == cells[1] == '<span class="score score-high">88.0</span>'
    assert cells[2:5] == ['<span class="muted">—</span>'] * 3


def test_each_name_links_to_that_candidates_interviews_for_the_job(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    for person in ranked:
        name = f"{person.first_name} {person.last_name}"
        assert f'<a href="/interviews?job={job.id}&amp;candidate={person.id}">{name}</a>' in html
    # The link lists exactly that candidate's interviews for this job.
    listed = text_of(logged_in.get(f"/interviews?job={job.id}&candidate={ranked[0].id}"))
    rows = listed[listed.index('id="interview-rows"'):]
    assert rows.count("<tr id=") == 1 and "Grace Hopper" in rows and "Alan Turing" not in rows


def test_top_candidates_on_the_job_page_link_to_their_interviews_for_the_job(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}"))
    top = html[html.index('id="top-title"'):]
    for person in ranked:
        assert f'<a href="/interviews?job={job.id}&amp;candidate={person.id}">{person.first_name} {person.last_name}</a>' in top
