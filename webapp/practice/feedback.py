"""Turning the engine's practice analysis into feedback a candidate can act on: pure functions, no database.

The engine writes loosely shaped JSON (knowledge_gaps, suggested_resources, detailed_feedback);
these functions accept what the demo data and the engine write and skip what they cannot read,
so an odd value shows less, never an error page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WEAK_SCORE = 60  # below this a skill is worth practising next (the engine's knowledge-gap threshold)
STEADY_BAND = 2.0  # a change smaller than this many points is "about the same"
PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2}

SENTIMENT_SENTENCES = {
    "positive": "You came across as positive and engaged. That warmth helps interviewers remember you; keep it.",
    "neutral": "You came across as calm and even. Adding a little enthusiasm when you talk about your work "
    "helps interviewers see what motivates you.",
    "mixed": "Your tone moved between confident and unsure. That is normal in practice: pausing to structure "
    "an answer before you start usually steadies it.",
    "negative": "Some answers sounded tense or discouraged. A short pause and a concrete example from your "
    "experience are a good way to reset; it gets easier with every practice run.",
}
STATUS_MESSAGES = {
    "scheduled": ("This practice session has not started yet.",
                  "Your feedback appears here once you have completed the session."),
    "rescheduled": ("This practice session was moved to a new time.",
                    "Your feedback appears here once you have completed the session."),
    "in_progress": ("This practice session is still in progress.",
                    "Finish it and your feedback appears here a few moments later."),
    "cancelled": ("This practice session was cancelled, so there is no feedback for it.",
                  "Start a new practice session whenever you are ready."),
    "no_show": ("This practice session was missed, so there is no feedback for it.",
                "No problem: start a new practice session whenever you are ready."),
}


def number(value: Any) -> float | None:
    """A finite float, else None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def band(score: Any) -> str:
    """A score in words: how a candidate should read it."""
    value = number(score)
    if value is None:
        return "not scored"
    if value >= 75:
        return "a strength"
    if value >= WEAK_SCORE:
        return "solid"
    if value >= 45:
        return "developing"
    return "a focus area"


def sentiment_sentence(overall: str | None) -> str | None:
    return SENTIMENT_SENTENCES.get(overall or "")


def status_message(status: str | None) -> tuple[str, str]:
    return STATUS_MESSAGES.get(status or "scheduled", STATUS_MESSAGES["scheduled"])


@dataclass(frozen=True)
class SkillChange:
    skill: str
    category: str | None
    score: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round(self.score - self.previous, 1)

    @property
    def trend(self) -> str:
        """"up", "down", "same" or "new" (not assessed in the previous session)."""
        if self.delta is None:
            return "new"
        if abs(self.delta) < STEADY_BAND:
            return "same"
        return "up" if self.delta > 0 else "down"

    @property
    def change_text(self) -> str:
        return {
            "new": "Not scored last time",
            "same": "About the same",
            "up": f"Up {abs(self.delta or 0):.1f} points",
            "down": f"Down {abs(self.delta or 0):.1f} points",
        }[self.trend]


def skill_changes(rows: Sequence[Any]) -> list[SkillChange]:
    """Rows of (skill, category, score, previous_score) as SkillChange, in the order given."""
    return [SkillChange(row.skill, row.category, number(row.score), number(row.previous_score)) for row in rows]


def knowledge_gaps(value: Any) -> list[dict[str, Any]]:
    """[{"skill", "score", "priority"}] from the engine's list (dicts or plain skill names), most urgent first."""
    gaps = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("skill"), str) and item["skill"].strip():
            priority = str(item.get("priority") or "").lower()
            gaps.append({
                "skill": item["skill"].strip(),
                "score": number(item.get("score")),
                "priority": priority if priority in PRIORITY_ORDER else None,
            })
        elif isinstance(item, str) and item.strip():
            gaps.append({"skill": item.strip(), "score": None, "priority": None})

    def urgency(gap: dict[str, Any]) -> tuple[int, float]:
        # unknown priority after known ones; an unscored gap after every scored one
        return PRIORITY_ORDER.get(gap["priority"], 3), 101.0 if gap["score"] is None else gap["score"]

    return sorted(gaps, key=urgency)


def weak_skills(gaps: list[dict[str, Any]], changes: list[SkillChange]) -> list[str]:
    """Skill names to find resources for: the knowledge gaps first, then skills scored below WEAK_SCORE."""
    names = [gap["skill"] for gap in gaps]
    names += [c.skill for c in changes if c.score is not None and c.score < WEAK_SCORE]
    return list(dict.fromkeys(names))


def safe_url(value: Any) -> str | None:
    """Only http(s) links are ever rendered as links (no javascript:, data:, ...)."""
    if isinstance(value, str) and value.strip().lower().startswith(("https://", "http://")):
        return value.strip()
    return None


def suggested_resources(value: Any) -> list[dict[str, Any]]:
    """The engine's suggestions as dicts (resource_id, title, url, resource_type, skill); untitled ones skipped."""
    resources = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("title"), str) or not item["title"].strip():
            continue
        resource_id = item.get("resource_id")
        resources.append({
            "resource_id": resource_id if isinstance(resource_id, int) and not isinstance(resource_id, bool) else None,
            "title": item["title"].strip(),
            "url": safe_url(item.get("url")),
            "resource_type": item.get("resource_type") if isinstance(item.get("resource_type"), str) else None,
            "skill": item.get("skill") if isinstance(item.get("skill"), str) else None,
        })
    return resources


def strings(value: Any) -> list[str]:
    """A JSON list of strings (improvement suggestions, focus areas, strengths), non-strings left out."""
    return [item.strip() for item in value if isinstance(item, str) and item.strip()] if isinstance(value, list) else []


@dataclass(frozen=True)
class DetailedFeedback:
    summary: str | None
    strengths: list[str]
    areas_to_improve: list[str]
    overall_rating: float | None


def detailed_feedback(value: Any) -> DetailedFeedback:
    """The parts of `detailed_feedback` the page explains; skill_scores come from the skill assessments instead."""
    data = value if isinstance(value, Mapping) else {}
    summary = data.get("summary")
    return DetailedFeedback(
        summary=summary.strip() if isinstance(summary, str) and summary.strip() else None,
        strengths=strings(data.get("strengths")),
        areas_to_improve=strings(data.get("areas_to_improve")),
        overall_rating=number(data.get("overall_rating")),
    )


@dataclass(frozen=True)
class SkillProgress:
    skill: str
    scores: list[float]  # oldest first

    @property
    def first(self) -> float:
        return self.scores[0]

    @property
    def latest(self) -> float:
        return self.scores[-1]

    @property
    def best(self) -> float:
        return max(self.scores)

    @property
    def change(self) -> float | None:
        return round(self.latest - self.first, 1) if len(self.scores) > 1 else None


def skill_progress(rows: Sequence[Any]) -> list[SkillProgress]:
    """Per skill (A to Z), its scores across sessions in the order of `rows` (oldest first)."""
    scores: dict[str, list[float]] = {}
    for row in rows:
        value = number(row.score)
        if value is not None:
            scores.setdefault(row.skill, []).append(value)
    return [SkillProgress(skill, values) for skill, values in sorted(scores.items())]
