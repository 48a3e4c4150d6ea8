"""The demo candidate builds a learning path from a practice session, reorders it and works through it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import text

from webapp.db import make_engine

DEMO_PASSWORD = "jobhive-demo-pass"


def latest_practice_without_path(url: str) -> str:
    """The demo candidate's latest practice session, its seeded path removed so the build button shows."""
    engine = make_engine(url)
    with engine.begin() as connection:
        session_id, interview_id = connection.execute(
            text(
                "SELECT s.session_id, s.id FROM interview_interviewsession s JOIN users_user u ON u.id = s.user_id"
                " WHERE u.email = 'candidate@jobhive.test' AND s.is_practice AND s.status = 'completed'"
                " ORDER BY s.start_time DESC LIMIT 1"
            )
        ).one()
        connection.execute(
            text("DELETE FROM interview_learningpath WHERE interview_session_id = :id"), {"id": interview_id}
        )
    engine.dispose()
    return session_id


def log_in_as_candidate(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("candidate@jobhive.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_build_reorder_and_complete_a_learning_path(page: Page, demo_database_url: str):
    session_id = latest_practice_without_path(demo_database_url)
    log_in_as_candidate(page)

    page.goto(f"/practice/{session_id}")
    page.get_by_role("button", name="Build my learning path").click()

    expect(page).to_have_url(re.compile(r"/learning/\d+$"))
    expect(page.locator("#flashes")).to_contain_text("Your learning path is ready")
    entries = page.locator("#entry-list li.lp-entry")
    total = entries.count()
    assert total >= 3
    progress = page.locator("#path-progress")
    expect(progress).to_contain_text(f"0 of {total}")
    expect(progress).to_contain_text("Not started")

    # Reorder with the keyboard: the second resource moves up, and focus stays on its button.
    second_title = entries.nth(1).locator(".lp-title").text_content().replace("(opens in a new tab)", "").strip()
    page.evaluate("window.__marker = 'same page'")  # gone if anything reloads the page
    move_up = page.get_by_role("button", name=f"Move {second_title} up")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(entries.nth(0).locator(".lp-title")).to_contain_text(second_title)
    expect(page.locator("#learning-announcer")).to_have_text(f"Moved “{second_title}” to position 1 of {total}.")
    expect(page.get_by_role("button", name=f"Move {second_title} up")).to_be_focused()
    expect(page.get_by_role("button", name=f"Move {second_title} up")).to_have_attribute("aria-disabled", "true")

    # Drag and drop posts the same move: the third resource dropped on the first takes its place.
    third_title = entries.nth(2).locator(".lp-title").text_content().replace("(opens in a new tab)", "").strip()
    entries.nth(2).drag_to(entries.nth(0))
    expect(entries.nth(0).locator(".lp-title")).to_contain_text(third_title)
    expect(page.locator("#learning-announcer")).to_have_text(f"Moved “{third_title}” to position 1 of {total}.")

    # Work through the path: progress updates after every swap, then the path completes.
    for done in range(1, total + 1):
        entries.nth(done - 1).locator("button.lp-check").click()
        expect(progress).to_contain_text(f"{done} of {total}")
        expect(entries.nth(done - 1).locator("button.lp-check")).to_have_attribute("aria-pressed", "true")
        if done == 1:
            expect(progress).to_contain_text("In progress")
    expect(progress).to_contain_text("Completed")
    expect(progress).to_contain_text("You completed this learning path")
    assert page.evaluate("window.__marker") == "same page"

    # The list shows the finished path; the practice page now links to it instead of building again.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learning").click()
    expect(page).to_have_url(re.compile(r"/learning$"))
    page.get_by_role("link", name=re.compile(r"^Completed")).click()
    expect(page).to_have_url(re.compile(r"/learning\?status=completed$"))
    expect(page.locator("#path-rows")).to_contain_text(f"{total} of {total} done")
    page.goto(f"/practice/{session_id}")
    expect(page.get_by_role("link", name="Open my learning path")).to_be_visible()
    assert page.console_errors == []
