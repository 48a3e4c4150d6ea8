"""The rejection and offer emails: the default texts, the placeholders they may use, and rendering."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.mail import services as mail
from webapp.models import PipelineEmailTemplate

PLACEHOLDERS = ("candidate_name", "job_title", "company_name")
# `{name}`; doubled braces are literal ones, as in str.format.
_PLACEHOLDER = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")

KIND_LABELS = {"rejection": "Rejection email", "offer": "Offer email"}


@dataclass(frozen=True)
class Template:
    kind: str
    subject: str
    body: str
    edited: bool = False


DEFAULTS = {
    "rejection": Template(
        "rejection",
        "Your application for {job_title} at {company_name}",
        "Dear {candidate_name},\n\n"
        "Thank you for your interest in the {job_title} role at {company_name} and for the time you gave us.\n"
        "After careful consideration we have decided not to move forward with your application.\n\n"
        "We wish you every success in your search.\n\n"
        "The {company_name} hiring team",
    ),
    "offer": Template(
        "offer",
        "An offer for {job_title} at {company_name}",
        "Dear {candidate_name},\n\n"
        "We are delighted to offer you the {job_title} role at {company_name}.\n"
        "We will be in touch shortly with the details of the offer.\n\n"
        "The {company_name} hiring team",
    ),
}


def unknown_placeholders(text: str) -> list[str]:
    """The `{...}` names in `text` that are not placeholders we fill, in order of appearance."""
    unknown = []
    for name in _PLACEHOLDER.findall(text or ""):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


def template_for(session: Session, company_id: int, kind: str) -> Template:
    """The company's edited template of `kind`, else the default."""
    row = session.scalar(select(PipelineEmailTemplate).where(
        PipelineEmailTemplate.company_id == company_id, PipelineEmailTemplate.kind == kind
    ))
    if row is None:
        return DEFAULTS[kind]
    return Template(kind, row.subject, row.body, edited=True)


def render(text: str, *, candidate_name: str, job_title: str, company_name: str) -> str:
    """`text` with the placeholders filled (values are never read as placeholders themselves)."""
    values = {"candidate_name": candidate_name, "job_title": job_title, "company_name": company_name}

    def fill(match: re.Match) -> str:
        return values.get(match.group(1), match.group(0))

    return _PLACEHOLDER.sub(fill, text).replace("{{", "{").replace("}}", "}")


def send(session: Session, template: Template, *, to: str, candidate_name: str, job_title: str,
         company_name: str) -> None:
    """Queue the email in the outbox (delivered once the caller's transaction commits)."""
    values = {"candidate_name": candidate_name, "job_title": job_title, "company_name": company_name}
    mail.send(session, to, render(template.subject, **values), render(template.body, **values))
