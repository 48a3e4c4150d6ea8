"""The demo's hiring decisions: candidates moved through Acme's pipelines by its team, scorecards, notes, overrides.

Built from what is in the database (each job's candidates in the AI's order), not from the
seeder's memory, and each part only when it is missing, so `seed-demo` on a load from before
decisions adds them, and a second run changes nothing. The seed's sessions are inserted already
finished, which the pipeline's triggers do not see: first, as the triggers would have, every
candidate with a completed AI interview waits at Review.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import Row, case, exists, func, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, aliased

from webapp.demo import catalog as cat
from webapp.models import (
    CandidateRanking,
    Company,
    InterviewAssignment,
    InterviewNote,
    InterviewNoteEdit,
    InterviewSession,
    Job,
    PipelineCandidate,
    PipelineDecision,
    PipelineEmailTemplate,
    PipelineReason,
    PipelineStage,
    RankingOverride,
    Scorecard,
    ScorecardAttribute,
    ScorecardRating,
    User,
)

RANDOM_SEED = 20261205
STEPS = ("review", "team_interview", "offer", "hired")
# How long each move took at most; a recent interview's moves share the time left until now.
STEP_DAYS = {"team_interview": 4, "offer": 9, "hired": 5}
CLOSE_DAYS = 3

# Per Acme job, where its candidates ended up: (place in the AI's order, best first, or from the end,
# -1 the lowest; the stage; rejected or withdrawn there, with the company's reason). However many
# candidates a job has, the best advance and the lowest are let go; the others wait at Review.
OUTCOMES: dict[str, tuple[tuple[int, str, str | None, str | None], ...]] = {
    "Technical Program Manager": (
        (0, "hired", None, None),
        (1, "offer", None, None),
        (2, "team_interview", None, None),
        (-1, "review", "rejected", "Skills do not match the role"),
        (-2, "team_interview", "rejected", "Another candidate was a better fit"),
        (-3, "team_interview", "withdrawn", "Accepted another offer"),
    ),
    "Computer Vision Engineer": (
        (0, "offer", None, None),
        (1, "team_interview", None, None),
        (2, "team_interview", None, None),
        (-1, "review", "rejected", "Not enough experience"),
    ),
    "Senior Robotics Software Engineer": (
        (0, "team_interview", None, None),
        (-1, "review", "rejected", "Not enough experience"),
    ),
    "Field Operations Lead": (
        (0, "hired", None, None),
        (1, "offer", "withdrawn", "Compensation"),
        (-1, "review", "rejected", "Skills do not match the role"),
    ),
    "Customer Success Manager": ((1, "team_interview", None, None),),
    "Embedded Firmware Engineer": (
        (0, "hired", None, None),
        (-1, "review", "rejected", "The position was filled or closed"),
    ),
}
# Candidates a recruiter added by hand, waiting at Applied for their AI interview invitation.
APPLIED_JOBS = ("Senior Robotics Software Engineer", "Customer Success Manager")
APPLIED_REASON = "Referred by an Acme engineer"
NO_SHOW_REASON = "Stopped responding"

# Scorecards: (a job's candidates in the AI's order, or the interviewer's completed assignments oldest first;
# the place in that list; author; points to add to the AI's, FAR for far from it; submitted). The
# interviewer's latest assignment is left for them to score.
ASSIGNED = "the interviewer's assignments"
FAR = None
SCORECARDS = (
    (ASSIGNED, 0, cat.MANAGER_EMAIL, 8, True),
    (ASSIGNED, 0, cat.INTERVIEWER_EMAIL, 0, True),
    (ASSIGNED, 1, cat.MANAGER_EMAIL, FAR, True),
    (ASSIGNED, 1, cat.INTERVIEWER_EMAIL, FAR, True),
    (ASSIGNED, 2, cat.MANAGER_EMAIL, 12, True),
    (ASSIGNED, 2, cat.INTERVIEWER_EMAIL, 6, False),
    ("Computer Vision Engineer", 0, cat.MANAGER_EMAIL, 5, True),
    ("Senior Robotics Software Engineer", 0, cat.MANAGER_EMAIL, 4, True),
    ("Technical Program Manager", 0, cat.RECRUITER_EMAIL, 10, True),
    ("Technical Program Manager", 1, cat.RECRUITER_EMAIL, 35, True),
    ("Technical Program Manager", 2, cat.EMPLOYER_EMAIL, -5, True),
    ("Field Operations Lead", 0, cat.EMPLOYER_EMAIL, 8, True),
)
SCORECARD_NOTES = {
    "strong_yes": "Outstanding: clear reasoning, owned every follow-up question. Move forward.",
    "yes": "Solid on the fundamentals; a few gaps we can coach. I would take them to the next step.",
    "no": "Struggled to explain trade-offs and needed heavy prompting on the core exercise.",
    "strong_no": "Not ready for this role: the answers stayed vague even with hints.",
}

# Notes threads: (which list, the place in it, [(author, text, hours after the interview)]), as scorecards.
# The first note of the first thread was edited; its earlier text is kept.
NOTE_THREADS = (
    (
        ASSIGNED,
        0,
        (
            (cat.INTERVIEWER_EMAIL, "Walked through their last project's architecture clearly; solid on testing.", 3),
            (cat.MANAGER_EMAIL, "Agreed. Let's see how they do on the design question in the team round.", 20),
            (cat.INTERVIEWER_EMAIL, "I'll prepare the design question and share it with the panel by Friday.", 26),
        ),
    ),
    (
        ASSIGNED,
        1,
        (
            (cat.MANAGER_EMAIL, "The AI liked the answers more than I did: the deployment part was hand-waved.", 5),
            (cat.INTERVIEWER_EMAIL, "Same impression on the performance questions; a second opinion before any team round.", 30),
        ),
    ),
    (
        "Technical Program Manager",
        0,
        (
            (cat.RECRUITER_EMAIL, "Great release-planning stories from two hardware launches.", 2),
            (cat.EMPLOYER_EMAIL, "Thanks Rosa, fast-track to the team interview please.", 6),
        ),
    ),
)
EDITED_NOTE_FIRST_TEXT = "Walked through their last project's architecture clearly."

# Overrides on the hiring manager's second job (not the most ranked job, whose order other pages show).
OVERRIDES = (
    (
        "Computer Vision Engineer",
        2,
        "pin",
        cat.MANAGER_EMAIL,
        "Best live-coding session of the panel; the team wants to meet them first.",
    ),
    (
        "Computer Vision Engineer",
        -2,
        "exclude",
        cat.RECRUITER_EMAIL,
        "Internal transfer: assessed through the internal mobility process instead.",
    ),
)
# The placeholders are those of webapp/pipeline/emails.py.
REJECTION_TEMPLATE = {
    "subject": "About your {job_title} application at {company_name}",
    "body": (
        "Hi {candidate_name},\n\n"
        "Thank you for the time you gave us for the {job_title} role. We have decided to move forward with "
        "other candidates whose experience is closer to what the team needs right now.\n\n"
        "We keep every application for a year and will reach out if a role fits you better.\n\n"
        "Rosa Delgado, for the {company_name} hiring team"
    ),
}


def seed_pipeline(session: Session, *, now: datetime) -> bool:
    """Add the demo's decisions, scorecards, notes and overrides where missing; whether anything was added."""
    added = _date_entries(session)
    added |= _completed_to_review(session)
    added |= _backfill_notes(session, now)
    company_id = session.scalar(
        select(Company.id)
        .join(User, User.id == Company.user_id)
        .where(User.email == cat.EMPLOYER_EMAIL, Company.company_name == cat.TEAM_COMPANY)
    )
    people = dict(session.execute(select(User.email, User.id).where(User.email.in_(_people()))).all())
    if company_id is None or len(people) < len(_people()):
        return added
    demo = _Demo(session, company_id, people, now)
    if not demo.decided():
        demo.decisions()
        demo.threads()
        demo.overrides()
        demo.template()
        added = True
    added |= demo.scorecards()
    session.flush()
    return added


def _people() -> tuple[str, ...]:
    return (cat.EMPLOYER_EMAIL, *(person["email"] for person in cat.DEMO_TEAM))


def _date_entries(session: Session) -> bool:
    """Candidates joined a pipeline with their first interview, not with whichever the seed inserted first."""
    first = (
        select(
            InterviewSession.job_id,
            InterviewSession.user_id,
            func.min(func.coalesce(InterviewSession.created_at, InterviewSession.start_time)).label("at"),
        )
        .where(InterviewSession.job_id.is_not(None), InterviewSession.is_practice.is_not(True))
        .group_by(InterviewSession.job_id, InterviewSession.user_id)
        .subquery()
    )
    of_entry = (
        (PipelineCandidate.job_id == first.c.job_id)
        & (PipelineCandidate.candidate_id == first.c.user_id)
        & (PipelineCandidate.created_at > first.c.at)
    )
    session.execute(
        update(PipelineDecision)
        .where(PipelineDecision.action == "entered", PipelineDecision.pipeline_candidate_id == PipelineCandidate.id,
               of_entry)
        .values(decided_at=first.c.at)
        .execution_options(synchronize_session=False)
    )
    moved = session.execute(
        update(PipelineCandidate)
        .where(of_entry)
        .values(
            created_at=first.c.at,
            entered_stage_at=case((PipelineCandidate.version == 1, first.c.at), else_=PipelineCandidate.entered_stage_at),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    return moved > 0


def _completed_to_review(session: Session) -> bool:
    """What the completion trigger does live: candidates still at the AI interview with a completed one go to Review."""
    completed = (
        select(
            InterviewSession.job_id,
            InterviewSession.user_id,
            func.min(func.coalesce(InterviewSession.end_time, InterviewSession.completion_time)).label("at"),
        )
        .where(InterviewSession.status == "completed", InterviewSession.is_practice.is_not(True))
        .group_by(InterviewSession.job_id, InterviewSession.user_id)
        .subquery()
    )
    rows = session.execute(
        select(PipelineCandidate, PipelineStage.id.label("review_id"), completed.c.at)
        .join(completed, (completed.c.job_id == PipelineCandidate.job_id)
              & (completed.c.user_id == PipelineCandidate.candidate_id))
        .join(PipelineStage, (PipelineStage.job_id == PipelineCandidate.job_id) & (PipelineStage.kind == "review"))
        .where(
            PipelineCandidate.status == "active",
            PipelineCandidate.stage_id.in_(select(PipelineStage.id).where(PipelineStage.kind == "ai_interview")),
        )
        .order_by(PipelineCandidate.id)
    ).all()
    for entry, review_id, at in rows:
        _move(session, entry, review_id, "review", at, None, reason="AI interview completed")
    return bool(rows)


def _backfill_notes(session: Session, now: datetime) -> bool:
    """As the migration's backfill: an interview's notes so far become its thread's first note (author unknown)."""
    sessions = session.execute(
        select(InterviewSession.id, InterviewSession.interviewer_notes, InterviewSession.updated_at,
               InterviewSession.created_at)
        .where(
            func.length(func.btrim(func.coalesce(InterviewSession.interviewer_notes, ""))) > 0,
            ~exists().where(InterviewNote.interview_session_id == InterviewSession.id),
        )
        .order_by(InterviewSession.id)
    ).all()
    session.add_all(
        InterviewNote(interview_session_id=row.id, author_id=None, body=row.interviewer_notes,
                      created_at=row.updated_at or row.created_at or now)
        for row in sessions
    )
    return bool(sessions)


def _kind_of(session: Session, stage_id: int) -> str:
    return session.scalar(select(PipelineStage.kind).where(PipelineStage.id == stage_id))


def _move(
    session: Session,
    entry: PipelineCandidate,
    to_stage_id: int,
    to_kind: str,
    at: datetime,
    by: int | None,
    *,
    reason: str | None = None,
) -> None:
    from_stage_id = entry.stage_id
    session.add(
        PipelineDecision(
            pipeline_candidate_id=entry.id, company_id=_company_of(session, entry.job_id), job_id=entry.job_id,
            action="moved", from_stage_id=from_stage_id, to_stage_id=to_stage_id,
            from_kind=_kind_of(session, from_stage_id), to_kind=to_kind, reason=reason, decided_by_id=by,
            decided_at=at,
        )
    )
    entry.stage_id = to_stage_id
    entry.entered_stage_at = at
    entry.version += 1
    entry.updated_at = at


def _company_of(session: Session, job_id: int) -> int:
    return session.scalar(select(Job.company_id).where(Job.id == job_id))


class _Demo:
    def __init__(self, session: Session, company_id: int, people: dict[str, int], now: datetime) -> None:
        self.s = session
        self.company_id = company_id
        self.people = people
        self.now = now
        self.rng = random.Random(RANDOM_SEED)
        self.jobs = dict(
            session.execute(select(Job.title, Job.id).where(Job.company_id == company_id).order_by(Job.id)).all()
        )

    def decided(self) -> bool:
        """Whether the team's decisions are there (they outlive their authors, unlike scorecards)."""
        return bool(self.s.scalar(select(exists().where(
            PipelineDecision.company_id == self.company_id,
            PipelineDecision.action.in_(("rejected", "withdrawn")) | (PipelineDecision.to_kind == "team_interview"),
        ))))

    def ranked(self, title: str) -> list[Row]:
        """The job's candidates with a completed AI interview, best AI score first (the demo candidate left out)."""
        job_id = self.jobs.get(title)
        if job_id is None:
            return []
        first_completed = (
            select(func.min(InterviewSession.end_time))
            .where(
                InterviewSession.job_id == job_id,
                InterviewSession.user_id == CandidateRanking.candidate_id,
                InterviewSession.status == "completed",
            )
            .scalar_subquery()
        )
        latest = (
            select(InterviewSession.id, InterviewSession.end_time)
            .where(
                InterviewSession.job_id == job_id,
                InterviewSession.user_id == CandidateRanking.candidate_id,
                InterviewSession.status == "completed",
            )
            .order_by(InterviewSession.end_time.desc(), InterviewSession.id.desc())
            .limit(1)
            .lateral("latest")
        )
        return self.s.execute(
            select(
                CandidateRanking.candidate_id,
                CandidateRanking.overall_score,
                first_completed.label("completed_at"),
                latest.c.id.label("session_id"),
                latest.c.end_time.label("session_end"),
                CandidateRanking.job_id,
            )
            .join(latest, true())
            .join(User, User.id == CandidateRanking.candidate_id)
            .where(CandidateRanking.job_id == job_id, User.email != cat.CANDIDATE_EMAIL)
            .order_by(CandidateRanking.overall_score.desc(), CandidateRanking.candidate_id)
        ).all()

    def assigned(self) -> list[Row]:
        """The interviewer's completed Acme interviews, oldest first, with the AI's score of the candidate."""
        return self.s.execute(
            select(
                InterviewSession.user_id.label("candidate_id"),
                CandidateRanking.overall_score,
                InterviewSession.end_time.label("completed_at"),
                InterviewSession.id.label("session_id"),
                InterviewSession.end_time.label("session_end"),
                InterviewSession.job_id,
            )
            .join(InterviewAssignment, InterviewAssignment.interview_session_id == InterviewSession.id)
            .join(Job, Job.id == InterviewSession.job_id)
            .outerjoin(CandidateRanking, (CandidateRanking.job_id == InterviewSession.job_id)
                       & (CandidateRanking.candidate_id == InterviewSession.user_id))
            .where(
                InterviewAssignment.user_id == self.people[cat.INTERVIEWER_EMAIL],
                InterviewSession.status == "completed",
                Job.company_id == self.company_id,
            )
            .order_by(InterviewSession.end_time, InterviewSession.id)
        ).all()

    def pick(self, where: str, place: int) -> Row | None:
        """The `place`-th interview of a job's candidates in the AI's order (-1: the lowest), or of the
        interviewer's assignments."""
        rows = self.assigned() if where == ASSIGNED else self.ranked(where)
        return rows[place] if -len(rows) <= place < len(rows) else None

    def stages(self, job_id: int) -> dict[str, int]:
        return dict(self.s.execute(
            select(PipelineStage.kind, PipelineStage.id).where(PipelineStage.job_id == job_id)
        ).all())

    def entry(self, job_id: int, candidate_id: int) -> PipelineCandidate | None:
        return self.s.scalar(
            select(PipelineCandidate).where(
                PipelineCandidate.job_id == job_id, PipelineCandidate.candidate_id == candidate_id
            )
        )

    def decider(self, job_title: str, kind: str) -> int:
        """Owners hire; the hiring manager moves candidates on their jobs, the recruiter on the others."""
        if kind == "hired":
            return self.people[cat.EMPLOYER_EMAIL]
        if job_title in cat.MANAGER_JOBS:
            return self.people[cat.MANAGER_EMAIL]
        return self.people[cat.RECRUITER_EMAIL]

    def later(self, at: datetime, days: float) -> datetime:
        """`days` after `at`, or less when that would be in the future (a share of the time left)."""
        left = self.now - timedelta(hours=1) - at
        return at + min(timedelta(days=days, hours=self.rng.randint(0, 9)), left * 0.4)

    # --- decisions -----------------------------------------------------------------------

    def decisions(self) -> None:
        for title, outcomes in OUTCOMES.items():
            job_id = self.jobs.get(title)
            if job_id is None:
                continue
            stages = self.stages(job_id)
            ranked = self.ranked(title)
            done = set()
            for place, kind, closed, reason in outcomes:
                if not -len(ranked) <= place < len(ranked) or ranked[place].candidate_id in done:
                    continue
                candidate = ranked[place]
                done.add(candidate.candidate_id)
                entry = self.entry(job_id, candidate.candidate_id)
                if entry is None or entry.status != "active" or entry.stage_id != stages.get("review"):
                    continue
                at = entry.entered_stage_at
                for step in STEPS[1 : STEPS.index(kind) + 1]:
                    at = self.later(at, STEP_DAYS[step])
                    _move(self.s, entry, stages[step], step, at, self.decider(title, step))
                if closed:
                    self.close(entry, closed, kind, reason, self.later(at, CLOSE_DAYS), self.decider(title, kind))
        self.no_shows()
        self.applied()

    def close(self, entry: PipelineCandidate, status: str, kind: str, reason: str, at: datetime, by: int) -> None:
        self.s.add(
            PipelineDecision(
                pipeline_candidate_id=entry.id, company_id=self.company_id, job_id=entry.job_id, action=status,
                from_stage_id=entry.stage_id, to_stage_id=entry.stage_id, from_kind=kind, to_kind=kind,
                reason=self.reason(status, reason), decided_by_id=by, decided_at=at,
            )
        )
        entry.status = status
        entry.closed_at = at
        entry.version += 1
        entry.updated_at = at

    def reason(self, status: str, label: str) -> str:
        """The label as the company's list spells it (the list is what the reject form offers)."""
        kind = "rejection" if status == "rejected" else "withdrawal"
        listed = self.s.scalar(
            select(PipelineReason.label).where(
                PipelineReason.company_id == self.company_id,
                PipelineReason.kind == kind,
                func.lower(PipelineReason.label) == label.lower(),
            )
        )
        return listed or label

    def no_shows(self) -> None:
        """Candidates whose every interview for an Acme job was a no-show withdrew (they stopped responding)."""
        other = aliased(InterviewSession)
        held = (
            select(other.id)
            .where(
                other.job_id == PipelineCandidate.job_id,
                other.user_id == PipelineCandidate.candidate_id,
                other.status != "no_show",
            )
            .exists()
        )
        rows = self.s.execute(
            select(PipelineCandidate, func.max(InterviewSession.start_time).label("last"))
            .join(Job, Job.id == PipelineCandidate.job_id)
            .join(InterviewSession, (InterviewSession.job_id == PipelineCandidate.job_id)
                  & (InterviewSession.user_id == PipelineCandidate.candidate_id))
            .where(Job.company_id == self.company_id, PipelineCandidate.status == "active", ~held)
            .group_by(PipelineCandidate.id)
            .order_by(PipelineCandidate.id)
        ).all()
        for entry, last in rows:
            self.close(entry, "withdrawn", "ai_interview", NO_SHOW_REASON, self.later(last, 2),
                       self.people[cat.RECRUITER_EMAIL])

    def applied(self) -> None:
        """On a few jobs, a candidate the recruiter added by hand waits at Applied (no interview yet)."""
        for index, title in enumerate(APPLIED_JOBS):
            job_id = self.jobs.get(title)
            if job_id is None:
                continue
            on_job = select(PipelineCandidate.candidate_id).where(PipelineCandidate.job_id == job_id)
            candidate_id = self.s.scalar(
                select(User.id)
                .where(User.role == "user", User.email != cat.CANDIDATE_EMAIL, User.id.not_in(on_job))
                .order_by(User.id)
                .offset(7 * index)
                .limit(1)
            )
            stage_id = self.stages(job_id).get("applied")
            if candidate_id is None or stage_id is None:
                continue
            at = self.now - timedelta(days=2 + 3 * index, hours=3)
            entry = PipelineCandidate(
                job_id=job_id, candidate_id=candidate_id, stage_id=stage_id, status="active", entered_stage_at=at,
                version=1, created_at=at, updated_at=at,
            )
            self.s.add(entry)
            self.s.flush()
            self.s.add(
                PipelineDecision(
                    pipeline_candidate_id=entry.id, company_id=self.company_id, job_id=job_id, action="entered",
                    to_stage_id=stage_id, to_kind="applied", reason=APPLIED_REASON,
                    decided_by_id=self.people[cat.RECRUITER_EMAIL], decided_at=at,
                )
            )

    # --- scorecards ----------------------------------------------------------------------

    def scorecards(self) -> bool:
        """Each planned scorecard unless its author has one for that interview; whether any was added."""
        added = False
        for where, place, email, offset, submitted in SCORECARDS:
            candidate = self.pick(where, place)
            if candidate is None:
                continue
            author = self.people[email]
            if self.s.scalar(select(exists().where(
                Scorecard.interview_session_id == candidate.session_id, Scorecard.author_id == author
            ))):
                continue
            ai = float(candidate.overall_score if candidate.overall_score is not None else 60)
            points = (ai - 45 if ai >= 50 else ai + 45) if offset is FAR else ai + offset
            self.scorecard(candidate.job_id, candidate, author, points, submitted)
            added = True
        return added

    def scorecard(self, job_id: int, candidate: Row, author: int, points: float, submitted: bool) -> None:
        attributes = self.s.scalars(
            select(ScorecardAttribute.id).where(ScorecardAttribute.job_id == job_id).order_by(
                ScorecardAttribute.position
            )
        ).all()
        # Keyed on the interview and author, so a rerun after the authors came back draws the same ratings.
        rng = random.Random(f"{candidate.session_id}:{author}")
        base = 1 + 3 * max(0.0, min(100.0, points)) / 100
        ratings = [max(1, min(4, round(base + rng.choice((-0.5, 0, 0, 0.4))))) for _ in attributes]
        mean = sum(ratings) / len(ratings) if ratings else 2.5
        recommendation = (
            "strong_no" if mean < 1.75 else "no" if mean < 2.5 else "yes" if mean < 3.25 else "strong_yes"
        )
        # Written the evening after the interview (sooner for one that just ended).
        written = candidate.session_end + min(timedelta(hours=7), (self.now - candidate.session_end) * 0.4)
        card = Scorecard(
            interview_session_id=candidate.session_id, author_id=author,
            recommendation=recommendation if submitted else None,
            notes=SCORECARD_NOTES[recommendation] if submitted else "",
            submitted_at=written if submitted else None, created_at=written, updated_at=written,
        )
        self.s.add(card)
        self.s.flush()
        self.s.add_all(
            ScorecardRating(scorecard_id=card.id, attribute_id=attribute_id, rating=rating)
            for attribute_id, rating in zip(attributes, ratings, strict=True)
        )

    # --- notes, overrides, the edited email ----------------------------------------------

    def threads(self) -> None:
        for index, (where, place, notes) in enumerate(NOTE_THREADS):
            candidate = self.pick(where, place)
            if candidate is None:
                continue
            body = None
            for position, (email, body, hours) in enumerate(notes):
                at = min(candidate.session_end + timedelta(hours=hours), self.now - timedelta(minutes=30))
                note = InterviewNote(
                    interview_session_id=candidate.session_id, author_id=self.people[email], body=body, created_at=at
                )
                self.s.add(note)
                if index == 0 and position == 0:
                    # The author sharpened their first note a little later; the earlier text is kept.
                    self.s.flush()
                    edited = min(at + timedelta(minutes=40), self.now - timedelta(minutes=20))
                    note.edited_at = edited
                    self.s.add(InterviewNoteEdit(note_id=note.id, body=EDITED_NOTE_FIRST_TEXT,
                                                 edited_by_id=self.people[email], edited_at=edited))
            # The interview's documented notes keep the thread's latest note as the summary.
            self.s.execute(
                update(InterviewSession).where(InterviewSession.id == candidate.session_id).values(
                    interviewer_notes=body
                )
            )

    def overrides(self) -> None:
        for title, place, kind, email, reason in OVERRIDES:
            candidate = self.pick(title, place)
            if candidate is None:
                continue
            at = self.later(candidate.completed_at, 2)
            self.s.execute(
                pg_insert(RankingOverride)
                .values(job_id=self.jobs[title], candidate_id=candidate.candidate_id, kind=kind, reason=reason,
                        created_by_id=self.people[email], created_at=at)
                .on_conflict_do_nothing(index_elements=["job_id", "candidate_id"])
            )

    def template(self) -> None:
        at = self.now - timedelta(days=20)
        self.s.execute(
            pg_insert(PipelineEmailTemplate)
            .values(company_id=self.company_id, kind="rejection", updated_by_id=self.people[cat.RECRUITER_EMAIL],
                    updated_at=at, **REJECTION_TEMPLATE)
            .on_conflict_do_nothing(constraint="pipeline_emailtemplate_company_kind_key")
        )
