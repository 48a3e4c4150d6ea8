"""Reads for the resume page: the candidate's uploads, newest first, and the skill catalog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from webapp.models import Resume, Skill
from webapp.pagination import ListPage, clamp_page

PER_PAGE = 10
SKILL_CATALOG_LIMIT = 5000  # parsing matches against at most this many names


def newest_first(statement: Select) -> Select:
    # uploaded_at can tie (one transaction, or a clock step); the id settles it.
    return statement.order_by(Resume.uploaded_at.desc().nulls_last(), Resume.id.desc())


def select_latest(user_id: int) -> Select:
    return newest_first(select(Resume).where(Resume.user_id == user_id)).limit(1)


def select_own(user_id: int, resume_id: int) -> Select:
    return select(Resume).where(Resume.id == resume_id, Resume.user_id == user_id)


@dataclass(frozen=True)
class PageParams:
    """The uploads list's state in the URL (only the page): what the shared pager macro needs."""

    page: int = 1

    def query_args(self, **changes: Any) -> dict[str, Any]:
        page = changes.get("page", self.page)
        return {"page": page} if page != 1 else {}


@dataclass(frozen=True)
class UploadsPage(ListPage):
    params: PageParams


def uploads_page(session: Session, user_id: int, page: int) -> UploadsPage:
    """One page of the candidate's uploads, newest first: two statements (count, rows)."""
    matching = session.scalar(select(func.count()).select_from(Resume).where(Resume.user_id == user_id)) or 0
    page, pages = clamp_page(page, matching, PER_PAGE)
    statement = newest_first(select(Resume.id, Resume.file, Resume.uploaded_at).where(Resume.user_id == user_id))
    rows = session.execute(statement.offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all() if matching else []
    return UploadsPage(rows, matching, page, pages, PER_PAGE, params=PageParams(page))


def skill_names(session: Session) -> list[str]:
    return list(session.scalars(select(Skill.name).order_by(Skill.id).limit(SKILL_CATALOG_LIMIT)))
