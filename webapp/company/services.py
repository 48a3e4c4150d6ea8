"""Company rules and writes: profile, logo, interview timing. Nothing here commits."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.models import Company, User

LOGO_FOLDER = "logos"
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4096

# The profile columns an employer owns (id, user_id, timestamps and the logo are not form fields).
PROFILE_FIELDS = (
    "company_name",
    "contact_email",
    "phone_number",
    "address",
    "industry",
    "website",
    "description",
    "is_recruiting_agency",
    "team_member_count",
)


# --- profile -------------------------------------------------------------------------


def create_company(session: Session, owner: User, company_name: str) -> Company:
    company = Company(user_id=owner.id, company_name=company_name)
    session.add(company)
    session.flush()
    audit.record(session, "company.created", actor=owner, target=company)
    return company


def update_profile(session: Session, company: Company, values: dict[str, Any], *, actor: User) -> list[str]:
    """Apply the profile values (only PROFILE_FIELDS); returns the names of the fields that changed."""
    changed = [name for name in PROFILE_FIELDS if name in values and getattr(company, name) != values[name]]
    for name in changed:
        setattr(company, name, values[name])
    _touch(company)
    audit.record(session, "company.updated", actor=actor, target=company, details={"fields": changed})
    return changed


def set_logo(session: Session, company: Company, name: str | None, *, actor: User) -> str | None:
    """Point the company at a new stored logo (or none); returns the previous file name to delete after commit."""
    previous = company.company_logo
    company.company_logo = name
    _touch(company)
    audit.record(
        session,
        "company.updated",
        actor=actor,
        target=company,
        details={"fields": ["company_logo"], "logo": "replaced" if name and previous else ("added" if name else "removed")},
    )
    return previous


def _touch(company: Company) -> None:
    # The ORM only bumps updated_at when a column changed; a save is a save.
    company.updated_at = func.now()


# --- interview timing ------------------------------------------------------------------

DURATION_RANGE = (5, 240)
MAX_EXTENSIONS_RANGE = (0, 10)
EXTENSION_MINUTES_RANGE = (1, 60)


@dataclass(frozen=True)
class Timing:
    """The eight timing columns of company_company, by their column names."""

    custom_interview_timing: bool
    interview_duration_minutes: int | None
    interview_first_warning_seconds: int | None
    interview_final_warning_seconds: int | None
    interview_force_end_seconds: int | None
    allow_interview_extensions: bool
    max_interview_extensions: int | None
    interview_extension_minutes: int | None

    @classmethod
    def of(cls, company: Company) -> Timing:
        values = {name: getattr(company, name) for name in TIMING_FIELDS}
        # NULLs in old rows read as the platform default for that column.
        return cls(**{name: PLATFORM_DEFAULTS_MAP[name] if value is None else value for name, value in values.items()})

    def effective(self) -> Timing:
        """What an interview actually uses: the platform defaults unless custom timing is on."""
        return self if self.custom_interview_timing else PLATFORM_DEFAULTS


TIMING_FIELDS = tuple(Timing.__dataclass_fields__)

# The documented column defaults of company_company (tests compare them with the database).
PLATFORM_DEFAULTS = Timing(
    custom_interview_timing=False,
    interview_duration_minutes=30,
    interview_first_warning_seconds=300,
    interview_final_warning_seconds=120,
    interview_force_end_seconds=10,
    allow_interview_extensions=True,
    max_interview_extensions=2,
    interview_extension_minutes=10,
)
PLATFORM_DEFAULTS_MAP = asdict(PLATFORM_DEFAULTS)


def timing_ignored_fields(timing: Timing) -> set[str]:
    """Fields that do not matter for these settings, so they are neither checked nor saved."""
    if not timing.custom_interview_timing:
        return set(TIMING_FIELDS) - {"custom_interview_timing"}
    if not timing.allow_interview_extensions:
        return {"max_interview_extensions", "interview_extension_minutes"}
    return set()


def timing_problems(timing: Timing) -> dict[str, str]:
    """Field name -> what to fix, for settings that are out of range or contradict each other.

    Warnings and force end count seconds before the scheduled end, so a coherent
    timeline has first warning > final warning > force end, all inside the duration.
    A comparison is only reported when both of its fields are fine on their own,
    so each message names one thing to change.
    """
    t = timing
    ignored = timing_ignored_fields(t)
    problems: dict[str, str] = {}

    def check(name: str, ok: bool, message: str) -> bool:
        """Record `message` unless ok; True when the field is usable for further comparisons."""
        if name in ignored or name in problems:
            return False  # ignored fields are neither reported nor compared
        if not ok:
            problems[name] = message
        return ok

    def present(name: str, label: str) -> bool:
        return check(name, getattr(t, name) is not None, f"Enter the {label}.")

    low, high = DURATION_RANGE
    duration_ok = present("interview_duration_minutes", "interview length in minutes") and check(
        "interview_duration_minutes",
        low <= t.interview_duration_minutes <= high,
        f"Choose a length from {low} to {high} minutes.",
    )
    first_ok = present("interview_first_warning_seconds", "first warning in seconds") and check(
        "interview_first_warning_seconds",
        t.interview_first_warning_seconds > 0,
        "The first warning must be more than 0 seconds before the end.",
    )
    if duration_ok and first_ok:
        total = t.interview_duration_minutes * 60
        first_ok = check(
            "interview_first_warning_seconds",
            t.interview_first_warning_seconds < total,
            f"The first warning must come after the interview starts: use fewer than {total} seconds "
            f"(the whole {t.interview_duration_minutes} minutes).",
        )
    final_ok = present("interview_final_warning_seconds", "final warning in seconds") and check(
        "interview_final_warning_seconds",
        t.interview_final_warning_seconds > 0,
        "The final warning must be more than 0 seconds before the end.",
    )
    if first_ok and final_ok:
        final_ok = check(
            "interview_final_warning_seconds",
            t.interview_final_warning_seconds < t.interview_first_warning_seconds,
            "The final warning must come after the first warning: use fewer seconds than the first warning "
            f"({t.interview_first_warning_seconds}).",
        )
    force_ok = present("interview_force_end_seconds", "force end in seconds") and check(
        "interview_force_end_seconds",
        t.interview_force_end_seconds >= 0,
        "Force end cannot be negative; use 0 to end exactly on time.",
    )
    if final_ok and force_ok:
        check(
            "interview_force_end_seconds",
            t.interview_force_end_seconds < t.interview_final_warning_seconds,
            "Force end must come after the final warning: use fewer seconds than the final warning "
            f"({t.interview_final_warning_seconds}).",
        )
    low, high = MAX_EXTENSIONS_RANGE
    if present("max_interview_extensions", "number of extensions"):
        check(
            "max_interview_extensions",
            low <= t.max_interview_extensions <= high,
            f"Allow from {low} to {high} extensions.",
        )
    low, high = EXTENSION_MINUTES_RANGE
    if present("interview_extension_minutes", "length of an extension in minutes"):
        check(
            "interview_extension_minutes",
            low <= t.interview_extension_minutes <= high,
            f"An extension lasts from {low} to {high} minutes.",
        )
    return problems


def describe_timeline(timing: Timing) -> str:
    """One line such as "30 min; warning at 25:00, final at 28:00, ends at 29:50; up to 2 extensions of 10 min".

    Times are minutes:seconds into the interview, as the candidate's timer shows them.
    Call only with settings that have no `timing_problems`.
    """
    t = timing.effective()
    total = t.interview_duration_minutes * 60
    timeline = (
        f"{t.interview_duration_minutes} min; "
        f"warning at {_clock(total - t.interview_first_warning_seconds)}, "
        f"final at {_clock(total - t.interview_final_warning_seconds)}, "
        f"ends at {_clock(total - t.interview_force_end_seconds)}; "
    )
    count = t.max_interview_extensions if t.allow_interview_extensions else 0
    if count:
        timeline += f"up to {count} extension{'s' if count != 1 else ''} of {t.interview_extension_minutes} min"
    else:
        timeline += "no extensions"
    return timeline


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def update_timing(session: Session, company: Company, timing: Timing, *, actor: User) -> list[str]:
    """Save checked settings; ignored fields keep their stored values, so switching back restores them."""
    ignored = timing_ignored_fields(timing)
    wanted = {name: value for name, value in asdict(timing).items() if name not in ignored}
    changed = {name: value for name, value in wanted.items() if getattr(company, name) != value}
    for name, value in changed.items():
        setattr(company, name, value)
    _touch(company)
    audit.record(session, "company.timing_updated", actor=actor, target=company, details={"changed": changed})
    return list(changed)

