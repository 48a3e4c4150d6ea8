"""What a plan switch changes, said before it happens: features lost or gained, limits lowered or raised.

Nothing is taken away from what exists when a plan is lowered: jobs stay open, interviews stay booked,
saved weights stay in use. What a lower plan refuses is new use: posting, scheduling or applying past
its monthly limit, and the features it does not include.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from webapp.billing import features, queries
from webapp.billing.usage import LIMIT_COLUMNS, METERS_BY_PLAN_TYPE, USAGE_WORDS
from webapp.billing.wording import limit_phrase
from webapp.models import SubscriptionPlan, User

# What stays, and what is refused, when a limit is lowered (the limit as worded by limit_phrase).
_LOWERED = {
    "interview": "Interviews already scheduled stay booked; scheduling more than {limit} is refused.",
    "job_posting": "Open jobs stay open; posting more than {limit} is refused.",
    "application": "Applications already sent stay; sending more than {limit} is refused.",
}


@dataclass(frozen=True)
class LimitChange:
    usage_type: str
    before: int  # 0: unlimited
    after: int

    @property
    def lowered(self) -> bool:
        return self.after != 0 and (self.before == 0 or self.after < self.before)

    @property
    def label(self) -> str:
        return USAGE_WORDS[self.usage_type][1].capitalize()

    @property
    def text(self) -> str:
        """ "Job postings: 25 per month → 5 per month"."""
        return (f"{self.label}: {limit_phrase(self.before, self.usage_type, noun=False)} → "
                f"{limit_phrase(self.after, self.usage_type, noun=False)}")

    @property
    def consequence(self) -> str:
        return _LOWERED[self.usage_type].format(limit=limit_phrase(self.after, self.usage_type))


@dataclass(frozen=True)
class PlanChange:
    """Moving from `current` (None: no plan, nothing limited or gated) to `target`."""

    current: SubscriptionPlan | None
    target: SubscriptionPlan
    lost: list[features.Feature] = field(default_factory=list)
    gained: list[features.Feature] = field(default_factory=list)
    limits: list[LimitChange] = field(default_factory=list)  # only the limits that differ
    active_jobs: int | None = None  # employers: open jobs now

    @property
    def lowered(self) -> list[LimitChange]:
        return [change for change in self.limits if change.lowered]

    @property
    def raised(self) -> list[LimitChange]:
        return [change for change in self.limits if not change.lowered]

    @property
    def is_downgrade(self) -> bool:
        """Something is lost: a feature, or a lower limit."""
        return bool(self.lost or self.lowered)

    @property
    def jobs_over_limit(self) -> str | None:
        """The open jobs a lower posting limit leaves above it, said plainly; None when there are none."""
        limit = self.target.job_posting_limit or 0
        if not limit or self.active_jobs is None or self.active_jobs <= limit:
            return None
        if not any(change.usage_type == "job_posting" for change in self.lowered):
            return None
        jobs = f"{self.active_jobs} active job{'s' if self.active_jobs != 1 else ''}"
        return (
            f"You have {jobs}; {self.target.name} allows {limit_phrase(limit, 'job_posting')}. "
            f"Nothing is deactivated: all {self.active_jobs} stay open with their candidates and interviews. "
            f"The limit counts new postings: once {limit} {'is' if limit == 1 else 'are'} posted in a month, "
            "posting another is refused until the next month starts."
        )


def plan_change(current: SubscriptionPlan | None, target: SubscriptionPlan, active_jobs: int | None) -> PlanChange:
    """What moving from `current` to `target` changes (no queries)."""
    before = features.included(current) if current is not None else None  # None: nothing gated
    after = features.included(target)
    kinds = [f for f in features.FEATURES if f.plan_type == target.plan_type]
    lost = [f for f in kinds if (before is None or f.key in before) and f.key not in after]
    gained = [f for f in kinds if before is not None and f.key not in before and f.key in after]
    limits = []
    for usage_type in METERS_BY_PLAN_TYPE.get(target.plan_type, ()):
        column = LIMIT_COLUMNS[usage_type]
        was = (getattr(current, column) or 0) if current is not None else 0
        will = getattr(target, column) or 0
        if was != will:
            limits.append(LimitChange(usage_type, was, will))
    return PlanChange(current, target, lost, gained, limits, active_jobs)


def plan_changes(
    session: Session, user: User, current: SubscriptionPlan | None, targets: list[SubscriptionPlan]
) -> dict[int, PlanChange]:
    """Per target plan id, what switching to it changes; one count of open jobs for an employer."""
    active_jobs = queries.active_job_count(session, user.id) if user.role == "employer" else None
    return {
        target.id: plan_change(current, target, active_jobs)
        for target in targets
        if current is None or target.id != current.id
    }
