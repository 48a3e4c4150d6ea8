"""Query parameters of the interview history (just the page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from webapp.pagination import page_number


@dataclass(frozen=True)
class HistoryParams:
    page: int = 1

    @classmethod
    def parse(cls, args: MultiDict) -> HistoryParams:
        """A page that is not a number raises BadQueryParameter."""
        return cls(page=page_number(args.get("page", "")))

    def query_args(self, **changes) -> dict[str, Any]:
        page = changes.get("page", self.page)
        return {"page": page} if page != 1 else {}
