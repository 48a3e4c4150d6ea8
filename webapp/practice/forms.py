"""Query parameters of the practice list (sort and page), parsed once so every view of it has a URL."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from webapp.pagination import ListParams, page_number

PER_PAGE = 20
SORT_KEYS = ("date", "topic", "status", "technical", "behavioral", "skills")
DEFAULT_SORT = "-date"
# Columns whose natural first click is "highest first".
DESCENDING_FIRST = ("date", "technical", "behavioral", "skills")


@dataclass(frozen=True)
class PracticeListParams(ListParams):
    sort: str = DEFAULT_SORT
    page: int = 1

    @classmethod
    def parse(cls, args: MultiDict) -> PracticeListParams:
        """An unknown sort falls back to the default (old bookmarks keep working); a bad page is an error."""
        sort = args.get("sort", DEFAULT_SORT)
        return cls(
            sort=sort if sort.removeprefix("-") in SORT_KEYS else DEFAULT_SORT,
            page=page_number(args.get("page", "")),
        )

    def sort_link(self, key: str) -> str:
        """The sort a column header links to: flip the current column, else its natural order."""
        if self.sort_key == key:
            return key if self.descending else f"-{key}"
        return f"-{key}" if key in DESCENDING_FIRST else key
