"""Filters and validators the forms share: surrounding blanks, web addresses, control characters."""

from __future__ import annotations

import re

from wtforms.validators import ValidationError

# PostgreSQL cannot store NUL at all; other control characters are never typed by a person.
CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # line breaks and tabs are fine in text
CONTROL_MESSAGE = "Remove the invisible control characters (such as NUL) from this text."


def strip(value):
    """Surrounding blanks are never meant."""
    return value.strip() if isinstance(value, str) else value


def stripped_or_none(value):
    """Surrounding blanks are never meant; an empty optional field is stored as NULL."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def with_scheme(value):
    """`example.com` means `https://example.com`."""
    if isinstance(value, str) and value and "://" not in value:
        return "https://" + value
    return value


def rejects_controls(pattern: re.Pattern[str] = CONTROL_IN_LINE, message: str = CONTROL_MESSAGE):
    """A validator refusing text that `pattern` finds control characters in."""

    def check(form, field) -> None:
        if field.data and pattern.search(str(field.data)):
            raise ValidationError(message)

    return check
