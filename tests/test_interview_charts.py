"""The interview page's figures: pure functions from rows to Plotly figure dicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from webapp.interviews import charts, timeline

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def point(i: int, **kw) -> dict:
    values = {
        "timestamp": T0 + timedelta(seconds=i),
        "positive_score": Decimal("50.00"),
        "negative_score": Decimal("10.00"),
        "neutral_score": Decimal("30.00"),
        "mixed_score": Decimal("5.00"),
        "confidence": Decimal("70.00"),
        "detail": f"Q1: point {i}",
        "key_themes": ["testing"],
        "flags": [],
        "value_alignment_score": Decimal("60.00"),
        "requirement_addressing_score": None,
        "response_relevance_score": Decimal("61.00"),
        "confidence_score": Decimal("62.00"),
        "enthusiasm_score": Decimal("63.00"),
        "authenticity_score": Decimal("64.00"),
    }
    return values | kw


def test_the_timeline_draws_the_smoothed_tone_and_keeps_the_raw_series_one_click_away():
    figure = charts.sentiment_timeline([point(i) for i in range(5)])

    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Overall tone (smoothed)", "Tone at each moment", "Positive", "Negative", "Neutral", "Mixed",
                     "Confidence"]
    tone, *raw = figure["data"]
    assert tone["meta"] == "tone" and "visible" not in tone  # drawn by default
    assert tone["y"] == [70.0] * 5  # 50 + (50 - 10) / 2
    assert all(trace["meta"] == "raw" and trace["visible"] == "legendonly" for trace in raw)
    assert all(len(trace["x"]) == 5 for trace in figure["data"])
    assert figure["data"][0]["x"][0] == T0.isoformat()
    assert figure["data"][3]["y"] == [10.0] * 5
    assert figure["data"][1]["marker"]["color"] == ["#a15c07"] * 5  # a tone of 70 is fair: amber, as on the pages
    assert figure["data"][6]["line"]["dash"] == "dot"
    assert {trace["type"] for trace in figure["data"]} == {"scatter"}


def test_one_point_is_drawn_as_a_marker():
    figure = charts.sentiment_timeline([point(0)])
    assert figure["data"][0]["mode"] == "markers" and figure["data"][0]["x"] == [T0.isoformat()]


def test_thousands_of_points_switch_to_webgl():
    few = charts.sentiment_timeline([point(i) for i in range(charts.WEBGL_THRESHOLD)])
    many = charts.sentiment_timeline([point(i) for i in range(5000)])

    assert few["data"][0]["type"] == "scatter"
    assert {trace["type"] for trace in many["data"]} == {"scattergl"}
    assert len(many["data"][0]["x"]) == 5000
    assert charts.context_factors_chart([point(i) for i in range(5000)])["data"][0]["type"] == "scattergl"


def test_hover_text_carries_detail_themes_and_flags_escaped():
    figure = charts.sentiment_timeline([point(0, detail="<img src=x onerror=alert(1)>", key_themes=["a", "b"],
                                             flags=["<b>hesitation</b>"])])

    hover = figure["data"][0]["customdata"][0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover and "<img" not in hover
    assert "Themes: a, b" in hover and "Flags: &lt;b&gt;hesitation&lt;/b&gt;" in hover
    flagged = figure["data"][-1]
    assert flagged["name"] == "Flagged moments" and flagged["x"] == [T0.isoformat()]
    assert "<b>" not in flagged["customdata"][0]


def test_points_without_context_have_no_themes_line():
    hover = charts.sentiment_timeline([point(0, key_themes=None, flags=None, detail=None)])["data"][0]["customdata"][0]
    assert "No detail" in hover and "Themes" not in hover and "Flags" not in hover


def test_warnings_and_extensions_are_marked():
    warnings = [
        {"type": "first_warning", "sent_at": (T0 + timedelta(minutes=10)).isoformat()},
        (T0 + timedelta(minutes=12)).isoformat().replace("+00:00", "Z"),
        {"type": "extension_granted", "timestamp": (T0 + timedelta(minutes=14)).isoformat()},
        "garbage",
        42,
        {"type": "final_warning"},
    ]

    figure = charts.sentiment_timeline([point(0), point(1)], warnings=warnings, extensions=2)

    shapes = figure["layout"]["shapes"]
    assert [shape["x0"] for shape in shapes] == [(T0 + timedelta(minutes=m)).isoformat() for m in (10, 12, 14)]
    texts = [annotation["text"] for annotation in figure["layout"]["annotations"]]
    assert texts == ["First warning", "Warning", "Extension granted", "2 time extensions used"]
    assert [e["kind"] for e in charts.timing_events(warnings)] == ["warning", "warning", "extension"]
    assert charts.timing_events({"not": "a list"}) == [] and charts.timing_events(None) == []


def test_context_factors_are_six_small_charts_that_keep_gaps_for_missing_values():
    figure = charts.context_factors_chart([point(0), point(1, value_alignment_score=None)])

    assert [trace["name"] for trace in figure["data"]] == [
        "Value alignment", "Requirement addressing", "Relevance", "Confidence", "Enthusiasm", "Authenticity"]
    assert [trace["yaxis"] for trace in figure["data"]] == ["y", "y2", "y3", "y4", "y5", "y6"]
    assert figure["layout"]["showlegend"] is False  # each small chart is titled instead
    assert [a["text"] for a in figure["layout"]["annotations"]][0] == "<b>Value alignment</b>"
    assert figure["layout"]["xaxis6"]["matches"] == "x"  # one time axis: zooming one zooms all
    domains = {tuple(figure["layout"][f"yaxis{n}"]["domain"]) for n in ("", "2", "3", "4", "5", "6")}
    assert len(domains) == 3  # three rows of two
    assert figure["data"][0]["y"] == [60.0, None]
    assert figure["data"][1]["y"] == [None, None]


def test_response_times_skip_values_that_are_not_numbers():
    figure = charts.response_times_chart([12, "n/a", {"seconds": "30.5"}, None, True, float("nan"), "7"])
    assert figure["data"][0]["y"] == [12.0, 30.5, 7.0]
    assert figure["data"][0]["x"] == ["Q1", "Q2", "Q3"]
    assert charts.response_times_chart({"weird": 1})["data"][0]["y"] == []


def test_the_radar_closes_over_seven_traits():
    analysis = SimpleNamespace(confidence_score=Decimal("80"), fear_score=Decimal("10"), sincerity_score=Decimal("70"),
                               nervousness_score=None, excitement_score=Decimal("60"), curiosity_score=Decimal("90"),
                               adaptability_score=Decimal("75"))
    trace = charts.behavior_radar(analysis)["data"][0]
    assert trace["theta"][:7] == ["Confidence", "Fear", "Sincerity", "Nervousness", "Excitement", "Curiosity", "Adaptability"]
    assert trace["r"] == [80.0, 10.0, 70.0, 0.0, 60.0, 90.0, 75.0, 80.0]
    assert trace["theta"][-1] == trace["theta"][0]


def test_sparkline_points_scale_scores_into_the_box():
    assert charts.sparkline_points([{"score": 0}, {"score": 100}], width=100, height=24) == "0.0,22.0 100.0,2.0"
    assert charts.sparkline_points([{"score": 50}], width=100, height=24) == "0.0,12.0 100.0,12.0"
    assert charts.sparkline_points([{"score": 150}, {"score": -5}], width=10, height=24) == "0.0,2.0 10.0,22.0"
    assert charts.sparkline_points([]) == ""


def test_figure_json_cannot_close_its_script_element():
    figure = {"data": [{"text": "</script><script>alert(1)</script> & <!--", "y": [Decimal("1.5")],
                        "x": [T0]}], "layout": {}}

    text = str(charts.figure_json(figure))

    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"data": [{"text": "</script><script>alert(1)</script> & <!--", "y": [1.5],
                                          "x": [T0.isoformat()]}], "layout": {}}


def test_as_text_renders_any_json_shape():
    assert charts.as_text({"a": [1, 2], "b": None}) == "a: 1, 2, b: "
    assert charts.as_text(["x", {"y": True}]) == "x, y: True"
    assert charts.as_text(None) == ""


def test_points_sharing_their_theme_and_flag_lists_get_the_same_labels_as_copies():
    shared_themes, shared_flags = ["gears", "<b>torque</b>"], ["vague"]
    shared = [point(i, key_themes=shared_themes, flags=shared_flags, confidence=70.4) for i in range(3)]
    copies = [point(i, key_themes=list(shared_themes), flags=list(shared_flags), confidence=70.4) for i in range(3)]
    for figure in (charts.sentiment_timeline(shared), charts.sentiment_timeline(copies)):
        assert figure["data"][0]["customdata"][2] == (
            "<b>Q1: point 2</b><br>Themes: gears, &lt;b&gt;torque&lt;/b&gt;<br>Flags: vague<br>Confidence: 70"
        )
        assert figure["data"][-1]["text"] == ["3"]  # one group of three flagged moments
    assert charts.sentiment_timeline(shared) == charts.sentiment_timeline(copies)


# --- reading the timeline: tone, smoothing, questions, flag groups (webapp/interviews/timeline.py) -----


def test_the_overall_tone_runs_from_all_negative_to_all_positive():
    assert timeline.tone(100, 0) == 100.0 and timeline.tone(0, 100) == 0.0
    assert timeline.tone(Decimal("30"), Decimal("30")) == 50.0 and timeline.tone(None, 10) is None


def test_smoothing_is_a_centred_moving_average_that_skips_missing_values():
    assert timeline.smooth([0, 0, 90, 0, 0], window=3) == [0.0, 30.0, 30.0, 30.0, 0.0]
    assert timeline.smooth([10, None, 30, 50], window=3) == [10.0, None, 40.0, 40.0]
    assert timeline.smooth([5, 7], window=1) == [5.0, 7.0]
    spiky = [100 if i % 2 else 0 for i in range(160)]
    smoothed = timeline.smooth(spiky)
    assert timeline.window_for(160) == 13 and timeline.window_for(3) == 1 and timeline.window_for(10_000) == 21
    assert max(smoothed[20:140]) - min(smoothed[20:140]) < 10  # the zigzag becomes a level line near 50


def test_question_segments_come_from_the_answer_times():
    segments = timeline.question_segments([60, {"seconds": "30"}, "n/a", 90], T0)
    assert [(s.label, s.start, s.end) for s in segments] == [
        ("Q1", T0, T0 + timedelta(seconds=60)),
        ("Q2", T0 + timedelta(seconds=60), T0 + timedelta(seconds=90)),
        ("After the last answer", T0 + timedelta(seconds=90), None),  # "n/a": later boundaries are unknown
    ]
    assert timeline.question_segments([], T0) == [] and timeline.question_segments([10], None) == []


def test_flags_are_grouped_one_marker_per_question_with_a_count():
    points = [point(10 * i, flags=["hesitation"] if i in (1, 2, 3, 7) else [], positive_score=20 * (i % 2))
              for i in range(10)]
    points[2]["flags"] = ["long_pause", "hesitation"]
    reading = timeline.read(points, [45, 30, 30], T0)

    assert [(s.segment.label, s.points, s.flagged) for s in reading.summaries] == [
        ("Q1", 5, 3), ("Q2", 3, 1), ("Q3", 2, 0)]
    assert reading.flagged == 4 and [g.segment.label for g in reading.flag_groups] == ["Q1", "Q2"]
    assert reading.flag_groups[0].flag_text == "hesitation ×3, long pause"
    trace = charts.sentiment_timeline(points, reading=reading)["data"][-1]
    assert trace["meta"] == "flags" and trace["text"] == ["3", "1"]
    assert trace["x"] == [(T0 + timedelta(seconds=20)).isoformat(), (T0 + timedelta(seconds=70)).isoformat()]


def test_without_answer_times_flags_are_grouped_per_minute():
    points = [point(30 * i, flags=["vague"]) for i in range(5)]  # 0 s to 2 min
    reading = timeline.read(points, None, T0)
    assert not reading.by_question
    assert [(g.segment.label, g.flagged) for g in reading.flag_groups] == [
        ("Minute 1", 2), ("Minute 2", 2), ("Minute 3", 1)]


def test_question_boundaries_are_drawn_as_labelled_bands():
    points = [point(10 * i) for i in range(9)]
    figure = charts.sentiment_timeline(points, reading=timeline.read(points, [30, 30, 30], T0))
    bands = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"]
    assert [b["x0"] for b in bands] == [T0.isoformat(), (T0 + timedelta(seconds=60)).isoformat()]  # every other
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["Q1", "Q2", "Q3"]


def test_the_timeline_table_holds_each_questions_figures():
    points = [point(10 * i, positive_score=80 if i < 3 else 20, negative_score=0 if i < 3 else 60,
                    flags=["hesitation"] if i == 4 else []) for i in range(6)]
    table = charts.timeline_table(timeline.read(points, [30, 30], T0))

    assert table.columns[:5] == ("Question", "From", "To", "Moments", "Overall tone")
    assert [row[:5] for row in table.rows] == [("Q1", "0:00", "0:30", "3", "90.0"), ("Q2", "0:30", "1:00", "3", "30.0")]
    assert table.rows[1][9:] == ("1", "hesitation")
    assert table.summary.startswith("Overall tone averaged 60.0 of 100 (50 is balanced) over 6 analysed moments in 2 questions")
    assert "lowest in Q2 (30.0), highest in Q1 (90.0)" in table.summary and "1 moment flagged in 1 question" in table.summary


def test_the_behavior_table_says_which_way_is_good():
    analysis = SimpleNamespace(confidence_score=80, fear_score=Decimal("2.5"), sincerity_score=70, nervousness_score=None,
                               excitement_score=60, curiosity_score=90, adaptability_score=75)
    table = charts.behavior_table(analysis)
    assert table.rows[1] == ("Fear", "2.5", "lower is better") and table.rows[0][2] == "higher is better"
    assert table.rows[3] == ("Nervousness", "—", "lower is better")
    assert "for fear and nervousness lower is better" in table.summary


def test_a_days_long_timeline_gets_wider_segments_not_thousands():
    points = [point(0), point(3 * 24 * 3600)]  # three days apart (a damaged clock, say)
    reading = timeline.read(points, None, T0)
    segments = timeline.minute_segments(T0, T0 + timedelta(days=3), T0)
    assert len(segments) <= timeline.MAX_SEGMENTS and segments[0].label == "Minutes 0–60"
    assert [s.points for s in reading.summaries] == [1, 1]
