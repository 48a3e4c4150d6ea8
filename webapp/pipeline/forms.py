"""Pipeline input: a decision about one or several candidates, stages, reasons, email templates, the table's
query parameters."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from webapp.dateranges import BadQueryParameter
from webapp.formtools import CONTROL_IN_LINE, CONTROL_IN_TEXT, rejects_controls, strip
from webapp.pagination import ListParams, page_number
from webapp.pipeline import emails, queries, services

NOTE_MAX = 1000
SUBJECT_MAX = 200  # pipeline_emailtemplate.subject
BODY_MAX = 10_000
INT_MAX = 2**31 - 1


class DecisionForm(FlaskForm):
    """Move, reject, withdraw or reopen: the version the person saw makes it race-safe."""

    action = StringField("Decision", validators=[AnyOf(list(services.ACTIONS), message="Choose a decision.")])
    stage = IntegerField("Move to", validators=[Optional(), NumberRange(1, INT_MAX, "Choose a stage.")])
    version = IntegerField("Version", validators=[InputRequired("The page is out of date: reload it."),
                                                  NumberRange(1, INT_MAX, "The page is out of date: reload it.")])
    reason = IntegerField("Reason", validators=[Optional(), NumberRange(1, INT_MAX, "Choose a reason.")])
    note = TextAreaField("Note (optional)", filters=[strip], validators=[
        Length(max=NOTE_MAX, message=f"Keep the note to {NOTE_MAX:,} characters or fewer."),
        rejects_controls(CONTROL_IN_TEXT),
    ])
    send_email = BooleanField("Send the email")


class BulkForm(FlaskForm):
    """One decision for the candidates ticked in the table; each ticked id posts its version as v_<id>."""

    action = StringField("Decision", validators=[AnyOf([services.MOVE, services.REJECT],
                                                       message="Choose to move or to reject.")])
    stage = IntegerField("Move to", validators=[Optional(), NumberRange(1, INT_MAX, "Choose a stage.")])
    reason = IntegerField("Reason", validators=[Optional(), NumberRange(1, INT_MAX, "Choose a reason.")])
    note = TextAreaField("Note (optional)", filters=[strip], validators=[
        Length(max=NOTE_MAX, message=f"Keep the note to {NOTE_MAX:,} characters or fewer."),
        rejects_controls(CONTROL_IN_TEXT),
    ])
    send_email = BooleanField("Send the rejection or offer email")


def bulk_selection(form_data) -> dict[int, int]:
    """{candidate id: version seen} from the ticked `candidate` boxes and their `v_<id>` fields."""
    selection = {}
    for raw in form_data.getlist("candidate"):
        if not (raw.isascii() and raw.isdigit()) or int(raw) > INT_MAX:
            raise ValueError("Tick candidates from the list.")
        version = form_data.get(f"v_{raw}", "")
        if not (version.isascii() and version.isdigit()) or not 0 < int(version) <= INT_MAX:
            raise ValueError("The page is out of date: reload it.")
        selection[int(raw)] = int(version)
    if not selection:
        raise ValueError("Tick at least one candidate.")
    if len(selection) > queries.PER_PAGE * 4:
        raise ValueError(f"Decide at most {queries.PER_PAGE * 4} candidates at once.")
    return selection


class StageNameForm(FlaskForm):
    name = StringField("Stage name", filters=[strip], validators=[
        DataRequired("Enter the stage's name."),
        Length(max=services.STAGE_NAME_MAX, message=f"Keep the name to {services.STAGE_NAME_MAX} characters or fewer."),
        rejects_controls(CONTROL_IN_LINE),
    ])


class ReasonForm(FlaskForm):
    kind = SelectField("List", choices=[SelectChoice("rejection", "Rejection reasons"),
                                        SelectChoice("withdrawal", "Withdrawal reasons")],
                       validators=[AnyOf(["rejection", "withdrawal"], message="Choose a list.")])
    label = StringField("Reason", filters=[strip], validators=[
        DataRequired("Enter the reason."),
        Length(max=services.REASON_LABEL_MAX,
               message=f"Keep the reason to {services.REASON_LABEL_MAX} characters or fewer."),
        rejects_controls(CONTROL_IN_LINE),
    ])


class ReasonLabelForm(FlaskForm):
    label = StringField("Reason", filters=[strip], validators=[
        DataRequired("Enter the reason."),
        Length(max=services.REASON_LABEL_MAX,
               message=f"Keep the reason to {services.REASON_LABEL_MAX} characters or fewer."),
        rejects_controls(CONTROL_IN_LINE),
    ])


def known_placeholders_only(form, field) -> None:
    unknown = emails.unknown_placeholders(field.data)
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        allowed = ", ".join("{" + name + "}" for name in emails.PLACEHOLDERS)
        raise ValidationError(f"Unknown placeholder{'s' if len(unknown) > 1 else ''} {names}: use only {allowed}.")


class TemplateForm(FlaskForm):
    subject = StringField("Subject", filters=[strip], validators=[
        DataRequired("Enter the subject."),
        Length(max=SUBJECT_MAX, message=f"Keep the subject to {SUBJECT_MAX} characters or fewer."),
        rejects_controls(CONTROL_IN_LINE), known_placeholders_only,
    ])
    body = TextAreaField("Message", filters=[strip], validators=[
        DataRequired("Enter the message."),
        Length(max=BODY_MAX, message=f"Keep the message to {BODY_MAX:,} characters or fewer."),
        rejects_controls(CONTROL_IN_TEXT), known_placeholders_only,
    ])


STATUS_CHOICES = [("active", "In the running"), ("closed", "Rejected or withdrawn"), ("rejected", "Rejected"),
                  ("withdrawn", "Withdrawn"), ("all", "All")]
SORT_CHOICES = [("entered", "Longest in stage first"), ("-entered", "Newest in stage first"), ("name", "Name A–Z"),
                ("-name", "Name Z–A"), ("ai", "AI score, best first"), ("-ai", "AI score, lowest first"),
                ("stage", "Stage, first to last"), ("-stage", "Stage, last to first")]
SEARCH_MAX = 100


@dataclass(frozen=True)
class TableParams(ListParams):
    """The table view's query parameters (defaults left out of links)."""

    job_id: int = 0  # in every link (the path's argument)
    view: str = ""  # "table" once parsed
    stage: int | None = None
    status: str = "active"
    q: str = ""
    sort: str = "entered"
    page: int = 1

    @classmethod
    def parse(cls, job_id: int, args, stage_ids) -> TableParams:
        status = args.get("status", "active")
        if status not in dict(STATUS_CHOICES):
            raise BadQueryParameter("Choose a status from the list.")
        sort = args.get("sort", "entered")
        if sort not in queries.TABLE_SORTS:
            raise BadQueryParameter("Choose an order from the list.")
        raw_stage = args.get("stage", "").strip()
        stage = None
        if raw_stage:
            if not (raw_stage.isascii() and raw_stage.isdigit()) or int(raw_stage) not in stage_ids:
                raise BadQueryParameter("Choose a stage of this job.")
            stage = int(raw_stage)
        search = args.get("q", "").strip()
        if len(search) > SEARCH_MAX or CONTROL_IN_LINE.search(search):
            raise BadQueryParameter(f"Search with up to {SEARCH_MAX} plain characters.")
        return cls(job_id=job_id, view="table", stage=stage, status=status, q=search, sort=sort, page=page_number(args.get("page", "")))
