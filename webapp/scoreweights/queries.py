"""SQL for the per-focus default weights."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import Insert, insert

from webapp.models import DynamicScoreWeight, Job, ScoreWeight
from webapp.scoring import weights as w


def select_focus_rows() -> Select:
    return select(ScoreWeight).order_by(ScoreWeight.job_focus)


def select_focus_row_for_update(focus: str) -> Select:
    return select(ScoreWeight).where(ScoreWeight.job_focus == focus).with_for_update()


def select_focus_usage() -> Select:
    """(job_focus, jobs, jobs with their own saved weights) per focus; job_focus may be NULL."""
    return (
        select(Job.job_focus, func.count(Job.id), func.count(DynamicScoreWeight.id))
        .outerjoin(DynamicScoreWeight, DynamicScoreWeight.job_id == Job.id)
        .group_by(Job.job_focus)
    )


def upsert_focus_weights(focus: str, weights: w.FactorWeights) -> Insert:
    """Insert or replace the focus's row (job_focus is UNIQUE), returning its id."""
    values = {f"{name}_weight": value for name, value in weights.as_dict().items()}
    return (
        insert(ScoreWeight)
        .values(job_focus=focus, **values)
        .on_conflict_do_update(index_elements=[ScoreWeight.job_focus], set_=values)
        .returning(ScoreWeight.id)
    )
