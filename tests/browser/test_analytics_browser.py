"""The demo employer reads their hiring performance on /analytics in real Chromium (demo data: Acme Robotics)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "jobhive-demo-pass"
CHARTS = ("chart-status", "chart-scores", "chart-durations", "chart-score-focus")


def test_employer_switches_a_preset_and_sees_kpis_and_charts(page: Page):
    page.goto("/login")
    page.get_by_label("Email").fill("employer@jobhive.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Analytics").click()
    expect(page).to_have_url(re.compile(r"/analytics$"))
    expect(page.get_by_role("heading", name="Analytics", level=1)).to_be_visible()
    expect(page.locator("#analytics-range")).to_contain_text("(30 days)")
    # Plotly drew every chart (an SVG inside each chart container); plotly.js may take a while to load.
    for chart in CHARTS:
        expect(page.locator(f"[id^='{chart}-'] .main-svg").first).to_be_attached(timeout=30_000)

    page.get_by_text("7 days", exact=True).click()

    expect(page).to_have_url(re.compile(r"/analytics\?range=7$"))
    expect(page.locator("#analytics-range")).to_contain_text("(7 days)")
    expect(page.locator("#range-7")).to_be_checked()
    interviews = page.locator(".kpi-total .stat-value")
    expect(interviews).to_have_text(re.compile(r"^\d[\d,]*$"))
    assert int(interviews.inner_text().replace(",", "")) > 0
    expect(page.locator(".kpi-total .kpi-change")).to_contain_text("vs previous 7 days")
    for chart in CHARTS:
        # Drawn again after the swap, styled by Plotly (its class survived htmx's settle step).
        expect(page.locator(f"[id^='{chart}-'].js-plotly-plot .main-svg").first).to_be_attached()
    expect(page.locator("[id^='chart-status-'] .barlayer .point").first).to_be_attached()
    expect(page.locator("table.analytics-jobs tbody tr").first).to_be_visible()

    page.get_by_label("Group by").select_option("week")
    expect(page).to_have_url(re.compile(r"/analytics\?range=7&granularity=week$"))
    expect(page.get_by_role("heading", name="Interviews per week")).to_be_visible()
    expect(page.locator("[id^='chart-status-'].js-plotly-plot .main-svg").first).to_be_attached()
    assert page.console_errors == []

    # Editing a date makes the range custom; a reversed range is explained, and the address bar stays.
    page.get_by_label("From").fill("2030-01-01")
    expect(page.get_by_role("alert")).to_contain_text("The end date is before the start date")
    expect(page).to_have_url(re.compile(r"/analytics\?range=7&granularity=week$"))
    # as a person would: the answer is on screen (the request has settled) before the next date is typed
    expect(page.locator("#analytics-content")).not_to_have_class(re.compile(r"\bhtmx-(request|settling)\b"))
    first = (datetime.now(UTC).date() - timedelta(days=13)).isoformat()
    page.get_by_label("From").fill(first)
    # a loaded machine (two suites at once) has taken more than the default 5 s to answer and redraw here
    expect(page).to_have_url(re.compile(rf"/analytics\?range=custom&from={first}&to=[\d-]+&granularity=week$"),
                             timeout=15_000)
    expect(page.locator("#analytics-range")).to_contain_text("(14 days)")
    expect(page.locator("#range-custom")).to_be_checked()
    # Chromium logs every 4xx response it loads; the 422 is the expected answer, anything else is a defect.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
