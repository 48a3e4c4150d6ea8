"""The demo employer tunes a job's score weights in a real browser and sees them add up live."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.browser.logins import log_in
from webapp.db import make_engine
from webapp.models import Company, DynamicScoreWeight, Job, User


@pytest.fixture
def demo_job(demo_database_url) -> Iterator[tuple[int, str]]:
    """An Acme Robotics job without saved weights; put back that way afterwards (the demo database is shared)."""
    engine = make_engine(demo_database_url)
    with Session(engine) as session:
        job_id, title = session.execute(
            select(Job.id, Job.title)
            .join(Company, Job.company_id == Company.id)
            .join(User, Company.user_id == User.id)
            .outerjoin(DynamicScoreWeight, DynamicScoreWeight.job_id == Job.id)
            .where(User.email == "employer@jobhive.test", DynamicScoreWeight.id.is_(None))
            .order_by(Job.id)
            .limit(1)
        ).one()
    yield job_id, title
    with Session(engine) as session:
        session.execute(delete(DynamicScoreWeight).where(DynamicScoreWeight.job_id == job_id))
        session.commit()
    engine.dispose()


def test_employer_tunes_weights_live_fixes_the_sum_and_saves(page: Page, demo_job):
    job_id, title = demo_job
    log_in(page, "employer@jobhive.test")
    page.goto(f"/jobs/{job_id}/weights")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    base_technical = Decimal(page.locator("#base-technical").inner_text())
    base_sentiment = Decimal(page.locator("#base-sentiment").inner_text())
    preview = page.locator("#weights-preview")
    expect(preview.locator("#total-message")).to_have_text("✓ The weights add up to 1.00.")
    page.evaluate("window.__marker = 'same page'")

    # Raise technical: its effective weight, its bar and the total follow as you type, with the fix spelled out.
    page.get_by_label("Technical adjustment").fill("0.10")
    raised = base_technical + Decimal("0.10")
    expect(preview.locator("#effective-technical")).to_have_text(f"{raised:.2f}")
    expect(preview.locator("#effective-total")).to_have_text("1.10")
    expect(preview.get_by_role("alert")).to_have_text("The weights add up to 1.10; lower them by 0.10 in total.")
    technical_bar = preview.get_by_role("row", name=re.compile("^Technical")).locator(".bar-fill")
    expect(technical_bar).to_have_attribute("style", re.compile(rf"width: {raised * 100:.2f}%"))

    # Take the same amount off sentiment: the message goes and the total is 1.00 again.
    page.get_by_label("Sentiment adjustment").fill("-0.10")
    expect(preview.locator("#effective-sentiment")).to_have_text(f"{base_sentiment - Decimal('0.10'):.2f}")
    expect(preview.locator("#effective-total")).to_have_text("1.00")
    expect(preview.locator("#total-message")).to_have_text("✓ The weights add up to 1.00.")
    expect(preview.get_by_role("alert")).to_have_count(0)

    # The sentiment split is checked the same way.
    page.get_by_label("Confidence").fill("0.30")
    expect(preview.get_by_role("alert")).to_have_text(
        "The sentiment sub-weights add up to 1.10; lower them by 0.10 in total."
    )
    page.get_by_label("Value alignment").fill("0.30")
    expect(preview.locator("#sentiment-total-message")).to_have_text("✓ The sentiment sub-weights add up to 1.00.")
    assert page.evaluate("window.__marker") == "same page"  # all of it swapped by htmx, no reload

    page.get_by_role("button", name="Save weights").click()
    expect(page.get_by_text(f"Score weights saved for {title}.")).to_be_visible()

    page.reload()
    expect(page.get_by_label("Technical adjustment")).to_have_value("0.10")
    expect(page.get_by_label("Sentiment adjustment")).to_have_value("-0.10")
    expect(page.get_by_label("Value alignment")).to_have_value("0.30")
    expect(page.get_by_label("Confidence")).to_have_value("0.30")
    expect(page.locator("#effective-technical")).to_have_text(f"{raised:.2f}")
    expect(page.get_by_text("Saved with this job's weights")).to_be_visible()
    assert page.console_errors == []
