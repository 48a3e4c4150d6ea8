"""Jinja globals for what list rows render many times per page.

A Python function costs a fraction of a Jinja macro call; a 25-row table calls
these a few hundred times per request.
"""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup, escape

from webapp import tone

MISSING = Markup('<span class="muted">—</span>')


def score(value, trait: str | None = None) -> Markup:
    """A 0-100 score coloured by what it means (webapp.tone: for Fear, Negative, ... lower is better), or a dash."""
    return tone.score_markup(value, trait)


def person_name(row) -> str:
    """First and last name, or the email when there is neither."""
    name = f"{row.first_name or ''} {row.last_name or ''}".strip()
    return name or row.email


def status_pill(value: str) -> Markup:
    """An interview status as a pill ("no_show" reads "No show"), as macros/ui.html's status()."""
    return Markup(f'<span class="pill status-{escape(value)}">{escape(value.replace("_", " ").capitalize())}</span>')


def sentiment_pill(value: str) -> Markup:
    """An overall sentiment as a pill, as macros/ui.html's sentiment() for a present value."""
    return Markup(f'<span class="pill sentiment-{escape(value)}">{escape(value.capitalize())}</span>')


def options(choices, selected) -> Markup:
    """<option>s for (value, label) pairs, `selected` (compared as text) marked: a 400-job filter in one call."""
    chosen = "" if selected is None else str(selected)
    return Markup("".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(label)}</option>'
        for value, label in choices
    ))


def minutes(seconds) -> Markup:
    """A duration stored in seconds as "42 min" or "1 h 05 min" (hidden text when there is none yet)."""
    if seconds is None:
        return Markup('<span class="visually-hidden">no duration yet</span>')
    total = round(seconds / 60)
    if total < 1:
        return Markup("&lt; 1 min")
    return Markup(f"{total} min" if total < 60 else f"{total // 60} h {total % 60:02d} min")


def utc_time(value) -> Markup:
    """A naive UTC timestamp as a <time> element, or "Not started"."""
    if value is None:
        return Markup('<span class="muted">Not started</span>')
    return Markup(f'<time datetime="{value.isoformat()}Z">{value.strftime("%d %b %Y, %H:%M")}'
                  '<span class="visually-hidden"> UTC</span></time>')


def percent(value) -> Markup:
    """A whole percentage ("50%"), or a muted dash when missing."""
    return MISSING if value is None else Markup(f"{escape(value)}%")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        score=score, score_markup=tone.score_markup, score_class=tone.css_class, trait_hint=tone.hint,
        person_name=person_name, status_pill=status_pill, sentiment_pill=sentiment_pill,
        options=options, minutes=minutes,
        utc_time=utc_time, percent=percent,
    )

