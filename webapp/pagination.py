"""One page of a list: the page-number clamp every list applies and the numbers the pager shows."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any, ClassVar, Self

from webapp.dateranges import BadQueryParameter

# Lists count matching rows up to this many; beyond it they say "10,000+" (an exact count would
# read a big company's whole history on every page). LIST_COUNT_LIMIT in the app config overrides it.
COUNT_LIMIT = 10_000
MAX_PAGE = 10**9  # pages past the end become the last page; absurd numbers are capped before arithmetic


def page_number(raw: str) -> int:
    """`page` from a query string: empty is 1; anything but digits is a BadQueryParameter."""
    raw = raw.strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()):
        raise BadQueryParameter(f"The page must be a whole number such as 2, not “{raw[:20]}”.")
    return max(1, min(int(raw[:12]), MAX_PAGE))


def clamp_page(requested: int, matching: int, per_page: int | None) -> tuple[int, int]:
    """(page, pages): past the end shows the last page, below 1 the first; no per_page is one page of all."""
    pages = max(1, -(-matching // per_page)) if per_page else 1
    return min(max(requested, 1), pages), pages


@dataclass(frozen=True)
class ListPage:
    """The rows of one page; areas subclass it to add their own fields (params, total, counts)."""

    rows: list[Any]
    matching: int  # rows matching the filters, on all pages
    page: int  # the page shown (a page past the end shows the last one)
    pages: int
    per_page: int | None  # None: every matching row on one page

    @property
    def first_index(self) -> int:
        """1-based position of the first row shown (0 when there is none)."""
        return (self.page - 1) * (self.per_page or 0) + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.rows) - 1 if self.rows else 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def matching_text(self) -> str:
        """The count the pager shows: "1,234", or "10,000+" for a list counted up to a limit."""
        return f"{self.matching:,}+" if getattr(self, "capped", False) else f"{self.matching:,}"


class ListParams:
    """Mixin for a list's frozen dataclass of query parameters (all with defaults): sort, change, link.

    Every field is a query parameter, named like the field unless URL_NAMES says otherwise.
    """

    URL_NAMES: ClassVar[dict[str, str]] = {}

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def with_(self, **changes) -> Self:
        return replace(self, **changes)

    def query_args(self, **changes) -> dict[str, Any]:
        """The non-default parameters under their URL names, for url_for: short, shareable URLs."""
        params, defaults = replace(self, **changes), type(self)()
        return {
            self.URL_NAMES.get(field.name, field.name): value.isoformat() if isinstance(value, date) else value
            for field in fields(self)
            if (value := getattr(params, field.name)) != getattr(defaults, field.name)
        }
