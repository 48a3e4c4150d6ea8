"""Every route, tried by every kind of visitor against own, foreign and missing objects.

A route that is not classified in ROUTES fails `test_every_route_is_classified`:
adding a route means saying here who may reach it and which objects it scopes.
Denied requests must write nothing: PostgreSQL's per-transaction counters
(pg_stat_xact_user_tables) prove it, updates included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_sentiment_session, gen_user

ACTORS = ("anonymous", "candidate", "other_candidate", "employer", "other_employer", "admin")
MISSING_ID = 2_000_000_000


@dataclass
class World:
    """Two tenants with their own objects, two candidates and an admin."""

    users: dict
    objects: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """Who may reach an endpoint, and how to build its URL for own/foreign/missing objects.

    access: "public" (anyone), "login" (any logged-in user) or a set of roles.
    args: builds the URL arguments from (world, actor, variant) where variant is
    "own", "foreign" or "missing"; None for routes without object arguments.
    """

    access: str | frozenset
    args: Callable[[World, str, str], dict] | None = None
    methods: tuple[str, ...] = ()  # empty: every method the rule allows
    ends_session: bool = False  # tried last, since it logs the actor out


def roles(*names: str) -> frozenset:
    return frozenset(names)


def own_user_id(world: World, actor: str, variant: str) -> dict:
    """Admin routes about a user: any user is the admin's to see; a missing one is 404."""
    if variant == "missing":
        return {"user_id": MISSING_ID}
    return {"user_id": world.users["candidate"].id}


def token(world: World, actor: str, variant: str) -> dict:
    return {"token": "not-a-valid-token"}


def static_file(world: World, actor: str, variant: str) -> dict:
    return {"filename": "app.css"}


PUBLIC, LOGIN = "public", "login"
ADMIN = roles("admin")

# Every endpoint of the app. Keep it in url_map order of areas; see the module docstring.
ROUTES: dict[str, Route] = {
    "static": Route(PUBLIC, static_file),
    "health.healthz": Route(PUBLIC),
    "auth.login": Route(PUBLIC),
    "auth.logout": Route(PUBLIC, ends_session=True),
    "dashboard.home": Route(PUBLIC),
    "dashboard.index": Route(LOGIN),
}

# The object-scoped routes use these variants; the others are tried once per actor.
VARIANTS = ("own", "foreign", "missing")


@pytest.fixture
def world(db_session) -> World:
    users = {
        "candidate": gen_user(db_session, role="user"),
        "other_candidate": gen_user(db_session, role="user"),
        "employer": gen_user(db_session, role="employer"),
        "other_employer": gen_user(db_session, role="employer"),
        "admin": gen_user(db_session, role="admin"),
    }
    world = World(users)
    for owner in ("employer", "other_employer"):
        company = gen_company(db_session, users[owner])
        job = gen_job(db_session, company)
        interview = gen_interview(db_session, users["candidate"], job, status="completed")
        gen_sentiment_session(db_session, interview)
        world.objects[owner] = {"company": company, "job": job, "interview": interview}
    for candidate in ("candidate", "other_candidate"):
        practice = gen_interview(db_session, users[candidate], is_practice=True, status="completed")
        world.objects[candidate] = {"practice": practice}
    return world


def writes_so_far(db_session) -> int:
    """Rows inserted, updated or deleted so far in this test's transaction, on every table."""
    return db_session.execute(
        text("SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
    ).scalar_one()


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = sorted(endpoints - ROUTES.keys())
    stale = sorted(ROUTES.keys() - endpoints)
    assert unclassified == [], f"classify these routes in tests/test_isolation_matrix.py: {unclassified}"
    assert stale == [], f"these classified routes no longer exist: {stale}"


def _requests(app, endpoint: str, route: Route, world: World, actor: str):
    """(variant, method, url) for every way of calling the endpoint."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    variants = VARIANTS if route.args and route.access not in (PUBLIC,) else ("own",)
    with app.test_request_context():
        from flask import url_for

        for rule in rules:
            methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            for method in route.methods or methods:
                for variant in variants:
                    arguments = route.args(world, actor, variant) if route.args else {}
                    yield variant, method, url_for(endpoint, **arguments)


def _expect(route: Route, actor: str, variant: str, method: str, response) -> str | None:
    """None when the response is what this actor may get, else what went wrong."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if route.access == PUBLIC:
        return None
    if actor == "anonymous":
        location = response.headers.get("Location", "")
        if status == 302 and location.startswith("/login"):
            return None
        return f"anonymous got {status} {location!r}, expected a redirect to /login"
    user_role = {"candidate": "user", "other_candidate": "user", "admin": "admin"}.get(actor, "employer")
    allowed = route.access == LOGIN or user_role in route.access
    if not allowed:
        return None if status in (403, 404) else f"{actor} got {status}, expected 403/404"
    if variant in ("foreign", "missing"):
        return None if status == 404 else f"{actor} got {status} for a {variant} object, expected 404"
    return None if status not in (401, 403, 404) else f"{actor} was refused ({status}) on its own object"


def _denied(route: Route, actor: str, variant: str) -> bool:
    if route.access == PUBLIC:
        return False
    if actor == "anonymous":
        return True
    user_role = {"candidate": "user", "other_candidate": "user", "admin": "admin"}.get(actor, "employer")
    allowed = route.access == LOGIN or user_role in route.access
    return not allowed or variant in ("foreign", "missing")


@pytest.mark.parametrize("actor", ACTORS)
def test_isolation_matrix(app, client, auth, db_session, world, actor):
    if actor != "anonymous":
        assert auth.login(world.users[actor].email, PASSWORD).status_code == 302
    problems = []
    for endpoint, route in sorted(ROUTES.items(), key=lambda item: item[1].ends_session):
        for variant, method, url in _requests(app, endpoint, route, world, actor):
            before = writes_so_far(db_session)
            response = client.open(url, method=method, headers={"Accept": "text/html"})
            problem = _expect(route, actor, variant, method, response)
            if problem is None and _denied(route, actor, variant) and writes_so_far(db_session) != before:
                problem = "a denied request wrote to the database"
            if problem:
                problems.append(f"{method} {url} [{endpoint}, {variant}]: {problem}")
    assert problems == []
