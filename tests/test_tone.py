"""One colour rule for scores, tone and traits (webapp/tone.py): for the negative traits high is bad."""

from __future__ import annotations

from decimal import Decimal

import pytest

from webapp import tone


@pytest.mark.parametrize("trait", ["Negative", "Mixed", "Fear", "Nervousness", "fear_score", "negative_score"])
def test_for_negative_traits_high_is_bad_and_low_is_good(trait):
    assert tone.quality(2.5, trait) == "good" and tone.css_class(2.5, trait) == "score-high"
    assert tone.quality(40, trait) == "fair"
    assert tone.quality(80, trait) == "poor" and tone.css_class(Decimal("80.00"), trait) == "score-low"
    assert tone.higher_is_better(trait) is False and tone.hint(trait) == "lower is better"


@pytest.mark.parametrize("trait", [None, "Positive", "Confidence", "Excitement", "Adaptability", "Technical"])
def test_for_every_other_score_high_is_good(trait):
    assert tone.quality(2.5, trait) == "poor" and tone.css_class(2.5, trait) == "score-low"
    assert tone.quality(60, trait) == "fair"
    assert tone.quality(80, trait) == "good" and tone.css_class(80, trait) == "score-high"
    assert tone.hint(trait) is None


def test_neutral_tone_is_neither_good_nor_bad_and_missing_values_are_a_dash():
    assert tone.quality(90, "Neutral") is None and tone.css_class(90, "Neutral") == "score-plain"
    assert tone.quality(None) is None and tone.quality("n/a") is None and tone.quality(float("nan")) is None
    assert str(tone.score_markup(None, "Fear")) == '<span class="muted">—</span>'


def test_the_markup_and_the_chart_colour_follow_the_same_rule():
    assert str(tone.score_markup(Decimal("2.5"), "Fear")) == '<span class="score score-high">2.5</span>'
    assert str(tone.score_markup(80, "Negative")) == '<span class="score score-low">80.0</span>'
    assert str(tone.score_markup(80)) == '<span class="score score-high">80.0</span>'
    assert tone.chart_colour(80, "Negative") == tone.CHART_COLOURS["poor"] == tone.chart_colour(10, "Confidence")


def test_pages_and_templates_have_no_other_colour_rule():
    """The rule lives in webapp/tone.py only: no template or module compares a score with 75 to pick its colour."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for path in [*root.joinpath("templates").rglob("*.html"), *root.joinpath("webapp").rglob("*.py")]:
        text = path.read_text()
        if path.name == "tone.py":
            continue
        assert not re.search(r"score-high.{0,20}>= ?75", text), path
