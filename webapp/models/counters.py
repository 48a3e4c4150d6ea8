"""Counters of ours kept by database triggers (migration 0010), read by the dashboards.

The interview engine writes sessions straight into the database, so triggers on
interview_interviewsession, users_user and billing_customersubscription keep these
up to date; `flask stats recount` rebuilds them after a bulk load that bypassed triggers.
A NULL status or role is counted under ''.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.db import Base


class JobInterviewCount(Base):
    """Employer interviews (not practice) of one job with one status."""

    __tablename__ = "dashboard_jobinterviewcount"
    # the jobs list sorted by interviews sums every job's counters index-only
    __table_args__ = (
        Index("ix_dashboard_jobinterviewcount_job_covering", "job_id", postgresql_include=["status", "interviews"]),
    )

    job_id: Mapped[int] = mapped_column(ForeignKey("company_job.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    interviews: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class CompanyDayCount(Base):
    """Employer interviews of one company starting on one UTC day, with one status."""

    __tablename__ = "dashboard_companydaycount"

    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    interviews: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class CompanyInterviewCount(Base):
    """Employer interviews of one company with one status, whatever their day (the interviews list's counts)."""

    __tablename__ = "dashboard_companyinterviewcount"

    company_id: Mapped[int] = mapped_column(ForeignKey("company_company.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    interviews: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class PlatformCount(Base):
    """Platform-wide counts: kind "user_role" (key: role) and "subscription_status" (key: status)."""

    __tablename__ = "dashboard_platformcount"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class RollupDay(Base):
    """A UTC day `stats rollup` has rolled up for every company (a company-day without a row had no interviews)."""

    __tablename__ = "analytics_rollupday"

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    rolled_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=text("now()"))
