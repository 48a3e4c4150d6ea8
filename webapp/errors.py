"""Friendly error pages (and short fragments for htmx requests)."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp import db


def _render(status: int, title: str, message: str):
    template = "errors/fragment.html" if request.headers.get("HX-Request") == "true" else "errors/page.html"
    return render_template(template, status=status, title=title, message=message), status


def handle_http_error(error: HTTPException):
    titles = {
        400: "Bad request",
        403: "Not allowed",
        404: "Page not found",
        405: "Method not allowed",
        413: "Upload too large",
        429: "Too many attempts",
    }
    messages = {
        403: "You do not have access to this page.",
        404: "We could not find what you were looking for. It may have been moved or removed.",
    }
    status = error.code or 500
    return _render(status, titles.get(status, error.name), messages.get(status, error.description))


def handle_csrf_error(error: CSRFError):
    if request.headers.get("HX-Request") == "true":
        # A stale token on an htmx request: reload the page so the user gets a fresh one.
        return "", 200, {"HX-Refresh": "true"}
    return _render(400, "Form expired", "The form expired. Please go back, reload the page and try again.")


def handle_server_error(error: Exception):
    db.session.rollback()
    return _render(500, "Something went wrong", "An unexpected error occurred. It has been logged; please try again.")


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
