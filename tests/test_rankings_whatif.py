"""What-if weights on the rankings page: a live re-ranking that writes nothing, and saving it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from tests.factories import PASSWORD, gen_company, gen_dynamic_score_weight, gen_user
from tests.querycount import recorded_statements
from tests.rankings_support import candidate, employer, job, logged_in, names_in_order, ranked, text_of  # noqa: F401 (fixtures)
from webapp.models import AuditEvent, DynamicScoreWeight
from webapp.rankings import services
from webapp.scoring import weights as w

ONLY_FIT = {"w_technical": "0", "w_skills": "0", "w_cultural_fit": "1", "w_sentiment": "0"}
ONLY_TECHNICAL = {"w_technical": "1.00", "w_skills": "0", "w_cultural_fit": "0", "w_sentiment": "0"}


def stored(db_session, job) -> list[tuple]:
    return db_session.execute(
        text("""SELECT candidate_id, overall_score, technical_score, cultural_fit_score, communication_score,
                       ai_confidence, ranking_date
                FROM interview_candidateranking WHERE job_id = :job ORDER BY candidate_id"""),
        {"job": job.id},
    ).all()


def movement_of(html: str, name: str) -> str:
    """The visually hidden movement text on the candidate's row."""
    row = html[html.rindex("<tr", 0, html.index(f"{name}</a>")):html.index(name)]
    return re.search(r'<td class="num movement">.*?<span class="visually-hidden">([^<]+)</span>', row, re.S).group(1)


def test_the_page_has_four_sliders_prefilled_with_the_effective_weights(logged_in, db_session, job, ranked):
    gen_dynamic_score_weight(db_session, job)  # 0.35 / 0.25 / 0.25 / 0.15
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    for name, value in (("technical", "0.35"), ("skills", "0.25"), ("cultural_fit", "0.25"), ("sentiment", "0.15")):
        slider = re.search(rf'<input type="range" id="w-{name}" name="w_{name}"[^>]*>', html, re.S).group(0)
        assert 'min="0" max="1" step="0.01"' in slider and f'value="{value}"' in slider
        assert 'hx-trigger="input changed delay:150ms"' in slider and 'hx-target="#ranking-rows"' in slider
        assert f'<label for="w-{name}">' in html and f'<output id="w-{name}-out" for="w-{name}" class="whatif-value">{value}</output>' in html
    assert "What-if preview" not in html  # the saved ranking, no movement column
    assert ">Move<" not in html


def test_moving_the_weights_re_ranks_with_movement_and_writes_nothing(logged_in, db_session, job, ranked):
    before = stored(db_session, job)
    response = logged_in.get(f"/jobs/{job.id}/rankings", query_string=ONLY_FIT, headers={"HX-Request": "true"})
    html = text_of(response)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="ranking-rows"')
    assert names_in_order(html) == ["Edsger Dijkstra", "Grace Hopper", "Alan Turing"]
    assert '<span class="score score-high">95.0</span>' in html
    assert movement_of(html, "Edsger Dijkstra") == "up 1 place"
    assert movement_of(html, "Grace Hopper") == "down 1 place"
    assert movement_of(html, "Alan Turing") == "no change"
    assert 'aria-hidden="true">▲1<' in html and 'aria-hidden="true">▼1<' in html and 'aria-hidden="true">–<' in html
    # the sliders' numbers follow, out of band
    assert '<output id="w-cultural_fit-out" for="w-cultural_fit" class="whatif-value" hx-swap-oob="true">1.00</output>' in html
    assert stored(db_session, job) == before
    assert db_session.scalar(select(DynamicScoreWeight).where(DynamicScoreWeight.job_id == job.id)) is None


def test_weights_that_do_not_add_up_are_normalised_and_the_page_says_so(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings", query_string={
        "w_technical": "1", "w_skills": "0", "w_cultural_fit": "1", "w_sentiment": "0"}))
    assert "The sliders add up to 2.00, not 1.00; the preview scales them to add up to 1.00" in html
    assert "technical 0.50, skills 0.00, cultural fit 0.50, sentiment 0.00" in html
    assert names_in_order(html) == ["Grace Hopper", "Edsger Dijkstra", "Alan Turing"]
    assert '<span class="score score-high">85.0</span>' in html and "72.5" in html


def test_sort_filter_and_paging_links_keep_the_what_if_weights(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings", query_string=ONLY_TECHNICAL | {"sort": "candidate"}))
    assert names_in_order(html) == ["Alan Turing", "Edsger Dijkstra", "Grace Hopper"]
    assert "w_technical=1.00" in html and "w_cultural_fit=0.00" in html  # sort links and the CSV link
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings", query_string=ONLY_TECHNICAL | {"min": "60"}))
    assert names_in_order(html) == ["Grace Hopper", "Alan Turing"]  # the minimum applies to the what-if score
    assert movement_of(html, "Alan Turing") == "up 1 place"


def test_the_saved_weights_sent_back_are_the_saved_ranking(logged_in, job, ranked):
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings", query_string={
        "w_technical": "0.30", "w_skills": "0.25", "w_cultural_fit": "0.25", "w_sentiment": "0.20", "min": "0"}))
    assert "What-if preview" not in html and ">Move<" not in html


@pytest.mark.parametrize("bad, message", [
    ({"w_technical": "abc"}, "Technical weight: Enter a plain number between 0.00 and 1.00"),
    ({"w_technical": "1.5"}, "Technical weight: Enter a number between 0.00 and 1.00; this is above 1.00."),
    ({"w_sentiment": "nan"}, "Sentiment weight: Enter a plain number"),
    ({"w_skills": ""}, "Skills weight: Enter a number between 0.00 and 1.00."),
    ({"w_technical": "0", "w_cultural_fit": "0"}, "Give at least one factor a weight above 0.00."),
])
def test_bad_what_if_weights_are_explained_and_the_saved_ranking_shown(logged_in, db_session, job, ranked, bad, message):
    args = {"w_technical": "0.5", "w_skills": "0", "w_cultural_fit": "0.5", "w_sentiment": "0"} | bad
    response = logged_in.get(f"/jobs/{job.id}/rankings", query_string=args)
    html = text_of(response)
    assert response.status_code == 422
    assert 'role="alert"' in html and message in html
    assert names_in_order(html) == ["Grace Hopper", "Edsger Dijkstra", "Alan Turing"]


def test_what_if_runs_a_fixed_number_of_queries(app, logged_in, db_session, job):
    def statements_for(n: int) -> int:
        for _ in range(n):
            candidate(db_session, job, "Some One", "60", "70")
        services.recompute(db_session, job.id)
        with recorded_statements(app) as statements:
            response = logged_in.get(f"/jobs/{job.id}/rankings", query_string=ONLY_FIT, headers={"HX-Request": "true"})
            assert response.status_code == 200 and "What-if preview" in text_of(response)
        return len(statements)

    assert statements_for(2) == statements_for(20)


# --- saving ----------------------------------------------------------------------------------


def test_save_asks_for_confirmation_first_and_writes_nothing(logged_in, db_session, job, ranked):
    before = stored(db_session, job)
    response = logged_in.get(f"/jobs/{job.id}/rankings/weights", query_string=ONLY_FIT)
    html = text_of(response)
    assert response.status_code == 200 and "Save these as the job's weights?" in html
    assert "Yes, save and recompute" in html and 'name="confirmed" value="yes"' in html
    assert '<input type="hidden" name="w_cultural_fit" value="1.00">' in html
    # an unconfirmed POST is the same question
    response = logged_in.post(f"/jobs/{job.id}/rankings/weights", data=ONLY_FIT)
    assert response.status_code == 200 and "Yes, save and recompute" in text_of(response)
    assert stored(db_session, job) == before
    assert db_session.scalar(select(DynamicScoreWeight).where(DynamicScoreWeight.job_id == job.id)) is None


def test_saving_writes_the_weights_keeps_the_sentiment_split_audits_and_recomputes(
    logged_in, db_session, employer, job, ranked
):
    gen_dynamic_score_weight(db_session, job)  # base 0.30/0.25/0.25/0.20, sentiment 0.30/0.30/0.20/0.20
    response = logged_in.post(f"/jobs/{job.id}/rankings/weights", data={
        "w_technical": "0.2", "w_skills": "0", "w_cultural_fit": "0.6", "w_sentiment": "0", "confirmed": "yes"})
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}/rankings"
    saved = w.weights_for_job(db_session, job)
    assert saved.effective == w.FactorWeights(Decimal("0.25"), Decimal("0.00"), Decimal("0.75"), Decimal("0.00"))
    assert saved.base == w.FactorWeights(Decimal("0.30"), Decimal("0.25"), Decimal("0.25"), Decimal("0.20"))
    assert saved.adjustments == w.FactorWeights(Decimal("-0.05"), Decimal("-0.25"), Decimal("0.50"), Decimal("-0.20"))
    assert saved.sentiment == w.SentimentWeights(Decimal("0.30"), Decimal("0.30"), Decimal("0.20"), Decimal("0.20"))
    (event,) = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "job.weights_updated")).all()
    assert event.actor_id == employer.id and event.target_id == str(job.id)
    assert event.details["after"]["effective"]["cultural_fit"] == "0.75"
    # recomputed: Dijkstra (50 / 95) = 0.25·50 + 0.75·95 = 83.75 leads now
    rows = {row.candidate_id: row.overall_score for row in stored(db_session, job)}
    assert rows[ranked[2].id] == Decimal("83.75") and rows[ranked[0].id] == Decimal("82.50")
    page = text_of(logged_in.get(f"/jobs/{job.id}/rankings"))
    assert "the ranking has been recomputed" in page
    assert names_in_order(page) == ["Edsger Dijkstra", "Grace Hopper", "Alan Turing"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_saving_bad_weights_is_refused_with_a_message(logged_in, db_session, job, ranked, method):
    data = {"w_technical": "2", "w_skills": "0", "w_cultural_fit": "0", "w_sentiment": "0", "confirmed": "yes"}
    kwargs = {"query_string": data} if method == "GET" else {"data": data}
    response = logged_in.open(f"/jobs/{job.id}/rankings/weights", method=method, **kwargs)
    html = text_of(response)
    assert response.status_code == 422 and 'role="alert"' in html and "this is above 1.00" in html
    assert db_session.scalar(select(DynamicScoreWeight).where(DynamicScoreWeight.job_id == job.id)) is None
    assert not db_session.scalars(select(AuditEvent).where(AuditEvent.action == "job.weights_updated")).all()


def test_saving_needs_a_csrf_token(app, db_session, job, ranked, employer):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        client.post("/login", data={"email": employer.email, "password": PASSWORD})
        response = client.post(f"/jobs/{job.id}/rankings/weights", data=ONLY_FIT | {"confirmed": "yes"})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db_session.scalar(select(DynamicScoreWeight).where(DynamicScoreWeight.job_id == job.id)) is None


def test_another_companys_job_is_not_found_on_every_what_if_route(client, db_session, job, ranked):
    stranger = gen_user(db_session, role="employer")
    gen_company(db_session, stranger)
    client.post("/login", data={"email": stranger.email, "password": PASSWORD})
    assert client.get(f"/jobs/{job.id}/rankings", query_string=ONLY_FIT).status_code == 404
    assert client.get(f"/jobs/{job.id}/rankings/weights", query_string=ONLY_FIT).status_code == 404
    assert client.post(f"/jobs/{job.id}/rankings/weights", data=ONLY_FIT | {"confirmed": "yes"}).status_code == 404
    assert db_session.scalar(select(DynamicScoreWeight).where(DynamicScoreWeight.job_id == job.id)) is None


def test_ties_share_a_place_in_the_preview(logged_in, db_session, job):
    for name, technical in (("Ada Lovelace", "80"), ("Mary Somerville", "80"), ("Carl Gauss", "70")):
        candidate(db_session, job, name, technical, "50")
    services.recompute(db_session, job.id)
    html = text_of(logged_in.get(f"/jobs/{job.id}/rankings", query_string=ONLY_TECHNICAL))
    places = re.findall(r'<td class="num">(\d+)</td>\s*<td class="num movement">', html)
    assert places == ["1", "1", "3"]
