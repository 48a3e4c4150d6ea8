"""The demo employer reweights a job's ranking with the what-if sliders in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from tests.browser.logins import log_in
from webapp.db import make_engine
from webapp.models import CandidateRanking, Company, Job, RankingOverride, User

FACTORS = ("technical", "skills", "cultural_fit", "sentiment")


@pytest.fixture
def ranked_job(demo_database_url) -> tuple[int, str]:
    """The demo employer's job with the most ranked candidates and no pins or exclusions by people (whose
    rows would not move with the sliders); read only: nothing to put back."""
    engine = make_engine(demo_database_url)
    with Session(engine) as session:
        job_id, title, count = session.execute(
            select(Job.id, Job.title, func.count(CandidateRanking.id))
            .join(Company, Job.company_id == Company.id)
            .join(User, Company.user_id == User.id)
            .join(CandidateRanking, CandidateRanking.job_id == Job.id)
            .where(User.email == "employer@jobhive.test")
            .group_by(Job.id, Job.title)
            .where(~exists().where(RankingOverride.job_id == Job.id))
            .order_by(func.count(CandidateRanking.id).desc(), Job.id)
            .limit(1)
        ).one()
    engine.dispose()
    assert count >= 3, "the demo data should rank several candidates for the demo employer's job"
    return job_id, title


def names(page: Page) -> list[str]:
    return [text.split("\n")[0].replace("Why this score?", "").strip()
            for text in page.locator("#ranking-rows tbody th[scope=row]").all_inner_texts()]


def only(page: Page, chosen: str) -> None:
    """With the keyboard: the chosen slider to 1.00 (End), the others to 0.00 (Home)."""
    for name in FACTORS:
        slider = page.locator(f"#w-{name}")
        slider.focus()
        page.keyboard.press("End" if name == chosen else "Home")


def test_moving_the_sliders_re_ranks_live_with_movement(page: Page, ranked_job):
    job_id, title = ranked_job
    log_in(page, "employer@jobhive.test")
    page.goto(f"/jobs/{job_id}/rankings")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_label("Technical", exact=True)).to_have_attribute("type", "range")
    saved_order = names(page)
    page.evaluate("window.__marker = 'same page'")

    moved_factor = None
    for factor in FACTORS:  # whichever single factor reorders the demo candidates
        only(page, factor)
        expect(page.locator(f"#w-{factor}-out")).to_have_text("1.00")
        expect(page.locator("#whatif-note")).to_contain_text("What-if preview, not saved")
        # (a pinned candidate's AI rank may move while the order shown stays: the ranked rows must move)
        if page.locator("#ranking-rows .move-up").count() and names(page) != saved_order:
            moved_factor = factor
            break
    assert moved_factor, "no single factor changed the demo ranking"

    # the order changed, with arrows and words for the movement, and the page was not reloaded
    assert names(page) != saved_order
    first_up = page.locator("#ranking-rows td.movement:has(.move-up)").first
    expect(first_up).to_contain_text(re.compile(r"▲\d+up \d+ places?"))
    expect(page.locator("#ranking-rows .move-down").first).to_be_visible()
    assert page.evaluate("window.__marker") == "same page"
    expect(page).to_have_url(re.compile(rf"/jobs/{job_id}/rankings\?.*w_{moved_factor}=1(&|$)"))

    # one key press more: 0.99 on that slider, all others at 0: still a weighted mean of one factor
    page.locator(f"#w-{moved_factor}").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator(f"#w-{moved_factor}-out")).to_have_text("0.99")
    expect(page.locator("#whatif-note")).to_contain_text("The sliders add up to 0.99, not 1.00")
    assert page.evaluate("window.__marker") == "same page"

    # the export link follows what is shown
    expect(page.get_by_role("link", name=re.compile("Download CSV"))).to_have_attribute(
        "href", re.compile(rf"rankings\.csv\?.*w_{moved_factor}=0\.99"))
    assert page.console_errors == [], page.console_errors
