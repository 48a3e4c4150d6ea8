"""Who may reach what: one helper per rule, used by every blueprint."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required


def role_required(*roles: str):
    """Logged in and holding one of `roles`; anyone else gets 403 (anonymous: the login page)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


UNVERIFIED_MESSAGE = (
    "Verify your email address first: use the link we emailed you, or ask for a new one in the banner above."
)


def require_verified(view):
    """Logged in with a verified email. Others are sent back to the dashboard with a message
    (the banner there offers a new link); anonymous visitors go to the login page.
    An htmx request navigates the whole window instead of swapping the message into a fragment.
    """

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_verified:
            flash(UNVERIFIED_MESSAGE, "warning")
            target = url_for("dashboard.index")
            if request.headers.get("HX-Request") == "true":
                return "", 200, {"HX-Redirect": target}
            return redirect(target, 303)
        return view(*args, **kwargs)

    return wrapped
