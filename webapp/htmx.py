"""Small helpers so one URL answers with the full page or just the block htmx asked for."""

from __future__ import annotations

import json

from flask import Response, current_app, make_response, redirect, request
from flask_htmx import HTMX
from jinja2_fragments.flask import render_block

htmx = HTMX()


def wants_block() -> bool:
    """An htmx request for part of the page.

    Boosted navigations and history restores (back/forward after hx-push-url when
    htmx's cache misses) need the whole page.
    """
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_block(template: str, block: str, status: int = 200, **context) -> Response:
    """Render the whole template, or only `block` of it for an htmx request."""
    if wants_block():
        body = render_block(template, block, **context)
    else:
        body = current_app.jinja_env.get_template(template).render(**_with_globals(context))
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def _with_globals(context: dict) -> dict:
    # render_template adds request/session/g through the context processors; do the same.
    current_app.update_template_context(context)
    return context


def hx_redirect(location: str, status: int = 200) -> Response:
    """Ask htmx to navigate the whole window (a plain redirect for non-htmx requests)."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", status)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)


def hx_trigger(response: Response, event: str, detail: object | None = None) -> Response:
    """Fire a client-side event after the swap (merged with triggers already set)."""
    existing = response.headers.get("HX-Trigger")
    events = json.loads(existing) if existing and existing.startswith("{") else {}
    events[event] = detail
    response.headers["HX-Trigger"] = json.dumps(events)
    return response
