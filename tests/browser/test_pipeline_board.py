"""The demo employer moves candidates through a job's pipeline board in a real browser: by dragging a card
with the mouse, by the keyboard only (the card's "Move to" list and button), and rejects one with a reason;
the company's rejection email is previewed as it is typed.

The job and its candidates are the test's own (added to the demo company, removed afterwards), so the
other browser tests see the demo data unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.browser.logins import log_in
from tests.factories import gen_interview, gen_job, gen_user
from webapp.db import make_engine
from webapp.models import (
    Company,
    InterviewSession,
    Job,
    PipelineDecision,
    PipelineStage,
    User,
)


@pytest.fixture
def board_job(demo_database_url) -> Iterator[dict]:
    """A job of the demo employer's company with three candidates waiting at the AI interview."""
    engine = make_engine(demo_database_url)
    with Session(engine, expire_on_commit=False) as session:
        company = session.scalar(select(Company).join(User, User.id == Company.user_id)
                                 .where(User.email == "employer@jobhive.test"))
        job = gen_job(session, company, title="Board Test Engineer")
        people = [gen_user(session, first_name=first, last_name="Boardtest") for first in ("Ada", "Bea", "Cy")]
        for person in people:
            gen_interview(session, person, job)
        stages = {s.kind: s.id for s in session.scalars(select(PipelineStage).where(PipelineStage.job_id == job.id))}
        session.commit()
    yield {"job": job, "people": people, "stages": stages, "url": demo_database_url}
    with Session(engine) as session:
        session.execute(delete(InterviewSession).where(InterviewSession.job_id == job.id))
        session.execute(delete(Job).where(Job.id == job.id))
        session.execute(delete(User).where(User.id.in_([person.id for person in people])))
        session.commit()
    engine.dispose()


def column(page: Page, stage_id: int):
    return page.locator(f'section.pipeline-column[data-stage="{stage_id}"]')


def test_moving_candidates_by_mouse_and_keyboard_and_rejecting_with_a_reason(page: Page, board_job):
    job, (ada, bea, cy), stages = board_job["job"], board_job["people"], board_job["stages"]
    log_in(page, "employer@jobhive.test")
    page.goto(f"/jobs/{job.id}/pipeline")
    expect(column(page, stages["ai_interview"]).locator(".pipeline-count")).to_have_text("3")

    # by mouse: drag Ada's card onto Review
    page.drag_and_drop(f"#card-{ada.id}", f'section.pipeline-column[data-stage="{stages["review"]}"]',
                       source_position={"x": 4, "y": 4})
    assert page.console_errors == []
    expect(column(page, stages["review"]).locator(f"#card-{ada.id}")).to_be_visible()
    expect(column(page, stages["review"]).locator(".pipeline-count")).to_have_text("1")
    expect(page.locator("#pipeline-board [role=status]")).to_contain_text("Moved Ada Boardtest to Review.")

    # by keyboard only: from Bea's name, Tab to her "Move to" list, type the stage, Tab to Move, Enter
    page.locator(f"#card-{bea.id}-name a").focus()
    page.keyboard.press("Tab")
    expect(page.locator(f"#c{bea.id}-stage")).to_be_focused()
    page.keyboard.type("Team")
    page.keyboard.press("Tab")
    expect(page.locator(f"#c{bea.id}-move")).to_be_focused()
    page.keyboard.press("Enter")
    expect(column(page, stages["team_interview"]).locator(f"#card-{bea.id}")).to_be_visible()
    expect(page.locator("#pipeline-board [role=status]")).to_contain_text("Moved Bea Boardtest to Team interview.")

    # a rejection with a reason from the company's list and a note
    card = page.locator(f"#card-{cy.id}")
    card.locator("summary").click()
    card.get_by_label("Reason").select_option(label="Not enough experience")
    card.get_by_label("Note (optional)").fill("Promising; ask again next year")
    card.get_by_role("button", name=re.compile("^Reject")).click()
    expect(page.locator("#pipeline-board [role=status]")).to_contain_text("Rejected Cy Boardtest.")
    expect(page.locator(f"#card-{cy.id}")).to_have_count(0)
    expect(page.get_by_role("link", name="Closed (1)")).to_be_visible()
    assert page.console_errors == []

    engine = make_engine(board_job["url"])
    with Session(engine) as session:
        decisions = session.execute(
            select(PipelineDecision.action, PipelineDecision.to_kind, PipelineDecision.reason)
            .where(PipelineDecision.job_id == job.id, PipelineDecision.action != "entered")
            .order_by(PipelineDecision.id)
        ).all()
    engine.dispose()
    assert [tuple(row) for row in decisions] == [
        ("moved", "review", None), ("moved", "team_interview", None),
        ("rejected", "ai_interview", "Not enough experience — Promising; ask again next year"),
    ]


def test_the_email_preview_follows_the_typing_and_saves_nothing(page: Page, demo_database_url):
    log_in(page, "employer@jobhive.test")
    page.goto("/company/pipeline")
    body = page.locator("#rejection-body")
    saved = body.input_value()
    body.fill("Dear {candidate_name}, about {job_title}.")
    expect(page.locator("#preview-rejection")).to_contain_text("Dear Alex Example, about Backend Engineer.")
    expect(page.locator("#preview-rejection h3")).to_have_text("Preview (not saved)")
    body.fill("Dear {candidate_name}, your salary: {salary}.")
    expect(page.locator("#preview-rejection")).to_contain_text("Fix the problem above")
    assert [e for e in page.console_errors if "status of 422" not in e] == []  # the browser logs the 422 answer
    page.goto("/company/pipeline")
    expect(page.locator("#rejection-body")).to_have_value(saved)
