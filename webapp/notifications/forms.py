"""Input of notifications: "mark all read" and the account page's email preferences."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField

from webapp.notifications.services import KIND_LABELS


class MarkAllReadForm(FlaskForm):
    """A button only (the CSRF token is the form)."""


class PreferencesForm(FlaskForm):
    """One "Email me when..." checkbox per kind, named like the kind."""

    def kinds(self) -> list[BooleanField]:
        return [self[kind] for kind in KIND_LABELS]

    def wanted(self) -> set[str]:
        return {kind for kind in KIND_LABELS if self[kind].data}


for _kind, _label in KIND_LABELS.items():
    setattr(PreferencesForm, _kind, BooleanField(_label))
