"""Reordering a learning path from several connections at once keeps `order_position` unique and loses no move.

These tests commit for real, in a scratch database of their own (dropped at the end of the run).
"""

from __future__ import annotations

import random
import threading

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import PASSWORD, gen_interview, gen_learning_path, gen_learning_resource, gen_user
from webapp import create_app
from webapp.cli import alembic_config
from webapp.db import make_engine
from webapp.learning import queries, services
from webapp.models import LearningPath, LearningPathResource

THREADS = 4
MOVES_PER_THREAD = 12
ENTRIES = 6


@pytest.fixture(scope="module")
def race_db(scratch_database_url):
    url = scratch_database_url("learning_race")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url, pool_size=THREADS + 2)
    yield url, engine
    engine.dispose()


@pytest.fixture
def committed_path(race_db):
    """A candidate's practice session and a path of ENTRIES resources, committed."""
    _, engine = race_db
    with Session(engine, expire_on_commit=False) as session:
        user = gen_user(session)
        interview = gen_interview(session, user, is_practice=True, status="completed",
                                  knowledge_gaps=[{"skill": "Race conditions", "priority": "high"}])
        resources = [gen_learning_resource(session, "Race conditions", estimated_hours=n) for n in range(ENTRIES)]
        path = gen_learning_path(session, interview, resources)
        entry_ids = [e.id for e in path.entries]
        session.commit()
        return user, interview, path.id, entry_ids


def positions(engine, path_id: int) -> list[tuple[int, int]]:
    with Session(engine) as session:
        return [
            tuple(row)
            for row in session.execute(
                select(LearningPathResource.id, LearningPathResource.order_position)
                .where(LearningPathResource.learning_path_id == path_id)
                .order_by(LearningPathResource.order_position)
            )
        ]


def test_concurrent_moves_never_collide_and_none_is_lost(race_db, committed_path):
    _, engine = race_db
    user, _, path_id, entry_ids = committed_path
    start = threading.Barrier(THREADS)
    applied: list[tuple[int, int]] = []  # (entry id, step) in the order the path lock granted them
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        try:
            start.wait()
            for _ in range(MOVES_PER_THREAD):
                entry_id, step = rng.choice(entry_ids), rng.choice((-1, 1))
                with Session(engine) as session:
                    path = queries.lock_own_path(session, path_id, user.id)
                    services.move(session, path, entry_id, step=step)
                    applied.append((entry_id, step))  # still holding the lock: this is the commit order
                    session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(applied) == THREADS * MOVES_PER_THREAD
    expected = list(entry_ids)
    for entry_id, step in applied:  # replay the moves one after the other
        index = expected.index(entry_id)
        expected.insert(max(0, min(index + step, len(expected) - 1)), expected.pop(index))
    assert positions(engine, path_id) == [(entry_id, n) for n, entry_id in enumerate(expected, start=1)]


def test_two_builds_from_one_session_at_once_make_one_path(race_db, committed_path):
    """Both requests go through the app (separate threads, connections and logins); one path results."""
    url, engine = race_db
    user, interview, old_path_id, _ = committed_path
    with Session(engine) as session:  # start from a session without a path
        session.delete(session.get(LearningPath, old_path_id))
        session.commit()
    app = create_app({"DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False})
    start = threading.Barrier(2)
    locations: list[str] = []

    def build() -> None:
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": PASSWORD})
        start.wait()
        response = client.post("/learning", data={"session_id": interview.session_id})
        locations.append(f"{response.status_code} {response.headers.get('Location')}")

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    app.extensions["db_engine"].dispose()

    with Session(engine) as session:
        paths = session.scalars(select(LearningPath.id).where(LearningPath.interview_session_id == interview.id)).all()
    assert len(paths) == 1
    assert sorted(locations) == [f"303 /learning/{paths[0]}"] * 2
