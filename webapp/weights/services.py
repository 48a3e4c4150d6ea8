"""Writing a job's weights. Callers validate first (`JobWeightsForm.check`) and commit after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.models import Job, User
from webapp.scoring import weights as w
from webapp.weights import queries


class InvalidWeights(ValueError):
    """Raised instead of writing a set that breaks the rules (the form should have caught it)."""


def snapshot(weights: w.JobWeights) -> dict[str, Any]:
    """A JSON-ready picture of a job's weights for the audit log."""
    return {
        "source": weights.source,
        "base": weights.base.as_strings(),
        "adjustments": weights.adjustments.as_strings(),
        "sentiment": weights.sentiment.as_strings(),
        "effective": weights.effective.as_strings(),
    }


def _write(session: Session, job: Job, after: w.JobWeights, *, action: str, actor: User) -> w.JobWeights:
    problems = after.problems()
    if problems:
        raise InvalidWeights("; ".join(problems.values()))
    before = w.weights_for_job(session, job)
    session.execute(queries.upsert_job_weights(job.id, after.base, after.adjustments, after.sentiment))
    audit.record(
        session, action, actor=actor, target=job, details={"before": snapshot(before), "after": snapshot(after)}
    )
    return after


def save(
    session: Session,
    job: Job,
    *,
    base: w.FactorWeights,
    adjustments: w.FactorWeights,
    sentiment: w.SentimentWeights,
    actor: User,
) -> w.JobWeights:
    """Store the job's adjustments and sentiment split on top of `base` (the base the editor showed)."""
    after = w.JobWeights(w.focus_of(job), base, adjustments, sentiment, source=w.SOURCE_JOB)
    return _write(session, job, after, action="job.weights_updated", actor=actor)


def reset(session: Session, job: Job, *, actor: User) -> w.JobWeights:
    """Back to the focus defaults as they are now, no adjustments, the default sentiment split."""
    base = w.focus_defaults(session, w.focus_of(job))
    after = w.JobWeights(w.focus_of(job), base, w.NO_ADJUSTMENTS, w.DEFAULT_SENTIMENT_WEIGHTS, source=w.SOURCE_JOB)
    return _write(session, job, after, action="job.weights_reset", actor=actor)
