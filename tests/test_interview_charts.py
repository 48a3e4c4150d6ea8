"""The interview page's figures: pure functions from rows to Plotly figure dicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from webapp.interviews import charts

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


def test_the_timeline_has_four_sentiments_and_confidence_with_every_point():
    figure = charts.sentiment_timeline([point(i) for i in range(5)])

    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Positive", "Negative", "Neutral", "Mixed", "Confidence"]
    assert all(len(trace["x"]) == 5 for trace in figure["data"])
    assert figure["data"][0]["x"][0] == T0.isoformat()
    assert figure["data"][1]["y"] == [10.0] * 5
    assert figure["data"][4]["line"]["dash"] == "dot"
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
                                             flags=["hesitation"])])

    hover = figure["data"][0]["customdata"][0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in hover and "<img" not in hover
    assert "Themes: a, b" in hover and "Flags: hesitation" in hover
    flagged = figure["data"][-1]
    assert flagged["name"] == "Flagged" and flagged["x"] == [T0.isoformat()]


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


def test_context_factors_keep_gaps_for_missing_values():
    figure = charts.context_factors_chart([point(0), point(1, value_alignment_score=None)])

    assert [trace["name"] for trace in figure["data"]] == [
        "Value alignment", "Requirement addressing", "Relevance", "Confidence", "Enthusiasm", "Authenticity"]
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
        assert figure["data"][-1]["text"] == ["vague"] * 3
    assert charts.sentiment_timeline(shared) == charts.sentiment_timeline(copies)
