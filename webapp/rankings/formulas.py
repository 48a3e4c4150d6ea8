"""The ranking formulas, pure: numbers in, numbers out, no database.

`queries.components` gathers, per job and candidate, averages over the
candidate's completed, non-practice interviews for that job; everything below
turns those averages into the scores stored in interview_candidateranking.
Every score is on a 0-100 scale and is clamped into [0, 100]; a component with
no evidence at all is None ("missing"), never 0.

Components
----------
technical
    The mean of the parts that exist among
    A = mean `interview_interviewsession.technical_accuracy` over the interviews and
    B = mean score of the interview assessments whose assessment type counts as
    technical (the flag admins set in the catalog, rankings_technicalassessmenttype;
    a type's name does not matter).
skills
    The mean `accumulated_score` of the candidate's skill assessments.
cultural_fit
    The mean `interview_culturalfit.score`.
sentiment (shown as "communication / sentiment", stored in `communication_score`)
    tone    = positive + neutral / 2 + mixed / 4 of the sentiment sessions
              (the share of the conversation that came across as favourable);
    context = Σ sub-weight × mean context factor over the sentiment points, for
              value alignment, confidence, enthusiasm and authenticity, with the
              job's sentiment sub-weights (they add up to 1);
    sentiment = (tone + context) / 2 when both exist, else whichever exists.

Overall
-------
    overall = Σ w_k · x_k / Σ w_k   over the components k that are present,
with w the job's effective weights (`webapp.scoring.weights.weights_for_job`).
When all four components are present and the weights add up to 1, this is the
plain weighted sum Σ w_k · x_k. A missing component does not count as 0: its
weight is shared out over the others (re-normalised), and the confidence drops.
If the present components all have weight 0, overall is their unweighted mean.
The contribution of factor k is (w_k / Σ w_present) · x_k; contributions add up
to the overall score.

AI confidence
-------------
    evidence  = 0.4 · min(1, sessions / 3) + 0.3 · min(1, points / 120)
              + 0.3 · min(1, assessments / 10)
    certainty = sentiment confidence / 100 (0 when there is none)
    coverage  = components present / 4
    ai_confidence = 100 · coverage · (0.7 · evidence + 0.3 · certainty)
More interviews, sentiment points and assessments, and a surer sentiment model,
raise it; every missing component lowers it by a quarter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FACTORS = ("technical", "skills", "cultural_fit", "sentiment")
SENTIMENT_PARTS = ("value_alignment", "confidence", "enthusiasm", "authenticity")

LOW, HIGH = 0.0, 100.0

# ai_confidence: how much each kind of evidence counts, and how much of it is "enough".
EVIDENCE_SHARES = {"sessions": 0.4, "points": 0.3, "assessments": 0.3}
EVIDENCE_ENOUGH = {"sessions": 3, "points": 120, "assessments": 10}
EVIDENCE_PART = 0.7  # the rest (0.3) is the sentiment model's own confidence

Number = float | int | Decimal


def clamp(value: Number | None) -> float | None:
    """`value` as a float in [0, 100]; None stays None (missing), NaN counts as missing."""
    if value is None:
        return None
    number = float(value)
    if number != number:  # NaN
        return None
    return min(HIGH, max(LOW, number))


def mean_of_present(*values: Number | None) -> float | None:
    """The mean of the values that are not None (each clamped), or None when there are none."""
    present = [v for v in (clamp(value) for value in values) if v is not None]
    return sum(present) / len(present) if present else None


def technical(accuracy: Number | None, technical_assessments: Number | None) -> float | None:
    """Mean of the mean technical accuracy and the mean technical assessment score that exist."""
    return mean_of_present(accuracy, technical_assessments)


def tone(positive: Number | None, neutral: Number | None, mixed: Number | None) -> float | None:
    """positive + neutral/2 + mixed/4 of the sentiment sessions; None when there is no session."""
    if positive is None and neutral is None and mixed is None:
        return None
    parts = [clamp(v) or 0.0 for v in (positive, neutral, mixed)]
    return clamp(parts[0] + parts[1] / 2 + parts[2] / 4)


def context(factors: Mapping[str, Number | None], sub_weights: Mapping[str, Number]) -> float | None:
    """Σ sub-weight × factor over the sentiment context factors, re-normalised over those present."""
    present = {k: clamp(factors.get(k)) for k in SENTIMENT_PARTS if factors.get(k) is not None}
    present = {k: v for k, v in present.items() if v is not None}
    if not present:
        return None
    return weighted_mean(present, {k: float(sub_weights[k]) for k in present})


def sentiment(tone_score: Number | None, context_score: Number | None) -> float | None:
    """(tone + context) / 2 when both exist, else whichever exists."""
    return mean_of_present(tone_score, context_score)


def weighted_mean(scores: Mapping[str, float | None], weights: Mapping[str, Number]) -> float | None:
    """Σ w·x / Σ w over the present scores (weights below 0 count as 0); None when none is present.

    With zero total weight on the present scores it is their unweighted mean.
    """
    present = {k: v for k, v in ((k, clamp(x)) for k, x in scores.items()) if v is not None}
    if not present:
        return None
    w = {k: max(0.0, float(weights.get(k, 0))) for k in present}
    total = sum(w.values())
    if total <= 0:
        return clamp(sum(present.values()) / len(present))
    # Shares first (w / Σw), as `contributions` does: w·x with a subnormal w underflows to 0.
    return clamp(sum((w[k] / total) * present[k] for k in present))


def contributions(scores: Mapping[str, float | None], weights: Mapping[str, Number]) -> dict[str, float]:
    """Each present factor's share of the overall score: (w_k / Σ w_present) · x_k.

    The values add up to `overall(scores, weights)`; missing factors contribute 0.
    """
    present = {k: v for k, v in ((k, clamp(scores.get(k))) for k in FACTORS) if v is not None}
    if not present:
        return dict.fromkeys(FACTORS, 0.0)
    w = {k: max(0.0, float(weights.get(k, 0))) for k in present}
    total = sum(w.values())
    share = {k: (w[k] / total if total > 0 else 1 / len(present)) for k in present}
    return {k: share.get(k, 0.0) * present.get(k, 0.0) for k in FACTORS}


def overall(scores: Mapping[str, float | None], weights: Mapping[str, Number]) -> float:
    """The overall score: the weighted mean of the present components; 0 when there is nothing."""
    value = weighted_mean({k: scores.get(k) for k in FACTORS}, weights)
    return 0.0 if value is None else value


def normalised_weights(scores: Mapping[str, float | None], weights: Mapping[str, Number]) -> dict[str, float]:
    """The weights as they actually apply: re-normalised over the present components (missing: 0)."""
    present = [k for k in FACTORS if clamp(scores.get(k)) is not None]
    w = {k: max(0.0, float(weights.get(k, 0))) for k in present}
    total = sum(w.values())
    return {k: (w[k] / total if total > 0 else 1 / len(present)) if k in w else 0.0 for k in FACTORS}


@dataclass(frozen=True)
class PresenceShares:
    """`overall` for every pattern of present factors, as numbers a query can apply per row.

    Pattern `mask` has bit i set when FACTORS[i] is present. For a pattern whose
    present weights add up to more than 0, overall = 0 + share_1 · x_1 + ... over the
    factors in FACTORS order (share = w / Σ w_present, 0 for a missing factor; adding
    0.0 leaves a float sum unchanged, so this is `weighted_mean` operation for
    operation); a pattern in `averaged` takes the plain mean of its present factors.
    """

    shares: tuple[float, ...]  # 16 patterns x 4 factors, pattern-major
    averaged: tuple[int, ...]  # the patterns whose present weights add up to 0
    counts: tuple[int, ...]  # present factors per pattern


def presence_shares(weights: Mapping[str, Number]) -> PresenceShares:
    """The shares of each factor for each of the 16 presence patterns (see PresenceShares)."""
    shares: list[float] = []
    averaged, counts = [], []
    for mask in range(2 ** len(FACTORS)):
        present = [k for i, k in enumerate(FACTORS) if mask >> i & 1]
        w = {k: max(0.0, float(weights.get(k, 0))) for k in present}
        total = sum(w.values())
        if present and total <= 0:
            averaged.append(mask)
        shares += [w[k] / total if k in w and total > 0 else 0.0 for k in FACTORS]
        counts.append(len(present))
    return PresenceShares(tuple(shares), tuple(averaged), tuple(counts))


def evidence(sessions: int, points: int, assessments: int) -> float:
    """How much evidence there is, in [0, 1]: saturating shares of sessions, points and assessments."""
    counts = {"sessions": sessions, "points": points, "assessments": assessments}
    return sum(
        share * min(1.0, max(0, counts[kind] or 0) / EVIDENCE_ENOUGH[kind]) for kind, share in EVIDENCE_SHARES.items()
    )


def ai_confidence(
    scores: Mapping[str, float | None],
    *,
    sessions: int,
    points: int,
    assessments: int,
    sentiment_confidence: Number | None,
) -> float:
    """100 · coverage · (0.7 · evidence + 0.3 · certainty), in [0, 100]; see the module docstring."""
    coverage = sum(1 for k in FACTORS if clamp(scores.get(k)) is not None) / len(FACTORS)
    certainty = (clamp(sentiment_confidence) or 0.0) / HIGH
    value = HIGH * coverage * (EVIDENCE_PART * evidence(sessions, points, assessments) + (1 - EVIDENCE_PART) * certainty)
    return clamp(value) or 0.0


def cents(value: Number | None) -> Decimal | None:
    """A score for a DECIMAL(5,2) column: rounded half-up to 0.01."""
    if value is None:
        return None
    return Decimal(str(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scores:
    """One candidate's scores for one job, as the engine computes them."""

    technical: float | None
    skills: float | None
    cultural_fit: float | None
    sentiment: float | None
    overall: float
    ai_confidence: float
    weights: dict[str, float]  # as applied, re-normalised over the present components

    def components(self) -> dict[str, float | None]:
        return {k: getattr(self, k) for k in FACTORS}

    def contributions(self) -> dict[str, float]:
        return contributions(self.components(), self.weights)


def score(
    row: Mapping[str, Number | None], weights: Mapping[str, Number], sub_weights: Mapping[str, Number]
) -> Scores:
    """Every score for one row of `queries.components` (keys as selected there)."""
    parts = {
        "technical": technical(row.get("technical_accuracy"), row.get("technical_assessments")),
        "skills": clamp(row.get("skills")),
        "cultural_fit": clamp(row.get("cultural_fit")),
        "sentiment": sentiment(
            tone(row.get("positive"), row.get("neutral"), row.get("mixed")),
            context({k: row.get(k) for k in SENTIMENT_PARTS}, sub_weights),
        ),
    }
    return Scores(
        **parts,
        overall=overall(parts, weights),
        ai_confidence=ai_confidence(
            parts,
            sessions=int(row.get("sessions") or 0),
            points=int(row.get("points") or 0),
            assessments=int(row.get("assessments") or 0),
            sentiment_confidence=row.get("sentiment_confidence"),
        ),
        weights=normalised_weights(parts, weights),
    )
