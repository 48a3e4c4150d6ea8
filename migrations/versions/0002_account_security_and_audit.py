"""Account security and audit tables (none in the schema document; `<app>_<model>` names).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 16:50:54

users_loginsession (revocable server-side login sessions), users_loginattempt
(throttling shared by all processes), users_recoverycode and
users_twofactorstate (two-factor), audit_auditevent (audit log) and
mail_outboxmessage (the development outbox). Checked against the models with
autogenerate; no documented table changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('mail_outboxmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('mail_outboxmessage_pkey'))
    )
    op.create_index('idx_mail_outboxmessage_created_at', 'mail_outboxmessage', ['created_at'], unique=False)
    op.create_table('audit_auditevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target_type', sa.String(length=64), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users_user.id'], name=op.f('audit_auditevent_actor_id_fkey'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('audit_auditevent_pkey'))
    )
    op.create_index('idx_audit_auditevent_action', 'audit_auditevent', ['action', 'created_at'], unique=False)
    op.create_index('idx_audit_auditevent_actor', 'audit_auditevent', ['actor_id', 'created_at'], unique=False)
    op.create_index('idx_audit_auditevent_created_at', 'audit_auditevent', ['created_at'], unique=False)
    op.create_table('users_loginattempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users_user.id'], name=op.f('users_loginattempt_user_id_fkey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('users_loginattempt_pkey'))
    )
    op.create_index('idx_users_loginattempt_email', 'users_loginattempt', ['email', 'created_at'], unique=False)
    op.create_index('idx_users_loginattempt_ip', 'users_loginattempt', ['ip_address', 'created_at'], unique=False)
    op.create_index('idx_users_loginattempt_user', 'users_loginattempt', ['user_id', 'kind', 'created_at'], unique=False)
    op.create_table('users_loginsession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users_user.id'], name=op.f('users_loginsession_user_id_fkey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('users_loginsession_pkey')),
    sa.UniqueConstraint('token_hash', name=op.f('users_loginsession_token_hash_key'))
    )
    op.create_index('idx_users_loginsession_user', 'users_loginsession', ['user_id', 'revoked_at'], unique=False)
    op.create_table('users_recoverycode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users_user.id'], name=op.f('users_recoverycode_user_id_fkey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('users_recoverycode_pkey'))
    )
    op.create_index('idx_users_recoverycode_user', 'users_recoverycode', ['user_id'], unique=False)
    op.create_table('users_twofactorstate',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_accepted_step', sa.BigInteger(), nullable=True),
    sa.Column('enabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users_user.id'], name=op.f('users_twofactorstate_user_id_fkey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('users_twofactorstate_pkey'))
    )


def downgrade() -> None:
    op.drop_table('users_twofactorstate')
    op.drop_index('idx_users_recoverycode_user', table_name='users_recoverycode')
    op.drop_table('users_recoverycode')
    op.drop_index('idx_users_loginsession_user', table_name='users_loginsession')
    op.drop_table('users_loginsession')
    op.drop_index('idx_users_loginattempt_user', table_name='users_loginattempt')
    op.drop_index('idx_users_loginattempt_ip', table_name='users_loginattempt')
    op.drop_index('idx_users_loginattempt_email', table_name='users_loginattempt')
    op.drop_table('users_loginattempt')
    op.drop_index('idx_audit_auditevent_created_at', table_name='audit_auditevent')
    op.drop_index('idx_audit_auditevent_actor', table_name='audit_auditevent')
    op.drop_index('idx_audit_auditevent_action', table_name='audit_auditevent')
    op.drop_table('audit_auditevent')
    op.drop_index('idx_mail_outboxmessage_created_at', table_name='mail_outboxmessage')
    op.drop_table('mail_outboxmessage')
