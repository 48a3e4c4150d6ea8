from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    # No format check: logging in is a lookup, and a format hint would only help guessing.
    email = EmailField("Email", validators=[DataRequired(), Length(max=255)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])


class LogoutForm(FlaskForm):
    """Button-only form so logging out carries a CSRF token."""
