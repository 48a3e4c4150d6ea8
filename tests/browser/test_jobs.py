"""An employer finds, sorts and switches jobs in the list without page reloads (demo data: Acme Robotics)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "jobhive-demo-pass"
ACME_JOBS = 6


def log_in_as_employer(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("employer@jobhive.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def open_jobs(page: Page):
    log_in_as_employer(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    expect(page).to_have_url(re.compile(r"/jobs$"))
    rows = page.locator("#job-rows tbody tr")
    expect(rows).to_have_count(ACME_JOBS)
    page.evaluate("window.__marker = 'same page'")  # gone if anything reloads the page
    return rows


def test_live_search_filters_as_you_type_and_the_back_button_restores(page: Page):
    rows = open_jobs(page)
    search = page.get_by_role("searchbox", name="Search by title")

    search.fill("vision")  # one input event: one request, one history entry (typing speed varies under load)

    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link")).to_have_text("Computer Vision Engineer")
    expect(page).to_have_url(re.compile(r"/jobs\?q=vision$"))
    expect(search).to_be_focused()  # typing was never interrupted
    assert page.evaluate("window.__marker") == "same page"

    search.fill("no such role")
    expect(page.locator("#job-rows")).to_contain_text("No jobs match “no such role”")
    expect(page).to_have_url(re.compile(r"/jobs\?q=no\+such\+role$"))

    page.go_back()
    expect(page).to_have_url(re.compile(r"/jobs\?q=vision$"))
    expect(rows).to_have_count(1)
    expect(page.get_by_role("searchbox", name="Search by title")).to_have_value("vision")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/jobs$"))
    expect(rows).to_have_count(ACME_JOBS)
    expect(page.get_by_role("searchbox", name="Search by title")).to_have_value("")
    assert page.console_errors == []


def test_filters_and_column_sorting_update_the_rows_and_the_url(page: Page):
    rows = open_jobs(page)

    page.get_by_label("Focus").select_option("behavioral")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/jobs\?focus=behavioral$"))

    page.get_by_role("link", name=re.compile(r"^Title")).click()
    expect(page).to_have_url(re.compile(r"/jobs\?focus=behavioral&sort=title$"))
    expect(rows.nth(0).get_by_role("link")).to_have_text("Customer Success Manager")
    expect(rows.nth(1).get_by_role("link")).to_have_text("Field Operations Lead")
    expect(page.get_by_role("columnheader", name=re.compile(r"^Title"))).to_have_attribute("aria-sort", "ascending")

    page.get_by_role("link", name=re.compile(r"^Title")).click()
    expect(page).to_have_url(re.compile(r"sort=-title$"))
    expect(rows.nth(0).get_by_role("link")).to_have_text("Field Operations Lead")

    # The sort survives a new search: it travels with the filter form.
    page.get_by_role("searchbox", name="Search by title").fill("e")
    expect(page).to_have_url(re.compile(r"/jobs\?q=e&focus=behavioral&sort=-title$"))
    expect(rows.nth(0).get_by_role("link")).to_have_text("Field Operations Lead")
    assert page.evaluate("window.__marker") == "same page"
    assert page.console_errors == []


def test_toggle_a_job_inline_and_it_stays_toggled(page: Page):
    open_jobs(page)
    switch = page.get_by_role("switch", name=re.compile("Technical Program Manager"))
    expect(switch).to_have_attribute("aria-checked", "true")

    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(switch).to_contain_text("Inactive")
    assert page.evaluate("window.__marker") == "same page"

    page.reload()
    switch = page.get_by_role("switch", name=re.compile("Technical Program Manager"))
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()  # and back, leaving the demo data as it was
    expect(switch).to_have_attribute("aria-checked", "true")
    assert page.console_errors == []


def test_bulk_deactivate_selected_jobs_then_activate_them_again(page: Page):
    rows = open_jobs(page)
    picked = ("Field Operations Lead", "Customer Success Manager")
    for title in picked:
        page.get_by_role("checkbox", name=f"Select {title}").check()

    page.get_by_role("button", name="Deactivate", exact=True).click()

    expect(page.locator(".flash").filter(has_text="2 jobs deactivated.")).to_be_visible()  # (the announcer may repeat it)
    for title in picked:
        expect(page.get_by_role("switch", name=re.compile(title))).to_have_attribute("aria-checked", "false")
    expect(rows).to_have_count(ACME_JOBS)

    page.get_by_role("checkbox", name="Select all jobs on this page").check()
    for row in range(ACME_JOBS):
        expect(rows.nth(row).get_by_role("checkbox")).to_be_checked()
    page.get_by_role("checkbox", name="Select all jobs on this page").uncheck()
    expect(page.locator("#job-rows tbody input:checked")).to_have_count(0)

    for title in picked:
        page.get_by_role("checkbox", name=f"Select {title}").check()
    page.get_by_role("button", name="Activate", exact=True).click()
    expect(page.locator(".flash").filter(has_text="2 jobs activated.")).to_be_visible()
    for title in picked:
        expect(page.get_by_role("switch", name=re.compile(title))).to_have_attribute("aria-checked", "true")
    assert page.evaluate("window.__marker") == "same page"
    assert page.console_errors == []


def test_post_edit_and_delete_a_job(page: Page):
    log_in_as_employer(page)
    page.goto("/jobs/new")
    page.get_by_role("button", name="Post job").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a job title.")
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Title").fill("Warehouse Safety Analyst")
    page.get_by_label("Interview focus").select_option("behavioral")
    page.get_by_label("Description").fill("Keep the aisles safe.")
    page.get_by_role("button", name="Post job").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warehouse Safety Analyst")
    expect(page.get_by_text("Posted “Warehouse Safety Analyst”.")).to_be_visible()

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Warehouse Safety Lead")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warehouse Safety Lead")

    page.get_by_role("link", name="Delete…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Warehouse Safety Lead”?")
    expect(page.get_by_text("0 interviews")).to_be_visible()
    page.get_by_role("button", name="Delete the job and its data").click()
    expect(page).to_have_url(re.compile(r"/jobs$"))
    expect(page.get_by_text("Deleted “Warehouse Safety Lead” with 0 interviews and 0 rankings.")).to_be_visible()
    expect(page.locator("#job-rows tbody tr")).to_have_count(ACME_JOBS)
    # Chromium logs the invalid form's 422 answer as a failed resource; nothing else may appear.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
