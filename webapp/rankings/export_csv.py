"""The ranking as CSV: rows in, text lines out (pure), safe to open in a spreadsheet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain

from webapp import csvstream
from webapp.csvstream import safe

HEADER = ("Rank", "Candidate", "Email", "Overall", "Human score", "Scorecards", "Technical", "Skills", "Cultural fit",
          "Communication", "Confidence", "Last interview", "People's override", "Override reason")
WHATIF_HEADER = ("Saved rank", "Movement")
# People's overrides as the CSV says them; the rank stays the AI's.
OVERRIDE_WORDS = {"pin": "pinned to the top", "exclude": "excluded from the ranking"}

def _score(value, missing: bool = False) -> str:
    return "" if value is None or missing else f"{float(value):.2f}"


def _row(row, whatif: bool, human=None, override=None) -> list[str]:
    name = " ".join(filter(None, (row.first_name, row.last_name))).strip()
    cells = [
        row.place, name or row.email, row.email, _score(row.overall_score),
        _score(human.human_score if human else None), human.scorecards if human else 0,
        _score(row.technical_score, row.technical_missing), _score(row.skills),
        _score(row.cultural_fit_score, row.cultural_fit_missing),
        _score(row.communication_score, row.sentiment_missing), _score(row.ai_confidence),
        row.last_interview.date().isoformat() if row.last_interview else "",
        OVERRIDE_WORDS[override.kind] if override else "", override.reason if override else "",
    ]
    if whatif:
        # a pinned or excluded row is the saved ranking's: no movement
        cells += [row.saved_place, movement(row.movement)] if override is None else [row.place, "same"]
    return [safe(cell) for cell in cells]


def movement(places: int) -> str:
    """"up 3" / "down 2" / "same": words, so a spreadsheet never reads "-2" as a formula or a number."""
    if places > 0:
        return f"up {places}"
    return f"down {-places}" if places < 0 else "same"


def lines(rows: Iterable, *, whatif: bool = False, humans: Mapping | None = None, pinned: Iterable = (),
          excluded: Iterable = ()) -> Iterator[str]:
    """The header and one CSV line per row (csv module quoting, CRLF line ends): the pinned candidates
    first, then the AI's order, then the excluded ones, as the page lists them."""
    humans = humans or {}
    body = chain(
        (_row(row, whatif, humans.get(row.candidate_id), row) for row in pinned),
        (_row(row, whatif, humans.get(row.candidate_id)) for row in rows),
        (_row(row, whatif, humans.get(row.candidate_id), row) for row in excluded),
    )
    return csvstream.lines(HEADER + (WHATIF_HEADER if whatif else ()), body)


def slug(title: str) -> str:
    """An ASCII filename part from a job title: "Données & Co / Lead" -> "donnees-co-lead"."""
    ascii_title = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "job"
