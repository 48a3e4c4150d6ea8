"""Learning paths: building one from a practice session, working through it, and the list."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from flask import render_template
from sqlalchemy import func, select

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_learning_path,
    gen_learning_resource,
    gen_skill_score,
    gen_user,
)
from tests.querycount import recorded_statements, statements_of
from webapp.learning.services import WEAK_SKILL, needs_of
from webapp.models import LearningPath, LearningPathResource

HX = {"HX-Request": "true"}


@pytest.fixture
def candidate(db_session, auth):
    user = gen_user(db_session, role="user")
    auth.login(user.email, PASSWORD)
    return user


def practice_with_gaps(db_session, user, **kw):
    """A completed practice session: SQL (high) and testing (medium) gaps, weak communication, strong Python."""
    values = {
        "is_practice": True,
        "status": "completed",
        "knowledge_gaps": [
            {"skill": "Testing", "score": 55, "priority": "medium"},
            {"skill": "sql", "score": 40, "priority": "high"},  # the engine's case need not match the catalog's
            {"skill": "SQL", "score": 52, "priority": "medium"},  # named twice: counted once, at its worst
        ]
    }
    interview = gen_interview(db_session, user, **(values | kw))
    gen_skill_score(db_session, interview, "Communication", 50)
    gen_skill_score(db_session, interview, "Python", 90)
    return interview


@pytest.fixture
def catalog(db_session):
    """Resources for the skills above, named by what the ordering should do with them."""
    return {
        "sql long": gen_learning_resource(db_session, "SQL", title="SQL course", estimated_hours=8),
        "sql short": gen_learning_resource(db_session, "SQL", title="SQL pitfalls", estimated_hours=1),
        "testing": gen_learning_resource(db_session, "Testing", title="Testing drills", estimated_hours=3),
        "communication": gen_learning_resource(db_session, "Communication", title="Speak clearly", estimated_hours=2),
        "python": gen_learning_resource(db_session, "Python", title="Python again", estimated_hours=1),
    }


def entry_titles(db_session, path_id: int) -> list[tuple[int, str, bool]]:
    from webapp.models import LearningResource

    return [
        tuple(row)
        for row in db_session.execute(
            select(LearningPathResource.order_position, LearningResource.title, LearningPathResource.completed)
            .join(LearningResource, LearningPathResource.resource_id == LearningResource.id)
            .where(LearningPathResource.learning_path_id == path_id)
            .order_by(LearningPathResource.order_position)
        )
    ]


def path_count(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(LearningPath))


def path_id_from(response) -> int:
    assert response.status_code == 303, response.status_code
    return int(re.search(r"/learning/(\d+)", response.headers["Location"]).group(1))


# --- building ------------------------------------------------------------------------------------


def test_a_path_lists_the_most_needed_skills_first_then_the_shortest_resources(client, db_session, candidate, catalog):
    interview = practice_with_gaps(db_session, candidate)

    path_id = path_id_from(client.post("/learning", data={"session_id": interview.session_id}))

    path = db_session.get(LearningPath, path_id)
    assert (path.interview_session_id, path.status) == (interview.id, "draft")
    # high gap (SQL: short, then long), medium gap (testing), then the weak skill; never the strong one
    assert entry_titles(db_session, path_id) == [
        (1, "SQL pitfalls", False),
        (2, "SQL course", False),
        (3, "Testing drills", False),
        (4, "Speak clearly", False),
    ]
    page = client.get(f"/learning/{path_id}").get_data(as_text=True)
    assert "Your learning path is ready" in page
    assert "0 of 4" in page and "About 14 hours left" in page


def test_building_twice_from_one_session_opens_the_path_already_built(client, db_session, candidate, catalog):
    interview = practice_with_gaps(db_session, candidate)
    first = path_id_from(client.post("/learning", data={"session_id": interview.session_id}))

    again = client.post("/learning", data={"session_id": interview.session_id})

    assert path_id_from(again) == first
    assert path_count(db_session) == 1
    page = client.get(f"/learning/{first}").get_data(as_text=True)
    assert "already have a learning path for this practice session" in page


def test_no_matching_resource_explains_why_and_writes_nothing(client, db_session, candidate, catalog):
    interview = gen_interview(
        db_session, candidate, is_practice=True, status="completed",
        knowledge_gaps=[{"skill": "Underwater basket weaving", "priority": "high"}],
    )

    response = client.post("/learning", data={"session_id": interview.session_id}, follow_redirects=True)

    assert response.status_code == 200
    assert "no learning resources for Underwater basket weaving yet" in response.get_data(as_text=True)
    assert path_count(db_session) == 0


def test_a_session_with_nothing_to_work_on_says_so(client, db_session, candidate, catalog):
    interview = gen_interview(db_session, candidate, is_practice=True, status="completed", knowledge_gaps=[])
    gen_skill_score(db_session, interview, "Python", 95)

    response = client.post("/learning", data={"session_id": interview.session_id}, follow_redirects=True)

    assert "found no knowledge gaps or weak skills" in response.get_data(as_text=True)
    assert path_count(db_session) == 0


@pytest.mark.parametrize(
    "session_id, status, message",
    [
        ("", 400, "Choose the practice session"),
        ("x" * 256, 400, "not a practice session id"),
        ("bad\x00id", 400, "not a practice session id"),
        ("no-such-session", 404, "could not find"),
    ],
)
def test_building_refuses_bad_session_ids(client, db_session, candidate, catalog, session_id, status, message):
    response = client.post("/learning", data={"session_id": session_id})

    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert path_count(db_session) == 0


def test_only_the_candidates_own_finished_practice_sessions_build_paths(client, db_session, candidate, catalog):
    someone_else = practice_with_gaps(db_session, gen_user(db_session))
    job = gen_job(db_session, gen_company(db_session))
    real_interview = practice_with_gaps(db_session, candidate, is_practice=False, job_id=job.id)
    unfinished = practice_with_gaps(db_session, candidate, status="in_progress")

    assert client.post("/learning", data={"session_id": someone_else.session_id}).status_code == 404
    assert client.post("/learning", data={"session_id": real_interview.session_id}).status_code == 404
    response = client.post("/learning", data={"session_id": unfinished.session_id}, follow_redirects=True)
    assert "has not finished yet" in response.get_data(as_text=True)
    assert path_count(db_session) == 0


def test_loosely_shaped_gaps_are_read_as_far_as_they_make_sense():
    gaps = [
        "Kubernetes",  # a bare name: medium
        {"skill": "SQL", "score": 30},  # no priority: from the score, high
        {"skill": "  ", "priority": "high"},
        {"priority": "high"},
        {"skill": "Go", "score": "NaN", "priority": "LOW"},
        42,
    ]
    needs = needs_of(gaps, [("Python", Decimal("65")), ("Kubernetes", Decimal("20")), ("Rust", Decimal("90"))])

    assert [(n.skill, n.rank) for n in needs] == [("SQL", 0), ("Kubernetes", 1), ("Go", 2), ("Python", WEAK_SKILL)]
    assert math.isinf(needs[1].score)
    assert needs_of({"not": "a list"}, []) == []


# --- the build button on the practice page ---------------------------------------------------------


def test_the_build_button_posts_the_session_or_links_to_its_path(app, client, db_session, candidate):
    interview = practice_with_gaps(db_session, candidate)
    unfinished = practice_with_gaps(db_session, candidate, status="scheduled")
    with app.test_request_context():
        button = render_template("learning/_build_button.html", interview=interview)
        assert 'action="/learning"' in button and f'value="{interview.session_id}"' in button
        assert 'name="csrf_token"' in button and "Build my learning path" in button
        assert render_template("learning/_build_button.html", interview=unfinished).strip() == ""

        path = gen_learning_path(db_session, interview)
        db_session.expire(interview, ["learning_paths"])
        link = render_template("learning/_build_button.html", interview=interview)
        assert f'href="/learning/{path.id}"' in link and "<form" not in link


# --- working through a path --------------------------------------------------------------------


@pytest.fixture
def path(db_session, candidate):
    interview = gen_interview(db_session, candidate, is_practice=True, status="completed")
    resources = [
        gen_learning_resource(db_session, "SQL", title=title, estimated_hours=hours)
        for title, hours in (("First", 1), ("Second", 2), ("Third", 4))
    ]
    return gen_learning_path(db_session, interview, resources)


def entries_of(db_session, path) -> list[LearningPathResource]:
    db_session.expire_all()
    return db_session.scalars(
        select(LearningPathResource)
        .where(LearningPathResource.learning_path_id == path.id)
        .order_by(LearningPathResource.order_position)
    ).all()


def test_starting_a_draft_makes_it_active_once(client, db_session, path):
    page = client.get(f"/learning/{path.id}").get_data(as_text=True)
    assert "Start this path" in page and "Not started" in page

    response = client.post(f"/learning/{path.id}/start", follow_redirects=True)
    assert "Path started" in response.get_data(as_text=True)
    db_session.refresh(path)
    assert path.status == "active"

    again = client.post(f"/learning/{path.id}/start", follow_redirects=True).get_data(as_text=True)
    assert "already started" in again and "Start this path" not in again


def test_marking_done_swaps_the_row_and_the_progress_and_completes_the_path(client, db_session, path):
    first, second, third = entries_of(db_session, path)

    response = client.post(f"/learning/{path.id}/resources/{first.id}/done", data={"done": "true"}, headers=HX)

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert f'<li id="entry-{first.id}"' in body and 'aria-pressed="true"' in body
    assert re.search(r'<section id="path-progress"[^>]*hx-swap-oob="true"', body)
    assert "1 of 3" in body and "About 6 hours left" in body
    assert "Marked “First” as done." in body  # announced to screen readers
    db_session.refresh(path)
    assert path.status == "active"  # doing a resource starts a draft
    assert entries_of(db_session, path)[0].completion_date is not None

    for entry in (second, third):
        body = client.post(f"/learning/{path.id}/resources/{entry.id}/done", data={"done": "true"}, headers=HX)
    body = body.get_data(as_text=True)
    assert "3 of 3" in body and "You finished the whole path" in body and "Completed" in body
    db_session.refresh(path)
    assert path.status == "completed"

    reopened = client.post(f"/learning/{path.id}/resources/{second.id}/done", data={"done": "false"}, headers=HX)
    assert "2 of 3" in reopened.get_data(as_text=True)
    db_session.refresh(path)
    assert path.status == "active"
    assert entries_of(db_session, path)[1].completion_date is None


def test_marking_without_htmx_redirects_back_to_the_resource(client, db_session, path):
    first = entries_of(db_session, path)[0]

    response = client.post(f"/learning/{path.id}/resources/{first.id}/done", data={"done": "true"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/learning/{path.id}#entry-{first.id}")


def test_moving_renumbers_the_list_and_says_where_it_went(client, db_session, path):
    first, second, third = entries_of(db_session, path)

    response = client.post(f"/learning/{path.id}/resources/{third.id}/move", data={"direction": "up"}, headers=HX)

    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="entry-list"' in body
    assert body.index(f'id="entry-{third.id}"') < body.index(f'id="entry-{second.id}"')
    assert "Moved “Third” to position 2 of 3." in body
    assert [e.id for e in entries_of(db_session, path)] == [first.id, third.id, second.id]
    assert [e.order_position for e in entries_of(db_session, path)] == [1, 2, 3]

    client.post(f"/learning/{path.id}/resources/{first.id}/move", data={"direction": "down"}, headers=HX)
    assert [e.id for e in entries_of(db_session, path)] == [third.id, first.id, second.id]

    # drag and drop posts a position
    client.post(f"/learning/{path.id}/resources/{second.id}/move", data={"position": "1"}, headers=HX)
    assert [e.id for e in entries_of(db_session, path)] == [second.id, third.id, first.id]


def test_moving_past_either_end_changes_nothing_and_says_so(client, db_session, path):
    first, _, third = entries_of(db_session, path)

    top = client.post(f"/learning/{path.id}/resources/{first.id}/move", data={"direction": "up"}, headers=HX)
    bottom = client.post(f"/learning/{path.id}/resources/{third.id}/move", data={"direction": "down"})

    assert "“First” is already first." in top.get_data(as_text=True)
    assert bottom.status_code == 303
    assert [e.order_position for e in entries_of(db_session, path)] == [1, 2, 3]


def test_positions_with_gaps_are_renumbered_without_collisions(client, db_session, path):
    """Rows written by the engine may leave gaps (1, 5, 9): moving numbers the list 1..n again."""
    entries = entries_of(db_session, path)
    for entry, position in zip(reversed(entries), (9, 5, 1), strict=True):
        entry.order_position = position
    db_session.flush()

    client.post(f"/learning/{path.id}/resources/{entries[2].id}/move", data={"direction": "up"}, headers=HX)

    assert [(e.id, e.order_position) for e in entries_of(db_session, path)] == [
        (entries[0].id, 1), (entries[2].id, 2), (entries[1].id, 3)
    ]


@pytest.mark.parametrize(
    "action, data, message",
    [
        ("done", {}, "Say whether the resource is done."),
        ("done", {"done": "maybe"}, "Say done or not done."),
        ("move", {}, "Say where to move the resource"),
        ("move", {"direction": "sideways"}, "Move up or down."),
        ("move", {"position": "0"}, "Choose a position in the list."),
        ("move", {"position": "first"}, "Not a valid integer value."),
    ],
)
def test_bad_mark_and_move_input_is_refused_and_writes_nothing(client, db_session, path, action, data, message):
    entry = entries_of(db_session, path)[0]

    response = client.post(f"/learning/{path.id}/resources/{entry.id}/{action}", data=data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    untouched = [(1, False), (2, False), (3, False)]
    assert [(e.order_position, e.completed) for e in entries_of(db_session, path)] == untouched


def test_a_resource_of_another_path_is_not_found_through_my_path(client, db_session, candidate, path):
    other = gen_learning_path(db_session, gen_interview(db_session, candidate, is_practice=True, status="completed"))
    foreign_entry = entries_of(db_session, other)[0]

    for action, data in (("done", {"done": "true"}), ("move", {"direction": "down"})):
        assert client.post(f"/learning/{path.id}/resources/{foreign_entry.id}/{action}", data=data).status_code == 404
    assert [e.completed for e in entries_of(db_session, other)] == [False, False]


# --- the list --------------------------------------------------------------------------------------


def test_the_list_shows_progress_and_hours_left_in_a_fixed_number_of_statements(app, client, db_session, candidate):
    def add_path(status: str, done: int):
        interview = gen_interview(db_session, candidate, is_practice=True, status="completed")
        resources = [gen_learning_resource(db_session, "SQL", estimated_hours=3) for _ in range(3)]
        path = gen_learning_path(db_session, interview, resources, status=status)
        for entry in entries_of(db_session, path)[:done]:
            entry.completed = True
        db_session.flush()
        return path

    add_path("active", 1)
    few, page = statements_of(app, client, "/learning")
    assert "1 of 3" in page and "about 6 hours left" in page and "In progress" in page
    for status, done in (("draft", 0), ("completed", 3), ("active", 2)):
        add_path(status, done)

    many, page = statements_of(app, client, "/learning")

    assert len(many) == len(few)
    assert "nothing left to do" in page and page.count('class="lp-path"') == 4
    completed = client.get("/learning?status=completed", headers=HX).get_data(as_text=True)
    assert completed.count('class="lp-path"') == 1 and 'id="path-rows"' in completed and "<html" not in completed


def test_the_list_only_shows_the_candidates_own_paths(client, db_session, candidate):
    stranger = gen_user(db_session)
    gen_learning_path(db_session, gen_interview(db_session, stranger, is_practice=True, status="completed"))

    page = client.get("/learning").get_data(as_text=True)

    assert "No learning paths yet" in page and "Build my learning path" in page


def test_a_page_that_is_not_a_number_is_a_clear_400(client, candidate):
    response = client.get("/learning?page=two")
    assert response.status_code == 400 and "whole number" in response.get_data(as_text=True)


def test_the_path_page_runs_a_fixed_number_of_statements(app, client, db_session, path):
    with recorded_statements(app) as statements:
        assert client.get(f"/learning/{path.id}").status_code == 200
    few = len(statements)
    for n in range(5):
        extra = gen_learning_resource(db_session, "SQL")
        db_session.add(LearningPathResource(learning_path_id=path.id, resource_id=extra.id, order_position=10 + n))
    db_session.flush()

    with recorded_statements(app) as statements:
        assert client.get(f"/learning/{path.id}").status_code == 200
    assert len(statements) == few
