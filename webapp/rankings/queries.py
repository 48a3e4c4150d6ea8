"""Reads for rankings: the components query, and the stored rankings the pages read.

`COMPONENTS` is a chain of CTEs ending in `components`: one row per (job,
candidate) with the averages (as floats) and evidence counts `formulas.score`
needs, over the candidate's completed, non-practice interviews for that job;
`JOB_WEIGHTS` has each job's raw weight columns, once per job. `:job_ids` limits it to some jobs, `:pair_jobs` +
`:pair_candidates` to some (job, candidate) pairs (NULL: no limit). Only the
recompute runs it (rankings.services); the pages read `rankings_component`, where
the recompute keeps its answer with the scores (migration 0009), with indexed
queries whose cost does not grow with the job's history.

Sentiment follows the interview page's rule: an interview any of whose sentiment
summaries is not `employer_visible` contributes no tone and no sentiment points.
Points are read within the interview's time window (as the interview page does), so
only the partitions of that window are scanned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from webapp.models import RankingOverride
from webapp.pagination import ListPage, clamp_page
from webapp.rankings import formulas as f
from webapp.scorecards.queries import select_human_scores
from webapp.scoring import weights as w

COMPONENTS = """
WITH held AS (
    -- the evidence: completed, non-practice interviews for a job
    SELECT s.id, s.job_id, s.user_id AS candidate_id, s.technical_accuracy,
           COALESCE(s.completion_time, s.end_time, s.start_time) AS held_at,
           -- interviews.page_queries.history_window: the points' time bounds (one day of margin)
           COALESCE(COALESCE(s.start_time, s.scheduled_time, s.created_at) - interval '1 day', '-infinity')
               AS points_from,
           GREATEST(COALESCE(s.end_time, now()), COALESCE(s.start_time, s.scheduled_time, s.created_at))
               + interval '1 day' AS points_until,
           NOT EXISTS (SELECT 1 FROM interview_sentimentsession x
                       WHERE x.interview_session_id = s.id AND x.employer_visible IS NOT TRUE) AS sentiment_shown
    FROM interview_interviewsession s
    WHERE s.status = 'completed' AND s.is_practice IS NOT TRUE
      AND s.job_id IS NOT NULL AND s.user_id IS NOT NULL
      AND (CAST(:job_ids AS integer[]) IS NULL OR s.job_id = ANY(CAST(:job_ids AS integer[])))
      AND (CAST(:pair_candidates AS integer[]) IS NULL
           OR (s.user_id = ANY(CAST(:pair_candidates AS integer[]))
               AND (s.job_id, s.user_id) IN (SELECT pj, pc FROM unnest(CAST(:pair_jobs AS integer[]),
                                                                      CAST(:pair_candidates AS integer[])) AS p(pj, pc))))
),
per_candidate AS (
    SELECT job_id, candidate_id, count(*) AS sessions,
           CAST(avg(technical_accuracy) AS double precision) AS technical_accuracy, max(held_at) AS last_interview
    FROM held GROUP BY job_id, candidate_id
),
assessed AS (
    SELECT h.job_id, h.candidate_id, count(*) AS interview_assessments,
           -- technical: the types an admin marked so (migration 0012), whatever their names
           CAST(avg(a.score) FILTER (WHERE t.assessment_type_id IS NOT NULL) AS double precision)
               AS technical_assessments
    FROM held h
    JOIN interview_interviewassessment a ON a.interview_session_id = h.id
    LEFT JOIN rankings_technicalassessmenttype t ON t.assessment_type_id = a.assessment_type_id
    GROUP BY h.job_id, h.candidate_id
),
skilled AS (
    SELECT h.job_id, h.candidate_id, count(*) AS skill_assessments,
           CAST(avg(k.accumulated_score) AS double precision) AS skills
    FROM held h JOIN interview_skillassessment k ON k.interview_session_id = h.id
    GROUP BY h.job_id, h.candidate_id
),
fit AS (
    SELECT h.job_id, h.candidate_id, CAST(avg(c.score) AS double precision) AS cultural_fit
    FROM held h JOIN interview_culturalfit c ON c.interview_session_id = h.id
    GROUP BY h.job_id, h.candidate_id
),
tone AS (
    SELECT h.job_id, h.candidate_id, CAST(avg(ss.positive_score) AS double precision) AS positive,
           CAST(avg(ss.neutral_score) AS double precision) AS neutral,
           CAST(avg(ss.mixed_score) AS double precision) AS mixed,
           CAST(avg(ss.confidence_level) AS double precision) AS session_confidence
    FROM held h JOIN interview_sentimentsession ss ON ss.interview_session_id = h.id
    WHERE h.sentiment_shown
    GROUP BY h.job_id, h.candidate_id
),
points AS (
    SELECT h.job_id, h.candidate_id, count(*) AS points,
           CAST(avg(p.confidence) AS double precision) AS point_confidence,
           CAST(avg(f.value_alignment_score) AS double precision) AS value_alignment,
           CAST(avg(f.confidence_score) AS double precision) AS confidence,
           CAST(avg(f.enthusiasm_score) AS double precision) AS enthusiasm,
           CAST(avg(f.authenticity_score) AS double precision) AS authenticity
    FROM held h
    JOIN interview_sentimenthistory p ON p.interview_session_id = h.id
         AND p.timestamp >= h.points_from AND p.timestamp <= h.points_until
    LEFT JOIN interview_sentimentcontextfactors f
           ON f.sentiment_history_id = p.id AND f.sentiment_history_timestamp = p.timestamp
    WHERE h.sentiment_shown
    GROUP BY h.job_id, h.candidate_id
),
components AS (
    SELECT pc.job_id, pc.candidate_id, pc.sessions, pc.last_interview, pc.technical_accuracy,
           a.technical_assessments, s.skills, fit.cultural_fit,
           tone.positive, tone.neutral, tone.mixed,
           points.value_alignment, points.confidence, points.enthusiasm, points.authenticity,
           COALESCE(points.points, 0) AS points,
           COALESCE(a.interview_assessments, 0) + COALESCE(s.skill_assessments, 0) AS assessments,
           COALESCE(points.point_confidence, tone.session_confidence) AS sentiment_confidence
    FROM per_candidate pc
    LEFT JOIN assessed a ON (a.job_id, a.candidate_id) = (pc.job_id, pc.candidate_id)
    LEFT JOIN skilled s ON (s.job_id, s.candidate_id) = (pc.job_id, pc.candidate_id)
    LEFT JOIN fit ON (fit.job_id, fit.candidate_id) = (pc.job_id, pc.candidate_id)
    LEFT JOIN tone ON (tone.job_id, tone.candidate_id) = (pc.job_id, pc.candidate_id)
    LEFT JOIN points ON (points.job_id, points.candidate_id) = (pc.job_id, pc.candidate_id)
)
"""


def components(
    session: Session,
    job_ids: Sequence[int] | None = None,
    pairs: Sequence[tuple[int, int]] | None = None,
):
    """Rows of `components` (mappings, streamed), for every job, some jobs, or some (job, candidate) pairs."""
    statement = text(COMPONENTS + "SELECT * FROM components ORDER BY job_id, candidate_id")
    params = {
        "job_ids": None if job_ids is None else list(job_ids),
        "pair_jobs": None if pairs is None else [job for job, _ in pairs],
        "pair_candidates": None if pairs is None else [candidate for _, candidate in pairs],
    }
    return session.execute(statement, params, execution_options={"yield_per": 2000}).mappings()


JOB_WEIGHTS = """
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
WHERE CAST(:job_ids AS integer[]) IS NULL OR j.id = ANY(CAST(:job_ids AS integer[]))
"""


def weights_of_jobs(session: Session, job_ids: Sequence[int] | None) -> dict[int, w.JobWeights]:
    """Each job's effective weights and sentiment split (every job when `job_ids` is None); one statement."""
    rows = session.execute(text(JOB_WEIGHTS), {"job_ids": None if job_ids is None else list(job_ids)}).mappings()
    return {row["job_id"]: job_weights(row) for row in rows}


def weights_and_freshness(session: Session, job_id: int) -> tuple[w.JobWeights, bool]:
    """The job's weights, and whether anything of its ranking is marked stale; one statement."""
    row = session.execute(
        text(
            f"""SELECT weights.*,
                       EXISTS (SELECT 1 FROM rankings_stalejob WHERE job_id = :job_id)
                       OR EXISTS (SELECT 1 FROM rankings_stalecandidate WHERE job_id = :job_id) AS stale
                FROM ({JOB_WEIGHTS}) AS weights"""
        ),
        {"job_ids": [job_id], "job_id": job_id},
    ).mappings().one()
    return job_weights(row), row["stale"]


def job_weights(row) -> w.JobWeights:
    """What `weights_for_job` would answer, rebuilt from a JOB_WEIGHTS row.

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


# --- the rankings page: rankings_component ------------------------------------------------

PER_PAGE = 25

# sort key -> SQL expression over `c` (the scored rows); the default (rank) is the overall score.
SORT_COLUMNS = {
    "rank": "c.overall_score",
    "candidate": "c.sort_name",
    "overall": "c.overall_score",
    "technical": "c.technical_score",
    "skills": "c.skills",
    "cultural_fit": "c.cultural_fit_score",
    "communication": "c.communication_score",
    "confidence": "c.ai_confidence",
    "last_interview": "c.last_interview",
}
# Scores read best first; names read A to Z. "-key" reverses a column's natural order.
DESCENDING_FIRST = {"rank", "overall", "technical", "skills", "cultural_fit", "communication", "confidence", "last_interview"}

# Columns that may be NULL sort last; the others need no NULLS clause, so the default order
# (overall_score DESC, candidate_id) is exactly rankings_component_job_overall_idx's.
NULLABLE_SORTS = {"skills", "last_interview"}

# What a listing row shows, from `c` (a page of rankings_component rows, or of the what-if's
# re-scored ones) and `u` (the names, read for the rows of the page only).
SHOWN = """c.place, c.candidate_id, c.overall_score, c.technical_score, c.cultural_fit_score,
           c.communication_score, c.ai_confidence, c.skills, c.last_interview, c.sessions,
           -- a factor without evidence is stored as 0 (NOT NULL columns); the page shows "—"
           c.factor_technical IS NULL AS technical_missing, c.factor_cultural_fit IS NULL AS cultural_fit_missing,
           c.factor_sentiment IS NULL AS sentiment_missing,
           u.first_name, u.last_name, u.email"""


# People's pins and exclusions leave the ranked list (pins are listed above it, see `overrides`):
# an anti-join on rankings_override's primary key, row by row along the ranking's own index.
NOT_OVERRIDDEN = """NOT EXISTS (SELECT 1 FROM rankings_override o
                               WHERE o.job_id = :job_id AND o.candidate_id = {t}.candidate_id)"""


@dataclass(frozen=True)
class Listing(ListPage):
    total: int  # ranked candidates for the job left to the AI's order (not pinned or excluded by people);
    # `matching` counts those at or above the minimum score


def _order(sort_key: str, reverse: bool, table: str = "c") -> str:
    """ORDER BY from SORT_COLUMNS only (a whitelist), never from the request."""
    descending = (sort_key in DESCENDING_FIRST) != reverse
    nulls = " NULLS LAST" if sort_key in NULLABLE_SORTS else ""
    column = SORT_COLUMNS[sort_key].replace("c.", f"{table}.")
    tiebreak = "" if sort_key in ("rank", "overall") and descending else f", {table}.overall_score DESC"
    return f"{column} {'DESC' if descending else 'ASC'}{nulls}{tiebreak}, {table}.candidate_id"


def _page_args(page: int, per_page: int | None) -> dict:
    # per_page None (the CSV export): LIMIT NULL is no limit in PostgreSQL
    return {"limit": per_page, "offset": (page - 1) * (per_page or 0)}


def listing(
    session: Session, job_id: int, *, sort_key: str, reverse: bool, minimum: float, page: int, per_page: int | None = PER_PAGE
) -> Listing:
    """One page of a job's saved ranking with its counts: one indexed statement, whatever the number of candidates.

    `place` is the rank by overall score among all the job's ranked candidates,
    whatever the filter and sort (stored by the recompute).
    """
    result = session.execute(
        text(
            f"""WITH counts AS (
                    SELECT count(*) AS total, count(*) FILTER (WHERE overall_score >= :minimum) AS matching
                    FROM rankings_component r WHERE r.job_id = :job_id AND {NOT_OVERRIDDEN.format(t="r")}
                )
                SELECT counts.total, counts.matching, page.* FROM counts LEFT JOIN (
                    SELECT {SHOWN}, c.sort_name
                    FROM (SELECT * FROM rankings_component p
                          WHERE p.job_id = :job_id AND p.overall_score >= :minimum AND {NOT_OVERRIDDEN.format(t="p")}
                          ORDER BY {_order(sort_key, reverse, "p")}
                          LIMIT CAST(:limit AS integer) OFFSET :offset) c
                    JOIN users_user u ON u.id = c.candidate_id
                ) page ON true
                ORDER BY {_order(sort_key, reverse, "page")}"""
        ),
        {"job_id": job_id, "minimum": minimum, **_page_args(page, per_page)},
    ).all()
    total, matching = result[0].total, result[0].matching
    rows = [row for row in result if row.candidate_id is not None]
    clamped, pages = clamp_page(page, matching, per_page)
    if clamped != page and not rows:  # past the last page: show the last one
        return listing(session, job_id, sort_key=sort_key, reverse=reverse, minimum=minimum, page=clamped,
                       per_page=per_page)
    return Listing(rows, matching, page, pages, per_page, total=total)


# The what-if overall of a row `m` of rankings_component with its presence pattern `m.mask`:
# formulas.overall then formulas.cents, with the pattern's shares from
# formulas.presence_shares (:shares, :averaged, :counts). `cents` rounds the float's
# shortest decimal text half-up: float8out prints that same text, round() rounds half-up.
MASK = " + ".join(f"{1 << i} * (c.factor_{k} IS NOT NULL)::int" for i, k in enumerate(f.FACTORS))
_SHARED = " + ".join(
    f"COALESCE((CAST(:shares AS double precision[]))[m.mask * {len(f.FACTORS)} + {i + 1}] * m.factor_{k}, 0)"
    for i, k in enumerate(f.FACTORS)
)
_MEAN = " + ".join(f"COALESCE(m.factor_{k}, 0)" for k in f.FACTORS)
OVERALL = f"""round(CAST(CAST(LEAST(100, GREATEST(0, CASE
        WHEN m.mask = 0 THEN 0
        WHEN m.mask = ANY(CAST(:averaged AS integer[]))
            THEN (0 + {_MEAN}) / (CAST(:counts AS integer[]))[m.mask + 1]
        ELSE 0 + {_SHARED}
    END)) AS text) AS numeric), 2)"""


def whatif_params(weights: Mapping[str, float]) -> dict:
    """The query parameters OVERALL needs for these factor weights."""
    shares = f.presence_shares(weights)
    return {"shares": list(shares.shares), "averaged": list(shares.averaged), "counts": list(shares.counts)}


def whatif_listing(
    session: Session, job_id: int, weights: Mapping[str, float], *, sort_key: str, reverse: bool, minimum: float,
    page: int, per_page: int | None = PER_PAGE,
) -> Listing:
    """One page of the job's ranking re-weighted with `weights` (not saved): one statement, nothing written.

    Every candidate of the job is re-scored from the stored factor scores (the other
    scores do not depend on the factor weights); `place` is the new rank, `saved_place`
    the stored one and `movement` saved - new (positive: moved up). In the default
    order only the top rows are sorted and ranked: rank() over them is their place.
    """
    top_first = sort_key in ("rank", "overall") and not reverse
    # the other orders sort every row by one of these (the default needs none of them)
    sort_columns = "" if top_first else """
                       m.technical_score, m.cultural_fit_score, m.communication_score, m.ai_confidence, m.skills,
                       m.last_interview, m.sort_name,"""
    if top_first:
        ranked = """SELECT t.*, rank() OVER (ORDER BY t.overall_score DESC) AS place
                    FROM (SELECT * FROM rescored ORDER BY overall_score DESC, candidate_id
                          -- the overridden ones are dropped after ranking: read as many more
                          LIMIT CAST(:limit AS integer) + :offset
                                + (SELECT count(*) FROM rankings_override o WHERE o.job_id = :job_id)) t"""
    else:
        ranked = "SELECT r.*, rank() OVER (ORDER BY r.overall_score DESC) AS place FROM rescored r"
    statement = text(
        f"""WITH rescored AS MATERIALIZED (
                SELECT m.candidate_id, m.place AS saved_place, m.overall_score AS saved_overall,{sort_columns}
                       {OVERALL} AS overall_score
                FROM (SELECT c.*, {MASK} AS mask FROM rankings_component c WHERE c.job_id = :job_id) m
            ),
            counts AS (
                SELECT count(*) AS total, count(*) FILTER (WHERE overall_score >= :minimum) AS matching
                FROM rescored r WHERE {NOT_OVERRIDDEN.format(t="r")}
            ),
            ranked AS ({ranked}),
            shown AS (
                SELECT p.candidate_id, p.overall_score, p.place, p.saved_place, p.saved_overall FROM ranked p
                WHERE p.overall_score >= :minimum AND {NOT_OVERRIDDEN.format(t="p")}
                ORDER BY {_order(sort_key, reverse, "p")}
                LIMIT CAST(:limit AS integer) OFFSET :offset
            )
            SELECT counts.total, counts.matching, page.* FROM counts LEFT JOIN (
                SELECT s.place, c.candidate_id, s.overall_score, c.technical_score, c.cultural_fit_score,
                       c.communication_score, c.ai_confidence, c.skills, c.last_interview, c.sessions,
                       c.factor_technical IS NULL AS technical_missing,
                       c.factor_cultural_fit IS NULL AS cultural_fit_missing,
                       c.factor_sentiment IS NULL AS sentiment_missing,
                       u.first_name, u.last_name, u.email,
                       s.saved_place, s.saved_overall, s.saved_place - s.place AS movement, c.sort_name
                FROM shown s
                JOIN rankings_component c ON c.job_id = :job_id AND c.candidate_id = s.candidate_id
                JOIN users_user u ON u.id = s.candidate_id
            ) page ON true
            ORDER BY {_order(sort_key, reverse, "page")}"""
    )
    result = session.execute(
        statement,
        {"job_id": job_id, "minimum": minimum, **whatif_params(weights), **_page_args(page, per_page)},
    ).all()
    total, matching = result[0].total, result[0].matching
    rows = [row for row in result if row.candidate_id is not None]
    clamped, pages = clamp_page(page, matching, per_page)
    if clamped != page and not rows:  # past the last page: show the last one, as the saved listing does
        return whatif_listing(session, job_id, weights, sort_key=sort_key, reverse=reverse, minimum=minimum,
                              page=clamped, per_page=per_page)
    return Listing(rows, matching, page, pages, per_page, total=total)


# --- people's overrides -----------------------------------------------------------------------

# The overrides a page lists at most (pins above the ranking, exclusions in their section); each
# kind's full count comes with the rows.
OVERRIDES_SHOWN = 200


def overrides(session: Session, job_id: int, limit: int = OVERRIDES_SHOWN) -> list:
    """The job's pins (by AI rank) then exclusions (newest first), with the AI's stored numbers,
    who made each and the number of each kind: one statement along rankings_override's key."""
    return session.execute(
        text(
            f"""SELECT o.kind, o.reason, o.created_at, o.created_by_id,
                       b.first_name AS by_first_name, b.last_name AS by_last_name, b.email AS by_email,
                       count(*) OVER (PARTITION BY o.kind) AS of_kind, {SHOWN}
                FROM rankings_override o
                JOIN rankings_component c ON c.job_id = o.job_id AND c.candidate_id = o.candidate_id
                JOIN users_user u ON u.id = o.candidate_id
                LEFT JOIN users_user b ON b.id = o.created_by_id
                WHERE o.job_id = :job_id
                ORDER BY o.kind = 'pin' DESC,
                         CASE WHEN o.kind = 'pin' THEN c.place END, o.created_at DESC, o.candidate_id
                LIMIT :limit"""
        ),
        {"job_id": job_id, "limit": limit},
    ).all()


def override_of(session: Session, job_id: int, candidate_id: int, *, for_update: bool = False):
    """The candidate's override on the job, or None."""
    statement = select(RankingOverride).where(
        RankingOverride.job_id == job_id, RankingOverride.candidate_id == candidate_id
    )
    return session.scalar(statement.with_for_update() if for_update else statement)


def human_scores(session: Session, job_id: int, candidate_ids: Sequence[int]) -> dict:
    """candidate id -> (human score 0-100, submitted scorecards), one statement for all the ids."""
    if not candidate_ids:
        return {}
    rows = session.execute(select_human_scores(job_id, sorted(set(candidate_ids)))).all()
    return {row.candidate_id: row for row in rows}


def ranking_of(session: Session, job_id: int, candidate_id: int):
    """The stored ranking row (components, scores, place) with the candidate's name, or None."""
    return session.execute(
        text(
            """SELECT c.*, u.first_name, u.last_name, u.email
               FROM rankings_component c JOIN users_user u ON u.id = c.candidate_id
               WHERE c.job_id = :job_id AND c.candidate_id = :candidate_id"""
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


# --- compare ---------------------------------------------------------------------------------


def ranked_with_components(session: Session, job_id: int, candidate_ids: list[int]) -> list:
    """The stored rows of these candidates for the job (components, scores, place) with their names."""
    return list(
        session.execute(
            text(
                """SELECT c.*, c.place AS saved_place, c.overall_score AS saved_overall,
                          c.ai_confidence AS saved_confidence, c.technical_score AS saved_technical,
                          c.cultural_fit_score AS saved_cultural_fit, c.communication_score AS saved_communication,
                          u.first_name, u.last_name, u.email
                   FROM rankings_component c JOIN users_user u ON u.id = c.candidate_id
                   WHERE c.job_id = :job_id AND c.candidate_id = ANY(CAST(:ids AS integer[]))
                   ORDER BY c.overall_score DESC, c.candidate_id"""
            ),
            {"job_id": job_id, "ids": candidate_ids},
        ).mappings()
    )


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
                   SELECT s.id, s.user_id, s.knowledge_gaps, s.enable_behavioral_analysis,
                          COALESCE(s.completion_time, s.end_time, s.start_time) AS held_at,
                          NOT EXISTS (SELECT 1 FROM interview_sentimentsession x WHERE x.interview_session_id = s.id
                                      AND x.employer_visible IS NOT TRUE) AS sentiment_shown
                   FROM interview_interviewsession s
                   WHERE s.job_id = :job_id AND s.user_id = ANY(CAST(:ids AS integer[]))
                     AND s.status = 'completed' AND s.is_practice IS NOT TRUE
               ),
               behavior AS (
                   SELECT DISTINCT ON (h.user_id) h.user_id, b.confidence_score, b.fear_score, b.sincerity_score,
                          b.nervousness_score, b.excitement_score, b.curiosity_score, b.adaptability_score
                   FROM held h JOIN interview_behavioralanalysis b ON b.interview_session_id = h.id
                   -- traits are shown only where the interview had behavioral analysis on (as its page does)
                   WHERE h.enable_behavioral_analysis IS TRUE
                   ORDER BY h.user_id, b.created_at DESC NULLS LAST, b.id DESC
               ),
               feeling AS (
                   SELECT h.user_id, count(*) AS sentiment_sessions, avg(ss.positive_score) AS positive,
                          avg(ss.negative_score) AS negative, avg(ss.neutral_score) AS neutral, avg(ss.mixed_score) AS mixed,
                          mode() WITHIN GROUP (ORDER BY ss.overall_sentiment) AS usual_sentiment
                   FROM held h JOIN interview_sentimentsession ss ON ss.interview_session_id = h.id
                   WHERE h.sentiment_shown
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
