"""Practice feedback for candidates: the list, one session's feedback, progress per skill."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_sentiment_point,
    gen_sentiment_session,
    gen_skill_score,
    gen_user,
)
from tests.querycount import statements_of
from webapp.models import LearningResource, Skill
from webapp.practice import charts, feedback

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def candidate(db_session, client):
    user = gen_user(db_session, role="user")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return user


def practice(db_session, user, days_ago: float, *, status="completed", skills=None, **kw):
    """A practice session `days_ago` days back with a sentiment summary (when completed) and skill scores."""
    interview = gen_interview(db_session, user, is_practice=True, status=status,
                              start_time=NOW - timedelta(days=days_ago), **kw)
    if status == "completed":
        gen_sentiment_session(db_session, interview, is_practice=True, employer_visible=False,
                              practice_focus_areas=["SQL", "System Design"])
    for skill, score in (skills or {}).items():
        gen_skill_score(db_session, interview, skill, score)
    return interview


def chart_figure(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" data-chart="{chart_id}">(.*?)</script>', html, re.S)
    assert match, f"no chart {chart_id}"
    return json.loads(match.group(1))


# --- /practice ------------------------------------------------------------------------------


def test_a_new_candidate_learns_what_practice_is(client, candidate):
    response = client.get("/practice")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No practice sessions yet" in html and "only you see the results" in html
    assert "data-chart" not in html and "plotly" not in html


def test_the_list_shows_own_practice_sessions_with_scores_and_a_trend(db_session, client, candidate):
    older = practice(db_session, candidate, 10, skills={"SQL": 50, "Go": 70}, technical_accuracy=Decimal("55"))
    newer = practice(db_session, candidate, 2, skills={"SQL": 80}, technical_accuracy=Decimal("81.5"))
    practice(db_session, candidate, -3, status="scheduled")
    other = practice(db_session, gen_user(db_session), 1)
    job = gen_job(db_session, gen_company(db_session), title="Real Job")
    real = gen_interview(db_session, candidate, job, status="completed")

    html = client.get("/practice").get_data(as_text=True)

    rows = re.findall(r'id="practice-row-(\d+)"', html)
    assert rows[1:] == [str(newer.id), str(older.id)]  # newest first; the scheduled one (future) on top
    assert f"/practice/{newer.session_id}" in html and "81.5" in html and "60.0" in html  # skill average of 50 and 70
    assert "SQL, System Design" in html  # no job: the focus areas name the topic
    assert other.session_id not in html and real.session_id not in html
    figure = chart_figure(html, "practice-trend-chart")
    assert [trace["name"] for trace in figure["data"]] == ["Technical accuracy", "Behavioral", "Skill average"]
    assert figure["data"][0]["y"] == [55.0, 81.5]  # completed sessions only, oldest first
    assert figure["data"][2]["y"] == [60.0, 80.0]
    assert re.search(r"/static/vendor/plotly\.min\.[0-9a-f]{12}\.js", html)


def test_sorting_and_paging_keep_their_state_in_the_url(db_session, client, candidate):
    sessions = {score: practice(db_session, candidate, i + 1, technical_accuracy=Decimal(score))
                for i, score in enumerate((70, 40, 90))}
    html = client.get("/practice?sort=technical").get_data(as_text=True)
    assert re.findall(r'id="practice-row-(\d+)"', html) == [str(sessions[s].id) for s in (40, 70, 90)]
    assert 'aria-sort="ascending"' in html

    fragment = client.get("/practice?sort=-technical&page=7", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and 'id="practice-rows"' in body
    assert fragment.headers["HX-Push-Url"] == "/practice?sort=-technical"  # page 7 of 1 is page 1
    assert "HX-Request" in fragment.headers["Vary"]

    bad = client.get("/practice?page=two")
    assert bad.status_code == 400 and "whole number" in bad.get_data(as_text=True)


def test_the_list_runs_the_same_statements_for_2_or_25_sessions(app, db_session, client, candidate):
    for i in range(2):
        practice(db_session, candidate, i + 1, skills={"SQL": 60, "Go": 70})
    few, _ = statements_of(app, client, "/practice")
    for i in range(23):
        practice(db_session, candidate, i + 5, skills={"SQL": 60, "Go": 70})
    many, html = statements_of(app, client, "/practice")
    assert len(many) == len(few)
    assert "Showing 1–20 of 25 practice sessions" in html


# --- /practice/<session_id> -----------------------------------------------------------------


def test_feedback_explains_the_session_and_the_change_since_last_time(db_session, client, candidate):
    previous = practice(db_session, candidate, 9, skills={"SQL": 50, "Go": 80})
    practice(db_session, candidate, 20, skills={"SQL": 10})  # older: not the one compared with
    practice(db_session, candidate, 5, status="cancelled")  # no results: skipped
    weak = db_session.query(Skill).filter_by(name="SQL").one()
    catalog = [
        LearningResource(title="SQL joins, quickly", description="d", resource_type="video",
                         url="https://learn.example/sql", estimated_hours=1, skill_id=weak.id),
        LearningResource(title="SQL already suggested", description="d", resource_type="book",
                         url="https://learn.example/book", estimated_hours=9, skill_id=weak.id),
    ]
    db_session.add_all(catalog)
    db_session.flush()
    interview = gen_interview(
        db_session, candidate, is_practice=True, status="completed", start_time=NOW - timedelta(hours=3),
        knowledge_gaps=[{"skill": "SQL", "score": 42, "priority": "high"}, "Caching"],
        suggested_resources=[
            {"resource_id": catalog[1].id, "title": "SQL already suggested", "url": "https://learn.example/book"},
            {"title": "Sneaky link", "url": "javascript:alert(1)"},
        ],
    )
    summary = gen_sentiment_session(
        db_session, interview, is_practice=True, overall_sentiment="mixed",
        detailed_feedback={"summary": "Good structure; tighten SQL.", "strengths": ["Clear examples"],
                           "overall_rating": 66},
        improvement_suggestions=["Say the trade-off out loud."], practice_focus_areas=["SQL"],
    )
    gen_sentiment_point(db_session, summary, timestamp=NOW - timedelta(hours=2, minutes=50))
    gen_skill_score(db_session, interview, "SQL", 62)
    gen_skill_score(db_session, interview, "Go", 70)
    gen_skill_score(db_session, interview, "Kotlin", 90)

    html = client.get(f"/practice/{interview.session_id}").get_data(as_text=True)

    for text in ("Good structure; tighten SQL.", "Clear examples", "Say the trade-off out loud.",
                 "Your tone moved between confident and unsure", "High priority", "Caching"):
        assert text in html, text
    assert f"/practice/{previous.session_id}" in html  # compared with the latest completed one before
    assert "Up 12.0 points" in html and "Down 10.0 points" in html and "Not scored last time" in html
    assert html.count("SQL already suggested") == 1  # the catalog never repeats a suggestion
    assert '<a href="https://learn.example/sql"' in html
    assert "Sneaky link" in html and "javascript:" not in html
    timeline = chart_figure(html, "practice-timeline")
    assert timeline["data"][0]["name"] == "Overall tone (smoothed)" and len(timeline["data"][0]["x"]) == 1


def test_the_feedback_page_runs_a_fixed_number_of_statements(app, db_session, client, candidate):
    small = practice(db_session, candidate, 3, skills={"A": 50}, knowledge_gaps=[{"skill": "A"}])
    large = practice(db_session, candidate, 1, skills={f"S{i}": 40 + i for i in range(8)},
                     knowledge_gaps=[{"skill": f"S{i}"} for i in range(5)])
    few, _ = statements_of(app, client, f"/practice/{small.session_id}")
    many, _ = statements_of(app, client, f"/practice/{large.session_id}")
    assert len(many) == len(few)


@pytest.mark.parametrize(("status", "message"), [
    ("scheduled", "has not started yet"), ("cancelled", "was cancelled"), ("in_progress", "still in progress"),
])
def test_a_session_without_results_says_so_instead_of_empty_charts(db_session, client, candidate, status, message):
    interview = practice(db_session, candidate, 1, status=status)
    response = client.get(f"/practice/{interview.session_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "data-chart" not in html and "Your skill scores" not in html and "Build my learning path" not in html


def test_only_the_candidates_own_practice_sessions_open(db_session, client, candidate):
    foreign = practice(db_session, gen_user(db_session), 1)
    real = gen_interview(db_session, candidate, gen_job(db_session, gen_company(db_session)), status="completed")
    for session_id in (foreign.session_id, real.session_id, "nope", "x" * 300, "bad\x00id"):
        assert client.get(f"/practice/{session_id}").status_code == 404, session_id


def test_the_candidate_dashboard_links_its_practice_sessions(db_session, client, candidate):
    interview = practice(db_session, candidate, 1)
    assert f'href="/practice/{interview.session_id}"' in client.get("/dashboard").get_data(as_text=True)


# --- /practice/progress ---------------------------------------------------------------------


def test_progress_charts_every_skill_with_a_table_alternative(db_session, client, candidate):
    assert "Nothing to chart yet" in client.get("/practice/progress").get_data(as_text=True)
    practice(db_session, candidate, 9, skills={"SQL": 50, "Go": 70})
    practice(db_session, candidate, 2, skills={"SQL": 65})
    practice(db_session, candidate, 1, status="cancelled", skills={"SQL": 5})  # not a result
    practice(db_session, gen_user(db_session), 1, skills={"Rust": 99})  # someone else's

    html = client.get("/practice/progress").get_data(as_text=True)

    figure = chart_figure(html, "skill-progress-chart")
    lines = {trace["name"]: trace["y"] for trace in figure["data"]}
    assert lines == {"Go": [70.0], "SQL": [50.0, 65.0]}
    assert "+15.0" in html and "scored once" in html
    assert "2 skills across 2 completed practice sessions" in html


# --- pure functions -------------------------------------------------------------------------


def test_engine_json_of_any_shape_is_read_without_errors():
    gaps = feedback.knowledge_gaps([{"skill": "B", "priority": "medium"}, {"skill": "A", "score": 30,
                                    "priority": "high"}, "C", {"no": "skill"}, 7, {"skill": "  "}])
    assert [gap["skill"] for gap in gaps] == ["A", "B", "C"]
    assert feedback.knowledge_gaps({"not": "a list"}) == []
    resources = feedback.suggested_resources([{"title": "T", "url": "data:text/html,x", "resource_id": True}, "junk"])
    assert resources == [{"resource_id": None, "title": "T", "url": None, "resource_type": None, "skill": None}]
    details = feedback.detailed_feedback({"summary": 3, "strengths": ["a", 1], "overall_rating": "NaN"})
    assert (details.summary, details.strengths, details.overall_rating) == (None, ["a"], None)


def test_the_trend_chart_keeps_missing_scores_as_gaps():
    class Row:
        def __init__(self, day, technical):
            self.start_time, self.technical_accuracy = NOW - timedelta(days=day), technical
            self.behavioral_score, self.skill_average = None, Decimal("50.5")

    figure = charts.trend_sparkline([Row(2, Decimal("40")), Row(1, None)])
    assert figure["data"][0]["y"] == [40.0, None] and figure["data"][2]["y"] == [50.5, 50.5]
    assert figure["layout"]["yaxis"]["range"] == [0, 100]


def test_a_completed_session_the_engine_has_not_analysed_shows_empty_states(db_session, client, candidate):
    bare = gen_interview(db_session, candidate, is_practice=True, status="completed", knowledge_gaps=None)
    html = client.get(f"/practice/{bare.session_id}").get_data(as_text=True)
    for text in ("No tone analysis for this session", "No skill scores", "No timeline for this session",
                 "No knowledge gaps found", "Your first completed practice session"):
        assert text in html, text
    assert "data-chart" not in html
