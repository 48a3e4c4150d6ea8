"""The main navigation, by role: one list, so every page shows the same menu."""

from __future__ import annotations

from flask import Flask, current_app

CANDIDATE, EMPLOYER, ADMIN = "user", "employer", "admin"

# (endpoint, label, roles). Entries whose blueprint is not registered yet are hidden.
MAIN_NAVIGATION = (
    ("company.show", "Company", {EMPLOYER}),
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
    ("scoreweights.index", "Score weights", {ADMIN}),
    ("plans.index", "Plans", {ADMIN}),
    ("catalog.index", "Catalog", {ADMIN}),
)


def has_endpoint(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(main_navigation=MAIN_NAVIGATION, has_endpoint=has_endpoint)
