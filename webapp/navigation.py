"""The main navigation, by role: one list, so every page shows the same menu."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import current_user

from webapp.billing import features
from webapp.team.membership import current_membership, member_can

CANDIDATE, EMPLOYER, ADMIN = "user", "employer", "admin"

# (endpoint, label, roles). Entries whose blueprint is not registered yet are hidden.
MAIN_NAVIGATION = (
    ("company.show", "Company", {EMPLOYER}),
    ("team.members", "Team", {EMPLOYER}),
    ("jobs.index", "Jobs", {EMPLOYER}),
    ("interviews.index", "Interviews", {EMPLOYER}),
    ("analytics.index", "Analytics", {EMPLOYER}),
    ("practice.index", "Practice", {CANDIDATE}),
    ("learning.index", "Learning", {CANDIDATE}),
    ("candidate_interviews.index", "My interviews", {CANDIDATE}),
    ("resumes.index", "Resume", {CANDIDATE}),
    ("billing.index", "Billing", {EMPLOYER, CANDIDATE}),
    ("admin.users", "Users", {ADMIN}),
    ("admin.audit", "Audit log", {ADMIN}),
    ("queue_admin.index", "Jobs", {ADMIN}),
    ("scoreweights.index", "Score weights", {ADMIN}),
    ("plans.index", "Plans", {ADMIN}),
    ("catalog.index", "Catalog", {ADMIN}),
)


# What a company member must be allowed to do (webapp.team.policy) to see an employer entry.
MEMBER_ACTIONS = {
    "company.show": "company.manage",
    "team.members": "members.view",
    "jobs.index": "jobs.view",
    "interviews.index": "interviews.view",
    "analytics.index": "analytics.view",
    "billing.index": "billing.manage",
}
# An employer who belongs to no company yet can create one and pick a plan; nothing else is theirs.
WITHOUT_COMPANY = {"company.show", "billing.index"}


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def nav_allowed(endpoint: str) -> bool:
    """Whether the menu offers `endpoint`: the member's role allows it and the plan includes it."""
    if current_user.is_authenticated and current_user.role == EMPLOYER and endpoint in MEMBER_ACTIONS:
        membership = current_membership()
        if membership is None:
            return endpoint in WITHOUT_COMPANY
        if not membership.can(MEMBER_ACTIONS[endpoint]):
            return False
    return features.endpoint_allowed(endpoint)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        main_navigation=MAIN_NAVIGATION, has_endpoint=has_endpoint, nav_allowed=nav_allowed, member_can=member_can
    )
