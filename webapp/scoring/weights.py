"""Score weights: what each factor counts for in a candidate's overall score.

Two tables hold them (docs/database-schema.md, section 8):

- `interview_scoreweight`: one row per job focus (technical, behavioral,
  balanced), edited by admins. A missing row, or a NULL column in it, means the
  documented column defaults 0.30 / 0.25 / 0.25 / 0.20.
- `interview_dynamicscoreweight`: at most one row per job, edited by the
  employer: base weights (copied from the focus row when the job's weights are
  first saved or reset), an adjustment per factor, and how the sentiment factor
  splits into value alignment, confidence, enthusiasm and authenticity.

The effective weight of a factor is base + adjustment. A usable set has every
effective weight and every sentiment sub-weight in [0, 1], and each of the two
groups adds up to exactly 1.00.

Everything here is pure (Decimal in, Decimal out) except the two readers at the
bottom, `focus_defaults` and `weights_for_job`, which take a SQLAlchemy session.
Rankings use `weights_for_job(session, job).effective` and `.sentiment`.
All arithmetic is exact `Decimal`, rounded half-up to cents (the columns are
DECIMAL(3,2)); floats are refused so 0.1 + 0.2 never becomes 0.30000000000000004.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, ClassVar, Self

from sqlalchemy import select

from webapp.models.scoring import DynamicScoreWeight, ScoreWeight

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

    from webapp.models.company import Job

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ONE = Decimal("1.00")

FACTORS = ("technical", "skills", "cultural_fit", "sentiment")
FACTOR_LABELS = {"technical": "Technical", "skills": "Skills", "cultural_fit": "Cultural fit", "sentiment": "Sentiment"}
SENTIMENT_PARTS = ("value_alignment", "confidence", "enthusiasm", "authenticity")
SENTIMENT_LABELS = {
    "value_alignment": "Value alignment",
    "confidence": "Confidence",
    "enthusiasm": "Enthusiasm",
    "authenticity": "Authenticity",
}

# Keys of `validate`'s result that are about a whole group rather than one field.
TOTAL = "total"
SENTIMENT_TOTAL = "sentiment_total"

# company_job.job_focus defaults to 'balanced'; a job without a focus is treated so.
DEFAULT_FOCUS = "balanced"

# Where a job's weights come from (JobWeights.source).
SOURCE_JOB = "job"  # the job's own interview_dynamicscoreweight row
SOURCE_FOCUS = "focus"  # the admin-set interview_scoreweight row for the job's focus
SOURCE_BUILTIN = "builtin"  # no row for the focus: the documented column defaults


def cents(value: Decimal) -> Decimal:
    """`value` rounded half-up to 0.01, with -0.00 folded into 0.00."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return ZERO if rounded == 0 else rounded


def normalise(values: Mapping[str, Decimal]) -> dict[str, Decimal] | None:
    """`values` scaled to add up to exactly 1.00 in cents, in proportion (a negative one counts as 0).

    Each share is floored to the cent and the cents still missing go to the largest remainders, so
    every result is within 0.01 of its exact share. None when no value is above 0.
    """
    kept = {name: max(value, ZERO) for name, value in values.items()}
    total = sum(kept.values(), ZERO)
    if total <= 0:
        return None
    exact = {name: value / total * 100 for name, value in kept.items()}  # in cents
    floored = {name: value.to_integral_value(rounding=ROUND_FLOOR) for name, value in exact.items()}
    missing = int(100 - sum(floored.values()))
    for name in sorted(exact, key=lambda name: exact[name] - floored[name], reverse=True)[:missing]:
        floored[name] += 1
    return {name: cents(value / 100) for name, value in floored.items()}


def fmt(value: Decimal | None) -> str:
    """A weight as people read it: always two decimals ("0.30", "-0.05"); "—" when unknown."""
    return "—" if value is None else f"{cents(value):.2f}"


def _decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("weights are exact decimals: pass Decimal or str, not float")
    return value if isinstance(value, Decimal) else Decimal(value)


class _WeightSet:
    """Shared behaviour of the two weight groups (a frozen dataclass of Decimals)."""

    NAMES: ClassVar[tuple[str, ...]]
    LABELS: ClassVar[dict[str, str]]

    def __post_init__(self) -> None:
        for f in fields(self):  # type: ignore[arg-type]
            object.__setattr__(self, f.name, _decimal(getattr(self, f.name)))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Decimal | int | str | None], fallback: Self) -> Self:
        """Build from `values`, taking any missing or None entry from `fallback`."""
        return cls(
            **{name: values[name] if values.get(name) is not None else getattr(fallback, name) for name in cls.NAMES}
        )

    def as_dict(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in self.NAMES}

    def as_strings(self) -> dict[str, str]:
        """JSON-ready ("0.30"), for the audit log."""
        return {name: fmt(value) for name, value in self.as_dict().items()}

    def total(self) -> Decimal:
        return cents(sum(self.as_dict().values(), ZERO))

    def describe(self) -> str:
        """For sentences: "technical 0.30, skills 0.25, cultural fit 0.25, sentiment 0.20"."""
        return ", ".join(f"{self.LABELS[name].lower()} {fmt(value)}" for name, value in self.as_dict().items())


@dataclass(frozen=True)
class FactorWeights(_WeightSet):
    """One value per scoring factor: base weights, adjustments or effective weights."""

    NAMES: ClassVar[tuple[str, ...]] = FACTORS
    LABELS: ClassVar[dict[str, str]] = FACTOR_LABELS

    technical: Decimal
    skills: Decimal
    cultural_fit: Decimal
    sentiment: Decimal


@dataclass(frozen=True)
class SentimentWeights(_WeightSet):
    """How the sentiment factor splits into its four parts."""

    NAMES: ClassVar[tuple[str, ...]] = SENTIMENT_PARTS
    LABELS: ClassVar[dict[str, str]] = SENTIMENT_LABELS

    value_alignment: Decimal
    confidence: Decimal
    enthusiasm: Decimal
    authenticity: Decimal


# The documented column defaults of interview_scoreweight and interview_dynamicscoreweight.
DEFAULT_FOCUS_WEIGHTS = FactorWeights(Decimal("0.30"), Decimal("0.25"), Decimal("0.25"), Decimal("0.20"))
NO_ADJUSTMENTS = FactorWeights(ZERO, ZERO, ZERO, ZERO)
DEFAULT_SENTIMENT_WEIGHTS = SentimentWeights(Decimal("0.40"), Decimal("0.20"), Decimal("0.20"), Decimal("0.20"))


def effective_weights(base: FactorWeights, adjustments: FactorWeights) -> FactorWeights:
    """Base + adjustment for each factor, in cents."""
    return FactorWeights(**{name: cents(getattr(base, name) + getattr(adjustments, name)) for name in FACTORS})


# --- validation -------------------------------------------------------------------------


def _range_message(subject: str, value: Decimal) -> str | None:
    value = cents(value)
    if value < ZERO:
        return f"{subject} comes to {fmt(value)}; it must be between 0.00 and 1.00, so raise it by {fmt(-value)}."
    if value > ONE:
        return f"{subject} comes to {fmt(value)}; it must be between 0.00 and 1.00, so lower it by {fmt(value - ONE)}."
    return None


def _total_message(subject: str, total: Decimal) -> str | None:
    if total > ONE:
        return f"{subject} add up to {fmt(total)}; lower them by {fmt(total - ONE)} in total."
    if total < ONE:
        return f"{subject} add up to {fmt(total)}; raise them by {fmt(ONE - total)} in total."
    return None


def validate_weights(weights: FactorWeights) -> dict[str, str]:
    """Messages for (effective) factor weights: each in [0, 1], together exactly 1.00.

    Keys are factor names and `TOTAL`; an empty dict means the weights are usable.
    """
    problems = {
        name: message
        for name in FACTORS
        if (message := _range_message(f"The {FACTOR_LABELS[name].lower()} weight", getattr(weights, name)))
    }
    if message := _total_message("The weights", weights.total()):
        problems[TOTAL] = message
    return problems


def validate_sentiment(sentiment: SentimentWeights) -> dict[str, str]:
    """Messages for the sentiment sub-weights: each in [0, 1], together exactly 1.00.

    Keys are sub-weight names and `SENTIMENT_TOTAL`.
    """
    problems = {
        name: message
        for name in SENTIMENT_PARTS
        if (message := _range_message(f"{SENTIMENT_LABELS[name]}", getattr(sentiment, name)))
    }
    if message := _total_message("The sentiment sub-weights", sentiment.total()):
        problems[SENTIMENT_TOTAL] = message
    return problems


def validate(weights: FactorWeights, sentiment: SentimentWeights | None = None) -> dict[str, str]:
    """Every problem with a set of effective weights (and sentiment sub-weights), by field.

    Each message says what to change, e.g. "The weights add up to 1.05; lower them
    by 0.05 in total." An empty dict means the set may be saved and used.
    """
    problems = validate_weights(weights)
    if sentiment is not None:
        problems |= validate_sentiment(sentiment)
    return problems


# --- reading what people type ---------------------------------------------------------

# ASCII digits only: Python's Decimal also reads "1_000", "١" and "NaN", none of which
# belongs in a weight. An exponent is allowed because browsers' number inputs send "1e-2".
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_MAX_INPUT = 32


class WeightInputError(ValueError):
    """What someone typed is not a usable weight; the message says what to enter."""


def parse_weight(raw: str | None, *, low: Decimal, high: Decimal) -> Decimal:
    """A typed weight or adjustment as an exact Decimal in [low, high] with at most two decimals.

    Raises WeightInputError with a message for a person: empty, not a plain
    number (also NaN, Infinity, "1,5"), out of range, or more precise than cents.
    """
    text = (raw or "").strip()
    between = f"between {fmt(low)} and {fmt(high)}"
    if not text:
        raise WeightInputError(f"Enter a number {between}.")
    if len(text) <= _MAX_INPUT and "," in text and _NUMBER.fullmatch(text.replace(",", ".", 1)):
        raise WeightInputError("Use a dot for decimals, such as 0.05.")
    if len(text) > _MAX_INPUT or not _NUMBER.fullmatch(text):
        raise WeightInputError(f"Enter a plain number {between}, such as 0.05.")
    try:
        value = Decimal(text)
    except InvalidOperation:  # the pattern above should make this unreachable
        raise WeightInputError(f"Enter a plain number {between}, such as 0.05.") from None
    if value < low:
        raise WeightInputError(f"Enter a number {between}; this is below {fmt(low)}.")
    if value > high:
        raise WeightInputError(f"Enter a number {between}; this is above {fmt(high)}.")
    if value != value.quantize(CENT):
        raise WeightInputError("Use at most two decimal places, such as 0.05.")
    return cents(value)


# --- reading weights from the database --------------------------------------------------


@dataclass(frozen=True)
class JobWeights:
    """A job's weights as rankings should use them, and where they came from."""

    focus: str
    base: FactorWeights
    adjustments: FactorWeights
    sentiment: SentimentWeights
    source: str  # SOURCE_JOB, SOURCE_FOCUS or SOURCE_BUILTIN
    last_updated: datetime | None = None

    @property
    def effective(self) -> FactorWeights:
        return effective_weights(self.base, self.adjustments)

    def problems(self) -> dict[str, str]:
        """`validate` on this set; rows written outside the dashboard may not add up."""
        return validate(self.effective, self.sentiment)


def focus_of(job: Job) -> str:
    return job.job_focus or DEFAULT_FOCUS


def stored_focus_weights(session: Session, job_focus: str) -> FactorWeights | None:
    """The admin-set weights for a focus, or None when that focus has no row."""
    row = session.scalar(select(ScoreWeight).where(ScoreWeight.job_focus == job_focus))
    if row is None:
        return None
    values = {name: getattr(row, f"{name}_weight") for name in FACTORS}
    return FactorWeights.from_mapping(values, DEFAULT_FOCUS_WEIGHTS)


def focus_defaults(session: Session, job_focus: str | None) -> FactorWeights:
    """The base weights for a focus: its interview_scoreweight row, else 0.30/0.25/0.25/0.20."""
    return stored_focus_weights(session, job_focus or DEFAULT_FOCUS) or DEFAULT_FOCUS_WEIGHTS


def job_weights_from_row(row: DynamicScoreWeight, focus: str) -> JobWeights:
    """A saved interview_dynamicscoreweight row; NULL adjustments and sub-weights mean their defaults."""
    return JobWeights(
        focus=focus,
        base=FactorWeights(**{name: getattr(row, f"base_{name}_weight") for name in FACTORS}),
        adjustments=FactorWeights.from_mapping(
            {name: getattr(row, f"{name}_adjustment") for name in FACTORS}, NO_ADJUSTMENTS
        ),
        sentiment=SentimentWeights.from_mapping(
            {name: getattr(row, f"{name}_weight") for name in SENTIMENT_PARTS}, DEFAULT_SENTIMENT_WEIGHTS
        ),
        source=SOURCE_JOB,
        last_updated=row.last_updated,
    )


def weights_for_job(session: Session, job: Job) -> JobWeights:
    """The weights that score candidates for `job`.

    The job's own interview_dynamicscoreweight row when it has one; otherwise the
    defaults for its focus with no adjustments and the default sentiment split.
    Two queries at most; no scope check (callers pass a job they may see).
    """
    focus = focus_of(job)
    row = session.scalar(
        select(DynamicScoreWeight).where(DynamicScoreWeight.job_id == job.id).execution_options(populate_existing=True)
    )
    if row is not None:
        return job_weights_from_row(row, focus)
    stored = stored_focus_weights(session, focus)
    return JobWeights(
        focus=focus,
        base=stored or DEFAULT_FOCUS_WEIGHTS,
        adjustments=NO_ADJUSTMENTS,
        sentiment=DEFAULT_SENTIMENT_WEIGHTS,
        source=SOURCE_FOCUS if stored is not None else SOURCE_BUILTIN,
    )
