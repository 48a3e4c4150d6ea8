"""Reads for rankings: the components query (one set-based statement) and the page's listing.

`COMPONENTS` is a chain of CTEs ending in `components`: one row per (job,
candidate) with the averages and evidence counts `formulas.score` needs, and the
job's raw weight columns, over the candidate's completed, non-practice
interviews for that job. `:job_ids` limits it to some jobs (NULL: every job).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import text
from sqlalchemy.orm import Session

from webapp.pagination import ListPage, clamp_page
from webapp.scoring import weights as w

# Technical assessments are those whose assessment type is named "Technical..." (the
# catalogue's "Technical" type; "Technical Depth" and the like would count too).
TECHNICAL_TYPE_PATTERN = "technical%"

COMPONENTS = """
WITH held AS (
    -- the evidence: completed, non-practice interviews for a job
    SELECT s.id, s.job_id, s.user_id AS candidate_id, s.technical_accuracy,
           COALESCE(s.completion_time, s.end_time, s.start_time) AS held_at
    FROM interview_interviewsession s
    WHERE s.status = 'completed' AND s.is_practice IS NOT TRUE
      AND s.job_id IS NOT NULL AND s.user_id IS NOT NULL
      AND (CAST(:job_ids AS integer[]) IS NULL OR s.job_id = ANY(CAST(:job_ids AS integer[])))
),
per_candidate AS (
    SELECT job_id, candidate_id, count(*) AS sessions,
           avg(technical_accuracy) AS technical_accuracy, max(held_at) AS last_interview
    FROM held GROUP BY job_id, candidate_id
),
assessed AS (
    SELECT h.job_id, h.candidate_id, count(*) AS interview_assessments,
           avg(a.score) FILTER (WHERE t.name ILIKE :technical_type) AS technical_assessments
    FROM held h
    JOIN interview_interviewassessment a ON a.interview_session_id = h.id
    LEFT JOIN interview_assessmenttype t ON t.id = a.assessment_type_id
    GROUP BY h.job_id, h.candidate_id
),
skilled AS (
    SELECT h.job_id, h.candidate_id, count(*) AS skill_assessments, avg(k.accumulated_score) AS skills
    FROM held h JOIN interview_skillassessment k ON k.interview_session_id = h.id
    GROUP BY h.job_id, h.candidate_id
),
fit AS (
    SELECT h.job_id, h.candidate_id, avg(c.score) AS cultural_fit
    FROM held h JOIN interview_culturalfit c ON c.interview_session_id = h.id
    GROUP BY h.job_id, h.candidate_id
),
tone AS (
    SELECT h.job_id, h.candidate_id, avg(ss.positive_score) AS positive, avg(ss.neutral_score) AS neutral,
           avg(ss.mixed_score) AS mixed, avg(ss.confidence_level) AS session_confidence
    FROM held h JOIN interview_sentimentsession ss ON ss.interview_session_id = h.id
    GROUP BY h.job_id, h.candidate_id
),
points AS (
    SELECT h.job_id, h.candidate_id, count(*) AS points, avg(p.confidence) AS point_confidence,
           avg(f.value_alignment_score) AS value_alignment, avg(f.confidence_score) AS confidence,
           avg(f.enthusiasm_score) AS enthusiasm, avg(f.authenticity_score) AS authenticity
    FROM held h
    JOIN interview_sentimenthistory p ON p.interview_session_id = h.id
    LEFT JOIN interview_sentimentcontextfactors f
           ON f.sentiment_history_id = p.id AND f.sentiment_history_timestamp = p.timestamp
    GROUP BY h.job_id, h.candidate_id
),
job_weights AS (
    -- the raw weight columns; queries.job_weights turns them into weights_for_job's answer
    SELECT j.id AS job_id, COALESCE(j.job_focus, 'balanced') AS focus,
           d.id IS NOT NULL AS has_dynamic, sw.id IS NOT NULL AS has_focus_row,
           d.base_technical_weight, d.base_skills_weight, d.base_cultural_fit_weight, d.base_sentiment_weight,
           d.technical_adjustment, d.skills_adjustment, d.cultural_fit_adjustment, d.sentiment_adjustment,
           d.value_alignment_weight, d.confidence_weight, d.enthusiasm_weight, d.authenticity_weight,
           sw.technical_weight AS focus_technical_weight, sw.skills_weight AS focus_skills_weight,
           sw.cultural_fit_weight AS focus_cultural_fit_weight, sw.sentiment_weight AS focus_sentiment_weight
    FROM company_job j
    LEFT JOIN interview_dynamicscoreweight d ON d.job_id = j.id
    LEFT JOIN interview_scoreweight sw ON sw.job_focus = COALESCE(j.job_focus, 'balanced')
    WHERE j.id IN (SELECT job_id FROM per_candidate)
),
components AS (
    SELECT pc.job_id, pc.candidate_id, pc.sessions, pc.last_interview, pc.technical_accuracy,
           a.technical_assessments, s.skills, fit.cultural_fit,
           tone.positive, tone.neutral, tone.mixed,
           points.value_alignment, points.confidence, points.enthusiasm, points.authenticity,
           COALESCE(points.points, 0) AS points,
           COALESCE(a.interview_assessments, 0) + COALESCE(s.skill_assessments, 0) AS assessments,
           COALESCE(points.point_confidence, tone.session_confidence) AS sentiment_confidence,
           jw.focus, jw.has_dynamic, jw.has_focus_row,
           jw.base_technical_weight, jw.base_skills_weight, jw.base_cultural_fit_weight, jw.base_sentiment_weight,
           jw.technical_adjustment, jw.skills_adjustment, jw.cultural_fit_adjustment, jw.sentiment_adjustment,
           jw.value_alignment_weight, jw.confidence_weight, jw.enthusiasm_weight, jw.authenticity_weight,
           jw.focus_technical_weight, jw.focus_skills_weight, jw.focus_cultural_fit_weight, jw.focus_sentiment_weight
    FROM per_candidate pc
    JOIN job_weights jw ON jw.job_id = pc.job_id
    LEFT JOIN assessed a ON (a.job_id, a.candidate_id) = (pc.job_id, pc.candidate_id)
    LEFT JOIN skilled s ON (s.job_id, s.candidate_id) = (pc.job_id, pc.candidate_id)
    LEFT JOIN fit ON (fit.job_id, fit.candidate_id) = (pc.job_id, pc.candidate_id)
    LEFT JOIN tone ON (tone.job_id, tone.candidate_id) = (pc.job_id, pc.candidate_id)
    LEFT JOIN points ON (points.job_id, points.candidate_id) = (pc.job_id, pc.candidate_id)
)
"""


def _params(job_id: int | None, *, job_ids: Sequence[int] | None = None, **extra) -> dict:
    if job_ids is None and job_id is not None:
        job_ids = [job_id]
    return {"job_id": job_id, "job_ids": job_ids, "technical_type": TECHNICAL_TYPE_PATTERN, **extra}


def components(
    session: Session, job_ids: Sequence[int] | None = None, candidate_id: int | None = None
) -> list:
    """Rows of `components` (mappings), for some jobs or all, optionally one candidate; one statement."""
    statement = text(
        COMPONENTS
        + """SELECT * FROM components
             WHERE CAST(:candidate_id AS integer) IS NULL OR candidate_id = CAST(:candidate_id AS integer)
             ORDER BY job_id, candidate_id"""
    )
    return list(session.execute(statement, _params(None, job_ids=job_ids, candidate_id=candidate_id)).mappings())


def job_weights(row) -> w.JobWeights:
    """What `weights_for_job` would answer, rebuilt from a components row's weight columns.

    Same rules: the job's dynamic row (NULL adjustments and sub-weights mean their
    defaults), else the focus row (NULL columns mean 0.30/0.25/0.25/0.20), else the
    documented defaults; checked against `weights_for_job` in the tests.
    """
    if row["has_dynamic"]:
        return w.job_weights_from_row(SimpleNamespace(**dict(row), last_updated=None), row["focus"])
    if row["has_focus_row"]:
        base = w.FactorWeights.from_mapping(
            {name: row[f"focus_{name}_weight"] for name in w.FACTORS}, w.DEFAULT_FOCUS_WEIGHTS
        )
        source = w.SOURCE_FOCUS
    else:
        base, source = w.DEFAULT_FOCUS_WEIGHTS, w.SOURCE_BUILTIN
    return w.JobWeights(row["focus"], base, w.NO_ADJUSTMENTS, w.DEFAULT_SENTIMENT_WEIGHTS, source)


# --- the rankings page ----------------------------------------------------------------------

PER_PAGE = 25

# sort key -> SQL expression; the default (rank) is the overall score, best first.
SORT_COLUMNS = {
    "rank": "r.overall_score",
    "candidate": "lower(concat_ws(' ', u.first_name, u.last_name, u.email))",
    "overall": "r.overall_score",
    "technical": "r.technical_score",
    "skills": "c.skills",
    "cultural_fit": "r.cultural_fit_score",
    "communication": "r.communication_score",
    "confidence": "r.ai_confidence",
    "last_interview": "c.last_interview",
}
# Scores read best first; names read A to Z. "-key" reverses a column's natural order.
DESCENDING_FIRST = {"rank", "overall", "technical", "skills", "cultural_fit", "communication", "confidence", "last_interview"}


@dataclass(frozen=True)
class Listing(ListPage):
    total: int  # ranked candidates for the job; `matching` counts those at or above the minimum score


def listing(
    session: Session, job_id: int, *, sort_key: str, reverse: bool, minimum: float, page: int, per_page: int | None = PER_PAGE
) -> Listing:
    """One page of a job's ranking: two statements (counts, rows), whatever the number of candidates.

    `place` is the rank by overall score among all the job's ranked candidates,
    whatever the filter and sort; skills and the last interview come live from
    `components` (interview_candidateranking has no column for them).
    """
    counts = session.execute(
        text(
            """SELECT count(*) AS total, count(*) FILTER (WHERE overall_score >= :minimum) AS matching
               FROM interview_candidateranking WHERE job_id = :job_id"""
        ),
        {"job_id": job_id, "minimum": minimum},
    ).one()
    page, pages = clamp_page(page, counts.matching, per_page)
    if not counts.matching:
        return Listing([], 0, page, pages, per_page, total=counts.total)
    descending = (sort_key in DESCENDING_FIRST) != reverse
    direction = "DESC NULLS LAST" if descending else "ASC NULLS LAST"
    # The ORDER BY is built from SORT_COLUMNS only (a whitelist), never from the request.
    order = f"{SORT_COLUMNS[sort_key]} {direction}, r.overall_score DESC, r.candidate_id"
    statement = text(
        COMPONENTS
        + f""",
        ranked AS (
            SELECT r.*, rank() OVER (ORDER BY r.overall_score DESC) AS place
            FROM interview_candidateranking r WHERE r.job_id = :job_id
        )
        SELECT r.place, r.candidate_id, r.overall_score, r.technical_score, r.cultural_fit_score,
               r.communication_score, r.ai_confidence, r.ranking_date,
               c.skills, c.last_interview, c.sessions,
               -- a component without evidence is stored as 0 (NOT NULL columns); the page shows "—"
               (c.candidate_id IS NOT NULL AND c.technical_accuracy IS NULL
                AND c.technical_assessments IS NULL) AS technical_missing,
               (c.candidate_id IS NOT NULL AND c.cultural_fit IS NULL) AS cultural_fit_missing,
               (c.candidate_id IS NOT NULL AND c.positive IS NULL AND c.neutral IS NULL AND c.mixed IS NULL AND c.value_alignment IS NULL
                AND c.confidence IS NULL AND c.enthusiasm IS NULL AND c.authenticity IS NULL) AS sentiment_missing,
               u.first_name, u.last_name, u.email
        FROM ranked r
        JOIN users_user u ON u.id = r.candidate_id
        LEFT JOIN components c ON c.job_id = r.job_id AND c.candidate_id = r.candidate_id
        WHERE r.overall_score >= :minimum
        ORDER BY {order}
        LIMIT CAST(:limit AS integer) OFFSET :offset"""
    )
    rows = session.execute(
        statement,
        # per_page None (the CSV export): LIMIT NULL is no limit in PostgreSQL
        _params(job_id, minimum=minimum, limit=per_page, offset=(page - 1) * (per_page or 0)),
    ).all()
    return Listing(rows, counts.matching, page, pages, per_page, total=counts.total)


def ranking_of(session: Session, job_id: int, candidate_id: int):
    """The stored ranking row with the candidate's name, or None."""
    return session.execute(
        text(
            """SELECT r.*, u.first_name, u.last_name, u.email,
                      (SELECT count(*) + 1 FROM interview_candidateranking o
                        WHERE o.job_id = r.job_id AND o.overall_score > r.overall_score) AS place
               FROM interview_candidateranking r JOIN users_user u ON u.id = r.candidate_id
               WHERE r.job_id = :job_id AND r.candidate_id = :candidate_id"""
        ),
        {"job_id": job_id, "candidate_id": candidate_id},
    ).one_or_none()


def interviews_behind(session: Session, job_id: int, candidate_id: int) -> list:
    """The candidate's completed, non-practice interviews for the job, newest first."""
    return session.execute(
        text(
            """SELECT s.id, s.session_id, s.technical_accuracy,
                      COALESCE(s.completion_time, s.end_time, s.start_time) AS held_at
               FROM interview_interviewsession s
               WHERE s.job_id = :job_id AND s.user_id = :candidate_id
                 AND s.status = 'completed' AND s.is_practice IS NOT TRUE
               ORDER BY held_at DESC NULLS LAST, s.id DESC"""
        ),
        {"job_id": job_id, "candidate_id": candidate_id},
    ).all()


# --- what-if, compare ---------------------------------------------------------------------


def ranked_with_components(session: Session, job_id: int, candidate_ids: list[int] | None = None) -> list:
    """Every ranked candidate of the job (or those of `candidate_ids`) with their saved place,
    name and `components` row, in one statement: what the what-if preview re-scores."""
    statement = text(
        COMPONENTS
        + """,
        ranked AS (
            SELECT r.*, rank() OVER (ORDER BY r.overall_score DESC) AS saved_place
            FROM interview_candidateranking r WHERE r.job_id = :job_id
        )
        SELECT r.saved_place, r.candidate_id, r.overall_score AS saved_overall, r.ai_confidence AS saved_confidence,
               r.technical_score AS saved_technical, r.cultural_fit_score AS saved_cultural_fit,
               r.communication_score AS saved_communication,
               u.first_name, u.last_name, u.email,
               c.sessions, c.last_interview, c.technical_accuracy, c.technical_assessments, c.skills, c.cultural_fit,
               c.positive, c.neutral, c.mixed, c.value_alignment, c.confidence, c.enthusiasm, c.authenticity,
               c.points, c.assessments, c.sentiment_confidence
        FROM ranked r
        JOIN users_user u ON u.id = r.candidate_id
        LEFT JOIN components c ON c.job_id = r.job_id AND c.candidate_id = r.candidate_id
        WHERE CAST(:ids AS integer[]) IS NULL OR r.candidate_id = ANY(CAST(:ids AS integer[]))
        ORDER BY r.overall_score DESC, r.candidate_id"""
    )
    return list(session.execute(statement, _params(job_id, ids=candidate_ids)).mappings())


def compared_skills(session: Session, job_id: int, candidate_ids: list[int]) -> list:
    """Per candidate and skill, the mean skill assessment score over their completed interviews for the job."""
    return session.execute(
        text(
            """SELECT s.user_id AS candidate_id, k.name AS skill, avg(a.accumulated_score) AS score
               FROM interview_interviewsession s
               JOIN interview_skillassessment a ON a.interview_session_id = s.id
               JOIN interview_skill k ON k.id = a.skill_id
               WHERE s.job_id = :job_id AND s.user_id = ANY(CAST(:ids AS integer[]))
                 AND s.status = 'completed' AND s.is_practice IS NOT TRUE
               GROUP BY s.user_id, k.name
               ORDER BY k.name"""
        ),
        {"job_id": job_id, "ids": candidate_ids},
    ).all()


def compared_profiles(session: Session, job_id: int, candidate_ids: list[int]) -> list:
    """Per candidate: the latest behavioral analysis, a sentiment summary and the knowledge gaps, one statement."""
    return session.execute(
        text(
            """WITH held AS (
                   SELECT s.id, s.user_id, s.knowledge_gaps, COALESCE(s.completion_time, s.end_time, s.start_time) AS held_at
                   FROM interview_interviewsession s
                   WHERE s.job_id = :job_id AND s.user_id = ANY(CAST(:ids AS integer[]))
                     AND s.status = 'completed' AND s.is_practice IS NOT TRUE
               ),
               behavior AS (
                   SELECT DISTINCT ON (h.user_id) h.user_id, b.confidence_score, b.fear_score, b.sincerity_score,
                          b.nervousness_score, b.excitement_score, b.curiosity_score, b.adaptability_score
                   FROM held h JOIN interview_behavioralanalysis b ON b.interview_session_id = h.id
                   ORDER BY h.user_id, b.created_at DESC NULLS LAST, b.id DESC
               ),
               feeling AS (
                   SELECT h.user_id, count(*) AS sentiment_sessions, avg(ss.positive_score) AS positive,
                          avg(ss.negative_score) AS negative, avg(ss.neutral_score) AS neutral, avg(ss.mixed_score) AS mixed,
                          mode() WITHIN GROUP (ORDER BY ss.overall_sentiment) AS usual_sentiment
                   FROM held h JOIN interview_sentimentsession ss ON ss.interview_session_id = h.id
                   GROUP BY h.user_id
               ),
               gaps AS (
                   SELECT h.user_id, jsonb_agg(g.value ORDER BY h.held_at DESC) AS knowledge_gaps
                   FROM held h CROSS JOIN LATERAL jsonb_array_elements(
                       CASE WHEN jsonb_typeof(h.knowledge_gaps) = 'array' THEN h.knowledge_gaps ELSE '[]'::jsonb END) g
                   GROUP BY h.user_id
               )
               SELECT u.id AS candidate_id, behavior.confidence_score, behavior.fear_score, behavior.sincerity_score,
                      behavior.nervousness_score, behavior.excitement_score, behavior.curiosity_score,
                      behavior.adaptability_score, behavior.user_id IS NOT NULL AS has_behavior,
                      feeling.sentiment_sessions, feeling.positive, feeling.negative, feeling.neutral, feeling.mixed,
                      feeling.usual_sentiment, gaps.knowledge_gaps
               FROM unnest(CAST(:ids AS integer[])) AS u(id)
               LEFT JOIN behavior ON behavior.user_id = u.id
               LEFT JOIN feeling ON feeling.user_id = u.id
               LEFT JOIN gaps ON gaps.user_id = u.id"""
        ),
        {"job_id": job_id, "ids": candidate_ids},
    ).mappings().all()
