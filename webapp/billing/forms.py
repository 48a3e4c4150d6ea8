"""Billing input: the confirmation every offline change needs, and the plans page's interval."""

from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField
from wtforms.validators import AnyOf

from webapp.models import PLAN_INTERVALS

DEFAULT_INTERVAL = "month"


class ConfirmForm(FlaskForm):
    """A button-only POST whose confirmation panel sends confirm=yes (and the CSRF token)."""

    confirm = HiddenField(validators=[AnyOf(["yes"], message="Confirm the change in the panel first.")])


def plan_interval(args: MultiDict) -> str:
    """The monthly/yearly toggle's state from the URL; anything unknown shows monthly plans."""
    interval = args.get("interval", DEFAULT_INTERVAL)
    return interval if interval in PLAN_INTERVALS else DEFAULT_INTERVAL
