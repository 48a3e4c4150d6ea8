"""Every route, tried by every kind of visitor against own, foreign and missing objects.

A route that is not classified in ROUTES fails `test_every_route_is_classified`:
adding a route means saying here who may reach it and which objects it scopes.
Denied requests must write nothing: PostgreSQL's per-transaction counters
(pg_stat_xact_user_tables) prove it, updates included.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from PIL import Image
from sqlalchemy import text

from tests.factories import (
    PASSWORD,
    gen_catalog_assessment_category,
    gen_catalog_assessment_type,
    gen_catalog_resource,
    gen_catalog_skill,
    gen_catalog_skill_category,
    gen_company,
    gen_interview,
    gen_job,
    gen_learning_path,
    gen_login_session,
    gen_oauth_token,
    gen_plan,
    gen_ranking,
    gen_resume,
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


def avatar_user(world: World, actor: str, variant: str) -> dict:
    """A photo the actor may see, or one it may not (both candidates have one).

    Own: a candidate's own photo; for an employer, the candidate interviewed for its job;
    for an admin, anyone's. Foreign: the other candidate's (for an employer, the one who
    only practised). Nothing is foreign to an admin, so its "foreign" is a missing user.
    """
    if variant == "missing" or (variant == "foreign" and actor == "admin"):
        return {"user_id": MISSING_ID}
    if actor in EMPLOYERS or actor == "admin":
        mine, theirs = "candidate", "other_candidate"
    else:
        mine, theirs = _owner_and_stranger(actor, CANDIDATES)
    return {"user_id": world.users[mine if variant == "own" else theirs].id}


def login_session_id(world: World, actor: str, variant: str) -> dict:
    """Another browser's session of the actor's own account, another user's session, or an id nobody has."""
    if variant == "missing":
        return {"login_id": MISSING_ID}
    owner = actor if actor in world.users else "candidate"
    stranger = "other_candidate" if owner != "other_candidate" else "candidate"
    return {"login_id": world.objects[owner if variant == "own" else stranger]["login_session"].id}


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


def practice_session_id(world: World, actor: str, variant: str) -> dict:
    """A candidate's own practice session, the other candidate's, or an id nobody has."""
    if variant == "missing":
        return {"session_id": "missing-practice-session"}
    owner, stranger = _owner_and_stranger(actor, CANDIDATES)
    return {"session_id": world.objects[owner if variant == "own" else stranger]["practice"].session_id}


def resume_id(world: World, actor: str, variant: str) -> dict:
    """A candidate's own resume, the other candidate's, or an id nobody has."""
    if variant == "missing":
        return {"resume_id": MISSING_ID}
    owner, stranger = _owner_and_stranger(actor, CANDIDATES)
    return {"resume_id": world.objects[owner if variant == "own" else stranger]["resume"].id}


def learning_path_id(world: World, actor: str, variant: str) -> dict:
    """A candidate's own learning path, the other candidate's, or an id nobody has."""
    if variant == "missing":
        return {"path_id": MISSING_ID}
    owner, stranger = _owner_and_stranger(actor, CANDIDATES)
    return {"path_id": world.objects[owner if variant == "own" else stranger]["learning_path"].id}


def learning_entry(world: World, actor: str, variant: str) -> dict:
    """A resource on a candidate's own path, on the other candidate's path, or on no path."""
    if variant == "missing":
        return {"path_id": MISSING_ID, "entry_id": MISSING_ID}
    owner, stranger = _owner_and_stranger(actor, CANDIDATES)
    path = world.objects[owner if variant == "own" else stranger]["learning_path"]
    return {"path_id": path.id, "entry_id": path.entries[0].id}


def catalog_item(kind: str) -> Callable[[World, str, str], dict]:
    """A catalog row of `kind` (the admin's to manage, like every catalog row), or an id nobody has."""

    def args(world: World, actor: str, variant: str) -> dict:
        return {"item_id": MISSING_ID if variant == "missing" else world.objects["catalog"][kind].id}

    return args


CATALOG_KINDS = ("skill_categories", "skills", "assessment_types", "assessment_categories", "resources")


def billing_plan_id(world: World, actor: str, variant: str) -> dict:
    """A plan of the actor's kind (employer or candidate), one of the other kind, or none."""
    if variant == "missing":
        return {"plan_id": MISSING_ID}
    kind = "candidate" if actor in CANDIDATES else "employer"
    other = "employer" if kind == "candidate" else "candidate"
    return {"plan_id": world.objects["plans"][kind if variant == "own" else other].id}


def admin_plan_id(world: World, actor: str, variant: str) -> dict:
    """Admin plan routes: any plan is the admin's; a missing one is 404."""
    return {"plan_id": MISSING_ID if variant == "missing" else world.objects["plans"]["employer"].id}


def admin_plan_move(world: World, actor: str, variant: str) -> dict:
    return admin_plan_id(world, actor, variant) | {"direction": "up"}


def analytics_job(world: World, actor: str, variant: str) -> dict:
    """The analytics job filter (a query parameter): the employer's own job, another company's, or none."""
    return {"job": job_id(world, actor, variant)["job_id"]}


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
    "accounts.check_email": Route(PUBLIC),
    "accounts.verify": Route(PUBLIC, token),
    "accounts.forgot_password": Route(PUBLIC),
    "accounts.reset_password": Route(PUBLIC, token),
    "accounts.show": Route(LOGIN),
    "accounts.update": Route(LOGIN),
    "accounts.update_avatar": Route(LOGIN),
    "accounts.delete_avatar": Route(LOGIN, destructive=True),  # removes the photo accounts.avatar serves
    "accounts.avatar": Route(LOGIN, avatar_user),
    "accounts.change_password": Route(LOGIN),
    "accounts.resend_verification": Route(LOGIN),
    "accounts.disconnect": Route(LOGIN, connection_id, destructive=True),
    # signing out one of the actor's other browsers, or all of them (never this one: the matrix stays logged in)
    "accounts.revoke_session": Route(LOGIN, login_session_id, destructive=True),
    "accounts.revoke_other_sessions": Route(LOGIN, destructive=True),
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
    # candidates: practice feedback and interview history (employers and admins: 403)
    "practice.index": Route(roles("user")),
    "practice.progress": Route(roles("user")),
    "practice.show": Route(roles("user"), practice_session_id),
    "candidate_interviews.index": Route(roles("user")),
    # learning paths: a candidate's own; the world's paths are drafts, bare POSTs answer 400 (nothing to do)
    "learning.index": Route(roles("user")),
    "learning.create": Route(roles("user")),
    "learning.show": Route(roles("user"), learning_path_id),
    "learning.start": Route(roles("user"), learning_path_id),
    "learning.mark": Route(roles("user"), learning_entry),
    "learning.move": Route(roles("user"), learning_entry),
    # the candidate's resume; the world's resume rows name no stored file, so its download may be 404
    "resumes.index": Route(roles("user")),
    "resumes.upload": Route(roles("user")),
    "resumes.update": Route(roles("user"), resume_id),
    "resumes.download": Route(roles("user"), resume_id, own_may_be_absent=True),
    "resumes.confirm_delete": Route(roles("user"), resume_id),
    "resumes.delete": Route(roles("user"), resume_id, destructive=True),
    # admin catalog: the same seven routes for each kind; catalog rows belong to no tenant
    "catalog.index": Route(ADMIN),
    **{f"catalog.{kind}_{action}": Route(ADMIN) for kind in CATALOG_KINDS for action in ("index", "new", "create")},
    **{
        f"catalog.{kind}_{action}": Route(ADMIN, catalog_item(kind), variants=NO_FOREIGN)
        for kind in CATALOG_KINDS
        for action in ("edit", "update", "confirm_delete")
    },
    **{
        f"catalog.{kind}_delete": Route(ADMIN, catalog_item(kind), variants=NO_FOREIGN, destructive=True)
        for kind in CATALOG_KINDS
    },
    # billing: employers and candidates (admins have no plan: 403); a plan of the other kind is foreign
    "billing.index": Route(roles("employer", "user")),
    "billing.plans": Route(roles("employer", "user")),
    "billing.offline_switch": Route(roles("employer", "user"), billing_plan_id),
    "billing.offline_cancel": Route(roles("employer", "user")),
    "billing.offline_resume": Route(roles("employer", "user")),
    "interviews.new": Route(EMPLOYER),
    # analytics: always the employer's own company; the job filter scopes like a job id
    "analytics.index": Route(EMPLOYER, analytics_job),
    "analytics.export": Route(EMPLOYER, analytics_job),
    "analytics.export_jobs": Route(EMPLOYER, analytics_job),
    # billing through Stripe: not configured in tests, so allowed callers get 409; the webhook is public
    # (without STRIPE_WEBHOOK_SECRET it answers 404, with one an unsigned POST gets 400: never a write)
    "billing_stripe.checkout": Route(roles("employer", "user")),
    "billing_stripe.portal": Route(roles("employer", "user")),
    "billing_stripe.cancel": Route(roles("employer", "user")),
    "billing_stripe.resume": Route(roles("employer", "user")),
    "billing_stripe.webhook": Route(PUBLIC),
    # plan management: admins only; every plan is the admin's
    "plans.index": Route(ADMIN),
    "plans.new": Route(ADMIN),
    "plans.create": Route(ADMIN),
    "plans.edit": Route(ADMIN, admin_plan_id, variants=NO_FOREIGN),
    "plans.update": Route(ADMIN, admin_plan_id, variants=NO_FOREIGN),
    "plans.move": Route(ADMIN, admin_plan_move, variants=NO_FOREIGN),
    "plans.toggle": Route(ADMIN, admin_plan_id, variants=NO_FOREIGN),
    "plans.delete": Route(ADMIN, admin_plan_id, variants=NO_FOREIGN, destructive=True),
}

@pytest.fixture
def world(db_session, avatar_folder) -> World:
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
        world.objects[candidate]["learning_path"] = gen_learning_path(db_session, practice)
        world.objects[candidate]["resume"] = gen_resume(db_session, users[candidate])
    for name, user in users.items():
        world.objects.setdefault(name, {})["oauth"] = gen_oauth_token(db_session, user)
        world.objects[name]["login_session"] = gen_login_session(db_session, user)
    for candidate in CANDIDATES:
        users[candidate].avatar = _stored_photo(avatar_folder)
    db_session.flush()
    world.objects["plans"] = {kind: gen_plan(db_session, kind) for kind in ("employer", "candidate")}
    # One row per catalog kind, none depending on another, so deleting one leaves the others in place.
    world.objects["catalog"] = {
        "skill_categories": gen_catalog_skill_category(db_session),
        "skills": gen_catalog_skill(db_session),
        "assessment_types": gen_catalog_assessment_type(db_session),
        "assessment_categories": gen_catalog_assessment_category(db_session, gen_catalog_assessment_type(db_session)),
        "resources": gen_catalog_resource(db_session, gen_catalog_skill(db_session)),
    }
    return world


@pytest.fixture
def avatar_folder(app, monkeypatch, tmp_path):
    """Uploads land in a temporary instance folder, not the working tree's."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    folder = tmp_path / "uploads" / "avatars"
    folder.mkdir(parents=True)
    return folder


def _stored_photo(folder) -> str:
    """A tiny PNG under a name of the shape uploads stores; returns the name."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 160)).save(buffer, format="PNG")
    name = f"{secrets.token_hex(16)}.png"
    (folder / name).write_bytes(buffer.getvalue())
    return name


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
