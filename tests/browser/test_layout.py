"""Layout a person sees: tables scroll inside their own labelled box on a phone, the focus ring stands out,
charts add no invisible tab stops, and compared scores sit under their own candidate."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.test_interview_page import demo_interview, log_in_as_employer  # noqa: F401 (fixture)
from tests.browser.test_login_dashboard import log_in
from tests.browser.test_rankings import ranked_job  # noqa: F401 (fixture)
from webapp.db import make_engine

PHONE = {"width": 390, "height": 844}

# WCAG relative luminance and contrast of two CSS colours, computed in the page.
CONTRAST_JS = """
(pair) => {
  const rgb = (css) => { const c = document.createElement('canvas').getContext('2d'); c.fillStyle = css; c.fillRect(0, 0, 1, 1);
                         return Array.from(c.getImageData(0, 0, 1, 1).data.slice(0, 3)); };
  const lum = (css) => rgb(css).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
                                  .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [a, b] = pair.map(lum).sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def focus_ring(page: Page) -> dict:
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor}; }""")


def contrast(page: Page, first: str, second: str) -> float:
    return page.evaluate(CONTRAST_JS, [first, second])


def test_the_focus_ring_stands_out_on_fields_links_and_the_top_bar(page: Page):
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link
    while page.evaluate("document.activeElement.id") != "email":
        page.keyboard.press("Tab")
    ring = focus_ring(page)
    assert ring["style"] == "solid" and ring["width"] >= 2
    assert contrast(page, ring["color"], "#ffffff") >= 3  # the card around the field

    log_in(page, "employer@jobhive.test")
    page.locator(".mainnav a").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused from the keyboard, so :focus-visible applies
    ring = focus_ring(page)
    topbar = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert ring["style"] == "solid" and contrast(page, ring["color"], topbar) >= 3

    page.get_by_role("main").get_by_role("link").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = focus_ring(page)
    assert contrast(page, ring["color"], "#ffffff") >= 3
    assert contrast(page, ring["color"], page.evaluate("getComputedStyle(document.body).backgroundColor")) >= 3


def test_green_pills_are_readable(page: Page):
    log_in(page, "employer@jobhive.test")
    page.goto("/interviews")
    pill = page.locator(".pill.status-completed").first
    colours = pill.evaluate("el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]")
    assert contrast(page, *colours) >= 4.5


def test_rankings_on_a_phone_scroll_inside_a_labelled_box(page: Page, ranked_job):
    job_id, _ = ranked_job
    page.set_viewport_size(PHONE)
    log_in(page, "employer@jobhive.test")
    page.goto(f"/jobs/{job_id}/rankings")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator(".table-wrap", has=page.locator("table.ranking-table"))
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("aria-label", re.compile(r"\w"))
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    box.focus()
    page.keyboard.press("ArrowRight")  # a keyboard user scrolls the focused box
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=box.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    box.evaluate("el => el.blur()")
    page.set_viewport_size({"width": 1600, "height": 900})  # wide enough for the table: no extra tab stop
    expect(box).not_to_have_attribute("tabindex", "0")


def test_analytics_fits_at_1280_and_keeps_the_job_in_view_on_a_phone(page: Page):
    log_in(page, "employer@jobhive.test")
    page.goto("/analytics?range=365")
    table = page.locator("table.analytics-jobs")
    expect(table).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    box = page.locator(".table-wrap", has=table)
    assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "every column fits at 1280 px"

    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    job = table.locator("tbody th").first
    last_score = table.locator("tbody tr").first.locator("td").last
    wrap, job_box, score_box = box.bounding_box(), job.bounding_box(), last_score.bounding_box()
    assert job_box["x"] >= wrap["x"] - 1 and job_box["x"] + job_box["width"] <= score_box["x"] + 1
    assert score_box["x"] + score_box["width"] <= wrap["x"] + wrap["width"] + 1  # the last figure beside its job


def test_charts_add_no_invisible_tab_stops(page: Page, demo_interview):
    log_in_as_employer(page)
    page.goto(f"/interviews/{demo_interview.session_id}")
    page.wait_for_selector("#sentiment-timeline .main-svg")
    focusable_in_charts = page.evaluate("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .flatMap(chart => Array.from(chart.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'))
        .filter(el => el.tabIndex >= 0)).length""")
    assert focusable_in_charts == 0
    for _ in range(35):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => { const el = document.activeElement;
            return {inChart: !!el.closest('.js-plotly-plot'), visible: el.checkVisibility({opacityProperty: true, visibilityProperty: true}),
                    html: el.outerHTML.slice(0, 80)}; }""")
        assert not where["inChart"] and where["visible"], where


def test_compared_scores_sit_under_their_own_candidate(page: Page, ranked_job, demo_database_url):
    job_id, _ = ranked_job
    engine = make_engine(demo_database_url)
    with engine.connect() as connection:
        ids = connection.execute(text(
            "SELECT candidate_id FROM interview_candidateranking WHERE job_id = :j ORDER BY overall_score DESC LIMIT 3"
        ), {"j": job_id}).scalars().all()
    engine.dispose()
    log_in(page, "employer@jobhive.test")
    page.goto(f"/jobs/{job_id}/rankings/compare?" + "&".join(f"c={i}" for i in ids))
    # Where each name's text starts, and where each value's text starts, column by column.
    offsets = page.evaluate("""() => {
        const start = (cell) => { const r = document.createRange(); r.selectNodeContents(cell); return r.getClientRects()[0]?.left; };
        const table = document.querySelector('.compare-table');
        const names = Array.from(table.querySelectorAll('thead th')).map(start);
        return Array.from(table.querySelectorAll('tbody tr')).filter(tr => tr.querySelectorAll('td').length === names.length)
          .map(tr => Array.from(tr.querySelectorAll('td')).map((td, i) => start(td) - names[i]));
    }""")
    assert offsets, "the compare table has rows of values"
    for row in offsets:
        for gap in row:
            assert gap is not None and abs(gap) <= 2, offsets
