"""Plotly figures for the interview page: pure functions from rows to figure dicts.

No database access here: the view hands over plain rows (mappings or objects with
attributes), and each function returns a `{"data": [...], "layout": {...}}` dict
that `figure_json` turns into JSON safe to embed in a `<script>` element.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup

SENTIMENT_SERIES = (
    ("positive_score", "Positive", "#16a34a"),
    ("negative_score", "Negative", "#dc2626"),
    ("neutral_score", "Neutral", "#6b7280"),
    ("mixed_score", "Mixed", "#d97706"),
)
CONTEXT_SERIES = (
    ("value_alignment_score", "Value alignment", "#2563eb"),
    ("requirement_addressing_score", "Requirement addressing", "#7c3aed"),
    ("response_relevance_score", "Relevance", "#0891b2"),
    ("confidence_score", "Confidence", "#4b5563"),
    ("enthusiasm_score", "Enthusiasm", "#16a34a"),
    ("authenticity_score", "Authenticity", "#d97706"),
)
BEHAVIOR_TRAITS = (
    ("confidence_score", "Confidence"),
    ("fear_score", "Fear"),
    ("sincerity_score", "Sincerity"),
    ("nervousness_score", "Nervousness"),
    ("excitement_score", "Excitement"),
    ("curiosity_score", "Curiosity"),
    ("adaptability_score", "Adaptability"),
)
# Above this many points SVG traces get slow to draw and hover; WebGL keeps them smooth.
WEBGL_THRESHOLD = 1000
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12}


def _get(row: Any, name: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(name)
    return getattr(row, name, None)


def _column(rows: Sequence[Any], name: str) -> list[Any]:
    """One field of every row, read the way the rows allow (by key or by attribute).

    Decided once per type rather than per value: an isinstance check against the Mapping ABC
    costs a microsecond, which a 250-point chart would otherwise pay thousands of times.
    """
    kinds = {type(row) for row in rows}
    if len(kinds) == 1:
        (kind,) = kinds
        if issubclass(kind, Mapping):
            return [row.get(name) for row in rows]
        return [getattr(row, name, None) for row in rows]
    return [_get(row, name) for row in rows]


def _number(value: Any) -> float | None:
    """A finite float, else None (NaN and infinities cannot travel in JSON)."""
    if type(value) is float:  # the page reads scores as float8: the common case first
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _numbers(values: Iterable[Any]) -> list[float | None]:
    """_number of each value, with its float case inline (a function call per value shows at 250 points)."""
    return [value if type(value) is float and math.isfinite(value) else _number(value) for value in values]


def _times(values: Iterable[Any]) -> list[str | None]:
    return [value.isoformat() if type(value) is datetime else _time(value) for value in values]


def _time(value: Any) -> str | None:
    if type(value) is datetime:
        return value.isoformat()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str):
        parsed = parse_time(value)
        return parsed.isoformat() if parsed else None
    return None


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp (string or datetime), else None."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _words(value: Any) -> str:
    """A JSON list of themes/flags as readable text, whatever its shape; HTML-escaped for Plotly's labels."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        text = ", ".join(str(item) for item in value if item not in (None, ""))
    else:
        text = str(value)
    # Plotly renders a few HTML-like tags in hover labels; the engine's text must stay text.
    return html.escape(text, quote=False)


def _words_once():
    """_words, computed once per value object: the page's points share the lists of repeated themes."""
    seen: dict[int, tuple[Any, str]] = {}

    def words(value: Any) -> str:
        known = seen.get(id(value))
        if known is None or known[0] is not value:
            known = seen[id(value)] = (value, _words(value))
        return known[1]

    return words


def _hover_text(detail: Any, themes: Any, flags: Any, confidence: Any, words) -> str:
    """One point's hover label: its detail (bold), themes and flags when it has some, its confidence."""
    parts = [f"<b>{html.escape(str(detail or 'No detail'), quote=False)}</b>"]
    if themes:
        parts.append(f"Themes: {words(themes)}")
    if flags:
        parts.append(f"Flags: {words(flags)}")
    parts.append(f"Confidence: {_number(confidence) or 0:.0f}")
    return "<br>".join(parts)


def _scatter_type(count: int) -> str:
    return "scattergl" if count > WEBGL_THRESHOLD else "scatter"


def _base_layout(**extra: Any) -> dict[str, Any]:
    layout = {
        "margin": {"l": 48, "r": 16, "t": 16, "b": 40},
        "font": FONT,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "y": -0.18},
        "yaxis": {"range": [0, 100], "title": {"text": "Score"}, "gridcolor": "#e5e7eb", "fixedrange": True},
        "xaxis": {"gridcolor": "#f3f4f6"},
    }
    layout.update(extra)
    return layout


def timing_events(warnings: Any) -> list[dict[str, str]]:
    """Timing warnings and extensions from `warning_sent_at`: [{"at": iso, "label": text, "kind": ...}].

    The engine writes either bare timestamps or objects such as {"type": "final_warning",
    "sent_at": "..."}; anything without a readable time is left out of the chart.
    """
    events = []
    for item in warnings if isinstance(warnings, list) else []:
        kind, when = "warning", None
        if isinstance(item, str):
            when = parse_time(item)
        elif isinstance(item, Mapping):
            when = parse_time(item.get("sent_at") or item.get("timestamp") or item.get("at"))
            kind = str(item.get("type") or "warning")
        if when is None:
            continue
        label = kind.replace("_", " ").capitalize()
        events.append({"at": when.isoformat(), "label": label, "kind": "extension" if "extension" in kind else "warning"})
    return events


def _drawn_count(points: Sequence[Any], total: int | None) -> int:
    # A live poll sends only new points; trace type and mode follow the chart they join.
    return len(points) if total is None else total


def sentiment_timeline(
    points: Sequence[Any], *, warnings: Any = None, extensions: int = 0, total: int | None = None
) -> dict[str, Any]:
    """Positive/negative/neutral/mixed over time, confidence as a dotted line, warnings as vertical lines.

    `points` carry timestamp, the four scores, confidence, detail, key_themes and flags.
    Trace 0 (positive) holds every point, with the point's detail in its hover text.
    `total`: how many points the drawn chart holds with these (they are appended to it), if not all.
    """
    count = _drawn_count(points, total)
    kind = _scatter_type(count)
    mode = "lines" if count > 1 else "markers"
    x = _times(_column(points, "timestamp"))
    themes, flags = _column(points, "key_themes"), _column(points, "flags")
    words = _words_once()
    hover = [
        _hover_text(detail, theme, flag, confidence, words)
        for detail, theme, flag, confidence in zip(
            _column(points, "detail"), themes, flags, _column(points, "confidence"), strict=True
        )
    ]
    data: list[dict[str, Any]] = []
    for column, name, color in SENTIMENT_SERIES:
        trace = {
            "type": kind,
            "mode": mode,
            "name": name,
            "x": x,
            "y": _numbers(_column(points, column)),
            "line": {"color": color, "width": 2},
            "marker": {"color": color},
            "hovertemplate": f"{name}: %{{y:.1f}}<extra></extra>",
        }
        if column == "positive_score":
            trace["customdata"] = hover
            trace["hovertemplate"] = f"%{{customdata}}<br>{name}: %{{y:.1f}}<extra></extra>"
        data.append(trace)
    data.append(
        {
            "type": kind,
            "mode": mode,
            "name": "Confidence",
            "x": x,
            "y": _numbers(_column(points, "confidence")),
            "line": {"color": "#1f2937", "width": 1, "dash": "dot"},
            "marker": {"color": "#1f2937"},
            "hovertemplate": "Confidence: %{y:.1f}<extra></extra>",
        }
    )
    flagged = [(xi, flag) for xi, flag in zip(x, flags, strict=True) if flag]
    if flagged:
        data.append(
            {
                "type": kind,
                "mode": "markers",
                "name": "Flagged",
                "x": [xi for xi, _ in flagged],
                "y": [98] * len(flagged),
                "marker": {"symbol": "triangle-down", "size": 9, "color": "#b91c1c"},
                "text": [words(flag) for _, flag in flagged],
                "hovertemplate": "Flag: %{text}<extra></extra>",
            }
        )
    shapes, annotations = [], []
    for index, event in enumerate(timing_events(warnings)):
        color = "#2563eb" if event["kind"] == "extension" else "#d97706"
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": event["at"],
                "x1": event["at"],
                "y0": 0,
                "y1": 1,
                "line": {"color": color, "width": 1.5, "dash": "dash"},
            }
        )
        annotations.append(
            {
                "x": event["at"],
                "xref": "x",
                "yref": "paper",
                "y": 1,
                "yanchor": "bottom",
                "text": event["label"],
                "showarrow": False,
                "yshift": 14 * (index % 2),  # neighbouring notices would print over each other
                "font": {"size": 11, "color": color},
            }
        )
    if extensions:
        annotations.append(
            {
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "text": f"{extensions} time extension{'s' if extensions != 1 else ''} used",
                "showarrow": False,
                "font": {"size": 11, "color": "#2563eb"},
            }
        )
    # uirevision: a poll that redraws the chart keeps the reader's zoom and hidden series.
    layout = _base_layout(hovermode="x unified", shapes=shapes, annotations=annotations, uirevision="interview")
    layout["margin"]["t"] = 44
    return {"data": data, "layout": layout}


def context_factors_chart(points: Sequence[Any], *, total: int | None = None) -> dict[str, Any]:
    """The six context factors over time; points without context factors leave gaps. `total` as above."""
    count = _drawn_count(points, total)
    kind = _scatter_type(count)
    x = _times(_column(points, "timestamp"))
    data = [
        {
            "type": kind,
            "mode": "lines" if count > 1 else "markers",
            "name": name,
            "x": x,
            "y": _numbers(_column(points, column)),
            "line": {"color": color, "width": 1.5},
            "marker": {"color": color},
            "hovertemplate": f"{name}: %{{y:.1f}}<extra></extra>",
        }
        for column, name, color in CONTEXT_SERIES
    ]
    return {"data": data, "layout": _base_layout(hovermode="x unified", uirevision="interview")}


def sparkline_points(history: Sequence[Any], width: float = 120, height: float = 28) -> str:
    """One skill's successive scores (0-100) as the `points` of an inline SVG polyline.

    Inline SVG needs no script, draws in print and stays light with many skills.
    A single score becomes a flat line so it is still visible.
    """
    scores = [_number(value) for value in _column(history, "score")]
    scores = [min(100.0, max(0.0, s)) for s in scores if s is not None]
    if not scores:
        return ""
    if len(scores) == 1:
        scores = scores * 2
    step = width / (len(scores) - 1)
    pad = 2
    usable = height - 2 * pad
    return " ".join(f"{i * step:.1f},{pad + usable * (1 - s / 100):.1f}" for i, s in enumerate(scores))


def response_times_chart(values: Any) -> dict[str, Any]:
    """Seconds per answer as bars; values that are not numbers are skipped (the page lists them)."""
    seconds = [_number(v.get("seconds") if isinstance(v, Mapping) else v) for v in (values if isinstance(values, list) else [])]
    numbers = [s for s in seconds if s is not None]
    return {
        "data": [
            {
                "type": "bar",
                "x": [f"Q{i}" for i in range(1, len(numbers) + 1)],
                "y": numbers,
                "marker": {"color": "#2563eb"},
                "hovertemplate": "%{x}: %{y:.0f} s<extra></extra>",
            }
        ],
        "layout": _base_layout(
            yaxis={"title": {"text": "Seconds"}, "gridcolor": "#e5e7eb", "fixedrange": True, "rangemode": "tozero"},
            showlegend=False,
        ),
        "config": {"displayModeBar": False},
    }


def behavior_radar(analysis: Any) -> dict[str, Any]:
    """The seven behavioral traits (0-100) as a closed radar polygon."""
    labels = [label for _, label in BEHAVIOR_TRAITS]
    values = [_number(_get(analysis, column)) or 0.0 for column, _ in BEHAVIOR_TRAITS]
    return {
        "data": [
            {
                "type": "scatterpolar",
                "r": values + values[:1],
                "theta": labels + labels[:1],
                "fill": "toself",
                "name": "Inferred traits",
                "line": {"color": "#7c3aed"},
                "hovertemplate": "%{theta}: %{r:.0f}<extra></extra>",
            }
        ],
        "layout": {
            "font": FONT,
            "margin": {"l": 40, "r": 40, "t": 24, "b": 24},
            "showlegend": False,
            "paper_bgcolor": "rgba(0,0,0,0)",
            "polar": {"radialaxis": {"range": [0, 100], "angle": 90, "tickfont": {"size": 10}}},
        },
        "config": {"displayModeBar": False},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def figure_json(figure: Mapping[str, Any]) -> Markup:
    """The figure as JSON that cannot end its `<script type="application/json">` element early.

    `<`, `>` and `&` become \\u escapes (still the same JSON), so `</script>` or `<!--`
    inside data can never break out of the element.
    """
    text = json.dumps(figure, default=_plain, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def as_text(value: Any) -> str:
    """Any JSON value as one readable line (for shapes we do not know)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {as_text(item)}" for key, item in value.items())
    if isinstance(value, Iterable):
        return ", ".join(as_text(item) for item in value)
    return "" if value is None else str(value)
