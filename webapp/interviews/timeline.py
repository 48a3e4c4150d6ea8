"""Reading a sentiment timeline: overall tone, smoothing, question segments and flag groups (pure, no database).

The engine stores a point every few seconds (four tone shares, its confidence, flags) and, per
interview, `response_times`: the seconds each answer took, in order (numbers, or objects with
"seconds"), counted from `start_time`. Those give the question boundaries; without them the
timeline is cut into minutes.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

MAX_WINDOW = 21  # the smoothing never averages over more points than this
MIN_SMOOTHED = 5  # fewer points than this are drawn as they are


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def tone(positive: Any, negative: Any) -> float | None:
    """One point's overall tone, 0-100: 0 all negative, 50 balanced, 100 all positive (positive minus negative)."""
    pos, neg = _number(positive), _number(negative)
    return None if pos is None or neg is None else _tone(pos, neg)


def _tone(positive: float, negative: float) -> float:
    return min(100.0, max(0.0, 50 + (positive - negative) / 2))


def window_for(count: int) -> int:
    """How many points the smoothing averages: about a twelfth of the interview, odd, 1 to MAX_WINDOW."""
    if count < MIN_SMOOTHED:
        return 1
    window = max(3, count // 12)
    return min(MAX_WINDOW, window if window % 2 else window + 1)


def smooth(values: Sequence[float | None], window: int | None = None) -> list[float | None]:
    """A centred moving average over `window` points (missing values skipped; None where a point has none).

    Centred, so a dip shows where it happened, not a few points later.
    """
    window = window_for(len(values)) if window is None else max(1, window)
    half = window // 2
    # running sums of the values and of how many there are: each point's window costs two subtractions
    sums, counts = [0.0], [0]
    for value in values:
        sums.append(sums[-1] + (value or 0.0))
        counts.append(counts[-1] + (value is not None))
    size = len(values)
    result: list[float | None] = []
    for index, value in enumerate(values):
        if value is None:
            result.append(None)
            continue
        low, high = max(0, index - half), min(size, index + half + 1)
        result.append(round((sums[high] - sums[low]) / (counts[high] - counts[low]), 2))
    return result


@dataclass(frozen=True)
class Segment:
    """One stretch of the interview: a question's answer ("Q3") or, without timing data, a minute."""

    key: str  # an id fragment: "q3", "m5", "after"
    label: str  # "Q3", "Minute 5", "After the last answer"
    start: datetime
    end: datetime | None  # None: open to the end of the interview

    def holds(self, when: datetime) -> bool:
        return self.start <= when and (self.end is None or when < self.end)


def answer_seconds(response_times: Any) -> list[float]:
    """The seconds of each answer in order, up to the first unreadable one (the boundaries after it are unknown)."""
    seconds = []
    for item in response_times if isinstance(response_times, list) else []:
        value = _number(item.get("seconds") if isinstance(item, Mapping) else item)
        if value is None or value < 0:
            break
        seconds.append(value)
    return seconds


def question_segments(response_times: Any, start: datetime | None) -> list[Segment]:
    """One segment per answer from the interview's start, then one for anything after the last answer."""
    seconds = answer_seconds(response_times)
    if start is None or not seconds:
        return []
    segments, at = [], start
    for number, length in enumerate(seconds, 1):
        end = at + timedelta(seconds=length)
        segments.append(Segment(f"q{number}", f"Q{number}", at, end))
        at = end
    segments.append(Segment("after", "After the last answer", at, None))
    return segments


MAX_SEGMENTS = 120  # longer timelines (damaged clocks, days-long sessions) get wider time segments
SEGMENT_MINUTES = (1, 2, 5, 10, 15, 30, 60, 120, 240, 720, 1440)


def minute_segments(first: datetime, last: datetime, origin: datetime | None = None) -> list[Segment]:
    """One segment per minute from `origin` (the interview's start, else the first point) to the last point.

    At most MAX_SEGMENTS: a longer span is cut into wider segments ("Minutes 10–20").
    """
    origin = origin if origin is not None and origin <= first else first
    span = int((last - origin).total_seconds() // 60) + 1
    width = next((m for m in SEGMENT_MINUTES if span <= m * MAX_SEGMENTS), SEGMENT_MINUTES[-1])
    count = (span + width - 1) // width
    segments = []
    for index in range(count):
        start_minute = index * width
        label = f"Minute {start_minute + 1}" if width == 1 else f"Minutes {start_minute}–{start_minute + width}"
        segments.append(Segment(f"m{index + 1}", label, origin + timedelta(minutes=start_minute),
                                origin + timedelta(minutes=start_minute + width)))
    return segments


def segments_for(points: Sequence[Any], response_times: Any, start: datetime | None) -> list[Segment]:
    """Question segments when the engine stored answer times, else minutes; [] without points."""
    times = [t for t in column(points, "timestamp") if isinstance(t, datetime)]
    if not times:
        return []
    questions = question_segments(response_times, start)
    if questions:
        if times[0] < questions[0].start:  # clock skew: a point before the first question joins it
            first = questions[0]
            questions[0] = Segment(first.key, first.label, times[0], first.end)
        return questions
    return minute_segments(times[0], times[-1], start)


def _segment_index(segments: Sequence[Segment], when: datetime, hint: int) -> int:
    # Points come in time order: start looking where the previous point was found.
    for index in range(hint, len(segments)):
        if segments[index].holds(when):
            return index
    for index in range(0, min(hint, len(segments))):
        if segments[index].holds(when):
            return index
    return len(segments) - 1


def assign(points: Sequence[Any], segments: Sequence[Segment]) -> list[int | None]:
    """The index of the segment each point falls in (None for a point without a time)."""
    result: list[int | None] = []
    hint = 0
    for when in column(points, "timestamp"):
        if not isinstance(when, datetime) or not segments:
            result.append(None)
            continue
        hint = _segment_index(segments, when, hint)
        result.append(hint)
    return result


def flag_names(value: Any) -> list[str]:
    """A point's flags as readable words ("long_pause" -> "long pause"); anything that is not text is skipped."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [item.strip().replace("_", " ") for item in value if isinstance(item, str) and item.strip()]


@dataclass
class SegmentSummary:
    """A segment's points in figures: the rows of the timeline's data table, and its flag group."""

    segment: Segment
    index: int
    points: int = 0
    flagged: int = 0
    flags: Counter = field(default_factory=Counter)
    flagged_times: list[datetime] = field(default_factory=list)
    sums: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def average(self, name: str) -> float | None:
        count = self.counts.get(name)
        return round(self.sums[name] / count, 1) if count else None

    @property
    def marker_time(self) -> datetime | None:
        """Where the group's marker goes: its middle flagged moment."""
        times = self.flagged_times
        return times[len(times) // 2] if times else None

    @property
    def flag_text(self) -> str:
        """"hesitation ×2, long pause"."""
        return ", ".join(name if count == 1 else f"{name} ×{count}" for name, count in self.flags.most_common())


SUMMARY_FIELDS = (
    ("tone", None), ("positive", "positive_score"), ("negative", "negative_score"),
    ("neutral", "neutral_score"), ("mixed", "mixed_score"), ("confidence", "confidence"),
    # the context factors, averaged per segment for their chart's table
    *((name, name) for name in ("value_alignment_score", "requirement_addressing_score", "response_relevance_score",
                                "confidence_score", "enthusiasm_score", "authenticity_score")),
)


def column(points: Sequence[Any], name: str) -> list[Any]:
    """One field of every point (dicts, as the pages read them, on the fast path)."""
    if points and type(points[0]) is dict:
        try:
            return [point.get(name) for point in points]
        except AttributeError:  # a mixed list: each point the way it allows
            pass
    return [_get(point, name) for point in points]


def numbers(values: Iterable[Any]) -> list[float | None]:
    return [value if type(value) is float and math.isfinite(value) else _number(value) for value in values]


def tones(points: Sequence[Any]) -> list[float | None]:
    """Each point's overall tone (see `tone`)."""
    return [
        None if pos is None or neg is None else _tone(pos, neg)
        for pos, neg in zip(numbers(column(points, "positive_score")), numbers(column(points, "negative_score")),
                            strict=True)
    ]


def summarise(points: Sequence[Any], segments: Sequence[Segment], point_tones: Sequence[float | None] | None = None
              ) -> list[SegmentSummary]:
    """Per segment that has points: how many, their average tone and shares, and their flags.

    Column by column (a 250-point interview adds up 3,000 values per page view).
    """
    summaries = [SegmentSummary(segment, index) for index, segment in enumerate(segments)]
    indexes = assign(points, segments)
    members: dict[int, list[int]] = {}  # segment -> the positions of its points
    for position, index in enumerate(indexes):
        if index is not None:
            members.setdefault(index, []).append(position)
    for index, positions in members.items():
        summaries[index].points = len(positions)
    for name, source in SUMMARY_FIELDS:
        values = (point_tones if point_tones is not None else tones(points)) if source is None else numbers(
            column(points, source))
        for index, positions in members.items():
            known = [values[p] for p in positions if values[p] is not None]
            if known:
                summaries[index].sums[name] = sum(known)
                summaries[index].counts[name] = len(known)
    for index, flags, when in zip(indexes, column(points, "flags"), column(points, "timestamp"), strict=True):
        names = flag_names(flags) if flags and index is not None else None
        if names:
            summary = summaries[index]
            summary.flagged += 1
            summary.flags.update(names)
            summary.flagged_times.append(when)
    return [summary for summary in summaries if summary.points]


def flag_groups(summaries: Iterable[SegmentSummary]) -> list[SegmentSummary]:
    """The segments with flagged moments: one marker and one entry each."""
    return [summary for summary in summaries if summary.flagged]


def clock(when: datetime | None, origin: datetime | None) -> str:
    """A moment as minutes:seconds into the interview ("12:05"), or "" without one."""
    if when is None or origin is None:
        return ""
    seconds = max(0, int((when - origin).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass(frozen=True)
class Reading:
    """A timeline read once for the chart and its text alternative."""

    summaries: list[SegmentSummary]  # the segments that have points, in time order
    tones: list[float | None]  # each point's overall tone
    by_question: bool  # segments are questions (from response_times), not minutes
    origin: datetime | None  # the interview's start (else the first point): "12:05 into the interview"
    last: datetime | None  # the last point's time

    @property
    def flag_groups(self) -> list[SegmentSummary]:
        return flag_groups(self.summaries)

    @property
    def flagged(self) -> int:
        return sum(summary.flagged for summary in self.summaries)

    @property
    def points(self) -> int:
        return sum(summary.points for summary in self.summaries)

    def average(self, name: str) -> float | None:
        """`name` averaged over every point (not over the segments' averages)."""
        count = sum(summary.counts.get(name, 0) for summary in self.summaries)
        return round(sum(summary.sums.get(name, 0.0) for summary in self.summaries) / count, 1) if count else None


def read(points: Sequence[Any], response_times: Any = None, start: datetime | None = None) -> Reading:
    """Segments (questions, else minutes), their summaries and flag groups for `points` (in time order)."""
    segments = segments_for(points, response_times, start)
    times = [t for t in column(points, "timestamp") if isinstance(t, datetime)]
    origin = start if start is not None and times and start <= times[0] else (times[0] if times else start)
    point_tones = tones(points)
    return Reading(
        summaries=summarise(points, segments, point_tones),
        tones=point_tones,
        by_question=bool(segments) and segments[0].key.startswith("q"),
        origin=origin,
        last=times[-1] if times else None,
    )
