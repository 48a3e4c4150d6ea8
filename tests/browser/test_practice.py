"""The demo candidate reads practice feedback in Chromium: trend, timeline and skill charts draw, no console errors."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "jobhive-demo-pass"


def log_in_as_candidate(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("candidate@jobhive.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def drawn_traces(page: Page, chart_id: str) -> int:
    page.wait_for_function(f"() => document.getElementById('{chart_id}')?.data?.length > 0")
    return page.evaluate(f"document.getElementById('{chart_id}').data.length")


def test_practice_charts_draw_and_sorting_swaps_the_rows(page: Page):
    log_in_as_candidate(page)
    page.get_by_role("link", name="Practice", exact=True).click()
    expect(page.get_by_role("heading", name="Your practice sessions")).to_be_visible()
    assert drawn_traces(page, "practice-trend-chart") == 3
    # the demo candidate improves over the quarter: the sparkline's technical line ends higher than it starts
    technical = page.evaluate("document.getElementById('practice-trend-chart').data[0].y")
    first, last = technical[0], technical[-1]
    assert last > first

    page.get_by_role("link", name=re.compile(r"^Technical")).click()
    expect(page.locator('#practice-rows th[aria-sort="descending"]')).to_contain_text("Technical")
    expect(page).to_have_url(re.compile(r"/practice\?sort=-technical$"))

    page.locator("#practice-rows tbody th a").first.click()
    expect(page.get_by_role("heading", name="How it went")).to_be_visible()
    assert drawn_traces(page, "practice-timeline") >= 5

    page.get_by_role("link", name="Your progress per skill").click()
    assert drawn_traces(page, "skill-progress-chart") >= 3
    assert page.console_errors == []
