"""The plan form (create and edit) and the button forms of the plans list."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.formtools import strip
from webapp.models import PLAN_INTERVALS, PLAN_TYPES

MAX_PRICE = Decimal("99999999.99")  # NUMERIC(10, 2)
MAX_LIMIT = 2**31 - 1  # INTEGER
MAX_FEATURES = 30
MAX_FEATURE_LENGTH = 200
TYPE_LABELS = {"candidate": "Candidate", "employer": "Employer"}
INTERVAL_LABELS = {"month": "Monthly", "year": "Yearly"}


def _no_control_characters(form, field) -> None:
    # PostgreSQL text cannot hold NUL; other control characters are never meant in a name.
    if any(ord(ch) < 32 and ch not in "\r\n\t" or ord(ch) == 127 for ch in field.data or ""):
        raise ValidationError(f"{field.label.text} contains characters that are not allowed.")


def _limit(label: str) -> IntegerField:
    return IntegerField(
        label,
        default=0,
        validators=[
            InputRequired(message=f"Enter the {label.lower()}: a whole number, 0 for unlimited."),
            NumberRange(min=0, max=MAX_LIMIT, message="Enter a whole number from 0 (unlimited) upwards."),
        ],
    )


class PlanForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired(message="Give the plan a name."), Length(max=100), _no_control_characters],
    )
    description = TextAreaField(
        "Description", filters=[strip], validators=[Length(max=2000), _no_control_characters]
    )
    plan_type = SelectField("For", choices=[SelectChoice(value, TYPE_LABELS[value]) for value in PLAN_TYPES])
    interval = SelectField("Billed", choices=[SelectChoice(value, INTERVAL_LABELS[value]) for value in PLAN_INTERVALS])
    price = DecimalField(
        "Price (USD)",
        places=2,
        validators=[InputRequired(message="Enter a price, 0 for a free plan.")],
    )
    interview_limit = _limit("Interviews per period")
    job_posting_limit = _limit("Job postings per period")
    application_limit = _limit("Applications per period")
    # Employer plans: members plus open invitations (billing_planseatlimit). Left out of a POST: unchanged.
    seat_limit = IntegerField(
        "Team seats",
        validators=[Optional(), NumberRange(min=0, max=MAX_LIMIT, message="Enter a whole number from 0 (unlimited) upwards.")],
    )
    features = TextAreaField("Features", validators=[_no_control_characters])
    is_active = BooleanField("Active: offered on the plans page", default=True)

    def validate_price(self, field) -> None:
        price = field.data
        if price is None:  # not a number: DecimalField already said so
            return
        if not price.is_finite() or price < 0 or price > MAX_PRICE:
            raise ValidationError("Enter a price from 0 to 99,999,999.99.")
        if price.as_tuple().exponent < -2:
            raise ValidationError("Use at most two decimal places (cents).")

    def validate_features(self, field) -> None:
        features = self.feature_list()
        if len(features) > MAX_FEATURES:
            raise ValidationError(f"List at most {MAX_FEATURES} features.")
        if any(len(feature) > MAX_FEATURE_LENGTH for feature in features):
            raise ValidationError(f"Keep each feature under {MAX_FEATURE_LENGTH} characters.")

    def feature_list(self) -> list[str]:
        """One feature per non-blank line, trimmed."""
        return [line.strip() for line in (self.features.data or "").splitlines() if line.strip()]

    def plan_data(self) -> dict:
        return {
            "name": self.name.data,
            "description": self.description.data or None,
            "plan_type": self.plan_type.data,
            "interval": self.interval.data,
            "price": self.price.data,
            "interview_limit": self.interview_limit.data,
            "job_posting_limit": self.job_posting_limit.data,
            "application_limit": self.application_limit.data,
            "features": self.feature_list(),
            "is_active": self.is_active.data,
        }


class ButtonForm(FlaskForm):
    """Button-only POSTs (move, activate, delete): just the CSRF token."""
