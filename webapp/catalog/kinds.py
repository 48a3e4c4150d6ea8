"""The five catalog kinds, each described once; the views, templates and services read these specs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.orm import Session

from webapp.catalog import forms, queries
from webapp.models import RESOURCE_TYPES, AssessmentCategory, AssessmentType, LearningResource, Skill, SkillCategory


@dataclass(frozen=True)
class Dependent:
    """Rows a deletion reaches through a foreign key: `deleted` (CASCADE) or kept without the link (SET NULL)."""

    key: str  # the column of the kind's dependents query
    one: str
    many: str
    deleted: bool


@dataclass(frozen=True)
class Filter:
    """A select above the list; its value is a query parameter the listing knows (see queries.Listing)."""

    name: str
    label: str
    options: Callable[[Session], list[tuple[str, str]]]  # (value, label), after the "any" choice


@dataclass(frozen=True)
class Column:
    label: str
    sort: str | None = None  # the listing's sort key, when the column sorts


@dataclass(frozen=True)
class Kind:
    slug: str  # URL segment and endpoint prefix
    singular: str
    plural: str
    intro: str  # one sentence on the overview and list pages
    model: type
    form: type[forms.CatalogForm]
    listing: queries.Listing
    columns: tuple[Column, ...]  # the table's headers; templates/catalog/_cells.html has the cells
    search_hint: str
    label_column: str  # the column that names a row (name or title)
    unique_within: tuple[str, ...] | None  # the UNIQUE(name, ...) scope; None when names may repeat
    unique_constraint: str | None  # the UNIQUE on the name, whose violation means "name taken"
    reference_constraints: dict[str, tuple[str, str]]  # foreign key -> (field, message) when its row vanished
    dependents: Callable[[int], Select]
    dependent_labels: tuple[Dependent, ...]
    filters: tuple[Filter, ...] = ()

    @property
    def audit_name(self) -> str:
        return self.model.__tablename__.removeprefix("interview_")

    @property
    def name_taken_message(self) -> str:
        scope = " in this assessment type" if self.unique_within else ""
        return f"Another {self.singular} is already called that{scope}. Choose a different {self.label_column}."

    def label_of(self, item) -> str:
        return getattr(item, self.label_column)


def _ids(rows: list[tuple[int, str]]) -> list[tuple[str, str]]:
    return [(str(id_), name) for id_, name in rows]


def _gone(noun: str) -> str:
    return f"That {noun} was deleted meanwhile. Choose another one."


SKILL_CATEGORIES = Kind(
    slug="skill_categories",
    singular="skill category",
    plural="skill categories",
    intro="Groups of skills, such as Backend or Communication.",
    model=SkillCategory,
    form=forms.SkillCategoryForm,
    listing=queries.SKILL_CATEGORIES,
    columns=(Column("Name", "name"), Column("Skills", "skills")),
    search_hint="Category name",
    label_column="name",
    unique_within=(),
    unique_constraint="interview_skillcategory_name_key",
    reference_constraints={},
    dependents=queries.skill_category_dependents,
    dependent_labels=(Dependent("skills", "skill", "skills", deleted=False),),
)

SKILLS = Kind(
    slug="skills",
    singular="skill",
    plural="skills",
    intro="What interviews score and learning paths teach.",
    model=Skill,
    form=forms.SkillForm,
    listing=queries.SKILLS,
    columns=(
        Column("Name", "name"),
        Column("Category", "category"),
        Column("Resources", "resources"),
        Column("Candidate scores", "scores"),
    ),
    search_hint="Skill or category name",
    label_column="name",
    unique_within=(),
    unique_constraint="interview_skill_name_key",
    reference_constraints={"interview_skill_category_id_fkey": ("category_id", _gone("category"))},
    dependents=queries.skill_dependents,
    dependent_labels=(
        Dependent("scores", "skill score from a candidate's interview", "skill scores from candidates' interviews",
                  deleted=True),
        Dependent("score_history", "score history entry", "score history entries", deleted=True),
        Dependent("resources", "learning resource", "learning resources", deleted=True),
        Dependent("path_entries", "step in a candidate's learning path", "steps in candidates' learning paths",
                  deleted=True),
    ),
    filters=(Filter("category", "Category", lambda session: [("none", "No category"), *_ids(
        queries.skill_category_options(session))]),),
)

ASSESSMENT_TYPES = Kind(
    slug="assessment_types",
    singular="assessment type",
    plural="assessment types",
    intro="The kinds of assessment an interview produces, such as Technical or Behavioral.",
    model=AssessmentType,
    form=forms.AssessmentTypeForm,
    listing=queries.ASSESSMENT_TYPES,
    columns=(
        Column("Name", "name"),
        Column("Description"),
        Column("Technical score"),
        Column("Categories", "categories"),
        Column("Interview results", "results"),
    ),
    search_hint="Name or description",
    label_column="name",
    unique_within=(),
    unique_constraint="interview_assessmenttype_name_key",
    reference_constraints={},
    dependents=queries.assessment_type_dependents,
    dependent_labels=(
        Dependent("categories", "assessment category", "assessment categories", deleted=True),
        Dependent("results", "assessment result from a candidate's interview",
                  "assessment results from candidates' interviews", deleted=True),
    ),
)

ASSESSMENT_CATEGORIES = Kind(
    slug="assessment_categories",
    singular="assessment category",
    plural="assessment categories",
    intro="The parts of an assessment type, such as System Design within Technical.",
    model=AssessmentCategory,
    form=forms.AssessmentCategoryForm,
    listing=queries.ASSESSMENT_CATEGORIES,
    columns=(
        Column("Name", "name"),
        Column("Assessment type", "type"),
        Column("Interview results", "results"),
    ),
    search_hint="Category or type name",
    label_column="name",
    unique_within=("assessment_type_id",),
    unique_constraint="interview_assessmentcategory_assessment_type_id_name_key",
    reference_constraints={
        "interview_assessmentcategory_assessment_type_id_fkey": ("assessment_type_id", _gone("assessment type")),
    },
    dependents=queries.assessment_category_dependents,
    dependent_labels=(
        Dependent("results", "assessment result from a candidate's interview",
                  "assessment results from candidates' interviews", deleted=False),
    ),
    filters=(Filter("type", "Assessment type", lambda session: [("none", "No type"), *_ids(
        queries.assessment_type_options(session))]),),
)

RESOURCES = Kind(
    slug="resources",
    singular="learning resource",
    plural="learning resources",
    intro="Articles, videos, courses, books and exercises that learning paths are built from.",
    model=LearningResource,
    form=forms.ResourceForm,
    listing=queries.RESOURCES,
    columns=(
        Column("Title", "title"),
        Column("Type", "type"),
        Column("Skill", "skill"),
        Column("Hours", "hours"),
        Column("In learning paths", "paths"),
    ),
    search_hint="Title, description or address",
    label_column="title",
    unique_within=None,  # titles may repeat (the same book for two skills)
    unique_constraint=None,
    reference_constraints={"interview_learningresource_skill_id_fkey": ("skill_id", _gone("skill"))},
    dependents=queries.resource_dependents,
    dependent_labels=(
        Dependent("path_entries", "step in a candidate's learning path", "steps in candidates' learning paths",
                  deleted=True),
    ),
    filters=(
        Filter("type", "Type", lambda session: [(kind, kind.capitalize()) for kind in RESOURCE_TYPES]),
        Filter("skill", "Skill", lambda session: [("none", "No skill"), *_ids(queries.skill_options(session))]),
    ),
)

KINDS = (SKILLS, SKILL_CATEGORIES, RESOURCES, ASSESSMENT_TYPES, ASSESSMENT_CATEGORIES)
