"""A chart's text alternative: one summary sentence and the chart's numbers as a table (pure, no database).

Rendered under every chart by `chart_data` in templates/macros/ui.html: the sentence is read
with the chart, the table sits in a "Data table" disclosure that screen readers and keyboard
users reach like any other content.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

DASH = "—"


@dataclass(frozen=True)
class ChartTable:
    caption: str  # what the table holds (its <caption>)
    summary: str  # one sentence: what the chart shows at a glance
    columns: Sequence[str]  # the first column heads the rows
    rows: Sequence[Sequence[str]]  # cells as text (see fmt); the first cell of each row is its header
    text_columns: frozenset[int] = field(default_factory=frozenset)  # columns that are words, not numbers

    def numeric(self, index: int) -> bool:
        return index > 0 and index not in self.text_columns


def fmt(value: Any, digits: int = 1, suffix: str = "") -> str:
    """A number as the table shows it ("62.5", "1,204"), or a dash when there is none."""
    if value is None or isinstance(value, bool):
        return DASH
    try:
        number = float(value)
    except (TypeError, ValueError):
        return DASH
    if not math.isfinite(number):
        return DASH
    text = f"{number:,.0f}" if digits == 0 else f"{number:,.{digits}f}"
    return text + suffix


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """"1 interview", "3 interviews"."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"
