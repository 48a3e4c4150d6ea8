"""The form for one focus's default weights."""

from __future__ import annotations

from flask_wtf import FlaskForm

from webapp.scoring import weights as w
from webapp.weights.forms import WeightField


def _weight_field(name: str) -> WeightField:
    return WeightField(w.FACTOR_LABELS[name], low="0.00", high="1.00")


class FocusWeightsForm(FlaskForm):
    """Four weights between 0 and 1 that add up to 1.00. Build it with `prefix=<focus>`:
    the page holds one form per focus and the prefix keeps their ids apart."""

    technical_weight = _weight_field("technical")
    skills_weight = _weight_field("skills")
    cultural_fit_weight = _weight_field("cultural_fit")
    sentiment_weight = _weight_field("sentiment")

    @classmethod
    def for_focus(cls, focus: str, weights: w.FactorWeights) -> FocusWeightsForm:
        data = {f"{name}_weight": value for name, value in weights.as_dict().items()}
        return cls(formdata=None, prefix=focus, data=data)

    def weight(self, name: str) -> WeightField:
        return self[f"{name}_weight"]

    def check(self) -> bool:
        """Read the entries and apply the rules; the total's message goes to `form_errors`."""
        if not self.validate():
            return False
        for key, message in w.validate_weights(self.weights()).items():
            if key == w.TOTAL:
                self.form_errors.append(message)
            else:  # unreachable while entries are limited to [0, 1]; kept so a rule never goes missing
                self.weight(key).errors.append(message)
        return not self.errors

    def weights(self) -> w.FactorWeights:
        return w.FactorWeights(**{name: self.weight(name).data for name in w.FACTORS})

    def total(self) -> str:
        """The entries' sum for display, or "—" while one of them is not a number."""
        values = [self.weight(name).data for name in w.FACTORS]
        return "—" if None in values else w.fmt(sum(values, w.ZERO))
