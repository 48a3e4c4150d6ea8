"""The current member's active company: the tenant every employer page is scoped to."""

from __future__ import annotations

from webapp.models import Company
from webapp.team.membership import require_membership


def current_company_or_404() -> Company:
    """The logged-in member's active company; 404 when the account belongs to none."""
    return require_membership().company
