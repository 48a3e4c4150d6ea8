"""Writes for rankings: `recompute` turns the components query into interview_candidateranking rows.

Four statements whatever the number of candidates: claiming the jobs' freshness
marks, the components SELECT, one INSERT ... SELECT FROM unnest(arrays) ... ON
CONFLICT DO UPDATE, and one DELETE of rankings whose candidate has no completed
interview left for the job. The formulas run in Python between them
(webapp/rankings/formulas.py), on rows already fetched, so there is no query per
candidate. Never commits.

Freshness: triggers (migration 0003) put a job into rankings_stalejob whenever
something its ranking is computed from changes, whoever writes it (the
interview engine writes results straight into the database). `recompute_stale`
claims those marks and recomputes just those jobs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.orm import Session

from webapp.pagination import clamp_page
from webapp.rankings import formulas as f
from webapp.rankings import queries
from webapp.scoring import weights as w
from webapp.weights import services as weights_services

UPSERT = text(
    """
    INSERT INTO interview_candidateranking
        (job_id, candidate_id, overall_score, technical_score, cultural_fit_score,
         communication_score, ai_confidence, ranking_date)
    SELECT job_id, candidate_id, overall, technical, cultural_fit, communication, confidence, now()
    FROM unnest(CAST(:job_ids AS integer[]), CAST(:candidate_ids AS integer[]), CAST(:overall AS numeric[]),
                CAST(:technical AS numeric[]), CAST(:cultural_fit AS numeric[]),
                CAST(:communication AS numeric[]), CAST(:confidence AS numeric[]))
         AS v(job_id, candidate_id, overall, technical, cultural_fit, communication, confidence)
    ON CONFLICT (job_id, candidate_id) DO UPDATE SET
        overall_score = EXCLUDED.overall_score,
        technical_score = EXCLUDED.technical_score,
        cultural_fit_score = EXCLUDED.cultural_fit_score,
        communication_score = EXCLUDED.communication_score,
        ai_confidence = EXCLUDED.ai_confidence,
        ranking_date = now()
    """
)

REMOVE_UNHELD = text(
    """
    DELETE FROM interview_candidateranking r
    WHERE (CAST(:job_ids AS integer[]) IS NULL OR r.job_id = ANY(CAST(:job_ids AS integer[])))
      AND NOT EXISTS (
          SELECT 1 FROM interview_interviewsession s
          WHERE s.job_id = r.job_id AND s.user_id = r.candidate_id
            AND s.status = 'completed' AND s.is_practice IS NOT TRUE)
    """
)


# Claiming before reading matters: results committed after the claim mark the job
# again (the trigger's INSERT waits for this transaction), so no change is lost.
CLAIM_MARKS = text(
    """
    DELETE FROM rankings_stalejob
    WHERE CAST(:job_ids AS integer[]) IS NULL OR job_id = ANY(CAST(:job_ids AS integer[]))
    RETURNING job_id
    """
)


@dataclass(frozen=True)
class Recomputed:
    ranked: int  # rows written (inserted or updated)
    removed: int  # rows of candidates with no completed interview left

    def __str__(self) -> str:
        return f"{self.ranked} ranking(s) written, {self.removed} removed"


def score_row(row) -> f.Scores:
    """The scores of one components row with its job's effective weights and sentiment split."""
    weights = queries.job_weights(row)
    return f.score(row, weights.effective.as_dict(), weights.sentiment.as_dict())


def recompute(session: Session, job_id: int | None = None) -> Recomputed:
    """Recompute the rankings of one job (or every job), set-based; the caller commits."""
    return recompute_jobs(session, None if job_id is None else [job_id])


def recompute_stale(session: Session, job_id: int | None = None) -> Recomputed | None:
    """Recompute the jobs marked stale (or just `job_id`, if marked); None when nothing was."""
    claimed = session.execute(CLAIM_MARKS, {"job_ids": None if job_id is None else [job_id]}).scalars().all()
    return _recompute(session, claimed) if claimed else None


def recompute_jobs(session: Session, job_ids: Sequence[int] | None) -> Recomputed:
    """Recompute the rankings of `job_ids` (None: every job) and clear their freshness marks."""
    session.execute(CLAIM_MARKS, {"job_ids": job_ids})
    return _recompute(session, job_ids)


def _recompute(session: Session, job_ids: Sequence[int] | None) -> Recomputed:
    """The recomputation itself, marks already claimed.

    A component with no evidence is stored as 0 (the columns are NOT NULL) but
    carries no weight in the overall score, and lowers ai_confidence.
    """
    rows = queries.components(session, job_ids)
    scored = [(row, score_row(row)) for row in rows]
    if scored:
        session.execute(
            UPSERT,
            {
                "job_ids": [row["job_id"] for row, _ in scored],
                "candidate_ids": [row["candidate_id"] for row, _ in scored],
                "overall": [f.cents(s.overall) for _, s in scored],
                "technical": [f.cents(s.technical or 0) for _, s in scored],
                "cultural_fit": [f.cents(s.cultural_fit or 0) for _, s in scored],
                "communication": [f.cents(s.sentiment or 0) for _, s in scored],
                "confidence": [f.cents(s.ai_confidence) for _, s in scored],
            },
        )
    removed = session.execute(REMOVE_UNHELD, {"job_ids": job_ids}).rowcount
    return Recomputed(ranked=len(scored), removed=removed)


# --- what-if: re-ranking with weights that are not saved (pure, no writes) --------------------


# sort key -> how a preview row sorts (None sorts last, like NULLS LAST)
_PREVIEW_SORT = {
    "rank": "overall_score",
    "overall": "overall_score",
    "technical": "technical_score",
    "skills": "skills",
    "cultural_fit": "cultural_fit_score",
    "communication": "communication_score",
    "confidence": "ai_confidence",
    "last_interview": "last_interview",
}


def preview(
    rows: list, weights: Mapping[str, Decimal], sub_weights: Mapping[str, Decimal], *,
    sort_key: str, reverse: bool, minimum: float, page: int, per_page: int | None = queries.PER_PAGE,
) -> queries.Listing:
    """Re-score `queries.ranked_with_components` rows with `weights`, rank, filter, sort and page them.

    The answer is shaped like `queries.listing`'s (same row attributes), so the page and
    the CSV show either.

    Pure: the same formulas as `recompute`, on rows already fetched; nothing is written.
    `movement` is saved place - new place (positive: moved up).
    """
    scored = []
    for row in rows:
        s = f.score(row, weights, sub_weights)
        scored.append(SimpleNamespace(
            candidate_id=row["candidate_id"], first_name=row["first_name"], last_name=row["last_name"],
            email=row["email"], saved_place=row["saved_place"], saved_overall=row["saved_overall"],
            overall_score=f.cents(s.overall), technical_score=f.cents(s.technical),
            cultural_fit_score=f.cents(s.cultural_fit), communication_score=f.cents(s.sentiment),
            skills=row["skills"], ai_confidence=f.cents(s.ai_confidence), last_interview=row["last_interview"],
            sessions=row["sessions"], technical_missing=s.technical is None,
            cultural_fit_missing=s.cultural_fit is None, sentiment_missing=s.sentiment is None,
        ))
    # rank() semantics, as the saved ranking: ties share a place.
    scored.sort(key=lambda item: (-item.overall_score, item.candidate_id))
    for index, item in enumerate(scored):
        tied = index and scored[index - 1].overall_score == item.overall_score
        item.place = scored[index - 1].place if tied else index + 1
        item.movement = item.saved_place - item.place
    matching = [item for item in scored if item.overall_score >= Decimal(str(minimum))]
    if sort_key == "candidate":
        matching.sort(key=lambda item: " ".join(filter(None, (item.first_name, item.last_name, item.email))).lower(),
                      reverse=reverse)
    elif sort_key != "rank" or reverse:
        attr = _PREVIEW_SORT[sort_key]
        descending = not reverse
        present = [item for item in matching if getattr(item, attr) is not None]
        absent = [item for item in matching if getattr(item, attr) is None]
        present.sort(key=lambda item: getattr(item, attr), reverse=descending)
        matching = present + absent
    page, pages = clamp_page(page, len(matching), per_page)
    shown = matching[(page - 1) * per_page: page * per_page] if per_page else matching
    return queries.Listing(shown, len(matching), page, pages, per_page, total=len(scored))


# --- saving the what-if weights --------------------------------------------------------------


def save_weights(session: Session, job, weights: w.FactorWeights, *, actor) -> w.JobWeights:
    """Store `weights` as the job's effective weights, through the weights editor's service, and re-rank.

    Expressed as the service expects: the current base plus adjustments (new - base);
    the job's sentiment sub-weights are kept. Audit-logged there; the caller commits.
    Raises weights_services.InvalidWeights for a set that breaks the rules.
    """
    current = w.weights_for_job(session, job)
    adjustments = w.FactorWeights(
        **{name: w.cents(getattr(weights, name) - getattr(current.base, name)) for name in w.FACTORS}
    )
    saved = weights_services.save(
        session, job, base=current.base, adjustments=adjustments, sentiment=current.sentiment, actor=actor
    )
    recompute(session, job.id)
    return saved


# --- compare ---------------------------------------------------------------------------------

COMPARE_MIN, COMPARE_MAX = 2, 4
TRAITS = ("confidence", "sincerity", "curiosity", "adaptability", "excitement", "nervousness", "fear")


class CompareError(ValueError):
    """The selection cannot be compared; the message says why (shown with a 400)."""


def parse_selection(values: list[str]) -> list[int]:
    """The candidate ids from `?c=...`: 2 to 4 distinct whole numbers, in the order given."""
    if len(values) < COMPARE_MIN:
        raise CompareError(f"Select at least {COMPARE_MIN} candidates to compare (you selected {len(values)}).")
    if len(values) > COMPARE_MAX:
        raise CompareError(f"Select at most {COMPARE_MAX} candidates to compare (you selected {len(values)}).")
    ids = []
    for value in values:
        text_value = value.strip()
        if not text_value.isascii() or not text_value.isdigit() or not 0 < int(text_value) < 2**31:
            raise CompareError("The selection is not valid: pick candidates from the ranking and try again.")
        ids.append(int(text_value))
    if len(set(ids)) != len(ids):
        raise CompareError("Each candidate can be selected only once; pick different candidates.")
    return ids


def comparison(session: Session, job, candidate_ids: list[int]) -> list[SimpleNamespace]:
    """Side by side data for the candidates, in the order given; four statements whatever their number.

    Raises CompareError when one of them is not ranked for this job (without saying
    anything about where else they might be).
    """
    rows = {row["candidate_id"]: row for row in queries.ranked_with_components(session, job.id, candidate_ids)}
    if len(rows) != len(candidate_ids):
        raise CompareError("One of the selected candidates is not ranked for this job; pick candidates from this ranking.")
    weights = w.weights_for_job(session, job)
    skills: dict[int, list] = {}
    for item in queries.compared_skills(session, job.id, candidate_ids):
        skills.setdefault(item.candidate_id, []).append((item.skill, float(item.score or 0)))
    profiles = {p["candidate_id"]: p for p in queries.compared_profiles(session, job.id, candidate_ids)}
    result = []
    for candidate_id in candidate_ids:
        row, profile = rows[candidate_id], profiles.get(candidate_id, {})
        scores = f.score(row, weights.effective.as_dict(), weights.sentiment.as_dict())
        own_skills = skills.get(candidate_id, [])
        ranked_skills = sorted(own_skills, key=lambda pair: (-pair[1], pair[0]))
        result.append(SimpleNamespace(
            candidate_id=candidate_id, first_name=row["first_name"], last_name=row["last_name"], email=row["email"],
            place=row["saved_place"], overall=row["saved_overall"], confidence=row["saved_confidence"],
            # the stored scores, as the ranking table shows them; "—" where there is no evidence
            components={
                "technical": None if scores.technical is None else row["saved_technical"],
                "skills": row["skills"],
                "cultural_fit": None if scores.cultural_fit is None else row["saved_cultural_fit"],
                "sentiment": None if scores.sentiment is None else row["saved_communication"],
            },
            skills=dict(own_skills),
            traits={t: profile.get(f"{t}_score") for t in TRAITS} if profile.get("has_behavior") else None,
            sentiment=profile if profile.get("sentiment_sessions") else None,
            strengths=[name for name, _ in ranked_skills[:_top(len(ranked_skills))]],
            weakest=[name for name, _ in ranked_skills[_top(len(ranked_skills)):][::-1][:3]],
            gaps=_gap_names(profile.get("knowledge_gaps") or []),
        ))
    return result


def _top(count: int) -> int:
    """How many of a candidate's skills count as strengths: the better half, at most 3 (the rest are the weakest)."""
    return min(3, (count + 1) // 2)


def _gap_names(gaps: list) -> list[str]:
    """Distinct knowledge gap names, newest interview first; entries are {"skill": ...} or plain text."""
    names: list[str] = []
    for gap in gaps:
        name = gap.get("skill") or gap.get("name") if isinstance(gap, dict) else gap
        if isinstance(name, str) and name.strip() and name.strip() not in names:
            names.append(name.strip())
    return names[:5]
