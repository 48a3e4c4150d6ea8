"""Refresh the README screenshots (docs/screenshots/*.png) from a running dashboard with the demo data.

    JOBHIVE_ENV=development DATABASE_URL=... .venv/bin/flask --app wsgi run --port 5077 &
    DATABASE_URL=... .venv/bin/python scripts/screenshots.py http://127.0.0.1:5077

The database is read only to pick the pages (the demo job with most ranked candidates, the
latest completed interview, ...). Not run by the tests.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from sqlalchemy import create_engine, text

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "jobhive-demo-pass"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Tall pages are clipped here: the README shows the top of each page, and files stay small.
MAX_HEIGHT = 1400

PICKS = {
    # The Acme job with the most ranked candidates.
    "job": """SELECT j.id FROM company_job j JOIN company_company c ON c.id = j.company_id
              JOIN users_user u ON u.id = c.user_id
              JOIN interview_candidateranking r ON r.job_id = j.id
              WHERE u.email = 'employer@jobhive.test' AND j.is_active
              GROUP BY j.id ORDER BY count(*) DESC, j.id LIMIT 1""",
    # Acme's latest completed interview with an assigned interviewer (else its latest completed one).
    "interview": """SELECT i.session_id FROM interview_interviewsession i JOIN company_job j ON j.id = i.job_id
                    JOIN company_company c ON c.id = j.company_id JOIN users_user u ON u.id = c.user_id
                    WHERE u.email = 'employer@jobhive.test' AND i.status = 'completed'
                    ORDER BY EXISTS (SELECT FROM interview_assignment a WHERE a.interview_session_id = i.id) DESC,
                             i.end_time DESC LIMIT 1""",
    # The Acme job with the most candidates in the running from Review to Offer (its board shows every kind of card).
    "pipeline": """SELECT j.id FROM company_job j JOIN company_company c ON c.id = j.company_id
                   JOIN users_user u ON u.id = c.user_id
                   JOIN pipeline_candidate p ON p.job_id = j.id JOIN pipeline_stage s ON s.id = p.stage_id
                   WHERE u.email = 'employer@jobhive.test' AND j.is_active AND p.status = 'active'
                   GROUP BY j.id
                   ORDER BY count(*) FILTER (WHERE s.kind IN ('review', 'team_interview', 'offer')) DESC, j.id
                   LIMIT 1""",
    # The demo candidate's latest practice session.
    "practice": """SELECT i.session_id FROM interview_interviewsession i JOIN users_user u ON u.id = i.user_id
                   WHERE u.email = 'candidate@jobhive.test' AND i.is_practice AND i.status = 'completed'
                   ORDER BY i.end_time DESC LIMIT 1""",
    # The demo candidate's learning path in progress with the most resources.
    "path": """SELECT p.id FROM interview_learningpath p
               JOIN interview_interviewsession i ON i.id = p.interview_session_id
               JOIN users_user u ON u.id = i.user_id
               JOIN interview_learningpathresource r ON r.learning_path_id = p.id
               WHERE u.email = 'candidate@jobhive.test' AND p.status = 'active'
               GROUP BY p.id ORDER BY count(*) DESC, p.id DESC LIMIT 1""",
}


def picks(database_url: str) -> dict[str, object]:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        found = {name: connection.scalar(text(sql)) for name, sql in PICKS.items()}
    engine.dispose()
    return found


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def shoot(page: Page, base: str, path: str, name: str, *, ready: str | None = None, tall: bool = True) -> None:
    response = page.goto(f"{base}{path}")
    if response is None or not response.ok:
        print(f"{name}.png  {path}  skipped: HTTP {response.status if response else '?'}")
        return
    page.wait_for_load_state("networkidle")
    if ready:
        page.wait_for_selector(ready)
    page.wait_for_timeout(600)  # charts finish their first transition
    if not tall:
        # On a phone the table is what matters: bring it (with its card's first line) to the top.
        page.evaluate("window.scrollTo(0, document.querySelector('table').getBoundingClientRect().top + scrollY - 90)")
        page.wait_for_timeout(300)
    viewport = page.viewport_size
    if tall:
        # A viewport as tall as the shot keeps sticky bars at its bottom, not floating mid-page.
        height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
        page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
        page.wait_for_timeout(400)
    page.screenshot(path=OUT / f"{name}.png")
    page.set_viewport_size(viewport)
    print(f"{name}.png  {path}  {(OUT / f'{name}.png').stat().st_size // 1024} KB")


def main() -> None:
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:5077"
    only = set(sys.argv[2:])
    ids = picks(os.environ["DATABASE_URL"])
    employer_pages = [
        ("/dashboard", "employer-dashboard", None),
        ("/jobs", "jobs", None),
        (f"/jobs/{ids['job']}/weights", "score-weights", None),
        (f"/jobs/{ids['job']}/rankings", "rankings", None),
        (f"/interviews/{ids['interview']}", "interview", ".js-plotly-plot"),
        ("/analytics?range=90&granularity=week", "analytics", ".js-plotly-plot"),
        ("/billing", "billing", None),
        ("/company/members", "team-members", None),
        (f"/jobs/{ids['pipeline']}/pipeline", "pipeline", None),
    ]
    candidate_pages = [
        (f"/practice/{ids['practice']}", "practice", ".js-plotly-plot"),
        (f"/learning/{ids['path']}", "learning", None),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        for email, pages, viewport in (
            ("employer@jobhive.test", employer_pages, DESKTOP),
            ("candidate@jobhive.test", candidate_pages, DESKTOP),
            ("employer@jobhive.test", [(f"/jobs/{ids['job']}/rankings", "rankings-phone", None)], PHONE),
        ):
            wanted = [page for page in pages if not only or page[1] in only]
            if not wanted:
                continue
            context = browser.new_context(viewport=viewport, device_scale_factor=1, reduced_motion="reduce")
            page = context.new_page()
            log_in(page, base, email)
            for path, name, ready in wanted:
                shoot(page, base, path, name, ready=ready, tall=viewport is DESKTOP)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
