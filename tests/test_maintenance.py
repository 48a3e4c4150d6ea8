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
from webapp.config import ConfigError, from_environment
from webapp.db import make_engine
from webapp.maintenance.catalog import month_bounds
from webapp.maintenance.prune import RULES, batch_select


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


# --- retention of the growing tables: login attempts, audit events, mail, webhook events ---------


def insert_rows(engine, table: str, rows: list[dict]) -> list[int]:
    """Rows with times given as SQL intervals before now ("30 days 1 minute"), in order; their ids."""
    ids = []
    with engine.begin() as connection:
        for row in rows:
            values = {k: v for k, v in row.items() if k != "age"}
            time_column = "processed_at" if table == "billing_webhookevent" else "created_at"
            columns = ", ".join([*values, time_column])
            placeholders = ", ".join([*(f":{k}" for k in values), "now() - CAST(:age AS interval)"])
            insert = text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING id")
            ids.append(connection.execute(insert, values | {"age": row["age"]}).scalar_one())
    return ids


def ids_left(engine, table: str, ids: list[int]) -> list[int]:
    with engine.connect() as connection:
        return connection.execute(
            text(f"SELECT id FROM {table} WHERE id = ANY(:ids) ORDER BY id"), {"ids": ids}
        ).scalars().all()


def delete_rows(engine, rows: dict[str, list[int]]) -> None:
    with engine.begin() as connection:
        for table, ids in rows.items():
            connection.execute(text(f"DELETE FROM {table} WHERE id = ANY(:ids)"), {"ids": ids})


JUST_OLDER, JUST_YOUNGER = "1 minute", "-1 minute"  # either side of a cutoff


def attempt(age: str) -> dict:
    return {"kind": "password", "email": "someone@example.test", "succeeded": False, "age": age}


def outbox(age: str, status: str = "sent", **kw) -> dict:
    return {"to_address": "ann@example.test", "subject": "Reset your password",
            "body_text": "Open http://localhost/password/reset/secret-token", "status": status, "age": age} | kw


def webhook(event_id: str, age: str, subscription: str | None = None, applied: bool = False,
            created: str = "2026-01-01T00:00:00Z") -> dict:
    return {"event_id": event_id, "event_type": "customer.subscription.updated", "event_created": created,
            "stripe_subscription_id": subscription, "applied": applied, "age": age}


@pytest.fixture
def growing_tables(ops):
    """Rows on both sides of each default period (login attempts 30 days, audit 365 days, mail 30 days,
    mail bodies 24 hours, webhook events 90 days)."""
    _app, engine = ops
    rows = {
        "users_loginattempt": insert_rows(engine, "users_loginattempt", [
            attempt("30 days " + JUST_OLDER), attempt("30 days " + JUST_YOUNGER), attempt("1 minute")]),
        "audit_auditevent": insert_rows(engine, "audit_auditevent", [
            {"action": "user.deactivated", "age": "365 days " + JUST_OLDER},
            {"action": "user.deactivated", "age": "365 days " + JUST_YOUNGER}]),
        "mail_outboxmessage": insert_rows(engine, "mail_outboxmessage", [
            outbox("30 days " + JUST_OLDER),  # 0: goes
            outbox("30 days " + JUST_OLDER, status="failed", attempts=5),  # 1: goes
            outbox("30 days " + JUST_OLDER, status="queued", next_attempt_at=datetime.now(UTC)),  # 2: still to send
            outbox("30 days " + JUST_YOUNGER),  # 3: kept, body emptied
            outbox("24 hours " + JUST_OLDER, status="failed", attempts=5, last_error="SMTPServerDisconnected"),  # 4
            outbox("24 hours " + JUST_OLDER, status="recorded"),  # 5: kept, body emptied
            outbox("24 hours " + JUST_YOUNGER),  # 6: kept whole
        ]),
        "billing_webhookevent": insert_rows(engine, "billing_webhookevent", [
            webhook("evt_old_ignored", "90 days " + JUST_OLDER),  # goes
            webhook("evt_old_superseded", "90 days " + JUST_OLDER, "sub_a", applied=True),  # goes: a newer one applied
            webhook("evt_newer_applied", "90 days " + JUST_YOUNGER, "sub_a", applied=True,
                    created="2026-02-01T00:00:00Z"),  # kept: young
            webhook("evt_old_watermark", "100 days", "sub_b", applied=True),  # kept: sub_b's newest applied event
            webhook("evt_old_stale", "100 days", "sub_b", created="2025-12-01T00:00:00Z"),  # goes: not applied
        ]),
    }
    yield rows
    delete_rows(engine, rows)


def test_retention_prunes_each_growing_table_exactly_by_its_period(ops, growing_tables):
    app, engine = ops
    rows = growing_tables
    before = fingerprint(engine)

    dry = invoke(app, "retention", "--dry-run")
    assert dry.exit_code == 0, dry.output
    for line in ("Login attempts older than 30 days (before ", "): would remove 1 in 1 batches of at most 5000.",
                 "Audit events older than 365 days", "Mail outbox messages older than 30 days",
                 "Mail bodies older than 24 hours", "Webhook events older than 90 days",
                 "would remove 3 in 1 batches of at most 5000 (the newest applied event of each subscription is kept).",
                 "would empty 3 in 1 batches of at most 5000 (subject and recipient kept).",
                 "Mail outbox: 1 queued for a retry, 2 failed"):
        assert line in dry.output
    assert fingerprint(engine) == before

    done = invoke(app, "retention")
    assert done.exit_code == 0, done.output
    assert "Mail outbox messages older than 30 days" in done.output and "): removed 2 in 1 batches" in done.output
    assert "emptied 3 in 1 batches of at most 5000 (subject and recipient kept)." in done.output
    assert "Mail outbox: 1 queued for a retry, 1 failed" in done.output

    attempts, audit, mail, hooks = (rows[t] for t in ("users_loginattempt", "audit_auditevent",
                                                      "mail_outboxmessage", "billing_webhookevent"))
    assert ids_left(engine, "users_loginattempt", attempts) == attempts[1:]
    assert ids_left(engine, "audit_auditevent", audit) == audit[1:]
    assert ids_left(engine, "mail_outboxmessage", mail) == mail[2:]
    assert ids_left(engine, "billing_webhookevent", hooks) == [hooks[2], hooks[3]]
    with engine.connect() as connection:
        bodies = dict(connection.execute(
            text("SELECT id, body_text FROM mail_outboxmessage WHERE id = ANY(:ids) AND body_removed_at IS NULL"),
            {"ids": mail},
        ).all())
        emptied = connection.execute(
            text("SELECT subject, to_address, body_text FROM mail_outboxmessage WHERE id = ANY(:ids) "
                 "AND body_removed_at IS NOT NULL"), {"ids": mail}).all()
    # The queued message keeps the body it still has to send; the young one keeps its link.
    assert set(bodies) == {mail[2], mail[6]} and "secret-token" in bodies[mail[6]]
    assert emptied == [("Reset your password", "ann@example.test", "")] * 3

    again = invoke(app, "retention")
    assert "Login attempts older than 30 days" in again.output and "removed 1 " not in again.output
    assert "emptied 0 (subject and recipient kept)." in again.output


def test_retention_periods_come_from_the_environment(ops, monkeypatch):
    app, engine = ops
    monkeypatch.setenv("JOBHIVE_RETENTION_AUDIT_EVENTS_DAYS", "10")
    monkeypatch.setenv("JOBHIVE_RETENTION_MAIL_BODY_HOURS", "2")
    configured = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True})
    audit = insert_rows(engine, "audit_auditevent", [{"action": "a", "age": "10 days " + JUST_OLDER},
                                                     {"action": "a", "age": "10 days " + JUST_YOUNGER}])
    mail = insert_rows(engine, "mail_outboxmessage",
                       [outbox("2 hours " + JUST_OLDER), outbox("2 hours " + JUST_YOUNGER)])
    try:
        result = invoke(configured, "retention")
        assert result.exit_code == 0, result.output
        assert "Audit events older than 10 days" in result.output and "Mail bodies older than 2 hours" in result.output
        assert ids_left(engine, "audit_auditevent", audit) == audit[1:]
        emptied = "SELECT id FROM mail_outboxmessage WHERE id = ANY(:ids) AND body_removed_at IS NOT NULL"
        with engine.connect() as connection:
            assert connection.execute(text(emptied), {"ids": mail}).scalars().all() == mail[:1]
    finally:
        configured.extensions["db_engine"].dispose()
        delete_rows(engine, {"audit_auditevent": audit, "mail_outboxmessage": mail})


def test_retention_works_in_batches_each_committed_on_its_own(ops):
    app, engine = ops
    attempts = insert_rows(engine, "users_loginattempt", [attempt(f"40 days {n} minutes") for n in range(5)])
    mail = insert_rows(engine, "mail_outboxmessage", [outbox(f"2 days {n} minutes") for n in range(5)])
    try:
        result = invoke(app, "retention", "--batch-size", "2")
        assert result.exit_code == 0, result.output
        assert "removed 5 in 3 batches of at most 2." in result.output
        assert "emptied 5 in 3 batches of at most 2" in result.output
        assert ids_left(engine, "users_loginattempt", attempts) == []
        # Every batch was a transaction of its own: the emptied rows carry three transaction ids,
        # oldest rows first.
        with engine.connect() as connection:
            writers = connection.execute(
                text("SELECT xmin::text FROM mail_outboxmessage WHERE id = ANY(:ids) ORDER BY created_at"),
                {"ids": mail},
            ).scalars().all()
        assert [writers.count(w) for w in dict.fromkeys(writers)] == [2, 2, 1]
    finally:
        delete_rows(engine, {"users_loginattempt": attempts, "mail_outboxmessage": mail})


@pytest.mark.parametrize(("rule", "index"), [
    ("Login attempts", "idx_users_loginattempt_created_at"),
    ("Audit events", "idx_audit_auditevent_created_at"),
    ("Mail outbox messages", "idx_mail_outboxmessage_created_at"),
    ("Mail bodies", "idx_mail_outboxmessage_body_kept"),
    ("Webhook events", "idx_billing_webhookevent_processed_at"),
])
def test_each_batch_is_read_from_the_time_index(ops, rule, index):
    _app, engine = ops
    statement = next(r for r in RULES if r.label == rule)
    with engine.connect() as connection:
        connection.execute(text("SET LOCAL enable_seqscan = off"))  # the tables are tiny here
        connection.execute(text("SET LOCAL enable_bitmapscan = off"))
        plan = connection.execute(
            text(f"EXPLAIN (FORMAT JSON) {batch_select(statement)}"),
            {"cutoff": datetime.now(UTC), "after_time": datetime(2020, 1, 1, tzinfo=UTC), "after_id": 0, "batch": 10},
        ).scalar_one()
    nodes, scans = [plan[0]["Plan"]], []
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node.get("Relation Name") == statement.table and node["Parent Relationship"] == "Outer":
            scans.append(node)
    # The batch starts where the last one stopped: both ends of its time range bound the index scan
    # (at scale an incremental sort then orders the few rows of one timestamp by id).
    (scan,) = scans
    assert (scan["Node Type"], scan["Index Name"]) == ("Index Scan", index), scan
    for bound in ("<", ">="):
        assert f"({statement.time_column} {bound} " in scan["Index Cond"], scan["Index Cond"]


@pytest.mark.parametrize(("environ", "message"), [
    ({"JOBHIVE_RETENTION_LOGIN_ATTEMPTS_DAYS": "0"},
     "JOBHIVE_RETENTION_LOGIN_ATTEMPTS_DAYS must be a whole number of days from 1 to 36500, not '0'"),
    ({"JOBHIVE_RETENTION_AUDIT_EVENTS_DAYS": "1y"},
     "JOBHIVE_RETENTION_AUDIT_EVENTS_DAYS must be a whole number of days from 1 to 36500, not '1y'"),
    ({"JOBHIVE_RETENTION_MAIL_DAYS": "-3"}, "JOBHIVE_RETENTION_MAIL_DAYS must be a whole number of days"),
    ({"JOBHIVE_RETENTION_WEBHOOK_EVENTS_DAYS": "3"},
     "JOBHIVE_RETENTION_WEBHOOK_EVENTS_DAYS must be a whole number of days from 7 to 36500, not '3'"),
    ({"JOBHIVE_RETENTION_MAIL_DAYS": "2", "JOBHIVE_RETENTION_MAIL_BODY_HOURS": "49"},
     "JOBHIVE_RETENTION_MAIL_BODY_HOURS must be a whole number of hours from 1 to 48 (bodies go no later than "
     "their messages: JOBHIVE_RETENTION_MAIL_DAYS), not '49'"),
])
def test_bad_retention_settings_are_refused_with_a_clear_message(environ, message):
    with pytest.raises(ConfigError) as refused:
        from_environment({"JOBHIVE_ENV": "testing"} | environ)
    assert message in str(refused.value)


def test_retention_defaults():
    config = from_environment({"JOBHIVE_ENV": "testing"})
    assert {k: v for k, v in config.items() if k.startswith("RETENTION_")} == {
        "RETENTION_LOGIN_ATTEMPTS_DAYS": 30, "RETENTION_AUDIT_EVENTS_DAYS": 365, "RETENTION_MAIL_DAYS": 30,
        "RETENTION_MAIL_BODY_HOURS": 24, "RETENTION_WEBHOOK_EVENTS_DAYS": 90}
