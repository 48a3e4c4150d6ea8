"""Plotly figures for the practice pages: pure functions from rows to figure dicts (no database access).

Figures travel as JSON through `webapp.interviews.charts.figure_json`, drawn by static/app.js.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from webapp.chartdata import DASH, ChartTable, fmt, plural
from webapp.interviews.charts import FONT
from webapp.practice.feedback import number

TREND_SERIES = (
    ("technical_accuracy", "Technical accuracy", "#4f46e5"),
    ("behavioral_score", "Behavioral", "#16a34a"),
    ("skill_average", "Skill average", "#d97706"),
)
# Distinct, colour-blind-friendly line colours for the skills (cycled past ten).
PALETTE = ("#4f46e5", "#16a34a", "#d97706", "#dc2626", "#0891b2", "#7c3aed", "#4b5563", "#db2777", "#65a30d", "#0369a1")
VISIBLE_SKILLS = 6  # the most practised skills start visible; the legend shows the others on click


def _when(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else None


def trend_sparkline(rows: Sequence[Any]) -> dict[str, Any]:
    """Technical accuracy, behavioral score and skill average across sessions (oldest first), as a small chart."""
    x = [_when(row.start_time) for row in rows]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers" if len(rows) > 1 else "markers",
            "name": name,
            "x": x,
            "y": [number(getattr(row, column)) for row in rows],
            "line": {"color": color, "width": 2, "shape": "spline", "smoothing": 0.6},
            "marker": {"color": color, "size": 5},
            "connectgaps": True,
            "hovertemplate": f"{name}: %{{y:.1f}}<extra></extra>",
        }
        for column, name, color in TREND_SERIES
    ]
    layout = {
        "font": FONT,
        "height": 150,
        "margin": {"l": 32, "r": 8, "t": 8, "b": 24},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "x unified",
        "showlegend": True,
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.15, "font": {"size": 11}},
        "xaxis": {"showgrid": False, "tickformat": "%d %b", "fixedrange": True},
        "yaxis": {"range": [0, 100], "gridcolor": "#eef1f6", "tickvals": [0, 50, 100], "fixedrange": True},
    }
    return {"data": data, "layout": layout, "config": {"displayModeBar": False}}


def skills_over_time(rows: Sequence[Any]) -> dict[str, Any]:
    """One line per skill across the practice sessions; rows carry start_time, skill and score, oldest first."""
    series: dict[str, list[tuple[str | None, float | None]]] = {}
    for row in rows:
        series.setdefault(row.skill, []).append((_when(row.start_time), number(row.score)))
    most_practised = sorted(series, key=lambda skill: (-len(series[skill]), skill))[:VISIBLE_SKILLS]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers" if len(points) > 1 else "markers",
            "name": skill,
            "x": [x for x, _ in points],
            "y": [y for _, y in points],
            "line": {"color": PALETTE[index % len(PALETTE)], "width": 2},
            "marker": {"color": PALETTE[index % len(PALETTE)], "size": 7},
            "visible": True if skill in most_practised else "legendonly",
            "hovertemplate": "%{fullData.name}: %{y:.1f}<extra></extra>",
        }
        for index, (skill, points) in enumerate(sorted(series.items()))
    ]
    layout = {
        "font": FONT,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"gridcolor": "#f3f4f6", "tickformat": "%d %b %Y"},
        "yaxis": {"range": [0, 100], "title": {"text": "Score"}, "gridcolor": "#e5e7eb", "fixedrange": True},
    }
    return {"data": data, "layout": layout, "config": {"displaylogo": False}}


# --- text alternatives (templates/macros/ui.html chart_data) ----------------------------------------


def trend_table(rows: Sequence[Any]) -> ChartTable:
    """The trend chart's sessions (oldest first): technical accuracy, behavioral score and skill average."""
    body = [
        (row.start_time.strftime("%d %b %Y") if hasattr(row.start_time, "strftime") else DASH,
         *(fmt(number(getattr(row, column))) for column, _, _ in TREND_SERIES))
        for row in rows
    ]
    first, last = (rows[0], rows[-1]) if rows else (None, None)
    changes = [
        f"{name.lower()} {fmt(number(getattr(first, column)), 0)} → {fmt(number(getattr(last, column)), 0)}"
        for column, name, _ in TREND_SERIES
    ] if rows else []
    return ChartTable(
        caption="Your last completed practice sessions, oldest first: technical accuracy, behavioral score and "
                "skill average",
        summary=(f"Across your last {plural(len(rows), 'completed practice session')}: " + ", ".join(changes) + ".")
        if rows else "No completed practice sessions yet.",
        columns=("Session", *(name for _, name, _ in TREND_SERIES)),
        rows=body,
    )


def progress_table(skills: Sequence[Any], session_count: int) -> ChartTable:
    """The progress chart's caption and summary; its rows (every score, linked to its session) come from the page."""
    grown = [s for s in skills if s.change is not None]
    sentence = f"{plural(len(skills), 'skill')} across {plural(session_count, 'completed practice session')}"
    if grown:
        best = max(grown, key=lambda s: s.change)
        sentence += f"; the biggest change is {best.skill}, {best.change:+.1f} points from first to latest"
    return ChartTable(
        caption="Every skill score of every completed practice session, oldest first",
        summary=sentence + ".",
        columns=("Session", "Skill", "Score"),
        rows=[],
        text_columns=frozenset({1}),
    )
