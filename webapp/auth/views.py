from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db
from webapp.audit.services import client_ip
from webapp.auth import pending, services, twofactor
from webapp.auth import sessions as login_sessions
from webapp.auth.forms import LoginForm, LogoutForm, TwoFactorLoginForm
from webapp.extensions import login_manager
from webapp.htmx import hx_redirect
from webapp.models import User
from webapp.redirects import safe_path

bp = Blueprint("auth", __name__)

INVALID_CREDENTIALS = "Invalid email or password."
INVALID_CODE = "That code is not valid, or it was already used. Try the code your app shows now."
PENDING_EXPIRED = "Your login took too long. Please enter your email and password again."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return login_sessions.load_user(db.session(), user_id)


@login_manager.unauthorized_handler
def unauthorized():
    """Send anonymous visitors to the login page; htmx requests navigate the whole window.

    After the login they come back to what they asked for: the page itself, or for an htmx save
    (notes typed when the session expired) the page it was sent from, where the draft waits.
    """
    back = request.full_path if request.method == "GET" else _htmx_page()
    target = url_for("auth.login", next=back)
    if not g.get("login_expired"):  # the loader already said the session expired
        flash(login_manager.login_message, "info")
    if request.headers.get("HX-Request") == "true":
        return hx_redirect(target)
    return redirect(target)


def _htmx_page() -> str | None:
    """The same-site page an htmx request was sent from (its HX-Current-URL), as a path."""
    if request.headers.get("HX-Request") != "true":
        return None
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    if page.scheme not in ("http", "https") or page.netloc != request.host:
        return None
    return safe_path(page.path + (f"?{page.query}" if page.query else ""))


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes to the dashboard."""
    return safe_path(target) or url_for("dashboard.index")


def _logged_in(user: User, next_url: str | None):
    flash(f"Welcome back, {user.first_name or user.username}.", "success")
    return redirect(_safe_next(next_url))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form, error = LoginForm(), None
    if form.validate_on_submit():
        session = db.session()
        step = services.password_step(session, form.email.data, form.password.data, client_ip())
        if step.throttled:
            db.session.commit()
            body = render_template("auth/login.html", form=form, error=step.throttled.message)
            return body, 429, {"Retry-After": step.throttled.retry_after}
        if step.needs_second_factor:
            pending.begin(step.user.id, _safe_next(request.args.get("next")))
            db.session.commit()
            return redirect(url_for("auth.two_factor"))
        if step.user is not None:
            services.complete_login(session, step.user)
            db.session.commit()
            return _logged_in(step.user, request.args.get("next"))
        db.session.commit()  # keeps the failed attempt: that is what throttling counts
        error = INVALID_CREDENTIALS
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/login/two-factor", methods=["GET", "POST"])
def two_factor():
    """The second login step; only reachable with a fresh pending marker from the password step."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    marker = pending.current()
    user = db.session.get(User, marker.user_id) if marker and not marker.expired else None
    if user is None or not user.is_active or not user.enable_2fa:
        pending.clear()
        flash(PENDING_EXPIRED if marker else "Please log in first.", "info")
        return hx_redirect(url_for("auth.login"))
    form, error = TwoFactorLoginForm(), None
    if form.validate_on_submit():
        check = services.second_factor_step(db.session(), user, form.code.data, client_ip())
        if check.ok:
            services.complete_login(db.session(), user, check.method)
            db.session.commit()
            if check.method == twofactor.RECOVERY:
                _warn_about_recovery_codes(twofactor.remaining_recovery_codes(db.session(), user.id))
            return _logged_in(user, marker.next_url)
        db.session.commit()
        if check.throttled:
            body = render_template("auth/two_factor.html", form=form, error=check.throttled.message)
            return body, 429, {"Retry-After": check.throttled.retry_after}
        error = INVALID_CODE
    status = 422 if form.is_submitted() else 200
    return render_template("auth/two_factor.html", form=form, error=error), status


def _warn_about_recovery_codes(remaining: int) -> None:
    left = "no recovery codes" if remaining == 0 else f"{remaining} recovery code{'s' if remaining != 1 else ''}"
    flash(f"You logged in with a recovery code; you have {left} left. You can make new ones on the "
          "two-factor page of your account.", "warning")


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        login_sessions.end(db.session())
        db.session.commit()
        flash("You have been logged out.", "info")
        return redirect(url_for("auth.login"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)
