"""The rankings page's query parameters: `sort`, `min` and `page`, read leniently but never silently."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.formtools import CONTROL_IN_TEXT, rejects_controls, strip
from webapp.rankings.queries import SORT_COLUMNS
from webapp.scoring import weights as w

DEFAULT_SORT = "rank"
MIN_ERROR = "Enter a minimum overall score from 0 to 100, such as 60."


@dataclass(frozen=True)
class RankingParams:
    sort: str = DEFAULT_SORT  # a SORT_COLUMNS key, "-" in front reverses it
    min_text: str = ""  # what was typed, shown back in the field
    minimum: float = 0.0  # the filter applied
    page: int = 1
    min_error: str | None = None
    whatif: WhatIf | None = None  # what-if weights from the sliders; None: the saved ranking

    @classmethod
    def from_args(cls, args) -> RankingParams:
        sort = args.get("sort", DEFAULT_SORT)
        if sort.removeprefix("-") not in SORT_COLUMNS:
            sort = DEFAULT_SORT  # an unknown column (an old or hand-edited link): the default order
        try:
            page = max(1, min(int(args.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        min_text = (args.get("min") or "").strip()[:20]
        minimum, error = 0.0, None
        if min_text:
            try:
                minimum = float(min_text)
            except ValueError:
                minimum = math.nan
            if not (0 <= minimum <= 100):  # also NaN and infinities
                minimum, error = 0.0, MIN_ERROR
        return cls(sort, min_text, minimum, page, error, WhatIf.from_args(args))

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def reverse(self) -> bool:
        return self.sort.startswith("-")

    def sort_link(self, key: str) -> str:
        """The sort a column header links to: its natural order, or reversed when already sorted by it."""
        return ("" if self.reverse else "-") + key if key == self.sort_key else key

    def query_args(self, **changes) -> dict:
        """The non-default parameters, for links that keep the current view."""
        args = {"sort": self.sort, "min": self.min_text if not self.min_error else "", "page": self.page}
        if self.whatif is not None and self.whatif.usable:
            args |= self.whatif.query_args()
        args |= changes
        return {
            k: v for k, v in args.items() if v not in ("", None) and not (k == "page" and v == 1)
            and not (k == "sort" and v == DEFAULT_SORT)
        }

    def with_(self, **changes) -> RankingParams:
        return replace(self, **changes)


WHATIF_PARAMS = {name: f"w_{name}" for name in w.FACTORS}  # factor -> query parameter
ZERO_TOTAL_ERROR = "Give at least one factor a weight above 0.00."


@dataclass(frozen=True)
class WhatIf:
    """Weights from the what-if sliders (`w_technical`, ...), read with the weights editor's parser.

    Present when any `w_` parameter is; a missing one is an error like a bad one, so a
    preview never mixes saved and typed weights silently.
    """

    raw: dict[str, str]  # what was sent, shown back in the sliders (clipped)
    values: dict[str, Decimal | None]  # parsed, None where unusable
    errors: dict[str, str]  # factor (or "total") -> message

    @classmethod
    def from_args(cls, args) -> WhatIf | None:
        if not any(key in args for key in WHATIF_PARAMS.values()):
            return None
        raw, values, errors = {}, {}, {}
        for name, key in WHATIF_PARAMS.items():
            raw[name] = (args.get(key) or "").strip()[:32]
            try:
                values[name] = w.parse_weight(raw[name], low=w.ZERO, high=w.ONE)
            except w.WeightInputError as error:
                values[name], errors[name] = None, f"{w.FACTOR_LABELS[name]} weight: {error}"
        if not errors and sum(values.values()) <= 0:
            errors["total"] = ZERO_TOTAL_ERROR
        return cls(raw, values, errors)

    @property
    def usable(self) -> bool:
        return not self.errors

    @property
    def total(self) -> Decimal:
        return w.cents(sum((v for v in self.values.values() if v is not None), w.ZERO))

    @property
    def sums_to_one(self) -> bool:
        return self.total == w.ONE

    def normalised(self) -> w.FactorWeights:
        """The weights scaled to add up to exactly 1.00 in cents (largest remainders get the odd cents)."""
        return w.FactorWeights(**w.normalise(self.values))

    def query_args(self) -> dict[str, str]:
        return {WHATIF_PARAMS[name]: w.fmt(self.values[name]) for name in w.FACTORS}

    def slider_value(self, name: str) -> str:
        return w.fmt(self.values[name]) if self.values.get(name) is not None else ""


REASON_MAX = 1000  # a reason is a sentence or two; the cap keeps the page and the audit log sane
OVERRIDE_CHOICES = [
    SelectChoice("pin", "Pin to the top: list them first, above the AI's order"),
    SelectChoice("exclude", "Exclude from the ranking: take them out of the AI's order"),
]
OVERRIDE_KINDS = {choice.value for choice in OVERRIDE_CHOICES}


class OverrideForm(FlaskForm):
    """A person's pin or exclusion of a ranked candidate; the reason is required and shown with it."""

    kind = RadioField(
        "What to do", choices=OVERRIDE_CHOICES, validate_choice=False,
        validators=[InputRequired("Choose whether to pin or exclude this candidate.")],
    )
    reason = TextAreaField(
        "Reason",
        filters=[strip],
        description="Shown next to the candidate with your name, and kept in the audit log.",
        validators=[
            DataRequired("Enter the reason for this override: everyone who reads the ranking sees it."),
            Length(max=REASON_MAX, message=f"Keep the reason to {REASON_MAX:,} characters or fewer."),
            rejects_controls(CONTROL_IN_TEXT),
        ],
    )

    def validate_kind(self, field) -> None:
        if field.data not in OVERRIDE_KINDS:
            raise ValidationError("Choose whether to pin or exclude this candidate.")


class RemoveOverrideForm(FlaskForm):
    """The confirmed removal of an override: just the CSRF token."""
