"""Properties of the ranking formulas (webapp/rankings/formulas.py), under hypothesis."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.rankings import formulas as f

# Scores as the database may hold them, including out-of-range values from outside the dashboard.
anything = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6), st.just(math.nan))
in_range = st.floats(min_value=0, max_value=100)
weight = st.floats(min_value=0, max_value=1)
weights = st.fixed_dictionaries({k: weight for k in f.FACTORS})
scores = st.fixed_dictionaries({k: st.one_of(st.none(), in_range) for k in f.FACTORS})
full_scores = st.fixed_dictionaries({k: in_range for k in f.FACTORS})
counts = st.integers(min_value=0, max_value=10_000)
row = st.fixed_dictionaries(
    {
        key: anything
        for key in (
            "technical_accuracy", "technical_assessments", "skills", "cultural_fit", "positive", "neutral", "mixed",
            *f.SENTIMENT_PARTS, "sentiment_confidence",
        )
    }
    | {"sessions": counts, "points": counts, "assessments": counts}
)
sub_weights = st.fixed_dictionaries({k: weight for k in f.SENTIMENT_PARTS})


def in_bounds(value) -> bool:
    return value is None or 0 <= value <= 100


@given(row, weights, sub_weights)
def test_every_score_stays_between_0_and_100_whatever_the_data(data, factor_weights, sentiment_weights):
    result = f.score(data, factor_weights, sentiment_weights)
    for value in (*result.components().values(), result.overall, result.ai_confidence):
        assert in_bounds(value) and (value is None or not math.isnan(value))
    assert sum(result.contributions().values()) == pytest.approx(result.overall, abs=1e-6)


@given(scores, weights, st.sampled_from(f.FACTORS), st.floats(min_value=0, max_value=100))
def test_raising_one_component_never_lowers_the_overall_score(parts, factor_weights, factor, raise_by):
    if parts[factor] is None:
        parts = parts | {factor: 0.0}
    higher = parts | {factor: min(100.0, parts[factor] + raise_by)}
    assert f.overall(higher, factor_weights) >= f.overall(parts, factor_weights)


@given(full_scores, st.lists(st.integers(min_value=0, max_value=100), min_size=4, max_size=4))
def test_weights_summing_to_1_give_the_weighted_mean(parts, raw):
    if sum(raw) == 0:
        raw = [1, 0, 0, 0]
    factor_weights = {k: r / sum(raw) for k, r in zip(f.FACTORS, raw, strict=True)}
    expected = sum(factor_weights[k] * parts[k] for k in f.FACTORS)
    assert f.overall(parts, factor_weights) == pytest.approx(expected, abs=1e-9)
    assert min(parts.values()) - 1e-9 <= f.overall(parts, factor_weights) <= max(parts.values()) + 1e-9


def test_the_documented_default_weights_on_known_scores():
    parts = {"technical": 80, "skills": 60, "cultural_fit": 70, "sentiment": 50}
    weights = {"technical": 0.30, "skills": 0.25, "cultural_fit": 0.25, "sentiment": 0.20}
    # 24 + 15 + 17.5 + 10
    assert f.overall(parts, weights) == pytest.approx(66.5)
    assert f.contributions(parts, weights) == pytest.approx({"technical": 24, "skills": 15, "cultural_fit": 17.5, "sentiment": 10})


def test_a_missing_component_shares_its_weight_out_instead_of_counting_as_zero():
    weights = {"technical": 0.5, "skills": 0.5, "cultural_fit": 0.0, "sentiment": 0.0}
    assert f.overall({"technical": 80, "skills": None, "cultural_fit": 10, "sentiment": 10}, weights) == pytest.approx(80)
    assert f.overall(dict.fromkeys(f.FACTORS), weights) == 0


evidence = st.fixed_dictionaries(
    {"sessions": counts, "points": counts, "assessments": counts, "sentiment_confidence": st.one_of(st.none(), in_range)}
)


@given(full_scores, evidence, st.sampled_from(f.FACTORS))
def test_a_missing_component_lowers_ai_confidence(parts, found, factor):
    full = f.ai_confidence(parts, **found)
    missing = f.ai_confidence(parts | {factor: None}, **found)
    assert 0 <= missing <= full <= 100
    if full > 0:
        assert missing < full


@given(full_scores, evidence)
def test_missing_sentiment_confidence_or_evidence_lowers_ai_confidence(parts, found):
    full = f.ai_confidence(parts, **found)
    assert f.ai_confidence(parts, **(found | {"sentiment_confidence": None})) <= full
    assert f.ai_confidence(parts, **(found | {"sessions": 0, "points": 0, "assessments": 0})) <= full


def test_no_data_at_all_gives_zero_confidence_and_no_crash():
    result = f.score({}, dict.fromkeys(f.FACTORS, 0.25), dict.fromkeys(f.SENTIMENT_PARTS, 0.25))
    assert result.overall == 0 and result.ai_confidence == 0
    assert result.components() == dict.fromkeys(f.FACTORS)


def test_more_evidence_raises_ai_confidence_up_to_enough():
    parts = dict.fromkeys(f.FACTORS, 70.0)
    one = f.ai_confidence(parts, sessions=1, points=40, assessments=3, sentiment_confidence=80)
    three = f.ai_confidence(parts, sessions=3, points=120, assessments=10, sentiment_confidence=80)
    assert one < three == pytest.approx(100 * (0.7 + 0.3 * 0.8))
    assert f.ai_confidence(parts, sessions=30, points=1200, assessments=100, sentiment_confidence=80) == three


def test_sentiment_blends_tone_and_context_with_the_sub_weights():
    tone = f.tone(60, 25, 5)  # 60 + 12.5 + 1.25
    assert tone == pytest.approx(73.75)
    context = f.context(
        {"value_alignment": 70, "confidence": 60, "enthusiasm": 75, "authenticity": 80},
        {"value_alignment": 0.3, "confidence": 0.3, "enthusiasm": 0.2, "authenticity": 0.2},
    )
    assert context == pytest.approx(70)
    assert f.sentiment(tone, context) == pytest.approx(71.875)
    assert f.sentiment(None, context) == pytest.approx(70)
    assert f.technical(None, None) is None and f.technical(80, None) == 80 and f.technical(80, 70) == 75


def test_cents_rounds_half_up_for_the_decimal_columns():
    assert str(f.cents(76.78125)) == "76.78" and str(f.cents(2.335)) == "2.34" and f.cents(None) is None
