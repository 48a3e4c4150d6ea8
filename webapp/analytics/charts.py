"""Plotly figures for the analytics page: pure functions from figures to figure dicts (no database).

`webapp.interviews.charts.figure_json` turns them into JSON safe inside `<script type="application/json">`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from webapp.analytics.metrics import Funnel, Totals
from webapp.analytics.queries import DURATION_BIN_MINUTES, DURATION_BINS, SCORE_BINS
from webapp.chartdata import ChartTable, fmt, plural
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
    """The charts' common layout: the legend above the plot (an axis title below never meets it) and axes
    that grow their margin for their tick labels and title (automargin), so a title never sits on the ticks."""
    layout = {
        "margin": {"l": 56, "r": 16, "t": 40, "b": 56},
        "font": FONT,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
        "xaxis": {"gridcolor": "#f3f4f6"},
        "yaxis": {"gridcolor": "#e5e7eb", "rangemode": "tozero", "fixedrange": True},
    }
    layout.update(extra)
    for name in ("xaxis", "yaxis"):
        axis = layout[name] = dict(layout[name], automargin=True)
        if "title" in axis:
            axis["title"] = dict(axis["title"], standoff=12)
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
    """Average overall, technical and communication scores per period.

    A period without a scored interview (most days, grouped by day) has no point, and the line joins
    the periods around it (connectgaps), so it reads as one line, not scattered dots; the markers
    show which periods have scores.
    """
    x = [start.isoformat() for start, _ in series]
    data = []
    for key, name, colour in SCORE_SERIES:
        y = [_rounded(getattr(totals, key)) for _, totals in series]
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": x, "y": y,
            "connectgaps": True, "line": {"color": colour, "width": 3 if key == "average_score" else 2},
            "marker": {"size": 6},
            "hovertemplate": f"{name}: %{{y:.1f}}<extra></extra>",
        })
    return {
        "data": data,
        "layout": _layout(
            xaxis=_period_axis(granularity), hovermode="x unified",
            yaxis={"range": [0, 100], "title": {"text": "Average score"}, "gridcolor": "#e5e7eb", "fixedrange": True},
        ),
    }


def duration_distribution(rows: Iterable[Any]) -> dict[str, Any]:
    """How long interviews lasted, in DURATION_BIN_MINUTES-minute bins (the last bin: an hour or more)."""
    labels, counts = duration_counts(rows)
    data = [{
        "type": "bar", "x": labels, "y": counts, "marker": {"color": "#0891b2"}, "name": "Interviews",
        "hovertemplate": "%{x}: %{y} interviews<extra></extra>",
    }]
    return {
        "data": data,
        "layout": _layout(
            showlegend=False, bargap=0.05,
            xaxis={"type": "category", "title": {"text": "Duration of the interview"}, "fixedrange": True},
            yaxis=_count_axis(counts),
        ),
    }


def score_distribution_by_focus(rows: Iterable[Any]) -> dict[str, Any]:
    """Overall scores in 10-point bins, one bar series per job focus."""
    labels, by_focus = score_counts(rows)
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
            xaxis={"type": "category", "title": {"text": "Overall score (0-100)"}, "fixedrange": True},
            yaxis=_count_axis(n for counts in by_focus.values() for n in counts),
        ),
    }


def duration_counts(rows: Iterable[Any]) -> tuple[list[str], list[int]]:
    """The duration bins' labels ("20–25 min", the last "60+ min") and interview counts."""
    counts = [0] * (DURATION_BINS + 1)
    for row in rows:
        counts[min(max(int(row.bin), 0), DURATION_BINS)] += int(row.n)
    labels = [
        f"{b * DURATION_BIN_MINUTES}–{(b + 1) * DURATION_BIN_MINUTES} min" if b < DURATION_BINS
        else f"{b * DURATION_BIN_MINUTES}+ min"
        for b in range(DURATION_BINS + 1)
    ]
    return labels, counts


def score_counts(rows: Iterable[Any]) -> tuple[list[str], dict[str, list[int]]]:
    """The 10-point score bins' labels and, per job focus (A to Z), interview counts."""
    by_focus: dict[str, list[int]] = {}
    for row in rows:
        counts = by_focus.setdefault(row.focus, [0] * SCORE_BINS)
        counts[min(max(int(row.bin), 0), SCORE_BINS - 1)] += int(row.n)
    labels = [f"{b * 10}–{b * 10 + 9}" if b < SCORE_BINS - 1 else "90–100" for b in range(SCORE_BINS)]
    return labels, dict(sorted(by_focus.items()))


# --- text alternatives (templates/macros/ui.html chart_data) ----------------------------------------

PERIOD_FORMATS = {"day": "%b %-d, %Y", "week": "Week of %b %-d, %Y", "month": "%B %Y"}


def period_label(start: date, granularity: str) -> str:
    return start.strftime(PERIOD_FORMATS[granularity])


def _period_words(start: date, granularity: str, *, preposition: bool = False) -> str:
    """A period inside a sentence: "on Mar 2, 2026", "in the week of Mar 2, 2026", "in March 2026"."""
    words = period_label(start, granularity)
    if granularity == "week":
        words = "the w" + words[1:]
    if not preposition:
        return words
    return ("on " if granularity == "day" else "in ") + words


def status_table(series: Sequence[tuple[date, Totals]], granularity: str) -> ChartTable:
    """Interviews per period and status."""
    rows = [
        (period_label(start, granularity), fmt(totals.total, 0),
         *(fmt(getattr(totals, key), 0) for key, _, _ in STATUS_SERIES))
        for start, totals in series
    ]
    total = sum(totals.total for _, totals in series)
    busiest = max(series, key=lambda item: item[1].total, default=None)
    sentence = f"{plural(total, 'interview')} in {plural(len(series), granularity)}"
    if busiest and busiest[1].total:
        busiest_words = _period_words(busiest[0], granularity)
        sentence += f"; the busiest {granularity} was {busiest_words} with {busiest[1].total:,}"
    completed = sum(totals.completed for _, totals in series)
    return ChartTable(
        caption=f"Interviews per {granularity}, by status",
        summary=f"{sentence}; {completed:,} completed.",
        columns=(granularity.capitalize(), "Interviews", *(name for _, name, _ in STATUS_SERIES)),
        rows=rows,
    )


def scores_table(series: Sequence[tuple[date, Totals]], granularity: str) -> ChartTable:
    """Average scores per period that has any (a period without scores has no row)."""
    rows = [
        (period_label(start, granularity), *(fmt(getattr(totals, key)) for key, _, _ in SCORE_SERIES))
        for start, totals in series
        if any(getattr(totals, key) is not None for key, _, _ in SCORE_SERIES)
    ]
    scored = [(start, totals.average_score) for start, totals in series if totals.average_score is not None]
    if scored:
        first, last = scored[0], scored[-1]
        sentence = (f"The overall score was {fmt(first[1])} {_period_words(first[0], granularity, preposition=True)} "
                    f"and {fmt(last[1])} {_period_words(last[0], granularity, preposition=True)}; "
                    f"{plural(len(scored), granularity)} of {len(series):,} had scored interviews.")
    else:
        sentence = "No interview in the range was scored."
    return ChartTable(
        caption=f"Average overall, technical and communication score per {granularity} with scored interviews",
        summary=sentence,
        columns=(granularity.capitalize(), *(name for _, name, _ in SCORE_SERIES)),
        rows=rows,
    )


def duration_table(rows: Iterable[Any]) -> ChartTable:
    labels, counts = duration_counts(rows)
    total = sum(counts)
    top = max(range(len(counts)), key=counts.__getitem__)
    sentence = (f"Most interviews that ended lasted {labels[top]} ({counts[top]:,} of {total:,})." if total
                else "No interview in the range has ended.")
    return ChartTable(
        caption="Interviews that ended, by how long they lasted",
        summary=sentence,
        columns=("Duration", "Interviews"),
        rows=[(label, fmt(count, 0)) for label, count in zip(labels, counts, strict=True)],
    )


def score_focus_table(rows: Iterable[Any]) -> ChartTable:
    labels, by_focus = score_counts(rows)
    focuses = list(by_focus)
    parts = []
    for focus, counts in by_focus.items():
        top = max(range(len(counts)), key=counts.__getitem__)
        parts.append(f"{focus.capitalize()} jobs: {plural(sum(counts), 'interview')}, most scored {labels[top]}")
    return ChartTable(
        caption="Scored interviews per overall-score range and job focus",
        summary=("; ".join(parts) + ".") if parts else "No interview in the range was scored.",
        columns=("Overall score", *(f"{focus.capitalize()} jobs" for focus in focuses)),
        rows=[(label, *(fmt(by_focus[focus][b], 0) for focus in focuses)) for b, label in enumerate(labels)],
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- the hiring funnel -------------------------------------------------------------------------------


def funnel_chart(funnel: Funnel) -> dict[str, Any]:
    """Candidates reaching each stage, first stage on top, as horizontal bars."""
    stages = list(reversed(funnel.stages))
    data = [{
        "type": "bar", "orientation": "h", "name": "Candidates",
        "y": [stage.label for stage in stages], "x": [stage.reached for stage in stages],
        "marker": {"color": "#0891b2"},
        "text": [f"{stage.reached:,}" for stage in stages], "textposition": "auto",
        "hovertemplate": "%{y}: %{x} candidates<extra></extra>",
    }]
    axis = _count_axis(stage.reached for stage in stages)
    axis["title"] = {"text": "Candidates"}
    return {
        "data": data,
        "layout": _layout(showlegend=False, xaxis=axis, yaxis={"type": "category", "fixedrange": True}),
    }


def funnel_table(funnel: Funnel) -> ChartTable:
    """Each stage: candidates who reached it, the share of the stage before's leavers who moved on to it,
    and the average days its leavers had spent in it."""
    first = funnel.stages[0].reached if funnel.stages else 0
    parts = [f"{plural(first, 'candidate')} entered the pipeline in the range"]
    offer = next((stage for stage in funnel.stages if stage.kind == "offer"), None)
    if offer is not None:
        parts.append(f"{offer.reached:,} reached the offer stage")
    hired = f"{funnel.hired:,} {'was' if funnel.hired == 1 else 'were'} hired"
    if funnel.average_days_to_hire is not None:
        hired += f", on average {fmt(funnel.average_days_to_hire)} days after entering the pipeline"
    parts.append(hired)
    return ChartTable(
        caption="Candidates reaching each stage of the pipeline (or a later one) for the first time in the range, "
                "the share of those leaving the stage before who moved on, and the average days in the stage",
        summary="; ".join(parts) + ".",
        columns=("Stage", "Candidates", "Moved on from the stage before", "Average days in the stage"),
        rows=[
            (stage.label, fmt(stage.reached, 0), fmt(stage.conversion, 1, "%"), fmt(stage.average_days))
            for stage in funnel.stages
        ],
    )
