"""The demo employer overrides the AI's ranking with a reason in a real browser: pins a candidate to the
top, excludes another, and gives both back to the AI's order (the demo data is left as it was)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from tests.browser.logins import log_in
from tests.browser.test_every_page_accessible import (
    AXE_RUN,
    FAILING_IMPACTS,
    axe_script,
    describe,
)
from tests.browser.test_rankings import ranked_job  # noqa: F401 (fixture)
from webapp.db import make_engine


def names(page: Page, rows: str = "tr[id^=ranking-row-]") -> list[str]:
    """The candidates' names in the table's order (each row's first link)."""
    return [name.strip() for name in page.locator(f"#ranking-rows tbody {rows} th a:first-child").all_inner_texts()]


def ai_order(page: Page) -> list[str]:
    """The names in the AI's order (the demo data may pin some people already)."""
    return names(page, "tr[id^=ranking-row-]:not(.ranking-pinned)")


def row_of(page: Page, name: str):
    return page.locator("#ranking-rows tbody tr[id^=ranking-row-]").filter(
        has=page.get_by_role("link", name=name, exact=True))


REASONS = ("Strong referral from the platform team", "Accepted another offer")


@pytest.fixture
def leaves_no_override(demo_database_url, ranked_job):
    """The demo data as it was, even when the test fails half-way (other tests read this ranking)."""
    yield
    engine = make_engine(demo_database_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM rankings_override WHERE job_id = :job AND reason = ANY(:reasons)"),
                           {"job": ranked_job[0], "reasons": list(REASONS)})
    engine.dispose()


def serious_violations(page: Page) -> list[str]:
    return [describe(v) for v in page.evaluate(AXE_RUN)["violations"] if v["impact"] in FAILING_IMPACTS]


def test_pin_and_exclude_with_a_reason_then_give_back(browser: Browser, live_server: str, page: Page, ranked_job,
                                                      leaves_no_override):
    job_id, _ = ranked_job
    page.context.add_init_script(script=axe_script())
    log_in(page, "employer@jobhive.test")
    page.goto(f"/jobs/{job_id}/rankings")
    order = names(page)
    third, first = ai_order(page)[2], ai_order(page)[0]
    third_rank = row_of(page, third).locator("td").first.inner_text().strip()

    # Pin the third: without a reason the form says what is missing, and nothing changes
    row_of(page, third).get_by_role("link", name=re.compile(r"^Pin or exclude")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pin or exclude {third}")
    assert serious_violations(page) == []
    page.get_by_label("Pin to the top", exact=False).check()
    page.get_by_role("button", name="Save the override").click()
    expect(page.locator("#reason-error")).to_have_text(re.compile("Enter the reason for this override"))
    expect(page.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
    page.console_errors.clear()  # the browser logs the 422 meant here
    page.get_by_label("Reason").fill("Strong referral from the platform team")
    page.get_by_role("button", name="Save the override").click()

    expect(page.locator("#flashes")).to_contain_text(f"{third} is pinned to the top")
    expect(page.get_by_role("rowheader", name=re.compile(r"^Pinned by people \(\d+\)"))).to_be_visible()
    assert third in names(page, "tr.ranking-pinned") and third not in ai_order(page)
    pinned = row_of(page, third)
    expect(pinned).to_contain_text("Strong referral from the platform team")
    expect(pinned.locator("td").first).to_have_text(f"AI {third_rank}")  # the AI's rank, kept
    assert serious_violations(page) == []

    # Exclude the first, by keyboard this time
    row_of(page, first).get_by_role("link", name=re.compile(r"^Pin or exclude")).focus()
    page.keyboard.press("Enter")
    page.get_by_label("Exclude from the ranking", exact=False).check()
    page.get_by_label("Reason").fill("Accepted another offer")
    page.get_by_label("Reason").press("Tab")
    page.keyboard.press("Enter")  # the focused "Save the override"
    expect(page.locator("#flashes")).to_contain_text(f"{first} is excluded from the ranking")
    assert first not in names(page)
    excluded = page.locator("#ranking-excluded")
    expect(excluded.locator("summary")).to_have_text(re.compile(r"^Excluded by people \(\d+\)$"))
    excluded.locator("summary").click()
    expect(excluded).to_contain_text("Accepted another offer")

    # Put the first back (asking first), then remove the pin
    excluded.locator("tr").filter(has_text=first).get_by_role("link", name=re.compile(r"^Put back")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Remove the exclusion of {first}?")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Remove the exclusion").click()
    expect(page.locator("#flashes")).to_contain_text(f"{first} is back in the AI's order")
    row_of(page, third).get_by_role("link", name=re.compile(r"^Remove the pin")).click()
    page.get_by_role("button", name="Remove the pin").click()
    expect(page.locator("#flashes")).to_contain_text(f"{third} is back in the AI's order")
    assert names(page) == order
    assert page.console_errors == []
