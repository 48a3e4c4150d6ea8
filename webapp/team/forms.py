"""Member forms: invite, change role, confirmations, the company switcher, the audit filter, joining by link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from webapp import timezones
from webapp.accounts.forms import (
    PASSWORD_RULE,
    USERNAME_RULE,
    email_address,
    no_control_characters,
    password_rules,
    strip,
)
from webapp.team.policy import HIRING_MANAGER, RECRUITER, ROLE_LABELS


def _role_choices(roles) -> list[tuple[str, str]]:
    return [(role, ROLE_LABELS[role]) for role in roles]


class InviteForm(FlaskForm):
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[DataRequired("Enter the address to invite."), Length(max=254), no_control_characters,
                    email_address],
    )
    # The role most invitations are for; owners and admins are the rare, deliberate choice.
    role = SelectField("Role", default=RECRUITER, validate_choice=False)
    job_ids = SelectMultipleField(
        "Jobs (hiring managers only)", coerce=int, validate_choice=False,
        description="The jobs whose hiring team they join. Hold Ctrl (or ⌘) to pick several.",
    )

    def set_choices(self, roles, jobs: list[tuple[int, str]]) -> InviteForm:
        self.role.choices = _role_choices(roles)
        self.job_ids.choices = jobs
        return self

    def validate_role(self, field) -> None:
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose one of the roles listed.")

    def chosen_jobs(self) -> list[int]:
        return list(self.job_ids.data or []) if self.role.data == HIRING_MANAGER else []


class RoleForm(FlaskForm):
    role = SelectField("New role", validate_choice=False)


class ConfirmForm(FlaskForm):
    """Button-only form for confirmed actions (resend, revoke, remove, accept)."""


class SwitchForm(FlaskForm):
    company_id = SelectField("Active company", coerce=int, validate_choice=False)


class JoinForm(FlaskForm):
    """A new account for the invited address (the address itself is fixed by the invitation)."""

    first_name = StringField("First name", filters=[strip],
                             validators=[DataRequired("Enter your first name."), Length(max=150),
                                         no_control_characters])
    last_name = StringField("Last name", filters=[strip],
                            validators=[DataRequired("Enter your last name."), Length(max=150),
                                        no_control_characters])
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
    password = PasswordField("Password", validators=[password_rules], description=PASSWORD_RULE)
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired("Type the password again."), EqualTo("password", "The two passwords do not match.")],
    )
    # As at sign-up: the browser's zone (static/timezone.js); anything unknown is UTC.
    time_zone = HiddenField(filters=[timezones.checked], render_kw={"data-detect-time-zone": ""})
