"""Learning input: the build form, the button-only forms and the list's query parameters."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.formtools import CONTROL_IN_LINE, strip
from webapp.models import LEARNING_PATH_STATUSES
from webapp.pagination import ListParams, page_number

SESSION_ID_MAX = 255  # interview_interviewsession.session_id is VARCHAR(255)


def _printable(form, field) -> None:
    if field.data and CONTROL_IN_LINE.search(field.data):
        raise ValidationError("That is not a practice session id.")


class BuildForm(FlaskForm):
    """"Build my learning path": the practice session's public id (`session_id`)."""

    session_id = StringField(
        "Practice session",
        filters=[strip],
        validators=[
            DataRequired("Choose the practice session to build your learning path from."),
            Length(max=SESSION_ID_MAX, message="That is not a practice session id."),
            _printable,
        ],
    )


class ButtonForm(FlaskForm):
    """Button-only POSTs (start a path): just the CSRF token."""


class MarkForm(FlaskForm):
    """Mark a resource done ("true") or not done ("false")."""

    done = StringField(
        "Done",
        validators=[
            InputRequired("Say whether the resource is done."),
            AnyOf(("true", "false"), "Say done or not done."),
        ],
    )

    @property
    def is_done(self) -> bool:
        return self.done.data == "true"


class MoveForm(FlaskForm):
    """Move a resource one step (`direction`) or, for drag and drop, to a 1-based `position`."""

    direction = StringField("Direction", validators=[Optional(), AnyOf(("up", "down"), "Move up or down.")])
    position = IntegerField(
        "Position",
        validators=[Optional(), NumberRange(min=1, max=10_000, message="Choose a position in the list.")],
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.direction.data and self.position.data is None:
            self.direction.errors = ["Say where to move the resource: up, down or a position."]
            return False
        return True

    @property
    def step(self) -> int:
        return {"up": -1, "down": 1}.get(self.direction.data or "", 0)

    def first_error(self) -> str:
        return next((error for field in (self.direction, self.position) for error in field.errors), "Bad request.")


# --- the list's state in the URL ---------------------------------------------------------

STATUS_FILTERS = ("all", *LEARNING_PATH_STATUSES)
PER_PAGE = 20


@dataclass(frozen=True)
class PathListParams(ListParams):
    status: str = "all"
    page: int = 1

    @classmethod
    def parse(cls, args: MultiDict) -> PathListParams:
        """Unknown statuses fall back to all (old bookmarks keep working); a page that is no number is an error."""
        status = args.get("status", "all")
        return cls(status=status if status in STATUS_FILTERS else "all", page=page_number(args.get("page", "")))

    @property
    def per_page(self) -> int:
        return PER_PAGE
