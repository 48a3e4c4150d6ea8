"""Hiring teams: company members with roles, invitations, job teams, assigned interviewers, seats.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 14:30:00

No documented table changes: `company_company.user_id` stays the account that created the
company and holds its subscription. Tables of our own:

- `company_member`: who works in which company, with which role (owner, admin, recruiter,
  hiring_manager, interviewer). A user may belong to several companies. Every existing
  company's account becomes its first owner, and a trigger does the same for companies
  created from here on (by the app, the demo seed, bench-data or the interview engine).
- `company_invitation`: an invitation by email with a role (and jobs, for a hiring manager);
  only a digest of its single-use link is stored. At most one open invitation per address
  and company (a partial unique index), so two clicks on "Invite" cannot send two.
- `company_jobteam`: a job's hiring managers and interviewers.
- `interview_assignment`: the interviewers assigned to an interview.
- `billing_planseatlimit`: a plan's seat count (members plus open invitations; no row or 0
  is unlimited), a limit of our own beside the documented plan columns.
- `audit_auditevent.company_id`: the company an event happened in, so a company's audit page
  reads its own events along an index (NULL for platform events).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = "'owner', 'admin', 'recruiter', 'hiring_manager', 'interviewer'"
TEAM_ROLES = "'hiring_manager', 'interviewer'"

UPGRADE = [
    f"""
    CREATE TABLE company_member (
        id SERIAL PRIMARY KEY,
        company_id INTEGER NOT NULL REFERENCES company_company (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        role VARCHAR(20) NOT NULL CONSTRAINT company_member_role_check CHECK (role IN ({ROLES})),
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT company_member_company_user_key UNIQUE (company_id, user_id)
    )
    """,
    "CREATE INDEX idx_company_member_user ON company_member (user_id, company_id)",
    f"""
    CREATE TABLE company_invitation (
        id SERIAL PRIMARY KEY,
        company_id INTEGER NOT NULL REFERENCES company_company (id) ON DELETE CASCADE,
        email VARCHAR(254) NOT NULL,
        role VARCHAR(20) NOT NULL CONSTRAINT company_invitation_role_check CHECK (role IN ({ROLES})),
        job_ids INTEGER[] NOT NULL DEFAULT '{{}}',
        token_digest VARCHAR(64) NOT NULL CONSTRAINT company_invitation_token_digest_key UNIQUE,
        invited_by_id INTEGER REFERENCES users_user (id) ON DELETE SET NULL,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        sent_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
        accepted_at TIMESTAMP WITH TIME ZONE,
        accepted_by_id INTEGER REFERENCES users_user (id) ON DELETE SET NULL,
        revoked_at TIMESTAMP WITH TIME ZONE
    )
    """,
    "CREATE UNIQUE INDEX idx_company_invitation_open ON company_invitation (company_id, lower(email))"
    " WHERE accepted_at IS NULL AND revoked_at IS NULL",
    "CREATE INDEX idx_company_invitation_company ON company_invitation (company_id, created_at DESC)",
    f"""
    CREATE TABLE company_jobteam (
        job_id INTEGER NOT NULL REFERENCES company_job (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        team_role VARCHAR(20) NOT NULL CONSTRAINT company_jobteam_team_role_check CHECK (team_role IN ({TEAM_ROLES})),
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, user_id)
    )
    """,
    "CREATE INDEX idx_company_jobteam_user ON company_jobteam (user_id, job_id)",
    """
    CREATE TABLE interview_assignment (
        interview_session_id INTEGER NOT NULL REFERENCES interview_interviewsession (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        assigned_by_id INTEGER REFERENCES users_user (id) ON DELETE SET NULL,
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        PRIMARY KEY (interview_session_id, user_id)
    )
    """,
    "CREATE INDEX idx_interview_assignment_user ON interview_assignment (user_id, interview_session_id)",
    """
    CREATE TABLE billing_planseatlimit (
        plan_id INTEGER PRIMARY KEY REFERENCES billing_subscriptionplan (id) ON DELETE CASCADE,
        seat_limit INTEGER NOT NULL CONSTRAINT billing_planseatlimit_seat_limit_check CHECK (seat_limit >= 0)
    )
    """,
    "ALTER TABLE audit_auditevent ADD COLUMN company_id INTEGER"
    " REFERENCES company_company (id) ON DELETE SET NULL",
    "CREATE INDEX idx_audit_auditevent_company ON audit_auditevent (company_id, created_at DESC)"
    " WHERE company_id IS NOT NULL",
    "CREATE INDEX idx_audit_auditevent_company_actor ON audit_auditevent (company_id, actor_id, created_at DESC)"
    " WHERE company_id IS NOT NULL",
    # Every company has an owner from the start: the account that created it.
    """
    CREATE FUNCTION company_member_add_owner() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO company_member (company_id, user_id, role)
        VALUES (NEW.id, NEW.user_id, 'owner')
        ON CONFLICT (company_id, user_id) DO NOTHING;
        RETURN NULL;
    END
    $$
    """,
    "CREATE TRIGGER company_member_add_owner AFTER INSERT ON company_company"
    " FOR EACH ROW WHEN (NEW.user_id IS NOT NULL) EXECUTE FUNCTION company_member_add_owner()",
    "INSERT INTO company_member (company_id, user_id, role, created_at)"
    " SELECT id, user_id, 'owner', coalesce(created_at, now()) FROM company_company WHERE user_id IS NOT NULL"
    " ON CONFLICT (company_id, user_id) DO NOTHING",
]

DOWNGRADE = [
    "DROP TRIGGER company_member_add_owner ON company_company",
    "DROP FUNCTION company_member_add_owner()",
    "DROP INDEX idx_audit_auditevent_company_actor",
    "DROP INDEX idx_audit_auditevent_company",
    "ALTER TABLE audit_auditevent DROP COLUMN company_id",
    "DROP TABLE billing_planseatlimit",
    "DROP TABLE interview_assignment",
    "DROP TABLE company_jobteam",
    "DROP TABLE company_invitation",
    "DROP TABLE company_member",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
