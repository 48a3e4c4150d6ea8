"""The per-job table's cells as Python (a template global): 20 rows of 11 figures would be 220 macro calls."""

from __future__ import annotations

from markupsafe import Markup

from webapp.templating import score

NO_DATA = Markup('<span class="muted no-data">No data</span>')

# The table's figures after the job's title: (Totals attribute, kind), kind as in _macros.html's figure_value
# ("score" cells carry the score's colour band).
JOB_CELLS = (
    ("total", "count"), ("completed", "count"), ("cancelled", "count"), ("rescheduled", "count"),
    ("no_show_rate", "rate"), ("completion_rate", "rate"), ("average_duration", "minutes"),
    ("average_score", "score"), ("technical", "score"), ("communication", "score"), ("skill_match", "score"),
)


def figure_value(value, kind: str) -> Markup:
    """As _macros.html's figure_value, but a "score" is shown with its colour band."""
    if value is None:
        return NO_DATA
    if kind == "count":
        return Markup(f"{value:,}")
    if kind == "rate":
        return Markup(f"{value:.1f}%")
    if kind == "minutes":
        return Markup(f"{value:.1f} min")
    return score(value)


def job_cells(totals) -> Markup:
    """A job's figures as the row's <td>s."""
    return Markup("\n".join(
        f'<td class="num">{figure_value(getattr(totals, key), kind)}</td>' for key, kind in JOB_CELLS
    ))
