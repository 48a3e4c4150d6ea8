"""The sentiment timeline in Chromium: the smoothed tone by default, raw scores on demand, flag groups by keyboard."""

from __future__ import annotations

import os

from playwright.sync_api import Page, expect

from tests.browser.test_interview_page import demo_interview, log_in_as_employer  # noqa: F401 (fixture)


def visible_traces(page: Page) -> list[str]:
    return page.evaluate(
        "document.getElementById('sentiment-timeline').data"
        ".filter(t => t.visible === undefined || t.visible === true).map(t => t.name)"
    )


def test_the_timeline_shows_the_smoothed_tone_raw_scores_on_demand_and_flag_groups_by_keyboard(page: Page, demo_interview):  # noqa: F811
    log_in_as_employer(page)
    page.goto(f"/interviews/{demo_interview.session_id}")
    page.wait_for_function("() => document.getElementById('sentiment-timeline')?.data?.length > 0")

    shown = visible_traces(page)
    assert shown[0] == "Overall tone (smoothed)" and "Positive" not in shown and "Negative" not in shown
    assert page.locator("#sentiment-timeline .scatterlayer .trace").count() > 0

    raw = page.get_by_role("button", name="Show raw scores")
    expect(raw).to_have_attribute("aria-pressed", "false")
    raw.focus()
    page.keyboard.press("Enter")
    expect(raw).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        "() => document.getElementById('sentiment-timeline').data.filter(t => t.meta === 'raw')"
        ".every(t => t.visible === true)"
    )
    assert {"Positive", "Negative", "Neutral", "Mixed", "Confidence"} <= set(visible_traces(page))
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.getElementById('sentiment-timeline').data.filter(t => t.meta === 'raw')"
        ".every(t => t.visible === 'legendonly')"
    )

    # Tab from the raw-scores button reaches the first flag group (the chart itself holds no tab stop of ours).
    groups = page.locator("button.flag-group")
    assert groups.count() >= 1
    raw.focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('flag-group')"):
            break
    focused = page.evaluate("document.activeElement.dataset.flagIndex")
    assert focused == "0", "the flag groups are not reachable with Tab"
    page.keyboard.press("Enter")
    expect(groups.first).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#sentiment-timeline-announce")).to_contain_text("highlighted on the chart")
    assert page.evaluate(
        "document.getElementById('sentiment-timeline').layout.shapes.some(s => s.name === 'flag-highlight')"
    )
    expect(page.locator("#sentiment-timeline .hoverlayer .hovertext")).to_have_count(1)
    # the next group moves the highlight; pressing it again removes it
    if groups.count() > 1:
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(groups.nth(1)).to_have_attribute("aria-pressed", "true")
        expect(groups.first).to_have_attribute("aria-pressed", "false")
        page.keyboard.press("Enter")
        expect(groups.nth(1)).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#sentiment-timeline-announce")).to_have_text("Highlight removed.")
        assert not page.evaluate(
            "document.getElementById('sentiment-timeline').layout.shapes.some(s => s.name === 'flag-highlight')"
        )

    if os.environ.get("CHARTS_SCREENSHOT"):
        page.locator("#sentiment-timeline").scroll_into_view_if_needed()
        page.screenshot(path=os.environ["CHARTS_SCREENSHOT"], full_page=True)
