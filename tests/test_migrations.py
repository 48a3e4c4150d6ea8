"""The migrations build, remove and rebuild the whole schema on a fresh database."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from tests.schema_doc import documented_schema
from webapp.cli import alembic_config
from webapp.db import make_engine

HISTORY = "interview_sentimenthistory"
DATA_SET_TABLES = (
    "users_user",
    "company_company",
    "company_job",
    "interview_interviewsession",
    "interview_sentimentsession",
    HISTORY,
    "interview_sentimentcontextfactors",
)


def public_relations(connection) -> set[str]:
    """Every table, view, sequence and index left in the schema, Alembic's own bookkeeping aside."""
    names = connection.execute(
        text("SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace")
    ).scalars()
    return set(names) - {"alembic_version", "alembic_version_pkc"}


def public_functions(connection) -> set[str]:
    return set(
        connection.execute(
            text("SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace")
        ).scalars()
    )


def insert_data_set(connection, tag: str, history_times: list[str]) -> dict[str, int]:
    """A user, company, job, interview, sentiment session and history rows with context factors, in plain SQL."""

    def one(sql: str, **params) -> int:
        return connection.execute(text(sql), params).scalar_one()

    ids = {"user": one(
        "INSERT INTO users_user (username, email, password) VALUES (:u, :e, 'x') RETURNING id",
        u=f"candidate-{tag}", e=f"candidate-{tag}@jobhive.test",
    )}
    ids["company"] = one(
        "INSERT INTO company_company (user_id, company_name) VALUES (:user, 'Acme Robotics') RETURNING id",
        user=ids["user"],
    )
    ids["job"] = one(
        "INSERT INTO company_job (company_id, title) VALUES (:company, 'Robot wrangler') RETURNING id",
        company=ids["company"],
    )
    ids["interview"] = one(
        "INSERT INTO interview_interviewsession (session_id, user_id, job_id) VALUES (:s, :user, :job) RETURNING id",
        s=f"interview-{tag}", user=ids["user"], job=ids["job"],
    )
    ids["sentiment"] = one(
        "INSERT INTO interview_sentimentsession (session_id, interview_session_id, user_id, positive_score)"
        " VALUES (:s, :interview, :user, 60) RETURNING id",
        s=f"sentiment-{tag}", interview=ids["interview"], user=ids["user"],
    )
    for when in history_times:
        history_id, stamp = connection.execute(
            text(
                f'INSERT INTO {HISTORY} (sentiment_session_id, interview_session_id, positive_score, "timestamp")'
                f" VALUES (:sentiment, :interview, 55, {when}) RETURNING id, \"timestamp\""
            ),
            {"sentiment": ids["sentiment"], "interview": ids["interview"]},
        ).one()
        connection.execute(
            text(
                "INSERT INTO interview_sentimentcontextfactors"
                " (sentiment_history_id, sentiment_history_timestamp, value_alignment_score, key_themes)"
                " VALUES (:id, :stamp, 70, '[\"robots\"]')"
            ),
            {"id": history_id, "stamp": stamp},
        )
    return ids


def row_counts(connection) -> dict[str, int]:
    return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in DATA_SET_TABLES}


def history_rows(connection) -> list[tuple]:
    """History rows joined to their context factors, with the partition each one landed in."""
    return connection.execute(
        text(
            f'SELECT h.tableoid::regclass::text, h.positive_score, c.value_alignment_score, c.key_themes'
            f" FROM {HISTORY} h JOIN interview_sentimentcontextfactors c"
            f' ON c.sentiment_history_id = h.id AND c.sentiment_history_timestamp = h."timestamp"'
            f' ORDER BY h."timestamp"'
        )
    ).all()


@pytest.fixture
def migrations_database(scratch_database_url):
    url = scratch_database_url("migrations")
    engine = make_engine(url)
    yield alembic_config(url), engine
    engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(migrations_database):
    config, engine = migrations_database
    tables = set(documented_schema().tables)

    command.upgrade(config, "head")
    with engine.begin() as connection:
        missing = tables - public_relations(connection)
        assert not missing, f"missing after upgrade: {missing}"
        ids = insert_data_set(connection, "first", ["'2024-01-20 10:00:00+00'"])
    with engine.connect() as connection:
        assert row_counts(connection) == dict.fromkeys(DATA_SET_TABLES, 1)
        assert history_rows(connection) == [(f"{HISTORY}_y2024m01", 55, 70, ["robots"])]
        role, verified = connection.execute(
            text("SELECT role, is_verified FROM users_user WHERE id = :id"), {"id": ids["user"]}
        ).one()
        assert (role, verified) == ("user", False), "database-side defaults did not apply"

    command.downgrade(config, "base")
    with engine.connect() as connection:
        assert public_relations(connection) == set(), f"left behind by downgrade: {public_relations(connection)}"
        assert public_functions(connection) == set(), f"functions left by downgrade: {public_functions(connection)}"
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 0

    command.upgrade(config, "head")
    with engine.begin() as connection:
        missing = tables - public_relations(connection)
        assert not missing, f"missing after re-upgrade: {missing}"
        non_empty = [t for t in sorted(tables) if connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()]
        assert non_empty == [], f"tables not empty after downgrade and upgrade: {non_empty}"
        assert "create_monthly_partition" in public_functions(connection)
        insert_data_set(connection, "second", ["now()", "now() + interval '3 months'"])
    with engine.connect() as connection:
        assert row_counts(connection) == dict.fromkeys(DATA_SET_TABLES, 1) | {HISTORY: 2, DATA_SET_TABLES[-1]: 2}
        rows = history_rows(connection)
        partitions = set(
            connection.execute(
                text("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass(:t)"),
                {"t": HISTORY},
            ).scalars()
        )
    assert [row[1:] for row in rows] == [(55, 70, ["robots"])] * 2
    assert {row[0] for row in rows} <= partitions, f"history rows landed outside the partitions: {rows}"
