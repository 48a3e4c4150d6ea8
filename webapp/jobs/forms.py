"""Job input: the create/edit form, the bulk and button-only forms, and the list's query parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    ValidationError,
)

from webapp.formtools import CONTROL_IN_LINE, CONTROL_IN_TEXT, rejects_controls, strip
from webapp.models import JOB_FOCUSES
from webapp.pagination import ListParams, page_number

TITLE_MAX = 255  # company_job.title is VARCHAR(255)
TEXT_MAX = 10_000  # description and requirements are TEXT; the cap keeps pages and the audit log sane
FOCUS_CHOICES = [("technical", "Technical"), ("behavioral", "Behavioral"), ("balanced", "Balanced")]

# PostgreSQL cannot store NUL in text at all; other C0 controls are never typed by a person.




class JobForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[
            DataRequired("Enter a job title."),
            Length(max=TITLE_MAX, message=f"Keep the title to {TITLE_MAX} characters or fewer."),
            rejects_controls(CONTROL_IN_LINE),
        ],
    )
    description = TextAreaField(
        "Description",
        filters=[strip],
        validators=[
            Length(max=TEXT_MAX, message=f"Keep the description to {TEXT_MAX:,} characters or fewer."),
            rejects_controls(CONTROL_IN_TEXT),
        ],
    )
    requirements = TextAreaField(
        "Requirements",
        filters=[strip],
        validators=[
            Length(max=TEXT_MAX, message=f"Keep the requirements to {TEXT_MAX:,} characters or fewer."),
            rejects_controls(CONTROL_IN_TEXT),
        ],
    )
    # validate_choice=False so a tampered value gets our message instead of WTForms' generic one.
    job_focus = SelectField(
        "Interview focus",
        choices=[SelectChoice(value, label) for value, label in FOCUS_CHOICES],
        default="balanced",
        validate_choice=False,
        validators=[
            InputRequired("Choose the interview focus."),
            AnyOf(JOB_FOCUSES, message="Choose technical, behavioral or balanced."),
        ],
    )
    is_active = BooleanField("Open to candidates (active)", default=True)

    def job_data(self) -> dict[str, Any]:
        """Only the fields a job owner may set; anything else that was posted is ignored."""
        return {
            "title": self.title.data,
            "description": self.description.data or None,
            "requirements": self.requirements.data or None,
            "job_focus": self.job_focus.data,
            "is_active": bool(self.is_active.data),
        }


class ButtonForm(FlaskForm):
    """Button-only POSTs (toggle, delete): just the CSRF token."""


TEAM_ROLES = {"hiring_manager": "Hiring manager", "interviewer": "Interviewer"}


def member_id(raw) -> int | None:
    """A posted user id, or None for anything that is not one (answered as "choose a member")."""
    if isinstance(raw, int):
        return raw
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= 2**31 - 1 else None


def _one_of_the_choices(message: str):
    def check(form, field):
        if field.data is None or field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return check


class TeamMemberForm(FlaskForm):
    """Add a company member to a job's hiring team (the view sets the choices: the company's members)."""

    user_id = SelectField(
        "Member", coerce=member_id, validate_choice=False,
        validators=[_one_of_the_choices("Choose a member of this company.")],
    )
    team_role = SelectField(
        "Role on this job", choices=[SelectChoice(value, label) for value, label in TEAM_ROLES.items()],
        validate_choice=False, validators=[AnyOf(list(TEAM_ROLES), "Choose hiring manager or interviewer.")],
    )


BULK_ACTIONS = ("activate", "deactivate")
BULK_MAX_IDS = 500


class BulkJobsForm(FlaskForm):
    action = SelectField(
        "Action",
        choices=[SelectChoice("activate", "Activate"), SelectChoice("deactivate", "Deactivate")],
        validate_choice=False,
        validators=[
            InputRequired("Choose activate or deactivate."),
            AnyOf(BULK_ACTIONS, "Choose activate or deactivate."),
        ],
    )

    def job_ids(self, formdata: MultiDict) -> list[int]:
        """The posted ids that look like ids (anything else is ignored, like a foreign id)."""
        ids = []
        for raw in formdata.getlist("job_ids"):
            raw = raw.strip()
            if raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= 2**31 - 1:
                ids.append(int(raw))
        return sorted(set(ids))


# --- the list's state in the URL ---------------------------------------------------------

ACTIVE_FILTERS = ("all", "active", "inactive")
SORT_KEYS = ("title", "focus", "status", "created_at", "interviews", "top_score")
DEFAULT_SORT = "-created_at"
PER_PAGE_CHOICES = (10, 20, 50, 100)
DEFAULT_PER_PAGE = 20


@dataclass(frozen=True)
class JobListParams(ListParams):
    q: str = ""
    active: str = "all"
    focus: str = ""
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def parse(cls, args: MultiDict) -> JobListParams:
        """Read the list state from query (or form) parameters.

        Unknown filters, sorts and page sizes fall back to the defaults: old
        bookmarks keep working. Only a page that is not a number is an error.
        """
        q = " ".join(args.get("q", "").replace("\x00", "").split())[:TITLE_MAX]
        active = args.get("active", "all")
        focus = args.get("focus", "")
        sort = args.get("sort", DEFAULT_SORT)
        per_page = args.get("per_page", "")
        return cls(
            q=q,
            active=active if active in ACTIVE_FILTERS else "all",
            focus=focus if focus in JOB_FOCUSES else "",
            sort=sort if sort.removeprefix("-") in SORT_KEYS else DEFAULT_SORT,
            page=page_number(args.get("page", "")),
            per_page=int(per_page) if per_page in {str(n) for n in PER_PAGE_CHOICES} else DEFAULT_PER_PAGE,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q) or self.active != "all" or bool(self.focus)

    def sort_link(self, key: str) -> str:
        """The sort a column header links to: flip the current column, else its natural order."""
        if self.sort_key == key:
            return key if self.descending else f"-{key}"
        return f"-{key}" if key in ("created_at", "interviews", "top_score") else key
