"""Where a request may send the browser next: only paths on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_path(target: str | None) -> str | None:
    """`target` when it is a same-site path a Location header can carry, else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    # Browsers drop tabs and newlines from URLs ("/\t/evil.example" becomes "//evil.example"),
    # and a newline cannot go into a header at all: refuse every control character.
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None
    if urlsplit(target).netloc:
        return None
    return target
