"""Which assessment types count toward the ranking's technical score: a flag the admin sets.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:40:00

The technical score used to take the interview assessments whose type was named
"Technical..." (`ILIKE 'technical%'`), so renaming a type silently moved its
scores in or out of every ranking, and nothing marked those rankings stale.

rankings_technicalassessmenttype: one row per assessment type that counts as
technical, set on the admin catalog's assessment type form. The documented
interview_assessmenttype is untouched; a type's delete takes its row along
(ON DELETE CASCADE). Filled here from the old name rule, so no ranking changes.

Changing the set is a result change: statement triggers (as in migrations 0003
and 0009) mark stale, in rankings_stalecandidate, every (job, candidate) with a
counting interview that has an assessment of an added or removed type; the next
read of the rankings recomputes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What makes a session count for its job's ranking (rankings/queries.py `held`, migration 0009).
COUNTS = "s.status = 'completed' AND s.is_practice IS NOT TRUE AND s.job_id IS NOT NULL AND s.user_id IS NOT NULL"


def _mark(rows: str) -> str:
    # The join skips jobs being deleted; interview_interviewassessment is indexed on assessment_type_id.
    return (
        "INSERT INTO rankings_stalecandidate (job_id, candidate_id) SELECT DISTINCT j.id, s.user_id "
        f"FROM (SELECT DISTINCT assessment_type_id FROM {rows}) r "
        "JOIN interview_interviewassessment a ON a.assessment_type_id = r.assessment_type_id "
        "JOIN interview_interviewsession s ON s.id = a.interview_session_id "
        f"JOIN company_job j ON j.id = s.job_id WHERE {COUNTS} "
        "ON CONFLICT (job_id, candidate_id) DO NOTHING;"
    )


BODIES = {
    "insert": ("NEW TABLE AS new_rows", _mark("new_rows")),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", _mark("new_rows") + _mark("old_rows")),
    "delete": ("OLD TABLE AS old_rows", _mark("old_rows")),
}


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE rankings_technicalassessmenttype (
            assessment_type_id INTEGER NOT NULL,
            CONSTRAINT rankings_technicalassessmenttype_pkey PRIMARY KEY (assessment_type_id),
            CONSTRAINT rankings_technicalassessmenttype_assessment_type_id_fkey FOREIGN KEY (assessment_type_id)
                REFERENCES interview_assessmenttype (id) ON DELETE CASCADE
        )
        """
    )
    # Before the triggers: the old rule's types, so every stored ranking stays as it is.
    op.execute(
        "INSERT INTO rankings_technicalassessmenttype (assessment_type_id) "
        "SELECT id FROM interview_assessmenttype WHERE name ILIKE 'technical%'"
    )
    branches = "".join(f"IF TG_OP = '{event.upper()}' THEN {body} END IF; " for event, (_, body) in BODIES.items())
    op.execute(
        "CREATE FUNCTION rankings_stale_by_technical_type() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {branches} RETURN NULL; END $$"
    )
    for event, (transition, _) in BODIES.items():
        op.execute(
            f"CREATE TRIGGER rankings_stale_on_{event} AFTER {event.upper()} ON rankings_technicalassessmenttype "
            f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION rankings_stale_by_technical_type()"
        )


def downgrade() -> None:
    op.execute("DROP TABLE rankings_technicalassessmenttype")
    op.execute("DROP FUNCTION rankings_stale_by_technical_type()")
