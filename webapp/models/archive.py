"""The interview archive: completed interviews older than a year, copied by `flask maintenance archive`.

Migration 0003 creates it as `LIKE interview_interviewsession` (names, types and
NOT NULL of every column, no defaults, checks or foreign keys) plus `archived_at`
and a primary key on id; the table below is built the same way from the session
model, so a column added to one and not the other shows up as a model/migration diff.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Table, text

from webapp.db import Base
from webapp.models.interview import InterviewSession

InterviewSessionArchive = Table(
    "interview_interviewsession_archive",
    Base.metadata,
    *(
        Column(column.name, column.type, primary_key=column.name == "id", autoincrement=False,
               nullable=column.nullable)
        for column in InterviewSession.__table__.columns
    ),
    Column("archived_at", DateTime(timezone=True), nullable=False, server_default=text("now()")),
)
