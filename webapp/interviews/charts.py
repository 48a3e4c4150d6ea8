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

from webapp import tone
from webapp.chartdata import ChartTable, fmt, plural
from webapp.interviews import timeline

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
TONE_NAME = "Overall tone (smoothed)"
TONE_COLOUR = "#4338ca"
FLAG_COLOUR = "#b42318"
FLAG_Y = 96  # flag markers sit at the top of the 0-100 axis, their count above them


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


def sentiment_timeline(
    points: Sequence[Any], *, warnings: Any = None, extensions: int = 0, reading: timeline.Reading | None = None
) -> dict[str, Any]:
    """The overall tone, smoothed, with the raw series one click away, flag groups, question bands and notices.

    `points` carry timestamp, the four scores, confidence, detail, key_themes and flags; `reading`
    (timeline.read) their question segments and flag groups. Trace 0 is the smoothed tone, with each
    point's detail in its hover text; the raw series (meta "raw") start hidden, the flag groups
    (meta "flags") are one marker per question (or minute) with its count.
    """
    reading = reading or timeline.read(points)
    count = len(points)
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
    tones = reading.tones
    data: list[dict[str, Any]] = [
        {
            "type": kind, "mode": mode, "name": TONE_NAME, "meta": "tone", "x": x, "y": timeline.smooth(tones),
            "line": {"color": TONE_COLOUR, "width": 3, "shape": "spline", "smoothing": 0.5},
            "marker": {"color": TONE_COLOUR},
            "customdata": hover,
            "hovertemplate": f"%{{customdata}}<br>{TONE_NAME}: %{{y:.1f}}<extra></extra>",
        },
        {
            "type": kind, "mode": "markers", "name": "Tone at each moment", "meta": "raw", "visible": "legendonly",
            # each moment's dot coloured by the one rule (webapp/tone.py): green good, amber fair, red poor
            "x": x, "y": tones, "marker": {"color": [tone.chart_colour(value) for value in tones], "size": 5},
            "hovertemplate": "Tone: %{y:.1f}<extra></extra>",
        },
    ]
    for column, name, color in SENTIMENT_SERIES:
        data.append({
            "type": kind, "mode": mode, "name": name, "meta": "raw", "visible": "legendonly",
            "x": x, "y": _numbers(_column(points, column)),
            "line": {"color": color, "width": 1.5}, "marker": {"color": color},
            "hovertemplate": f"{name}: %{{y:.1f}}<extra></extra>",
        })
    data.append({
        "type": kind, "mode": mode, "name": "Confidence", "meta": "raw", "visible": "legendonly",
        "x": x, "y": _numbers(_column(points, "confidence")),
        "line": {"color": "#1f2937", "width": 1, "dash": "dot"}, "marker": {"color": "#1f2937"},
        "hovertemplate": "Confidence: %{y:.1f}<extra></extra>",
    })
    groups = reading.flag_groups
    if groups:
        data.append({
            "type": "scatter", "mode": "markers+text", "name": "Flagged moments", "meta": "flags",
            "x": [_time(group.marker_time) for group in groups],
            "y": [FLAG_Y] * len(groups),
            "text": [str(group.flagged) for group in groups],
            "textposition": "top center",
            "textfont": {"size": 11, "color": FLAG_COLOUR},
            "customdata": [
                html.escape(f"{g.segment.label}: {_moments(g.flagged)} flagged ({g.flag_text})", quote=False)
                for g in groups
            ],
            "marker": {"symbol": "triangle-down", "color": FLAG_COLOUR,
                       "size": [min(18, 9 + 2 * group.flagged) for group in groups]},
            "hovertemplate": "%{customdata}<extra></extra>",
        })
    shapes, annotations = _segment_shapes(reading)
    for index, event in enumerate(timing_events(warnings)):
        color = "#2563eb" if event["kind"] == "extension" else "#b45309"
        shapes.append({
            "type": "line", "xref": "x", "yref": "paper", "x0": event["at"], "x1": event["at"], "y0": 0, "y1": 1,
            "line": {"color": color, "width": 1.5, "dash": "dash"},
        })
        annotations.append({
            "x": event["at"], "xref": "x", "yref": "paper", "y": 1, "yanchor": "bottom", "text": event["label"],
            "showarrow": False,
            "yshift": 14 * (index % 2),  # neighbouring notices would print over each other
            "font": {"size": 11, "color": color},
        })
    if extensions:
        annotations.append({
            "xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom",
            "text": f"{extensions} time extension{'s' if extensions != 1 else ''} used",
            "showarrow": False, "font": {"size": 11, "color": "#2563eb"},
        })
    # uirevision: a poll that redraws the chart keeps the reader's zoom and the series shown.
    layout = _base_layout(hovermode="closest", shapes=shapes, annotations=annotations, uirevision="interview")
    layout["yaxis"] = {"range": [0, 104], "title": {"text": "Tone (0 negative, 100 positive)"},
                       "gridcolor": "#e5e7eb", "fixedrange": True, "tickvals": [0, 25, 50, 75, 100]}
    layout["margin"]["t"] = 44
    layout["legend"] = {"orientation": "h", "y": -0.2}
    return {"data": data, "layout": layout}



def _moments(count: int) -> str:
    return f"{count} moment{'s' if count != 1 else ''}"


def _segment_shapes(reading: timeline.Reading) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Question segments as alternate light bands with their label ("Q3") at the top; minutes get none."""
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if not reading.by_question:
        return shapes, annotations
    for summary in reading.summaries:
        segment = summary.segment
        end = segment.end or reading.last
        if end is None or end <= segment.start:
            continue
        if summary.index % 2 == 0:
            shapes.append({
                "type": "rect", "xref": "x", "yref": "paper", "x0": segment.start.isoformat(),
                "x1": end.isoformat(), "y0": 0, "y1": 1, "fillcolor": "#eef2ff", "opacity": 0.6,
                "line": {"width": 0}, "layer": "below",
            })
        annotations.append({
            "x": (segment.start + (end - segment.start) / 2).isoformat(), "xref": "x", "yref": "paper",
            "y": 0, "yanchor": "bottom", "text": segment.label if segment.key != "after" else "after",
            "showarrow": False, "font": {"size": 10, "color": "#4b5563"},
        })
    return shapes, annotations


CONTEXT_PER_ROW = 2  # small multiples: two factors side by side, three rows


def context_factors_chart(points: Sequence[Any]) -> dict[str, Any]:
    """The six context factors over time, one small chart each (shared time axis); missing values leave gaps."""
    count = len(points)
    kind = _scatter_type(count)
    x = _times(_column(points, "timestamp"))
    rows = math.ceil(len(CONTEXT_SERIES) / CONTEXT_PER_ROW)
    data, annotations = [], []
    layout: dict[str, Any] = {
        "margin": {"l": 40, "r": 12, "t": 24, "b": 32}, "font": FONT, "showlegend": False,
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "hovermode": "closest",
        "uirevision": "interview", "height": 420,
    }
    gap_x, gap_y = 0.08, 0.12
    width = (1 - gap_x * (CONTEXT_PER_ROW - 1)) / CONTEXT_PER_ROW
    height = (1 - gap_y * (rows - 1)) / rows
    for index, (column, name, color) in enumerate(CONTEXT_SERIES):
        row, col = divmod(index, CONTEXT_PER_ROW)
        suffix = "" if index == 0 else str(index + 1)
        x0 = col * (width + gap_x)
        top = 1 - row * (height + gap_y)
        layout[f"xaxis{suffix}"] = {
            "domain": [x0, x0 + width], "anchor": f"y{suffix}", "gridcolor": "#f3f4f6", "tickformat": "%H:%M",
            "showticklabels": row == rows - 1,
        } | ({"matches": "x"} if index else {})  # zooming one zooms all six
        layout[f"yaxis{suffix}"] = {
            "domain": [top - height, top], "anchor": f"x{suffix}", "range": [0, 100], "tickvals": [0, 50, 100],
            "gridcolor": "#e5e7eb", "fixedrange": True,
        }
        data.append({
            "type": kind, "mode": "lines" if count > 1 else "markers", "name": name, "x": x,
            "y": _numbers(_column(points, column)), "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
            "line": {"color": color, "width": 1.5}, "marker": {"color": color},
            "hovertemplate": f"{name}: %{{y:.1f}}<extra></extra>",
        })
        annotations.append({
            "text": f"<b>{name}</b>", "xref": "paper", "yref": "paper", "x": x0, "y": top, "xanchor": "left",
            "yanchor": "bottom", "showarrow": False, "font": {"size": 11, "color": "#374151"},
        })
    layout["annotations"] = annotations
    return {"data": data, "layout": layout}


# --- text alternatives: each chart's numbers as a table (templates/macros/ui.html chart_data) ----------


def _segment_label(reading: timeline.Reading) -> str:
    return "Question" if reading.by_question else "Minute"


def _extreme(summaries: Sequence[timeline.SegmentSummary], name: str) -> tuple[str, str] | None:
    """The labels of the segments with the lowest and highest average of `name`."""
    known = [s for s in summaries if s.average(name) is not None]
    if len(known) < 2:
        return None
    low = min(known, key=lambda s: s.average(name))
    high = max(known, key=lambda s: s.average(name))
    return (f"{low.segment.label} ({fmt(low.average(name))})", f"{high.segment.label} ({fmt(high.average(name))})")


def timeline_table(reading: timeline.Reading) -> ChartTable:
    """The timeline per question (or minute): its moments, average tone and shares, and flags."""
    origin = reading.origin
    unit = "questions" if reading.by_question else "minutes"
    rows = [
        (
            s.segment.label, timeline.clock(s.segment.start, origin),
            timeline.clock(s.segment.end or reading.last, origin),
            str(s.points), fmt(s.average("tone")), fmt(s.average("positive")), fmt(s.average("negative")),
            fmt(s.average("neutral")), fmt(s.average("mixed")), str(s.flagged), s.flag_text or "none",
        )
        for s in reading.summaries
    ]
    sentence = (f"Overall tone averaged {fmt(reading.average('tone'))} of 100 (50 is balanced) over "
                f"{plural(reading.points, 'analysed moment')} in {plural(len(reading.summaries), unit[:-1])}")
    extreme = _extreme(reading.summaries, "tone")
    if extreme:
        sentence += f"; lowest in {extreme[0]}, highest in {extreme[1]}"
    groups = reading.flag_groups
    sentence += (f"; {plural(reading.flagged, 'moment')} flagged in {plural(len(groups), unit[:-1])}." if groups
                 else "; no moment was flagged.")
    return ChartTable(
        caption=f"Tone per {unit[:-1]}: moments analysed, average overall tone (0 negative, 100 positive) and "
                "tone shares, flagged moments and their flags",
        summary=sentence,
        columns=(_segment_label(reading), "From", "To", "Moments", "Overall tone", "Positive", "Negative", "Neutral",
                 "Mixed", "Flagged", "Flags"),
        rows=rows,
        text_columns=frozenset({1, 2, 10}),
    )


def context_table(reading: timeline.Reading) -> ChartTable:
    """The six context factors averaged per question (or minute)."""
    names = [name for _, name, _ in CONTEXT_SERIES]
    rows = [
        (s.segment.label, *(fmt(s.average(column)) for column, _, _ in CONTEXT_SERIES))
        for s in reading.summaries
    ]
    averages = [(name, reading.average(column)) for column, name, _ in CONTEXT_SERIES]
    known = [(name, value) for name, value in averages if value is not None]
    if known:
        high = max(known, key=lambda item: item[1])
        low = min(known, key=lambda item: item[1])
        sentence = (f"Over the interview, {high[0].lower()} averaged highest ({fmt(high[1])}) and "
                    f"{low[0].lower()} lowest ({fmt(low[1])}), on a 0 to 100 scale.")
    else:
        sentence = "No context factors were recorded."
    unit = "question" if reading.by_question else "minute"
    return ChartTable(
        caption=f"Average of each context factor per {unit}, 0 to 100",
        summary=sentence, columns=(_segment_label(reading), *names), rows=rows,
    )


def response_times_table(values: Any) -> ChartTable:
    """Seconds per answer."""
    seconds = [s for s in (_number(v.get("seconds") if isinstance(v, Mapping) else v)
                           for v in (values if isinstance(values, list) else [])) if s is not None]
    rows = [(f"Q{i}", fmt(value, 0)) for i, value in enumerate(seconds, 1)]
    if seconds:
        longest = max(range(len(seconds)), key=seconds.__getitem__)
        sentence = (f"{plural(len(seconds), 'answer')}, {fmt(sum(seconds) / len(seconds), 0)} seconds on average; "
                    f"the longest was Q{longest + 1} ({fmt(seconds[longest], 0)} seconds).")
    else:
        sentence = "No answer times were recorded."
    return ChartTable(caption="Seconds the candidate took for each answer", summary=sentence,
                      columns=("Answer", "Seconds"), rows=rows)


def behavior_table(analysis: Any) -> ChartTable:
    """The seven inferred traits, each with which way is good."""
    values = [(label, _number(_get(analysis, column))) for column, label in BEHAVIOR_TRAITS]
    rows = [(label, fmt(value), tone.hint(label) or "higher is better") for label, value in values]
    lower = [label.lower() for label, _ in values if tone.higher_is_better(label) is False]
    known = [(label, value) for label, value in values if value is not None]
    sentence = ("; ".join(f"{label} {fmt(value, 0)}" for label, value in known)
                + f" (0 to 100; for {' and '.join(lower)} lower is better).")
    return ChartTable(caption="Inferred behavioral traits, 0 to 100", summary=sentence,
                      columns=("Trait", "Score", "Reading"), rows=rows, text_columns=frozenset({2}))


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
