"""Catalog input: one form per kind (field names are the model's columns) and the list's query string."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, StopValidation

from webapp.catalog import queries
from webapp.formtools import CONTROL_IN_LINE, CONTROL_IN_TEXT, rejects_controls, strip
from webapp.models import RESOURCE_TYPES

NAME_MAX = 100  # every catalog name is VARCHAR(100)
TITLE_MAX = 255  # interview_learningresource.title
URL_MAX = 200  # interview_learningresource.url
TEXT_MAX = 10_000  # TEXT columns; the cap keeps pages and the audit log sane
HOURS_MAX = 1_000  # estimated_hours is an INTEGER; more than this is a typo, not a resource
SEARCH_MAX = 100

def _blank_to_none(value):
    return value or None


CHECKED = ("y", "on", "true", "1")  # what a ticked checkbox sends (WTForms renders value="y")


def _checkbox_value(field) -> None:
    """A checkbox is ticked (one of CHECKED) or absent; anything else is a forged form."""
    if field.raw_data and (len(field.raw_data) > 1 or field.raw_data[0] not in CHECKED):
        field.raw_data, field.data = [], False  # shown again as a plain, unticked box
        raise StopValidation("Tick the box or leave it empty.")


def _name_field(label: str = "Name", hint: str = "Up to 100 characters; must be unique.") -> StringField:
    return StringField(
        label,
        description=hint,
        filters=[strip],
        validators=[
            DataRequired(f"Enter a {label.lower()}."),
            Length(max=NAME_MAX, message=f"Keep the {label.lower()} to {NAME_MAX} characters or fewer."),
            rejects_controls(CONTROL_IN_LINE),
        ],
    )


class ReferenceField(SelectField):
    """A select of other catalog rows by id; the view loads the choices from the database."""

    def __init__(self, label: str, noun: str, *, required: bool, empty_label: str, **kw) -> None:
        super().__init__(label, choices=[], validate_choice=False, **kw)
        self.noun, self.required, self.empty_label = noun, required, empty_label

    def set_options(self, rows: list[tuple[int, str]]) -> None:
        self.choices = [SelectChoice("", self.empty_label), *(SelectChoice(str(id_), name) for id_, name in rows)]

    def process_data(self, value) -> None:
        self.data = "" if value is None else str(value)

    def process_formdata(self, valuelist) -> None:
        if valuelist:
            self.data = valuelist[0].strip()

    def pre_validate(self, form) -> None:
        if not self.data:
            if self.required:
                raise StopValidation(f"Choose a {self.noun}.")
            return
        if self.data not in {choice.value for choice in self.choices if choice.value}:
            raise StopValidation(f"Choose a {self.noun} from the list.")

    def model_value(self) -> int | None:
        return int(self.data) if self.data else None


class HoursField(StringField):
    """Whole hours, as the INTEGER column stores them."""

    def pre_validate(self, form) -> None:
        raw = str(self.data if self.data is not None else "").strip()
        if not raw:
            raise StopValidation("Enter the estimated hours, such as 3.")
        if not re.fullmatch(r"[0-9]{1,7}", raw):
            raise StopValidation("Enter the estimated hours as a whole number of hours, such as 3.")
        if int(raw) > HOURS_MAX:
            raise StopValidation(f"Estimated hours can be at most {HOURS_MAX:,}.")

    def model_value(self) -> int:
        return int(str(self.data).strip())


def _web_address(form, field) -> None:
    if not field.data:
        return
    if len(field.data) > URL_MAX:
        raise StopValidation(f"Keep the address to {URL_MAX} characters or fewer.")
    if re.search(r"\s", field.data) or CONTROL_IN_LINE.search(field.data):
        raise StopValidation("A web address cannot contain spaces.")
    try:
        parts = urlsplit(field.data)
        parts.port  # noqa: B018 -- raises ValueError for a malformed port
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise StopValidation("Enter a full web address starting with https:// or http://.")


class CatalogForm(FlaskForm):
    def load_choices(self, session) -> None:
        """Fill the selects that list other catalog rows (forms without any have nothing to load)."""

    def model_values(self) -> dict[str, Any]:
        """Column -> value for every field (the CSRF token aside)."""
        return {
            field.name: field.model_value() if hasattr(field, "model_value") else field.data
            for field in self
            if field.name != "csrf_token"
        }


class SkillCategoryForm(CatalogForm):
    name = _name_field()


class SkillForm(CatalogForm):
    name = _name_field()
    category_id = ReferenceField(
        "Category", "category", required=False, empty_label="No category",
        description="Skills are grouped by category on candidates' progress pages.",
    )

    def load_choices(self, session) -> None:
        self.category_id.set_options(queries.skill_category_options(session))


class AssessmentTypeForm(CatalogForm):
    name = _name_field()
    description = TextAreaField(
        "Description",
        description="Optional: what this assessment measures.",
        filters=[strip, _blank_to_none],
        validators=[
            Length(max=TEXT_MAX, message=f"Keep the description to {TEXT_MAX:,} characters or fewer."),
            rejects_controls(CONTROL_IN_TEXT),
        ],
    )
    counts_as_technical = BooleanField(
        "Counts toward the technical score",
        description="Its interview results count in candidates' technical score in job rankings, whatever the "
                    "type is called. Changing this recomputes the rankings it affects.",
        validators=[lambda form, field: _checkbox_value(field)],
    )


class AssessmentCategoryForm(CatalogForm):
    assessment_type_id = ReferenceField("Assessment type", "assessment type", required=True, empty_label="Choose…")
    name = _name_field(hint="Up to 100 characters; unique within its assessment type.")

    def load_choices(self, session) -> None:
        self.assessment_type_id.set_options(queries.assessment_type_options(session))


class ResourceForm(CatalogForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[
            DataRequired("Enter a title."),
            Length(max=TITLE_MAX, message=f"Keep the title to {TITLE_MAX} characters or fewer."),
            rejects_controls(CONTROL_IN_LINE),
        ],
    )
    description = TextAreaField(
        "Description",
        description="What the candidate learns from it; shown in their learning path.",
        filters=[strip],
        validators=[
            DataRequired("Enter a description."),
            Length(max=TEXT_MAX, message=f"Keep the description to {TEXT_MAX:,} characters or fewer."),
            rejects_controls(CONTROL_IN_TEXT),
        ],
    )
    resource_type = SelectField(
        "Type",
        choices=[SelectChoice(kind, kind.capitalize()) for kind in RESOURCE_TYPES],
        validate_choice=False,  # so a tampered value gets our message
        validators=[AnyOf(RESOURCE_TYPES, message="Choose one of: " + ", ".join(RESOURCE_TYPES) + ".")],
    )
    url = StringField(
        "Web address",
        description=f"Optional; starts with https:// or http://, up to {URL_MAX} characters.",
        filters=[strip, _blank_to_none],
        validators=[_web_address],
        render_kw={"type": "url", "inputmode": "url"},
    )
    estimated_hours = HoursField(
        "Estimated hours", default=1, description=f"Whole hours from 0 to {HOURS_MAX:,}.",
        render_kw={"inputmode": "numeric"},
    )
    skill_id = ReferenceField(
        "Skill", "skill", required=True, empty_label="Choose…",
        description="Learning paths pick resources for the skills a candidate needs most.",
    )

    def load_choices(self, session) -> None:
        self.skill_id.set_options(queries.skill_options(session))


class ListArguments:
    """The list's query string: `q`, `sort`, `page` and the kind's filters. `error` says what was wrong."""

    def __init__(self, args, listing: queries.Listing, filter_names: tuple[str, ...]) -> None:
        self.q = (args.get("q") or "").strip()
        self.sort = listing.normalize_sort(args.get("sort"))
        self.filters = {name: (args.get(name) or "").strip() for name in filter_names}
        self.page, self.error = 1, None
        raw_page = (args.get("page") or "").strip()
        if len(self.q) > SEARCH_MAX:
            self.error = f"Search text can be at most {SEARCH_MAX} characters."
        elif CONTROL_IN_LINE.search(self.q):
            self.error = "Search text contains characters that are not allowed."
        elif raw_page and not re.fullmatch(r"-?[0-9]{1,12}", raw_page):
            self.error = "Page must be a whole number, such as 2."
        else:
            self.page = int(raw_page) if raw_page else 1
            for name, value in self.filters.items():
                try:
                    if value:
                        listing.filters[name](value)
                except ValueError:
                    self.error = "Choose a filter value from the list."

    def state(self, default_sort: str) -> dict[str, str]:
        """The non-default parameters, so every link keeps the current view."""
        state = {"q": self.q, **self.filters, "sort": "" if self.sort == default_sort else self.sort}
        return {key: value for key, value in state.items() if value}
