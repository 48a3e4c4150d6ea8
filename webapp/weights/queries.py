"""SQL for a job's saved weights (reads go through `webapp.scoring.weights`)."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import Insert, insert

from webapp.models import DynamicScoreWeight
from webapp.scoring import weights as w


def upsert_job_weights(
    job_id: int, base: w.FactorWeights, adjustments: w.FactorWeights, sentiment: w.SentimentWeights
) -> Insert:
    """Insert or replace the job's one interview_dynamicscoreweight row (job_id is UNIQUE).

    One statement, so two saves racing for a job without a row cannot both insert.
    """
    values = {f"base_{name}_weight": value for name, value in base.as_dict().items()}
    values |= {f"{name}_adjustment": value for name, value in adjustments.as_dict().items()}
    values |= {f"{name}_weight": value for name, value in sentiment.as_dict().items()}
    statement = insert(DynamicScoreWeight).values(job_id=job_id, last_updated=func.now(), **values)
    return statement.on_conflict_do_update(
        index_elements=[DynamicScoreWeight.job_id],
        set_={**values, "last_updated": func.now()},
    )
