"""Changing a focus's default weights. The caller validates (`FocusWeightsForm.check`) and commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.models import JOB_FOCUSES, ScoreWeight, User
from webapp.scoring import weights as w
from webapp.scoreweights import queries


@dataclass(frozen=True)
class FocusSummary:
    focus: str
    weights: w.FactorWeights  # what jobs of this focus start from
    stored: bool  # False: no row yet, the built-in defaults apply
    jobs: int = 0
    jobs_with_own_weights: int = 0


def summaries(session: Session) -> list[FocusSummary]:
    """One entry per job focus, in the documented order, with how many jobs use it."""
    rows = {row.job_focus: row for row in session.scalars(queries.select_focus_rows())}
    usage: dict[str, list[int]] = {focus: [0, 0] for focus in JOB_FOCUSES}
    for focus, jobs, own in session.execute(queries.select_focus_usage()):
        counts = usage.setdefault(focus or w.DEFAULT_FOCUS, [0, 0])
        counts[0] += jobs
        counts[1] += own
    result = []
    for focus in JOB_FOCUSES:
        row = rows.get(focus)
        weights = (
            w.FactorWeights.from_mapping({n: getattr(row, f"{n}_weight") for n in w.FACTORS}, w.DEFAULT_FOCUS_WEIGHTS)
            if row is not None
            else w.DEFAULT_FOCUS_WEIGHTS
        )
        result.append(FocusSummary(focus, weights, row is not None, *usage[focus]))
    return result


def save(session: Session, focus: str, weights: w.FactorWeights, *, actor: User) -> ScoreWeight:
    """Create or replace the focus's default weights and record who changed what."""
    if focus not in JOB_FOCUSES:
        raise ValueError(f"unknown job focus {focus!r}")
    problems = w.validate_weights(weights)
    if problems:
        raise ValueError("; ".join(problems.values()))
    existing = session.scalar(queries.select_focus_row_for_update(focus))
    before = w.stored_focus_weights(session, focus) if existing is not None else None
    row_id = session.execute(queries.upsert_focus_weights(focus, weights)).scalar_one()
    row = session.get(ScoreWeight, row_id, populate_existing=True)
    audit.record(
        session,
        "admin.score_weights_updated",
        actor=actor,
        target=row,
        details={
            "focus": focus,
            "before": before.as_strings() if before is not None else None,
            "after": weights.as_strings(),
        },
    )
    return row
