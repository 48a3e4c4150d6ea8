"""The weights editor's "Normalise to 1.00": the rounding (any positive entries add up to exactly 1.00,
each within a cent of its share) and the page (the form again, scaled, nothing saved)."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_company, gen_job, gen_user
from webapp.models import DynamicScoreWeight
from webapp.scoring import weights as w

D = Decimal
weight = st.decimals(min_value=D("0.00"), max_value=D("5.00"), places=2)


@settings(max_examples=400, deadline=None)
@given(st.lists(weight, min_size=1, max_size=6).filter(lambda values: sum(values) > 0))
def test_any_positive_entries_add_up_to_exactly_one_each_within_a_cent_of_its_share(values):
    entries = {f"f{i}": value for i, value in enumerate(values)}
    scaled = w.normalise(entries)
    assert sum(scaled.values()) == D("1.00")
    total = sum(Fraction(value) for value in values)
    for name, value in entries.items():
        assert scaled[name] == scaled[name].quantize(D("0.01")) and scaled[name] >= 0
        assert abs(Fraction(scaled[name]) - Fraction(value) / total) < Fraction(1, 100), (name, scaled)


def test_rounding_examples():
    thirds = w.normalise({"a": D("1"), "b": D("1"), "c": D("1")})
    assert thirds == {"a": D("0.34"), "b": D("0.33"), "c": D("0.33")}
    assert w.normalise({"a": D("0.30"), "b": D("0.30")}) == {"a": D("0.50"), "b": D("0.50")}
    assert w.normalise({"a": D("-0.20"), "b": D("0.40")}) == {"a": D("0.00"), "b": D("1.00")}  # negatives count as 0
    assert w.normalise({"a": D("0"), "b": D("-1")}) is None


# --- the page ----------------------------------------------------------------------------------------


@pytest.fixture
def job(db_session, auth):
    """A logged-in employer's balanced job (built-in base 0.30 / 0.25 / 0.25 / 0.20, no plan: nothing gated)."""
    user = gen_user(db_session, role="employer")
    job = gen_job(db_session, gen_company(db_session, user), job_focus="balanced")
    assert auth.login(user.email, PASSWORD).status_code == 302
    return job


def value_of(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def test_normalise_shows_the_form_scaled_to_one_and_saves_nothing(client, db_session, job):
    # Effective 0.40 + 0.35 + 0.25 + 0.20 = 1.20; sentiment 0.50 + 0.50 + 0.50 + 0.50 = 2.00.
    entries = {"technical_adjustment": "0.10", "skills_adjustment": "0.10", "cultural_fit_adjustment": "0",
               "sentiment_adjustment": "0", "value_alignment_weight": "0.5", "confidence_weight": "0.5",
               "enthusiasm_weight": "0.5", "authenticity_weight": "0.5"}
    response = client.post(f"/jobs/{job.id}/weights", data=entries | {"normalise": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # 0.40/1.20 = 0.333.., 0.35/1.20 = 0.2916.., 0.25/1.20 = 0.2083.., 0.20/1.20 = 0.1666.. -> 0.33 0.29 0.21 0.17
    assert "Effective weights scaled to add up to 1.00: technical 0.33, skills 0.29, cultural fit 0.21, sentiment 0.17." in page
    assert [value_of(page, f"{name}_adjustment") for name in w.FACTORS] == ["0.03", "0.04", "-0.04", "-0.03"]
    assert [value_of(page, f"{name}_weight") for name in w.SENTIMENT_PARTS] == ["0.25"] * 4
    assert 'id="effective-total">1.00<' in page and "The weights add up to 1.00." in page
    assert "The sentiment sub-weights add up to 1.00." in page and 'id="normalise-notes"' in page
    assert db_session.scalar(select(func.count()).select_from(DynamicScoreWeight)) == 0

    saved = client.post(f"/jobs/{job.id}/weights", data={
        **{f"{name}_adjustment": value_of(page, f"{name}_adjustment") for name in w.FACTORS},
        **{f"{name}_weight": value_of(page, f"{name}_weight") for name in w.SENTIMENT_PARTS},
    })
    assert saved.status_code == 302  # what normalise shows passes the unchanged validation
    row = db_session.scalar(select(DynamicScoreWeight).where(DynamicScoreWeight.job_id == job.id))
    assert (row.technical_adjustment, row.sentiment_adjustment) == (D("0.03"), D("-0.03"))


def test_normalise_leaves_a_group_it_cannot_scale_as_typed_and_says_why(client, db_session, job):
    entries = {"technical_adjustment": "abc", "skills_adjustment": "0", "cultural_fit_adjustment": "0",
               "sentiment_adjustment": "0", "value_alignment_weight": "0.1", "confidence_weight": "0.1",
               "enthusiasm_weight": "0.1", "authenticity_weight": "0.1"}
    response = client.post(f"/jobs/{job.id}/weights", data=entries | {"normalise": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The factor weights could not be scaled" in page and value_of(page, "technical_adjustment") == "abc"
    assert [value_of(page, f"{name}_weight") for name in w.SENTIMENT_PARTS] == ["0.25"] * 4
    assert db_session.scalar(select(func.count()).select_from(DynamicScoreWeight)) == 0


def test_the_editor_offers_normalise_after_save(client, job):
    page = client.get(f"/jobs/{job.id}/weights").get_data(as_text=True)
    save, normalise = page.index(">Save weights</button>"), page.index(">Normalise to 1.00</button>")
    assert save < normalise  # Enter in a field saves; normalising is a deliberate click
    assert 'name="normalise" value="1"' in page


def test_the_what_if_sliders_rescale_with_the_same_rounding(client, job):
    from webapp.rankings.forms import WhatIf

    whatif = WhatIf.from_args({"w_technical": "1", "w_skills": "1", "w_cultural_fit": "1", "w_sentiment": "0"})
    assert whatif.normalised().as_strings() == {"technical": "0.34", "skills": "0.33", "cultural_fit": "0.33",
                                                "sentiment": "0.00"}
