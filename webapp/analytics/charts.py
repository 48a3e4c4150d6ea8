"""Plotly figures for the analytics page: pure functions from figures to figure dicts (no database).

`webapp.interviews.charts.figure_json` turns them into JSON safe inside `<script type="application/json">`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from webapp.analytics.metrics import Totals
from webapp.analytics.queries import DURATION_BIN_MINUTES, DURATION_BINS, SCORE_BINS
from webapp.interviews.charts import FONT

# Bottom to top of the stack, with the colours of the status pills.
STATUS_SERIES = (
    ("completed", "Completed", "#16a34a"),
    ("in_progress", "In progress", "#2563eb"),
    ("scheduled", "Scheduled", "#6b7280"),
    ("rescheduled", "Rescheduled", "#d97706"),
    ("cancelled", "Cancelled", "#9ca3af"),
    ("no_show", "No-show", "#dc2626"),
)
SCORE_SERIES = (
    ("average_score", "Overall", "#111827"),
    ("technical", "Technical", "#2563eb"),
    ("communication", "Communication", "#7c3aed"),
)
FOCUS_COLOURS = {"technical": "#2563eb", "behavioral": "#db2777", "balanced": "#0891b2"}


def _layout(**extra: Any) -> dict[str, Any]:
    layout = {
        "margin": {"l": 48, "r": 16, "t": 16, "b": 48},
        "font": FONT,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.22},
        "xaxis": {"gridcolor": "#f3f4f6"},
        "yaxis": {"gridcolor": "#e5e7eb", "rangemode": "tozero", "fixedrange": True},
    }
    layout.update(extra)
    return layout


def _count_axis(counts: Iterable[int]) -> dict[str, Any]:
    """A y axis of whole interviews: with small counts, step by one instead of showing 0.2, 0.4, ..."""
    axis = {"title": {"text": "Interviews"}, "gridcolor": "#e5e7eb", "rangemode": "tozero", "fixedrange": True,
            "tickformat": ",d"}
    if max(counts, default=0) <= 6:
        axis["dtick"] = 1
    return axis


def _period_axis(granularity: str) -> dict[str, Any]:
    ticks = {"day": "%b %d", "week": "Week of %b %d", "month": "%b %Y"}[granularity]
    return {"type": "date", "tickformat": ticks, "gridcolor": "#f3f4f6"}


def interviews_by_status(series: Sequence[tuple[date, Totals]], granularity: str) -> dict[str, Any]:
    """Interviews per day/week/month, stacked by status."""
    x = [start.isoformat() for start, _ in series]
    data = [
        {
            "type": "bar", "name": name, "x": x, "y": [getattr(totals, key) for _, totals in series],
            "marker": {"color": colour},
            "hovertemplate": f"%{{y}} {name.lower()}<extra></extra>",
        }
        for key, name, colour in STATUS_SERIES
    ]
    return {
        "data": data,
        "layout": _layout(
            barmode="stack", xaxis=_period_axis(granularity), hovermode="x unified",
            yaxis=_count_axis(totals.total for _, totals in series),
        ),
    }


def scores_over_time(series: Sequence[tuple[date, Totals]], granularity: str) -> dict[str, Any]:
    """Average overall, technical and communication scores per period; periods without scores leave gaps."""
    x = [start.isoformat() for start, _ in series]
    data = []
    for key, name, colour in SCORE_SERIES:
        y = [_rounded(getattr(totals, key)) for _, totals in series]
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": x, "y": y,
            "connectgaps": False, "line": {"color": colour, "width": 3 if key == "average_score" else 2},
            "hovertemplate": f"{name}: %{{y:.1f}}<extra></extra>",
        })
    return {
        "data": data,
        "layout": _layout(
            xaxis=_period_axis(granularity), hovermode="x unified",
            yaxis={"range": [0, 100], "title": {"text": "Score"}, "gridcolor": "#e5e7eb", "fixedrange": True},
        ),
    }


def duration_distribution(rows: Iterable[Any]) -> dict[str, Any]:
    """How long interviews lasted, in DURATION_BIN_MINUTES-minute bins (the last bin: an hour or more)."""
    counts = [0] * (DURATION_BINS + 1)
    for row in rows:
        counts[min(max(int(row.bin), 0), DURATION_BINS)] += int(row.n)
    labels = [
        f"{b * DURATION_BIN_MINUTES}–{(b + 1) * DURATION_BIN_MINUTES} min" if b < DURATION_BINS
        else f"{b * DURATION_BIN_MINUTES}+ min"
        for b in range(DURATION_BINS + 1)
    ]
    data = [{
        "type": "bar", "x": labels, "y": counts, "marker": {"color": "#0891b2"}, "name": "Interviews",
        "hovertemplate": "%{x}: %{y} interviews<extra></extra>",
    }]
    return {
        "data": data,
        "layout": _layout(
            showlegend=False, bargap=0.05,
            xaxis={"type": "category", "title": {"text": "Duration"}, "fixedrange": True},
            yaxis=_count_axis(counts),
        ),
    }


def score_distribution_by_focus(rows: Iterable[Any]) -> dict[str, Any]:
    """Overall scores in 10-point bins, one bar series per job focus."""
    by_focus: dict[str, list[int]] = {}
    for row in rows:
        counts = by_focus.setdefault(row.focus, [0] * SCORE_BINS)
        counts[min(max(int(row.bin), 0), SCORE_BINS - 1)] += int(row.n)
    labels = [f"{b * 10}–{b * 10 + 9}" if b < SCORE_BINS - 1 else "90–100" for b in range(SCORE_BINS)]
    data = [
        {
            "type": "bar", "name": f"{focus.capitalize()} jobs", "x": labels, "y": counts,
            "marker": {"color": FOCUS_COLOURS.get(focus, "#6b7280")},
            "hovertemplate": f"{focus.capitalize()}, %{{x}}: %{{y}} interviews<extra></extra>",
        }
        for focus, counts in sorted(by_focus.items())
    ]
    return {
        "data": data,
        "layout": _layout(
            barmode="group",
            xaxis={"type": "category", "title": {"text": "Overall score"}, "fixedrange": True},
            yaxis=_count_axis(n for counts in by_focus.values() for n in counts),
        ),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
