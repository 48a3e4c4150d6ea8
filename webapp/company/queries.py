"""Reads for the company area."""

from __future__ import annotations

from sqlalchemy import Select, select

from webapp.models import Company


def select_company_of(user_id: int, *, for_update: bool = False) -> Select:
    """The company owned by `user_id` (at most one: company_company.user_id is unique)."""
    statement = select(Company).where(Company.user_id == user_id)
    return statement.with_for_update() if for_update else statement
