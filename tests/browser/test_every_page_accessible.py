"""Every page of every role: no serious or critical axe violation, and no page wider than the screen.

The pages come from the app's url_map, so a new page is checked without touching this file: every GET
route without arguments is requested as each role and checked when it answers that role with an HTML
page (the first refusal, 403, is checked too); every route with arguments is either filled with ids from
the demo data (PAGES_WITH_IDS) or said not to be a page (NOT_PAGES). A route in neither fails
`test_every_get_route_is_covered`, naming it. Each role x viewport is its own test so xdist spreads them;
each reuses one browser page for all its URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from tests.browser.conftest import forget_login_attempts
from webapp import create_app
from webapp.db import make_engine

DEMO_PASSWORD = "jobhive-demo-pass"
LOGINS = {
    "anonymous": None,
    "employer": "employer@jobhive.test",
    "candidate": "candidate@jobhive.test",
    "admin": "admin@jobhive.test",
    "other_employer": "other@jobhive.test",  # the demo's live interviews are this company's
}
# Roles checked only on the pages EXTRA_PAGES names for them (the employer covers every other page).
ONLY_LISTED = {"other_employer"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
FAILING_IMPACTS = ("serious", "critical")
ALWAYS_FAILING_RULES = ("heading-order",)  # moderate in axe, but a heading level skipped misleads a screen reader user

# GET routes that are not pages a person reads, and why.
NOT_PAGES = {
    "static": "files",
    "assets.plotly": "a redirect to the fingerprinted plotly.js",
    "health.healthz": "JSON for load balancers",
    "analytics.export": "CSV",
    "analytics.export_jobs": "CSV",
    "rankings.export": "CSV",
    "accounts.avatar": "an image",
    "company.logo": "an image",
    "resumes.download": "the uploaded file",
    "interviews.live": "the live panel fragment, polled by the review page (checked there)",
    "pipeline.more": "a column's next cards, a fragment of the board (checked there)",
    "notifications.bell": "the header bell's text, a fragment every page polls (checked there)",
    "notifications.open": "marks a notification read and redirects to its page",
}


@dataclass(frozen=True)
class Demo:
    """Ids of the demo data the pages with arguments are filled with."""

    values: dict

    def __getitem__(self, key):
        return self.values[key]


def _one(connection, sql: str, **params):
    value = connection.execute(text(sql), params).scalar()
    assert value is not None, f"the demo data has nothing for: {sql}"
    return value


def load_demo(url: str, app) -> Demo:
    engine = make_engine(url)
    with engine.connect() as c:
        employer = _one(c, "SELECT id FROM users_user WHERE email = 'employer@jobhive.test'")
        candidate = _one(c, "SELECT id FROM users_user WHERE email = 'candidate@jobhive.test'")
        admin = _one(c, "SELECT id FROM users_user WHERE email = 'admin@jobhive.test'")
        company = _one(c, "SELECT id FROM company_company WHERE user_id = :u", u=employer)
        job = _one(c, """SELECT j.id FROM company_job j JOIN interview_candidateranking r ON r.job_id = j.id
                         WHERE j.company_id = :co GROUP BY j.id ORDER BY count(*) DESC, j.id LIMIT 1""", co=company)
        ranked = [row[0] for row in c.execute(text(
            "SELECT candidate_id FROM interview_candidateranking WHERE job_id = :j ORDER BY overall_score DESC, id LIMIT 3"
        ), {"j": job})]

        def interview(status: str, practice: bool = False, owner: str = "company") -> str:
            scope = "j.company_id = :scope" if owner == "company" else "s.user_id = :scope"
            return _one(c, f"""SELECT s.session_id FROM interview_interviewsession s LEFT JOIN company_job j ON j.id = s.job_id
                               WHERE {scope} AND s.status = :st AND s.is_practice = :p ORDER BY s.id LIMIT 1""",
                        scope=company if owner == "company" else candidate, st=status, p=practice)

        values = {
            "employer": employer, "candidate": candidate, "admin": admin, "job": job, "ranked": ranked,
            "completed": interview("completed"), "scheduled": interview("scheduled"),
            "practice": interview("completed", practice=True, owner="candidate"),
            "path": _one(c, """SELECT p.id FROM interview_learningpath p JOIN interview_interviewsession s
                               ON s.id = p.interview_session_id WHERE s.user_id = :u ORDER BY p.id LIMIT 1""", u=candidate),
            "resume": _one(c, "SELECT id FROM users_resume WHERE user_id = :u ORDER BY id LIMIT 1", u=candidate),
            "skill_category": _one(c, "SELECT min(id) FROM interview_skillcategory"),
            "skill": _one(c, "SELECT min(id) FROM interview_skill"),
            "assessment_type": _one(c, "SELECT min(id) FROM interview_assessmenttype"),
            "assessment_category": _one(c, "SELECT min(id) FROM interview_assessmentcategory"),
            "resource": _one(c, "SELECT min(id) FROM interview_learningresource"),
            "plan": _one(c, "SELECT min(id) FROM billing_subscriptionplan"),
            "invitation": _one(c, "SELECT min(id) FROM company_invitation WHERE company_id = :co", co=company),
            "member": _one(c, "SELECT min(id) FROM company_member WHERE company_id = :co AND role <> 'owner'", co=company),
        }
        other = _one(c, """SELECT co.id FROM company_company co JOIN users_user u ON u.id = co.user_id
                            WHERE u.email = 'other@jobhive.test'""")
        values["live"] = _one(c, """SELECT s.session_id FROM interview_interviewsession s JOIN company_job j ON j.id = s.job_id
                                    WHERE j.company_id = :co AND s.status = 'in_progress' AND NOT s.is_practice
                                    ORDER BY s.id LIMIT 1""", co=other)
        # A note of Acme's (one with earlier texts first), for its history page.
        values["note"] = tuple(c.execute(text(
            """SELECT s.session_id, n.id FROM interview_note n JOIN interview_interviewsession s ON s.id = n.interview_session_id
               JOIN company_job j ON j.id = s.job_id WHERE j.company_id = :co
               ORDER BY EXISTS (SELECT 1 FROM interview_noteedit e WHERE e.note_id = n.id) DESC, n.id LIMIT 1"""),
            {"co": company}).one())
        connections = dict(c.execute(text("SELECT user_id, min(id) FROM users_useroauthtoken GROUP BY user_id")).all())
        values["connections"] = connections
        password = _one(c, "SELECT password FROM users_user WHERE id = :u", u=candidate)
    engine.dispose()

    from webapp.accounts.services import reset_token

    with app.app_context():  # signed with the live server's key: both apps read the same configuration
        values["reset_token"] = reset_token(SimpleNamespace(id=candidate, password=password))
    return Demo(values)


def _connection(role: str) -> Callable[[Demo], list[dict]]:
    def args(demo: Demo) -> list[dict]:
        connection = demo["connections"].get(demo[role])
        return [{"connection_id": connection}] if connection else []

    return args


def _catalog(kind: str) -> Callable[[Demo], list[dict]]:
    return lambda demo: [{"item_id": demo[kind]}]


# Routes with arguments: the role that reads them and their values (a list: each is one page to check; the
# page must answer 200, or the STATUS given among the values).
STATUS = "_expected_status"
# Routes without arguments that also show more with a query string: a year of analytics (every job's row).
QUERY_VARIANTS = {"analytics.index": [{"range": "365"}]}
WHATIF = {"w_technical": "0.1", "w_skills": "0.2", "w_cultural_fit": "0.3", "w_sentiment": "0.4"}
PAGES_WITH_IDS: dict[str, tuple[str, Callable[[Demo], list[dict]]]] = {
    "jobs.show": ("employer", lambda d: [{"job_id": d["job"]}]),
    "jobs.edit": ("employer", lambda d: [{"job_id": d["job"]}]),
    "jobs.confirm_delete": ("employer", lambda d: [{"job_id": d["job"]}]),
    "weights.edit": ("employer", lambda d: [{"job_id": d["job"]}]),
    "rankings.index": ("employer", lambda d: [{"job_id": d["job"]}, {"job_id": d["job"], **WHATIF}]),  # and a what-if preview
    "rankings.explain": ("employer", lambda d: [{"job_id": d["job"], "candidate_id": d["ranked"][0]}]),
    "rankings.compare": ("employer", lambda d: [{"job_id": d["job"], "c": d["ranked"]}]),
    "rankings.save_weights": ("employer", lambda d: [{"job_id": d["job"], **WHATIF}]),
    "rankings.override": ("employer", lambda d: [{"job_id": d["job"], "candidate_id": d["ranked"][1]}]),
    # the confirmation when the candidate has an override; without one, back to the ranking with a message
    "rankings.remove_override": ("employer", lambda d: [{"job_id": d["job"], "candidate_id": d["ranked"][1]}]),
    "interviews.show": ("employer", lambda d: [{"session_id": d[s]} for s in ("completed", "scheduled")]),
    "interviews.reschedule": ("employer", lambda d: [{"session_id": d["scheduled"]}]),
    "scorecards.notes": ("employer", lambda d: [{"session_id": d["completed"]}]),
    "scorecards.note_history": ("employer", lambda d: [{"session_id": d["note"][0], "note_id": d["note"][1]}]),
    "scorecards.attributes": ("employer", lambda d: [{"job_id": d["job"]}]),
    # the board, the table (every status: closed candidates with Reopen) and the job's stages
    "pipeline.board": ("employer", lambda d: [{"job_id": d["job"]}, {"job_id": d["job"], "view": "table", "status": "all"}]),
    "pipeline.stages": ("employer", lambda d: [{"job_id": d["job"]}]),
    "practice.show": ("candidate", lambda d: [{"session_id": d["practice"]}]),
    "learning.show": ("candidate", lambda d: [{"path_id": d["path"]}]),
    "resumes.confirm_delete": ("candidate", lambda d: [{"resume_id": d["resume"]}]),
    "accounts.disconnect": ("candidate", _connection("candidate")),
    "accounts.revoke_session": ("candidate", lambda d: []),  # filled after logging in: the page's own session
    "admin.user": ("admin", lambda d: [{"user_id": d["candidate"]}, {"user_id": d["employer"]}]),
    "admin.deactivate": ("admin", lambda d: [{"user_id": d["candidate"]}]),
    "admin.reactivate": ("admin", lambda d: [{"user_id": d["candidate"]}]),
    "admin.change_role": ("admin", lambda d: [{"user_id": d["candidate"], "role": "employer"},
                                              {"user_id": d["candidate"], STATUS: 400}]),  # no role picked: the user page says so
    "admin.mark_verified": ("admin", lambda d: [{"user_id": d["candidate"]}]),
    "plans.edit": ("admin", lambda d: [{"plan_id": d["plan"]}]),
    "plans.delete": ("admin", lambda d: [{"plan_id": d["plan"]}]),
    "accounts.reset_password": ("anonymous", lambda d: [{"token": d["reset_token"]},
                                                                    {"token": "not-a-valid-link", STATUS: 400}]),
    # A good link verifies the account as it is read: only the page of a bad one, which writes nothing.
    "accounts.verify": ("anonymous", lambda d: [{"token": "not-a-valid-link", STATUS: 400}]),
    "team.revoke": ("employer", lambda d: [{"invitation_id": d["invitation"]}]),
    "team.remove": ("employer", lambda d: [{"member_id": d["member"]}]),
    "team.invitation": ("anonymous", lambda d: [{"token": "not-a-valid-link", STATUS: 404}]),
    **{
        f"catalog.{kind}_{view}": ("admin", _catalog(item))
        for kind, item in (("skill_categories", "skill_category"), ("skills", "skill"),
                           ("assessment_types", "assessment_type"), ("assessment_categories", "assessment_category"),
                           ("resources", "resource"))
        for view in ("edit", "confirm_delete")
    },
}


# More pages of a route that PAGES_WITH_IDS already lists, read by another role.
EXTRA_PAGES: list[tuple[str, str, Callable[[Demo], list[dict]]]] = [
    ("other_employer", "interviews.show", lambda d: [{"session_id": d["live"]}]),  # a live review, polling
]


@pytest.fixture(scope="module")
def site_app(demo_database_url):
    """The app as the live server runs it: its url_map, and its key for signed links."""
    app = create_app({"DATABASE_URL": demo_database_url, "TESTING": False})
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def site(site_app, demo_database_url):
    return site_app, load_demo(demo_database_url, site_app)


def get_rules(app) -> list:
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)


def test_every_get_route_is_covered(site_app):
    app = site_app
    missing = [f"{r.rule} ({r.endpoint})" for r in get_rules(app)
               if r.arguments and r.endpoint not in PAGES_WITH_IDS and r.endpoint not in NOT_PAGES]
    assert not missing, ("GET routes with arguments that the accessibility test does not visit: say in "
                         f"PAGES_WITH_IDS which demo ids fill them, or in NOT_PAGES why they are not pages: {missing}")
    stale = sorted((set(PAGES_WITH_IDS) | set(NOT_PAGES)) - {r.endpoint for r in app.url_map.iter_rules()})
    assert not stale, f"endpoints listed here that the app no longer has: {stale}"


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def pages_for(role: str, page: Page, app, demo: Demo, demo_url: str) -> list[tuple[str, int]]:
    """The role's pages: argument-less routes that answer it with HTML, the routes filled with demo ids, a 403 and a 404."""
    adapter = app.url_map.bind("127.0.0.1")
    urls: list[tuple[str, int]] = []
    refused = None
    for rule in get_rules(app):
        if rule.arguments or rule.endpoint in NOT_PAGES or role in ONLY_LISTED:
            continue
        path = adapter.build(rule.endpoint, {})
        answer = page.request.get(path, max_redirects=0)
        if answer.status == 200 and "text/html" in answer.headers.get("content-type", ""):
            urls.append((path, 200))
            urls += [(adapter.build(rule.endpoint, variant), 200) for variant in QUERY_VARIANTS.get(rule.endpoint, ())]
        elif answer.status == 403 and refused is None:
            refused = path
    listed = [(reader, endpoint, build) for endpoint, (reader, build) in PAGES_WITH_IDS.items()] + EXTRA_PAGES
    for reader, endpoint, build in listed:
        if reader != role:
            continue
        values = build(demo)
        if endpoint == "accounts.revoke_session":
            values = [{"login_id": _own_login_session(demo_url, demo[role])}]
        for v in values:
            status = v.pop(STATUS, 200)
            urls.append((adapter.build(endpoint, MultiDict(v)), status))
    if role in ONLY_LISTED:
        return urls
    return urls + ([(refused, 403)] if refused else []) + [("/no-such-page", 404)]


def _own_login_session(url: str, user_id: int) -> int:
    engine = make_engine(url)
    with engine.connect() as c:
        login_id = _one(c, "SELECT max(id) FROM users_loginsession WHERE user_id = :u AND revoked_at IS NULL", u=user_id)
    engine.dispose()
    return login_id


@cache
def axe_script() -> str:
    """axe-core as the package bundles it (no network), put in every page before its own scripts run."""
    return Axe().axe_script


# axe leaves target-size (WCAG 2.2's 2.5.8, 24 px targets) off by default: on here, since the bar is 2.2 AA.
AXE_RUN = "axe.run(document, {resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})"
# What a person can unfold (a chart's data table, a confirmation panel) is checked unfolded too; two frames
# let the page react to the new sizes (a table that now overflows becomes a scroll region).
OPEN_EVERYTHING = """() => {
    document.querySelectorAll('details:not([open])').forEach(details => { details.open = true; });
    return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


def charts_drawn(page: Page) -> bool:
    """Plotly is loaded deferred and draws on DOMContentLoaded: wait until every chart holds its SVG."""
    try:
        page.wait_for_function("""() => Array.from(document.querySelectorAll('script[data-chart]')).every(node => {
            const target = document.getElementById(node.dataset.chart);
            return !target || target.querySelector('.main-svg');
        })""", timeout=10_000)
    except PlaywrightTimeoutError:
        return False
    return True


def describe(violation: dict) -> str:
    nodes = violation["nodes"]
    first = nodes[0]
    return (f"{violation['id']} ({violation['impact']}, {len(nodes)} element(s)), e.g. {first['target']}: "
            f"{first.get('failureSummary', '').splitlines()[-1].strip() if first.get('failureSummary') else ''}")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", list(LOGINS))
def test_every_page_passes_axe_and_fits_the_screen(browser: Browser, live_server: str, demo_database_url: str,
                                                   site, role: str, viewport: str):
    app, demo = site
    forget_login_attempts(demo_database_url)
    context = browser.new_context(base_url=live_server, viewport=VIEWPORTS[viewport])
    context.add_init_script(script=axe_script())
    page = context.new_page()
    try:
        if LOGINS[role]:
            log_in(page, LOGINS[role])
        urls = pages_for(role, page, app, demo, demo_database_url)
        assert len(urls) >= (1 if role in ONLY_LISTED else 5), urls
        problems: list[str] = []
        for url, status in urls:
            answer = page.goto(url)
            if answer.status != status:
                problems.append(f"{url}: answered {answer.status}, not {status}")
            if not charts_drawn(page):
                problems.append(f"{url}: a chart was not drawn within 10 s")
            page.evaluate(OPEN_EVERYTHING)
            width = page.evaluate("document.documentElement.scrollWidth")  # no page scrolls sideways, phone or not
            if width > VIEWPORTS[viewport]["width"]:
                problems.append(f"{url}: {width} px wide on a {VIEWPORTS[viewport]['width']} px screen")
            for violation in page.evaluate(AXE_RUN)["violations"]:
                if violation["impact"] in FAILING_IMPACTS or violation["id"] in ALWAYS_FAILING_RULES:
                    problems.append(f"{url}: {describe(violation)}")
        assert not problems, f"{role} at {viewport} ({len(urls)} pages):\n" + "\n".join(problems)
    finally:
        context.close()
