"""Writes and rules for learning paths. Nothing here commits: the view does, once.

A path's status moves draft -> active -> completed: starting it (or finishing a
first resource) makes it active, finishing every resource completes it, and
reopening a resource makes it active again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from webapp.learning import queries
from webapp.models import InterviewSession, LearningPath, LearningPathResource

PRIORITIES = {"high": 0, "medium": 1, "low": 2}
WEAK_SKILL = 3  # a weak assessed skill the engine did not name as a gap ranks after every named gap
WEAK_SKILL_LIMIT = 3  # how many of the weakest assessed skills join the named gaps
WEAK_BELOW = Decimal(70)  # a skill scored this or better is no weakness
PATH_SIZE = 10  # a path someone can finish: the most needed resources, not the whole catalog


class NothingToBuild(Exception):
    """The session offers nothing to build a path from; the message says why, for the candidate."""


class PathRuleError(Exception):
    """A change the path's state does not allow; the message is for the candidate."""


@dataclass(frozen=True)
class Need:
    """A skill to work on: how urgent (0 = high priority gap ... 3 = weak skill) and its score."""

    skill: str
    rank: int
    score: float

    @property
    def key(self) -> str:
        return self.skill.lower()


def _gap_rank(gap: dict[str, Any], score: float | None) -> int:
    priority = gap.get("priority")
    if isinstance(priority, str) and priority.lower() in PRIORITIES:
        return PRIORITIES[priority.lower()]
    if score is None:
        return PRIORITIES["medium"]
    # The engine's own thresholds, for gaps written without a priority.
    return PRIORITIES["high"] if score < 45 else PRIORITIES["medium"] if score < 60 else PRIORITIES["low"]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def needs_of(knowledge_gaps: Any, skill_scores: list[tuple[str, Decimal]]) -> list[Need]:
    """The session's named gaps, then its weakest assessed skills; each skill once, at its most urgent.

    The engine writes `knowledge_gaps` as loosely shaped JSON (a dict with `skill`,
    `score`, `priority`, or just a skill name): entries without a skill are skipped.
    """
    needs: dict[str, Need] = {}

    def add(need: Need) -> None:
        known = needs.get(need.key)
        if known is None or (need.rank, need.score) < (known.rank, known.score):
            needs[need.key] = need

    for gap in knowledge_gaps if isinstance(knowledge_gaps, list) else []:
        gap = {"skill": gap} if isinstance(gap, str) else gap
        if not isinstance(gap, dict) or not isinstance(gap.get("skill"), str) or not gap["skill"].strip():
            continue
        score = _number(gap.get("score"))
        add(Need(gap["skill"].strip(), _gap_rank(gap, score), score if score is not None else math.inf))
    weak = [(name, score) for name, score in skill_scores if score < WEAK_BELOW and name.lower() not in needs]
    for name, score in weak[:WEAK_SKILL_LIMIT]:
        add(Need(name, WEAK_SKILL, float(score)))
    return sorted(needs.values(), key=lambda need: (need.rank, need.score))


def plan(needs: list[Need], resources: list[Any]) -> list[int]:
    """Resource ids by need: the most urgent skills first, then the shortest resources; never twice.

    `resources` rows have `id`, `estimated_hours` and `skill_key`; at most PATH_SIZE are kept.
    """
    by_key = {need.key: need for need in needs}

    def order(resource) -> tuple:
        need = by_key[resource.skill_key]
        hours = resource.estimated_hours if resource.estimated_hours is not None else math.inf
        return need.rank, hours, need.score, resource.id

    ranked = sorted((r for r in resources if r.skill_key in by_key), key=order)
    return list(dict.fromkeys(r.id for r in ranked))[:PATH_SIZE]


def build_path(session: Session, interview: InterviewSession) -> LearningPath:
    """A draft path from the session's gaps and weakest skills.

    Raises NothingToBuild when the session names nothing to work on or no resource
    in the catalog covers those skills; nothing is written then.
    """
    if interview.status != "completed":
        raise NothingToBuild("This practice session has not finished yet: build a path once you have its feedback.")
    scores = [tuple(row) for row in session.execute(queries.select_session_skill_scores(interview.id))]
    needs = needs_of(interview.knowledge_gaps, scores)
    if not needs:
        raise NothingToBuild(
            "This session found no knowledge gaps or weak skills to work on. Well done! Try another practice session."
        )
    resources = session.execute(queries.select_resources_for_skills([need.key for need in needs])).all()
    chosen = plan(needs, resources)
    if not chosen:
        skills = ", ".join(need.skill for need in needs)
        raise NothingToBuild(
            f"We have no learning resources for {skills} yet, so there is no path to build. "
            "New resources are added to the catalog regularly: try again later."
        )
    path = LearningPath(interview_session_id=interview.id, status="draft")
    session.add(path)
    session.flush()
    session.add_all(
        LearningPathResource(learning_path_id=path.id, resource_id=resource_id, order_position=position)
        for position, resource_id in enumerate(chosen, start=1)
    )
    session.flush()
    return path


def existing_path(session: Session, interview: InterviewSession) -> LearningPath | None:
    """The path already built from this session, if any (building twice opens it instead)."""
    return session.scalar(queries.select_existing_path(interview.id))


def start(path: LearningPath) -> None:
    """Draft -> active."""
    if path.status != "draft":
        raise PathRuleError("This learning path has already started.")
    path.status = "active"
    path.updated_at = datetime.now(UTC)


def mark(session: Session, path: LearningPath, entry_id: int, done: bool) -> bool:
    """Mark one resource done or not done and settle the path's status; False when it already was.

    The caller holds the path's row lock (queries.lock_own_path).
    """
    changed = session.execute(
        update(LearningPathResource)
        .where(
            LearningPathResource.id == entry_id,
            LearningPathResource.learning_path_id == path.id,
            LearningPathResource.completed.is_(True) if not done else LearningPathResource.completed.is_not(True),
        )
        .values(completed=done, completion_date=datetime.now(UTC) if done else None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        open_count = session.scalar(queries.select_open_count(path.id))
        path.status = "completed" if open_count == 0 else "active"
        path.updated_at = datetime.now(UTC)
        session.flush()
    return bool(changed)


@dataclass(frozen=True)
class Moved:
    position: int  # the entry's 1-based position afterwards
    total: int
    moved: bool


def move(session: Session, path: LearningPath, entry_id: int, *, step: int = 0, to: int | None = None) -> Moved:
    """Move the entry `step` places (-1 up, +1 down) or to the 1-based position `to`, clamped to the list.

    The list is numbered 1..n afterwards. The caller holds the path's row lock, so
    no other request renumbers meanwhile. UNIQUE(learning_path_id, order_position)
    is checked row by row (it is not deferrable), so the rows that move first jump
    to positions above every old and new one, then land on their final positions:
    no statement ever collides.
    """
    rows = session.execute(queries.select_positions(path.id)).all()
    order = [row.id for row in rows]
    if entry_id not in order:
        raise PathRuleError("That resource is not on this learning path.")
    target = to - 1 if to is not None else order.index(entry_id) + step
    order.remove(entry_id)
    order.insert(max(0, min(target, len(order))), entry_id)
    final = {row_id: position for position, row_id in enumerate(order, start=1)}
    moved = {row.id: final[row.id] for row in rows if row.order_position != final[row.id]}
    if moved:
        old = [row.order_position for row in rows]
        shift = max(max(old), len(rows)) - min(old) + 1
        session.execute(
            update(LearningPathResource)
            .where(LearningPathResource.id.in_(moved))
            .values(order_position=LearningPathResource.order_position + shift)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(LearningPathResource),
            [{"id": row_id, "order_position": position} for row_id, position in moved.items()],
        )
        path.updated_at = datetime.now(UTC)
        session.flush()
    return Moved(final[entry_id], len(rows), entry_id in moved)
