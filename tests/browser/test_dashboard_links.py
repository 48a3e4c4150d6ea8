"""From the employer dashboard a person reaches the interview, the candidate's interviews and the job by clicking."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_login_dashboard import log_in


def test_the_dashboard_leads_to_an_interview_a_candidate_and_a_job(page: Page):
    log_in(page, "employer@jobhive.test")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    recent = page.get_by_role("region", name="Latest completed interviews")
    first = recent.locator("tbody tr").first
    name = first.locator("td").first.get_by_role("link").inner_text()

    first.get_by_role("link", name=re.compile("open this interview")).click()
    expect(page).to_have_url(re.compile(r"/interviews/[^/?]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    page.go_back()
    recent.locator("tbody tr").first.get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(re.compile(r"/interviews\?candidate=\d+$"))
    expect(page.get_by_role("heading", name="Interviews", level=1)).to_be_visible()
    expect(page.locator("#filter-candidate")).to_contain_text(name)
    rows = page.locator("#interview-rows tbody tr")
    expect(rows.first).to_be_visible()
    for text in rows.locator("th").all_inner_texts():
        assert text.startswith(name)

    page.go_back()
    job_link = page.get_by_role("region", name="Active jobs").locator("tbody tr").first.get_by_role("link")
    title = job_link.inner_text()
    job_link.click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    assert page.console_errors == []
