"""Plan-gated features: which plans include them, and the one server-side check every route using them passes.

A plan includes a feature when its `features` list has the feature's line ("Analytics dashboard"),
as the plans page shows it; the admin plan form says which lines switch features on. Like the usage
limits, the plan in force decides (the user's subscription while in force, else the free plan of
their kind); with no plan at all nothing is gated. A refusal is a 402 page (an htmx request gets
the same panel as a fragment, swapped into the page) naming the plans that include the feature.

The main navigation hides what the plan lacks without a query per page: the list is kept in the
session cookie, written at login and refreshed by every gated request and billing page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from flask import render_template
from flask import session as cookie
from jinja2_fragments.flask import render_block
from sqlalchemy.orm import Session

from webapp import db
from webapp.billing import queries
from webapp.billing.account import billing_account
from webapp.billing.usage import plan_type_of, subscription_in_force
from webapp.billing.wording import feature_label
from webapp.htmx import wants_block
from webapp.models import SubscriptionPlan, User

REFUSED_STATUS = 402  # Payment Required: the plan, not the account's role, is what stands in the way
LACKS_KEY = "plan_lacks"  # cookie: the feature keys the plan in force does not include


@dataclass(frozen=True)
class Feature:
    key: str
    line: str  # the feature line in a plan that includes it
    name: str  # how pages name it
    plan_type: str
    after_downgrade: str  # what a downgrade does to it, said before the switch
    kept: str  # what stays while the plan lacks it, said on the refusal


FEATURES = (
    Feature(
        "analytics",
        "Analytics dashboard",
        "Analytics",
        "employer",
        "The analytics page and its CSV exports are refused; no data is deleted.",
        "Nothing is deleted: your interviews are all kept, and analytics covers them again as soon as your "
        "plan includes it.",
    ),
    Feature(
        "custom_score_weights",
        "Custom score weights",
        "Custom score weights",
        "employer",
        "Jobs keep the weights saved now and their rankings still use them, but they can no longer be "
        "changed or reset.",
        "Your jobs keep the weights saved before, and their rankings still use them.",
    ),
)
BY_KEY = {feature.key: feature for feature in FEATURES}
# Navigation entries (and links) that lead to a gated feature.
ENDPOINT_FEATURES = {"analytics.index": "analytics", "weights.edit": "custom_score_weights"}


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


_BY_LINE = {_normal(feature.line): feature.key for feature in FEATURES}


def included(plan: SubscriptionPlan) -> frozenset[str]:
    """The keys of the gated features `plan` includes."""
    lines = (_normal(feature_label(entry)) for entry in plan.features or [])
    return frozenset(_BY_LINE[line] for line in lines if line in _BY_LINE)


def lines() -> list[str]:
    """The feature lines that switch gated features on (the admin plan form's hint)."""
    return [f"“{feature.line}”" for feature in FEATURES]


def names(plan: SubscriptionPlan) -> list[str]:
    """The names of the gated features `plan` includes (the admin plans list)."""
    have = included(plan)
    return [feature.name for feature in FEATURES if feature.key in have]


def lacks(plan: SubscriptionPlan | None) -> list[str]:
    """The gated features of the plan's kind it does not include (none without a plan)."""
    if plan is None:
        return []
    have = included(plan)
    return [f.key for f in FEATURES if f.plan_type == plan.plan_type and f.key not in have]


def allows(plan: SubscriptionPlan | None, key: str) -> bool:
    """Whether the plan in force lets its user use feature `key` (no plan: nothing is gated)."""
    return plan is None or key in included(plan)


def governing_plan(session: Session, user: User, now: datetime | None = None) -> SubscriptionPlan | None:
    """The plan in force for `user`, read in one statement (as `usage.plan_in_force` decides it)."""
    plan_type = plan_type_of(user)
    if plan_type is None:
        return None
    now = now or datetime.now(UTC)
    free = None
    for plan, subscription, is_free in session.execute(queries.select_subscribed_and_free_plans(user.id, plan_type)):
        if subscription is not None and subscription_in_force(subscription, now):
            return plan
        if is_free:
            free = plan
    return free


def require_feature(key: str):
    """Refuse the view (402, a fragment for htmx) unless the plan in force includes feature `key`.

    Goes under `role_required`, so only the role's users reach the plan check.
    """
    feature = BY_KEY[key]

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            plan = governing_plan(db.session(), billing_account())
            remember(plan)
            if not allows(plan, key):
                return refusal(feature, plan)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def refusal(feature: Feature, plan: SubscriptionPlan):
    """The page (or htmx fragment) saying which plans include `feature`, with links to billing."""
    offered = db.session.scalars(queries.select_active_plans(feature.plan_type)).all()
    context = dict(feature=feature, plan=plan, including=[p for p in offered if feature.key in included(p)])
    if wants_block():
        body = render_block("billing/feature_refused.html", "refusal", **context)
        # Replace the page's content, whatever part asked: the controls no longer apply.
        headers = {"HX-Retarget": "#main", "HX-Reswap": "innerHTML", "HX-Push-Url": "false"}
        return body, REFUSED_STATUS, headers
    return render_template("billing/feature_refused.html", **context), REFUSED_STATUS


def remember(plan: SubscriptionPlan | None) -> None:
    """Keep what the plan lacks in the session cookie for the navigation (written only when it changes)."""
    missing = lacks(plan)
    if cookie.get(LACKS_KEY, []) != missing:
        cookie[LACKS_KEY] = missing


def plan_allows(key: str) -> bool:
    """For templates: whether to offer feature `key` (from the cookie; the routes check for real)."""
    return key not in cookie.get(LACKS_KEY, ())


def endpoint_allowed(endpoint: str) -> bool:
    """For the navigation: False for an entry whose feature the plan lacks."""
    key = ENDPOINT_FEATURES.get(endpoint)
    return key is None or plan_allows(key)


def remember_at_login(_app, user: User, **_extra) -> None:
    """flask_login's user_logged_in signal: note the plan's gated features for the navigation."""
    plan_type = plan_type_of(user)
    if plan_type and any(feature.plan_type == plan_type for feature in FEATURES):
        remember(governing_plan(db.session(), billing_account()))
    else:
        cookie.pop(LACKS_KEY, None)
