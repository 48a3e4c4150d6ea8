"""Admin forms: the list filters (read from the query string) and the button forms for changes."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from webapp.admin.queries import AuditFilters, UserFilters
from webapp.admin.services import ROLE_LABELS


def _strip(value: str | None) -> str:
    return value.strip() if isinstance(value, str) else ""


def _printable(form, field) -> None:
    # PostgreSQL text cannot hold NUL, and control characters in a search are never meant.
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data or ""):
        raise ValidationError(f"{field.label.text} contains characters that are not allowed.")


def _choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ChoiceField(SelectField):
    """A select whose wrong value gets a message naming the valid ones."""

    def pre_validate(self, form) -> None:
        choices = self.iter_choices()
        if self.data not in [choice.value for choice in choices]:
            names = ", ".join(choice.label for choice in choices if choice.value)
            raise ValidationError(f"{self.label.text} must be one of: {names}.")


class _ListFilters(Form):
    """Read from `request.args`; GET forms change nothing, so they carry no CSRF token."""

    page = StringField("Page", filters=[_strip])

    def validate_page(self, field) -> None:
        if field.data and _page_number(field.data) is None:
            raise ValidationError("Page must be a whole number, such as 2.")

    @property
    def page_number(self) -> int:
        number = _page_number(self.page.data or "")
        return 1 if number is None else number

    @property
    def first_error(self) -> str | None:
        return next((error for errors in self.errors.values() for error in errors), None)


def _page_number(raw: str) -> int | None:
    """The page asked for; any integer is fine (the view clamps it into range), a non-number is None."""
    match = re.fullmatch(r"(-?)0*([0-9]+)", raw)
    if match is None:
        return None
    negative, digits = match.groups()
    if negative:
        return 0
    # Bounded so a thousand-digit "page" never reaches the database as an offset.
    return int(digits) if len(digits) <= 12 else 10**12


class UserFilterForm(_ListFilters):
    q = StringField(
        "Search",
        filters=[_strip],
        validators=[Length(max=100, message="Search text can be at most 100 characters."), _printable],
    )
    role = ChoiceField("Role", default="", choices=_choices(("", "All roles"), *ROLE_LABELS.items()))
    status = ChoiceField(
        "Status", default="", choices=_choices(("", "Any status"), ("active", "Active"), ("inactive", "Deactivated"))
    )
    verified = ChoiceField(
        "Email", default="", choices=_choices(("", "Verified or not"), ("yes", "Verified"), ("no", "Not verified"))
    )
    sort = HiddenField("Sort", filters=[_strip])

    def filters(self) -> UserFilters:
        return UserFilters(q=self.q.data, role=self.role.data, status=self.status.data, verified=self.verified.data)


class AuditFilterForm(_ListFilters):
    # Choices are the actions present in the log (set by the view); a bookmarked action
    # that is no longer there just finds nothing, so any short value is accepted.
    action = SelectField("Action", default="", choices=[], validate_choice=False,
                         filters=[_strip], validators=[Length(max=64), _printable])
    actor = StringField(
        "Actor email",
        filters=[_strip],
        validators=[Length(max=255, message="Actor email can be at most 255 characters."), _printable],
    )
    date_from = StringField("From", name="from", id="audit-from", filters=[_strip], render_kw={"type": "date"})
    date_to = StringField("To", name="to", id="audit-to", filters=[_strip], render_kw={"type": "date"})
    target = HiddenField("Target user", filters=[_strip])

    def validate_date_from(self, field) -> None:
        _parse_date(field)

    def validate_date_to(self, field) -> None:
        end = _parse_date(field)
        start = _try_date(self.date_from.data)
        if start and end and end < start:
            raise ValidationError("The 'to' date must be on or after the 'from' date.")

    def validate_target(self, field) -> None:
        if field.data and not (field.data.isascii() and field.data.isdigit() and len(field.data) < 12):
            raise ValidationError("Target user must be a user number, such as 42.")

    def set_actions(self, actions: list[str]) -> None:
        known = list(actions)
        if self.action.data and self.action.data not in known:
            known.append(self.action.data)
        self.action.choices = _choices(("", "All actions"), *((action, action) for action in known))

    def filters(self) -> AuditFilters:
        return AuditFilters(
            action=self.action.data or "",
            actor=self.actor.data,
            date_from=_try_date(self.date_from.data),
            date_to=_try_date(self.date_to.data),
            target=int(self.target.data) if self.target.data else None,
        )


def _try_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _parse_date(field) -> date | None:
    if field.data and _try_date(field.data) is None:
        raise ValidationError(f"'{field.name}' must be a date such as 2026-11-23.")
    day = _try_date(field.data)
    if day is not None and not 1900 <= day.year <= 2999:
        # The search runs up to the day after 'to', which must still be a date.
        raise ValidationError(f"'{field.name}' must be between the years 1900 and 2999.")
    return day


class RoleForm(FlaskForm):
    role = ChoiceField("New role", choices=_choices(*ROLE_LABELS.items()))


class ConfirmForm(FlaskForm):
    """Button-only form, so every change is a POST carrying a CSRF token."""
