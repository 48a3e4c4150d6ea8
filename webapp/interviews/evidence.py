"""An assessment's details (the engine's JSON) in words a recruiter reads, never as raw keys (pure, no database).

The engine writes {"category": "Adaptability", "evidence_count": 1} and sometimes a list of
evidence or a comment; `evidence_words` turns that into "based on 1 piece of evidence" and
keeps any other field as a readable "Label: value", so nothing is lost and nothing reads as code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from webapp.interviews.charts import as_text

COMMENT_KEYS = ("summary", "comment", "comments", "note", "notes", "rationale")


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _pieces(count: int) -> str:
    return "1 piece of evidence" if count == 1 else f"{count:,} pieces of evidence"


def _label(key: str) -> str:
    return str(key).replace("_", " ").strip().capitalize()


def evidence_words(details: Any, category: str | None = None) -> str:
    """E.g. "based on 1 piece of evidence"; "" when the details say nothing beyond the category shown."""
    if details is None:
        return ""
    if not isinstance(details, Mapping):
        return as_text(details)
    parts: list[str] = []
    evidence = details.get("evidence")
    items = [as_text(item) for item in evidence if as_text(item)] if isinstance(evidence, list) else []
    count = _count(details.get("evidence_count"))
    if count is None and items:
        count = len(items)
    if count is not None:
        parts.append(f"based on {_pieces(count)}" + (f": {'; '.join(items)}" if items else ""))
    elif isinstance(evidence, str) and evidence.strip():
        parts.append(f"evidence: {evidence.strip()}")
    for key in COMMENT_KEYS:
        if isinstance(details.get(key), str) and details[key].strip():
            parts.append(details[key].strip())
    shown = {"evidence", *COMMENT_KEYS}
    if _count(details.get("evidence_count")) is not None:
        shown.add("evidence_count")  # said above; a count that is not one stays as it is below
    for key, value in details.items():
        if key in shown or value in (None, "", [], {}):
            continue
        if key == "category" and category is not None and as_text(value).strip().lower() == category.strip().lower():
            continue  # already the assessment's name
        parts.append(f"{_label(key)}: {as_text(value)}")
    return " · ".join(parts)
