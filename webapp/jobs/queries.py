"""Reads for the jobs area. Every function is scoped to one company (the caller passes its id); the list
also takes the member's narrower scope (webapp.team.scope.visible_jobs), which replaces the company's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, or_, select, true, union
from sqlalchemy.orm import Session

from webapp.jobs.forms import JobListParams
from webapp.models import (
    INTERVIEW_STATUSES,
    BehavioralAnalysis,
    CandidateRanking,
    CompanyMember,
    CulturalFit,
    DynamicScoreWeight,
    InterviewAssessment,
    InterviewSession,
    Job,
    JobInterviewCount,
    JobTeamMember,
    LearningPath,
    SentimentHistory,
    SentimentSession,
    SkillAssessment,
    User,
)
from webapp.pagination import ListPage, clamp_page


def like_pattern(text: str) -> str:
    """An ILIKE pattern that matches `text` literally anywhere (escape char: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _real_interviews():
    # Practice sessions are the candidate's own; NULL is_practice counts as a real interview.
    return InterviewSession.is_practice.is_not(True)


def _interview_counts(job_id):
    """Per job (LATERAL): real interviews in total and per status, from the counters the database keeps
    (dashboard_jobinterviewcount, migration 0010: a row per status, practice left out as here).
    """
    per_status = [
        func.coalesce(func.sum(JobInterviewCount.interviews).filter(JobInterviewCount.status == status), 0)
        .label(status)
        for status in INTERVIEW_STATUSES
    ]
    return (
        select(func.coalesce(func.sum(JobInterviewCount.interviews), 0).label("interview_total"), *per_status)
        .where(JobInterviewCount.job_id == job_id)
        .lateral("interview_counts")
    )


def _top_ranking(job_id):
    """Per job (LATERAL): the best overall score; one index probe on idx_candidate_ranking_job_score."""
    return (
        select(CandidateRanking.overall_score.label("top_score"))
        .where(CandidateRanking.job_id == job_id)
        .order_by(CandidateRanking.overall_score.desc())
        .limit(1)
        .lateral("top_ranking")
    )


def _filters(company_id: int, params: JobListParams, scope: list | None = None) -> tuple[list, list]:
    """(the tenant conditions: `scope`, else the company's jobs; the user's filter conditions)."""
    conditions = []
    if params.q:
        conditions.append(Job.title.ilike(like_pattern(params.q), escape="\\"))
    if params.active == "active":
        conditions.append(Job.is_active.is_(True))
    elif params.active == "inactive":
        conditions.append(Job.is_active.is_not(True))
    if params.focus:
        conditions.append(Job.job_focus == params.focus)
    return (scope if scope is not None else [Job.company_id == company_id]), conditions


def select_job_counts(company_id: int, params: JobListParams, scope: list | None = None) -> Select:
    """One row: (matching, total) jobs in scope, so an empty page knows which empty state it is."""
    scope, conditions = _filters(company_id, params, scope)
    matching = func.count().filter(and_(true(), *conditions))
    return select(matching.label("matching"), func.count().label("total")).select_from(Job).where(*scope)


def select_job_rows(company_id: int, params: JobListParams, page: int, scope: list | None = None) -> Select:
    """One page of the list with every column the table shows: one statement whatever the page size.

    The page's jobs are chosen first; the interview counts and top score are then read for
    those jobs only (a sort by either still needs them for every job of the company).
    """
    scope, conditions = _filters(company_id, params, scope)
    counts, top = _interview_counts(Job.id), _top_ranking(Job.id)
    sort_columns = {
        "title": func.lower(Job.title),
        "focus": Job.job_focus,
        # Ascending reads like the labels, A to Z: active jobs before inactive ones.
        "status": case((Job.is_active.is_(True), 0), else_=1),
        "created_at": Job.created_at,
        "interviews": counts.c.interview_total,
        "top_score": top.c.top_score,
    }
    column = sort_columns[params.sort_key]
    order = (column.desc() if params.descending else column.asc()).nulls_last()
    tie_breaker = Job.id.desc() if params.descending else Job.id.asc()
    chosen = select(Job.id, func.row_number().over(order_by=(order, tie_breaker)).label("position"))
    if params.sort_key == "interviews":
        chosen = chosen.join(counts, true())
    elif params.sort_key == "top_score":
        chosen = chosen.outerjoin(top, true())
    shown = (
        chosen.where(*scope, *conditions)
        .order_by(order, tie_breaker)
        .offset((page - 1) * params.per_page)
        .limit(params.per_page)
        .subquery("shown")
    )
    counts, top = _interview_counts(shown.c.id), _top_ranking(shown.c.id)
    return (
        select(
            Job.id,
            Job.title,
            Job.job_focus,
            Job.is_active,
            Job.created_at,
            counts.c.interview_total,
            *(counts.c[status] for status in INTERVIEW_STATUSES),
            top.c.top_score,
        )
        .select_from(shown)
        .join(Job, Job.id == shown.c.id)
        .join(counts, true())
        .outerjoin(top, true())
        .order_by(shown.c.position)
    )


@dataclass(frozen=True)
class JobPage(ListPage):
    total: int  # all the jobs the member sees
    params: JobListParams


def job_page(session: Session, company_id: int, params: JobListParams, scope: list | None = None) -> JobPage:
    """The list page: exactly two statements (counts, then the rows); `scope`: the member's jobs."""
    matching, total = session.execute(select_job_counts(company_id, params, scope)).one()
    page, pages = clamp_page(params.page, matching, params.per_page)
    rows = session.execute(select_job_rows(company_id, params, page, scope)).all() if matching else []
    return JobPage(rows, matching, page, pages, params.per_page, total=total, params=params.with_(page=page))


def select_interviews_by_status(job_id: int) -> Select:
    return (
        select(InterviewSession.status, func.count().label("count"))
        .where(InterviewSession.job_id == job_id, _real_interviews())
        .group_by(InterviewSession.status)
    )


def select_top_candidates(job_id: int, limit: int = 5) -> Select:
    """The job's best-ranked candidates with their score breakdown."""
    return (
        select(
            CandidateRanking.id,
            CandidateRanking.overall_score,
            CandidateRanking.technical_score,
            CandidateRanking.cultural_fit_score,
            CandidateRanking.communication_score,
            CandidateRanking.ranking_date,
            CandidateRanking.candidate_id,
            User.first_name,
            User.last_name,
            User.username,
        )
        .join(User, User.id == CandidateRanking.candidate_id)
        .where(CandidateRanking.job_id == job_id)
        .order_by(CandidateRanking.overall_score.desc(), CandidateRanking.ranking_date.desc(), CandidateRanking.id)
        .limit(limit)
    )


def select_ranking_count(job_id: int) -> Select:
    return select(func.count()).select_from(CandidateRanking).where(CandidateRanking.job_id == job_id)


# What a job's deletion takes with it (ON DELETE CASCADE, directly or through its interviews),
# in the order the confirmation page lists them.
DEPENDENTS = (
    ("interviews", "interview", "interviews"),
    ("rankings", "candidate ranking", "candidate rankings"),
    ("sentiment_sessions", "sentiment analysis", "sentiment analyses"),
    ("sentiment_points", "sentiment data point", "sentiment data points"),
    ("skill_assessments", "skill assessment", "skill assessments"),
    ("assessments", "interview assessment", "interview assessments"),
    ("cultural_fits", "cultural-fit result", "cultural-fit results"),
    ("behavioral_analyses", "behavioral analysis", "behavioral analyses"),
    ("learning_paths", "learning path", "learning paths"),
    ("score_weights", "custom score-weight setting", "custom score-weight settings"),
)


def select_dependent_counts(job_id: int) -> Select:
    """One row counting every row that goes with the job (see DEPENDENTS)."""
    interview_ids = select(InterviewSession.id).where(InterviewSession.job_id == job_id)
    sentiment_ids = select(SentimentSession.id).where(SentimentSession.interview_session_id.in_(interview_ids))

    def count(model, *conditions):
        return select(func.count()).select_from(model).where(*conditions).scalar_subquery()

    return select(
        count(InterviewSession, InterviewSession.job_id == job_id).label("interviews"),
        count(CandidateRanking, CandidateRanking.job_id == job_id).label("rankings"),
        count(SentimentSession, SentimentSession.interview_session_id.in_(interview_ids)).label(
            "sentiment_sessions"
        ),
        count(
            SentimentHistory,
            or_(
                SentimentHistory.interview_session_id.in_(interview_ids),
                SentimentHistory.sentiment_session_id.in_(sentiment_ids),
            ),
        ).label("sentiment_points"),
        count(
            SkillAssessment,
            or_(
                SkillAssessment.interview_session_id.in_(interview_ids),
                SkillAssessment.sentiment_session_id.in_(sentiment_ids),
            ),
        ).label("skill_assessments"),
        count(InterviewAssessment, InterviewAssessment.interview_session_id.in_(interview_ids)).label("assessments"),
        count(CulturalFit, CulturalFit.interview_session_id.in_(interview_ids)).label("cultural_fits"),
        count(BehavioralAnalysis, BehavioralAnalysis.interview_session_id.in_(interview_ids)).label(
            "behavioral_analyses"
        ),
        count(LearningPath, LearningPath.interview_session_id.in_(interview_ids)).label("learning_paths"),
        count(DynamicScoreWeight, DynamicScoreWeight.job_id == job_id).label("score_weights"),
    )


def dependent_counts(session: Session, job_id: int) -> dict[str, int]:
    return dict(session.execute(select_dependent_counts(job_id)).one()._mapping)


def select_owned_count(company_id: int, job_ids: list[int]) -> Select:
    """How many of `job_ids` are the company's (foreign and missing ids count for nothing)."""
    return select(func.count()).select_from(Job).where(Job.company_id == company_id, Job.id.in_(job_ids))


def select_team_people(company_id: int, job_id: int) -> Select:
    """The job's hiring team and the company's other members, one row each: (id, names, email, member_role,
    team_role); team_role is NULL for a member not on the team, member_role NULL for a team member who
    has since left the company. Team first (hiring managers, then interviewers), then by name."""
    people = union(
        select(CompanyMember.user_id).where(CompanyMember.company_id == company_id),
        select(JobTeamMember.user_id).where(JobTeamMember.job_id == job_id),
    ).subquery("people")
    return (
        select(User.id, User.first_name, User.last_name, User.email, CompanyMember.role.label("member_role"),
               JobTeamMember.team_role)
        .select_from(people)
        .join(User, User.id == people.c.user_id)
        .outerjoin(CompanyMember, and_(CompanyMember.user_id == User.id, CompanyMember.company_id == company_id))
        .outerjoin(JobTeamMember, and_(JobTeamMember.user_id == User.id, JobTeamMember.job_id == job_id))
        .order_by(JobTeamMember.team_role.is_(None), JobTeamMember.team_role, func.lower(User.first_name),
                  func.lower(User.last_name), User.email, User.id)
    )
