"""The interview review page: what an employer reads, what stays hidden, notes and the difficulty flag."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import (
    PASSWORD,
    gen_behavioral_analysis,
    gen_company,
    gen_context_factors,
    gen_cultural_fit,
    gen_interview,
    gen_interview_assessment,
    gen_job,
    gen_sentiment_point,
    gen_sentiment_session,
    gen_skill_assessment,
    gen_user,
)
from tests.querycount import statements_of
from webapp import create_app
from webapp.models import AuditEvent, SentimentSession

START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user, company_name="Initech")
    return user


@pytest.fixture
def job(db_session, employer):
    return gen_job(db_session, employer.company, title="Robotics Engineer")


@pytest.fixture
def candidate(db_session):
    return gen_user(db_session, role="user", first_name="Ada", last_name="Quill")


@pytest.fixture
def interview(db_session, candidate, job):
    return gen_interview(
        db_session, candidate, job, status="completed", start_time=START, time_extension_count=1,
        enable_behavioral_analysis=True, response_times=[42.5, 90, 12],
        attention_metrics={"eye_contact_pct": 74.5, "tab_switches": 2, "camera_on": True},
        knowledge_gaps=[{"skill": "Kinematics", "score": 41.0, "priority": "high"}],
        suggested_resources=[{"title": "Kinematics primer", "url": "https://learn.example/kinematics", "skill": "Kinematics"}],
        warning_sent_at=[{"type": "first_warning", "sent_at": (START + timedelta(minutes=25)).isoformat()}],
    )


@pytest.fixture
def logged_in(client, auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return client


def add_points(db_session, interview, count, *, context=True, start=START, **kw):
    sentiment = db_session.scalars(
        select(SentimentSession).where(SentimentSession.interview_session_id == interview.id)
    ).first() or gen_sentiment_session(db_session, interview)
    detail = kw.pop("detail", None)
    points = []
    for i in range(count):
        point = gen_sentiment_point(
            db_session, sentiment, timestamp=start + timedelta(seconds=10 * (i + 1)),
            positive_score=Decimal("50.00") + i % 10, negative_score=Decimal("10.00"), neutral_score=Decimal("30.00"),
            mixed_score=Decimal("5.00"), confidence=Decimal("66.00"), detail=detail or f"Q{i + 1}: answer on gearboxes", **kw,
        )
        if context:
            gen_context_factors(db_session, point, key_themes=["gear trains", "torque"], flags=["hesitation"] if i == 0 else [])
        points.append(point)
    return points


def chart(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" data-chart="{chart_id}">(.*?)</script>', html, re.S)
    assert match, f"no chart {chart_id}"
    return json.loads(match.group(1))


def page(client, interview, **kw):
    return client.get(f"/interviews/{interview.session_id}", **kw)


def test_the_employer_reads_the_whole_interview(logged_in, db_session, interview):
    gen_sentiment_session(db_session, interview, positive_score=Decimal("59.25"), engagement_score=Decimal("83.50"))
    add_points(db_session, interview, 12)
    gen_skill_assessment(db_session, interview, "Python", "Programming", scores=(55, 62, 71))
    gen_skill_assessment(db_session, interview, "Teamwork", "Soft skills", scores=(80,))
    gen_interview_assessment(db_session, interview, "Technical", "Algorithms", score=Decimal("66.00"))
    gen_interview_assessment(db_session, interview, "Behavioral", "Communication", score=Decimal("74.00"))
    gen_cultural_fit(db_session, interview, comments="Thrives in small teams.")
    gen_behavioral_analysis(db_session, interview, curiosity_score=Decimal("88.00"))

    response = page(logged_in, interview)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Ada Quill", "Robotics Engineer", "Completed", "Extensions used", "59.2", "83.5",
                 "Python", "Programming", "Teamwork", "Soft skills", "Algorithms", "Communication",
                 "Thrives in small teams.", "Kinematics primer", "Kinematics", "High priority",
                 "Eye contact (%)", "Tab switches", "AI inference", "must never decide a hire on their own",
                 "First warning"):
        assert text in html, text
    assert 'href="https://learn.example/kinematics"' in html
    assert html.count("<polyline") == 2  # one sparkline per skill
    assert 'aria-label="Python history: 55, 62, 71"' in html
    assert url_contains_plotly(html)
    timeline = chart(html, "sentiment-timeline")
    assert len(timeline["data"][0]["x"]) == 12
    assert "Q1: answer on gearboxes" in timeline["data"][0]["customdata"][0]
    assert "gear trains, torque" in timeline["data"][0]["customdata"][0]
    assert "hesitation" in timeline["data"][0]["customdata"][0]
    notices = [shape for shape in timeline["layout"]["shapes"] if shape["type"] == "line"]
    assert [shape["x0"][:16] for shape in notices] == [(START + timedelta(minutes=25)).isoformat()[:16]]
    assert len(chart(html, "context-factors")["data"]) == 6
    assert chart(html, "response-times")["data"][0]["y"] == [42.5, 90, 12]
    radar = chart(html, "behavior-radar")["data"][0]
    assert radar["type"] == "scatterpolar" and 88.0 in radar["r"]


def url_contains_plotly(html: str) -> bool:
    return re.search(r'<script src="/static/vendor/plotly\.min\.[0-9a-f]{12}\.js" defer></script>', html) is not None


def test_points_outside_the_interview_window_are_not_read(logged_in, db_session, interview):
    add_points(db_session, interview, 3)
    add_points(db_session, interview, 2, context=False, start=START - timedelta(days=5))

    timeline = chart(page(logged_in, interview).get_data(as_text=True), "sentiment-timeline")

    assert len(timeline["data"][0]["x"]) == 3


def test_a_hidden_sentiment_session_shows_a_notice_and_no_sentiment_data(logged_in, db_session, interview):
    gen_sentiment_session(db_session, interview, employer_visible=False, positive_score=Decimal("58.37"),
                          clarity_score=Decimal("47.13"))
    add_points(db_session, interview, 4, detail="SECRET ANSWER DETAIL")

    html = page(logged_in, interview).get_data(as_text=True)

    assert "not shared with employers" in html
    for leaked in ("58.37", "58.4", "47.13", "47.1", "SECRET ANSWER DETAIL", "gear trains", "sentiment-timeline",
                   "context-factors", "Sentiment summary", "Clarity"):
        assert leaked not in html, leaked


def test_behavior_is_absent_when_the_session_did_not_enable_it(logged_in, db_session, interview):
    interview.enable_behavioral_analysis = False
    gen_behavioral_analysis(db_session, interview)
    db_session.flush()

    html = page(logged_in, interview).get_data(as_text=True)

    assert "Behavioral analysis" not in html and "behavior-radar" not in html


def test_an_interview_without_analysis_shows_empty_states(logged_in, db_session, job, candidate):
    bare = gen_interview(db_session, candidate, job, status="scheduled", start_time=None,
                         scheduled_time=START + timedelta(days=2))

    response = page(logged_in, bare)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("No sentiment analysis yet", "No sentiment points", "No skills assessed", "No assessments",
                 "No cultural-fit assessment", "No response times", "No knowledge gaps identified", "No notes yet"):
        assert text in html, text
    assert "data-chart" not in html


def test_json_of_unknown_shapes_is_shown_as_text(logged_in, db_session, interview):
    interview.knowledge_gaps = ["recursion", {"weird": 1}, 5]
    interview.suggested_resources = {"not": "a list"}
    interview.attention_metrics = [1, 2]
    interview.response_times = ["n/a", {"seconds": 30}]
    interview.warning_sent_at = ["not a date", 5, None, "2026-01-01T10:00:00+00:00"]
    interview.suggested_resources = [{"title": "Evil", "url": "javascript:alert(1)"}]
    db_session.flush()

    response = page(logged_in, interview)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "recursion" in html and "weird: 1" in html
    assert "javascript:" not in html and "Evil" in html
    assert chart(html, "response-times")["data"][0]["y"] == [30.0]


def test_engine_text_cannot_break_out_of_the_chart_json(logged_in, db_session, interview):
    add_points(db_session, interview, 1, detail="</script><script>alert(1)</script>")

    html = page(logged_in, interview).get_data(as_text=True)

    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;" in chart(html, "sentiment-timeline")["data"][0]["customdata"][0]


@pytest.mark.parametrize("who", ["other_employer", "candidate", "practice", "missing", "nul"])
def test_foreign_practice_and_missing_interviews_are_not_found(client, auth, db_session, interview, candidate, job, who):
    if who == "other_employer":
        other = gen_user(db_session, role="employer")
        gen_company(db_session, other)
        auth.login(other.email, PASSWORD)
        url = f"/interviews/{interview.session_id}"
    elif who == "candidate":
        auth.login(candidate.email, PASSWORD)
        url = f"/interviews/{interview.session_id}"
    else:
        auth.login(job.company.user.email, PASSWORD)
        if who == "practice":
            url = f"/interviews/{gen_interview(db_session, candidate, job, is_practice=True).session_id}"
        else:
            url = "/interviews/no-such-session" if who == "missing" else "/interviews/a%00b"
    expected = 403 if who == "candidate" else 404
    assert client.get(url).status_code == expected
    assert client.post(url + "/notes", data={"notes": "x"}).status_code == expected
    assert client.post(url + "/difficulty").status_code == expected


# --- notes ---------------------------------------------------------------------------------------


def notes_events(db_session):
    return db_session.scalars(select(AuditEvent).where(AuditEvent.action == "interview.note_added")).all()


def test_notes_save_inline_and_are_escaped_and_audited(logged_in, db_session, interview, employer):
    response = logged_in.post(f"/interviews/{interview.session_id}/notes",
                              data={"notes": "Strong on <b>gears</b>\r\nFollow up."}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card notes-card" id="interview-notes"')
    assert "Strong on &lt;b&gt;gears&lt;/b&gt;\nFollow up." in html and "Note added." in html
    db_session.refresh(interview)
    assert interview.interviewer_notes == "Strong on <b>gears</b>\nFollow up."
    [audit] = notes_events(db_session)
    assert audit.actor_id == employer.id and audit.target_id == str(interview.id)
    assert "gears" not in json.dumps(audit.details)  # the trail records that a note was added, not what it says
    assert "Strong on &lt;b&gt;gears" in page(logged_in, interview).get_data(as_text=True)


def test_notes_without_javascript_redirect_back_to_the_page(logged_in, db_session, interview):
    response = logged_in.post(f"/interviews/{interview.session_id}/notes", data={"notes": "Plain form."})

    assert response.status_code == 303
    assert re.search(rf"/interviews/{interview.session_id}#note-\d+$", response.headers["Location"])
    db_session.refresh(interview)
    assert interview.interviewer_notes == "Plain form."


def test_a_blank_note_is_refused_and_the_notes_stay(logged_in, db_session, interview):
    interview.interviewer_notes = "Old"
    db_session.flush()
    response = logged_in.post(f"/interviews/{interview.session_id}/notes", data={"notes": "   "},
                              headers={"HX-Request": "true"})
    assert response.status_code == 422 and "Write the note first." in response.get_data(as_text=True)
    db_session.refresh(interview)
    assert interview.interviewer_notes == "Old"


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        ("x" * 10_001, "Keep the note to 10,000 characters or fewer."),
        ("null\x00byte", "Remove the invisible control characters"),
        ("bell\x07", "Remove the invisible control characters"),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_notes_get_a_message_and_nothing_is_written(logged_in, db_session, interview, notes, message, htmx):
    interview.interviewer_notes = "Keep me"
    db_session.flush()
    headers = {"HX-Request": "true"} if htmx else {}

    response = logged_in.post(f"/interviews/{interview.session_id}/notes", data={"notes": notes}, headers=headers)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'role="alert"' in html and 'aria-describedby="notes-error"' in html
    db_session.refresh(interview)
    assert interview.interviewer_notes == "Keep me"
    assert notes_events(db_session) == []


def test_exactly_ten_thousand_characters_with_crlf_line_breaks_are_accepted(logged_in, db_session, interview):
    notes = ("a" * 99 + "\r\n") * 100  # 10,000 characters once CRLF counts as one
    response = logged_in.post(f"/interviews/{interview.session_id}/notes", data={"notes": notes},
                              headers={"HX-Request": "true"})
    assert response.status_code == 200
    db_session.refresh(interview)
    assert len(interview.interviewer_notes) == 9_999  # the trailing line break is trimmed


def test_notes_need_the_csrf_token(app, db_session, interview, employer):
    csrf_app = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "WTF_CSRF_ENABLED": True})
    csrf_app.extensions["db_bind"] = db_session.get_bind()  # the test's transaction, rolled back afterwards
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/login", data={"email": employer.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    url = f"/interviews/{interview.session_id}/notes"
    html = client.get(f"/interviews/{interview.session_id}").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)

    assert client.post(url, data={"notes": "forged"}).status_code == 400
    assert client.post(url, data={"notes": "forged"}, headers={"HX-Request": "true"}).headers["HX-Refresh"] == "true"
    assert client.post(f"/interviews/{interview.session_id}/difficulty").status_code == 400
    db_session.refresh(interview)
    assert interview.interviewer_notes is None and not interview.technical_difficulty_reported
    assert notes_events(db_session) == []

    accepted = client.post(url, data={"notes": "genuine"}, headers={"HX-Request": "true", "X-CSRFToken": header_token})

    assert accepted.status_code == 200
    db_session.refresh(interview)
    assert interview.interviewer_notes == "genuine"
    csrf_app.extensions["db_engine"].dispose()


def test_the_difficulty_flag_toggles(logged_in, db_session, interview):
    url = f"/interviews/{interview.session_id}/difficulty"

    on = logged_in.post(url, headers={"HX-Request": "true"})
    db_session.refresh(interview)
    assert on.status_code == 200 and interview.technical_difficulty_reported is True
    assert 'aria-pressed="true"' in on.get_data(as_text=True) and "Technical difficulty reported" in on.get_data(as_text=True)

    off = logged_in.post(url)
    db_session.refresh(interview)
    assert off.status_code == 303 and interview.technical_difficulty_reported is False
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(interview.id))).all()
    assert actions == ["interview.difficulty_flag_changed"] * 2


# --- queries -------------------------------------------------------------------------------------


def count_statements(app, client, url) -> int:
    return len(statements_of(app, client, url)[0])


def test_the_page_runs_a_fixed_number_of_queries(app, logged_in, db_session, interview, candidate, job):
    small = interview
    add_points(db_session, small, 1)
    gen_skill_assessment(db_session, small, scores=(50,))
    gen_interview_assessment(db_session, small)
    big = gen_interview(db_session, candidate, job, status="completed", start_time=START, enable_behavioral_analysis=True)
    add_points(db_session, big, 60)
    for i in range(6):
        gen_skill_assessment(db_session, big, category=f"Cat {i % 3}", scores=(40, 50, 60, 70))
        gen_interview_assessment(db_session, big, "Technical" if i % 2 else "Behavioral")
    gen_cultural_fit(db_session, big)
    gen_behavioral_analysis(db_session, big)
    gen_cultural_fit(db_session, small)
    gen_behavioral_analysis(db_session, small)
    db_session.expire_all()

    few = count_statements(app, logged_in, f"/interviews/{small.session_id}")
    many = count_statements(app, logged_in, f"/interviews/{big.session_id}")

    assert few == many
    # login, interview (with candidate and job), the review data (summaries, fit, behavior, skills, assessments),
    # the points, the assigned interviewers (with the members to assign), the header's company switcher
    # and the notes thread, the job's scorecard attributes, the interview's scorecards, the AI and human scores,
    # the practice the candidate shared
    assert many <= 11, many


def test_skills_keep_their_groups_and_history_order_and_a_skill_without_history_says_so(
    logged_in, db_session, interview
):
    gen_skill_assessment(db_session, interview, "Rust", "Programming", scores=(40, 35, 90))
    gen_skill_assessment(db_session, interview, "Listening", None, scores=())
    gen_skill_assessment(db_session, interview, "Go", "Programming", scores=(70,))

    html = page(logged_in, interview).get_data(as_text=True)

    assert html.index(">Go<") < html.index(">Rust<") < html.index(">Other<") < html.index(">Listening<")
    assert 'aria-label="Rust history: 40, 35, 90"' in html and 'aria-label="Go history: 70"' in html
    assert html.count("<polyline") == 2 and html.count("No history") == 1


def test_the_newest_of_several_summaries_is_shown_with_the_fit_and_behavior_once(logged_in, db_session, interview):
    gen_sentiment_session(db_session, interview, session_id="older", engagement_score=Decimal("11.00"),
                          created_at=START)
    gen_sentiment_session(db_session, interview, session_id="newer", engagement_score=Decimal("77.00"),
                          created_at=START + timedelta(hours=1))
    gen_cultural_fit(db_session, interview, comments="Asks good questions.")
    gen_behavioral_analysis(db_session, interview, curiosity_score=Decimal("88.00"))

    html = page(logged_in, interview).get_data(as_text=True)

    assert "77.0" in html and "11.0" not in html
    assert html.count("Asks good questions.") == 1
    assert html.count('data-chart="behavior-radar"') == 1


def test_history_is_read_with_a_time_bound_that_prunes_partitions(db_session, interview):
    from webapp.interviews.page_queries import select_history_points

    add_points(db_session, interview, 2)
    statement = select_history_points(interview)
    compiled = statement.compile(db_session.bind, compile_kwargs={"literal_binds": True})
    plan = "\n".join(row[0] for row in db_session.connection().exec_driver_sql(f"EXPLAIN {compiled}"))
    scanned = set(re.findall(r"interview_sentimenthistory_y\d{4}m\d{2}", plan))
    assert 1 <= len(scanned) <= 2, plan


def test_thousands_of_points_are_all_drawn_with_webgl(logged_in, db_session, interview):
    from sqlalchemy import insert

    from webapp.models import SentimentHistory

    sentiment = gen_sentiment_session(db_session, interview)
    db_session.execute(
        insert(SentimentHistory),
        [
            {"sentiment_session_id": sentiment.id, "interview_session_id": interview.id,
             "positive_score": Decimal("40.00"), "timestamp": START + timedelta(milliseconds=500 * i),
             "detail": f"point {i}"}
            for i in range(3000)
        ],
    )

    response = page(logged_in, interview)

    assert response.status_code == 200
    timeline = chart(response.get_data(as_text=True), "sentiment-timeline")
    assert len(timeline["data"][0]["x"]) == 3000
    assert timeline["data"][0]["type"] == "scattergl"


def test_other_pages_read_points_with_themes_and_flags_decoded(db_session, interview):
    # The practice feedback draws its timeline from select_history_points: lists, not JSON text.
    from webapp.interviews.page_queries import select_history_points

    add_points(db_session, interview, 1)
    point = db_session.execute(select_history_points(interview)).mappings().one()
    assert point["key_themes"] == ["gear trains", "torque"] and point["flags"] == ["hesitation"]
