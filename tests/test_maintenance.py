"""`flask maintenance ...` on a scratch database: these commands commit (and VACUUM refuses a transaction).

The tests share one migrated scratch database and run in file order; each
builds and checks its own rows, so none depends on another's leftovers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.factories import (
    gen_company,
    gen_context_factors,
    gen_cultural_fit,
    gen_interview,
    gen_job,
    gen_oauth_token,
    gen_ranking,
    gen_sentiment_point,
    gen_sentiment_session,
    gen_skill_assessment,
    gen_user,
)
from tests.test_backup import fingerprint
from webapp import create_app
from webapp.cli import alembic_config
from webapp.db import make_engine
from webapp.maintenance.catalog import month_bounds


@pytest.fixture(scope="module")
def ops(scratch_database_url):
    """An app and an engine over a migrated scratch database."""
    url = scratch_database_url("ops_maintenance")
    command.upgrade(alembic_config(url), "head")
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    engine = make_engine(url)
    yield app, engine
    engine.dispose()
    app.extensions["db_engine"].dispose()


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["maintenance", *args])


def scalar(engine, sql: str, **params):
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def partition_exists(engine, name: str) -> bool:
    return scalar(engine, "SELECT to_regclass(:name) IS NOT NULL", name=name)


def month_name(month: date) -> str:
    return f"interview_sentimenthistory_y{month:%Y}m{month:%m}"


def months_from_now(n: int) -> date:
    today = datetime.now(UTC).date()
    index = today.year * 12 + today.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def delete_users(engine, ids: list[int]) -> None:
    """Committed test data goes the way it would in production: everything cascades from its users."""
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM users_user WHERE id = ANY(:ids)"), {"ids": ids})


def drop_partition(engine, name: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE interview_sentimenthistory DETACH PARTITION {name}"))
        connection.execute(text(f"DROP TABLE {name}"))


# --- partitions -------------------------------------------------------------------------


def test_partitions_creates_missing_months_and_dry_run_creates_none(ops):
    app, engine = ops
    missing = [month_name(months_from_now(2)), month_name(months_from_now(3))]
    for name in missing:
        drop_partition(engine, name)

    dry = invoke(app, "partitions", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would create {missing[0]}" in dry.output and f"would create {missing[1]}" in dry.output
    assert f"{month_name(months_from_now(0))} exists" in dry.output
    assert not any(partition_exists(engine, name) for name in missing)

    done = invoke(app, "partitions")
    assert done.exit_code == 0, done.output
    assert f"created {missing[0]}" in done.output and "No default partition." in done.output
    assert all(partition_exists(engine, name) for name in missing)
    assert "created" not in invoke(app, "partitions").output


def test_partitions_reports_default_partition_rows_and_refuses_months_stranded_there(ops):
    app, engine = ops
    ahead = months_from_now(1)
    drop_partition(engine, month_name(ahead))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE history_default PARTITION OF interview_sentimenthistory DEFAULT"))
        connection.execute(
            text("INSERT INTO interview_sentimenthistory (\"timestamp\") VALUES (:a), (:b), (:c)"),
            {"a": datetime(2031, 5, 10, tzinfo=UTC), "b": datetime(2031, 6, 1, tzinfo=UTC),
             "c": month_bounds(ahead)[0] + timedelta(days=3)},
        )
    try:
        result = invoke(app, "partitions")
        assert result.exit_code == 1
        assert f"{ahead:%Y-%m}: NOT created: 1 rows of this month sit in the default partition" in result.output
        assert "Default partition history_default: 3 rows (they belong in monthly partitions)." in result.output
        assert "1 month(s) could not get a partition" in result.output
        assert not partition_exists(engine, month_name(ahead))
    finally:
        drop_partition(engine, "history_default")
        with engine.begin() as connection:
            connection.execute(text("SELECT create_monthly_partition(:month)"), {"month": ahead})


# --- retention ---------------------------------------------------------------------------


@pytest.fixture
def old_history(ops):
    """Sentiment points in two months older than two years, around a cutoff mid-month, and OAuth tokens."""
    app, engine = ops
    now = datetime.now(UTC)
    straddled = months_from_now(-25)
    start, end = month_bounds(straddled)
    # A cutoff near the middle of a month keeps every point well away from it.
    keep_days = (now - (start + timedelta(days=15))).days
    cutoff = now - timedelta(days=keep_days)
    with engine.begin() as connection:
        for month in ("2022-01-01", "2022-02-01"):
            connection.execute(text("SELECT create_monthly_partition(:m)"), {"m": date.fromisoformat(month)})
    with Session(engine, expire_on_commit=False) as session:
        user = gen_user(session)
        sentiment = gen_sentiment_session(session, gen_interview(session, user))

        def point(at: datetime, factors: bool = True):
            row = gen_sentiment_point(session, sentiment, timestamp=at)
            if factors:
                gen_context_factors(session, row)
            return row

        point(datetime(2022, 1, 5, tzinfo=UTC))
        point(datetime(2022, 1, 20, tzinfo=UTC))
        point(datetime(2022, 2, 3, tzinfo=UTC), factors=False)
        old = [point(cutoff - (cutoff - start) * k / 4) for k in (1, 2, 3)]
        kept = [point(cutoff + (end - cutoff) * k / 3) for k in (1, 2)] + [point(now - timedelta(minutes=1))]
        gen_oauth_token(session, user, "github", expires_at=now - timedelta(days=2))
        gen_oauth_token(session, user, "google", expires_at=now - timedelta(hours=1))
        gen_oauth_token(session, user, "linkedin", expires_at=now + timedelta(days=30))
        session.commit()
    yield {"keep_days": keep_days, "sentiment": sentiment.id, "user": user.id,
           "old": [p.id for p in old], "kept": sorted(p.id for p in kept), "straddled": month_name(straddled)}
    delete_users(engine, [user.id])  # its interview, sentiment points and tokens go with it


def test_retention_dry_run_reports_and_writes_nothing(ops, old_history):
    app, engine = ops
    before = fingerprint(engine)

    result = invoke(app, "retention", "--dry-run", "--keep-days", str(old_history["keep_days"]), "--batch-size", "2")

    assert result.exit_code == 0, result.output
    assert "would drop partition interview_sentimenthistory_y2022m01: 2 rows, 2 context factors" in result.output
    assert "would drop partition interview_sentimenthistory_y2022m02: 1 rows, 0 context factors" in result.output
    assert f"would drop partition {old_history['straddled']}" not in result.output
    assert "would remove 3 rows and 3 context factors in 2 batches of at most 2" in result.output
    assert "OAuth tokens expired more than a day ago: would remove 1." in result.output
    assert fingerprint(engine) == before


def test_retention_drops_old_partitions_and_deletes_the_rest_in_batches(ops, old_history):
    app, engine = ops

    result = invoke(app, "retention", "--keep-days", str(old_history["keep_days"]), "--batch-size", "2")

    assert result.exit_code == 0, result.output
    dropped = "dropped partition interview_sentimenthistory_y2022m01: 2 rows, 2 context factors deleted first"
    assert dropped in result.output
    assert "removed 3 rows and 3 context factors in 2 batches of at most 2" in result.output
    assert "OAuth tokens expired more than a day ago: removed 1." in result.output
    for name in ("interview_sentimenthistory_y2022m01", "interview_sentimenthistory_y2022m02"):
        assert not partition_exists(engine, name)
    assert partition_exists(engine, old_history["straddled"])
    # Every partition wholly before the cutoff is gone, whoever created it.
    assert scalar(
        engine,
        "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'interview_sentimenthistory'::regclass AND c.relname < :straddled",
        straddled=old_history["straddled"],
    ) == 0
    with engine.connect() as connection:
        left = connection.execute(
            text("SELECT id FROM interview_sentimenthistory WHERE sentiment_session_id = :s ORDER BY id"),
            {"s": old_history["sentiment"]},
        ).scalars().all()
        factors = connection.execute(
            text("SELECT sentiment_history_id FROM interview_sentimentcontextfactors "
                 "WHERE sentiment_history_id = ANY(:ids) ORDER BY 1"),
            {"ids": old_history["old"] + old_history["kept"]},
        ).scalars().all()
        providers = connection.execute(
            text("SELECT provider FROM users_useroauthtoken WHERE user_id = :u ORDER BY provider"),
            {"u": old_history["user"]},
        ).scalars().all()
    assert left == old_history["kept"] and factors == old_history["kept"]
    assert providers == ["google", "linkedin"]


@pytest.mark.parametrize("args", [["retention", "--batch-size", "0"], ["retention", "--keep-days", "-5"],
                                  ["partitions", "--months-ahead", "many"], ["archive", "--older-than-days", "0"]])
def test_bad_options_get_a_usage_error(ops, args):
    result = invoke(ops[0], *args)
    assert result.exit_code == 2
    assert "Invalid value" in result.output


# --- archive -----------------------------------------------------------------------------


@pytest.fixture
def old_interviews(ops):
    """Two old completed interviews with results, one old cancelled, one recent completed."""
    app, engine = ops
    long_ago = datetime.now(UTC) - timedelta(days=400)
    with Session(engine, expire_on_commit=False) as session:
        candidate = gen_user(session)
        company = gen_company(session)
        job = gen_job(session, company)
        old = [gen_interview(session, candidate, job, status="completed", start_time=long_ago + timedelta(hours=h))
               for h in (0, 3)]
        for interview in old:
            sentiment = gen_sentiment_session(session, interview)
            gen_context_factors(session, gen_sentiment_point(session, sentiment, timestamp=interview.start_time))
            gen_skill_assessment(session, interview, scores=(60, 70))
            gen_cultural_fit(session, interview)
        cancelled = gen_interview(session, candidate, job, status="cancelled", start_time=long_ago)
        recent = gen_interview(session, gen_user(session), job, status="completed")
        gen_ranking(session, job, candidate)
        session.commit()
        users = [candidate.id, recent.user_id, company.user_id]
    ids = {"old": sorted(i.id for i in old), "kept": sorted([cancelled.id, recent.id])}
    yield ids
    delete_users(engine, users)
    with engine.begin() as connection:
        connection.execute(
            text("DELETE FROM interview_interviewsession_archive WHERE id = ANY(:ids)"), {"ids": ids["old"]}
        )


def archived_ids(engine) -> list[int]:
    with engine.connect() as connection:
        return connection.execute(text("SELECT id FROM interview_interviewsession_archive ORDER BY id")).scalars().all()


def test_archive_copies_idempotently_and_dry_run_copies_nothing(ops, old_interviews):
    app, engine = ops

    dry = invoke(app, "archive", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would copy 2 into interview_interviewsession_archive" in dry.output
    assert archived_ids(engine) == []

    first = invoke(app, "archive")
    assert first.exit_code == 0, first.output
    assert "copied 2 into" in first.output and "Originals kept" in first.output
    again = invoke(app, "archive")
    assert "(2 already archived)" in again.output and "copied 0 into" in again.output
    assert archived_ids(engine) == old_interviews["old"]
    # Every column of the copy equals the original's.
    assert scalar(
        engine,
        "SELECT count(*) FROM interview_interviewsession s JOIN interview_interviewsession_archive a USING (id) "
        "WHERE to_jsonb(s) = to_jsonb(a) - 'archived_at'",
    ) == 2


def test_archive_refuses_to_delete_when_a_copy_differs_then_deletes_with_cascades(ops, old_interviews):
    app, engine = ops
    first, second = old_interviews["old"]
    assert invoke(app, "archive").exit_code == 0
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE interview_interviewsession_archive SET technical_accuracy = 1 WHERE id = :id"), {"id": second}
        )

    refused = invoke(app, "archive", "--delete-originals")
    assert refused.exit_code == 1
    assert f"refusing to delete: 1 originals have no identical archived copy (ids {second})" in refused.output
    originals = "SELECT count(*) FROM interview_interviewsession WHERE id = ANY(:ids)"
    assert scalar(engine, originals, ids=[first, second]) == 2

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM interview_interviewsession_archive WHERE id = :id"), {"id": second})
    before = fingerprint(engine)
    plan = invoke(app, "archive", "--delete-originals", "--dry-run")
    assert plan.exit_code == 0, plan.output
    for line in ("interview_sentimentsession: 2 rows deleted", "interview_sentimenthistory: 2 rows deleted",
                 "interview_sentimentcontextfactors: 2 rows deleted", "interview_skillassessment: 2 rows deleted",
                 "interview_skillassessmenthistory: 4 rows deleted", "interview_culturalfit: 2 rows deleted",
                 "interview_candidateranking: 1 rows the next `rankings recompute` removes",
                 "Would verify every copy and delete 2 originals."):
        assert line in plan.output
    assert fingerprint(engine) == before

    done = invoke(app, "archive", "--delete-originals")
    assert done.exit_code == 0, done.output
    assert "copied 1 into" in done.output and "Verified and deleted 2 originals." in done.output
    assert "interview_skillassessmenthistory: 4 rows deleted" in done.output
    with engine.connect() as connection:
        remaining = connection.execute(
            text("SELECT id FROM interview_interviewsession WHERE id = ANY(:ids) ORDER BY id"),
            {"ids": old_interviews["old"] + old_interviews["kept"]},
        ).scalars().all()
        results_left = connection.execute(
            text("SELECT (SELECT count(*) FROM interview_sentimentsession WHERE interview_session_id = ANY(:ids))"
                 " + (SELECT count(*) FROM interview_skillassessment WHERE interview_session_id = ANY(:ids))"
                 " + (SELECT count(*) FROM interview_culturalfit WHERE interview_session_id = ANY(:ids))"),
            {"ids": old_interviews["old"]},
        ).scalar()
    assert remaining == old_interviews["kept"] and results_left == 0
    assert archived_ids(engine) == old_interviews["old"]


# --- analyze -----------------------------------------------------------------------------


def last_maintained(engine, table: str):
    statistics = "SELECT (last_analyze, last_vacuum)::text FROM pg_stat_user_tables WHERE relname = :t"
    return scalar(engine, statistics, t=table)


def test_analyze_and_vacuum_refresh_statistics_and_dry_run_does_not(ops):
    app, engine = ops
    before = last_maintained(engine, "billing_usagerecord")

    dry = invoke(app, "analyze", "--vacuum", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert 'would run VACUUM (ANALYZE) "interview_sentimenthistory"' in dry.output
    assert last_maintained(engine, "billing_usagerecord") == before

    analyzed = invoke(app, "analyze")
    assert analyzed.exit_code == 0, analyzed.output
    assert 'ANALYZE "billing_usagerecord"' in analyzed.output and "Processed 12 tables." in analyzed.output
    with engine.connect() as connection:
        analyze_time, vacuum_time = connection.execute(
            text("SELECT last_analyze, last_vacuum FROM pg_stat_user_tables WHERE relname = 'billing_usagerecord'")
        ).one()
    assert analyze_time is not None and vacuum_time is None

    vacuumed = invoke(app, "analyze", "--vacuum")
    assert vacuumed.exit_code == 0, vacuumed.output
    assert scalar(engine, "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'billing_usagerecord'")
