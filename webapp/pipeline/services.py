"""Pipeline rules: moving, rejecting, withdrawing and reopening candidates (race-safe), bulk decisions,
a job's and the company's stages, the reasons and the email templates. Every write is audit-logged;
the caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from webapp.audit.services import record
from webapp.models import (
    PipelineCandidate,
    PipelineDecision,
    PipelineEmailTemplate,
    PipelineReason,
    PipelineStage,
)
from webapp.notifications import services as notifications
from webapp.pipeline import emails, queries
from webapp.templating import person_name

MOVE, REJECT, WITHDRAW, REOPEN = "move", "reject", "withdraw", "reopen"
# The decision's action and the status each leaves the candidate in.
ACTIONS = {MOVE: ("moved", "active"), REJECT: ("rejected", "rejected"), WITHDRAW: ("withdrawn", "withdrawn"),
           REOPEN: ("reopened", "active")}
REASON_KIND = {REJECT: "rejection", WITHDRAW: "withdrawal"}
STAGE_NAME_MAX = 60  # pipeline_stage.name
REASON_LABEL_MAX = 120  # pipeline_reason.label


class Refused(Exception):
    """A decision that makes no sense for where the candidate is (422)."""


class Conflict(Exception):
    """Someone else changed the candidate since the page was drawn: nothing was written (409)."""

    def __init__(self, message: str, card):
        super().__init__(message)
        self.card = card


@dataclass(frozen=True)
class Decision:
    """What a person decided about one candidate."""

    action: str
    stage: PipelineStage | None = None  # where a move goes
    reason: str | None = None  # the chosen reason's label, and the note after it
    send_email: bool = False


# Mutable: the views fill it as each candidate is decided.
@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "Name: why"


def reason_text(reason: PipelineReason | None, note: str) -> str | None:
    """The decision's reason as stored: the list's label, then the person's note."""
    parts = [part for part in (reason.label if reason else None, note.strip() or None) if part]
    return " — ".join(parts) or None


def moved_meanwhile(session: Session, card) -> str:
    """"X moved this candidate to Y meanwhile", from the latest decision about the card."""
    last = queries.last_decision(session, card.id)
    who = person_name(last) if last is not None and last.email else "Someone"
    name = person_name(card)
    if card.status != "active":
        return f"{who} marked {name} as {card.status} meanwhile; nothing was changed."
    stage = last.stage_name if last is not None and last.stage_name else "another stage"
    return f"{who} moved {name} to {stage} meanwhile; nothing was changed."


def decide(session: Session, job, company, card, decision: Decision, *, seen_version: int, actor, notify=True):
    """Apply one decision to `card` (a row of queries.entry) if it is still at `seen_version`.

    The UPDATE carries the version the person saw: when it changed meanwhile no row matches,
    nothing is written and Conflict says who moved the candidate where. The job's people are
    notified unless `notify` is false (a bulk decision notifies once for all).
    """
    action, status = ACTIONS[decision.action]
    _check(card, decision)
    values = {"version": PipelineCandidate.version + 1, "status": status, "updated_at": func.now()}
    if decision.action == MOVE:
        values |= {"stage_id": decision.stage.id, "entered_stage_at": func.now(), "closed_at": None}
    elif decision.action == REOPEN:
        values |= {"entered_stage_at": func.now(), "closed_at": None}
    else:
        values |= {"closed_at": func.now()}
    changed = session.execute(
        update(PipelineCandidate)
        .where(PipelineCandidate.id == card.id, PipelineCandidate.version == seen_version)
        .values(**values)
        .returning(PipelineCandidate.version)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if changed is None:
        current = queries.entry(session, job.id, card.candidate_id)
        raise Conflict(moved_meanwhile(session, current), current)
    from_stage = session.get(PipelineStage, card.stage_id)
    to_stage = decision.stage if decision.action == MOVE else from_stage
    row = PipelineDecision(
        pipeline_candidate_id=card.id, company_id=company.id, job_id=job.id, action=action,
        from_stage_id=from_stage.id, to_stage_id=to_stage.id, from_kind=from_stage.kind, to_kind=to_stage.kind,
        reason=decision.reason, decided_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    record(session, f"pipeline.{action}", actor=actor, target=row, details={
        "job_id": job.id, "job": job.title, "candidate_id": card.candidate_id, "candidate": person_name(card),
        "from": from_stage.name, "to": to_stage.name, "status": status,
        **({"reason": decision.reason} if decision.reason else {}),
    })
    if decision.send_email and card.email:
        kind = "offer" if decision.action == MOVE else "rejection"
        emails.send(session, emails.template_for(session, company.id, kind), to=card.email,
                    candidate_name=person_name(card), job_title=job.title, company_name=company.company_name)
    if notify:
        notifications.decision_made(session, job, company, [person_name(card)], action, to_stage.name,
                                    decision.reason, actor=actor)
    return row


def _check(card, decision: Decision) -> None:
    if decision.action in (MOVE, REJECT, WITHDRAW) and card.status != "active":
        raise Refused(f"{person_name(card)} is {card.status}: reopen them first.")
    if decision.action == REOPEN and card.status == "active":
        raise Refused(f"{person_name(card)} is still in the running: there is nothing to reopen.")
    if decision.action == MOVE and decision.stage.id == card.stage_id:
        raise Refused(f"{person_name(card)} is already at {decision.stage.name}.")
    if decision.send_email and decision.action == MOVE and decision.stage.kind != "offer":
        raise Refused("Only a move to the Offer stage sends the offer email.")
    if decision.send_email and decision.action in (WITHDRAW, REOPEN):
        raise Refused("Only a rejection or a move to the Offer stage sends an email.")


def decide_many(session: Session, job, company, cards, versions: dict[int, int], decision: Decision, *,
                actor) -> BulkOutcome:
    """One decision for several candidates in this transaction; each with its own version check.

    A candidate changed meanwhile or for whom the decision makes no sense is skipped (with why);
    the others are decided.
    """
    outcome = BulkOutcome()
    for card in cards:
        name = person_name(card)
        try:
            with session.begin_nested():
                decide(session, job, company, card, decision, seen_version=versions[card.candidate_id],
                       actor=actor, notify=False)
        except Conflict as conflict:
            outcome.skipped.append(str(conflict))
        except Refused as refused:
            outcome.skipped.append(str(refused))
        else:
            outcome.done.append(name)
    if outcome.done:
        notifications.decision_made(session, job, company, outcome.done, ACTIONS[decision.action][0],
                                    decision.stage.name if decision.stage else None, decision.reason, actor=actor)
    return outcome


# --- stages ----------------------------------------------------------------------------------------


def add_stage(session: Session, company_id: int, job_id: int | None, name: str, *, actor) -> PipelineStage:
    """A custom stage at the end of a job's pipeline (or of the company's defaults)."""
    last = session.scalar(
        select(func.max(PipelineStage.position)).where(
            PipelineStage.company_id == company_id,
            PipelineStage.job_id == job_id if job_id is not None else PipelineStage.job_id.is_(None),
        )
    )
    stage = PipelineStage(company_id=company_id, job_id=job_id, name=name, kind="custom", position=(last or 0) + 1)
    session.add(stage)
    session.flush()
    record(session, "pipeline.stage_added", actor=actor, target=stage, details={"job_id": job_id, "name": name})
    return stage


def rename_stage(session: Session, stage: PipelineStage, name: str, *, actor) -> None:
    old = stage.name
    stage.name = name
    record(session, "pipeline.stage_renamed", actor=actor, target=stage,
           details={"job_id": stage.job_id, "from": old, "to": name})


def move_stage(session: Session, stages: list[PipelineStage], stage: PipelineStage, direction: str, *,
               actor) -> bool:
    """Swap the stage with its neighbour above or below (False when already first or last)."""
    index = stages.index(stage)
    other_index = index - 1 if direction == "up" else index + 1
    if not 0 <= other_index < len(stages):
        return False
    # Renumber the whole list in its new order: positions stay 1..n whatever they were.
    ordered = list(stages)
    ordered[index], ordered[other_index] = ordered[other_index], ordered[index]
    for position, each in enumerate(ordered, start=1):
        if each.position != position:
            each.position = position
    record(session, "pipeline.stage_moved", actor=actor, target=stage,
           details={"job_id": stage.job_id, "name": stage.name, "direction": direction})
    return True


def stage_in_use(session: Session, stage: PipelineStage) -> bool:
    return session.scalar(select(func.count()).select_from(
        select(PipelineCandidate.id).where(PipelineCandidate.stage_id == stage.id).limit(1).subquery()
    )) > 0


def delete_stage(session: Session, stage: PipelineStage, *, actor) -> None:
    """Delete a custom stage nobody is at (the caller checked); the others close the gap."""
    if stage.kind != "custom":
        raise Refused(f"“{stage.name}” is a built-in stage: rename it, but it cannot be deleted.")
    if stage.job_id is not None and stage_in_use(session, stage):
        raise Refused(f"“{stage.name}” still has candidates: move them to another stage first.")
    record(session, "pipeline.stage_deleted", actor=actor, target=stage,
           details={"job_id": stage.job_id, "name": stage.name})
    session.delete(stage)
    session.flush()
    session.execute(
        text("""UPDATE pipeline_stage s SET position = n.position
                FROM (SELECT id, row_number() OVER (ORDER BY position, id) AS position FROM pipeline_stage
                      WHERE company_id = :company_id AND job_id IS NOT DISTINCT FROM :job_id) n
                WHERE s.id = n.id AND s.position <> n.position"""),
        {"company_id": stage.company_id, "job_id": stage.job_id},
    )


# --- reasons and templates -------------------------------------------------------------------------


def label_taken(session: Session, company_id: int, kind: str, label: str, *, other_than: int | None = None) -> bool:
    statement = select(PipelineReason.id).where(
        PipelineReason.company_id == company_id, PipelineReason.kind == kind,
        func.lower(PipelineReason.label) == label.lower(),
    )
    if other_than is not None:
        statement = statement.where(PipelineReason.id != other_than)
    return session.scalar(statement.limit(1)) is not None


def add_reason(session: Session, company_id: int, kind: str, label: str, *, actor) -> PipelineReason:
    if label_taken(session, company_id, kind, label):
        raise Refused(f"“{label}” is already on the list.")
    last = session.scalar(select(func.max(PipelineReason.position)).where(
        PipelineReason.company_id == company_id, PipelineReason.kind == kind))
    reason = PipelineReason(company_id=company_id, kind=kind, label=label, position=(last or 0) + 1)
    session.add(reason)
    session.flush()
    record(session, "pipeline.reason_added", actor=actor, target=reason, details={"kind": kind, "label": label})
    return reason


def rename_reason(session: Session, reason: PipelineReason, label: str, *, actor) -> None:
    if label_taken(session, reason.company_id, reason.kind, label, other_than=reason.id):
        raise Refused(f"“{label}” is already on the list.")
    old = reason.label
    reason.label = label
    record(session, "pipeline.reason_renamed", actor=actor, target=reason, details={"from": old, "to": label})


def archive_reason(session: Session, reason: PipelineReason, *, archived: bool, actor) -> None:
    reason.archived_at = func.now() if archived else None
    record(session, "pipeline.reason_archived" if archived else "pipeline.reason_restored", actor=actor,
           target=reason, details={"label": reason.label})


def save_template(session: Session, company_id: int, kind: str, subject: str, body: str, *, actor) -> None:
    row = session.scalar(select(PipelineEmailTemplate).where(
        PipelineEmailTemplate.company_id == company_id, PipelineEmailTemplate.kind == kind))
    if row is None:
        row = PipelineEmailTemplate(company_id=company_id, kind=kind, subject=subject, body=body,
                                    updated_by_id=actor.id)
        session.add(row)
    else:
        row.subject, row.body, row.updated_by_id = subject, body, actor.id
    session.flush()
    record(session, "pipeline.template_saved", actor=actor, target=row, details={"kind": kind, "subject": subject})
