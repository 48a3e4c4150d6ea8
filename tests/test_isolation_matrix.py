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

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_oauth_token,
    gen_ranking,
    gen_sentiment_session,
    gen_user,
)

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
    variants: tuple[str, ...] = ("own", "foreign", "missing")
    own_may_be_absent: bool = False  # e.g. a logo: "own" may rightly answer 404 when none is set
    destructive: bool = False  # deletes the actor's own object: tried after the others
    ends_session: bool = False  # tried last, since it logs the actor out


def roles(*names: str) -> frozenset:
    return frozenset(names)


EMPLOYERS = ("employer", "other_employer")
CANDIDATES = ("candidate", "other_candidate")


def _owner_and_stranger(actor: str, kind: tuple[str, str]) -> tuple[str, str]:
    """The actor (or, for an actor of another kind, a stand-in) and someone else of that kind."""
    owner = actor if actor in kind else kind[0]
    return owner, kind[1] if owner == kind[0] else kind[0]


def job_id(world: World, actor: str, variant: str) -> dict:
    if variant == "missing":
        return {"job_id": MISSING_ID}
    owner, stranger = _owner_and_stranger(actor, EMPLOYERS)
    return {"job_id": world.objects[owner if variant == "own" else stranger]["job"].id}


def ranked_candidate(world: World, actor: str, variant: str) -> dict:
    """A candidate ranked for the employer's own job, or for another company's job; or nobody."""
    owner, stranger = _owner_and_stranger(actor, EMPLOYERS)
    if variant == "missing":
        return {"job_id": world.objects[owner]["job"].id, "candidate_id": MISSING_ID}
    ranking = world.objects[owner if variant == "own" else stranger]["ranking"]
    return {"job_id": ranking.job_id, "candidate_id": ranking.candidate_id}


def connection_id(world: World, actor: str, variant: str) -> dict:
    """A user's own OAuth connection, or another user's."""
    if variant == "missing":
        return {"connection_id": MISSING_ID}
    owner = actor if actor in world.users else "candidate"
    stranger = "other_candidate" if owner != "other_candidate" else "candidate"
    return {"connection_id": world.objects[owner if variant == "own" else stranger]["oauth"].id}


def any_user_id(world: World, actor: str, variant: str) -> dict:
    """Admin routes about a user: every user is the admin's to see; a missing one is 404."""
    return {"user_id": MISSING_ID if variant == "missing" else world.users["candidate"].id}


def own_avatar(world: World, actor: str, variant: str) -> dict:
    """Avatars are shown to logged-in users; a missing user has none."""
    return {"user_id": MISSING_ID if variant == "missing" else world.users["candidate"].id}


def focus(world: World, actor: str, variant: str) -> dict:
    return {"focus": "not-a-focus" if variant == "missing" else "technical"}


def token(world: World, actor: str, variant: str) -> dict:
    return {"token": "not-a-valid-token"}


def static_file(world: World, actor: str, variant: str) -> dict:
    return {"filename": "app.css"}


def interview_session_id(world: World, actor: str, variant: str) -> dict:
    """An interview of the actor's company's job, the other employer's, or an id nobody has."""
    if variant == "missing":
        import uuid

        return {"session_id": f"missing-{uuid.uuid4()}"}
    owner, stranger = _owner_and_stranger(actor, EMPLOYERS)
    return {"session_id": world.objects[owner if variant == "own" else stranger]["interview"].session_id}


PUBLIC, LOGIN = "public", "login"
ADMIN = roles("admin")
EMPLOYER = roles("employer")
NO_FOREIGN = ("own", "missing")

# Every endpoint of the app, by area; see the module docstring.
ROUTES: dict[str, Route] = {
    "static": Route(PUBLIC, static_file),
    "health.healthz": Route(PUBLIC),
    "assets.plotly": Route(PUBLIC),
    "dashboard.home": Route(PUBLIC),
    "dashboard.index": Route(LOGIN),
    # accounts and sign-in
    "auth.login": Route(PUBLIC),
    "auth.two_factor": Route(PUBLIC),
    "auth.logout": Route(PUBLIC, ends_session=True),
    "accounts.register": Route(PUBLIC),
    "accounts.verify": Route(PUBLIC, token),
    "accounts.forgot_password": Route(PUBLIC),
    "accounts.reset_password": Route(PUBLIC, token),
    "accounts.show": Route(LOGIN),
    "accounts.update": Route(LOGIN),
    "accounts.update_avatar": Route(LOGIN),
    "accounts.delete_avatar": Route(LOGIN),
    "accounts.avatar": Route(LOGIN, own_avatar, variants=NO_FOREIGN, own_may_be_absent=True),
    "accounts.change_password": Route(LOGIN),
    "accounts.resend_verification": Route(LOGIN),
    "accounts.disconnect": Route(LOGIN, connection_id, destructive=True),
    "twofactor.show": Route(LOGIN),
    "twofactor.enroll": Route(LOGIN),
    "twofactor.confirm": Route(LOGIN),
    "twofactor.disable": Route(LOGIN),
    "twofactor.regenerate_codes": Route(LOGIN),
    "mail.outbox": Route(PUBLIC),  # development and testing only; 404 in production
    # admin
    "admin.index": Route(ADMIN),
    "admin.users": Route(ADMIN),
    "admin.user": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.change_role": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.deactivate": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.reactivate": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.mark_verified": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.audit": Route(ADMIN),
    "scoreweights.index": Route(ADMIN),
    "scoreweights.update": Route(ADMIN, focus, variants=NO_FOREIGN),
    # employer workspace: the company has no id in its URLs, each employer only reaches their own
    "company.show": Route(EMPLOYER),
    "company.create": Route(EMPLOYER),
    "company.update": Route(EMPLOYER),
    "company.update_timing": Route(EMPLOYER),
    "company.timing_preview": Route(EMPLOYER),
    "company.upload_logo": Route(EMPLOYER),
    "company.remove_logo": Route(EMPLOYER),
    "company.logo": Route(EMPLOYER, own_may_be_absent=True),
    "jobs.index": Route(EMPLOYER),
    "jobs.new": Route(EMPLOYER),
    "jobs.create": Route(EMPLOYER),
    "jobs.bulk": Route(EMPLOYER),
    "jobs.show": Route(EMPLOYER, job_id),
    "jobs.edit": Route(EMPLOYER, job_id),
    "jobs.update": Route(EMPLOYER, job_id),
    "jobs.toggle": Route(EMPLOYER, job_id),
    "jobs.confirm_delete": Route(EMPLOYER, job_id),
    "jobs.delete": Route(EMPLOYER, job_id, destructive=True),
    "weights.edit": Route(EMPLOYER, job_id),
    "weights.update": Route(EMPLOYER, job_id),
    "weights.preview": Route(EMPLOYER, job_id),
    "weights.reset": Route(EMPLOYER, job_id),
    "interviews.index": Route(EMPLOYER),
    "interviews.show": Route(EMPLOYER, interview_session_id),
    "interviews.update_notes": Route(EMPLOYER, interview_session_id),
    "interviews.toggle_difficulty": Route(EMPLOYER, interview_session_id),
    # the world's interviews are completed: own actions answer 422 (refused), never 404; nothing is destroyed
    "interviews.live": Route(EMPLOYER, interview_session_id),
    "interviews.extend": Route(EMPLOYER, interview_session_id),
    "interviews.cancel": Route(EMPLOYER, interview_session_id),
    "interviews.reschedule": Route(EMPLOYER, interview_session_id),
    "rankings.index": Route(EMPLOYER, job_id),
    "rankings.explain": Route(EMPLOYER, ranked_candidate),
    "rankings.save_weights": Route(EMPLOYER, job_id),
    "rankings.compare": Route(EMPLOYER, job_id),
    "rankings.export": Route(EMPLOYER, job_id),
}

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
    for owner in EMPLOYERS:
        company = gen_company(db_session, users[owner])
        job = gen_job(db_session, company)
        interview = gen_interview(db_session, users["candidate"], job, status="completed")
        gen_sentiment_session(db_session, interview)
        world.objects[owner] = {"company": company, "job": job, "interview": interview}
        world.objects[owner]["ranking"] = gen_ranking(db_session, job, users["candidate"])
    for candidate in CANDIDATES:
        practice = gen_interview(db_session, users[candidate], is_practice=True, status="completed")
        world.objects[candidate] = {"practice": practice}
    for name, user in users.items():
        world.objects.setdefault(name, {})["oauth"] = gen_oauth_token(db_session, user)
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
    variants = route.variants if route.args and route.access != PUBLIC else ("own",)
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
    refused = (401, 403) if route.own_may_be_absent else (401, 403, 404)
    return None if status not in refused else f"{actor} was refused ({status}) on its own object"


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
    for endpoint, route in sorted(ROUTES.items(), key=lambda item: (item[1].ends_session, item[1].destructive)):
        for variant, method, url in _requests(app, endpoint, route, world, actor):
            before = writes_so_far(db_session)
            response = client.open(url, method=method, headers={"Accept": "text/html"})
            problem = _expect(route, actor, variant, method, response)
            if problem is None and _denied(route, actor, variant) and writes_so_far(db_session) != before:
                problem = "a denied request wrote to the database"
            if problem:
                problems.append(f"{method} {url} [{endpoint}, {variant}]: {problem}")
    assert problems == []


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_ids_beyond_postgresql_integer_are_not_found(client, auth, db_session, world, method):
    auth.login(world.users["employer"].email, PASSWORD)
    too_big = 2**31
    for url in (f"/jobs/{too_big}", f"/jobs/{too_big}/weights", f"/jobs/{too_big}/delete"):
        assert client.open(url, method=method).status_code == 404, url


def test_an_anonymous_htmx_request_is_sent_to_login_as_a_whole_page(app, client, db_session, world):
    """A fragment request after the login expired must not swap a login form into a table cell."""
    problems = []
    for endpoint, route in ROUTES.items():
        if route.access == PUBLIC:
            continue
        for variant, method, url in _requests(app, endpoint, route, world, "anonymous"):
            response = client.open(url, method=method, headers={"HX-Request": "true"})
            redirect = response.headers.get("HX-Redirect", "")
            if response.status_code != 200 or not redirect.startswith("/login") or response.data:
                problems.append(f"{method} {url}: {response.status_code} HX-Redirect={redirect!r}")
    assert problems == []
