"""Analytics rollups of ours: per company, job and UTC day, the sums behind exact averages.

`interview_interviewstatistics` (documented) stores one row per company and day with
averages; averaging averages over a range would weigh a quiet day like a busy one, so
`flask stats rollup` also writes these sums and counts, per job so the job filter and
the per-job table read rollups too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base

# The statuses counted in their own column (besides `total`).
STATUS_COUNTS = ("completed", "cancelled", "rescheduled", "no_show", "scheduled", "in_progress")
# Every averaged figure stored as <name>_sum and <name>_count.
AVERAGED = ("duration", "completion", "score", "technical", "communication", "skill_match")


def _count() -> Mapped[int]:
    return mapped_column(Integer, server_default=text("0"))


def _sum() -> Mapped[Decimal]:
    return mapped_column(Numeric(14, 2), server_default=text("0"))


class DailyMetrics(Base):
    __tablename__ = "analytics_dailymetrics"
    # One row per job and day; (company_id, date) leads so a company's range is one index scan.
    # (job_id, date): one job's days (the analytics job filter) without reading the company's other jobs.
    __table_args__ = (UniqueConstraint("company_id", "date", "job_id"), Index("ix_analytics_dailymetrics_job_date", "job_id", "date"))

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)

    total: Mapped[int] = _count()
    completed: Mapped[int] = _count()
    cancelled: Mapped[int] = _count()
    rescheduled: Mapped[int] = _count()
    no_show: Mapped[int] = _count()
    scheduled: Mapped[int] = _count()
    in_progress: Mapped[int] = _count()

    # Seconds between start and end, for interviews that ended.
    duration_sum: Mapped[float] = mapped_column(Double, server_default=text("0"))
    duration_count: Mapped[int] = _count()
    completion_sum: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    completion_count: Mapped[int] = _count()
    # Overall score: the mean of technical accuracy and behavioral score.
    score_sum: Mapped[Decimal] = _sum()
    score_count: Mapped[int] = _count()
    technical_sum: Mapped[Decimal] = _sum()
    technical_count: Mapped[int] = _count()
    # Per interview, the mean of its "Communication" assessment scores.
    communication_sum: Mapped[Decimal] = _sum()
    communication_count: Mapped[int] = _count()
    # Per interview, the mean of its skill assessments' accumulated scores.
    skill_match_sum: Mapped[Decimal] = _sum()
    skill_match_count: Mapped[int] = _count()

    # Histograms: interviews per 5-minute duration bin (12: an hour or more) and per 10-point overall-score bin.
    for _n in range(13):
        locals()[f"duration_bin_{_n}"] = mapped_column(Integer, nullable=False, server_default=text("0"))
    for _n in range(10):
        locals()[f"score_bin_{_n}"] = mapped_column(Integer, nullable=False, server_default=text("0"))
    del _n

    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class CompanyDailyMetrics(Base):
    """DailyMetrics summed over the company's jobs: one row per company and day with interviews."""

    __tablename__ = "analytics_companydailymetrics"

    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    for _column in DailyMetrics.__table__.columns:
        if _column.name not in ("id", "company_id", "job_id", "date", "computed_at"):
            locals()[_column.name] = mapped_column(_column.type, server_default=text("0"), nullable=False)
    del _column
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class JobRunningTotal(Base):
    """Per job, DailyMetrics summed over every rolled-up day up to and including `date` (a row per
    day the job had interviews), so a range's per-job figures are two look-ups per job (the last
    row by its end minus the last row before its start), however long the range."""

    __tablename__ = "analytics_jobrunningtotal"

    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    for _column in DailyMetrics.__table__.columns:
        if _column.name not in ("id", "company_id", "job_id", "date", "computed_at"):
            locals()[_column.name] = mapped_column(_column.type, server_default=text("0"), nullable=False)
    del _column


# --- the hiring funnel (migration 0019) ------------------------------------------------------------

# The built-in pipeline stages the hiring funnel follows, in order (custom stages are each job's own).
FUNNEL_STAGE_KINDS = ("applied", "ai_interview", "review", "team_interview", "offer", "hired")
# Per stage and day: the candidates who reached it (or a later stage) for the first time, who left it
# (moved, rejected or withdrew), how many of those moved on to a later stage, and the seconds the leavers
# had spent in it. Each is a sum over days, so a range's funnel is the sum of its days.
FUNNEL_STAGE_FIGURES = ("reached", "left", "advanced", "seconds_in")
# Per day: hires, the seconds from entering the pipeline to those hires, everyone who left the running
# (hired, rejected or withdrew) and the offers lost (rejected or withdrew at the offer stage).
FUNNEL_OUTCOMES = ("hired", "seconds_to_hire", "left_running", "offers_lost")
FUNNEL_COLUMNS = (
    *(f"{figure}_{kind}" for kind in FUNNEL_STAGE_KINDS for figure in FUNNEL_STAGE_FIGURES), *FUNNEL_OUTCOMES,
)


def _funnel_column(name: str):
    kind = Double if name.startswith("seconds_") else Integer
    return mapped_column(kind, nullable=False, server_default=text("0"))


class FunnelDay(Base):
    """The hiring funnel's figures (FUNNEL_COLUMNS) per job and UTC day with decisions, from
    `pipeline_decision` by `flask stats rollup`, so a range's funnel never reads every decision."""

    __tablename__ = "analytics_funnelday"
    # (company_id, date) leads: a company's range is one index scan; (job_id, date): the job filter.
    __table_args__ = (Index("ix_analytics_funnelday_job_date", "job_id", "date"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), primary_key=True)
    for _name in FUNNEL_COLUMNS:
        locals()[_name] = _funnel_column(_name)
    del _name
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))


class CompanyFunnelDay(Base):
    """FunnelDay summed over the company's jobs: one row per company and day with decisions."""

    __tablename__ = "analytics_companyfunnelday"

    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"), primary_key=True)
    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    for _name in FUNNEL_COLUMNS:
        locals()[_name] = _funnel_column(_name)
    del _name
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
