"""The development outbox: read the mail the app would have sent, links included."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, request
from markupsafe import Markup, escape

from webapp import db
from webapp.htmx import render_page_or_block
from webapp.mail import queries

bp = Blueprint("mail", __name__)

DEVELOPMENT_ENVIRONMENTS = ("development", "testing")
# http(s) links in a plain-text body; trailing punctuation stays outside the link.
_LINK = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")


@bp.before_request
def development_only():
    # Mail bodies carry sign-in links: this page must not exist in production.
    if current_app.config.get("ENV_NAME") not in DEVELOPMENT_ENVIRONMENTS:
        abort(404)


@bp.app_template_filter("linkify")
def linkify(text: str) -> Markup:
    """Escape plain text and turn its http(s) URLs into links."""
    parts, position = [], 0
    for match in _LINK.finditer(text):
        url = match.group(0)
        parts += [escape(text[position : match.start()]), Markup('<a href="{0}">{0}</a>').format(url)]
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


@bp.route("/dev/outbox")
def outbox():
    # Printable characters only: PostgreSQL refuses NUL bytes, and no address holds control characters.
    recipient = "".join(ch for ch in request.args.get("to", "") if ch.isprintable()).strip()[:254] or None
    messages = db.session.scalars(queries.select_outbox(recipient)).all()
    return render_page_or_block(
        "mail/outbox.html",
        "outbox_messages",
        messages=messages,
        recipient=recipient,
        page_size=queries.OUTBOX_PAGE_SIZE,
    )
