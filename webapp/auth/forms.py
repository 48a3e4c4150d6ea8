from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.auth import twofactor


def _no_nul(form, field) -> None:
    # PostgreSQL text cannot hold NUL; refuse it here instead of failing in the database.
    if field.data and "\x00" in field.data:
        raise ValidationError("Remove the invalid characters.")


def _totp_or_recovery_code(form, field) -> None:
    code = twofactor.normalize_code(field.data)
    if not (twofactor.is_totp_code(code) or twofactor.is_recovery_code(code)):
        raise ValidationError("Enter the 6-digit code from your authenticator app, or one of your recovery codes.")


def _totp_code(form, field) -> None:
    if not twofactor.is_totp_code(twofactor.normalize_code(field.data)):
        raise ValidationError("Enter the 6-digit code your authenticator app shows.")


class LoginForm(FlaskForm):
    # No format check: logging in is a lookup, and a format hint would only help guessing.
    email = EmailField("Email", validators=[DataRequired(), Length(max=255), _no_nul])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])


class LogoutForm(FlaskForm):
    """Button-only form so logging out carries a CSRF token."""


class TwoFactorLoginForm(FlaskForm):
    code = StringField(
        "Authentication code",
        validators=[DataRequired(), Length(max=64), _totp_or_recovery_code],
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class StartEnrollmentForm(FlaskForm):
    """Button-only form: a new pending secret is a write, so it is a POST with CSRF."""


class ConfirmEnrollmentForm(FlaskForm):
    code = StringField(
        "Code from your app",
        validators=[DataRequired(), Length(max=64), _totp_code],
        description="After adding JobHive to your app, type the 6-digit code it shows.",
    )


class RegenerateCodesForm(FlaskForm):
    code = StringField(
        "Authentication code",
        validators=[DataRequired(), Length(max=64), _totp_or_recovery_code],
        description="A current code from your authenticator app (or an unused recovery code).",
    )


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField("Current password", validators=[DataRequired(), Length(max=128)])
    code = StringField(
        "Authentication code",
        validators=[DataRequired(), Length(max=64), _totp_or_recovery_code],
        description="A current code from your authenticator app (or an unused recovery code).",
    )
