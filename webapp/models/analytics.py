"""Analytics: interview statistics per company and period, precomputed by the engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import INTERVAL, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.db import Base

if TYPE_CHECKING:
    from webapp.models.company import Company

# interview_interviewstatistics.period
STATISTICS_PERIODS = ("daily", "weekly", "monthly")


class InterviewStatistics(Base):
    __tablename__ = "interview_interviewstatistics"
    __table_args__ = (
        UniqueConstraint("company_id", "date"),
        Index("idx_interview_stats_company_date", "company_id", "date"),
        Index("idx_interview_stats_period", "period", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"))
    # `dt.date`, not `date`: the annotation must not resolve to this very attribute.
    date: Mapped[dt.date] = mapped_column(Date)
    period: Mapped[str | None] = mapped_column(String(20), server_default=text("'daily'"))

    # Basic metrics
    total_interviews: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    completed_interviews: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    cancelled_interviews: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))
    rescheduled_interviews: Mapped[int | None] = mapped_column(Integer, server_default=text("0"))

    # Performance metrics
    average_duration: Mapped[dt.timedelta | None] = mapped_column(INTERVAL)
    average_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    technical_score_avg: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    communication_score_avg: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))

    # Quality metrics
    no_show_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    conversion_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    time_to_hire: Mapped[dt.timedelta | None] = mapped_column(INTERVAL)
    cost_per_hire: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    offer_acceptance_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    candidate_satisfaction: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))
    skill_match_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), server_default=text("0"))

    # Advanced analytics
    diversity_metrics: Mapped[dict[str, Any] | None] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    source_effectiveness: Mapped[dict[str, Any] | None] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))

    company: Mapped[Company | None] = relationship(back_populates="statistics")


# Critical index from the document's "Performance Optimization" section.
Index(
    "idx_interview_stats_company_period",
    InterviewStatistics.company_id,
    InterviewStatistics.period,
    InterviewStatistics.date.desc(),
)
