"""Input on the interview page: the button-only difficulty toggle, rescheduling and cancelling (notes: webapp.scorecards)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField
from wtforms.validators import InputRequired, ValidationError

from webapp import timezones


class ButtonForm(FlaskForm):
    """No fields: a POST button that carries only its CSRF token."""


# --- Live and actions: reschedule and cancel -------------------------------------------------

RESCHEDULE_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
BOOKING_HORIZON = timedelta(days=365)  # interviews are scheduled and rescheduled within the year


def check_future_time(field, now: datetime | None = None) -> None:
    """A date-time field read in the viewer's time zone (it is shown in it), within the coming year;
    made a timezone-aware UTC time. A time the zone skips is refused and marks the field (`nonexistent`),
    so the view answers 400 instead of 422."""
    if field.data is None:
        return
    now = now or datetime.now(UTC)
    try:
        when = timezones.to_utc(field.data)
    except timezones.NonexistentTime as error:
        field.nonexistent = True
        raise ValidationError(str(error)) from None
    if when <= now:
        raise ValidationError("Choose a time in the future.")
    if when > now + BOOKING_HORIZON:
        raise ValidationError("Choose a time within the next year.")
    field.data = when


def refused_status(field) -> int:
    """400 for a time that does not exist in the viewer's zone, 422 for any other refusal."""
    return 400 if getattr(field, "nonexistent", False) else 422


def name_the_zone(field, label: str) -> None:
    """The field's label says which zone its time is read in: "New date and time (Europe/Paris)"."""
    field.label.text = f"{label} ({timezones.current_name()})"


class RescheduleForm(FlaskForm):
    """A new time for the interview, read in the viewer's time zone (the page shows times in it)."""

    scheduled_time = DateTimeLocalField(
        "New date and time",
        format=[RESCHEDULE_FORMAT, RESCHEDULE_FORMAT + ":%S"],
        validators=[InputRequired(message="Choose the new date and time.")],
    )

    def __init__(self, *args, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now
        name_the_zone(self.scheduled_time, "New date and time")

    def validate_scheduled_time(self, field) -> None:
        check_future_time(field, self._now)


class CancelForm(FlaskForm):
    """The confirmation step: the submit button of the confirmation panel sends confirm=yes."""

    confirm = HiddenField()
