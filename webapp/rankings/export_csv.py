"""The ranking as CSV: rows in, text lines out (pure), safe to open in a spreadsheet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from webapp import csvstream
from webapp.csvstream import safe

HEADER = ("Rank", "Candidate", "Email", "Overall", "Technical", "Skills", "Cultural fit", "Communication",
          "Confidence", "Last interview")
WHATIF_HEADER = ("Saved rank", "Movement")

def _score(value, missing: bool = False) -> str:
    return "" if value is None or missing else f"{float(value):.2f}"


def _row(row, whatif: bool) -> list[str]:
    name = " ".join(filter(None, (row.first_name, row.last_name))).strip()
    cells = [
        row.place, name or row.email, row.email, _score(row.overall_score),
        _score(row.technical_score, row.technical_missing), _score(row.skills),
        _score(row.cultural_fit_score, row.cultural_fit_missing),
        _score(row.communication_score, row.sentiment_missing), _score(row.ai_confidence),
        row.last_interview.date().isoformat() if row.last_interview else "",
    ]
    if whatif:
        cells += [row.saved_place, movement(row.movement)]
    return [safe(cell) for cell in cells]


def movement(places: int) -> str:
    """"up 3" / "down 2" / "same": words, so a spreadsheet never reads "-2" as a formula or a number."""
    if places > 0:
        return f"up {places}"
    return f"down {-places}" if places < 0 else "same"


def lines(rows: Iterable, *, whatif: bool = False) -> Iterator[str]:
    """The header and one CSV line per row (csv module quoting, CRLF line ends)."""
    return csvstream.lines(HEADER + (WHATIF_HEADER if whatif else ()), (_row(row, whatif) for row in rows))


def slug(title: str) -> str:
    """An ASCII filename part from a job title: "Données & Co / Lead" -> "donnees-co-lead"."""
    ascii_title = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "job"
