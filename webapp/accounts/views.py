"""Accounts: sign-up, email verification, password reset and change, the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask import session as cookie
from flask_login import current_user, login_required, logout_user
from sqlalchemy.exc import IntegrityError

from webapp import db, timezones, uploads
from webapp.accounts import queries, services
from webapp.accounts.forms import (
    SOCIAL_LINKS,
    AvatarForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    ProfileForm,
    RegistrationForm,
    ResendVerificationForm,
    ResetPasswordForm,
    TimeZoneForm,
)
from webapp.audit.services import client_ip
from webapp.auth import sessions as login_sessions
from webapp.auth import throttle
from webapp.htmx import hx_redirect, render_page_or_block, wants_block
from webapp.team.membership import current_membership

bp = Blueprint("accounts", __name__)

FORGOT_SENT = (
    "If an account exists for that address, we have sent it a link to reset the password. The link works for one hour."
)
SIGNED_UP_KEY = "signed_up_email"  # the address the check-email page names
PROVIDER_LABELS = {"google": "Google", "github": "GitHub", "linkedin": "LinkedIn", "microsoft": "Microsoft"}


def _add_errors(form, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        form[name].errors = [*form[name].errors, message]


def _submitted_status(form) -> int:
    return 422 if form.is_submitted() else 200


def _link_problem(message: str, kind: str):
    return render_template("accounts/link_problem.html", message=message, kind=kind), 400


def _back_to_referrer() -> str:
    """The same-site page the request came from (a form in the banner), else the dashboard."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc == request.host and parts.path.startswith("/") and not parts.path.startswith("//"):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("dashboard.index")


# --- sign-up and verification ------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Sign up; a new address and a taken one get the same answer (see services.register)."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        session = db.session()
        blocked = throttle.admit(session, throttle.SIGN_UP, client_ip(), email=form.email.data)
        if blocked:
            session.rollback()
            return _throttled("accounts/register.html", blocked, form=form)
        errors: dict[str, str] = {}
        try:
            with session.begin_nested():  # a refused sign-up is undone; its counted attempt stays
                services.register(session, _registration(form))
        except services.AccountError as error:
            errors = error.errors
        except IntegrityError as error:
            # A sign-up that skipped our lock won the race: for the email, that is the answer for a taken one.
            field = services.taken_field(error)
            if field is None:
                raise
            if field == "username":
                errors = {"username": services.USERNAME_TAKEN}
        session.commit()
        _add_errors(form, errors)
        if not errors:
            cookie[SIGNED_UP_KEY] = form.email.data.lower()
            return redirect(url_for("accounts.check_email"), 303)
    return render_template("accounts/register.html", form=form), _submitted_status(form)


@bp.route("/register/check-email")
def check_email():
    """What every sign-up is told: a message is on its way to the address."""
    email = cookie.get(SIGNED_UP_KEY)
    if not isinstance(email, str):
        return redirect(url_for("accounts.register"))
    return render_template("accounts/check_email.html", email=email)


def _throttled(template: str, blocked, **context):
    """The page again with the reason, as 429 with Retry-After; nothing was written."""
    body = render_template(template, throttled=blocked.message, **context)
    return body, 429, {"Retry-After": blocked.retry_after}


def _registration(form: RegistrationForm) -> services.Registration:
    # Built field by field from the form: nothing else in the request (role, is_staff, ...) is read.
    employer = form.account_type.data == "employer"
    return services.Registration(
        account_type=form.account_type.data,
        username=form.username.data,
        email=form.email.data,
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        password=form.password.data,
        company_name=form.company_name.data if employer else None,
        time_zone=timezones.checked(form.time_zone.data),
    )


@bp.route("/verify/<token>")
def verify(token: str):
    session = db.session()
    try:
        user = services.verify_email(session, token)
        session.commit()
    except services.TokenError as error:
        session.rollback()
        return _link_problem(str(error), "verify")
    flash(f"Thank you: {user.email} is verified.", "success")
    return redirect(url_for("dashboard.index") if current_user.is_authenticated else url_for("auth.login"))


@bp.route("/account/verify/resend", methods=["POST"])
@login_required
def resend_verification():
    form = ResendVerificationForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_verified:
        notice, category = "Your email address is already verified.", "info"
    else:
        session = db.session()
        blocked = throttle.admit(
            session, throttle.VERIFICATION_MAIL, client_ip(), email=current_user.email, user_id=current_user.id
        )
        if blocked:
            session.rollback()
            if wants_block():
                body = render_template(
                    "accounts/_unverified_banner.html", notice=blocked.message, notice_category="warning"
                )
            else:
                body = render_template("accounts/throttled.html", message=blocked.message, back=_back_to_referrer())
            return body, 429, {"Retry-After": blocked.retry_after}
        wait = services.resend_verification(session, current_user)
        session.commit()
        if wait is None:
            notice, category = f"We sent a new verification link to {current_user.email}.", "success"
        else:
            minutes = max(1, round(wait.total_seconds() / 60))
            notice = (
                "We sent you a link only a few minutes ago: check your inbox and spam folder, "
                f"or ask again in {minutes} minute{'s' if minutes != 1 else ''}."
            )
            category = "warning"
    if wants_block():
        return render_template("accounts/_unverified_banner.html", notice=notice, notice_category=category)
    flash(notice, category)
    return redirect(_back_to_referrer(), 303)


# --- password reset ----------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        session = db.session()
        blocked = throttle.admit(session, throttle.PASSWORD_RESET, client_ip(), email=form.email.data)
        if blocked:
            session.rollback()
            return _throttled("accounts/forgot_password.html", blocked, form=form, sent=None)
        services.request_password_reset(session, form.email.data)
        session.commit()
        # The same answer whether or not the account exists.
        return render_template(
            "accounts/forgot_password.html", form=ForgotPasswordForm(formdata=None), sent=FORGOT_SENT
        )
    return render_template("accounts/forgot_password.html", form=form, sent=None), _submitted_status(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    session = db.session()
    try:
        user = services.user_for_reset(session, token)
    except services.TokenError as error:
        return _link_problem(str(error), "reset")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(session, user, form.password.data)
        session.commit()
        if current_user.is_authenticated:
            # This browser's session was revoked with all the others; forget it here too.
            logout_user()
            cookie.clear()
        flash(
            "Your password has been reset and every session was logged out. Log in with your new password.", "success"
        )
        return redirect(url_for("auth.login"))
    return render_template("accounts/reset_password.html", form=form, user=user), _submitted_status(form)


# --- the account page --------------------------------------------------------------


def _profile_form() -> ProfileForm:
    links = current_user.social_links or {}
    data = {"first_name": current_user.first_name, "last_name": current_user.last_name}
    return ProfileForm(formdata=None, data=data | {key: links.get(key) for key, _label, _hosts in SOCIAL_LINKS})


def _account_page(
    profile_form=None, avatar_form=None, *, block: str = "content", status: int = 200, time_zone_form=None, **extra
):
    connections = db.session.scalars(queries.select_connections(current_user.id)).all()
    return render_page_or_block(
        "accounts/show.html",
        block,
        status=status,
        profile_form=profile_form or _profile_form(),
        avatar_form=avatar_form or AvatarForm(formdata=None),
        time_zone_form=time_zone_form or TimeZoneForm(formdata=None, time_zone=timezones.current_name()),
        time_zone_label=timezones.offset_label(timezones.current_zone()),
        remove_avatar_form=ConfirmForm(formdata=None),
        has_avatar=uploads.stored_path(services.AVATAR_FOLDER, current_user.avatar) is not None,
        connections=connections,
        provider_labels=PROVIDER_LABELS,
        social_links=SOCIAL_LINKS,
        active_sessions=login_sessions.active_sessions(db.session(), current_user),
        session_limits=login_sessions.limits_in_words(current_user),
        **extra,
    )


@bp.route("/account")
@login_required
def show():
    return _account_page()


@bp.route("/account", methods=["POST"])
@login_required
def update():
    form = ProfileForm()
    if not form.validate_on_submit():
        return _account_page(profile_form=form, block="profile_form", status=422)
    services.update_profile(db.session(), current_user, form.first_name.data, form.last_name.data, form.social_links())
    db.session.commit()
    if wants_block():
        return _account_page(block="profile_form", saved=True)
    flash("Your profile has been saved.", "success")
    return redirect(url_for("accounts.show"), 303)


@bp.route("/account/time-zone", methods=["POST"])
@login_required
def update_time_zone():
    """Save the zone times are shown and read in; an unknown zone is refused (400) and nothing is written."""
    form = TimeZoneForm()
    if not form.validate_on_submit():
        return _account_page(time_zone_form=form, status=400)
    changed = services.set_time_zone(db.session(), current_user, form.time_zone.data, timezones.current_name())
    db.session.commit()
    timezones.forget()
    zone = timezones.offset_label(timezones.current_zone())
    flash(f"Your time zone is now {zone}." if changed else f"Your time zone stays {zone}.", "success")
    return redirect(url_for("accounts.show", _anchor="time-zone"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            ended = services.change_password(session, current_user, form.current_password.data, form.password.data)
            session.commit()
        except services.AccountError as error:
            session.commit()  # keeps the failed attempt for throttling; nothing else was written
            _add_errors(form, error.errors)
            if isinstance(error, services.PasswordCheckThrottled):
                return render_template("accounts/change_password.html", form=form), 429
        else:
            others = f" {ended} other session{'s were' if ended != 1 else ' was'} logged out." if ended else ""
            flash(f"Your password has been changed.{others}", "success")
            return redirect(url_for("accounts.show"), 303)
    return render_template("accounts/change_password.html", form=form), _submitted_status(form)


@bp.route("/account/avatar", methods=["POST"])
@login_required
def update_avatar():
    form = AvatarForm()
    if form.validate_on_submit():
        try:
            name = services.save_avatar(form.avatar.data)
        except services.AccountError as error:
            _add_errors(form, error.errors)
        else:
            old = services.set_avatar(db.session(), current_user, name)
            try:
                db.session.commit()
            except Exception:
                uploads.delete_upload(services.AVATAR_FOLDER, name)
                raise
            uploads.delete_upload(services.AVATAR_FOLDER, old)  # only once the new name is committed
            flash("Your photo has been updated.", "success")
            return redirect(url_for("accounts.show"), 303)
    return _account_page(avatar_form=form, status=422)


@bp.route("/account/avatar/delete", methods=["POST"])
@login_required
def delete_avatar():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    old = services.set_avatar(db.session(), current_user, None)
    db.session.commit()
    uploads.delete_upload(services.AVATAR_FOLDER, old)
    flash("Your photo has been removed.", "success")
    return hx_redirect(url_for("accounts.show")) if wants_block() else redirect(url_for("accounts.show"), 303)


@bp.route("/account/avatar/<int:user_id>")
@login_required
def avatar(user_id: int):
    # Someone the viewer may not see reads as missing (404, not 403): ids are sequential.
    name = db.session.scalar(queries.select_visible_avatar(current_user, current_membership(), user_id))
    path = uploads.stored_path(services.AVATAR_FOLDER, name)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/png", max_age=0)


@bp.route("/account/connections/<int:connection_id>/disconnect", methods=["GET", "POST"])
@login_required
def disconnect(connection_id: int):
    connection = db.session.scalars(queries.select_connection(current_user.id, connection_id)).one_or_none()
    if connection is None:
        abort(404)
    label = PROVIDER_LABELS.get(connection.provider, connection.provider.capitalize())
    form = ConfirmForm()
    if form.validate_on_submit():
        services.disconnect(db.session(), current_user, connection)
        db.session.commit()
        flash(f"{label} is no longer connected to your account.", "success")
        return redirect(url_for("accounts.show"), 303)
    return render_template("accounts/disconnect.html", form=form, connection=connection, label=label)


# --- where the user is logged in ---------------------------------------------------


def _sessions_changed(notice: str):
    """htmx: the refreshed list with the notice; otherwise back to the list with it as a message."""
    if wants_block():
        return _account_page(block="sessions", sessions_notice=notice)
    flash(notice, "success")
    return redirect(url_for("accounts.show", _anchor="sessions"), 303)


@bp.route("/account/sessions/<int:login_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_session(login_id: int):
    login = login_sessions.find_own(db.session(), current_user, login_id)
    if login is None:
        abort(404)  # someone else's session reads as missing
    form = ConfirmForm()
    if request.method == "GET":  # the confirmation page, for browsers without htmx
        if not login_sessions.is_live(login, current_user):
            flash("That session has already ended.", "info")
            return redirect(url_for("accounts.show", _anchor="sessions"), 303)
        return render_template("accounts/revoke_session.html", form=form, login=login_sessions.summary(login))
    if not form.validate_on_submit():
        abort(400)
    revoked = login_sessions.revoke_own(db.session(), current_user, login)
    db.session.commit()
    if revoked.current:
        flash("You have been logged out.", "info")
        return hx_redirect(url_for("auth.login"))
    return _sessions_changed(f"{revoked.device} was signed out." if revoked.ended else "That session had already ended.")


@bp.route("/account/sessions/revoke-others", methods=["GET", "POST"])
@login_required
def revoke_other_sessions():
    form = ConfirmForm()
    if request.method == "GET":  # the confirmation page, for browsers without htmx
        return render_template("accounts/revoke_other_sessions.html", form=form)
    if not form.validate_on_submit():
        abort(400)
    ended = login_sessions.revoke_others(db.session(), current_user)
    db.session.commit()
    return _sessions_changed(
        f"Signed out of {ended} other session{'s' if ended != 1 else ''}." if ended else "No other session was open."
    )
