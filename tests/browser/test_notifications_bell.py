"""The header's bell in a real browser: the unread count as the link's name, the list, opening one, mark all
read, and no poll while the tab is hidden (static/notifications.js)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import text

from tests.browser.logins import log_in
from webapp.db import make_engine

EMPLOYER = "employer@jobhive.test"


def _run(url: str, sql: str, **params) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(sql), params)
    engine.dispose()


def test_the_bell_counts_opens_and_marks_read_and_waits_while_hidden(page: Page, demo_database_url: str):
    _run(demo_database_url, """
        INSERT INTO notification_notification (user_id, company_id, kind, title, body, url, created_at)
        SELECT u.id, c.id, 'decision_made', t.title, 'Browser test', '/jobs', now() - t.age * interval '1 minute'
        FROM users_user u JOIN company_company c ON c.user_id = u.id
        CROSS JOIN (VALUES ('Bell test newer', 1), ('Bell test older', 2)) t (title, age)
        WHERE u.email = :email""", email=EMPLOYER)
    try:
        log_in(page, EMPLOYER)
        bell = page.locator("#notification-bell")
        expect(bell).to_have_accessible_name(re.compile(r"^Notifications, \d+ unread$"))
        unread = int(re.search(r"(\d+) unread", bell.text_content()).group(1))
        assert unread >= 2

        bell.click()
        expect(page).to_have_url(re.compile(r"/notifications$"))
        page.get_by_role("link", name="Bell test newer").click()
        expect(page).to_have_url(re.compile(r"/jobs$"))
        expect(bell).to_have_accessible_name(f"Notifications, {unread - 1} unread")

        page.goto("/notifications")
        page.get_by_role("button", name="Mark all as read").click()
        expect(page.get_by_text(re.compile(r"Marked \d+ notifications? as read\."))).to_be_visible()
        expect(bell).to_have_accessible_name("Notifications, none unread")

        # Hidden: the poll is skipped; shown again: the count is asked for at once.
        polls: list[str] = []
        page.on("request", lambda request: "/notifications/bell" in request.url and polls.append(request.url))
        page.evaluate("""() => {
            Object.defineProperty(document, 'hidden', {value: true, configurable: true});
            htmx.trigger(document.getElementById('notification-bell'), 'notifications:refresh');
        }""")
        page.wait_for_timeout(300)
        assert polls == []
        page.evaluate("""() => {
            Object.defineProperty(document, 'hidden', {value: false, configurable: true});
            document.dispatchEvent(new Event('visibilitychange'));
        }""")
        page.wait_for_timeout(500)
        assert len(polls) == 1
        assert page.console_errors == []
    finally:
        _run(demo_database_url, "DELETE FROM notification_notification WHERE body = 'Browser test'")
