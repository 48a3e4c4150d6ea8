"""Resume forms: the upload, the parsed fields (named like the users_resume columns), confirmations."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, StringField, TextAreaField, URLField
from wtforms.validators import Length, Optional, ValidationError

from webapp.company.forms import no_control_characters, valid_email, valid_phone
from webapp.formtools import CONTROL_IN_TEXT, stripped_or_none, with_scheme
from webapp.resumes import parsing
from webapp.uploads import size_label

MAX_ITEMS = 100  # per list field
ITEM_MAX = 500  # characters per item


class UploadForm(FlaskForm):
    file = FileField("Resume file")

    def describe(self, max_bytes: int) -> None:
        self.file.description = f"PDF or Word (.docx), up to {size_label(max_bytes)}."


def profile_url(host: str, example: str):
    """An https address on `host` (or its www. form) with a path, e.g. a LinkedIn profile."""

    def check(form, field):
        parts = urlsplit(field.data)
        if parts.scheme != "https" or (parts.hostname or "").removeprefix("www.") != host or len(parts.path) < 2:
            raise ValidationError(f"Enter your profile's address, such as {example}.")
        if any(ch.isspace() for ch in field.data):
            raise ValidationError("Remove the spaces from the address.")

    return check


class ListField(TextAreaField):
    """A textarea holding one item per line; `data` is the list of non-empty items.

    Stored text is split the same way it was joined (`separator`), so the demo
    data's comma-separated skills appear one per line.
    """

    def __init__(self, label=None, validators=None, separator: str = "\n", split: str = r"\n", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.separator = separator
        self.split = re.compile(split)

    def _items(self, text: str | None) -> list[str]:
        return [" ".join(item.split()) for item in self.split.split(text or "") if item.strip()]

    def process_data(self, value):
        self.data = self._items(value) if isinstance(value, str) else list(value or [])

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = self._items(valuelist[0])

    def _value(self) -> str:
        return "\n".join(self.data or [])

    def joined(self) -> str | None:
        return self.separator.join(self.data) or None

    def pre_validate(self, form):
        if len(self.data) > MAX_ITEMS:
            raise ValidationError(f"Keep this to {MAX_ITEMS} lines or fewer.")
        if any(len(item) > ITEM_MAX for item in self.data):
            raise ValidationError(f"Keep each line to {ITEM_MAX} characters or fewer.")
        if len(self.separator.join(self.data)) > parsing.TEXT_MAX:
            raise ValidationError(f"Keep this to {parsing.TEXT_MAX:,} characters or fewer.")
        if any(CONTROL_IN_TEXT.search(item) for item in self.data):
            raise ValidationError("Remove the invisible control characters from this text.")


def _line(label: str, limit: int, *more, **kwargs) -> StringField:
    return StringField(
        label,
        filters=[stripped_or_none],
        validators=[Optional(), Length(max=limit, message=f"Keep this to {limit} characters or fewer."),
                    no_control_characters(), *more],
        **kwargs,
    )


def _list(label: str, description: str) -> ListField:
    return ListField(label, description=description)


class ResumeForm(FlaskForm):
    first_name = _line("First name", 255)
    last_name = _line("Last name", 255)
    email = EmailField(
        "Email", filters=[stripped_or_none],
        validators=[Optional(), Length(max=255), no_control_characters(), valid_email],
    )
    phone = _line("Phone", 50, valid_phone)
    linkedin = URLField(
        "LinkedIn", filters=[stripped_or_none, with_scheme],
        validators=[Optional(), Length(max=200, message="Keep the address to 200 characters or fewer."),
                    no_control_characters(), profile_url("linkedin.com", "https://www.linkedin.com/in/your-name")],
    )
    github = URLField(
        "GitHub", filters=[stripped_or_none, with_scheme],
        validators=[Optional(), Length(max=200, message="Keep the address to 200 characters or fewer."),
                    no_control_characters(), profile_url("github.com", "https://github.com/your-name")],
    )
    skills = ListField(
        "Skills", separator=", ", split=r"[\n,]",
        description="One skill per line (commas also separate skills).",
    )
    summary = TextAreaField(
        "Summary", filters=[stripped_or_none],
        validators=[Optional(), Length(max=5000, message="Keep the summary to 5,000 characters or fewer."),
                    no_control_characters(allow_line_breaks=True)],
    )
    work_experience = _list("Work experience", "One role per line, e.g. “2021–present  Data engineer, Acme”.")
    education = _list("Education", "One degree, course or school per line.")
    projects_worked = _list("Projects", "One project per line.")
    achievements = _list("Achievements", "One achievement, award or certificate per line.")

    def values(self) -> dict[str, Any]:
        """The columns as stored: list fields joined, empty fields None."""
        values = {}
        for field in self:
            if field.name == "csrf_token":
                continue
            values[field.name] = field.joined() if isinstance(field, ListField) else field.data
        return values


class ConfirmForm(FlaskForm):
    """Button-only POSTs (delete an upload) still carry a CSRF token."""
