"""A slow answer never replaces a newer one, and a change made as an answer lands is never lost (real Chromium).

The first htmx request is held back on purpose (Playwright answers it only after the newer
one has been answered and drawn), as a busy server or network would.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Error, Page, Route, expect

from tests.browser.test_rankings import ranked_job  # noqa: F401  (a fixture)

DEMO_PASSWORD = "jobhive-demo-pass"


class HeldAnswer:
    """Holds back the first htmx request to URLs matching `pattern` until `release()`."""

    def __init__(self, page: Page, pattern: re.Pattern) -> None:
        self.page = page
        self.route: Route | None = None
        page.route(pattern, self._handle)

    def _handle(self, route: Route) -> None:
        if self.route is None and route.request.headers.get("hx-request") == "true":
            self.route = route  # answered in release()
        else:
            route.continue_()

    def wait_until_held(self) -> None:
        for _ in range(200):
            if self.route is not None:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError("the first htmx request never left the page")

    def release(self) -> None:
        """Answer the held request now and let the page handle the late answer (if it still waits for it)."""
        assert self.route is not None
        try:
            answer = self.route.fetch()
            with self.page.expect_event("requestfinished", lambda r: r is self.route.request, timeout=10_000):
                self.route.fulfill(response=answer)
        except Error:
            return  # the page gave up on it (hx-sync aborted it): nothing can come back
        self.page.evaluate("() => new Promise(done => setTimeout(done, 200))")  # swap and settle, if any


def log_in_as_employer(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("employer@jobhive.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def open_analytics(page: Page) -> None:
    log_in_as_employer(page)
    page.goto("/analytics")
    expect(page.locator("#analytics-range")).to_contain_text("(30 days)")


def test_analytics_a_late_sort_answer_does_not_replace_the_range_chosen_after_it(page: Page):
    open_analytics(page)
    sorted_by = page.locator("table.analytics-jobs th[aria-sort]")
    default_order = sorted_by.get_attribute("aria-sort")  # the late click would reverse it
    held = HeldAnswer(page, re.compile(r"/analytics\?"))

    page.locator("table.analytics-jobs thead").get_by_role("link", name=re.compile(r"^Interviews")).click()
    held.wait_until_held()
    page.get_by_text("7 days", exact=True).click()  # the newer choice, answered at once
    expect(page.locator("#analytics-range")).to_contain_text("(7 days)")

    held.release()
    expect(page).to_have_url(re.compile(r"/analytics\?range=7$"))
    expect(page.locator("#analytics-range")).to_contain_text("(7 days)")
    expect(page.locator("#range-7")).to_be_checked()
    expect(sorted_by).to_have_attribute("aria-sort", default_order)  # the late sort never landed
    # htmx reports the request it aborted (hx-sync replace) on the console; nothing else may be there.
    assert [e for e in page.htmx_aborts if e.startswith("htmx:sendAbort")] != []
    assert page.console_errors == []


def test_analytics_a_late_date_answer_does_not_replace_the_date_typed_after_it(page: Page):
    open_analytics(page)
    held = HeldAnswer(page, re.compile(r"/analytics\?"))
    today = datetime.now(UTC).date()

    page.get_by_label("From").fill((today - timedelta(days=20)).isoformat())
    held.wait_until_held()
    latest = (today - timedelta(days=13)).isoformat()
    page.get_by_label("From").fill(latest)
    expect(page.locator("#analytics-range")).to_contain_text("(14 days)")

    held.release()
    expect(page).to_have_url(re.compile(rf"/analytics\?range=custom&from={latest}&to=[\d-]+$"))
    expect(page.locator("#analytics-range")).to_contain_text("(14 days)")
    expect(page.get_by_label("From")).to_have_value(latest)


def test_analytics_a_date_typed_as_the_previous_answer_lands_is_answered(page: Page):
    open_analytics(page)
    page.get_by_label("From").fill("2030-01-01")  # after the end date: answered with 422 and the reason
    expect(page.get_by_role("alert")).to_contain_text("The end date is before the start date")
    latest = (datetime.now(UTC).date() - timedelta(days=13)).isoformat()
    # The next date is typed the moment the previous answer is on the page (just after htmx swapped it in).
    page.evaluate(
        """latest => document.body.addEventListener("htmx:afterSwap", () => setTimeout(() => {
               const from = document.getElementById("analytics-from");
               from.value = latest;
               from.dispatchEvent(new Event("input", {bubbles: true}));
               from.dispatchEvent(new Event("change", {bubbles: true}));
           }, 0), {once: true})""",
        latest,
    )
    page.get_by_text("7 days", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/analytics\?range=custom&from={latest}&to=[\d-]+$"))
    expect(page.locator("#analytics-range")).to_contain_text("(14 days)")
    assert [e for e in page.console_errors if "status of 422" not in e] == []


def test_jobs_search_shows_the_answer_to_the_latest_words_typed(page: Page):
    log_in_as_employer(page)
    page.goto("/jobs")
    rows = page.locator("#job-rows tbody tr")
    expect(rows).to_have_count(6)
    held = HeldAnswer(page, re.compile(r"/jobs\?"))
    search = page.get_by_role("searchbox", name="Search by title")

    search.fill("engineer")
    held.wait_until_held()
    search.fill("vision")
    expect(rows).to_have_count(1)

    held.release()
    expect(page).to_have_url(re.compile(r"/jobs\?q=vision$"))
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link")).to_have_text("Computer Vision Engineer")


def test_rankings_a_late_slider_answer_does_not_undo_the_score_filter_typed_after_it(page: Page, ranked_job):
    job_id, _ = ranked_job
    log_in_as_employer(page)
    page.goto(f"/jobs/{job_id}/rankings")
    rows = page.locator("#ranking-rows tbody tr")
    expect(rows.first).to_be_visible()
    everyone = rows.count()
    held = HeldAnswer(page, re.compile(rf"/jobs/{job_id}/rankings\?"))

    page.locator("#w-technical").focus()
    page.keyboard.press("End")  # a what-if preview, held back
    held.wait_until_held()
    page.get_by_label("Minimum overall score").fill("100")  # nobody scores 100: the newer answer is empty
    expect(page).to_have_url(re.compile(r"[?&]min=100(&|$)"))
    expect(page.locator("#ranking-rows")).to_contain_text(re.compile(r"No (other )?candidate scores 100 or more"))  # pins stay
    expect(rows).not_to_have_count(everyone)

    held.release()
    expect(page).to_have_url(re.compile(r"[?&]min=100(&|$)"))
    expect(page.locator("#ranking-rows")).to_contain_text(re.compile(r"No (other )?candidate scores 100 or more"))  # pins stay
    expect(page.locator("#w-technical-out")).to_have_text("1.00")  # the slider's position is kept


def test_jobs_a_late_sort_answer_does_not_replace_the_search_typed_after_it(page: Page):
    log_in_as_employer(page)
    page.goto("/jobs")
    rows = page.locator("#job-rows tbody tr")
    expect(rows).to_have_count(6)
    held = HeldAnswer(page, re.compile(r"/jobs\?"))

    page.locator("#job-rows thead").get_by_role("link", name=re.compile(r"^Title")).click()  # held back
    held.wait_until_held()
    page.get_by_role("searchbox", name="Search by title").fill("vision")
    expect(rows).to_have_count(1)

    held.release()
    expect(page).to_have_url(re.compile(r"/jobs\?q=vision"))
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link")).to_have_text("Computer Vision Engineer")
