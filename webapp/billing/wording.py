"""How a plan's limits and features read: one wording for the billing page, the plans page and the admin list.

Limits come from the plan's limit columns (monthly on every plan, 0 = unlimited). A feature line that
restates a limit ("1 job posting per month", "Unlimited practice interviews") would list it a second
time, in other words, so the features shown leave such lines out.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from webapp.billing.usage import LIMIT_COLUMNS, METERS_BY_PLAN_TYPE, USAGE_WORDS

# "5 AI interviews per month", "25 active job postings", "Unlimited practice interviews", "10 applications"
_LIMIT_LINE = re.compile(
    r"^\s*(?:\d[\d,]*|unlimited)\b.*\b(?:interviews?|job postings?|postings?|applications?)\b",
    re.IGNORECASE,
)


def limit_phrase(limit: int | None, usage_type: str, *, noun: bool = True) -> str:
    """ "1 job posting per month", "3 job postings per month", "Unlimited job postings";
    without the noun (a table cell under its heading): "1 per month", "Unlimited".
    """
    singular, plural, _verb = USAGE_WORDS[usage_type]
    if not limit:
        return f"Unlimited {plural}" if noun else "Unlimited"
    if not noun:
        return f"{limit:,} per month"
    return f"{limit:,} {singular if limit == 1 else plural} per month"


def plan_limits(plan) -> list[str]:
    """The limits that apply to the plan's kind of account, worded, in the meters' order (employer plans: seats last)."""
    kinds = METERS_BY_PLAN_TYPE.get(plan.plan_type, tuple(LIMIT_COLUMNS))
    lines = [limit_phrase(getattr(plan, LIMIT_COLUMNS[kind]), kind) for kind in kinds]
    if plan.plan_type == "employer":
        lines.append(seat_phrase(_seat_limits().get(plan.id)))
    return lines


def seat_phrase(limit: int | None) -> str:
    """ "1 team seat", "5 team seats", "Unlimited team seats" (members plus open invitations; 0 or none: unlimited)."""
    if not limit:
        return "Unlimited team seats"
    return f"{limit:,} team seat{'' if limit == 1 else 's'}"


def _seat_limits() -> dict[int, int]:
    """Every plan's team seats (billing_planseatlimit: a row per plan at most), read once per request."""
    from flask import g, has_request_context

    from webapp import db
    from webapp.models import PlanSeatLimit

    cached = g.get("plan_seat_limits") if has_request_context() else None
    if cached is None:
        cached = dict(db.session.execute(select(PlanSeatLimit.plan_id, PlanSeatLimit.seat_limit)).all())
        if has_request_context():
            g.plan_seat_limits = cached
    return cached


def feature_label(feature) -> str:
    """A feature entry's text (entries are strings; older rows may hold {"name": ...})."""
    if isinstance(feature, dict):
        return str(feature.get("name") or feature.get("label") or feature.get("title") or "")
    return str(feature)


def restates_limit(text: str) -> bool:
    """A feature line that is really a limit (its number and noun), shown by `plan_limits` instead."""
    return bool(_LIMIT_LINE.match(text))


def listed_features(plan) -> list[str]:
    """The plan's features to show beside its limits: no limits again, no blanks, no repeats."""
    seen: set[str] = set()
    shown = []
    for feature in plan.features or []:
        text = feature_label(feature).strip()
        if text and not restates_limit(text) and text.casefold() not in seen:
            seen.add(text.casefold())
            shown.append(text)
    return shown
