"""Decisions: a pipeline per job, human scorecards, a notes thread and ranking overrides.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 16:30:00

No documented table changes (`interviewer_notes` keeps the latest note as a summary, and the
rollups fill `interview_interviewstatistics`' conversion, time-to-hire and offer columns from
the decisions). Tables of our own:

- `pipeline_stage`: the stages of a job's pipeline, in order (`job_id` NULL: the company's
  default, which new jobs copy). Built-in kinds (applied, ai_interview, review,
  team_interview, offer, hired) appear at most once per job; `custom` stages any number of times.
- `pipeline_candidate`: a candidate's place on a job: the stage, since when, and whether they
  are still in the running (active) or were rejected or withdrew. `version` grows with every
  move, so two people moving the same card at once cannot both win.
- `pipeline_decision`: every move with who, when, why; the funnel and the rollups read it.
- `pipeline_reason`: the company's list of rejection and withdrawal reasons.
- `pipeline_emailtemplate`: the company's edited rejection and offer emails (the defaults
  live in code until edited).
- `interview_scorecardattribute`: what a job's scorecards rate (1-4 each).
- `interview_scorecard` and `interview_scorecardrating`: one scorecard per interview and
  member, a draft until submitted.
- `interview_note` and `interview_noteedit`: the notes thread of an interview, with every
  earlier text of an edited note.
- `rankings_override`: a person's pin or exclusion of a candidate on a job's ranking, with
  the reason; the AI's numbers are never changed.

Triggers give every company default stages and reasons, every new job its stages and
scorecard attributes, and put a candidate on the job's pipeline (at the AI interview stage)
when their first real interview for it is created, moving them to Review when an interview
completes while they are still at the AI interview. Existing data is backfilled.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGE_KINDS = "'applied', 'ai_interview', 'review', 'team_interview', 'offer', 'hired', 'custom'"
STATUSES = "'active', 'rejected', 'withdrawn'"
ACTIONS = "'entered', 'moved', 'rejected', 'withdrawn', 'reopened'"
REASON_KINDS = "'rejection', 'withdrawal'"
TEMPLATE_KINDS = "'rejection', 'offer'"
RECOMMENDATIONS = "'strong_no', 'no', 'yes', 'strong_yes'"
OVERRIDE_KINDS = "'pin', 'exclude'"

TABLES = [
    f"""
    CREATE TABLE pipeline_stage (
        id SERIAL PRIMARY KEY,
        company_id INTEGER NOT NULL REFERENCES company_company (id) ON DELETE CASCADE,
        job_id INTEGER REFERENCES company_job (id) ON DELETE CASCADE,
        name VARCHAR(60) NOT NULL,
        kind VARCHAR(20) NOT NULL CONSTRAINT pipeline_stage_kind_check CHECK (kind IN ({STAGE_KINDS})),
        position SMALLINT NOT NULL,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX idx_pipeline_stage_job ON pipeline_stage (job_id, position) WHERE job_id IS NOT NULL",
    "CREATE INDEX idx_pipeline_stage_company_default ON pipeline_stage (company_id, position) WHERE job_id IS NULL",
    "CREATE UNIQUE INDEX idx_pipeline_stage_job_kind ON pipeline_stage (job_id, kind)"
    " WHERE job_id IS NOT NULL AND kind <> 'custom'",
    "CREATE UNIQUE INDEX idx_pipeline_stage_default_kind ON pipeline_stage (company_id, kind)"
    " WHERE job_id IS NULL AND kind <> 'custom'",
    f"""
    CREATE TABLE pipeline_candidate (
        id SERIAL PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES company_job (id) ON DELETE CASCADE,
        candidate_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        stage_id INTEGER NOT NULL REFERENCES pipeline_stage (id),
        status VARCHAR(12) NOT NULL DEFAULT 'active'
            CONSTRAINT pipeline_candidate_status_check CHECK (status IN ({STATUSES})),
        entered_stage_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        closed_at TIMESTAMP WITH TIME ZONE,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT pipeline_candidate_job_candidate_key UNIQUE (job_id, candidate_id)
    )
    """,
    "CREATE INDEX idx_pipeline_candidate_board ON pipeline_candidate (job_id, status, stage_id, entered_stage_at)",
    "CREATE INDEX idx_pipeline_candidate_stage ON pipeline_candidate (stage_id)",
    "CREATE INDEX idx_pipeline_candidate_candidate ON pipeline_candidate (candidate_id)",
    f"""
    CREATE TABLE pipeline_decision (
        id BIGSERIAL PRIMARY KEY,
        pipeline_candidate_id INTEGER NOT NULL REFERENCES pipeline_candidate (id) ON DELETE CASCADE,
        company_id INTEGER NOT NULL REFERENCES company_company (id) ON DELETE CASCADE,
        job_id INTEGER NOT NULL REFERENCES company_job (id) ON DELETE CASCADE,
        action VARCHAR(12) NOT NULL CONSTRAINT pipeline_decision_action_check CHECK (action IN ({ACTIONS})),
        from_stage_id INTEGER REFERENCES pipeline_stage (id) ON DELETE SET NULL,
        to_stage_id INTEGER REFERENCES pipeline_stage (id) ON DELETE SET NULL,
        from_kind VARCHAR(20),
        to_kind VARCHAR(20),
        reason TEXT,
        decided_by_id INTEGER REFERENCES users_user (id) ON DELETE SET NULL,
        decided_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX idx_pipeline_decision_candidate ON pipeline_decision (pipeline_candidate_id, decided_at)",
    "CREATE INDEX idx_pipeline_decision_company ON pipeline_decision (company_id, decided_at)",
    "CREATE INDEX idx_pipeline_decision_job ON pipeline_decision (job_id, decided_at)",
    f"""
    CREATE TABLE pipeline_reason (
        id SERIAL PRIMARY KEY,
        company_id INTEGER NOT NULL REFERENCES company_company (id) ON DELETE CASCADE,
        kind VARCHAR(12) NOT NULL CONSTRAINT pipeline_reason_kind_check CHECK (kind IN ({REASON_KINDS})),
        label VARCHAR(120) NOT NULL,
        position SMALLINT NOT NULL DEFAULT 0,
        archived_at TIMESTAMP WITH TIME ZONE,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
    )
    """,
    "CREATE UNIQUE INDEX idx_pipeline_reason_label ON pipeline_reason (company_id, kind, lower(label))",
    f"""
    CREATE TABLE pipeline_emailtemplate (
        id SERIAL PRIMARY KEY,
        company_id INTEGER NOT NULL REFERENCES company_company (id) ON DELETE CASCADE,
        kind VARCHAR(12) NOT NULL CONSTRAINT pipeline_emailtemplate_kind_check CHECK (kind IN ({TEMPLATE_KINDS})),
        subject VARCHAR(200) NOT NULL,
        body TEXT NOT NULL,
        updated_by_id INTEGER REFERENCES users_user (id) ON DELETE SET NULL,
        updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT pipeline_emailtemplate_company_kind_key UNIQUE (company_id, kind)
    )
    """,
    """
    CREATE TABLE interview_scorecardattribute (
        id SERIAL PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES company_job (id) ON DELETE CASCADE,
        name VARCHAR(80) NOT NULL,
        position SMALLINT NOT NULL DEFAULT 0,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
    )
    """,
    "CREATE UNIQUE INDEX idx_interview_scorecardattribute_name ON interview_scorecardattribute (job_id, lower(name))",
    f"""
    CREATE TABLE interview_scorecard (
        id SERIAL PRIMARY KEY,
        interview_session_id INTEGER NOT NULL REFERENCES interview_interviewsession (id) ON DELETE CASCADE,
        author_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        recommendation VARCHAR(12)
            CONSTRAINT interview_scorecard_recommendation_check CHECK (recommendation IN ({RECOMMENDATIONS})),
        notes TEXT NOT NULL DEFAULT '',
        submitted_at TIMESTAMP WITH TIME ZONE,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT interview_scorecard_session_author_key UNIQUE (interview_session_id, author_id),
        CONSTRAINT interview_scorecard_submitted_check CHECK (submitted_at IS NULL OR recommendation IS NOT NULL)
    )
    """,
    "CREATE INDEX idx_interview_scorecard_author ON interview_scorecard (author_id)",
    """
    CREATE TABLE interview_scorecardrating (
        scorecard_id INTEGER NOT NULL REFERENCES interview_scorecard (id) ON DELETE CASCADE,
        attribute_id INTEGER NOT NULL REFERENCES interview_scorecardattribute (id) ON DELETE CASCADE,
        rating SMALLINT NOT NULL CONSTRAINT interview_scorecardrating_rating_check CHECK (rating BETWEEN 1 AND 4),
        PRIMARY KEY (scorecard_id, attribute_id)
    )
    """,
    "CREATE INDEX idx_interview_scorecardrating_attribute ON interview_scorecardrating (attribute_id)",
    """
    CREATE TABLE interview_note (
        id SERIAL PRIMARY KEY,
        interview_session_id INTEGER NOT NULL REFERENCES interview_interviewsession (id) ON DELETE CASCADE,
        author_id INTEGER REFERENCES users_user (id) ON DELETE SET NULL,
        body TEXT NOT NULL CONSTRAINT interview_note_body_check CHECK (length(btrim(body)) > 0),
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        edited_at TIMESTAMP WITH TIME ZONE
    )
    """,
    "CREATE INDEX idx_interview_note_session ON interview_note (interview_session_id, created_at)",
    """
    CREATE TABLE interview_noteedit (
        id SERIAL PRIMARY KEY,
        note_id INTEGER NOT NULL REFERENCES interview_note (id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        edited_by_id INTEGER REFERENCES users_user (id) ON DELETE SET NULL,
        edited_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX idx_interview_noteedit_note ON interview_noteedit (note_id, edited_at)",
    f"""
    CREATE TABLE rankings_override (
        job_id INTEGER NOT NULL REFERENCES company_job (id) ON DELETE CASCADE,
        candidate_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        kind VARCHAR(10) NOT NULL CONSTRAINT rankings_override_kind_check CHECK (kind IN ({OVERRIDE_KINDS})),
        reason TEXT NOT NULL CONSTRAINT rankings_override_reason_check CHECK (length(btrim(reason)) > 0),
        created_by_id INTEGER REFERENCES users_user (id) ON DELETE SET NULL,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, candidate_id)
    )
    """,
    "CREATE INDEX idx_rankings_override_candidate ON rankings_override (candidate_id)",
]

# The built-in defaults, in SQL so triggers, the backfill and bench-data share them.
DEFAULTS = [
    """
    CREATE FUNCTION pipeline_builtin_stages() RETURNS TABLE ("position" smallint, name varchar, kind varchar)
    LANGUAGE sql IMMUTABLE AS $$
        VALUES (1::smallint, 'Applied'::varchar, 'applied'::varchar), (2, 'AI interview', 'ai_interview'),
               (3, 'Review', 'review'), (4, 'Team interview', 'team_interview'), (5, 'Offer', 'offer'),
               (6, 'Hired', 'hired')
    $$
    """,
    """
    CREATE FUNCTION pipeline_builtin_reasons() RETURNS TABLE (kind varchar, "position" smallint, label varchar)
    LANGUAGE sql IMMUTABLE AS $$
        VALUES ('rejection'::varchar, 1::smallint, 'Skills do not match the role'::varchar),
               ('rejection', 2, 'Not enough experience'),
               ('rejection', 3, 'Another candidate was a better fit'),
               ('rejection', 4, 'The position was filled or closed'),
               ('rejection', 5, 'Salary expectations too far apart'),
               ('withdrawal', 1, 'Accepted another offer'),
               ('withdrawal', 2, 'Compensation'),
               ('withdrawal', 3, 'Personal reasons'),
               ('withdrawal', 4, 'Stopped responding')
    $$
    """,
    """
    CREATE FUNCTION pipeline_builtin_attributes() RETURNS TABLE ("position" smallint, name varchar)
    LANGUAGE sql IMMUTABLE AS $$
        VALUES (1::smallint, 'Technical skills'::varchar), (2, 'Problem solving'), (3, 'Communication'),
               (4, 'Collaboration')
    $$
    """,
]

TRIGGERS = [
    # A new company starts with the built-in stages and reasons as its defaults.
    """
    CREATE FUNCTION pipeline_company_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO pipeline_stage (company_id, job_id, name, kind, position)
        SELECT NEW.id, NULL, s.name, s.kind, s.position FROM pipeline_builtin_stages() s;
        INSERT INTO pipeline_reason (company_id, kind, label, position)
        SELECT NEW.id, r.kind, r.label, r.position FROM pipeline_builtin_reasons() r;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER pipeline_company_defaults AFTER INSERT ON company_company"
    " FOR EACH ROW EXECUTE FUNCTION pipeline_company_defaults()",
    # A new job copies its company's default stages (or the built-in ones) and gets the
    # built-in scorecard attributes.
    """
    CREATE FUNCTION pipeline_job_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO pipeline_stage (company_id, job_id, name, kind, position)
        SELECT NEW.company_id, NEW.id, s.name, s.kind, s.position
        FROM pipeline_stage s WHERE s.company_id = NEW.company_id AND s.job_id IS NULL;
        IF NOT FOUND THEN
            INSERT INTO pipeline_stage (company_id, job_id, name, kind, position)
            SELECT NEW.company_id, NEW.id, s.name, s.kind, s.position FROM pipeline_builtin_stages() s;
        END IF;
        INSERT INTO interview_scorecardattribute (job_id, name, position)
        SELECT NEW.id, a.name, a.position FROM pipeline_builtin_attributes() a;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER pipeline_job_defaults AFTER INSERT ON company_job"
    " FOR EACH ROW WHEN (NEW.company_id IS NOT NULL) EXECUTE FUNCTION pipeline_job_defaults()",
    # A candidate's first real interview for a job puts them on its pipeline.
    """
    CREATE FUNCTION pipeline_enter_candidate() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        stage pipeline_stage%ROWTYPE;
        entry_id integer;
        at timestamptz := coalesce(NEW.created_at, now());
    BEGIN
        SELECT * INTO stage FROM pipeline_stage
        WHERE job_id = NEW.job_id ORDER BY (kind = 'ai_interview') DESC, position LIMIT 1;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        INSERT INTO pipeline_candidate (job_id, candidate_id, stage_id, entered_stage_at, created_at, updated_at)
        VALUES (NEW.job_id, NEW.user_id, stage.id, at, at, at)
        ON CONFLICT (job_id, candidate_id) DO NOTHING
        RETURNING id INTO entry_id;
        IF entry_id IS NOT NULL THEN
            INSERT INTO pipeline_decision (pipeline_candidate_id, company_id, job_id, action, to_stage_id, to_kind,
                                           decided_at)
            VALUES (entry_id, stage.company_id, NEW.job_id, 'entered', stage.id, stage.kind, at);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER pipeline_enter_candidate AFTER INSERT ON interview_interviewsession"
    " FOR EACH ROW WHEN (NEW.job_id IS NOT NULL AND NEW.user_id IS NOT NULL AND NEW.is_practice IS NOT TRUE)"
    " EXECUTE FUNCTION pipeline_enter_candidate()",
    # A completed AI interview moves a candidate still waiting at the AI interview to Review.
    """
    CREATE FUNCTION pipeline_interview_completed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        entry pipeline_candidate%ROWTYPE;
        review pipeline_stage%ROWTYPE;
        at timestamptz := coalesce(NEW.end_time, now());
    BEGIN
        SELECT c.* INTO entry FROM pipeline_candidate c JOIN pipeline_stage s ON s.id = c.stage_id
        WHERE c.job_id = NEW.job_id AND c.candidate_id = NEW.user_id AND c.status = 'active'
          AND s.kind = 'ai_interview'
        FOR UPDATE OF c;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        SELECT * INTO review FROM pipeline_stage WHERE job_id = NEW.job_id AND kind = 'review';
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        UPDATE pipeline_candidate
        SET stage_id = review.id, entered_stage_at = at, version = version + 1, updated_at = now()
        WHERE id = entry.id;
        INSERT INTO pipeline_decision (pipeline_candidate_id, company_id, job_id, action, from_stage_id, to_stage_id,
                                       from_kind, to_kind, reason, decided_at)
        VALUES (entry.id, review.company_id, NEW.job_id, 'moved', entry.stage_id, review.id, 'ai_interview',
                'review', 'AI interview completed', at);
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER pipeline_interview_completed AFTER UPDATE OF status ON interview_interviewsession"
    " FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed'"
    " AND NEW.job_id IS NOT NULL AND NEW.user_id IS NOT NULL AND NEW.is_practice IS NOT TRUE)"
    " EXECUTE FUNCTION pipeline_interview_completed()",
]

# Existing companies, jobs, candidates and notes, set-based (also run by bench-data after its load).
BACKFILL = [
    """
    INSERT INTO pipeline_stage (company_id, job_id, name, kind, position)
    SELECT c.id, NULL, s.name, s.kind, s.position FROM company_company c CROSS JOIN pipeline_builtin_stages() s
    WHERE NOT EXISTS (SELECT 1 FROM pipeline_stage p WHERE p.company_id = c.id AND p.job_id IS NULL)
    """,
    """
    INSERT INTO pipeline_reason (company_id, kind, label, position)
    SELECT c.id, r.kind, r.label, r.position FROM company_company c CROSS JOIN pipeline_builtin_reasons() r
    WHERE NOT EXISTS (SELECT 1 FROM pipeline_reason p WHERE p.company_id = c.id)
    """,
    """
    INSERT INTO pipeline_stage (company_id, job_id, name, kind, position)
    SELECT j.company_id, j.id, s.name, s.kind, s.position FROM company_job j CROSS JOIN pipeline_builtin_stages() s
    WHERE j.company_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM pipeline_stage p WHERE p.job_id = j.id)
    """,
    """
    INSERT INTO interview_scorecardattribute (job_id, name, position)
    SELECT j.id, a.name, a.position FROM company_job j CROSS JOIN pipeline_builtin_attributes() a
    WHERE NOT EXISTS (SELECT 1 FROM interview_scorecardattribute x WHERE x.job_id = j.id)
    """,
    # Candidates with a completed interview wait at Review, the others at the AI interview.
    """
    INSERT INTO pipeline_candidate (job_id, candidate_id, stage_id, entered_stage_at, created_at, updated_at)
    SELECT e.job_id, e.user_id, s.id, coalesce(e.completed_at, e.first_at), e.first_at, e.first_at
    FROM (
        SELECT i.job_id, i.user_id, min(coalesce(i.created_at, i.start_time, now())) AS first_at,
               max(coalesce(i.end_time, i.completion_time, i.start_time)) FILTER (WHERE i.status = 'completed')
                   AS completed_at
        FROM interview_interviewsession i
        WHERE i.job_id IS NOT NULL AND i.user_id IS NOT NULL AND i.is_practice IS NOT TRUE
        GROUP BY i.job_id, i.user_id
    ) e
    JOIN pipeline_stage s ON s.job_id = e.job_id
     AND s.kind = CASE WHEN e.completed_at IS NULL THEN 'ai_interview' ELSE 'review' END
    ON CONFLICT (job_id, candidate_id) DO NOTHING
    """,
    """
    INSERT INTO pipeline_decision (pipeline_candidate_id, company_id, job_id, action, to_stage_id, to_kind, decided_at)
    SELECT c.id, s.company_id, c.job_id, 'entered', a.id, 'ai_interview', c.created_at
    FROM pipeline_candidate c
    JOIN pipeline_stage s ON s.id = c.stage_id
    JOIN pipeline_stage a ON a.job_id = c.job_id AND a.kind = 'ai_interview'
    WHERE NOT EXISTS (SELECT 1 FROM pipeline_decision d WHERE d.pipeline_candidate_id = c.id)
    """,
    """
    INSERT INTO pipeline_decision (pipeline_candidate_id, company_id, job_id, action, from_stage_id, to_stage_id,
                                   from_kind, to_kind, reason, decided_at)
    SELECT c.id, s.company_id, c.job_id, 'moved', a.id, s.id, 'ai_interview', 'review', 'AI interview completed',
           c.entered_stage_at
    FROM pipeline_candidate c
    JOIN pipeline_stage s ON s.id = c.stage_id AND s.kind = 'review'
    JOIN pipeline_stage a ON a.job_id = c.job_id AND a.kind = 'ai_interview'
    WHERE NOT EXISTS (SELECT 1 FROM pipeline_decision d WHERE d.pipeline_candidate_id = c.id AND d.action = 'moved')
    """,
    # The shared notes so far become each interview's first note (author unknown).
    """
    INSERT INTO interview_note (interview_session_id, author_id, body, created_at)
    SELECT i.id, NULL, i.interviewer_notes, coalesce(i.updated_at, i.created_at, now())
    FROM interview_interviewsession i
    WHERE length(btrim(coalesce(i.interviewer_notes, ''))) > 0
      AND NOT EXISTS (SELECT 1 FROM interview_note n WHERE n.interview_session_id = i.id)
    """,
]

DOWNGRADE = [
    "DROP TRIGGER pipeline_interview_completed ON interview_interviewsession",
    "DROP FUNCTION pipeline_interview_completed()",
    "DROP TRIGGER pipeline_enter_candidate ON interview_interviewsession",
    "DROP FUNCTION pipeline_enter_candidate()",
    "DROP TRIGGER pipeline_job_defaults ON company_job",
    "DROP FUNCTION pipeline_job_defaults()",
    "DROP TRIGGER pipeline_company_defaults ON company_company",
    "DROP FUNCTION pipeline_company_defaults()",
    "DROP FUNCTION pipeline_builtin_attributes()",
    "DROP FUNCTION pipeline_builtin_reasons()",
    "DROP FUNCTION pipeline_builtin_stages()",
    "DROP TABLE rankings_override",
    "DROP TABLE interview_noteedit",
    "DROP TABLE interview_note",
    "DROP TABLE interview_scorecardrating",
    "DROP TABLE interview_scorecard",
    "DROP TABLE interview_scorecardattribute",
    "DROP TABLE pipeline_emailtemplate",
    "DROP TABLE pipeline_reason",
    "DROP TABLE pipeline_decision",
    "DROP TABLE pipeline_candidate",
    "DROP TABLE pipeline_stage",
]


def upgrade() -> None:
    for statement in TABLES + DEFAULTS + TRIGGERS + BACKFILL:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
