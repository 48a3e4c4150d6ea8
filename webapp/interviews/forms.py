"""Input on the interview page: the button-only difficulty toggle, rescheduling and cancelling (notes: webapp.scorecards)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField
from wtforms.validators import InputRequired, ValidationError


class ButtonForm(FlaskForm):
    """No fields: a POST button that carries only its CSRF token."""


# --- Live and actions: reschedule and cancel -------------------------------------------------

RESCHEDULE_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
BOOKING_HORIZON = timedelta(days=365)  # interviews are scheduled and rescheduled within the year


def check_future_time(field, now: datetime | None = None) -> None:
    """A date-time field read as UTC (it is shown as UTC), within the coming year; made timezone-aware."""
    if field.data is None:
        return
    now = now or datetime.now(UTC)
    when = field.data.replace(tzinfo=UTC)
    if when <= now:
        raise ValidationError("Choose a time in the future.")
    if when > now + BOOKING_HORIZON:
        raise ValidationError("Choose a time within the next year.")
    field.data = when


class RescheduleForm(FlaskForm):
    """A new time for the interview, read as UTC (the page shows every time in UTC)."""

    scheduled_time = DateTimeLocalField(
        "New date and time (UTC)",
        format=[RESCHEDULE_FORMAT, RESCHEDULE_FORMAT + ":%S"],
        validators=[InputRequired(message="Choose the new date and time.")],
    )

    def __init__(self, *args, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now

    def validate_scheduled_time(self, field) -> None:
        check_future_time(field, self._now)


class CancelForm(FlaskForm):
    """The confirmation step: the submit button of the confirmation panel sends confirm=yes."""

    confirm = HiddenField()
