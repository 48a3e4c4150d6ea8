"""Account forms. Every text field refuses control characters (PostgreSQL refuses NUL bytes anyway)."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import email_validator
from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, Regexp, StopValidation, ValidationError

from webapp import timezones

PASSWORD_MIN, PASSWORD_MAX = 12, 128
PASSWORD_RULE = f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters. Spaces are fine; a long phrase is easy to remember."
USERNAME_RULE = "3 to 150 letters, digits, dots, underscores or hyphens."
ACCOUNT_TYPES = (("employer", "I'm hiring"), ("candidate", "I'm looking for a job"))
# The links the profile offers: (key in users_user.social_links, label, hosts it must be on or None for any).
SOCIAL_LINKS = (
    ("linkedin", "LinkedIn", ("linkedin.com",)),
    ("github", "GitHub", ("github.com",)),
    ("website", "Website", None),
    ("twitter", "X (Twitter)", ("x.com", "twitter.com")),
)
SOCIAL_LINK_MAX = 200


def strip(value):
    return value.strip() if isinstance(value, str) else value


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value)


def no_control_characters(form, field) -> None:
    if isinstance(field.data, str) and has_control_characters(field.data):
        # Stop here: the other rules' messages would only add noise about an unprintable value.
        raise StopValidation("Remove the control characters (such as tabs or NUL bytes) from this field.")


def password_rules(form, field) -> None:
    value = field.data or ""
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        raise ValidationError(f"Your password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long.")
    if not value.strip():
        raise ValidationError("Your password cannot be only spaces.")
    if has_control_characters(value):
        raise ValidationError("Your password cannot contain control characters.")


def email_address(form, field) -> None:
    """A deliverable-looking address, normalised (lower case) so lookups and uniqueness agree."""
    # The special-use .test domain is what demo and test accounts use: allowed outside production only.
    relaxed = current_app.config.get("ENV_NAME") in ("development", "testing")
    try:
        checked = email_validator.validate_email(
            field.data or "", check_deliverability=False, test_environment=relaxed, allow_smtputf8=False
        )
    except email_validator.EmailNotValidError:
        raise ValidationError("Enter a valid email address, like name@example.com.") from None
    field.data = checked.normalized.lower()


def web_address(hosts: tuple[str, ...] | None):
    """An optional http(s) URL, on one of `hosts` (or their subdomains) when given."""

    def validate(form, field) -> None:
        if not field.data:
            field.data = None
            return
        try:
            parts = urlsplit(field.data)
            host = (parts.hostname or "").lower()
        except ValueError:
            parts, host = None, ""
        if (
            parts is None
            or parts.scheme not in ("http", "https")
            or "." not in host
            or any(ch.isspace() for ch in field.data)
        ):
            raise ValidationError("Enter a full web address starting with https://.")
        if parts.username or parts.password:
            raise ValidationError("A link cannot contain a user name or password.")
        if hosts and not any(host == allowed or host.endswith("." + allowed) for allowed in hosts):
            raise ValidationError(f"Enter a link on {' or '.join(hosts)}.")

    return validate


def _name_field(label: str, required_message: str) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[DataRequired(required_message), Length(max=150), no_control_characters],
    )


def _new_password_fields(label: str = "Password"):
    password = PasswordField(label, validators=[password_rules], description=PASSWORD_RULE)
    confirm = PasswordField(
        f"Confirm {label.lower()}",
        validators=[DataRequired("Type the password again."), EqualTo("password", "The two passwords do not match.")],
    )
    return password, confirm


class RegistrationForm(FlaskForm):
    account_type = RadioField(
        "I am joining JobHive because",
        choices=[SelectChoice(value, label) for value, label in ACCOUNT_TYPES],
        validate_choice=False,  # our own message below instead of "Not a valid choice"
        validators=[
            AnyOf([value for value, _ in ACCOUNT_TYPES], "Choose whether you are hiring or looking for a job.")
        ],
    )
    company_name = StringField("Company name", filters=[strip], validators=[Length(max=255), no_control_characters])
    username = StringField(
        "Username",
        filters=[strip],
        description=USERNAME_RULE,
        validators=[
            DataRequired("Choose a username."),
            Length(3, 150, "Your username must be 3 to 150 characters long."),
            Regexp(r"^[A-Za-z0-9._-]+\Z", message="Use only letters, digits, dots, underscores or hyphens."),
        ],
    )
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired("Enter your email address."), Length(max=254), no_control_characters, email_address],
    )
    first_name = _name_field("First name", "Enter your first name.")
    last_name = _name_field("Last name", "Enter your last name.")
    password, confirm = _new_password_fields()
    # Filled by static/timezone.js from the browser; anything we do not know (or nothing) is UTC.
    time_zone = HiddenField(filters=[timezones.checked], render_kw={"data-detect-time-zone": ""})

    def validate_company_name(self, field) -> None:
        if self.account_type.data == "employer" and not field.data:
            raise ValidationError("Enter your company's name.")


class ResendVerificationForm(FlaskForm):
    """Button-only form so the request carries a CSRF token."""


class ForgotPasswordForm(FlaskForm):
    # A lookup, not a sign-up: no format rules beyond what could possibly match.
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired("Enter your email address."), Length(max=254), no_control_characters],
    )


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields("New password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password."), Length(max=PASSWORD_MAX)]
    )
    password, confirm = _new_password_fields("New password")

    def validate_password(self, field) -> None:
        if field.data and field.data == self.current_password.data:
            raise ValidationError("Choose a password different from your current one.")


def _link_field(key: str) -> URLField:
    _key, label, hosts = next(link for link in SOCIAL_LINKS if link[0] == key)
    return URLField(
        label, filters=[strip], validators=[Length(max=SOCIAL_LINK_MAX), no_control_characters, web_address(hosts)]
    )


class ProfileForm(FlaskForm):
    first_name = _name_field("First name", "Enter your first name.")
    last_name = _name_field("Last name", "Enter your last name.")
    linkedin = _link_field("linkedin")
    github = _link_field("github")
    website = _link_field("website")
    twitter = _link_field("twitter")

    def social_links(self) -> dict[str, str | None]:
        return {key: self[key].data or None for key, _label, _hosts in SOCIAL_LINKS}


class TimeZoneForm(FlaskForm):
    time_zone = SelectField(
        "Time zone",
        validate_choice=False,  # our own message below instead of "Not a valid choice"
        validators=[DataRequired("Choose your time zone.")],
        description="Times are shown in this zone, and the times you type are read in it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [(name, name.replace("_", " ")) for name in timezones.zone_names()]

    def validate_time_zone(self, field) -> None:
        if not timezones.is_known(field.data):
            raise ValidationError("Choose a time zone from the list, such as Europe/Paris or America/New_York.")


class AvatarForm(FlaskForm):
    # Type, size and dimensions are checked on the content (services.save_avatar), not on the file name.
    avatar = FileField("Profile photo", description="PNG, JPEG, WebP or GIF, up to 2 MB.")


class ConfirmForm(FlaskForm):
    """Button-only form for confirmed actions (remove photo, disconnect a provider)."""
