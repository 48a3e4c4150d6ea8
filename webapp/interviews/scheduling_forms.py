"""Input for scheduling an interview: one of the employer's open jobs, a candidate's email, a future time."""

from __future__ import annotations

import re
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, EmailField, SelectField
from wtforms.validators import InputRequired, Length, ValidationError

from webapp.formtools import strip
from webapp.interviews.forms import check_future_time, name_the_zone

SCHEDULE_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends
EMAIL_MAX = 255  # users_user.email is VARCHAR(255)
# One @, something on both sides, no spaces or control characters: enough to look a user up.
_EMAIL_SHAPE = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$")


class ScheduleForm(FlaskForm):
    """The time is read in the viewer's time zone and stored in UTC, like every time on the interview pages."""

    job_id = SelectField(
        "Job",
        validate_choice=False,
        validators=[InputRequired("Choose the job this interview is for.")],
    )
    candidate_email = EmailField(
        "Candidate's email",
        filters=[strip],
        validators=[
            InputRequired("Enter the email address the candidate registered with."),
            Length(max=EMAIL_MAX, message=f"Keep the email address to {EMAIL_MAX} characters or fewer."),
        ],
    )
    scheduled_time = DateTimeLocalField(
        "Date and time",
        format=[SCHEDULE_FORMAT, SCHEDULE_FORMAT + ":%S"],
        validators=[InputRequired("Choose the date and time of the interview.")],
    )

    def __init__(self, *args, jobs: list = (), now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.job_id.choices = [("", "Choose a job…")] + [(str(job.id), job.title) for job in jobs]
        self._job_ids = {str(job.id) for job in jobs}
        self._now = now
        name_the_zone(self.scheduled_time, "Date and time")

    def validate_job_id(self, field) -> None:
        # Another company's job, a closed job or no job at all: the same answer, so ids reveal nothing.
        if field.data not in self._job_ids:
            raise ValidationError("Choose one of your open jobs.")

    def validate_candidate_email(self, field) -> None:
        if field.data and not _EMAIL_SHAPE.match(field.data):
            raise ValidationError("Enter an email address such as name@example.com.")

    def validate_scheduled_time(self, field) -> None:
        check_future_time(field, self._now)

    @property
    def chosen_job_id(self) -> int:
        return int(self.job_id.data)
