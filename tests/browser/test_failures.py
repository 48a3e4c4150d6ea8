"""When a request fails, the page says so and puts the control back; typed notes outlive the session.

Failures are forced in the browser (Playwright answers htmx's request with a 500 or drops it) so the
server and the demo data never see them; Retry then goes through for real.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, Route, expect
from sqlalchemy import text

from webapp.db import make_engine

DEMO_PASSWORD = "jobhive-demo-pass"
EMPLOYER = "employer@jobhive.test"
PER_PAGE = 25
SWITCHED_JOB = "Technical Program Manager"
ERROR_FRAGMENT = (
    '<div class="alert alert-error" role="alert"><strong>Something went wrong.</strong> '
    "An unexpected error occurred. It has been logged; please try again.</div>"
)
FAILURES = ("500", "network", "timeout")
FORCED = ("htmx:", "Failed to load resource", "Response Status Error Code 500")  # console lines of forced failures
SAID = {"500": "error 500", "network": "could not be reached", "timeout": "took too long"}


def break_requests(page: Page, pattern, failure: str):
    """Answer htmx's requests to `pattern` with `failure` (the rest go through); returns a function
    that mends them. A timeout holds the request past htmx's timeout, cut to half a second here."""
    held: list[Route] = []

    def handle(route: Route) -> None:
        if route.request.headers.get("hx-request") != "true":
            route.continue_()
        elif failure == "500":
            route.fulfill(status=500, content_type="text/html; charset=utf-8", body=ERROR_FRAGMENT)
        elif failure == "network":
            route.abort("internetdisconnected")
        else:
            held.append(route)

    def mend() -> None:
        for route in held:
            route.abort()  # never reaches the server: the browser gave up on it already
        page.unroute(pattern)
        page.evaluate("htmx.config.timeout = 20000")

    if failure == "timeout":
        page.evaluate("htmx.config.timeout = 500")
    page.route(pattern, handle)
    return mend


def log_in(page: Page, lands_on: str = r"/dashboard$") -> None:
    page.get_by_label("Email").fill(EMPLOYER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(lands_on))


def script_errors(page: Page) -> list[str]:
    """Console errors other than the failures forced on purpose (htmx and Chromium log those)."""
    return [e for e in page.console_errors if not e.startswith(FORCED)]


def message(page: Page):
    return page.locator("#request-failure")


def expect_failure_said(page: Page, failure: str, title: str, consequence: str) -> None:
    said = message(page)
    expect(said).to_contain_text(title)
    expect(said).to_contain_text(SAID[failure])
    expect(said).to_contain_text(consequence)
    expect(said).to_have_attribute("aria-live", "assertive")
    expect(said.get_by_role("button", name="Retry")).to_be_visible()


@pytest.fixture
def switched_job(demo_database_url):
    """The job whose switch the test flips, put back as it was whatever happens."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        job_id, active = connection.execute(
            text("SELECT id, is_active FROM company_job WHERE title = :title"), {"title": SWITCHED_JOB}
        ).one()
    yield job_id, active
    with engine.begin() as connection:
        connection.execute(text("UPDATE company_job SET is_active = :a WHERE id = :id"), {"a": active, "id": job_id})
    engine.dispose()


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_job_switch_says_so_keeps_the_switch_true_and_retry_switches_it(page: Page, switched_job, failure):
    job_id, active = switched_job
    assert active, "the demo job starts active"
    page.goto("/login")
    log_in(page)
    page.goto("/jobs")
    switch = page.get_by_role("switch", name=re.compile(SWITCHED_JOB))
    expect(switch).to_have_attribute("aria-checked", "true")
    mend = break_requests(page, f"**/jobs/{job_id}/toggle", failure)

    switch.click()

    expect_failure_said(page, failure, "Could not save.", "saved")
    expect(switch).to_have_attribute("aria-checked", "true")  # the switch says what the server holds
    expect(switch).to_contain_text("Active")
    expect(page.locator(f"#job-toggle-{job_id}")).not_to_have_class(re.compile("htmx-request"))  # not loading
    expect(switch).to_be_enabled()

    mend()
    message(page).get_by_role("button", name="Retry").click()

    expect(switch).to_have_attribute("aria-checked", "false")
    expect(switch).to_contain_text("Inactive")
    expect(message(page)).to_be_empty()
    expect(switch).to_be_focused()  # back on the control, not lost with the message
    page.reload()
    expect(page.get_by_role("switch", name=re.compile(SWITCHED_JOB))).to_have_attribute("aria-checked", "false")
    assert script_errors(page) == []


def test_a_failed_select_all_unticks_the_box_again(page: Page):
    page.goto("/login")
    log_in(page)
    page.goto("/jobs")
    break_requests(page, re.compile(r"/jobs\?"), "500")
    select_all = page.get_by_role("checkbox", name="Select all jobs on this page")

    select_all.click()  # not .check(): it would insist the tick stays

    expect(message(page)).to_contain_text("The box is back the way it was.")
    expect(select_all).not_to_be_checked()
    expect(page.locator("#job-rows tbody input:checked")).to_have_count(0)


@pytest.fixture(scope="module")
def acme_search(demo_database_url):
    """(how many Acme interviews, a candidate's last name, how many interviews match it)."""
    acme = """
        FROM interview_interviewsession i JOIN company_job j ON j.id = i.job_id
        JOIN company_company c ON c.id = j.company_id JOIN users_user owner ON owner.id = c.user_id
        LEFT JOIN users_user u ON u.id = i.user_id
        WHERE owner.email = :email AND i.is_practice IS NOT TRUE
    """
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        total = connection.execute(text(f"SELECT count(*) {acme}"), {"email": EMPLOYER}).scalar_one()
        last_name = connection.execute(
            text(
                f"SELECT u.last_name {acme} AND u.last_name <> '' "
                "GROUP BY u.last_name ORDER BY count(*) DESC, 1 LIMIT 1"
            ),
            {"email": EMPLOYER},
        ).scalar_one()
        matching = connection.execute(
            text(
                f"SELECT count(*) {acme} "
                "AND (concat_ws(' ', u.first_name, u.last_name) ILIKE :p OR u.email ILIKE :p)"
            ),
            {"email": EMPLOYER, "p": f"%{last_name}%"},
        ).scalar_one()
    engine.dispose()
    assert matching < total
    return total, last_name, matching


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_live_search_marks_the_list_out_of_date_and_retry_loads_it(page: Page, acme_search, failure):
    total, last_name, matching = acme_search
    page.goto("/login")
    log_in(page)
    page.goto("/interviews")
    rows = page.locator("#interview-rows tbody tr")
    expect(rows).to_have_count(min(total, PER_PAGE))
    mend = break_requests(page, re.compile(r"/interviews\?"), failure)
    search = page.get_by_role("searchbox", name="Search candidates")

    search.fill(last_name)

    expect_failure_said(page, failure, "Could not update.", "out of date")
    expect(page.locator("#interview-rows")).to_have_class(re.compile(r"\bis-stale\b"))
    expect(page.locator("#interview-rows")).not_to_have_class(re.compile("htmx-request"))  # no endless "loading"
    expect(rows).to_have_count(min(total, PER_PAGE))  # the old rows, marked, not a half-matching list
    expect(page).to_have_url(re.compile(r"/interviews$"))
    expect(search).to_be_focused()  # typing was never interrupted by the message

    mend()
    message(page).get_by_role("button", name="Retry").click()

    expect(rows).to_have_count(min(matching, PER_PAGE))
    expect(rows.first.get_by_role("rowheader")).to_contain_text(last_name)
    expect(page.locator("#interview-rows")).not_to_have_class(re.compile(r"\bis-stale\b"))
    expect(message(page)).to_be_empty()
    expect(page).to_have_url(re.compile(rf"/interviews\?q={re.escape(last_name)}$"))
    expect(search).to_be_focused()
    assert script_errors(page) == []


def test_a_later_success_clears_the_message_and_htmx_has_a_timeout(page: Page, acme_search):
    _, last_name, matching = acme_search
    page.goto("/login")
    log_in(page)
    page.goto("/interviews")
    assert page.evaluate("htmx.config.timeout") == 20000
    mend = break_requests(page, re.compile(r"/interviews\?"), "network")
    search = page.get_by_role("searchbox", name="Search candidates")
    search.fill(last_name[:-1])
    expect(message(page)).to_contain_text("could not be reached")

    mend()
    search.fill(last_name)  # the next keystroke goes through

    expect(page.locator("#interview-rows tbody tr")).to_have_count(min(matching, PER_PAGE))
    expect(message(page)).to_be_empty()
    expect(page.locator("#interview-rows")).not_to_have_class(re.compile(r"\bis-stale\b"))


def test_a_validation_answer_is_shown_in_place_not_as_a_failure(page: Page):
    page.goto("/login")
    log_in(page)
    page.goto("/interviews")
    page.get_by_label("From").fill("2026-03-12")
    page.get_by_label("To").fill("2026-03-01")

    expect(page.locator("#interview-rows [role=alert]")).to_contain_text("The end date is before the start date")
    expect(message(page)).to_be_empty()
    expect(page.locator("#interview-rows")).not_to_have_class(re.compile(r"\bis-stale\b"))


# --- interview notes outlive an expired session -------------------------------------------------


@pytest.fixture
def notes_interview(demo_database_url):
    """(session id, saved notes) of one of Acme's completed interviews; its notes put back after."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                """
                SELECT i.id, i.session_id, i.interviewer_notes,
                       (SELECT coalesce(max(n.id), 0) FROM interview_note n) AS last_note
                FROM interview_interviewsession i
                JOIN company_job j ON j.id = i.job_id JOIN company_company c ON c.id = j.company_id
                JOIN users_user u ON u.id = c.user_id
                WHERE u.email = :email AND i.status = 'completed' AND NOT i.is_practice
                ORDER BY i.id LIMIT 1
                """
            ),
            {"email": EMPLOYER},
        ).one()
    yield row
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE interview_interviewsession SET interviewer_notes = :n WHERE id = :id"),
            {"n": row.interviewer_notes, "id": row.id},
        )
        connection.execute(text("DELETE FROM interview_note WHERE interview_session_id = :id AND id > :last"),
                           {"id": row.id, "last": row.last_note})
    engine.dispose()


def expire_sessions_server_side(url: str) -> None:
    """The employer's login sessions reach their 30-day limit (JOBHIVE_SESSION_MAX_DAYS) now."""
    engine = make_engine(url)
    with engine.begin() as connection:
        ended = connection.execute(
            text(
                "UPDATE users_loginsession SET created_at = now() - interval '31 days' WHERE revoked_at IS NULL "
                "AND user_id = (SELECT id FROM users_user WHERE email = :email)"
            ),
            {"email": EMPLOYER},
        ).rowcount
    engine.dispose()
    assert ended >= 1


def drafts(page: Page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('jobhive.draft.'))")


def open_notes(page: Page, session_id: str):
    page.goto(f"/interviews/{session_id}")
    return page.get_by_role("textbox", name="Add a note")


def test_notes_typed_when_the_session_expired_come_back_after_logging_in(
    page: Page, notes_interview, demo_database_url
):
    session_id = notes_interview.session_id
    typed = "Strong on systems design; follow up on the caching answer.\nAsk about on-call."
    page.goto("/login")
    log_in(page)
    notes = open_notes(page, session_id)
    notes.fill(typed)
    expire_sessions_server_side(demo_database_url)

    page.get_by_role("button", name="Add note").click()

    # The save landed on the login page (the whole window), which says why.
    expect(page).to_have_url(re.compile(r"/login\?next=/interviews/" + re.escape(session_id) + "$"))
    expect(page.locator("#flashes")).to_contain_text("Your session expired")
    log_in(page, lands_on=rf"/interviews/{re.escape(session_id)}$")

    notes = page.get_by_role("textbox", name="Add a note")
    expect(notes).to_be_visible()
    expect(notes).to_have_value(typed)
    expect(page.locator(".draft-note")).to_contain_text("Restored your unsaved draft")
    expect(page.get_by_role("button", name="Discard draft")).to_be_visible()
    assert len(drafts(page)) == 1

    page.get_by_role("button", name="Add note").click()

    expect(page.locator("#interview-notes .note").last).to_contain_text("follow up on the caching answer")
    assert drafts(page) == []  # saved: the draft is gone
    page.reload()
    expect(page.locator(".draft-note")).to_have_count(0)
    with make_engine(demo_database_url).connect() as connection:
        saved = connection.execute(
            text("SELECT interviewer_notes FROM interview_interviewsession WHERE session_id = :s"), {"s": session_id}
        ).scalar_one()
    assert "follow up on the caching answer" in saved
    assert script_errors(page) == []


def test_a_restored_draft_can_be_discarded_and_logging_out_forgets_drafts(page: Page, notes_interview):
    session_id = notes_interview.session_id
    page.goto("/login")
    log_in(page)
    notes = open_notes(page, session_id)
    saved = notes.input_value()
    notes.fill(saved + " and a thought not saved yet")
    (key,) = drafts(page)
    user_id = page.evaluate("document.querySelector('[data-drafts-owner]').dataset.draftsOwner")
    assert key == f"jobhive.draft.{user_id}:interview-notes:{session_id}"  # per user and interview

    page.reload()
    page.get_by_role("button", name="Discard draft").click()

    expect(page.get_by_role("textbox", name="Add a note")).to_have_value(saved)
    expect(page.locator(".draft-note")).to_have_count(0)
    assert drafts(page) == []

    page.get_by_role("textbox", name="Add a note").fill("typed, then logged out on purpose")
    assert len(drafts(page)) == 1
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    assert drafts(page) == []


# --- what-if sliders --------------------------------------------------------------------------------


@pytest.fixture
def ranked_job_id(demo_database_url) -> int:
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        job_id = connection.execute(
            text(
                """
                SELECT r.job_id FROM interview_candidateranking r JOIN company_job j ON j.id = r.job_id
                JOIN company_company c ON c.id = j.company_id JOIN users_user u ON u.id = c.user_id
                WHERE u.email = :email GROUP BY r.job_id ORDER BY count(*) DESC, r.job_id LIMIT 1
                """
            ),
            {"email": EMPLOYER},
        ).scalar_one()
    engine.dispose()
    return job_id


def wait_until_held(page: Page, held: list, count: int, seconds: float = 10) -> None:
    """Let the page run until `count` requests are held (a busy machine sends them later than an idle one)."""
    deadline = time.monotonic() + seconds
    while len(held) < count and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def test_a_what_if_slider_shows_its_value_before_the_server_answers(page: Page, ranked_job_id):
    page.goto("/login")
    log_in(page)
    page.goto(f"/jobs/{ranked_job_id}/rankings")
    held: list[Route] = []

    def hold(route: Route) -> None:  # the answer waits until the test lets it go
        held.append(route)

    page.route(re.compile(r"/rankings\?.*w_"), hold)
    slider, shown = page.locator("#w-technical"), page.locator("#w-technical-out")
    before = float(slider.input_value())
    key = "ArrowLeft" if before >= 0.5 else "ArrowRight"

    slider.focus()
    page.keyboard.press(key)
    moved = f"{float(slider.input_value()):.2f}"
    assert moved != f"{before:.2f}"

    expect(shown).to_have_text(moved)  # at once, while the ranking is still being computed
    wait_until_held(page, held, 1)  # htmx sends the request after its 150 ms delay...
    page.wait_for_timeout(200)
    assert len(held) == 1  # ...once
    expect(page.locator("#whatif-note")).to_have_count(0)  # ...and no answer has come back
    expect(shown).to_have_text(moved)

    # Moved on before that answer came: the late answer's copy of the numbers does not win.
    page.keyboard.press(key)
    further = f"{float(slider.input_value()):.2f}"
    expect(shown).to_have_text(further)
    held.pop().continue_()
    expect(page.locator("#whatif-note")).to_contain_text("What-if preview, not saved")
    expect(shown).to_have_text(further)  # the first answer is on screen; the number says where the slider is
    wait_until_held(page, held, 1)
    assert len(held) == 1  # the newer request went out after the first answer (hx-sync queue last)
    expect(shown).to_have_text(further)
    held.pop().continue_()
    expect(page.locator("#ranking-rows")).not_to_have_class(re.compile("htmx-request"))
    expect(shown).to_have_text(further)


# --- a button htmx disabled for the request --------------------------------------------------------


def test_a_failed_upload_gives_the_button_back_and_uploads_get_more_time(page: Page):
    page.goto("/login")
    page.get_by_label("Email").fill("candidate@jobhive.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.goto("/resume")
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route("**/resume/upload", hold)
    page.evaluate("document.addEventListener('htmx:configRequest', e => { window.__timeout = e.detail.timeout })")
    upload = page.get_by_role("button", name="Upload resume")
    page.get_by_label("Resume file").set_input_files(
        files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 not really"}]
    )

    upload.click()

    expect(upload).to_be_disabled()  # while it is on its way (hx-disabled-elt)
    assert page.evaluate("window.__timeout") == 120000  # a slow line gets two minutes, not 20 s
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    held.pop().fulfill(status=500, content_type="text/html; charset=utf-8", body=ERROR_FRAGMENT)

    expect_failure_said(page, "500", "Could not save.", "Nothing was saved.")
    expect(upload).to_be_enabled()
    expect(page.locator("#resume-upload-loading")).to_have_css("opacity", "0")  # no endless "Uploading…"
