"""Every GET route, as every role, with arbitrary query strings and every htmx variant: never a 5xx.

Issue 14 (item 9). Path parameters take the ids of a seeded company, candidate and admin
(and junk). Query strings use the names each route really reads (recorded while the sweep
requests it) plus common and random ones, with hostile values: huge and negative numbers,
far dates, control characters, unicode. htmx requests come plain, aimed at each target id
the page uses, boosted, and as history restores. Derandomized and bounded in time; for a
deeper hunt run with JOBHIVE_SWEEP_EXAMPLES=2000 (and JOBHIVE_SWEEP_SEED=n for other draws).
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, Phase, given, note, seed, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

from tests.factories import (
    PASSWORD,
    gen_audit_event,
    gen_behavioral_analysis,
    gen_catalog_assessment_category,
    gen_catalog_assessment_type,
    gen_catalog_resource,
    gen_catalog_skill,
    gen_catalog_skill_category,
    gen_company,
    gen_context_factors,
    gen_cultural_fit,
    gen_dynamic_score_weight,
    gen_interview,
    gen_interview_assessment,
    gen_job,
    gen_learning_path,
    gen_oauth_token,
    gen_outbox_message,
    gen_plan,
    gen_ranking,
    gen_resume,
    gen_sentiment_point,
    gen_sentiment_session,
    gen_skill_assessment,
    gen_subscription,
    gen_user,
)
from webapp.models import INTERVIEW_STATUSES, LearningPathResource

# The "new_" roles have nothing yet (no company, no interviews, no connections, an empty outbox):
# pages show their empty states, which are other branches of the same templates.
ROLES = ("anonymous", "candidate", "employer", "admin", "new_candidate", "new_employer")

# Names pages commonly read; each route also gets the names it was seen reading.
COMMON_NAMES = (
    "page", "per_page", "sort", "order", "dir", "q", "status", "range", "start", "end", "from", "to", "week",
    "job", "job_id", "focus", "cursor", "after", "before", "since", "interval", "granularity", "points", "min",
    "c", "ctx", "next", "active", "select_all", "role", "verified", "action", "actor", "kind", "preset", "limit",
    "offset", "w_technical", "w_skills", "w_cultural_fit", "w_sentiment", "format", "_", "page[]", "sort ",
)
# Hostile and boundary values; random text and numbers come on top.
SPECIAL_VALUES = (
    "", " ", "0", "1", "2", "-1", "-0", "01", "+5", "1.5", "1e308", "-1e308", "NaN", "inf", "0x1F", "١٢",
    str(2**31), str(2**31 - 1), str(-(2**31)), str(2**63), "9" * 40, "-" + "9" * 40,
    "9999-12-31", "0001-01-01", "1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01", "2026-02-30",
    "2026-13-01", "2026-1-1", "20261123", "2026-W48", "2026-11-23T10:00:00", "today", "yesterday",
    "\x00", "a\x00b", "\n", "\r\n", "\t", "\x7f", "\x1b[31m", "ü", "😀", "Ωmega", "\u202e", "\ufeff",
    "' OR 1=1 --", "%", "%%", "_", "\\", "<script>alert(1)</script>", "{{7*7}}", "../../etc/passwd",
    "-", "--title", "-title", "title", "-created_at", "score", "-score", "name", "asc", "desc",
    "all", "none", "null", "true", "false", "on", "off", "yes", "1,2,3", "[]", "{}",
    "day", "week", "month", "quarter", "year", "7d", "30d", "90d", "12m", "custom", "last_30_days",
    "employer", "user", "admin", "technical", "balanced", "*" * 300, "x" * 5000,
    *INTERVIEW_STATUSES,
)
# Each name a page reads gets each of these on its own, before the random combinations.
KILLER_VALUES = ("-1", "9" * 40, "1e308", "NaN", "9999-12-31", "0001-01-01", "\x00", "a\r\nb", "ü😀\u202e", "x" * 3000)
RAW_VALUES = ("%ff", "%c3%28", "%ed%a0%80", "%00", "%0d%0a", "%zz", "%", "%e2%80%ae", "a+b", "%2B%2D")
RAW_PARTS = ("&", "=", "==", "x", "%ff=1", "a[]=1", "a[b]=2", ";", "?")
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40)
INT_JUNK = (2**31, 10**30)  # past PostgreSQL's integer, past its bigint
STRING_JUNK = ("\x00", "ü 😀" + "x" * 300)


@dataclass
class World:
    """The seeded data: a user per role and real values for each path parameter name."""

    users: dict[str, object]
    path_values: dict[str, list] = field(default_factory=dict)


def _seed(app, session, *, with_mail: bool) -> World:
    now = datetime.now(UTC)
    admin = gen_user(session, role="admin")
    employer = gen_user(session, role="employer")
    company = gen_company(session, employer, company_name="Sweep Robotics")
    job = gen_job(session, company, title="Sweep Engineer", job_focus="technical", description="Build.", requirements="Python")
    closed_job = gen_job(session, company, title="Closed Role", is_active=False)
    gen_dynamic_score_weight(session, job)
    foreign_job = gen_job(session, gen_company(session, company_name="Elsewhere Ltd"), title="Foreign Role")
    candidate = gen_user(session, role="user")
    stranger = gen_user(session, role="user")

    completed = gen_interview(session, candidate, job, status="completed", start_time=now - timedelta(days=2))
    sentiment = gen_sentiment_session(session, completed)
    point = gen_sentiment_point(session, sentiment)
    gen_context_factors(session, point)
    gen_skill_assessment(session, completed, skill="Sweep Python")
    gen_interview_assessment(session, completed)
    gen_cultural_fit(session, completed)
    gen_behavioral_analysis(session, completed)
    live = gen_interview(session, stranger, job, status="in_progress", start_time=now - timedelta(minutes=10))
    gen_sentiment_point(session, gen_sentiment_session(session, live))
    scheduled = gen_interview(session, candidate, closed_job, status="scheduled", start_time=now + timedelta(days=3))
    foreign = gen_interview(session, stranger, foreign_job, status="completed")
    practice = gen_interview(session, candidate, None, status="completed", is_practice=True,
                             start_time=now - timedelta(days=1))
    gen_sentiment_point(session, gen_sentiment_session(session, practice))
    gen_skill_assessment(session, practice, skill="Sweep SQL", scores=(40, 55))
    gen_ranking(session, job, candidate)
    gen_ranking(session, job, stranger)
    path = gen_learning_path(session, practice)
    entries = session.scalars(select(LearningPathResource.id).where(LearningPathResource.learning_path_id == path.id)).all()
    resume = gen_resume(session, candidate)

    # A plan with every gated feature, so analytics and the weights editor are swept, not refused.
    plan = gen_plan(session, features=["Analytics dashboard", "Custom score weights"])
    gen_subscription(session, employer, plan)
    gen_plan(session, plan_type="candidate")
    skill_category = gen_catalog_skill_category(session)
    skill = gen_catalog_skill(session, skill_category)
    assessment_type = gen_catalog_assessment_type(session)
    assessment_category = gen_catalog_assessment_category(session, assessment_type)
    resource = gen_catalog_resource(session, skill)
    connections = [gen_oauth_token(session, user).id for user in (admin, employer, candidate)]
    if with_mail:
        gen_outbox_message(session, to=candidate.email, body_text="Reset: http://localhost/password/reset/abc")
    gen_audit_event(session, actor=admin, target=candidate)

    from webapp.accounts.services import reset_token, verification_token

    with app.test_request_context():
        tokens = [verification_token(candidate), reset_token(candidate)]
    values = {
        "job_id": [job.id, closed_job.id, foreign_job.id],
        "candidate_id": [candidate.id, stranger.id],
        "user_id": [admin.id, employer.id, candidate.id],
        "connection_id": connections,
        "item_id": [skill_category.id, skill.id, assessment_type.id, assessment_category.id, resource.id],
        "plan_id": [plan.id],
        "session_id": [completed.session_id, live.session_id, scheduled.session_id, foreign.session_id,
                       practice.session_id],
        "path_id": [path.id],
        "entry_id": list(entries),
        "resume_id": [resume.id],
        "token": tokens,
        "focus": ["technical", "balanced"],
        "direction": ["up", "down"],
        "filename": ["app.css", "app.js", "favicon.svg"],
    }
    users = {"admin": admin, "employer": employer, "candidate": candidate,
             "new_candidate": gen_user(session, role="user"), "new_employer": gen_user(session, role="employer")}
    return World(users=users, path_values=values)


@pytest.fixture
def world(app, db_session, role) -> World:
    return _seed(app, db_session, with_mail=not role.startswith("new_"))


# --- routes, the names they read and their URLs -------------------------------------------------

_names_read: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """Query parameters that note each name the view asks for."""

    def __getitem__(self, key):
        _names_read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _names_read.add(key)
        return super().__contains__(key)

    def get(self, key, default=None, type=None):
        _names_read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _names_read.add(key)
        return super().getlist(key, type)


def get_rules(app) -> list:
    return sorted((rule for rule in app.url_map.iter_rules() if "GET" in rule.methods), key=lambda rule: rule.rule)


def _junk_for(rule, argument: str) -> tuple:
    return INT_JUNK if f"<int:{argument}>" in rule.rule else STRING_JUNK


def path_values(rule, world: World) -> tuple[list[dict], list[dict]]:
    """Real values for every argument together, and junk in one argument at a time."""
    arguments = sorted(rule.arguments)
    if not arguments:
        return [{}], []
    # An argument the seed does not know yet (a new route) still gets junk, which must not be a 5xx.
    real = [world.path_values.get(argument) or list(_junk_for(rule, argument)[:1]) for argument in arguments]
    junk = [
        {a: (value if a == argument else real[j][0]) for j, a in enumerate(arguments)}
        for argument in arguments
        for value in _junk_for(rule, argument)
    ]
    return [dict(zip(arguments, values)) for values in itertools.product(*real)], junk


_HX_TARGET = re.compile(r"""hx-target=["']#([\w-]+)["']""")
_ID = re.compile(r"""\bid=["']([\w-]+)["']""")
_HX_ELEMENT = re.compile(r"""<[^>]*\bhx-(?:get|post)=[^>]*>""")
_NAME_ATTR = re.compile(r"""\bname=["']([\w\[\]-]+)["']""")

HTMX = {"HX-Request": "true"}
HTMX_WHOLE_PAGE = ({**HTMX, "HX-Boosted": "true"}, {**HTMX, "HX-History-Restore-Request": "true"})


@dataclass
class Page:
    """A URL the role may see (200 or 422) and its route."""

    rule: str
    path: str


class Sweep:
    """Sends GETs, each in a savepoint rolled back afterwards, and learns what each route uses."""

    def __init__(self, client, connection):
        self.client, self.connection = client, connection
        self.pages: list[Page] = []
        self.names: dict[str, set[str]] = {}
        self.targets: dict[str, set[str]] = {}
        self.trigger_names: dict[str, set[str]] = {}

    def get(self, path: str, query=(), headers: dict | None = None, *, rule: str | None = None):
        query = query if isinstance(query, str) else list(query)  # a str is sent as it is (raw)
        request = f"GET {path} {query!r} {headers or {}!r}"
        _names_read.clear()
        savepoint = self.connection.begin_nested()
        try:
            response = self.client.get(path, query_string=query, headers=headers or {})
            body = response.get_data(as_text=True)  # a streamed body (CSV) can fail while it is read
            response.close()
        except Exception as error:  # TESTING propagates what would have been a 500
            raise AssertionError(f"{request} raised {error!r}") from error
        finally:
            savepoint.rollback()
        assert response.status_code < 500, f"{request} answered {response.status_code}"
        if rule is not None:
            self.names.setdefault(rule, set()).update(_names_read)
        return response, body

    def visit(self, rule: str, path: str, *, htmx: bool = True) -> None:
        """The URL plain (and for htmx); a page the role may see is kept, with what its HTML uses."""
        response, body = self.get(path, rule=rule)
        if htmx:
            self.get(path, headers=HTMX, rule=rule)
        if response.status_code not in (200, 422):
            return
        self.pages.append(Page(rule, path))
        if response.mimetype == "text/html":
            # Elements named by hx-target, and elements that fetch into themselves (htmx sends their id).
            targets = set(_HX_TARGET.findall(body)) & set(_ID.findall(body))
            targets |= {id_ for element in _HX_ELEMENT.findall(body) for id_ in _ID.findall(element)}
            self.targets.setdefault(rule, set()).update(targets)
            self.trigger_names.setdefault(rule, set()).update(_NAME_ATTR.findall(body))

    def htmx_variants(self, rule: str) -> list[dict]:
        variants = list(HTMX_WHOLE_PAGE) + [{**HTMX, "HX-Target": target} for target in sorted(self.targets.get(rule, ()))]
        return variants + [{**HTMX, "HX-Trigger-Name": name} for name in sorted(self.trigger_names.get(rule, ()))[:2]]

    def clear_flashes(self) -> None:
        # Messages flashed on pages that are never shown would pile up in the session cookie.
        with self.client.session_transaction() as session:
            session.pop("_flashes", None)


def log_in(client, world: World, role: str) -> None:
    if role != "anonymous":
        response = client.post("/login", data={"email": world.users[role].email, "password": PASSWORD})
        assert response.status_code == 302, f"{role} could not log in"


def query_strategy(names: list[str], real_ids: list[str]):
    name = st.one_of(st.sampled_from(names), st.sampled_from(COMMON_NAMES), st.text(min_size=1, max_size=12))
    value = st.one_of(
        st.sampled_from(SPECIAL_VALUES),
        st.sampled_from(real_ids),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.dates().map(lambda day: day.isoformat()),
        st.text(max_size=20),
    )
    # Raw query strings too: bytes that are not UTF-8, broken escapes, names without values.
    raw = st.lists(
        st.one_of(st.sampled_from(RAW_PARTS), st.tuples(st.sampled_from(names), st.sampled_from(RAW_VALUES)).map("=".join)),
        min_size=1, max_size=4,
    ).map("&".join)
    return st.one_of(st.lists(st.tuples(name, value), max_size=6), raw)


SWEEP_SETTINGS = settings(
    max_examples=int(os.environ.get("JOBHIVE_SWEEP_EXAMPLES", "80")),
    derandomize="JOBHIVE_SWEEP_SEED" not in os.environ,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    # Each example is a real request: slow by hypothesis' standards, and that is the point.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)


@pytest.fixture
def recording_app(app, monkeypatch):
    """The app, its requests' query parameters noting the names each view reads."""

    class RecordingRequest(app.request_class):
        parameter_storage_class = RecordingArgs

    monkeypatch.setattr(app, "request_class", RecordingRequest)
    return app


@pytest.mark.parametrize("role", ROLES)
def test_no_get_route_answers_5xx(recording_app, client, db_session, world, role):
    app = recording_app
    log_in(client, world, role)
    sweep = Sweep(client, app.extensions["db_bind"])
    adapter = app.url_map.bind("localhost")

    # 1. Every GET route with real path values, plain and for htmx, and with junk ones.
    for rule in get_rules(app):
        real, junk = path_values(rule, world)
        for values in real:
            sweep.visit(rule.rule, adapter.build(rule.endpoint, values))
        for values in junk:
            sweep.visit(rule.rule, adapter.build(rule.endpoint, values), htmx=False)

    # 2. The pages the role may see, boosted, as a history restore, aimed at each of their targets
    #    (a route's pages take the variants in turn: several interviews, jobs...).
    pages_by_rule: dict[str, list[Page]] = {}
    for page in sweep.pages:
        pages_by_rule.setdefault(page.rule, []).append(page)
    for rule, pages in pages_by_rule.items():
        for n, headers in enumerate(sweep.htmx_variants(rule)):
            sweep.get(pages[n % len(pages)].path, headers=headers)

    # 3. Each name a route reads, with each hostile value on its own (plain and for htmx, in turn).
    for rule, pages in pages_by_rule.items():
        for n, (name, value) in enumerate(itertools.product(sorted(sweep.names.get(rule, ())), KILLER_VALUES)):
            sweep.get(pages[n % len(pages)].path, [(name, value)], HTMX if n % 2 else {})
    sweep.clear_flashes()
    if not sweep.pages:
        return

    # 4. Arbitrary query strings (several names, random values) and htmx variants.
    real_ids = sorted({str(v) for values in world.path_values.values() for v in values if isinstance(v, int)})
    names = {rule: sorted(sweep.names.get(rule, ())) or list(COMMON_NAMES) for rule in pages_by_rule}

    @SWEEP_SETTINGS
    @given(data=st.data())
    def arbitrary_queries(data):
        page = data.draw(st.sampled_from(sweep.pages), label="page")
        query = data.draw(query_strategy(names[page.rule], real_ids), label="query")
        headers = data.draw(st.sampled_from([{}, HTMX, *HTMX_WHOLE_PAGE]), label="headers")
        if headers == HTMX and data.draw(st.booleans(), label="aimed"):
            targets = sorted(sweep.targets.get(page.rule, ())) + ["", "content"]
            headers = headers | {"HX-Target": data.draw(st.one_of(st.sampled_from(targets), HEADER_TEXT), label="target")}
        if headers == HTMX and data.draw(st.booleans(), label="triggered"):
            triggers = sorted(sweep.trigger_names.get(page.rule, ())) + ["select_all"]
            headers = headers | {"HX-Trigger-Name": data.draw(st.one_of(st.sampled_from(triggers), HEADER_TEXT), label="trigger")}
        note(f"GET {page.path} {query!r} {headers!r}")
        sweep.get(page.path, query, headers)
        sweep.clear_flashes()

    if "JOBHIVE_SWEEP_SEED" in os.environ:
        arbitrary_queries = seed(int(os.environ["JOBHIVE_SWEEP_SEED"]))(arbitrary_queries)
    arbitrary_queries()
