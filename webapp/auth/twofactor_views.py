"""Two-factor enrollment and management under /account/two-factor, and the admin enrollment rule."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import db
from webapp.audit.services import client_ip
from webapp.auth import twofactor
from webapp.auth.forms import ConfirmEnrollmentForm, DisableTwoFactorForm, RegenerateCodesForm, StartEnrollmentForm
from webapp.htmx import hx_redirect

bp = Blueprint("twofactor", __name__, url_prefix="/account/two-factor")

# Reachable by an admin who must enroll first: enrolling itself, logging out, static files.
ENROLLMENT_ENDPOINTS = frozenset({"twofactor.show", "twofactor.enroll", "twofactor.confirm", "auth.logout", "static"})
ENROLL_WRONG_CODE = (
    "That code is not right. Check that your phone sets its clock automatically, then type the code shown now."
)
WRONG_CODE = "That code is not right. Type the code your app shows now (or an unused recovery code)."


@bp.before_app_request
def require_admin_enrollment():
    """With ADMIN_2FA_REQUIRED, an admin without 2FA is sent to enrollment from every other page."""
    if not current_app.config.get("ADMIN_2FA_REQUIRED") or request.endpoint in ENROLLMENT_ENDPOINTS:
        return None
    if request.endpoint is None or not current_user.is_authenticated:
        return None
    if current_user.is_admin and not current_user.enable_2fa:
        flash("Admins must turn on two-factor authentication before using the dashboard.", "warning")
        return hx_redirect(url_for("twofactor.show"))
    return None


@bp.get("/")
@login_required
def show():
    session = db.session()
    return render_template(
        "auth/twofactor/show.html",
        start_form=StartEnrollmentForm(),
        enabled_at=twofactor.enabled_at(session, current_user.id) if current_user.enable_2fa else None,
        remaining=twofactor.remaining_recovery_codes(session, current_user.id) if current_user.enable_2fa else 0,
        total=twofactor.RECOVERY_CODE_COUNT,
    )


@bp.route("/enroll", methods=["GET", "POST"])
@login_required
def enroll():
    """POST: a fresh pending secret. GET: the QR code and manual key of the pending secret."""
    if current_user.enable_2fa:
        flash("Two-factor authentication is already on.", "info")
        return redirect(url_for("twofactor.show"))
    if request.method == "POST":
        if StartEnrollmentForm().validate_on_submit():
            twofactor.start_enrollment(db.session(), current_user)
            db.session.commit()
        return redirect(url_for("twofactor.enroll"))
    if not current_user.secret_key:
        return redirect(url_for("twofactor.show"))
    return _enroll_page(ConfirmEnrollmentForm())


def _enroll_page(form: ConfirmEnrollmentForm, error: str | None = None, status: int = 200):
    secret = current_user.secret_key
    body = render_template(
        "auth/twofactor/enroll.html",
        form=form,
        error=error,
        qr_svg=twofactor.qr_svg(twofactor.provisioning_uri(current_user, secret)),
        manual_key=twofactor.grouped_key(secret),
    )
    return body, status


@bp.post("/confirm")
@login_required
def confirm():
    if current_user.enable_2fa or not current_user.secret_key:
        return redirect(url_for("twofactor.show"))
    form = ConfirmEnrollmentForm()
    if not form.validate_on_submit():
        return _enroll_page(form, status=422)
    codes = twofactor.confirm_enrollment(db.session(), current_user, form.code.data)
    if codes is None:
        db.session.rollback()
        return _enroll_page(form, error=ENROLL_WRONG_CODE, status=422)
    db.session.commit()
    flash("Two-factor authentication is on.", "success")
    return render_template("auth/twofactor/recovery_codes.html", codes=codes, first_time=True)


@bp.route("/recovery-codes", methods=["GET", "POST"])
@login_required
def regenerate_codes():
    if not current_user.enable_2fa:
        return redirect(url_for("twofactor.show"))
    form, error = RegenerateCodesForm(), None
    if form.validate_on_submit():
        check, codes = twofactor.regenerate_recovery_codes(db.session(), current_user, form.code.data, client_ip())
        db.session.commit()  # the attempt is kept either way; codes only when the check passed
        if codes:
            flash("New recovery codes made. The old ones no longer work.", "success")
            return render_template("auth/twofactor/recovery_codes.html", codes=codes, first_time=False)
        if check.throttled:
            body = render_template("auth/twofactor/regenerate.html", form=form, error=check.throttled.message)
            return body, 429, {"Retry-After": check.throttled.retry_after}
        error = WRONG_CODE
    status = 422 if form.is_submitted() else 200
    return render_template("auth/twofactor/regenerate.html", form=form, error=error), status


@bp.route("/disable", methods=["GET", "POST"])
@login_required
def disable():
    if not current_user.enable_2fa:
        return redirect(url_for("twofactor.show"))
    form, error = DisableTwoFactorForm(), None
    if form.validate_on_submit():
        result = twofactor.disable(db.session(), current_user, form.password.data, form.code.data, client_ip())
        db.session.commit()  # keeps the attempts (what throttling counts), and the change when done
        if result.done:
            flash("Two-factor authentication is off. You log in with your password only.", "info")
            return redirect(url_for("twofactor.show"))
        if result.throttled:
            body = render_template("auth/twofactor/disable.html", form=form, error=result.throttled.message)
            return body, 429, {"Retry-After": result.throttled.retry_after}
        if not result.password_ok:
            form.password.errors.append("That is not your current password.")
        else:
            form.code.errors.append(WRONG_CODE)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/twofactor/disable.html", form=form, error=error), status
