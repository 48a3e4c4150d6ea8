"""Counting the SQL a request sends, to prove list pages have no N+1 queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

# Savepoints are the test transaction's bookkeeping, not the page's queries.
BOOKKEEPING = ("SAVEPOINT", "RELEASE", "ROLLBACK TO")


@contextmanager
def recorded_statements(app) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the block runs (on the test's connection)."""
    statements: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(BOOKKEEPING):
            statements.append(statement)

    bind = app.extensions["db_bind"]
    event.listen(bind, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", remember)


def statements_of(app, client, url: str) -> tuple[list[str], str]:
    """The statements a GET of `url` runs, and the page it answers (which must be a 200)."""
    with recorded_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements, response.get_data(as_text=True)


def statements_with_parameters(app, client, url: str, headers: dict | None = None) -> list[tuple[str, dict]]:
    """The statements (and their parameters) a GET of `url` sends through the app's own engine, for EXPLAIN."""
    statements: list[tuple[str, dict]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", remember)
    try:
        response = client.get(url, headers=headers or {})
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert response.status_code == 200, (url, response.status_code)
    return statements
