"""`seed-demo` fills every table with a consistent data set, once, however often or concurrently it runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import delete, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from tests.schema_doc import documented_schema
from webapp.analytics.services import rollup
from webapp.cli import alembic_config
from webapp.db import Base, make_engine
from webapp.demo.seed import SeedReport, seed_demo, table_counts
from webapp.models import (
    INTERVIEW_STATUSES,
    JOB_FOCUSES,
    CandidateRanking,
    Company,
    CompanyInvitation,
    CompanyMember,
    CustomerSubscription,
    InterviewAssignment,
    InterviewNote,
    InterviewNoteEdit,
    InterviewSession,
    Job,
    JobTeamMember,
    LearningPath,
    PipelineCandidate,
    PipelineDecision,
    PipelineEmailTemplate,
    PipelineReason,
    PipelineStage,
    PlanSeatLimit,
    RankingOverride,
    Resume,
    Scorecard,
    ScorecardRating,
    SentimentSession,
    SubscriptionPlan,
    User,
    UserOAuthToken,
)
from webapp.scorecards.queries import disagrees, select_human_scores

DEMO_ROLES = {
    "admin@jobhive.test": "admin",
    "employer@jobhive.test": "employer",
    "other@jobhive.test": "employer",
    "candidate@jobhive.test": "user",
    "recruiter@jobhive.test": "employer",
    "manager@jobhive.test": "employer",
    "interviewer@jobhive.test": "employer",
}
ACME_TEAM = {
    "employer@jobhive.test": "owner",
    "recruiter@jobhive.test": "recruiter",
    "manager@jobhive.test": "hiring_manager",
    "interviewer@jobhive.test": "interviewer",
}


def _migrated_engine(scratch_database_url, name: str) -> Engine:
    url = scratch_database_url(name)
    command.upgrade(alembic_config(url), "head")
    return make_engine(url)


@pytest.fixture(scope="module")
def seeded(scratch_database_url) -> Iterator[tuple[Engine, SeedReport]]:
    """A fresh database after one committed `seed_demo` run, and that run's report."""
    engine = _migrated_engine(scratch_database_url, "seed")
    with Session(engine) as session:
        report = seed_demo(session)
        session.commit()
    yield engine, report
    engine.dispose()


@pytest.fixture
def session(seeded) -> Iterator[Session]:
    with Session(seeded[0]) as session:
        yield session


def test_first_run_loads_and_reports_the_counts(seeded, session):
    _, report = seeded
    assert report.created
    assert report.counts == table_counts(session)
    assert "loaded" in str(report)


def test_every_documented_table_has_rows(session):
    documented = documented_schema().tables
    empty = [
        table.name
        for table in Base.metadata.sorted_tables
        if table.name in documented and not session.scalar(select(func.count()).select_from(table))
    ]
    assert len(documented) == 28
    assert empty == []


def test_demo_accounts_have_their_roles_and_password(session):
    users = {u.email: u for u in session.scalars(select(User).where(User.email.in_(DEMO_ROLES)))}
    assert {email: u.role for email, u in users.items()} == DEMO_ROLES
    for user in users.values():
        assert user.is_verified and user.is_active and user.first_name and user.last_name
        assert check_password_hash(user.password, "jobhive-demo-pass")
    assert users["admin@jobhive.test"].is_staff


def test_each_demo_employer_owns_a_different_company(session):
    def company_of(email: str) -> str:
        return session.scalar(select(Company.company_name).join(User).where(User.email == email))

    assert company_of("employer@jobhive.test") == "Acme Robotics"
    assert company_of("other@jobhive.test") not in (None, "Acme Robotics")


def _acme_id(session) -> int:
    return session.scalar(select(Company.id).where(Company.company_name == "Acme Robotics"))


def _user_id(session, email: str) -> int:
    return session.scalar(select(User.id).where(User.email == email))


def test_acme_has_a_hiring_team_with_a_member_of_each_role(session):
    members = dict(
        session.execute(
            select(User.email, CompanyMember.role)
            .join(User, User.id == CompanyMember.user_id)
            .where(CompanyMember.company_id == _acme_id(session))
        ).all()
    )
    assert members == ACME_TEAM
    # The team works for Acme only; the other demo company has just its owner.
    other = session.scalar(select(Company.id).join(User).where(User.email == "other@jobhive.test"))
    assert session.scalars(select(CompanyMember.role).where(CompanyMember.company_id == other)).all() == ["owner"]
    # Every owner joined when their company was created, members before the interviews they work on.
    owners_joined = session.execute(
        select(CompanyMember.created_at, Company.created_at)
        .join(Company, Company.id == CompanyMember.company_id)
        .where(CompanyMember.user_id == Company.user_id)
    ).all()
    assert owners_joined and all(joined == created for joined, created in owners_joined)
    joined = session.scalars(select(CompanyMember.created_at).where(CompanyMember.role != "owner")).all()
    assert max(joined) < datetime.now(UTC) - timedelta(days=90)


def test_the_hiring_manager_is_on_two_acme_job_teams(session):
    teams = session.execute(
        select(Job.company_id, Job.is_active, JobTeamMember.team_role)
        .join(Job, Job.id == JobTeamMember.job_id)
        .where(JobTeamMember.user_id == _user_id(session, "manager@jobhive.test"))
    ).all()
    assert len(teams) == 2
    assert all(row == (_acme_id(session), True, "hiring_manager") for row in teams)


def test_the_interviewer_has_completed_and_one_upcoming_acme_interview(session):
    interviewer = _user_id(session, "interviewer@jobhive.test")
    assigned = session.execute(
        select(InterviewSession.status, InterviewSession.scheduled_time, Job.company_id, InterviewAssignment)
        .join(InterviewSession, InterviewSession.id == InterviewAssignment.interview_session_id)
        .join(Job, Job.id == InterviewSession.job_id)
        .where(InterviewAssignment.user_id == interviewer)
    ).all()
    statuses = sorted(row.status for row in assigned)
    assert statuses == ["completed"] * 4 + ["scheduled"]
    assert {row.company_id for row in assigned} == {_acme_id(session)}
    upcoming = next(row for row in assigned if row.status == "scheduled")
    assert upcoming.scheduled_time > datetime.now(UTC)
    recruiter = _user_id(session, "recruiter@jobhive.test")
    assert {row.InterviewAssignment.assigned_by_id for row in assigned} == {recruiter}
    # They sit on the hiring team of the jobs they interview for, as an interviewer.
    team_roles = session.scalars(select(JobTeamMember.team_role).where(JobTeamMember.user_id == interviewer)).all()
    assert team_roles and set(team_roles) == {"interviewer"}


def test_acme_has_one_pending_invitation_within_its_plans_seats(session):
    acme = _acme_id(session)
    invitation = session.scalars(select(CompanyInvitation).where(CompanyInvitation.company_id == acme)).one()
    assert (invitation.email, invitation.role) == ("new.hire@jobhive.test", "recruiter")
    assert invitation.accepted_at is None and invitation.revoked_at is None
    assert invitation.expires_at > datetime.now(UTC) and len(invitation.token_digest) == 64
    seats = session.scalar(
        select(PlanSeatLimit.seat_limit)
        .join(CustomerSubscription, CustomerSubscription.plan_id == PlanSeatLimit.plan_id)
        .where(CustomerSubscription.user_id == _user_id(session, "employer@jobhive.test"))
    )
    assert seats == 10 >= len(ACME_TEAM) + 1
    limits = dict(
        session.execute(
            select(SubscriptionPlan.name, PlanSeatLimit.seat_limit).join(
                PlanSeatLimit, PlanSeatLimit.plan_id == SubscriptionPlan.id
            )
        ).all()
    )
    assert limits["Employer Free"] == 3 and limits["Employer Enterprise"] == 0
    assert not any(name.startswith("Candidate") for name in limits)


def test_companies_post_jobs_of_every_focus_and_some_are_closed(session):
    focuses = session.execute(
        select(Job.company_id, func.count(func.distinct(Job.job_focus))).group_by(Job.company_id)
    ).all()
    assert sum(1 for _, n in focuses if n == len(JOB_FOCUSES)) >= 2
    assert session.scalar(select(func.count()).where(Job.is_active.is_(False)))


def test_candidates_with_resumes_and_some_oauth_tokens(session):
    candidates = session.scalar(select(func.count()).where(User.role == "user"))
    with_resume = session.scalar(select(func.count(func.distinct(Resume.user_id))))
    assert candidates >= 60
    assert with_resume == candidates
    assert session.scalar(select(func.count(UserOAuthToken.id)))


def test_sessions_cover_every_status_over_the_last_90_days(session):
    by_status = select(InterviewSession.status, func.count()).group_by(InterviewSession.status)
    statuses = dict(session.execute(by_status).all())
    assert sum(statuses.values()) >= 150
    assert set(statuses) == set(INTERVIEW_STATUSES)
    oldest = session.scalar(select(func.min(InterviewSession.start_time)))
    assert oldest >= datetime.now(UTC) - timedelta(days=91)


def test_completed_sessions_are_finished_and_scored(session):
    unfinished = session.scalar(
        select(func.count()).where(
            InterviewSession.status == "completed",
            (InterviewSession.end_time.is_(None))
            | (InterviewSession.completion_time.is_(None))
            | (InterviewSession.completion_percentage != 100)
            | (InterviewSession.technical_accuracy.is_(None))
            | (InterviewSession.behavioral_score.is_(None))
            | ~InterviewSession.duration.between(1, 14399),
        )
    )
    assert unfinished == 0


def test_completed_sessions_have_a_sentiment_timeline_within_the_interview(session):
    rows = session.execute(
        text(
            """
            SELECT i.session_id,
                   (SELECT count(*) FROM interview_sentimentsession s WHERE s.interview_session_id = i.id),
                   count(h.id),
                   count(h.id) FILTER (WHERE h."timestamp" NOT BETWEEN i.start_time AND i.end_time),
                   count(c.id)
            FROM interview_interviewsession i
            LEFT JOIN interview_sentimenthistory h ON h.interview_session_id = i.id
            LEFT JOIN interview_sentimentcontextfactors c ON c.sentiment_history_id = h.id
            WHERE i.status = 'completed'
            GROUP BY i.id
            """
        )
    ).all()
    assert rows
    bad = [r for r in rows if r[1] != 1 or not 40 <= r[2] <= 200 or r[3] or r[4] != r[2]]
    assert bad == []


def test_sentiment_scores_agree_with_the_overall_sentiment(session):
    for s in session.scalars(select(SentimentSession)):
        scores = {
            "positive": s.positive_score,
            "negative": s.negative_score,
            "neutral": s.neutral_score,
            "mixed": s.mixed_score,
        }
        assert sum(scores.values()) <= 100
        assert max(scores, key=scores.get) == s.overall_sentiment


def test_demo_candidate_has_practice_sessions_with_feedback_and_learning_paths(session):
    practice = session.scalars(
        select(InterviewSession)
        .join(User)
        .where(User.email == "candidate@jobhive.test", InterviewSession.is_practice.is_(True))
    ).all()
    assert len(practice) >= 6
    ids = [p.id for p in practice]
    feedback = session.scalars(select(SentimentSession).where(SentimentSession.interview_session_id.in_(ids))).all()
    assert len(feedback) == len(practice)
    assert all(f.is_practice and f.detailed_feedback and f.improvement_suggestions for f in feedback)
    assert all(p.knowledge_gaps and p.suggested_resources for p in practice)
    paths = session.scalar(select(func.count()).where(LearningPath.interview_session_id.in_(ids)))
    assert paths == len(practice)


def test_rankings_only_rank_candidates_who_interviewed_for_the_job(session):
    strays = session.scalar(
        text(
            """
            SELECT count(*) FROM interview_candidateranking r
            WHERE NOT EXISTS (
                SELECT 1 FROM interview_interviewsession i
                WHERE i.job_id = r.job_id AND i.user_id = r.candidate_id AND i.status = 'completed'
            )
            """
        )
    )
    assert strays == 0


def test_planned_sessions_have_not_started_and_are_dated_by_their_scheduled_time(session):
    planned = session.execute(text(
        """SELECT count(*), count(start_time), count(scheduled_time) FROM interview_interviewsession
           WHERE status IN ('scheduled', 'rescheduled')"""
    )).one()
    assert planned[0] > 0 and planned[1:] == (0, planned[0])  # start_time NULL until it starts (issue 14)


def test_daily_statistics_count_the_seeded_sessions(session):
    mismatches = session.scalar(
        text(
            """
            SELECT count(*) FROM interview_interviewstatistics s
            WHERE s.total_interviews <> (
                SELECT count(*) FROM interview_interviewsession i JOIN company_job j ON j.id = i.job_id
                WHERE j.company_id = s.company_id AND NOT i.is_practice
                  AND (coalesce(i.start_time, i.scheduled_time) AT TIME ZONE 'UTC')::date = s.date
            )
            """
        )
    )
    assert mismatches == 0
    # one row per company and day with interviews or hiring outcomes (the rollup keeps no all-zero days)
    days = session.scalar(text("SELECT count(DISTINCT date) FROM interview_interviewstatistics"))
    active_days = session.scalar(text(
        """SELECT count(DISTINCT (t.d AT TIME ZONE 'UTC')::date)
           FROM (SELECT coalesce(i.start_time, i.scheduled_time) AS d  -- the interview date
                 FROM interview_interviewsession i JOIN company_job j ON j.id = i.job_id
                 WHERE i.is_practice IS NOT TRUE
                 UNION ALL
                 SELECT decided_at FROM pipeline_decision  -- a hire, rejection or withdrawal
                 WHERE action IN ('rejected', 'withdrawn') OR (action = 'moved' AND to_kind = 'hired')) t
           WHERE t.d >= (SELECT min(date) FROM interview_interviewstatistics)
             AND (t.d AT TIME ZONE 'UTC')::date <= (SELECT max(date) FROM interview_interviewstatistics)"""))
    assert 60 < days == active_days <= 90


def _acme_places(session) -> list[tuple[str, str, int]]:
    """(stage kind, status, candidates) of Acme's pipelines."""
    return session.execute(
        select(PipelineStage.kind, PipelineCandidate.status, func.count())
        .join(PipelineStage, PipelineStage.id == PipelineCandidate.stage_id)
        .join(Job, Job.id == PipelineCandidate.job_id)
        .where(Job.company_id == _acme_id(session))
        .group_by(PipelineStage.kind, PipelineCandidate.status)
    ).all()


def test_acme_has_candidates_at_every_stage_and_some_rejected_or_withdrawn(session):
    places = _acme_places(session)
    active = {kind for kind, status, _ in places if status == "active"}
    assert active == {"applied", "ai_interview", "review", "team_interview", "offer", "hired"}
    closed = {status: sum(n for _, s, n in places if s == status) for status in ("rejected", "withdrawn")}
    assert closed["rejected"] >= 3 and closed["withdrawn"] >= 2
    # Every candidate with a completed AI interview left the AI interview stage (what the trigger does live).
    waiting = session.scalar(text(
        """SELECT count(*) FROM pipeline_candidate c JOIN pipeline_stage s ON s.id = c.stage_id
           WHERE s.kind = 'ai_interview' AND c.status = 'active' AND EXISTS (
               SELECT 1 FROM interview_interviewsession i WHERE i.job_id = c.job_id AND i.user_id = c.candidate_id
                 AND i.status = 'completed')"""
    ))
    assert waiting == 0


def test_the_team_decided_over_weeks_with_reasons_from_the_company_list(session):
    acme = _acme_id(session)
    decisions = session.execute(
        select(PipelineDecision, User.email)
        .join(User, User.id == PipelineDecision.decided_by_id)
        .where(PipelineDecision.company_id == acme)
    ).all()
    deciders = {email for _, email in decisions}
    assert {"recruiter@jobhive.test", "manager@jobhive.test", "employer@jobhive.test"} <= deciders
    assert "interviewer@jobhive.test" not in deciders  # interviewers may not decide
    days = {d.decided_at.date() for d, _ in decisions}
    assert len(days) >= 15 and max(days) - min(days) >= timedelta(days=60)
    assert max(d.decided_at for d, _ in decisions) < datetime.now(UTC)
    labels = set(session.scalars(select(PipelineReason.label).where(PipelineReason.company_id == acme)))
    closing = [d for d, _ in decisions if d.action in ("rejected", "withdrawn")]
    assert closing and all(d.reason in labels for d in closing)
    # A place's version counts its decisions; its stage and time are those of its last move.
    mismatched = session.scalar(text(
        """SELECT count(*) FROM pipeline_candidate c CROSS JOIN LATERAL (
               SELECT count(*) AS n, max(decided_at) FILTER (WHERE action IN ('entered', 'moved')) AS moved,
                      (array_agg(to_stage_id ORDER BY decided_at DESC, id DESC))[1] AS stage,
                      max(decided_at) FILTER (WHERE action IN ('rejected', 'withdrawn')) AS closed
               FROM pipeline_decision d WHERE d.pipeline_candidate_id = c.id) d
           WHERE c.version <> d.n OR c.entered_stage_at <> d.moved OR c.stage_id <> d.stage
              OR c.closed_at IS DISTINCT FROM d.closed"""
    ))
    assert mismatched == 0


def test_members_submitted_scorecards_some_far_from_the_ai(session):
    acme_sessions = select(InterviewSession.id).join(Job, Job.id == InterviewSession.job_id).where(
        Job.company_id == _acme_id(session)
    )
    cards = session.execute(
        select(Scorecard, User.email).join(User, User.id == Scorecard.author_id)
        .where(Scorecard.interview_session_id.in_(acme_sessions))
    ).all()
    submitted = {email for card, email in cards if card.submitted_at is not None}
    assert {"manager@jobhive.test", "interviewer@jobhive.test"} <= submitted
    assert [email for card, email in cards if card.submitted_at is None] == ["interviewer@jobhive.test"]
    assert all(card.recommendation for card, _ in cards if card.submitted_at)
    ratings = session.scalar(
        select(func.count()).select_from(ScorecardRating)
        .where(ScorecardRating.scorecard_id.in_([card.id for card, _ in cards]))
    )
    assert ratings == 4 * len(cards)
    # The interviewer's last assigned completed interview has no scorecard of theirs yet.
    interviewer = _user_id(session, "interviewer@jobhive.test")
    mine = {card.interview_session_id for card, email in cards if email == "interviewer@jobhive.test"}
    assigned = set(session.scalars(
        select(InterviewAssignment.interview_session_id)
        .join(InterviewSession, InterviewSession.id == InterviewAssignment.interview_session_id)
        .where(InterviewAssignment.user_id == interviewer, InterviewSession.status == "completed")
    ))
    assert mine < assigned
    flagged = 0
    for job_id in session.scalars(select(Job.id).where(Job.company_id == _acme_id(session))):
        ai = dict(session.execute(
            select(CandidateRanking.candidate_id, CandidateRanking.overall_score).where(CandidateRanking.job_id == job_id)
        ).all())
        for row in session.execute(select_human_scores(job_id, list(ai))):
            flagged += disagrees(ai[row.candidate_id], row.human_score)
    assert flagged >= 1


def test_a_notes_thread_with_an_edit_overrides_and_an_edited_rejection_email(session):
    acme = _acme_id(session)
    threads = session.execute(text(
        """SELECT n.interview_session_id, count(*) FROM interview_note n
           JOIN interview_interviewsession i ON i.id = n.interview_session_id JOIN company_job j ON j.id = i.job_id
           WHERE j.company_id = :acme AND n.author_id IS NOT NULL GROUP BY 1 HAVING count(*) >= 2"""
    ), {"acme": acme}).all()
    assert len(threads) >= 3
    edit = session.scalars(select(InterviewNoteEdit)).one()
    note = session.get(InterviewNote, edit.note_id)
    assert note.edited_at == edit.edited_at and note.body != edit.body and note.author_id == edit.edited_by_id
    # The interview's documented notes keep its thread's latest note.
    for session_id, _ in threads:
        latest = session.scalar(
            select(InterviewNote.body).where(InterviewNote.interview_session_id == session_id)
            .order_by(InterviewNote.created_at.desc()).limit(1)
        )
        assert session.get(InterviewSession, session_id).interviewer_notes == latest
    overrides = session.scalars(
        select(RankingOverride).join(Job, Job.id == RankingOverride.job_id).where(Job.company_id == acme)
    ).all()
    assert sorted(o.kind for o in overrides) == ["exclude", "pin"]
    assert all(o.reason.strip() and o.created_by_id for o in overrides)
    template = session.scalars(select(PipelineEmailTemplate).where(PipelineEmailTemplate.company_id == acme)).one()
    assert template.kind == "rejection" and template.updated_by_id == _user_id(session, "recruiter@jobhive.test")


def test_the_rollup_counts_the_decisions(session):
    """The seed rolls up after its decisions, so analytics read them (a second rollup changes nothing)."""
    before = session.execute(text("SELECT * FROM interview_interviewstatistics ORDER BY company_id, date")).all()
    today = datetime.now(UTC).date()
    rollup(session, today - timedelta(days=89), today)
    after = session.execute(text("SELECT * FROM interview_interviewstatistics ORDER BY company_id, date")).all()
    session.rollback()
    assert after == before
    hiring = session.execute(text(
        """SELECT count(time_to_hire), max(conversion_rate), max(offer_acceptance_rate)
           FROM interview_interviewstatistics WHERE company_id = :acme"""
    ), {"acme": _acme_id(session)}).one()
    assert hiring[0] >= 3 and hiring[1] > 0 and hiring[2] > 0


DECISIONS_STATE = """
    SELECT (SELECT md5(string_agg(concat_ws(',', id, stage_id, status, version, entered_stage_at, closed_at), ';'
                                  ORDER BY id)) FROM pipeline_candidate),
           (SELECT md5(string_agg(concat_ws(',', id, action, to_stage_id, decided_by_id, decided_at), ';' ORDER BY id))
            FROM pipeline_decision),
           (SELECT md5(string_agg(concat_ws(',', id, author_id, submitted_at), ';' ORDER BY id)) FROM interview_scorecard),
           (SELECT md5(string_agg(concat_ws(',', id, author_id, body, edited_at), ';' ORDER BY id)) FROM interview_note)
"""


def test_second_run_changes_nothing(seeded, session):
    before = table_counts(session)
    decisions = session.execute(text(DECISIONS_STATE)).one()
    report = seed_demo(session)
    session.commit()
    assert not report.created and not report.added_decisions
    assert report.counts == before == seeded[1].counts
    # Not only as many rows: the same places, decisions, scorecards and notes.
    assert session.execute(text(DECISIONS_STATE)).one() == decisions


def test_a_load_from_before_hiring_teams_gets_the_team_on_the_next_run(seeded, session):
    team = [email for email, role in ACME_TEAM.items() if role != "owner"]
    session.execute(delete(CompanyInvitation))
    session.execute(delete(PlanSeatLimit))
    session.execute(delete(User).where(User.email.in_(team)))
    without_team = table_counts(session)
    report = seed_demo(session)
    try:
        assert not report.created and report.added_team
        # Their scorecards went with them (decisions, notes and overrides stay, without their author): back too.
        assert report.added_decisions
        assert "added the demo hiring team" in str(report)
        assert report.counts == seeded[1].counts != without_team
        assert session.scalar(select(func.count()).where(User.email.in_(team))) == 3
        admin_hash = session.scalar(select(User.password).where(User.email == "admin@jobhive.test"))
        # Same hash as the load's own accounts: a production database stays recognisably demo-only.
        assert set(session.scalars(select(User.password).where(User.email.in_(team)))) == {admin_hash}
        assert seed_demo(session).counts == report.counts
    finally:
        session.rollback()


def test_concurrent_runs_load_the_data_once(scratch_database_url):
    engine = _migrated_engine(scratch_database_url, "seed_race")
    second: list[SeedReport] = []
    with Session(engine) as first:
        first_report = seed_demo(first)  # holds the advisory lock until it commits

        def run_second() -> None:
            with Session(engine) as session:
                second.append(seed_demo(session))
                session.commit()

        thread = threading.Thread(target=run_second)
        thread.start()
        _wait_for_lock_waiter(engine)
        first.commit()
    thread.join()
    engine.dispose()
    assert first_report.created
    assert not second[0].created
    assert second[0].counts == first_report.counts


def _wait_for_lock_waiter(engine: Engine) -> None:
    """Block until another connection waits on an advisory lock."""
    with engine.connect() as connection:
        for _ in range(600):
            waiting = connection.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )
            if waiting:
                return
            connection.execute(text("SELECT pg_sleep(0.05)"))
    raise AssertionError("the second seed run never waited for the first")
