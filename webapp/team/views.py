"""The company's team: members, invitations and their links, the company switcher, the company's audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from webapp import db
from webapp.admin.queries import page_of
from webapp.auth import services as auth_services
from webapp.dateranges import BadQueryParameter
from webapp.models import CompanyInvitation
from webapp.pagination import page_number
from webapp.team import invitations, queries, services
from webapp.team.forms import ConfirmForm, InviteForm, JoinForm, RoleForm, SwitchForm
from webapp.team.membership import activate, current_membership, member_required, memberships_of, require_membership
from webapp.team.policy import ROLE_LABELS, ROLE_SUMMARIES, allows, roles_a_member_may_grant

bp = Blueprint("team", __name__)

PAGE = "team/members.html"


@bp.app_template_global()
def member_companies() -> list[tuple[int, str, bool]]:
    """(id, name, active) of the logged-in employer's companies, for the header's switcher (full pages only)."""
    membership = current_membership()
    if membership is None:
        return []
    return [(company_id, name, company_id == membership.company_id)
            for company_id, name, _role in memberships_of(current_user.id)]


@bp.context_processor
def _helpers() -> dict:
    return {"role_labels": ROLE_LABELS, "utc": _utc}


def _utc(moment: datetime | None, fmt: str = "%Y-%m-%d") -> str:
    return moment.astimezone(UTC).strftime(fmt) if moment else "—"


# --- the members page --------------------------------------------------------------------


def _invite_form(membership, formdata=None) -> InviteForm:
    form = InviteForm(formdata=formdata) if formdata is not None else InviteForm(formdata=None)
    return form.set_choices(roles_a_member_may_grant(membership.role),
                            queries.company_jobs(db.session(), membership.company_id))


def _members_page(status: int = 200, invite_form: InviteForm | None = None, error: str | None = None,
                  resend_offer: CompanyInvitation | None = None):
    membership = require_membership()
    session = db.session()
    company = membership.company
    now = datetime.now(UTC)
    rows = session.execute(queries.select_members(company.id)).all()
    open_invitations = session.scalars(queries.select_open_invitations(company.id)).all()
    job_ids = {job_id for invitation in open_invitations for job_id in invitation.job_ids or ()}
    may_manage = membership.can("members.manage")
    return render_template(
        PAGE,
        company=company,
        membership=membership,
        members=rows,
        invitations=[(invitation, invitations.state(invitation, now)) for invitation in open_invitations],
        job_titles=queries.job_titles(session, job_ids),
        seats=services.seats(session, company),
        summaries=ROLE_SUMMARIES,
        may_manage=may_manage,
        may_manage_owners=membership.can("members.manage_owners"),
        grantable=roles_a_member_may_grant(membership.role),
        invite_form=invite_form or _invite_form(membership),
        role_form=RoleForm(formdata=None),
        confirm_form=ConfirmForm(formdata=None),
        error=error,
        resend_offer=resend_offer,
    ), status


@bp.get("/company/members")
@member_required("members.view")
def members():
    return _members_page()


@bp.post("/company/members/invite")
@member_required("members.manage")
def invite():
    membership = require_membership()
    form = _invite_form(membership, request.form)
    if not form.validate():
        return _members_page(422, invite_form=form)
    session = db.session()
    try:
        invitation, _secret = services.invite(session, membership.company_id, current_user, form.email.data,
                                              form.role.data, form.chosen_jobs())
    except services.TeamError as error:
        session.rollback()
        if error.status == 404:
            abort(404)
        offer = session.get(CompanyInvitation, error.invitation_id) if error.invitation_id else None
        if error.field:
            form[error.field].errors = [*form[error.field].errors, error.message]
        return _members_page(error.status, invite_form=form, error=error.message, resend_offer=offer)
    session.commit()
    flash(f"Invitation sent to {invitation.email} as {ROLE_LABELS[invitation.role]}. The link works for "
          f"{invitations.VALID_FOR.days} days.", "success")
    return redirect(url_for("team.members"), 303)


def _refused(error: services.TeamError):
    """A refused change: 404 for what is not (or no longer) there, else the page with the reason."""
    db.session.rollback()
    if error.status == 404:
        abort(404)
    return _members_page(error.status, error=error.message)


@bp.post("/company/invitations/<int:invitation_id>/resend")
@member_required("members.manage")
def resend(invitation_id: int):
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    try:
        invitation, _secret = services.resend(db.session(), require_membership().company_id, current_user,
                                              invitation_id)
    except services.TeamError as error:
        return _refused(error)
    db.session.commit()
    flash(f"A new invitation link went to {invitation.email}; the previous link no longer works.", "success")
    return redirect(url_for("team.members"), 303)


@bp.route("/company/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@member_required("members.manage")
def revoke(invitation_id: int):
    membership = require_membership()
    session = db.session()
    invitation = queries.open_invitation(session, membership.company_id, invitation_id)
    if invitation is None:
        abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate():
        return render_template("team/confirm.html", action="revoke", invitation=invitation, form=form)
    try:
        services.revoke(session, membership.company_id, current_user, invitation_id)
    except services.TeamError as error:
        return _refused(error)
    session.commit()
    flash(f"The invitation to {invitation.email} is revoked; its link no longer works.", "success")
    return redirect(url_for("team.members"), 303)


@bp.post("/company/members/<int:member_id>/role")
@member_required("members.manage")
def change_role(member_id: int):
    membership = require_membership()
    session = db.session()
    if queries.member(session, membership.company_id, member_id) is None:
        abort(404)
    form = RoleForm()
    if not form.validate():
        abort(400)
    try:
        member = services.change_role(session, membership.company_id, current_user, member_id, form.role.data or "")
    except services.TeamError as error:
        return _refused(error)
    session.commit()
    if member is None:
        flash("Nothing changed: they already have that role.", "info")
    else:
        flash(f"{member.user.full_name} is now {ROLE_LABELS[member.role]}.", "success")
    return _back_to_the_team()


@bp.route("/company/members/<int:member_id>/remove", methods=["GET", "POST"])
@member_required("members.manage")
def remove(member_id: int):
    membership = require_membership()
    session = db.session()
    member = queries.member(session, membership.company_id, member_id)
    if member is None:
        abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate():
        return render_template("team/confirm.html", action="remove", member=member, user=member.user,
                               is_account=member.user_id == membership.company.user_id, form=form)
    try:
        user = services.remove(session, membership.company_id, current_user, member_id)
    except services.TeamError as error:
        return _refused(error)
    session.commit()
    flash(f"{user.full_name} is no longer a member of {membership.company.company_name}.", "success")
    return _back_to_the_team()


def _back_to_the_team():
    """The Team page, unless the change took it from the actor (their own role or membership): the dashboard."""
    g.pop("membership", None)  # read at the start of the request, before the change
    still = current_membership()
    if still is None or not still.can("members.view"):
        return redirect(url_for("dashboard.index"), 303)
    return redirect(url_for("team.members"), 303)


# --- switching the active company --------------------------------------------------------


@bp.post("/company/switch")
@login_required
def switch():
    if current_user.role != "employer":
        abort(403)
    form = SwitchForm()
    if not form.validate():
        abort(400)
    chosen = next((row for row in memberships_of(current_user.id) if row[0] == form.company_id.data), None)
    if chosen is None:
        abort(404)  # not one of theirs: nothing tells a foreign company from a missing one
    activate(chosen[0])
    flash(f"You are now working in {chosen[1]} as {ROLE_LABELS[chosen[2]]}.", "success")
    return redirect(url_for("dashboard.index"), 303)


# --- the company's audit log -------------------------------------------------------------


@bp.get("/company/audit")
@member_required("audit.view")
def audit():
    membership = require_membership()
    session = db.session()
    choices = queries.member_choices(session, membership.company_id)
    raw_member = request.args.get("member", "").strip()
    try:
        requested = page_number(request.args.get("page", ""))
    except BadQueryParameter as error:
        return render_template("team/audit.html", error=str(error), choices=choices, member=None, rows=[],
                               page=None, state={}), 400
    member = int(raw_member) if raw_member.isascii() and raw_member.isdigit() and len(raw_member) < 10 else None
    if raw_member and member not in {user_id for user_id, _ in choices}:
        return render_template("team/audit.html", error="Choose one of the company's members.", choices=choices,
                               member=None, rows=[], page=None, state={}), 400
    total = session.scalar(queries.select_audit_count(membership.company_id, member))
    page = page_of(total, requested, queries.AUDIT_PER_PAGE)
    rows = session.execute(
        queries.select_audit_events(membership.company_id, member, page.per_page, page.offset)
    ).all()
    state = {"member": member} if member is not None else {}
    return render_template("team/audit.html", choices=choices, member=member, rows=rows, page=page, state=state,
                           error=None)


# --- the invitation link -----------------------------------------------------------------


def _problem(problem: services.InvitationProblem):
    db.session.rollback()
    return render_template("team/invitation_problem.html", state=problem.state,
                           invitation=problem.invitation), problem.status


def _link_page(token: str, invitation: CompanyInvitation, join_form: JoinForm | None = None,
               error: str | None = None, status: int = 200):
    """What the holder of an open link sees: join, log in, log out, or register."""
    session = db.session()
    if current_user.is_authenticated:
        mine = current_user.email.lower() == invitation.email.lower()
        situation = ("join" if current_user.role == "employer" else "wrong_kind") if mine else "someone_else"
    elif queries.user_by_email(session, invitation.email) is not None:
        situation = "log_in"
    else:
        situation = "register"
        join_form = join_form or JoinForm(formdata=None)
    return render_template(
        "team/invitation.html",
        token=token,
        invitation=invitation,
        company=invitation.company,
        role=ROLE_LABELS[invitation.role],
        summary=ROLE_SUMMARIES[invitation.role],
        situation=situation,
        form=join_form,
        confirm_form=ConfirmForm(formdata=None),
        error=error,
    ), status


@bp.get("/invitations/<token>")
def invitation(token: str):
    try:
        found = services.find_invitation(db.session(), token)
    except services.InvitationProblem as problem:
        return _problem(problem)
    return _link_page(token, found)


@bp.post("/invitations/<token>")
def accept(token: str):
    """Join: a logged-in invitee at once; a visitor without an account through the registration form."""
    session = db.session()
    try:
        found = services.find_invitation(session, token)
    except services.InvitationProblem as problem:
        return _problem(problem)
    if current_user.is_authenticated:
        if not ConfirmForm().validate():
            abort(400)
        try:
            company, _ = services.accept(session, token, current_user)
        except services.InvitationProblem as problem:
            return _problem(problem)
        except services.TeamError as error:
            session.rollback()
            return _link_page(token, found, error=error.message, status=error.status)
        activate(company.id)
        session.commit()
        flash(f"Welcome to {company.company_name}: you joined as {ROLE_LABELS[found.role]}.", "success")
        return redirect(url_for("dashboard.index"), 303)
    if queries.user_by_email(session, found.email) is not None:
        flash("Log in to accept the invitation.", "info")
        return redirect(url_for("auth.login", next=url_for("team.invitation", token=token)), 303)
    form = JoinForm()
    if not form.validate():
        return _link_page(token, found, join_form=form, status=422)
    data = services.NewAccount(
        form.first_name.data, form.last_name.data, form.username.data, form.password.data, form.time_zone.data
    )
    try:
        company, user = services.register_and_accept(session, token, data)
    except services.InvitationProblem as problem:
        return _problem(problem)
    except services.TeamError as error:
        session.rollback()
        if error.field:
            form[error.field].errors = [*form[error.field].errors, error.message]
        return _link_page(token, found, join_form=form, error=error.message, status=error.status)
    except IntegrityError:
        # A sign-up that skipped the locks took the name or address a moment ago.
        session.rollback()
        return _link_page(token, found, join_form=form, error="This username or address was just taken. "
                          "Choose another username, or log in.", status=409)
    auth_services.complete_login(session, user)
    activate(company.id)  # after the login: it starts a fresh cookie
    session.commit()
    flash(f"Welcome to JobHive, {user.first_name}: you joined {company.company_name} as "
          f"{ROLE_LABELS[found.role]}.", "success")
    return redirect(url_for("dashboard.index"), 303)
