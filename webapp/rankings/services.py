"""Writes for rankings: `recompute` turns the components query into stored rankings.

The components query (rankings.queries.COMPONENTS) is read once for the scope
(every job, some jobs, or some (job, candidate) pairs) and streamed; the
formulas run in Python on those rows (webapp/rankings/formulas.py), and each
batch of rows is written with one INSERT ... SELECT FROM unnest(arrays) into
`rankings_component` and, in the same statement, `interview_candidateranking`
(the documented table); the what-if re-weighting applies the same formula in SQL
(rankings.queries.OVERALL), to the cent. Then one DELETE drops the rankings of candidates with no
completed interview left, and one UPDATE refreshes the places of the jobs
touched. No query per candidate. Never commits.

Freshness: triggers (migrations 0003 and 0009) mark the (job, candidate) whose
results changed in rankings_stalecandidate, and a whole job in rankings_stalejob
when its weights change; `recompute_stale` claims those marks and recomputes
just that: a new result costs one candidate's recompute, not the job's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import func, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.models import RankingOverride
from webapp.models.rankings import EVIDENCE
from webapp.rankings import formulas as f
from webapp.rankings import queries
from webapp.scorecards.queries import disagrees
from webapp.scoring import weights as w
from webapp.weights import services as weights_services

BATCH = 2000  # rows written per statement
# Memory for the every-job recompute's hash aggregates, which otherwise spill to disk at
# platform size (about twice as fast at 100k sessions); for this transaction only.
BULK_WORK_MEM = "256MB"

_COLUMNS = (
    ("job_id", "integer"), ("candidate_id", "integer"), ("sessions", "integer"), ("points", "integer"),
    ("assessments", "integer"), ("last_interview", "timestamptz"),
    *((name, "double precision") for name in EVIDENCE),
    *((f"factor_{name}", "double precision") for name in f.FACTORS),
    ("overall_score", "numeric"), ("technical_score", "numeric"), ("cultural_fit_score", "numeric"), ("communication_score", "numeric"),
    ("ai_confidence", "numeric"),
)
_STORED = [name for name, _ in _COLUMNS]
_SCORES = ("overall_score", "technical_score", "cultural_fit_score", "communication_score", "ai_confidence")

WRITE = text(
    f"""
    WITH v AS (
        SELECT * FROM unnest({", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in _COLUMNS)})
             AS v({", ".join(name for name, _ in _COLUMNS)})
    ),
    written AS (
        INSERT INTO rankings_component AS c ({", ".join(_STORED)}, sort_name, computed_at)
        SELECT {", ".join(f"v.{name}" for name in _STORED)},
               lower(concat_ws(' ', u.first_name, u.last_name, u.email)), now()
        FROM v JOIN users_user u ON u.id = v.candidate_id
        ON CONFLICT (job_id, candidate_id) DO UPDATE SET
            {", ".join(f"{name} = EXCLUDED.{name}" for name in _STORED[2:])},
            sort_name = EXCLUDED.sort_name, computed_at = now()
        RETURNING job_id, candidate_id, {", ".join(_SCORES)}
    )
    INSERT INTO interview_candidateranking (job_id, candidate_id, {", ".join(_SCORES)}, ranking_date)
    SELECT job_id, candidate_id, {", ".join(_SCORES)}, now() FROM written
    ON CONFLICT (job_id, candidate_id) DO UPDATE SET
        {", ".join(f"{name} = EXCLUDED.{name}" for name in _SCORES)}, ranking_date = now()
    """
)

# Rows in the scope whose candidate has no completed interview for the job any more.
_IN_SCOPE = """(CAST(:all_jobs AS boolean) OR {t}.job_id = ANY(CAST(:job_ids AS integer[]))
               OR ({t}.job_id, {t}.candidate_id) IN (SELECT * FROM unnest(CAST(:pair_jobs AS integer[]),
                                                                          CAST(:pair_candidates AS integer[]))))
          AND ({t}.job_id, {t}.candidate_id) NOT IN (SELECT * FROM unnest(CAST(:kept_jobs AS integer[]),
                                                                         CAST(:kept_candidates AS integer[])))"""
REMOVE = text(
    f"""
    WITH gone AS (DELETE FROM rankings_component c WHERE {_IN_SCOPE.format(t="c")} RETURNING 1)
    DELETE FROM interview_candidateranking r WHERE {_IN_SCOPE.format(t="r")}
    """
)

PLACES = text(
    """
    UPDATE rankings_component c SET place = r.place
    FROM (SELECT job_id, candidate_id, rank() OVER (PARTITION BY job_id ORDER BY overall_score DESC) AS place
          FROM rankings_component
          WHERE CAST(:all_jobs AS boolean) OR job_id = ANY(CAST(:job_ids AS integer[]))) r
    WHERE c.job_id = r.job_id AND c.candidate_id = r.candidate_id AND c.place IS DISTINCT FROM r.place
    """
)

# Two recomputes of one job at once would rewrite its places in different row orders and
# deadlock: a job's recompute waits for any other of the same job (advisory locks, in job
# order), and the every-job recompute for all of them (and they for it).
LOCK_NAMESPACE = 0x52414E4B  # "RANK"
LOCK_ALL = text("SELECT pg_advisory_xact_lock(:ns, 0)")
LOCK_JOBS = text(
    """SELECT pg_advisory_xact_lock_shared(:ns, 0),
              (SELECT count(pg_advisory_xact_lock(:ns, job_id))
               FROM (SELECT unnest(CAST(:job_ids AS integer[])) AS job_id ORDER BY 1) AS jobs)"""
)

# Claiming before reading matters: results committed after the claim mark again
# (the trigger's INSERT waits for this transaction), so no change is lost.
CLAIM = text(
    """
    WITH jobs AS (
        DELETE FROM rankings_stalejob
        WHERE CAST(:all_jobs AS boolean) OR job_id = ANY(CAST(:job_ids AS integer[])) RETURNING job_id
    ),
    pairs AS (
        DELETE FROM rankings_stalecandidate
        WHERE CAST(:all_jobs AS boolean) OR job_id = ANY(CAST(:job_ids AS integer[])) RETURNING job_id, candidate_id
    )
    SELECT job_id, CAST(NULL AS integer) AS candidate_id FROM jobs
    UNION ALL SELECT job_id, candidate_id FROM pairs
    """
)


@dataclass(frozen=True)
class Recomputed:
    ranked: int  # rows written (inserted or updated)
    removed: int  # rows of candidates with no completed interview left

    def __str__(self) -> str:
        return f"{self.ranked} ranking(s) written, {self.removed} removed"


@dataclass(frozen=True)
class Scope:
    """What to recompute: every job, some whole jobs, and/or some (job, candidate) pairs."""

    all_jobs: bool = False
    job_ids: tuple[int, ...] = ()
    pairs: tuple[tuple[int, int], ...] = ()

    def params(self) -> dict:
        return {"all_jobs": self.all_jobs, "job_ids": list(self.job_ids),
                "pair_jobs": [j for j, _ in self.pairs], "pair_candidates": [c for _, c in self.pairs]}


def score_row(row, weights: w.JobWeights) -> f.Scores:
    """The scores of one components row with its job's effective weights and sentiment split."""
    return f.score(row, weights.effective.as_dict(), weights.sentiment.as_dict())


def recompute(session: Session, job_id: int | None = None) -> Recomputed:
    """Recompute the rankings of one job (or every job), set-based; the caller commits."""
    return recompute_jobs(session, None if job_id is None else [job_id])


def recompute_jobs(session: Session, job_ids: Sequence[int] | None) -> Recomputed:
    """Recompute the rankings of `job_ids` (None: every job) and clear their freshness marks."""
    scope = Scope(all_jobs=True) if job_ids is None else Scope(job_ids=tuple(job_ids))
    session.execute(CLAIM, scope.params())
    return _recompute(session, scope)


def recompute_stale(session: Session, job_id: int | None = None) -> Recomputed | None:
    """Recompute what is marked stale (of `job_id` only, if given); None when nothing was.

    One statement when nothing is marked: the rankings pages call it on every view.
    """
    claim = Scope(all_jobs=job_id is None, job_ids=() if job_id is None else (job_id,))
    marks = session.execute(CLAIM, claim.params()).all()
    if not marks:
        return None
    whole = {mark.job_id for mark in marks if mark.candidate_id is None}
    pairs = {(mark.job_id, mark.candidate_id) for mark in marks if mark.candidate_id is not None and mark.job_id not in whole}
    return _recompute(session, Scope(job_ids=tuple(sorted(whole)), pairs=tuple(sorted(pairs))))


def _recompute(session: Session, scope: Scope) -> Recomputed:
    """The recomputation itself, marks already claimed.

    A component with no evidence is stored as 0 (the columns are NOT NULL) but
    carries no weight in the overall score, and lowers ai_confidence.
    """
    jobs = None if scope.all_jobs else sorted(set(scope.job_ids) | {job for job, _ in scope.pairs})
    if scope.all_jobs:
        session.execute(LOCK_ALL, {"ns": LOCK_NAMESPACE})
        session.execute(text(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'"))
    else:
        session.execute(LOCK_JOBS, {"ns": LOCK_NAMESPACE, "job_ids": jobs})
    weights_of = queries.weights_of_jobs(session, jobs)
    kept: list[tuple[int, int]] = []
    batch: list = []
    for row in _component_rows(session, scope):
        batch.append((row, score_row(row, weights_of[row["job_id"]])))
        kept.append((row["job_id"], row["candidate_id"]))
        if len(batch) >= BATCH:
            _write(session, batch)
            batch = []
    if batch:
        _write(session, batch)
    params = {**scope.params(), "kept_jobs": [j for j, _ in kept], "kept_candidates": [c for _, c in kept]}
    removed = session.execute(REMOVE, params).rowcount
    touched = sorted({job for job, _ in scope.pairs} | set(scope.job_ids))
    session.execute(PLACES, {"all_jobs": scope.all_jobs, "job_ids": touched})
    return Recomputed(ranked=len(kept), removed=removed)


def _component_rows(session: Session, scope: Scope) -> Iterable:
    """The components rows of the scope, streamed; each query runs once the previous one is read."""
    if scope.all_jobs:
        yield from queries.components(session)
        return
    if scope.job_ids:
        yield from queries.components(session, scope.job_ids)
    if scope.pairs:
        yield from queries.components(session, pairs=scope.pairs)


def _write(session: Session, batch: list) -> None:
    """One statement: the batch's rankings_component rows and their interview_candidateranking rows."""
    values: dict[str, list] = {name: [] for name, _ in _COLUMNS}
    for row, scores in batch:
        for name in ("job_id", "candidate_id", "sessions", "points", "assessments", "last_interview", *EVIDENCE):
            value = row[name]
            values[name].append(float(value) if isinstance(value, Decimal) else value)
        for name in f.FACTORS:
            values[f"factor_{name}"].append(getattr(scores, name))
        values["overall_score"].append(f.cents(scores.overall))
        values["technical_score"].append(f.cents(scores.technical or 0))
        values["cultural_fit_score"].append(f.cents(scores.cultural_fit or 0))
        values["communication_score"].append(f.cents(scores.sentiment or 0))
        values["ai_confidence"].append(f.cents(scores.ai_confidence))
    session.execute(WRITE, values)


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
    skills: dict[int, list] = {}
    for item in queries.compared_skills(session, job.id, candidate_ids):
        skills.setdefault(item.candidate_id, []).append((item.skill, float(item.score or 0)))
    profiles = {p["candidate_id"]: p for p in queries.compared_profiles(session, job.id, candidate_ids)}
    humans = queries.human_scores(session, job.id, candidate_ids)
    result = []
    for candidate_id in candidate_ids:
        row, profile = rows[candidate_id], profiles.get(candidate_id, {})
        own_skills = skills.get(candidate_id, [])
        ranked_skills = sorted(own_skills, key=lambda pair: (-pair[1], pair[0]))
        result.append(SimpleNamespace(
            candidate_id=candidate_id, first_name=row["first_name"], last_name=row["last_name"], email=row["email"],
            place=row["saved_place"], overall=row["saved_overall"], confidence=row["saved_confidence"],
            # the stored scores, as the ranking table shows them; "—" where there is no evidence
            components={
                "technical": None if row["factor_technical"] is None else row["saved_technical"],
                "skills": row["skills"],
                "cultural_fit": None if row["factor_cultural_fit"] is None else row["saved_cultural_fit"],
                "sentiment": None if row["factor_sentiment"] is None else row["saved_communication"],
            },
            skills=dict(own_skills),
            traits={t: profile.get(f"{t}_score") for t in TRAITS} if profile.get("has_behavior") else None,
            sentiment=profile if profile.get("sentiment_sessions") else None,
            strengths=[name for name, _ in ranked_skills[:_top(len(ranked_skills))]],
            weakest=[name for name, _ in ranked_skills[_top(len(ranked_skills)):][::-1][:3]],
            gaps=_gap_names(profile.get("knowledge_gaps") or []),
            human=humans.get(candidate_id),  # (human_score, scorecards) or None: no submitted scorecard
            disagrees=disagrees(row["saved_overall"], getattr(humans.get(candidate_id), "human_score", None)),
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


# --- people's overrides ----------------------------------------------------------------------

OVERRIDE_WORDS = {"pin": "pinned to the top", "exclude": "excluded from the ranking"}


def set_override(
    session: Session, job, candidate_id: int, kind: str, reason: str, *, actor, candidate_name: str = ""
) -> None:
    """Pin or exclude a ranked candidate with a reason (replacing their earlier override); audit-logged.

    Only rankings_override is written: the AI's scores, components and places stay as computed.
    The caller commits.
    """
    earlier = queries.override_of(session, job.id, candidate_id, for_update=True)
    before = None if earlier is None else {"kind": earlier.kind, "reason": earlier.reason}
    # an upsert: two people overriding the same candidate at once never collide on the key (the last one wins)
    values = {"job_id": job.id, "candidate_id": candidate_id, "kind": kind, "reason": reason,
              "created_by_id": actor.id}
    statement = insert(RankingOverride).values(**values).on_conflict_do_update(
        index_elements=[RankingOverride.job_id, RankingOverride.candidate_id],
        set_={"kind": kind, "reason": reason, "created_by_id": actor.id, "created_at": func.now()},
    )
    session.execute(statement)
    if earlier is not None:
        session.expire(earlier)  # the row was rewritten under it
    audit.record(session, f"ranking.{'pinned' if kind == 'pin' else 'excluded'}", actor=actor, target=job,
                 details={"job": job.title, "candidate_id": candidate_id, "candidate": candidate_name, "reason": reason,
                          "replaced": before})


def remove_override(
    session: Session, job, candidate_id: int, *, actor, candidate_name: str = ""
) -> RankingOverride | None:
    """Give the candidate back to the AI's order; None when there was no override. Audit-logged; the caller commits."""
    override = queries.override_of(session, job.id, candidate_id, for_update=True)
    if override is None:
        return None
    session.delete(override)
    session.flush()
    audit.record(session, "ranking.override_removed", actor=actor, target=job,
                 details={"job": job.title, "candidate_id": candidate_id, "candidate": candidate_name,
                          "kind": override.kind,
                          "reason": override.reason})
    return override
