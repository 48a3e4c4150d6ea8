"""Company forms. Field names are the company_company column names, so `Form(obj=company)` fills them."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from webapp.company import services
from webapp.formtools import stripped_or_none, with_scheme

DESCRIPTION_MAX = 5000
TEAM_MAX = 100_000

# Suggestions for the industry field (a datalist: any other value is fine too).
COMMON_INDUSTRIES = (
    "Accounting",
    "Aerospace",
    "Agriculture",
    "Automotive",
    "Banking",
    "Biotechnology",
    "Construction",
    "Consulting",
    "Cybersecurity",
    "E-commerce",
    "Education",
    "Energy",
    "Entertainment",
    "Financial services",
    "Government",
    "Healthcare",
    "Hospitality",
    "Insurance",
    "Legal services",
    "Logistics",
    "Manufacturing",
    "Media",
    "Non-profit",
    "Pharmaceuticals",
    "Real estate",
    "Recruiting and staffing",
    "Retail",
    "Robotics",
    "Software",
    "Telecommunications",
    "Transportation",
)


# --- filters and validators ------------------------------------------------------------


def no_control_characters(allow_line_breaks: bool = False):
    """Refuse NUL and other invisible control characters (PostgreSQL rejects NUL outright)."""
    allowed = {"\n", "\r", "\t"} if allow_line_breaks else set()

    def check(form, field):
        value = field.data
        if isinstance(value, str) and any(
            unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in value
        ):
            raise ValidationError(
                "Remove the invisible control characters from this text."
                if allow_line_breaks
                else "Use a single line of ordinary text: remove line breaks, tabs and control characters."
            )

    return check


def valid_email(form, field):
    # Development and test data use the special-use .test domain (jobhive.test), which
    # email-validator refuses unless told it runs in a test environment.
    relaxed = current_app.config.get("ENV_NAME") in ("development", "testing") or current_app.testing
    try:
        validate_email(field.data, check_deliverability=False, test_environment=relaxed)
    except EmailNotValidError as error:
        raise ValidationError(f"Enter a valid email address such as talent@example.com ({error}).") from None


PHONE = re.compile(r"[0-9 +\-()]+")


def valid_phone(form, field):
    if not PHONE.fullmatch(field.data):
        raise ValidationError("Use digits, spaces and + - ( ) only, for example +44 20 7946 0958.")
    if sum(ch.isdigit() for ch in field.data) < 5:
        raise ValidationError("A phone number needs at least 5 digits.")


def valid_website(form, field):
    message = "Enter a web address starting with http:// or https://, for example https://example.com."
    value = field.data
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
        host = parts.hostname or ""
        host.encode("idna")
    except (ValueError, UnicodeError):
        raise ValidationError(message) from None
    if parts.scheme.lower() not in ("http", "https") or any(ch.isspace() for ch in value):
        raise ValidationError(message)
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        raise ValidationError("The address needs a full domain name, such as example.com.")


# --- profile -------------------------------------------------------------------------


class CreateCompanyForm(FlaskForm):
    company_name = StringField(
        "Company name",
        filters=[stripped_or_none],
        validators=[DataRequired("Enter your company's name."), Length(max=255), no_control_characters()],
    )


class ProfileForm(FlaskForm):
    company_name = CreateCompanyForm.company_name
    contact_email = EmailField(
        "Contact email",
        filters=[stripped_or_none],
        validators=[Optional(), Length(max=254), no_control_characters(), valid_email],
        description="Where candidates and JobHive can reach your hiring team.",
    )
    phone_number = StringField(
        "Phone",
        filters=[stripped_or_none],
        validators=[Optional(), Length(max=20), no_control_characters(), valid_phone],
    )
    address = StringField(
        "Address", filters=[stripped_or_none], validators=[Optional(), Length(max=255), no_control_characters()]
    )
    industry = StringField(
        "Industry",
        filters=[stripped_or_none],
        validators=[Optional(), Length(max=100), no_control_characters()],
        description="Pick a suggestion or type your own.",
    )
    website = URLField(
        "Website",
        filters=[stripped_or_none, with_scheme],
        validators=[Optional(), Length(max=200), no_control_characters(), valid_website],
    )
    description = TextAreaField(
        "About the company",
        filters=[stripped_or_none],
        validators=[Optional(), Length(max=DESCRIPTION_MAX), no_control_characters(allow_line_breaks=True)],
        description=f"Shown to candidates before their interview. Up to {DESCRIPTION_MAX:,} characters.",
    )
    is_recruiting_agency = BooleanField("We are a recruiting agency hiring for other companies")
    team_member_count = IntegerField(
        "Team members",
        validators=[Optional(), NumberRange(0, TEAM_MAX, f"Enter a number from 0 to {TEAM_MAX:,}.")],
        invalid_value_message="Enter a whole number, such as 25.",
        description="How many people work at the company; empty counts as 0.",
    )

    def values(self) -> dict:
        values = {name: self[name].data for name in services.PROFILE_FIELDS}
        values["team_member_count"] = values["team_member_count"] or 0
        return values


class LogoForm(FlaskForm):
    logo = FileField(
        "Logo image",
        description=f"PNG, JPEG, WebP or GIF; up to 2 MB and {services.LOGO_MAX_SIDE}×{services.LOGO_MAX_SIDE} pixels.",
    )


class ConfirmForm(FlaskForm):
    """Button-only POSTs (remove the logo) still carry a CSRF token."""


# --- interview timing -----------------------------------------------------------------


def _whole(label: str, description: str, unit: str) -> IntegerField:
    return IntegerField(label, invalid_value_message=f"Enter a whole number of {unit}.", description=description)


class TimingForm(FlaskForm):
    custom_interview_timing = BooleanField("Use our own interview timing")
    interview_duration_minutes = _whole(
        "Interview length (minutes)",
        "How long an interview is scheduled to last, from 5 to 240 minutes.",
        "minutes",
    )
    interview_first_warning_seconds = _whole(
        "First warning (seconds before the end)",
        "The candidate is told time is running out this many seconds before the scheduled end. 300 is 5 minutes.",
        "seconds",
    )
    interview_final_warning_seconds = _whole(
        "Final warning (seconds before the end)",
        "A last reminder to wrap up; it must come after the first warning, so use fewer seconds.",
        "seconds",
    )
    interview_force_end_seconds = _whole(
        "Force end (seconds before the end)",
        "The interview closes by itself this many seconds before the scheduled end; "
        "0 ends it exactly on time. It must come after the final warning.",
        "seconds",
    )
    allow_interview_extensions = BooleanField("Let candidates ask for more time")
    max_interview_extensions = _whole(
        "Extensions per interview",
        "How many times one interview may be extended, from 0 to 10. Only used when extensions are allowed.",
        "extensions",
    )
    interview_extension_minutes = _whole(
        "Minutes per extension",
        "How much time each extension adds, from 1 to 60 minutes. Only used when extensions are allowed.",
        "minutes",
    )

    def timing(self) -> services.Timing:
        return services.Timing(**{name: self[name].data for name in services.TIMING_FIELDS})

    def validate(self, extra_validators=None) -> bool:
        """Check only what these settings use, then the rules that tie the fields together."""
        timing = self.timing()
        ignored = services.timing_ignored_fields(timing)
        ok = True
        for name, field in self._fields.items():
            if name in ignored:
                field.errors = []
                continue
            chain = (extra_validators or {}).get(name, [])
            ok = field.validate(self, chain) and ok
        for name, message in services.timing_problems(timing).items():
            if not self[name].errors:  # "enter a whole number" already says it
                self[name].errors.append(message)
            ok = False
        return ok
