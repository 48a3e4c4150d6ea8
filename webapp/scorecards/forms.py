"""Input of scorecards (a 1-4 rating per attribute, a recommendation, notes), notes and scorecard attributes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.formtools import CONTROL_IN_LINE, CONTROL_IN_TEXT, rejects_controls, strip
from webapp.models.pipeline import RECOMMENDATIONS

NOTE_MAX = 10_000  # as the single notes box it replaced
CARD_NOTES_MAX = 10_000
NAME_MAX = 80  # interview_scorecardattribute.name is VARCHAR(80)

# Greenhouse's scorecard convention: four points, no middle to hide in.
RATING_LABELS = {1: "Definitely not", 2: "No", 3: "Yes", 4: "Strong yes"}
RECOMMENDATION_LABELS = dict(zip(RECOMMENDATIONS, ("Strong no", "No", "Yes", "Strong yes"), strict=True))
DRAFT, SUBMIT = "draft", "submit"


def normalise_text(value: str | None) -> str | None:
    """Browsers send textarea line breaks as CRLF; count and store them as one character."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _text_validators(what: str, limit: int) -> list:
    return [
        Length(max=limit, message=f"Keep the {what} to {limit:,} characters or fewer."),
        rejects_controls(CONTROL_IN_TEXT, f"Remove the invisible control characters (such as NUL) from the {what}."),
    ]


class NoteForm(FlaskForm):
    """A new note of the thread (named `notes`, as the box it replaced: the browser's saved drafts keep working)."""

    notes = TextAreaField(
        "Add a note",
        render_kw={"maxlength": NOTE_MAX},
        filters=[normalise_text],
        validators=[DataRequired(message="Write the note first."), *_text_validators("note", NOTE_MAX)],
    )


class EditNoteForm(FlaskForm):
    """The new text of one's own note."""

    body = TextAreaField(
        "Your note",
        filters=[normalise_text],
        validators=[DataRequired(message="A note cannot be empty."), *_text_validators("note", NOTE_MAX)],
    )


def _rating(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a rating: refused by the choices


def _recommendation(value):
    return value or None


class ScorecardForm(FlaskForm):
    """One member's scorecard; `for_attributes` adds one radio group per attribute of the job.

    A draft keeps whatever is filled in; submitting needs every rating and the recommendation.
    """

    recommendation = RadioField(
        "Overall recommendation", choices=list(RECOMMENDATION_LABELS.items()), coerce=_recommendation,
        validate_choice=False,
    )
    card_notes = TextAreaField("Notes for the hiring team", filters=[normalise_text],
                          validators=_text_validators("notes", CARD_NOTES_MAX))
    action = HiddenField()  # the pressed button's value (draft or submit) arrives under this name

    @classmethod
    def for_attributes(cls, attributes, **kwargs) -> ScorecardForm:
        """The form class with a `rating-<id>` radio group per attribute, instantiated."""
        fields = {
            f"rating-{attribute.id}": RadioField(
                attribute.name, choices=list(RATING_LABELS.items()), coerce=_rating, validate_choice=False,
            )
            for attribute in attributes
        }
        form = type("BoundScorecardForm", (cls,), fields)(**kwargs)
        form.attributes = list(attributes)
        return form

    def rating_fields(self):
        return [(attribute, self[f"rating-{attribute.id}"]) for attribute in self.attributes]

    def ratings(self) -> dict[int, int]:
        return {attribute.id: field.data for attribute, field in self.rating_fields() if field.data is not None}

    def check(self, submitting: bool) -> bool:
        """Validate; a submission (or an edit of a submitted scorecard) needs every answer."""
        valid = self.validate()
        for attribute, field in self.rating_fields():
            if field.data is not None and field.data not in RATING_LABELS:
                field.errors = [*field.errors, "Choose one of the four ratings."]
                valid = False
            elif submitting and field.data is None:
                field.errors = [*field.errors, f"Rate {attribute.name} before submitting."]
                valid = False
        choice = self.recommendation
        if choice.data is not None and choice.data not in RECOMMENDATION_LABELS:
            choice.errors = [*choice.errors, "Choose one of the four recommendations."]
            valid = False
        elif submitting and choice.data is None:
            choice.errors = [*choice.errors, "Choose an overall recommendation before submitting."]
            valid = False
        return valid


class AttributeForm(FlaskForm):
    """The name of a scorecard attribute (new or renamed)."""

    name = StringField(
        "New attribute",
        filters=[strip],
        validators=[
            InputRequired(message="Name the attribute, such as “System design”."),
            Length(max=NAME_MAX, message=f"Keep the name to {NAME_MAX} characters or fewer."),
            rejects_controls(CONTROL_IN_LINE),
        ],
    )


class MoveForm(FlaskForm):
    direction = HiddenField()

    def validate_direction(self, field) -> None:
        if field.data not in ("up", "down"):
            raise ValidationError("Move an attribute up or down.")


class ConfirmForm(FlaskForm):
    """The confirmation step: the confirmation panel's button sends confirm=yes."""

    confirm = HiddenField()
