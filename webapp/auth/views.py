from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db
from webapp.audit import services as audit
from webapp.auth import services
from webapp.auth import sessions as login_sessions
from webapp.auth.forms import LoginForm, LogoutForm
from webapp.extensions import login_manager
from webapp.htmx import hx_redirect
from webapp.models import User

bp = Blueprint("auth", __name__)

INVALID_CREDENTIALS = "Invalid email or password."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return login_sessions.load_user(db.session(), user_id)


@login_manager.unauthorized_handler
def unauthorized():
    """Send anonymous visitors to the login page; htmx requests navigate the whole window."""
    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request") == "true":
        return hx_redirect(target)
    flash(login_manager.login_message, "info")
    return redirect(target)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes to the dashboard."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form, error = LoginForm(), None
    if form.validate_on_submit():
        user = services.authenticate(db.session(), form.email.data, form.password.data)
        if user is not None:
            login_sessions.start(db.session(), user)
            audit.record(db.session(), "user.login", actor=user, target=user)
            db.session.commit()
            flash(f"Welcome back, {user.first_name or user.username}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        error = INVALID_CREDENTIALS
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form, error=error), status


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
