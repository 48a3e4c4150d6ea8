"""Reads for the catalog. Every list page is two statements (count, one page of rows) whatever its size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from webapp.admin.queries import Page, escape_like
from webapp.models import (
    RESOURCE_TYPES,
    AssessmentCategory,
    AssessmentType,
    InterviewAssessment,
    LearningPathResource,
    LearningResource,
    Skill,
    SkillAssessment,
    SkillAssessmentHistory,
    SkillCategory,
    TechnicalAssessmentType,
)

PER_PAGE = 25


def _count(model, *conditions) -> ColumnElement:
    """A correlated COUNT(*) of `model` rows, usable as a column of the outer query."""
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


@dataclass(frozen=True)
class Listing:
    """How one kind's list is read: its columns (joins included), search, sorts and filters."""

    columns: Callable[[], Select]
    search: tuple  # columns `q` matches (ILIKE, anywhere)
    sorts: dict  # sort key -> column
    default_sort: str
    # filter name -> (raw query value -> WHERE condition); raises ValueError for a malformed value
    filters: dict[str, Callable[[str], ColumnElement]] = field(default_factory=dict)

    def conditions(self, q: str, filters: dict[str, str]) -> list:
        conditions = []
        if q:
            pattern = f"%{escape_like(q)}%"
            conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in self.search)))
        conditions += [self.filters[name](value) for name, value in filters.items() if value]
        return conditions

    def normalize_sort(self, raw: str | None) -> str:
        """`raw` when it names a sort key (optionally with a leading `-`), else the default."""
        return raw if raw and raw.removeprefix("-") in self.sorts else self.default_sort


def count_rows(listing: Listing, q: str, filters: dict[str, str]) -> Select:
    inner = listing.columns().where(*listing.conditions(q, filters)).subquery()
    return select(func.count()).select_from(inner)


def select_rows(listing: Listing, q: str, filters: dict[str, str], sort: str, page: Page) -> Select:
    column = listing.sorts[sort.removeprefix("-")]
    descending = sort.startswith("-")
    order = column.desc().nulls_last() if descending else column.asc().nulls_last()
    # Every listed model has an integer `id` as the first column: the tie-breaker keeps pages stable.
    statement = listing.columns().where(*listing.conditions(q, filters))
    id_column = statement.selected_columns[0]
    return statement.order_by(order, id_column.desc() if descending else id_column).limit(page.per_page).offset(
        page.offset
    )


def _id_filter(column, allow_none: bool = False) -> Callable[[str], ColumnElement]:
    """A filter on a foreign key given as an id, or "none" for rows without one."""

    def condition(raw: str) -> ColumnElement:
        if allow_none and raw == "none":
            return column.is_(None)
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 10):
            raise ValueError
        return column == int(raw)

    return condition


def _type_filter(raw: str) -> ColumnElement:
    if raw not in RESOURCE_TYPES:
        raise ValueError
    return LearningResource.resource_type == raw


# --- the five lists ----------------------------------------------------------------------

_skill_count = _count(Skill, Skill.category_id == SkillCategory.id).label("skill_count")
SKILL_CATEGORIES = Listing(
    columns=lambda: select(SkillCategory.id, SkillCategory.name, _skill_count),
    search=(SkillCategory.name,),
    sorts={"name": func.lower(SkillCategory.name), "skills": _skill_count},
    default_sort="name",
)

_resource_count = _count(LearningResource, LearningResource.skill_id == Skill.id).label("resource_count")
_score_count = _count(SkillAssessment, SkillAssessment.skill_id == Skill.id).label("score_count")
SKILLS = Listing(
    columns=lambda: select(
        Skill.id, Skill.name, Skill.category_id, SkillCategory.name.label("category_name"), _resource_count,
        _score_count,
    ).outerjoin(SkillCategory, SkillCategory.id == Skill.category_id),
    search=(Skill.name, SkillCategory.name),
    sorts={
        "name": func.lower(Skill.name),
        "category": func.lower(SkillCategory.name),
        "resources": _resource_count,
        "scores": _score_count,
    },
    default_sort="name",
    filters={"category": _id_filter(Skill.category_id, allow_none=True)},
)

_category_count = _count(AssessmentCategory, AssessmentCategory.assessment_type_id == AssessmentType.id).label(
    "category_count"
)
_type_result_count = _count(InterviewAssessment, InterviewAssessment.assessment_type_id == AssessmentType.id).label(
    "result_count"
)
_counts_as_technical = exists().where(TechnicalAssessmentType.assessment_type_id == AssessmentType.id).label(
    "counts_as_technical"
)
ASSESSMENT_TYPES = Listing(
    columns=lambda: select(
        AssessmentType.id, AssessmentType.name, AssessmentType.description, _counts_as_technical, _category_count,
        _type_result_count,
    ),
    search=(AssessmentType.name, AssessmentType.description),
    sorts={"name": func.lower(AssessmentType.name), "categories": _category_count, "results": _type_result_count},
    default_sort="name",
)

_category_result_count = _count(InterviewAssessment, InterviewAssessment.category_id == AssessmentCategory.id).label(
    "result_count"
)
ASSESSMENT_CATEGORIES = Listing(
    columns=lambda: select(
        AssessmentCategory.id,
        AssessmentCategory.name,
        AssessmentCategory.assessment_type_id,
        AssessmentType.name.label("type_name"),
        _category_result_count,
    ).outerjoin(AssessmentType, AssessmentType.id == AssessmentCategory.assessment_type_id),
    search=(AssessmentCategory.name, AssessmentType.name),
    sorts={
        "name": func.lower(AssessmentCategory.name),
        "type": func.lower(AssessmentType.name),
        "results": _category_result_count,
    },
    default_sort="name",
    filters={"type": _id_filter(AssessmentCategory.assessment_type_id, allow_none=True)},
)

_path_entry_count = _count(LearningPathResource, LearningPathResource.resource_id == LearningResource.id).label(
    "path_count"
)
RESOURCES = Listing(
    columns=lambda: select(
        LearningResource.id,
        LearningResource.title,
        LearningResource.resource_type,
        LearningResource.url,
        LearningResource.estimated_hours,
        LearningResource.skill_id,
        Skill.name.label("skill_name"),
        _path_entry_count,
    ).outerjoin(Skill, Skill.id == LearningResource.skill_id),
    search=(LearningResource.title, LearningResource.description, LearningResource.url),
    sorts={
        "title": func.lower(LearningResource.title),
        "type": LearningResource.resource_type,
        "skill": func.lower(Skill.name),
        "hours": LearningResource.estimated_hours,
        "paths": _path_entry_count,
    },
    default_sort="title",
    filters={"type": _type_filter, "skill": _id_filter(LearningResource.skill_id, allow_none=True)},
)


def catalog_counts(session: Session) -> dict[str, int]:
    """How many rows each kind has, in one statement (the overview page)."""
    row = session.execute(
        select(
            _count(SkillCategory).label("skill_categories"),
            _count(Skill).label("skills"),
            _count(AssessmentType).label("assessment_types"),
            _count(AssessmentCategory).label("assessment_categories"),
            _count(LearningResource).label("resources"),
        )
    ).one()
    return dict(row._mapping)


# --- choices for the forms and filters ---------------------------------------------------


def skill_category_options(session: Session) -> list[tuple[int, str]]:
    return list(session.execute(select(SkillCategory.id, SkillCategory.name).order_by(func.lower(SkillCategory.name))))


def skill_options(session: Session) -> list[tuple[int, str]]:
    return list(session.execute(select(Skill.id, Skill.name).order_by(func.lower(Skill.name))))


def assessment_type_options(session: Session) -> list[tuple[int, str]]:
    return list(
        session.execute(select(AssessmentType.id, AssessmentType.name).order_by(func.lower(AssessmentType.name)))
    )


def name_taken(session: Session, model, column, value: str, exclude_id: int | None, **scope) -> bool:
    """Whether another row already uses `value` (ignoring case) within `scope` (column=value pairs)."""
    statement = select(model.id).where(func.lower(column) == value.lower(), *(
        getattr(model, name) == scoped for name, scoped in scope.items()
    ))
    if exclude_id is not None:
        statement = statement.where(model.id != exclude_id)
    return session.scalar(statement.limit(1)) is not None


# --- what a deletion takes with it (see the ON DELETE of every foreign key) ---------------


def skill_category_dependents(item_id: int) -> Select:
    return select(_count(Skill, Skill.category_id == item_id).label("skills"))


def skill_dependents(item_id: int) -> Select:
    resource_ids = select(LearningResource.id).where(LearningResource.skill_id == item_id)
    assessment_ids = select(SkillAssessment.id).where(SkillAssessment.skill_id == item_id)
    return select(
        _count(SkillAssessment, SkillAssessment.skill_id == item_id).label("scores"),
        _count(SkillAssessmentHistory, SkillAssessmentHistory.skill_assessment_id.in_(assessment_ids)).label(
            "score_history"
        ),
        _count(LearningResource, LearningResource.skill_id == item_id).label("resources"),
        _count(LearningPathResource, LearningPathResource.resource_id.in_(resource_ids)).label("path_entries"),
    )


def assessment_type_dependents(item_id: int) -> Select:
    return select(
        _count(AssessmentCategory, AssessmentCategory.assessment_type_id == item_id).label("categories"),
        _count(InterviewAssessment, InterviewAssessment.assessment_type_id == item_id).label("results"),
    )


def assessment_category_dependents(item_id: int) -> Select:
    return select(_count(InterviewAssessment, InterviewAssessment.category_id == item_id).label("results"))


def resource_dependents(item_id: int) -> Select:
    return select(
        _count(LearningPathResource, LearningPathResource.resource_id == item_id).label("path_entries"),
    )
