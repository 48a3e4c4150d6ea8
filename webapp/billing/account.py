"""Whose plan a page is about: a candidate's own; for a company member, the company's account."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from webapp.models import User
from webapp.team.membership import current_membership

ACCOUNTS = ("employer", "user")  # admins have no plan of their own


def billing_account() -> User:
    """The account whose subscription and usage apply to the current user.

    A company's plan is held by the account that created it (`company_company.user_id`) and
    serves every member; an employer who belongs to no company has their own.
    """
    membership = current_membership()
    if membership is not None and membership.company.user is not None:
        return membership.company.user
    return current_user._get_current_object()


def billing_required(view):
    """Candidates and employers; of a company's members only owners see or change its plan."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in ACCOUNTS:
            abort(403)
        membership = current_membership()
        if membership is not None and not membership.can("billing.manage"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
