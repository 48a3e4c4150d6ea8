"""What a score's colour means, in one place: every page and chart that colours a score, tone or trait asks here.

A colour says how good a reading is, not how big the number is. For most scores (skills,
confidence, positive tone, excitement, ...) higher is better. For the negative traits
(negative and mixed tone, fear, nervousness) higher is worse: a fear of 2.5 is good news and
a negative tone of 80 is bad news. Neutral tone is neither, so it gets no colour. Employers
and candidates see the same rule, on the same 0-100 scale.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup

# Higher is worse for these (names as the pages and the engine's columns spell them, any case).
NEGATIVE_TRAITS = frozenset({"negative", "mixed", "fear", "nervousness"})
# Neither good nor bad: shown without a colour.
UNRATED_TRAITS = frozenset({"neutral"})
GOOD_FROM = 75  # a reading this good or better is "good" (green)
FAIR_FROM = 50  # ... this good or better is "fair" (amber); below it "poor" (red)

# The CSS classes of each quality (static/app.css: green, amber, red; "plain" is uncoloured).
CSS_CLASSES = {"good": "score-high", "fair": "score-mid", "poor": "score-low", None: "score-plain"}
# The same qualities as chart colours (the CSS colours of the classes above).
CHART_COLOURS = {"good": "#166534", "fair": "#a15c07", "poor": "#b42318", None: "#4b5563"}
MISSING = Markup('<span class="muted">—</span>')


def _key(trait: str | None) -> str:
    return (trait or "").strip().lower().removesuffix("_score").replace("_", " ")


def higher_is_better(trait: str | None) -> bool | None:
    """True for most scores, False for the negative traits, None when neither (neutral tone)."""
    key = _key(trait)
    if key in UNRATED_TRAITS:
        return None
    return key not in NEGATIVE_TRAITS


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def quality(value: Any, trait: str | None = None) -> str | None:
    """"good", "fair" or "poor" for a 0-100 reading of `trait` (None: a plain score); None when unrated or missing."""
    number = _number(value)
    direction = higher_is_better(trait)
    if number is None or direction is None:
        return None
    goodness = number if direction else 100 - number
    if goodness >= GOOD_FROM:
        return "good"
    return "fair" if goodness >= FAIR_FROM else "poor"


def css_class(value: Any, trait: str | None = None) -> str:
    """The score class for a reading: score-high (good), score-mid (fair), score-low (poor) or score-plain."""
    return CSS_CLASSES[quality(value, trait)]


def chart_colour(value: Any, trait: str | None = None) -> str:
    """The colour a chart gives a reading, by the same rule as the pages."""
    return CHART_COLOURS[quality(value, trait)]


def hint(trait: str | None) -> str | None:
    """A few words for readers who do not see colours: which way is good for this trait."""
    direction = higher_is_better(trait)
    if direction is None:
        return "neither good nor bad"
    return None if direction else "lower is better"


def score_markup(value: Any, trait: str | None = None) -> Markup:
    """A 0-100 reading as `<span class="score ...">12.5</span>` coloured by `quality`, or a muted dash."""
    number = _number(value)
    if number is None:
        return MISSING
    # a class name and a number need no escaping (this runs for every score cell of a list)
    return Markup(f'<span class="score {CSS_CLASSES[quality(number, trait)]}">{number:.1f}</span>')
