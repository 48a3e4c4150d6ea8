"""Forms for a job's score weights (also the field type the admin defaults page uses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms.fields import Field
from wtforms.validators import StopValidation
from wtforms.widgets import NumberInput

from webapp.scoring import weights as w

_ECHO_LIMIT = 64  # what we show back of an unusable entry; the rest is noise


class WeightField(Field):
    """A weight typed as text and read as an exact Decimal in [low, high] with two decimals.

    WTForms' DecimalField would accept "NaN", "Infinity" and 1e400 (which overflow
    DECIMAL(3,2) in PostgreSQL); `weights.parse_weight` refuses them with a message.
    """

    def __init__(self, label=None, validators=None, *, low: str, high: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high = Decimal(low), Decimal(high)
        self.widget = NumberInput(step="0.01", min=low, max=high)

    def process_formdata(self, valuelist):
        self.data = None  # parsed in pre_validate, where a bad entry becomes a message

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0][:_ECHO_LIMIT]
        return w.fmt(self.data) if self.data is not None else ""

    def pre_validate(self, form) -> None:
        try:
            self.data = w.parse_weight(self.raw_data[0] if self.raw_data else None, low=self.low, high=self.high)
        except w.WeightInputError as error:
            self.data = None
            raise StopValidation(str(error)) from None


def adjustment_field(name: str) -> WeightField:
    return WeightField(f"{w.FACTOR_LABELS[name]} adjustment", low="-1.00", high="1.00")


def sub_weight_field(name: str) -> WeightField:
    return WeightField(w.SENTIMENT_LABELS[name], low="0.00", high="1.00")


@dataclass
class Outcome:
    """The numbers a weights form adds up to; None where an entry could not be read."""

    effective: dict[str, Decimal | None]
    sentiment: dict[str, Decimal | None]
    total: Decimal | None = None
    sentiment_total: Decimal | None = None
    group_errors: dict[str, str] = field(default_factory=dict)  # TOTAL / SENTIMENT_TOTAL -> message

    @property
    def complete(self) -> bool:
        return self.total is not None and self.sentiment_total is not None


class JobWeightsForm(FlaskForm):
    """Adjustments on top of the job's base weights, and the sentiment split."""

    technical_adjustment = adjustment_field("technical")
    skills_adjustment = adjustment_field("skills")
    cultural_fit_adjustment = adjustment_field("cultural_fit")
    sentiment_adjustment = adjustment_field("sentiment")
    value_alignment_weight = sub_weight_field("value_alignment")
    confidence_weight = sub_weight_field("confidence")
    enthusiasm_weight = sub_weight_field("enthusiasm")
    authenticity_weight = sub_weight_field("authenticity")

    @classmethod
    def for_weights(cls, current: w.JobWeights) -> JobWeightsForm:
        """A form showing the saved adjustments and sentiment split (no request data)."""
        data = {f"{name}_adjustment": value for name, value in current.adjustments.as_dict().items()}
        data |= {f"{name}_weight": value for name, value in current.sentiment.as_dict().items()}
        return cls(formdata=None, data=data)

    def adjustment(self, name: str) -> WeightField:
        return self[f"{name}_adjustment"]

    def sub_weight(self, name: str) -> WeightField:
        return self[f"{name}_weight"]

    def check(self, base: w.FactorWeights) -> Outcome:
        """Read every entry and apply the rules; messages land next to the field they are about.

        Returns what the entries add up to (also when they do not add up), so the
        preview can show it. `self.outcome.group_errors` holds the totals' messages.
        """
        if self.is_submitted():
            self.validate()
        else:  # showing saved values: nothing to parse, but the rules still apply
            for f in self:
                f.errors = list(f.process_errors)
        adjustments = {name: self.adjustment(name).data for name in w.FACTORS}
        effective = {
            name: None if adjustments[name] is None else w.cents(getattr(base, name) + adjustments[name])
            for name in w.FACTORS
        }
        sentiment = {name: self.sub_weight(name).data for name in w.SENTIMENT_PARTS}
        outcome = Outcome(effective=effective, sentiment=sentiment)
        if None not in effective.values():
            problems = w.validate_weights(w.FactorWeights(**effective))
            outcome.total = w.FactorWeights(**effective).total()
            self._place(problems, lambda name: self.adjustment(name), w.TOTAL, outcome)
        if None not in sentiment.values():
            problems = w.validate_sentiment(w.SentimentWeights(**sentiment))
            outcome.sentiment_total = w.SentimentWeights(**sentiment).total()
            self._place(problems, lambda name: self.sub_weight(name), w.SENTIMENT_TOTAL, outcome)
        self.outcome = outcome
        return outcome

    def _place(self, problems: dict[str, str], field_for, total_key: str, outcome: Outcome) -> None:
        for key, message in problems.items():
            if key == total_key:
                outcome.group_errors[key] = message
                self.form_errors.append(message)
            else:
                field_for(key).errors.append(message)

    @property
    def is_usable(self) -> bool:
        """After `check`: every entry read and every rule met."""
        return self.outcome.complete and not self.errors

    def normalised_entries(self, base: w.FactorWeights) -> tuple[dict[str, str], list[str]]:
        """After `check`: the entries that make each group add up to exactly 1.00, in proportion.

        The effective weights are scaled (adjustments become scaled weight minus base) and so is the
        sentiment split. Returns (field name -> new entry, what was done) for the groups that could be
        scaled; a group with an unreadable entry or nothing above 0 is left as typed and said so.
        """
        outcome, entries, done = self.outcome, {}, []
        effective = outcome.effective
        scaled = None if None in effective.values() else w.normalise(effective)
        if scaled is None:
            done.append("The factor weights could not be scaled: every adjustment must be a number and "
                        "at least one effective weight above 0.")
        else:
            entries |= {f"{name}_adjustment": w.fmt(scaled[name] - getattr(base, name)) for name in w.FACTORS}
            done.append(f"Effective weights scaled to add up to 1.00: {w.FactorWeights(**scaled).describe()}.")
        sentiment = outcome.sentiment
        split = None if None in sentiment.values() else w.normalise(sentiment)
        if split is None:
            done.append("The sentiment sub-weights could not be scaled: each must be a number and at least "
                        "one above 0.")
        else:
            entries |= {f"{name}_weight": w.fmt(split[name]) for name in w.SENTIMENT_PARTS}
            done.append(f"Sentiment split scaled to add up to 1.00: {w.SentimentWeights(**split).describe()}.")
        return entries, done

    def adjustments(self) -> w.FactorWeights:
        return w.FactorWeights(**{name: self.adjustment(name).data for name in w.FACTORS})

    def sentiment(self) -> w.SentimentWeights:
        return w.SentimentWeights(**{name: self.sub_weight(name).data for name in w.SENTIMENT_PARTS})


class ResetForm(FlaskForm):
    """Button-only form so resetting carries a CSRF token."""
