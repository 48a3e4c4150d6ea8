"""Notifications: in-app notifications and per-event email preferences.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 22:15:00

Tables of our own:

- `notification_notification`: one thing that happened (an interview completed, a candidate
  answered an invitation, a mention in a notes thread, a pipeline decision), for one user, with
  an app path to open; unread until `read_at`. `email_due` marks the rows the trigger below
  made for users who want that kind by email: the job queue mails them (pending_emails).
- `notification_preference`: per user and kind, whether they want it by email too (no row: no).

The interview engine writes `interview_interviewsession` itself, so an AFTER UPDATE trigger
notifies, when an interview becomes completed, the company's owners, the job's hiring team (of
the roles that see the job) and the interviewers assigned to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'interview_completed', 'invitation_answered', 'mentioned', 'decision_made'"

UPGRADE = [
    f"""
    CREATE TABLE notification_notification (
        id SERIAL PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        company_id INTEGER REFERENCES company_company (id) ON DELETE CASCADE,
        kind VARCHAR(30) NOT NULL CONSTRAINT notification_notification_kind_check CHECK (kind IN ({KINDS})),
        title VARCHAR(200) NOT NULL,
        body VARCHAR(500) NOT NULL DEFAULT '',
        url VARCHAR(500) NOT NULL
            CONSTRAINT notification_notification_url_check CHECK (url LIKE '/%' AND url NOT LIKE '//%'),
        created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        read_at TIMESTAMP WITH TIME ZONE,
        email_due BOOLEAN NOT NULL DEFAULT false
    )
    """,
    "CREATE INDEX idx_notification_notification_user ON notification_notification (user_id, created_at DESC, id DESC)",
    ("CREATE INDEX idx_notification_notification_unread ON notification_notification (user_id, created_at DESC)"
    " WHERE read_at IS NULL"),
    "CREATE INDEX idx_notification_notification_email_due ON notification_notification (id) WHERE email_due",
    "CREATE INDEX idx_notification_notification_company ON notification_notification (company_id)",
    f"""
    CREATE TABLE notification_preference (
        user_id INTEGER NOT NULL REFERENCES users_user (id) ON DELETE CASCADE,
        kind VARCHAR(30) NOT NULL CONSTRAINT notification_preference_kind_check CHECK (kind IN ({KINDS})),
        email BOOLEAN NOT NULL DEFAULT false,
        PRIMARY KEY (user_id, kind)
    )
    """,
    # Who hears of a completed interview: owners; admins, recruiters and hiring managers on the job's
    # team; admins, recruiters and interviewers assigned to it. Never someone the interview is out of
    # reach of (a hiring manager off the team, an interviewer not assigned).
    """
    CREATE FUNCTION notification_interview_completed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        job company_job%ROWTYPE;
        candidate text;
    BEGIN
        SELECT * INTO job FROM company_job WHERE id = NEW.job_id;
        IF NOT FOUND OR job.company_id IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT coalesce(nullif(btrim(concat_ws(' ', u.first_name, u.last_name)), ''), u.email) INTO candidate
        FROM users_user u WHERE u.id = NEW.user_id;
        INSERT INTO notification_notification (user_id, company_id, kind, title, body, url, email_due)
        SELECT m.user_id, job.company_id, 'interview_completed',
               left('Interview completed: ' || coalesce(candidate, 'a candidate'), 200),
               left(coalesce(candidate, 'A candidate') || ' finished the AI interview for ' || job.title || '.', 500),
               '/interviews/' || NEW.session_id,
               coalesce(p.email, false)
        FROM company_member m
        LEFT JOIN notification_preference p ON p.user_id = m.user_id AND p.kind = 'interview_completed'
        WHERE m.company_id = job.company_id
          AND (m.role = 'owner'
               OR (m.role IN ('admin', 'recruiter', 'hiring_manager') AND EXISTS (
                   SELECT 1 FROM company_jobteam t WHERE t.job_id = job.id AND t.user_id = m.user_id))
               OR (m.role IN ('admin', 'recruiter', 'interviewer') AND EXISTS (
                   SELECT 1 FROM interview_assignment a
                   WHERE a.interview_session_id = NEW.id AND a.user_id = m.user_id)));
        RETURN NULL;
    END
    $$
    """,
    ("CREATE TRIGGER notification_interview_completed AFTER UPDATE OF status ON interview_interviewsession"
    " FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed'"
    " AND NEW.job_id IS NOT NULL AND NEW.is_practice IS NOT TRUE)"
    " EXECUTE FUNCTION notification_interview_completed()"),
]

DOWNGRADE = [
    "DROP TRIGGER notification_interview_completed ON interview_interviewsession",
    "DROP FUNCTION notification_interview_completed()",
    "DROP TABLE notification_preference",
    "DROP TABLE notification_notification",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
