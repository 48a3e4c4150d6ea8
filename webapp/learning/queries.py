"""Reads for learning paths. Every function is scoped by the caller to one candidate (their user id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select, true
from sqlalchemy.orm import Session

from webapp.learning.forms import PathListParams
from webapp.models import (
    LEARNING_PATH_STATUSES,
    InterviewSession,
    Job,
    LearningPath,
    LearningPathResource,
    LearningResource,
    Skill,
    SkillAssessment,
)
from webapp.pagination import ListPage, clamp_page

# --- one path ------------------------------------------------------------------------------


def select_own_path(path_id: int, user_id: int) -> Select:
    """The path if it was built from one of the user's sessions."""
    return (
        select(LearningPath)
        .join(InterviewSession, LearningPath.interview_session_id == InterviewSession.id)
        .where(LearningPath.id == path_id, InterviewSession.user_id == user_id)
    )


def lock_own_path(session: Session, path_id: int, user_id: int) -> LearningPath | None:
    """The user's path, its row locked until the transaction ends.

    Every change to a path's entries takes this lock first, so two requests on one
    path run one after the other and renumbering never sees a half-moved list.
    """
    statement = select_own_path(path_id, user_id).with_for_update(of=LearningPath)
    return session.scalar(statement.execution_options(populate_existing=True))


def select_own_practice_session(session_id: str, user_id: int) -> Select:
    """The user's practice session by its public id."""
    return select(InterviewSession).where(
        InterviewSession.session_id == session_id,
        InterviewSession.user_id == user_id,
        InterviewSession.is_practice.is_(True),
    )


def select_source(path: LearningPath) -> Select:
    """What the page says about the session a path came from."""
    return (
        select(InterviewSession.session_id, InterviewSession.start_time, InterviewSession.is_practice, Job.title)
        .outerjoin(Job, InterviewSession.job_id == Job.id)
        .where(InterviewSession.id == path.interview_session_id)
    )


def select_entries(path_id: int) -> Select:
    """The path's entries in order, with their resource and its skill."""
    return (
        select(
            LearningPathResource.id,
            LearningPathResource.order_position,
            LearningPathResource.completed,
            LearningPathResource.completion_date,
            LearningResource.title,
            LearningResource.description,
            LearningResource.resource_type,
            LearningResource.url,
            LearningResource.estimated_hours,
            Skill.name.label("skill"),
        )
        .outerjoin(LearningResource, LearningPathResource.resource_id == LearningResource.id)
        .outerjoin(Skill, LearningResource.skill_id == Skill.id)
        .where(LearningPathResource.learning_path_id == path_id)
        .order_by(LearningPathResource.order_position, LearningPathResource.id)
    )


def select_entry(path_id: int, entry_id: int) -> Select:
    """One entry of the path (with its resource), or nothing when it belongs to another path."""
    return select_entries(path_id).where(LearningPathResource.id == entry_id)


def select_positions(path_id: int) -> Select:
    return (
        select(LearningPathResource.id, LearningPathResource.order_position)
        .where(LearningPathResource.learning_path_id == path_id)
        .order_by(LearningPathResource.order_position, LearningPathResource.id)
    )


def select_open_count(path_id: int) -> Select:
    """How many of the path's resources are not done (NULL counts as not done)."""
    return select(func.count()).where(
        LearningPathResource.learning_path_id == path_id, LearningPathResource.completed.is_not(True)
    )


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    hours_total: int
    hours_left: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress_of(entries: list[Any]) -> Progress:
    """Done/total and hours from the entries already loaded (unknown hours count as none)."""
    done = [e for e in entries if e.completed]
    return Progress(
        done=len(done),
        total=len(entries),
        hours_total=sum(e.estimated_hours or 0 for e in entries),
        hours_left=sum(e.estimated_hours or 0 for e in entries if not e.completed),
    )


# --- building ---------------------------------------------------------------------------------


def select_session_skill_scores(interview_id: int) -> Select:
    """(skill name, score) of every skill assessed in the session, weakest first."""
    return (
        select(Skill.name, SkillAssessment.accumulated_score)
        .join(Skill, SkillAssessment.skill_id == Skill.id)
        .where(SkillAssessment.interview_session_id == interview_id, SkillAssessment.accumulated_score.is_not(None))
        .order_by(SkillAssessment.accumulated_score, Skill.name)
    )


def select_resources_for_skills(skill_keys: list[str]) -> Select:
    """Resources whose skill is named in `skill_keys` (lower-cased names)."""
    return (
        select(
            LearningResource.id,
            LearningResource.estimated_hours,
            func.lower(Skill.name).label("skill_key"),
        )
        .join(Skill, LearningResource.skill_id == Skill.id)
        .where(func.lower(Skill.name).in_(skill_keys))
    )


def select_existing_path(interview_id: int) -> Select:
    """The newest path already built from the session."""
    return (
        select(LearningPath)
        .where(LearningPath.interview_session_id == interview_id)
        .order_by(LearningPath.id.desc())
        .limit(1)
    )


# --- the list ---------------------------------------------------------------------------------


def select_path_counts(user_id: int) -> Select:
    """All the user's paths and how many are in each status, in one row."""
    return (
        select(
            func.count().label("all"),
            *(func.count().filter(LearningPath.status == status).label(status) for status in LEARNING_PATH_STATUSES),
        )
        .select_from(LearningPath)
        .join(InterviewSession, LearningPath.interview_session_id == InterviewSession.id)
        .where(InterviewSession.user_id == user_id)
    )


def select_path_rows(user_id: int, params: PathListParams, page: int) -> Select:
    """One page of paths with progress (done/total, hours left) and the skills they cover.

    The page's paths are chosen first; their progress is then read per path (LATERAL, an index
    probe on idx_learning_path_resource_path), never aggregated over every path of the platform.
    """
    shown = (
        select(LearningPath.id, LearningPath.created_at)
        .join(InterviewSession, LearningPath.interview_session_id == InterviewSession.id)
        .where(InterviewSession.user_id == user_id)
        .order_by(LearningPath.created_at.desc().nulls_last(), LearningPath.id.desc())
        .offset((page - 1) * params.per_page)
        .limit(params.per_page)
    )
    if params.status != "all":
        shown = shown.where(LearningPath.status == params.status)
    shown = shown.subquery("shown")
    stats = (
        select(
            func.count().label("total"),
            func.count().filter(LearningPathResource.completed.is_(True)).label("done"),
            func.coalesce(
                func.sum(LearningResource.estimated_hours).filter(LearningPathResource.completed.is_not(True)), 0
            ).label("hours_left"),
            func.array_remove(func.array_agg(Skill.name.distinct()), None).label("skills"),
        )
        .select_from(LearningPathResource)
        .outerjoin(LearningResource, LearningPathResource.resource_id == LearningResource.id)
        .outerjoin(Skill, LearningResource.skill_id == Skill.id)
        .where(LearningPathResource.learning_path_id == shown.c.id)
        .lateral("stats")
    )
    return (
        select(
            LearningPath.id,
            LearningPath.status,
            LearningPath.created_at,
            LearningPath.updated_at,
            InterviewSession.session_id,
            InterviewSession.start_time,
            Job.title.label("job_title"),
            stats.c.total,
            stats.c.done,
            stats.c.hours_left,
            # An empty path has no skills: NULL, as before (array_agg over no rows).
            case((stats.c.total > 0, stats.c.skills)).label("skills"),
        )
        .select_from(shown)
        .join(LearningPath, LearningPath.id == shown.c.id)
        .join(InterviewSession, LearningPath.interview_session_id == InterviewSession.id)
        .outerjoin(Job, InterviewSession.job_id == Job.id)
        .join(stats, true())
        .order_by(shown.c.created_at.desc().nulls_last(), shown.c.id.desc())
    )


@dataclass(frozen=True)
class PathPage(ListPage):
    counts: dict[str, int]  # "all" and one per status
    params: PathListParams


def path_page(session: Session, user_id: int, params: PathListParams) -> PathPage:
    """The list page: two statements (counts, then the rows), however many paths there are."""
    counts = dict(session.execute(select_path_counts(user_id)).one()._mapping)
    matching = counts[params.status]
    page, pages = clamp_page(params.page, matching, params.per_page)
    rows = session.execute(select_path_rows(user_id, params, page)).all() if matching else []
    return PathPage(rows, matching, page, pages, params.per_page, counts=counts,
                    params=PathListParams(params.status, page))
