"""The current employer's company: the tenant every employer page is scoped to."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from webapp import db
from webapp.models import Company


def current_company_or_404() -> Company:
    """The logged-in employer's company; 404 when the account has none."""
    company = db.session.scalar(select(Company).where(Company.user_id == current_user.id))
    if company is None:
        abort(404)
    return company
