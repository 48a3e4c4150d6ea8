"""Keyboard only: a person who never touches the mouse logs in, goes from jobs to a job to its rankings to the
comparison, and saves interview notes. Only Tab, Shift+Tab, Enter and Space move and act (and typing into fields);
after every key the focused element is visible and shows the app's focus ring, and after every htmx swap focus is
still where the person was, not back at the top of the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from webapp.db import make_engine

DEMO_PASSWORD = "jobhive-demo-pass"

# What the focused element looks like: its tag, accessible-ish name, whether it can be seen, and its focus ring
# measured against the app's own `:focus-visible` rule (read from the stylesheet, so a new ring colour still passes).
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const name = (el.getAttribute('aria-label') || el.textContent || el.value || el.getAttribute('name') || '').trim();
  // A visually hidden control (a segmented radio) shows its ring on its label.
  const box = el.getBoundingClientRect();
  const shown = box.width > 2 && box.height > 2 ? el : (el.labels && el.labels[0]) || el;
  const style = getComputedStyle(shown);
  const rect = shown.getBoundingClientRect();
  let ring = null;
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if ((rule.selectorText || '').split(',').some((s) => s.trim() === ':focus-visible')) ring = /([\\d.]+)px/.exec(rule.style.cssText)?.[1];
    }
  }
  // Not hidden behind something sticky (WCAG 2.2 "focus not obscured"): what is drawn in the middle of one of
  // its boxes (a link wrapped over two lines has two) is itself, inside the window (a tall text box is scrolled
  // into view only in part).
  let top = null, covered = 'off screen';
  for (const part of shown.getClientRects()) {
    const l = Math.max(part.left, 0), r = Math.min(part.right, innerWidth), t = Math.max(part.top, 0), b = Math.min(part.bottom, innerHeight);
    if (l >= r || t >= b) continue;
    top = document.elementFromPoint((l + r) / 2, (t + b) / 2);
    covered = shown.contains(top) || el.contains(top) ? '' : top.outerHTML.slice(0, 80);
    if (!covered) break;
  }
  return {
    tag: el.tagName.toLowerCase(), id: el.id,
    covered: covered, name: name.replace(/\\s+/g, ' ').slice(0, 80),
    visible: shown.checkVisibility({opacityProperty: true, visibilityProperty: true})
             && rect.width > 2 && rect.height > 2 && rect.right > 0 && rect.bottom > 0
             && rect.left < innerWidth + scrollX + 1e4,
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor, boxShadow: style.boxShadow, appRing: parseFloat(ring) || 0,
  };
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUS_STATE)


def assert_visible_focus(page: Page) -> dict:
    """The focused element can be seen and wears a focus ring as strong as the app's."""
    state = focused(page)
    assert state is not None, "focus fell back to the page itself"
    assert state["visible"], f"focus is on an element nobody can see: {state}"
    assert not state["covered"], f"the focused element is covered: {state}"
    ring = state["outlineStyle"] != "none" and state["outlineWidth"] >= min(2, state["appRing"] or 2) \
        and not state["outlineColor"].endswith(", 0)") and state["outlineColor"] != "transparent"
    assert ring or state["boxShadow"] != "none", f"no visible focus indicator: {state}"
    return state


def press(page: Page, key: str) -> dict:
    page.keyboard.press(key)
    return assert_visible_focus(page)


def tab_to(page: Page, selector: str, *, name: str | None = None, back: bool = False, limit: int = 120) -> int:
    """Tab (or Shift+Tab) until the focused element matches `selector` (and starts with `name`); every stop on the
    way shows its focus. Returns the number of key presses."""
    for presses in range(1, limit + 1):
        state = press(page, "Shift+Tab" if back else "Tab")
        if is_focused(page, selector) and (name is None or state["name"].startswith(name)):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} key presses; focus is on {focused(page)}")


def is_focused(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def wait_for_focus(page: Page, selector: str) -> None:
    expect(page.locator(selector)).to_be_focused()
    assert_visible_focus(page)


def log_in_by_keyboard(page: Page, email: str = "employer@jobhive.test") -> None:
    page.goto("/login")
    wait_for_focus(page, "#email")  # the email field has autofocus
    page.keyboard.type(email)
    press(page, "Tab")
    assert is_focused(page, "#password")
    page.keyboard.type(DEMO_PASSWORD)
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def announced(page: Page):
    return expect(page.locator("#swap-announcer"))


@pytest.fixture
def ranked_job(demo_database_url):
    """The demo employer's job with the most ranked candidates, and its active flag put back after."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        job = connection.execute(text(
            """SELECT j.id, j.title, j.is_active, count(*) AS ranked
               FROM company_job j JOIN company_company c ON c.id = j.company_id
               JOIN users_user u ON u.id = c.user_id JOIN interview_candidateranking r ON r.job_id = j.id
               WHERE u.email = 'employer@jobhive.test'
               GROUP BY j.id ORDER BY count(*) DESC, j.id LIMIT 1""")).one()
    yield job
    with engine.begin() as connection:
        connection.execute(text("UPDATE company_job SET is_active = :a WHERE id = :id"), {"a": job.is_active, "id": job.id})
    engine.dispose()


@pytest.fixture
def notes_interview(demo_database_url):
    """A completed Acme interview (without notes, so typing starts in an empty box); its notes and flag put back after."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        row = connection.execute(text(
            """SELECT i.id, i.session_id, i.interviewer_notes, i.technical_difficulty_reported,
                      (SELECT coalesce(max(n.id), 0) FROM interview_note n) AS last_note
               FROM interview_interviewsession i JOIN company_job j ON j.id = i.job_id
               JOIN company_company c ON c.id = j.company_id JOIN users_user u ON u.id = c.user_id
               WHERE u.email = 'employer@jobhive.test' AND i.status = 'completed' AND NOT i.is_practice
               ORDER BY i.interviewer_notes IS NULL DESC, i.id LIMIT 1""")).one()
    yield row
    with engine.begin() as connection:
        connection.execute(text("UPDATE interview_interviewsession SET interviewer_notes = :n,"
                                " technical_difficulty_reported = :t WHERE id = :id"),
                           {"n": row.interviewer_notes, "t": row.technical_difficulty_reported, "id": row.id})
        connection.execute(text("DELETE FROM interview_note WHERE interview_session_id = :id AND id > :last"),
                           {"id": row.id, "last": row.last_note})
    engine.dispose()


def test_login_by_keyboard_and_the_skip_link_jumps_over_the_navigation(page: Page):
    page.goto("/login")
    wait_for_focus(page, "#email")
    skip = press(page, "Shift+Tab")
    assert skip["name"] == "Skip to content"
    press(page, "Tab")
    assert is_focused(page, "#email")

    log_in_by_keyboard(page)

    # On a page with the navigation: the first Tab is the skip link, Enter jumps past the top bar.
    assert press(page, "Tab")["name"] == "Skip to content"
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    press(page, "Tab")
    assert page.evaluate("document.querySelector('#main').contains(document.activeElement)")
    assert page.console_errors == []


def test_jobs_to_job_to_rankings_to_compare_by_keyboard(page: Page, ranked_job):
    log_in_by_keyboard(page)
    tab_to(page, ".mainnav a[href$='/jobs']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/jobs$"))

    # Search for the job by typing: focus stays in the box while the rows are redrawn, and the result is said.
    tab_to(page, "#job-q")
    page.keyboard.type(ranked_job.title)
    expect(page.locator("#job-rows tbody tr").first).to_contain_text(ranked_job.title)
    assert_visible_focus(page)
    assert is_focused(page, "#job-q")
    announced(page).to_contain_text(re.compile(r"Showing 1–\d+ of \d+ job"))

    # Sort by title with Enter: the header link keeps focus across the swap.
    tab_to(page, "#job-rows th a.sort-link", name="Title")
    page.keyboard.press("Enter")
    expect(page.locator("#job-rows th[aria-sort]")).to_contain_text("Title")
    wait_for_focus(page, "#job-rows th[aria-sort] a.sort-link")
    announced(page).to_contain_text("Sorted by Title")

    # The inline switch: Space toggles it and focus stays on the same job's switch, twice (back as it was).
    switch = f"#job-toggle-{ranked_job.id} button[role=switch]"
    tab_to(page, switch)
    before = page.locator(switch).get_attribute("aria-checked")
    for expected in ("false" if before == "true" else "true", before):
        page.keyboard.press("Space")
        expect(page.locator(switch)).to_have_attribute("aria-checked", expected)
        wait_for_focus(page, switch)

    # Back to the job's title link (Shift+Tab), Enter opens the job; its switch keeps focus as well.
    tab_to(page, f"#job-row-{ranked_job.id} th a", back=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(ranked_job.title)
    tab_to(page, switch)
    for expected in ("false" if before == "true" else "true", before):
        page.keyboard.press("Space")
        expect(page.locator(switch)).to_have_attribute("aria-checked", expected)
        wait_for_focus(page, switch)

    tab_to(page, "a[href$='/rankings']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/jobs/{ranked_job.id}/rankings$"))

    # Tick the first two candidates with Space; the bar after the table counts them aloud.
    tab_to(page, "#ranking-rows input[type=checkbox][name=c]")
    page.keyboard.press("Space")
    expect(page.locator("#compare-count")).to_have_text("1 candidate selected: tick 1 to 3 more to compare.")
    tab_to(page, "#ranking-rows input[type=checkbox][name=c]:not(:checked)")
    page.keyboard.press("Space")
    expect(page.locator("#compare-count")).to_have_text("2 candidates selected.")
    expect(page.locator("#compare-count")).to_have_attribute("aria-live", "polite")

    # From the last checkbox of the page, "Compare selected" is the very next Tab.
    tab_to(page, "#ranking-rows tbody tr:nth-last-child(2) input[type=checkbox][name=c]")
    assert tab_to(page, "button", name="Compare selected", limit=1) == 1
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/jobs/{ranked_job.id}/rankings/compare\?c=\d+&c=\d+$"))
    expect(page.locator("table.compare-table thead th[scope=col]")).to_have_count(2)
    assert page.console_errors == []


def test_interview_notes_typed_and_saved_by_keyboard_keep_focus_by_the_notes(page: Page, notes_interview):
    log_in_by_keyboard(page)
    page.goto(f"/interviews/{notes_interview.session_id}")

    # From the top, through every stop on the page (charts and the scorecard included), to the new note's box.
    tab_to(page, "#note-add textarea", limit=250)
    page.keyboard.type("Typed without a mouse.\nStrong on kinematics.")
    tab_to(page, "#note-add button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator("#interview-notes .note").last.locator(".notes-text")).to_have_text(
        "Typed without a mouse.\nStrong on kinematics.")
    # The thread is redrawn with the note: focus stays on "Add note", not the top of the page.
    wait_for_focus(page, "#note-add button[type=submit]")
    announced(page).to_have_text("Note added.")
    # And the next Tab goes on from there, not from the top of the page.
    press(page, "Shift+Tab")
    assert page.evaluate("document.activeElement.getBoundingClientRect().top > 0 || scrollY > 200")
    assert page.console_errors == []


def test_paging_keeps_focus_on_the_pager_and_says_which_rows_show(page: Page):
    log_in_by_keyboard(page)
    tab_to(page, ".mainnav a[href$='/interviews']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/interviews$"))

    tab_to(page, "#interview-rows a[rel=next]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"page=2"))
    # "Next" again, or on the last page (no "Next") the pager link in its place: never the top of the page.
    wait_for_focus(page, "#interview-rows .pager a")
    announced(page).to_contain_text("Showing 26–")

    # Back to page 1, which has no "Previous": focus goes to the control in its place ("Next").
    if not is_focused(page, "#interview-rows a[rel=prev]"):
        tab_to(page, "#interview-rows a[rel=prev]", back=True)
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile(r"page=2"))
    wait_for_focus(page, "#interview-rows a[rel=next]")
    announced(page).to_contain_text("Showing 1–25 of")
    assert page.console_errors == []


def test_the_what_if_slider_keeps_focus_and_the_preview_is_said(page: Page, ranked_job):
    log_in_by_keyboard(page)
    page.goto(f"/jobs/{ranked_job.id}/rankings")
    tab_to(page, "#w-technical")
    page.keyboard.press("Home")  # a range input moves with the arrow keys, Home and End
    expect(page.locator("#whatif-note")).to_be_visible()
    wait_for_focus(page, "#w-technical")
    announced(page).to_contain_text("What-if preview, not saved")
    assert page.console_errors == []


def test_the_difficulty_flag_by_keyboard_keeps_focus_and_says_its_new_state(page: Page, notes_interview):
    log_in_by_keyboard(page)
    page.goto(f"/interviews/{notes_interview.session_id}")
    tab_to(page, "#difficulty-button")
    flagged = notes_interview.technical_difficulty_reported
    for now in (not flagged, flagged):
        page.keyboard.press("Space")
        expect(page.locator("#difficulty-button")).to_have_attribute("aria-pressed", "true" if now else "false")
        wait_for_focus(page, "#difficulty-button")
        announced(page).to_have_text("Technical difficulty reported" if now else "No technical difficulty reported")
    assert page.console_errors == []


@pytest.fixture
def plan_order(demo_database_url):
    """The plans' order and active flags, put back after."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        order = connection.execute(text("SELECT id, sort_order, is_active FROM billing_subscriptionplan")).all()
    yield order
    with engine.begin() as connection:
        for plan_id, sort_order, is_active in order:
            connection.execute(text("UPDATE billing_subscriptionplan SET sort_order = :s, is_active = :a WHERE id = :id"),
                               {"s": sort_order, "a": is_active, "id": plan_id})
    engine.dispose()


def test_moving_or_switching_a_plan_keeps_focus_on_that_plans_buttons(page: Page, plan_order):
    log_in_by_keyboard(page, "admin@jobhive.test")
    page.goto("/admin/plans")
    first = page.locator("#plan-rows tbody tr").first
    name = first.locator("th[scope=row]").evaluate("(th) => th.firstChild.textContent.trim()")
    row_id = first.get_attribute("id")
    down, up = f"button[aria-label='Move {name} down']", f"button[aria-label='Move {name} up']"

    tab_to(page, down)
    page.keyboard.press("Enter")
    expect(page.locator("#plan-rows tbody tr").nth(1)).to_contain_text(name)
    wait_for_focus(page, down)  # the same plan's button, now one row lower
    announced(page).to_have_text(f"Moved “{name}” down.")

    # Back up to first place: its "up" button is disabled there, so focus goes to its neighbour, "down".
    tab_to(page, up, back=True)
    page.keyboard.press("Enter")
    expect(page.locator("#plan-rows tbody tr").first).to_contain_text(name)
    wait_for_focus(page, down)
    announced(page).to_have_text(f"Moved “{name}” up.")

    # Its switch, twice (back as it was): focus stays on it although its words change.
    switch = f"#{row_id} button[role=switch]"
    tab_to(page, switch)
    before = page.locator(switch).get_attribute("aria-checked")
    for expected in ("false" if before == "true" else "true", before):
        page.keyboard.press("Space")
        expect(page.locator(switch)).to_have_attribute("aria-checked", expected)
        wait_for_focus(page, switch)
    assert page.console_errors == []


@pytest.fixture
def company_name(demo_database_url):
    """Acme's name, put back after."""
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        company_id, name = connection.execute(text(
            """SELECT c.id, c.company_name FROM company_company c JOIN users_user u ON u.id = c.user_id
               WHERE u.email = 'employer@jobhive.test'""")).one()
    yield name
    with engine.begin() as connection:
        connection.execute(text("UPDATE company_company SET company_name = :n WHERE id = :id"), {"n": name, "id": company_id})
    engine.dispose()


def test_a_form_answered_with_problems_takes_focus_to_the_field_then_saves_in_place(page: Page, company_name):
    log_in_by_keyboard(page)
    page.goto("/company")
    tab_to(page, "#company_name")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    tab_to(page, "#company-profile button[type=submit]")
    page.keyboard.press("Enter")

    # The problem, not the top of the page: the field to fix, described by its message.
    wait_for_focus(page, "#company_name[aria-invalid=true]")
    expect(page.locator("#company-profile [role=alert]")).to_contain_text("Nothing was saved")
    page.keyboard.type(company_name)

    tab_to(page, "#company-profile button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#company-title")).to_have_text(company_name)
    wait_for_focus(page, "#company-profile button[type=submit]")  # the new form's button, where the person was
    announced(page).to_have_text("Company profile saved.")
    assert [e for e in page.console_errors if "status of 422" not in e] == []  # the browser logs the 422 answer
