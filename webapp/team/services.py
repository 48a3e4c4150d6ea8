"""Member rules and writes: invite, resend, revoke, change role, remove, accept. Nothing here commits.

Every change to a company's members first locks the company row (SELECT ... FOR UPDATE), then
reads what it checks (owners left, seats taken, the actor's own role) inside that lock: two owners
demoting each other at once, or ten invitations sent at once, are decided one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from webapp import mail, timezones
from webapp.accounts import queries as account_queries
from webapp.audit import services as audit
from webapp.auth.passwords import hash_password
from webapp.billing.usage import plan_in_force
from webapp.models import Company, CompanyInvitation, CompanyMember, JobTeamMember, User
from webapp.team import invitations, queries
from webapp.team.policy import HIRING_MANAGER, MEMBER_ROLES, OWNER, ROLE_LABELS, allows, roles_a_member_may_grant

INVITATION_SUBJECT = "You are invited to join {company} on JobHive"


class TeamError(Exception):
    """A refused member change: `message` for people, the HTTP `status`, the form `field` it is about."""

    def __init__(self, message: str, status: int = 422, field: str | None = None, invitation_id: int | None = None):
        super().__init__(message)
        self.message, self.status, self.field, self.invitation_id = message, status, field, invitation_id


class InvitationProblem(Exception):
    """A link that names no open invitation: `state` is invalid, expired, revoked or accepted."""

    def __init__(self, state: str, invitation: CompanyInvitation | None = None):
        super().__init__(state)
        self.state, self.invitation = state, invitation

    @property
    def status(self) -> int:
        return 404 if self.state == "invalid" else 410


def _now() -> datetime:
    return datetime.now(UTC)


# --- seats -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seats:
    used: int
    limit: int | None  # None: unlimited

    @property
    def full(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    @property
    def text(self) -> str:
        if self.limit is None:
            return f"{self.used} seat{'s' if self.used != 1 else ''} used (no limit on your plan)"
        return f"{self.used} of {self.limit} seats"


def seat_limit(session: Session, company: Company) -> int | None:
    """The seat limit of the plan in force for the company's account (0 or no row: unlimited)."""
    if company.user is None:
        return None
    plan = plan_in_force(session, company.user).plan
    if plan is None:
        return None
    return queries.seat_limit_of_plan(session, plan.id) or None


def seats(session: Session, company: Company) -> Seats:
    return Seats(queries.seats_used(session, company.id, _now()), seat_limit(session, company))


def _check_seats(session: Session, company: Company) -> None:
    taken = seats(session, company)
    if taken.full:
        raise TeamError(
            f"Every seat of your plan is taken ({taken.text}). Revoke an invitation, remove a member "
            "or move to a plan with more seats.",
            402,
        )


# --- helpers -----------------------------------------------------------------------------


def _locked(session: Session, company_id: int) -> Company:
    company = queries.lock_company(session, company_id)
    if company is None:
        raise TeamError("This company no longer exists.", 404)
    return company


def _actor_role(session: Session, company_id: int, actor: User, action: str) -> str:
    """The actor's role read inside the lock: a role taken away a moment ago counts."""
    role = queries.member_role(session, company_id, actor.id)
    if not allows(role, action):
        raise TeamError("Your role in this company no longer allows this change.", 403)
    return role


def _record(session: Session, action: str, actor: User, target, company_id: int, **details) -> None:
    # The company is named explicitly: an invitee accepting is not yet active in it.
    event = audit.record(session, action, actor=actor, target=target, details={"by": actor.full_name, **details})
    event.company_id = company_id


def _send(session: Session, company: Company, invitation: CompanyInvitation, secret: str, actor: User) -> None:
    body = render_template(
        "team/mail/invitation.txt",
        company=company,
        invitation=invitation,
        role=ROLE_LABELS[invitation.role],
        inviter=actor.full_name,
        link=invitations.link(secret),
        days=invitations.VALID_FOR.days,
    )
    mail.send(session, invitation.email, INVITATION_SUBJECT.format(company=company.company_name), body)


def _owner_guard(session: Session, company: Company, target: CompanyMember, verb: str, user: User) -> None:
    if target.role == OWNER and queries.count_owners(session, company.id) <= 1:
        raise TeamError(
            f"{user.full_name} is the only owner of {company.company_name}: make someone else an owner "
            f"before you {verb} them. A company always keeps at least one owner.",
            409,
        )


# --- invitations -------------------------------------------------------------------------


def invite(
    session: Session, company_id: int, actor: User, email: str, role: str, job_ids: list[int]
) -> tuple[CompanyInvitation, str]:
    """Invite `email` with `role` and mail the link; returns the invitation and its link secret."""
    company = _locked(session, company_id)
    actor_role = _actor_role(session, company_id, actor, "members.manage")
    if role not in roles_a_member_may_grant(actor_role):
        raise TeamError("Only owners can invite an owner.", 403, field="role")
    email = email.lower()
    existing = queries.user_by_email(session, email)
    if existing is not None and queries.is_member(session, company_id, existing.id):
        raise TeamError(f"{email} is already a member of {company.company_name}.", 422, field="email")
    if existing is not None and existing.role != "employer":
        raise TeamError(
            "This address belongs to a candidate or administrator account, which cannot join a company. "
            "Invite a work address instead.",
            422,
            field="email",
        )
    pending = queries.open_invitation_for(session, company_id, email)
    if pending is not None:
        expired = invitations.state(pending, _now()) == invitations.EXPIRED
        raise TeamError(
            f"{email} already has an {'expired ' if expired else ''}invitation. You can send it again instead.",
            409,
            field="email",
            invitation_id=pending.id,
        )
    _check_seats(session, company)
    secret, digest = invitations.new_secret()
    now = _now()
    invitation = CompanyInvitation(
        company_id=company_id,
        email=email,
        role=role,
        job_ids=queries.jobs_of_company(session, company_id, job_ids) if role == HIRING_MANAGER else [],
        token_digest=digest,
        invited_by_id=actor.id,
        sent_at=now,
        expires_at=now + invitations.VALID_FOR,
    )
    session.add(invitation)
    session.flush()
    _record(session, "member.invited", actor, invitation, company_id, email=email, role=role)
    _send(session, company, invitation, secret, actor)
    return invitation, secret


def _open_invitation(session: Session, company_id: int, invitation_id: int) -> CompanyInvitation:
    invitation = queries.open_invitation(session, company_id, invitation_id, lock=True)
    if invitation is None:
        raise TeamError("This invitation was accepted or revoked meanwhile.", 404)
    return invitation


def resend(session: Session, company_id: int, actor: User, invitation_id: int) -> tuple[CompanyInvitation, str]:
    """A new secret (the old link stops working), seven more days, mailed again."""
    company = _locked(session, company_id)
    actor_role = _actor_role(session, company_id, actor, "members.manage")
    invitation = _open_invitation(session, company_id, invitation_id)
    if invitation.role not in roles_a_member_may_grant(actor_role):
        raise TeamError("Only owners can resend an invitation to become an owner.", 403)
    if invitations.state(invitation, _now()) == invitations.EXPIRED:
        _check_seats(session, company)  # an expired invitation held no seat; renewed, it takes one again
    secret, digest = invitations.new_secret()
    now = _now()
    invitation.token_digest, invitation.sent_at, invitation.expires_at = digest, now, now + invitations.VALID_FOR
    _record(session, "member.invitation_resent", actor, invitation, company_id, email=invitation.email,
            role=invitation.role)
    _send(session, company, invitation, secret, actor)
    return invitation, secret


def revoke(session: Session, company_id: int, actor: User, invitation_id: int) -> CompanyInvitation:
    _locked(session, company_id)
    actor_role = _actor_role(session, company_id, actor, "members.manage")
    invitation = _open_invitation(session, company_id, invitation_id)
    if invitation.role not in roles_a_member_may_grant(actor_role):
        raise TeamError("Only owners can revoke an invitation to become an owner.", 403)
    invitation.revoked_at = _now()
    _record(session, "member.invitation_revoked", actor, invitation, company_id, email=invitation.email,
            role=invitation.role)
    return invitation


# --- members -----------------------------------------------------------------------------


def _member(session: Session, company_id: int, member_id: int) -> CompanyMember:
    member = queries.member(session, company_id, member_id, lock=True)
    if member is None:
        raise TeamError("This person is no longer a member of the company.", 404)
    return member


def change_role(session: Session, company_id: int, actor: User, member_id: int, role: str) -> CompanyMember | None:
    """Give a member another role; None when they already have it."""
    if role not in MEMBER_ROLES:
        raise TeamError("Choose one of the roles listed.", 422, field="role")
    company = _locked(session, company_id)
    member = _member(session, company_id, member_id)
    if member.role == role:
        return None
    user = session.get(User, member.user_id)
    if role != OWNER:
        _owner_guard(session, company, member, "demote", user)
    actor_role = _actor_role(session, company_id, actor, "members.manage")
    if OWNER in (member.role, role) and not allows(actor_role, "members.manage_owners"):
        raise TeamError("Only owners can make someone an owner or change an owner's role.", 403)
    previous, member.role = member.role, role
    member.updated_at = func.now()
    _record(session, "member.role_changed", actor, member, company_id, member=user.full_name, email=user.email,
            old_role=previous, new_role=role)
    return member


def remove(session: Session, company_id: int, actor: User, member_id: int) -> User:
    """Remove a member with their job teams and interview assignments in this company; returns who."""
    company = _locked(session, company_id)
    member = _member(session, company_id, member_id)
    user = session.get(User, member.user_id)
    if member.user_id == company.user_id:
        raise TeamError(
            f"{user.full_name} created {company.company_name} and holds its account and subscription, so they "
            "cannot be removed. You can change their role instead.",
            422,
        )
    _owner_guard(session, company, member, "remove", user)
    actor_role = _actor_role(session, company_id, actor, "members.manage")
    if member.role == OWNER and not allows(actor_role, "members.manage_owners"):
        raise TeamError("Only owners can remove an owner.", 403)
    queries.delete_member_work(session, company_id, member.user_id)
    session.delete(member)
    _record(session, "member.removed", actor, member, company_id, member=user.full_name, email=user.email,
            role=member.role)
    session.flush()
    return user


# --- the link ----------------------------------------------------------------------------


def find_invitation(session: Session, secret: str) -> CompanyInvitation:
    """The open invitation of a link (not locked), or InvitationProblem."""
    invitation = (
        queries.invitation_by_digest(session, invitations.digest(secret)) if invitations.well_formed(secret) else None
    )
    if invitation is None:
        raise InvitationProblem("invalid")
    state = invitations.state(invitation, _now())
    if state != invitations.PENDING:
        raise InvitationProblem(state, invitation)
    return invitation


def _locked_invitation(session: Session, secret: str) -> tuple[Company, CompanyInvitation]:
    """Lock the company, then the invitation, and check it is still open: a second click waits, then reads used."""
    invitation = find_invitation(session, secret)
    company = _locked(session, invitation.company_id)
    invitation = queries.invitation_by_digest(session, invitations.digest(secret), lock=True)
    if invitation is None:  # resent meanwhile: this link's secret is gone
        raise InvitationProblem("invalid")
    state = invitations.state(invitation, _now())
    if state != invitations.PENDING:
        raise InvitationProblem(state, invitation)
    return company, invitation


def accept(session: Session, secret: str, user: User) -> tuple[Company, CompanyInvitation]:
    """`user` (whose address the invitation names) joins the company with the invitation's role."""
    company, invitation = _locked_invitation(session, secret)
    if user.email.lower() != invitation.email.lower():
        raise TeamError(f"This invitation is for {invitation.email}, not for the account you are logged in with.",
                        403)
    if user.role != "employer":
        raise TeamError("A candidate or administrator account cannot join a company.", 403)
    _join(session, company, invitation, user)
    return company, invitation


def _join(session: Session, company: Company, invitation: CompanyInvitation, user: User) -> None:
    if not queries.is_member(session, company.id, user.id):
        session.add(CompanyMember(company_id=company.id, user_id=user.id, role=invitation.role))
    if invitation.role == HIRING_MANAGER:
        for job_id in queries.jobs_of_company(session, company.id, list(invitation.job_ids or [])):
            session.execute(
                insert(JobTeamMember)
                .values(job_id=job_id, user_id=user.id, team_role=HIRING_MANAGER)
                .on_conflict_do_nothing()
            )
    invitation.accepted_at, invitation.accepted_by_id = _now(), user.id
    session.flush()
    _record(session, "member.joined", user, invitation, company.id, member=user.full_name, email=user.email,
            role=invitation.role)


@dataclass(frozen=True)
class NewAccount:
    first_name: str
    last_name: str
    username: str
    password: str
    time_zone: str = timezones.UTC_NAME  # the browser's, already checked


USERNAME_TAKEN = "This username is taken. Please choose another."


def register_and_accept(session: Session, secret: str, data: NewAccount) -> tuple[Company, User]:
    """Create an employer account for the invited address (verified: the link proves it) and join."""
    password_hash = hash_password(data.password)
    invitation = find_invitation(session, secret)
    email = invitation.email.lower()
    # The same locks as a sign-up (webapp.accounts.services.register): one step with racing sign-ups.
    for key in sorted({f"users_user.email:{email}", f"users_user.username:{data.username.lower()}"}):
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))
    company, invitation = _locked_invitation(session, secret)
    if queries.user_by_email(session, email) is not None:
        raise TeamError("An account with this address exists now: log in to accept the invitation.", 409)
    if session.scalar(account_queries.select_user_id_by_username(data.username)) is not None:
        raise TeamError(USERNAME_TAKEN, 422, field="username")
    user = User(
        username=data.username,
        email=email,
        password=password_hash,
        first_name=data.first_name,
        last_name=data.last_name,
        role="employer",
        is_verified=True,
        is_staff=False,
        is_active=True,
        auth_provider="email",
        social_links={},
    )
    session.add(user)
    session.flush()
    timezones.store(session, user.id, data.time_zone)
    _record(session, "user.registered", user, user, company.id, role=user.role, invitation=invitation.id)
    _join(session, company, invitation, user)
    return company, user
