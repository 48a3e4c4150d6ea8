"""Every chart has a text alternative (a summary sentence and a data table) holding the chart's numbers;
assessments read in words; tone and traits are coloured by one rule on the employer's and the candidate's page."""

from __future__ import annotations

import html as html_lib
import re
from datetime import timedelta
from decimal import Decimal

from tests.factories import gen_behavioral_analysis, gen_interview_assessment, gen_sentiment_session
from tests.test_interview_page import (  # noqa: F401 (fixtures)
    START,
    add_points,
    candidate,
    employer,
    interview,
    job,
    logged_in,
    page,
)


def data_table(html: str, caption: str) -> list[list[str]]:
    """The rows (header row first) of the data table whose caption starts with `caption`, as plain text cells."""
    match = re.search(rf'<caption class="visually-hidden">{re.escape(caption)}.*?</caption>(.*?)</table>', html, re.S)
    assert match, f"no data table {caption!r}"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S)
    return [
        [html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def summary_before(html: str, caption: str) -> str:
    """The summary sentence printed right before that table's disclosure."""
    index = html.index(f'<caption class="visually-hidden">{caption}')
    sentences = re.findall(r'<p class="chart-summary small">(.*?)</p>', html[:index], re.S)
    return html_lib.unescape(sentences[-1])


def test_the_timeline_table_holds_each_questions_moments_tone_and_flags(logged_in, db_session, interview):
    gen_sentiment_session(db_session, interview)
    add_points(db_session, interview, 12)  # every 10 s; answers took 42.5, 90 and 12 s

    html = page(logged_in, interview).get_data(as_text=True)

    table = data_table(html, "Tone per question")
    assert table[0][:5] == ["Question", "From", "To", "Moments", "Overall tone"]
    # tone = 50 + (positive - negative) / 2; Q1 holds the points at 10-40 s, Q2 those at 50-120 s
    assert [row[:5] for row in table[1:]] == [["Q1", "0:00", "0:42", "4", "70.8"], ["Q2", "0:42", "2:12", "8", "72.5"]]
    assert table[1][9:] == ["1", "hesitation"] and table[2][9:] == ["0", "none"]
    sentence = summary_before(html, "Tone per question")
    assert "over 12 analysed moments in 2 questions" in sentence and "1 moment flagged in 1 question" in sentence
    assert '<summary>Data table<span class="visually-hidden">: Tone per question' in html
    # the flag group is a real button naming its question and count
    assert re.search(r'<button type="button" class="btn btn-ghost btn-small flag-group"[^>]*data-flag-index="0"', html)
    assert "<strong>Q1</strong> · 1 flagged" in html


def test_context_response_time_and_behavior_charts_have_tables(logged_in, db_session, interview):
    gen_sentiment_session(db_session, interview)
    add_points(db_session, interview, 3)
    gen_behavioral_analysis(db_session, interview, fear_score=Decimal("2.50"), curiosity_score=Decimal("88.00"))

    html = page(logged_in, interview).get_data(as_text=True)

    factors = data_table(html, "Average of each context factor per question")
    assert factors[0] == ["Question", "Value alignment", "Requirement addressing", "Relevance", "Confidence",
                          "Enthusiasm", "Authenticity"]
    assert factors[1][0] == "Q1" and len(factors) == 2
    times = data_table(html, "Seconds the candidate took for each answer")
    assert times[1:] == [["Q1", "42"], ["Q2", "90"], ["Q3", "12"]]
    assert "3 answers, 48 seconds on average; the longest was Q2 (90 seconds)." in summary_before(
        html, "Seconds the candidate took")
    traits = data_table(html, "Inferred behavioral traits")
    assert ["Fear", "2.5", "lower is better"] in traits and ["Curiosity", "88.0", "higher is better"] in traits


def test_assessments_show_their_evidence_in_words(logged_in, db_session, interview):
    gen_interview_assessment(db_session, interview, "Behavioral", "Adaptability",
                             details={"category": "Adaptability", "evidence_count": 1})
    gen_interview_assessment(db_session, interview, "Behavioral", "Teamwork",
                             details={"evidence_count": 3, "rationale": "Named the team's trade-offs."})

    html = page(logged_in, interview).get_data(as_text=True)

    assert "evidence_count" not in html and "category: Adaptability" not in html
    text = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", html)))
    assert "Adaptability 68.0 · based on 1 piece of evidence" in text
    assert "Teamwork 68.0 · based on 3 pieces of evidence · Named the team's trade-offs." in text


def test_negative_traits_are_green_when_low_on_the_employers_page(logged_in, db_session, interview):
    gen_sentiment_session(db_session, interview, negative_score=Decimal("80.00"), positive_score=Decimal("10.00"),
                                    neutral_score=Decimal("5.00"), mixed_score=Decimal("5.00"))
    gen_behavioral_analysis(db_session, interview, fear_score=Decimal("2.50"), nervousness_score=Decimal("90.00"),
                            confidence_score=Decimal("90.00"))

    html = page(logged_in, interview).get_data(as_text=True)

    def cell(label: str) -> str:
        section = html[html.index('id="behavior-title"'):] if label in ("Fear", "Nervousness", "Confidence") else html
        match = re.search(rf"<dt>{label}( <span[^>]*>\([^)]*\)</span>)?</dt><dd>(.*?)</dd>", section)
        assert match, label
        return match.group(0)

    assert 'score-low">80.0' in cell("Negative") and "(lower is better)" in cell("Negative")
    assert 'score-high">2.5' in cell("Fear") and 'score-low">90.0' in cell("Nervousness")
    assert 'score-high">90.0' in cell("Confidence") and 'score-low">10.0' in cell("Positive")
    assert "score-plain" in cell("Neutral")


def test_evidence_words_read_any_shape():
    from webapp.interviews.evidence import evidence_words

    assert evidence_words({"category": "Adaptability", "evidence_count": 1}, "Adaptability") == "based on 1 piece of evidence"
    assert evidence_words({"evidence": ["Led the migration", "Mentored two juniors"]}) == (
        "based on 2 pieces of evidence: Led the migration; Mentored two juniors")
    assert evidence_words({"evidence_count": 0, "source_model": "v2"}) == "based on 0 pieces of evidence · Source model: v2"
    assert evidence_words({"category": "Other name"}, "Adaptability") == "Category: Other name"
    assert evidence_words(None) == "" and evidence_words({}) == "" and evidence_words("Strong answer") == "Strong answer"
    assert evidence_words({"evidence_count": True}) == "Evidence count: True"  # a boolean is not a count


def test_the_candidate_sees_tone_on_the_same_scale_and_colours(db_session, client, auth):
    from tests.factories import PASSWORD, gen_interview, gen_user

    candidate_user = gen_user(db_session, role="user")
    practice = gen_interview(db_session, candidate_user, is_practice=True, status="completed",
                             start_time=START, response_times=[30, 30])
    summary = gen_sentiment_session(db_session, practice, is_practice=True, employer_visible=False,
                                    negative_score=Decimal("80.00"), positive_score=Decimal("10.00"),
                                    neutral_score=Decimal("5.00"), mixed_score=Decimal("5.00"))
    from tests.factories import gen_sentiment_point

    for i in range(4):
        gen_sentiment_point(db_session, summary, timestamp=START + timedelta(seconds=15 * i + 5),
                            positive_score=Decimal("60.00"), negative_score=Decimal("20.00"))
    assert auth.login(candidate_user.email, PASSWORD).status_code == 302

    html = client.get(f"/practice/{practice.session_id}").get_data(as_text=True)

    assert re.search(r"<dt>Negative <span[^>]*>\(lower is better\)</span></dt><dd><span class=\"score score-low\">80.0", html)
    table = data_table(html, "Tone per question")
    assert [row[:5] for row in table[1:]] == [["Q1", "0:00", "0:30", "2", "70.0"], ["Q2", "0:30", "1:00", "2", "70.0"]]


def test_practice_trend_and_progress_charts_have_their_tables(db_session, client, auth):
    from tests.factories import PASSWORD, gen_user
    from tests.test_practice import practice

    me = gen_user(db_session, role="user")
    practice(db_session, me, 9, skills={"SQL": 50, "Go": 70}, technical_accuracy=Decimal("55.00"),
             behavioral_score=Decimal("60.00"))
    practice(db_session, me, 2, skills={"SQL": 64}, technical_accuracy=Decimal("71.50"),
             behavioral_score=Decimal("66.00"))
    assert auth.login(me.email, PASSWORD).status_code == 302

    index = client.get("/practice").get_data(as_text=True)
    trend = data_table(index, "Your last completed practice sessions")
    assert trend[0] == ["Session", "Technical accuracy", "Behavioral", "Skill average"]
    assert [row[1:] for row in trend[1:]] == [["55.0", "60.0", "60.0"], ["71.5", "66.0", "64.0"]]
    assert summary_before(index, "Your last completed practice sessions") == (
        "Across your last 2 completed practice sessions: technical accuracy 55 → 72, behavioral 60 → 66, "
        "skill average 60 → 64.")

    progress = client.get("/practice/progress").get_data(as_text=True)
    scores = data_table(progress, "Every skill score of every completed practice session")
    assert [row[1:] for row in scores[1:]] == [["Go", "70.0"], ["SQL", "50.0"], ["SQL", "64.0"]]
    assert "the biggest change is SQL, +14.0 points from first to latest" in summary_before(
        progress, "Every skill score")
