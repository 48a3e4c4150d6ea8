"""Score weights: the pure rules (examples and properties) and the two database readers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.factories import gen_company, gen_dynamic_score_weight, gen_job, gen_score_weight
from webapp.scoring import weights as w

D = Decimal


def factors(*values: str) -> w.FactorWeights:
    return w.FactorWeights(*(D(v) for v in values))


def split(*values: str) -> w.SentimentWeights:
    return w.SentimentWeights(*(D(v) for v in values))


# --- examples ----------------------------------------------------------------------------


def test_effective_weights_add_each_adjustment_to_its_base():
    base = factors("0.30", "0.25", "0.25", "0.20")
    adjustments = factors("0.05", "0.00", "-0.10", "0.05")
    assert w.effective_weights(base, adjustments) == factors("0.35", "0.25", "0.15", "0.25")


def test_decimal_arithmetic_is_exact_where_floats_are_not():
    # 0.1 + 0.2 is 0.30000000000000004 in floating point; weights must not drift.
    effective = w.effective_weights(factors("0.10", "0.20", "0.30", "0.40"), factors("0.20", "0.00", "0.00", "-0.20"))
    assert effective.technical == D("0.30")
    assert effective.total() == D("1.00")
    assert w.validate(effective) == {}


def test_floats_are_refused():
    with pytest.raises(TypeError, match="not float"):
        w.FactorWeights(0.3, D("0.25"), D("0.25"), D("0.20"))


def test_a_usable_set_has_no_problems():
    assert w.validate(w.DEFAULT_FOCUS_WEIGHTS, w.DEFAULT_SENTIMENT_WEIGHTS) == {}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (("0.35", "0.25", "0.25", "0.20"), "The weights add up to 1.05; lower them by 0.05 in total."),
        (("0.30", "0.20", "0.25", "0.20"), "The weights add up to 0.95; raise them by 0.05 in total."),
        (("0.00", "0.00", "0.00", "0.00"), "The weights add up to 0.00; raise them by 1.00 in total."),
    ],
)
def test_a_total_off_one_says_by_how_much(values, message):
    assert w.validate(factors(*values)) == {w.TOTAL: message}


def test_a_weight_outside_zero_to_one_says_which_and_by_how_much():
    problems = w.validate(factors("1.10", "-0.05", "0.00", "-0.05"))
    assert problems == {
        "technical": "The technical weight comes to 1.10; it must be between 0.00 and 1.00, so lower it by 0.10.",
        "skills": "The skills weight comes to -0.05; it must be between 0.00 and 1.00, so raise it by 0.05.",
        "sentiment": "The sentiment weight comes to -0.05; it must be between 0.00 and 1.00, so raise it by 0.05.",
    }


def test_sentiment_sub_weights_have_the_same_rules():
    assert w.validate(w.DEFAULT_FOCUS_WEIGHTS, split("0.50", "0.20", "0.20", "0.20")) == {
        w.SENTIMENT_TOTAL: "The sentiment sub-weights add up to 1.10; lower them by 0.10 in total."
    }
    assert w.validate_sentiment(split("1.20", "-0.20", "0.00", "0.00")) == {
        "value_alignment": "Value alignment comes to 1.20; it must be between 0.00 and 1.00, so lower it by 0.20.",
        "confidence": "Confidence comes to -0.20; it must be between 0.00 and 1.00, so raise it by 0.20.",
    }


def test_edges_zero_and_one_are_allowed():
    assert w.validate(factors("1.00", "0.00", "0.00", "0.00"), split("0.00", "0.00", "1.00", "0.00")) == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0.05", "0.05"), (" -0.10 ", "-0.10"), ("+.5", "0.50"), ("1", "1.00"), ("-0", "0.00"), ("5e-2", "0.05"),
     ("0.0500000", "0.05"), ("-1.00", "-1.00")],
)
def test_parse_weight_reads_plain_numbers(raw, expected):
    value = w.parse_weight(raw, low=D("-1"), high=D("1"))
    assert value == D(expected) and str(value) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter a number between -1.00 and 1.00."),
        (None, "Enter a number between -1.00 and 1.00."),
        ("   ", "Enter a number between -1.00 and 1.00."),
        ("abc", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("NaN", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("-Infinity", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("inf", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("1_0", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("\u0661", "Enter a plain number between -1.00 and 1.00, such as 0.05."),  # Arabic-Indic one
        ("0x1", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("1e99999", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("9" * 400, "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("0,05", "Use a dot for decimals, such as 0.05."),
        ("1.5", "Enter a number between -1.00 and 1.00; this is above 1.00."),
        ("99999999999", "Enter a number between -1.00 and 1.00; this is above 1.00."),
        ("1e300", "Enter a number between -1.00 and 1.00; this is above 1.00."),
        ("-10", "Enter a number between -1.00 and 1.00; this is below -1.00."),
        ("0.055", "Use at most two decimal places, such as 0.05."),
        ("1e-5", "Use at most two decimal places, such as 0.05."),
    ],
)
def test_parse_weight_explains_what_to_enter(raw, message):
    with pytest.raises(w.WeightInputError) as error:
        w.parse_weight(raw, low=D("-1"), high=D("1"))
    assert str(error.value) == message


# --- properties ----------------------------------------------------------------------------

cent_values = st.integers(min_value=-100, max_value=100).map(lambda n: D(n) / 100)
unit_values = st.integers(min_value=0, max_value=100).map(lambda n: D(n) / 100)


def factor_sets(values=cent_values):
    return st.builds(w.FactorWeights, values, values, values, values)


def sentiment_sets(values=unit_values):
    return st.builds(w.SentimentWeights, values, values, values, values)


@st.composite
def summing_to_one(draw, kind=w.FactorWeights):
    """Four cent values in [0, 1] adding up to exactly 1.00 (three cut points in 0..100)."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=3, max_size=3)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return kind(*(D(p) / 100 for p in parts))


@given(factor_sets(unit_values), factor_sets())
def test_effective_minus_adjustment_is_the_base(base, adjustments):
    effective = w.effective_weights(base, adjustments)
    for name in w.FACTORS:
        assert getattr(effective, name) - getattr(adjustments, name) == getattr(base, name)
        assert getattr(effective, name) == getattr(effective, name).quantize(w.CENT)


@given(factor_sets(unit_values))
def test_no_adjustments_leave_the_base_as_it_is(base):
    assert w.effective_weights(base, w.NO_ADJUSTMENTS) == base


@given(summing_to_one(), summing_to_one(w.SentimentWeights))
def test_every_set_in_range_that_adds_up_to_one_is_valid(weights, sentiment):
    assert w.validate(weights, sentiment) == {}


@given(summing_to_one(), factor_sets())
def test_adjustments_that_cancel_out_keep_the_total(base, adjustments):
    """Moving weight between factors never changes the total; only the ranges can break."""
    balanced = w.FactorWeights(
        adjustments.technical, adjustments.skills, adjustments.cultural_fit,
        -(adjustments.technical + adjustments.skills + adjustments.cultural_fit),
    )
    effective = w.effective_weights(base, balanced)
    assert effective.total() == D("1.00")
    assert w.TOTAL not in w.validate(effective)


@given(factor_sets())
@example(w.FactorWeights(D("0.35"), D("0.25"), D("0.25"), D("0.20")))
def test_the_total_message_names_the_exact_fix(weights):
    problems = w.validate_weights(weights)
    total = weights.total()
    if total == 1:
        assert w.TOTAL not in problems
        return
    message = problems[w.TOTAL]
    gap = abs(total - 1)
    verb = "lower" if total > 1 else "raise"
    assert message == f"The weights add up to {w.fmt(total)}; {verb} them by {w.fmt(gap)} in total."
    # Following the advice on any one factor gives a total of exactly 1.00.
    fixed = w.FactorWeights(**(weights.as_dict() | {"technical": weights.technical + (1 - total)}))
    assert fixed.total() == D("1.00")


@given(factor_sets())
def test_a_weight_is_flagged_exactly_when_it_leaves_zero_to_one(weights):
    problems = w.validate_weights(weights)
    for name in w.FACTORS:
        value = getattr(weights, name)
        assert (name in problems) == (value < 0 or value > 1)
        if name in problems:
            # The amount in the message brings the weight back to the nearest edge.
            amount = D(problems[name].rsplit(" by ", 1)[1].rstrip("."))
            edge = D(0) if value < 0 else D(1)
            assert abs(value - edge) == amount


@given(sentiment_sets())
def test_sentiment_problems_are_only_about_the_total_when_parts_are_in_range(sentiment):
    problems = w.validate_sentiment(sentiment)
    assert set(problems) <= {w.SENTIMENT_TOTAL}
    assert (w.SENTIMENT_TOTAL in problems) == (sentiment.total() != 1)


@given(st.integers(min_value=-100, max_value=100))
def test_every_cent_between_the_bounds_reads_back_as_itself(n):
    value = D(n) / 100
    assert w.parse_weight(w.fmt(value), low=D("-1"), high=D("1")) == value


@given(st.text(max_size=40))
def test_parse_weight_never_fails_with_anything_but_a_message(raw):
    try:
        value = w.parse_weight(raw, low=D("-1"), high=D("1"))
    except w.WeightInputError as error:
        assert str(error)
    else:
        assert D("-1") <= value <= D("1") and value == value.quantize(w.CENT) and value.is_finite()


# --- reading from the database ---------------------------------------------------------------


def test_focus_defaults_come_from_the_focus_row(db_session):
    gen_score_weight(db_session, "technical")
    assert w.focus_defaults(db_session, "technical") == factors("0.45", "0.30", "0.15", "0.10")


def test_focus_defaults_fall_back_to_the_documented_defaults(db_session):
    gen_score_weight(db_session, "technical")  # another focus's row changes nothing
    assert w.focus_defaults(db_session, "behavioral") == factors("0.30", "0.25", "0.25", "0.20")
    assert w.focus_defaults(db_session, None) == w.focus_defaults(db_session, "balanced")


def test_a_null_column_in_the_focus_row_means_its_default(db_session):
    gen_score_weight(db_session, "behavioral", skills_weight=None)
    assert w.focus_defaults(db_session, "behavioral").skills == D("0.25")


def test_a_job_without_saved_weights_uses_its_focus(db_session):
    gen_score_weight(db_session, "technical")
    job = gen_job(db_session, gen_company(db_session), job_focus="technical")
    result = w.weights_for_job(db_session, job)
    assert result.source == w.SOURCE_FOCUS
    assert result.effective == factors("0.45", "0.30", "0.15", "0.10")
    assert result.adjustments == w.NO_ADJUSTMENTS
    assert result.sentiment == w.DEFAULT_SENTIMENT_WEIGHTS
    assert result.problems() == {}


def test_a_job_of_a_focus_without_a_row_uses_the_built_in_defaults(db_session):
    job = gen_job(db_session, gen_company(db_session), job_focus="behavioral")
    result = w.weights_for_job(db_session, job)
    assert result.source == w.SOURCE_BUILTIN
    assert result.base == w.DEFAULT_FOCUS_WEIGHTS


def test_a_job_with_saved_weights_uses_them(db_session):
    gen_score_weight(db_session, "balanced", technical_weight=D("0.40"), skills_weight=D("0.15"))
    job = gen_job(db_session, gen_company(db_session))
    gen_dynamic_score_weight(db_session, job, skills_adjustment=None)
    result = w.weights_for_job(db_session, job)
    assert result.source == w.SOURCE_JOB
    assert result.base == factors("0.30", "0.25", "0.25", "0.20")  # the saved copy, not today's focus row
    assert result.adjustments == factors("0.05", "0.00", "0.00", "-0.05")  # NULL means no adjustment
    assert result.effective == factors("0.35", "0.25", "0.25", "0.15")
    assert result.sentiment == split("0.30", "0.30", "0.20", "0.20")
    assert result.last_updated is not None
