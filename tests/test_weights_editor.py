"""The per-job weights editor and the admin page for the focus defaults, through their routes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_dynamic_score_weight,
    gen_job,
    gen_score_weight,
    gen_user,
)
from webapp import create_app
from webapp.models import AuditEvent, DynamicScoreWeight, ScoreWeight

D = Decimal
ZERO_ADJUSTMENTS = {
    "technical_adjustment": "0.00",
    "skills_adjustment": "0.00",
    "cultural_fit_adjustment": "0.00",
    "sentiment_adjustment": "0.00",
}
DEFAULT_SPLIT = {
    "value_alignment_weight": "0.40",
    "confidence_weight": "0.20",
    "enthusiasm_weight": "0.20",
    "authenticity_weight": "0.20",
}
HTMX = {"HX-Request": "true"}


def entries(**changes: str) -> dict[str, str]:
    """A complete, valid form submission with some entries changed."""
    return ZERO_ADJUSTMENTS | DEFAULT_SPLIT | changes


@pytest.fixture
def employer(db_session, auth):
    """A logged-in employer with a balanced job (no saved weights) and the technical defaults set."""
    user = gen_user(db_session, role="employer")
    company = gen_company(db_session, user)
    job = gen_job(db_session, company, title="Robotics Engineer", job_focus="balanced")
    auth.login(user.email, PASSWORD)
    return user, job


def balanced_defaults(db_session) -> ScoreWeight:
    """Admin-set balanced defaults that differ from the built-in 0.30/0.25/0.25/0.20."""
    return gen_score_weight(
        db_session, "balanced", technical_weight=D("0.40"), skills_weight=D("0.15"),
        cultural_fit_weight=D("0.25"), sentiment_weight=D("0.20"),
    )


def url(job, action: str = "") -> str:
    return f"/jobs/{job.id}/weights" + (f"/{action}" if action else "")


def saved_row(db_session, job) -> DynamicScoreWeight | None:
    return db_session.scalar(
        select(DynamicScoreWeight)
        .where(DynamicScoreWeight.job_id == job.id)
        .execution_options(populate_existing=True)
    )


def row_values(row: DynamicScoreWeight | None) -> dict | None:
    if row is None:
        return None
    return {c.name: getattr(row, c.key) for c in DynamicScoreWeight.__table__.columns}


def counts(db_session) -> tuple[int, int, int]:
    return (
        db_session.scalar(select(func.count()).select_from(DynamicScoreWeight)),
        db_session.scalar(select(func.count()).select_from(ScoreWeight)),
        db_session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("%weights%"))),
    )


def writes_so_far(db_session) -> int:
    """Rows inserted, updated or deleted in this test's transaction, on every table."""
    return db_session.execute(
        text("SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
    ).scalar_one()


def events(db_session, action: str) -> list[AuditEvent]:
    return list(db_session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- loading the editor --------------------------------------------------------------------


def test_editor_starts_from_the_focus_defaults_and_says_so(client, db_session, employer):
    _, job = employer
    balanced_defaults(db_session)
    page = client.get(url(job)).get_data(as_text=True)
    assert "<h1>Robotics Engineer</h1>" in page
    assert f'href="/jobs/{job.id}"><span aria-hidden="true">←</span> Back to the job</a>' in page
    assert "The defaults for balanced jobs, set by an administrator." in page
    assert '<td class="num" id="base-technical">0.40</td>' in page
    assert '<td class="num" id="base-skills">0.15</td>' in page
    assert 'id="technical_adjustment" max="1.00" min="-1.00" name="technical_adjustment" step="0.01" type="number" value="0.00"' in page
    assert 'name="value_alignment_weight" step="0.01" type="number" value="0.40"' in page
    assert 'id="effective-technical">0.40<' in page
    assert "The weights add up to 1.00." in page
    assert "The sentiment sub-weights add up to 1.00." in page
    # Live preview wiring: typing posts the form to the preview and swaps the block.
    assert f'hx-post="/jobs/{job.id}/weights/preview" hx-trigger="input changed delay:150ms"' in page
    assert 'hx-target="#weights-preview" hx-swap="outerHTML"' in page
    assert "Reset to the balanced focus defaults" in page


def test_a_focus_without_defaults_uses_the_built_in_ones(client, db_session, employer):
    _, job = employer
    page = client.get(url(job)).get_data(as_text=True)
    assert "The built-in defaults: no defaults are set for balanced jobs yet." in page
    assert '<td class="num" id="base-technical">0.30</td>' in page
    assert '<td class="num" id="base-sentiment">0.20</td>' in page


def test_saved_weights_show_their_own_base_and_adjustments(client, db_session, employer):
    _, job = employer
    balanced_defaults(db_session)
    gen_dynamic_score_weight(db_session, job)
    page = client.get(url(job)).get_data(as_text=True)
    assert "Saved with this job's weights" in page
    assert '<td class="num" id="base-technical">0.30</td>' in page  # the job's copy, not today's defaults
    assert 'name="technical_adjustment" step="0.01" type="number" value="0.05"' in page
    assert 'name="sentiment_adjustment" step="0.01" type="number" value="-0.05"' in page
    assert 'id="effective-technical">0.35<' in page
    assert 'id="effective-sentiment">0.15<' in page
    assert "The balanced defaults are now technical 0.40, skills 0.15, cultural fit 0.25, sentiment 0.20." in page


def test_saved_weights_that_do_not_add_up_are_flagged_on_load(client, db_session, employer):
    _, job = employer
    gen_dynamic_score_weight(db_session, job, sentiment_adjustment=D("0.00"))  # written outside the dashboard
    response = client.get(url(job))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "These saved weights cannot be used as they are." in page
    assert "The weights add up to 1.05; lower them by 0.05 in total." in page


# --- the live preview ----------------------------------------------------------------------


def test_preview_answers_with_the_block_and_writes_nothing(client, db_session, employer):
    _, job = employer
    gen_dynamic_score_weight(db_session, job)
    before_row, before_counts, before_writes = row_values(saved_row(db_session, job)), counts(db_session), writes_so_far(db_session)

    response = client.post(url(job, "preview"), data=entries(technical_adjustment="0.10"), headers=HTMX)

    block = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert block.lstrip().startswith('<section class="card" id="weights-preview"')
    assert "<html" not in block and "<form" not in block
    assert 'id="effective-technical">0.40<' in block  # base 0.30 + 0.10
    assert 'id="effective-total">1.10<' in block
    assert "The weights add up to 1.10; lower them by 0.10 in total." in block
    assert 'role="alert"' in block
    assert row_values(saved_row(db_session, job)) == before_row
    assert counts(db_session) == before_counts
    assert writes_so_far(db_session) == before_writes


def test_preview_of_a_set_that_adds_up_says_so(client, db_session, employer):
    _, job = employer
    response = client.post(
        url(job, "preview"),
        data=entries(technical_adjustment="0.10", sentiment_adjustment="-0.10", value_alignment_weight="0.30",
                     confidence_weight="0.30"),
        headers=HTMX,
    )
    block = response.get_data(as_text=True)
    assert 'id="effective-technical">0.40<' in block and 'id="effective-sentiment">0.10<' in block
    assert "The weights add up to 1.00." in block
    assert "The sentiment sub-weights add up to 1.00." in block
    assert 'role="alert"' not in block
    assert saved_row(db_session, job) is None


def test_preview_explains_unreadable_entries_instead_of_failing(client, db_session, employer):
    _, job = employer
    response = client.post(
        url(job, "preview"), data=entries(skills_adjustment="NaN", enthusiasm_weight="1e400"), headers=HTMX
    )
    block = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Skills adjustment: Enter a plain number between -1.00 and 1.00, such as 0.05." in block
    assert "Enthusiasm: Enter a number between 0.00 and 1.00; this is above 1.00." in block
    assert 'id="effective-skills">—<' in block
    assert "The total appears once every adjustment is a number." in block
    assert "The total appears once every sub-weight is a number." in block
    assert saved_row(db_session, job) is None


def test_preview_reports_a_weight_pushed_out_of_range(client, db_session, employer):
    _, job = employer
    block = client.post(
        url(job, "preview"), data=entries(sentiment_adjustment="-0.30", technical_adjustment="0.30"), headers=HTMX
    ).get_data(as_text=True)
    assert "The sentiment weight comes to -0.10; it must be between 0.00 and 1.00, so raise it by 0.10." in block
    assert 'id="effective-total">1.00<' in block


# --- saving ----------------------------------------------------------------------------------


def test_saving_creates_the_job_row_and_audits_it(client, db_session, employer):
    user, job = employer
    balanced_defaults(db_session)
    response = client.post(
        url(job), data=entries(technical_adjustment="0.05", skills_adjustment="-0.05", confidence_weight="0.25",
                               enthusiasm_weight="0.15")
    )
    assert response.status_code == 302 and response.headers["Location"] == url(job)

    row = saved_row(db_session, job)
    assert (row.base_technical_weight, row.base_skills_weight, row.base_cultural_fit_weight,
            row.base_sentiment_weight) == (D("0.40"), D("0.15"), D("0.25"), D("0.20"))
    assert (row.technical_adjustment, row.skills_adjustment, row.cultural_fit_adjustment,
            row.sentiment_adjustment) == (D("0.05"), D("-0.05"), D("0.00"), D("0.00"))
    assert (row.value_alignment_weight, row.confidence_weight, row.enthusiasm_weight,
            row.authenticity_weight) == (D("0.40"), D("0.25"), D("0.15"), D("0.20"))
    assert row.last_updated is not None

    [event] = events(db_session, "job.weights_updated")
    assert event.actor_id == user.id and event.target_type == "company_job" and event.target_id == str(job.id)
    assert event.details["before"]["source"] == "focus"
    assert event.details["before"]["effective"] == {"technical": "0.40", "skills": "0.15", "cultural_fit": "0.25",
                                                    "sentiment": "0.20"}
    assert event.details["after"]["effective"] == {"technical": "0.45", "skills": "0.10", "cultural_fit": "0.25",
                                                   "sentiment": "0.20"}
    assert event.details["after"]["sentiment"]["confidence"] == "0.25"

    page = client.get(url(job)).get_data(as_text=True)
    assert "Score weights saved for Robotics Engineer." in page
    assert 'name="technical_adjustment" step="0.01" type="number" value="0.05"' in page
    assert "Saved with this job's weights" in page


def test_saving_again_updates_the_one_row(client, db_session, employer):
    _, job = employer
    gen_dynamic_score_weight(db_session, job)
    db_session.execute(
        text("UPDATE interview_dynamicscoreweight SET last_updated = now() - interval '2 days' WHERE job_id = :id"),
        {"id": job.id},
    )
    old_stamp = saved_row(db_session, job).last_updated
    response = client.post(url(job), data=entries(cultural_fit_adjustment="0.10", skills_adjustment="-0.10"))
    assert response.status_code == 302
    assert db_session.scalar(select(func.count()).where(DynamicScoreWeight.job_id == job.id)) == 1
    row = saved_row(db_session, job)
    assert row.technical_adjustment == D("0.00") and row.cultural_fit_adjustment == D("0.10")
    assert row.base_technical_weight == D("0.30")  # the base stays the job's copy
    assert row.last_updated > old_stamp
    [event] = events(db_session, "job.weights_updated")
    assert event.details["before"]["source"] == "job"
    assert event.details["before"]["adjustments"]["technical"] == "0.05"
    assert event.details["after"]["adjustments"]["cultural_fit"] == "0.10"


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"technical_adjustment": "0.05"}, ["The weights add up to 1.05; lower them by 0.05 in total."]),
        ({"skills_adjustment": "-0.25", "technical_adjustment": "0.10"},
         ["The weights add up to 0.85; raise them by 0.15 in total."]),
        ({"confidence_weight": "0.30"}, ["The sentiment sub-weights add up to 1.10; lower them by 0.10 in total."]),
        ({"technical_adjustment": "0.80", "skills_adjustment": "-0.25", "cultural_fit_adjustment": "-0.25",
          "sentiment_adjustment": "-0.30"},
         ["The technical weight comes to 1.10; it must be between 0.00 and 1.00, so lower it by 0.10.",
          "The sentiment weight comes to -0.10; it must be between 0.00 and 1.00, so raise it by 0.10."]),
    ],
)
def test_rules_broken_answer_422_with_exact_messages_and_write_nothing(client, db_session, employer, changes,
                                                                        messages):
    _, job = employer
    gen_dynamic_score_weight(db_session, job)
    before_row, before_counts, before_writes = row_values(saved_row(db_session, job)), counts(db_session), writes_so_far(db_session)

    response = client.post(url(job), data=entries(**changes))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The weights were not saved." in page and 'role="alert"' in page
    for message in messages:
        assert message in page
    assert row_values(saved_row(db_session, job)) == before_row
    assert counts(db_session) == before_counts
    assert writes_so_far(db_session) == before_writes


def test_a_message_about_one_weight_sits_next_to_its_field(client, db_session, employer):
    _, job = employer
    page = client.post(
        url(job), data=entries(technical_adjustment="0.80", sentiment_adjustment="-0.80")
    ).get_data(as_text=True)
    assert 'aria-describedby="technical_adjustment-hint technical_adjustment-error"' in page
    assert 'aria-invalid="true"' in page
    assert ('<p class="field-error" id="technical_adjustment-error">The technical weight comes to 1.10; it must be '
            "between 0.00 and 1.00, so lower it by 0.10.</p>") in page
    # What was typed stays in the field.
    assert 'name="technical_adjustment" step="0.01" type="number" value="0.80"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter a number between -1.00 and 1.00."),
        ("abc", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("NaN", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("Infinity", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("-inf", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("1e400", "Enter a number between -1.00 and 1.00; this is above 1.00."),
        ("99999", "Enter a number between -1.00 and 1.00; this is above 1.00."),
        ("-12", "Enter a number between -1.00 and 1.00; this is below -1.00."),
        ("9" * 5000, "Enter a plain number between -1.00 and 1.00, such as 0.05."),
        ("0,05", "Use a dot for decimals, such as 0.05."),
        ("0.055", "Use at most two decimal places, such as 0.05."),
        ("0.05\x00", "Enter a plain number between -1.00 and 1.00, such as 0.05."),
    ],
)
def test_unusable_numbers_get_a_field_message_never_a_500(client, db_session, employer, value, message):
    _, job = employer
    before_writes = writes_so_far(db_session)
    response = client.post(url(job), data=entries(skills_adjustment=value))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="field-error" id="skills_adjustment-error">{message}</p>' in page
    assert saved_row(db_session, job) is None
    assert writes_so_far(db_session) == before_writes


def test_a_missing_field_is_a_message_too(client, db_session, employer):
    _, job = employer
    data = entries()
    del data["authenticity_weight"]
    response = client.post(url(job), data=data)
    assert response.status_code == 422
    assert "Enter a number between 0.00 and 1.00." in response.get_data(as_text=True)
    assert saved_row(db_session, job) is None


def test_a_sub_weight_above_one_is_refused(client, db_session, employer):
    _, job = employer
    response = client.post(url(job), data=entries(value_alignment_weight="1.40"))
    assert response.status_code == 422
    assert "Enter a number between 0.00 and 1.00; this is above 1.00." in response.get_data(as_text=True)
    assert saved_row(db_session, job) is None


# --- reset -----------------------------------------------------------------------------------


def test_reset_goes_back_to_the_current_focus_defaults(client, db_session, employer):
    user, job = employer
    gen_dynamic_score_weight(db_session, job)
    balanced_defaults(db_session)

    response = client.post(url(job, "reset"))

    assert response.status_code == 302 and response.headers["Location"] == url(job)
    row = saved_row(db_session, job)
    assert (row.base_technical_weight, row.base_skills_weight, row.base_cultural_fit_weight,
            row.base_sentiment_weight) == (D("0.40"), D("0.15"), D("0.25"), D("0.20"))
    assert {row.technical_adjustment, row.skills_adjustment, row.cultural_fit_adjustment,
            row.sentiment_adjustment} == {D("0.00")}
    assert (row.value_alignment_weight, row.confidence_weight, row.enthusiasm_weight,
            row.authenticity_weight) == (D("0.40"), D("0.20"), D("0.20"), D("0.20"))
    [event] = events(db_session, "job.weights_reset")
    assert event.actor_id == user.id
    assert event.details["before"]["adjustments"]["technical"] == "0.05"
    assert event.details["after"]["base"]["technical"] == "0.40"
    page = client.get(url(job)).get_data(as_text=True)
    assert "Score weights for Robotics Engineer reset to the balanced focus defaults." in page
    assert "defaults are now" not in page


def test_the_reset_asks_for_confirmation_first(client, employer):
    _, job = employer
    page = client.get(url(job)).get_data(as_text=True)
    confirm = page.split("<details>")[1].split("</details>")[0]
    assert "<summary>Reset to the balanced focus defaults…</summary>" in confirm
    assert "removes every adjustment" in confirm
    assert f'action="/jobs/{job.id}/weights/reset"' in confirm and "Yes, reset the weights" in confirm


def test_reset_of_a_job_without_saved_weights_saves_the_defaults(client, db_session, employer):
    _, job = employer
    assert client.post(url(job, "reset")).status_code == 302
    row = saved_row(db_session, job)
    assert row.base_technical_weight == D("0.30") and row.technical_adjustment == D("0.00")


def test_reset_refuses_focus_defaults_that_do_not_add_up(client, db_session, employer):
    _, job = employer
    gen_score_weight(db_session, "balanced", technical_weight=D("0.90"))  # written outside the admin page
    before_writes = writes_so_far(db_session)
    response = client.post(url(job, "reset"), follow_redirects=True)
    assert response.status_code == 200
    assert "The balanced defaults cannot be used: The weights add up to 1.45; lower them by 0.45 in total." in response.get_data(as_text=True)
    assert saved_row(db_session, job) is None
    assert writes_so_far(db_session) == before_writes


# --- who may reach the editor ---------------------------------------------------------------

EDITOR_ROUTES = [("get", ""), ("post", ""), ("post", "preview"), ("post", "reset")]


@pytest.mark.parametrize(("method", "action"), EDITOR_ROUTES)
def test_another_companys_job_and_a_missing_job_are_404_everywhere(client, db_session, employer, method, action):
    other_job = gen_job(db_session, gen_company(db_session), job_focus="technical")
    gen_dynamic_score_weight(db_session, other_job)
    before_row, before_writes = row_values(saved_row(db_session, other_job)), writes_so_far(db_session)
    for path in (url(other_job, action), "/jobs/2000000000/weights" + (f"/{action}" if action else "")):
        response = getattr(client, method)(path, data=entries(technical_adjustment="-0.05", skills_adjustment="0.05"))
        assert response.status_code == 404
    assert row_values(saved_row(db_session, other_job)) == before_row
    assert writes_so_far(db_session) == before_writes


@pytest.mark.parametrize("role", ["user", "admin"])
@pytest.mark.parametrize(("method", "action"), EDITOR_ROUTES)
def test_candidates_and_admins_cannot_use_the_editor(client, auth, db_session, role, method, action):
    job = gen_job(db_session, gen_company(db_session))
    auth.login(gen_user(db_session, role=role).email, PASSWORD)
    before_writes = writes_so_far(db_session)
    response = getattr(client, method)(url(job, action), data=entries())
    assert response.status_code == 403
    assert writes_so_far(db_session) == before_writes


@pytest.mark.parametrize(("method", "action"), EDITOR_ROUTES)
def test_anonymous_visitors_are_sent_to_log_in(client, db_session, method, action):
    job = gen_job(db_session, gen_company(db_session))
    response = getattr(client, method)(url(job, action), data=entries())
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert saved_row(db_session, job) is None


# --- admin: the focus defaults ---------------------------------------------------------------


@pytest.fixture
def admin(db_session, auth):
    user = gen_user(db_session, role="admin")
    auth.login(user.email, PASSWORD)
    return user


def focus_entries(focus: str, technical="0.40", skills="0.30", cultural_fit="0.20", sentiment="0.10") -> dict:
    return {
        f"{focus}-technical_weight": technical,
        f"{focus}-skills_weight": skills,
        f"{focus}-cultural_fit_weight": cultural_fit,
        f"{focus}-sentiment_weight": sentiment,
    }


def focus_row(db_session, focus: str) -> ScoreWeight | None:
    return db_session.scalar(
        select(ScoreWeight).where(ScoreWeight.job_focus == focus).execution_options(populate_existing=True)
    )


def test_admin_page_lists_every_focus_with_its_defaults_and_usage(client, db_session, admin):
    gen_score_weight(db_session, "technical")
    company = gen_company(db_session)
    gen_job(db_session, company, job_focus="technical")
    gen_dynamic_score_weight(db_session, gen_job(db_session, company, job_focus="technical"))
    page = client.get("/admin/score-weights").get_data(as_text=True)
    assert "<h1>Default score weights</h1>" in page
    for focus in ("technical", "behavioral", "balanced"):
        assert f'id="focus-{focus}"' in page and f'action="/admin/score-weights/{focus}"' in page
    assert 'id="technical-technical_weight" max="1.00" min="0.00" name="technical-technical_weight" step="0.01" type="number" value="0.45"' in page
    technical = page.split('id="focus-technical"')[1].split("</section>")[0]
    assert "2 jobs; 1 with its own saved weights." in technical
    behavioral = page.split('id="focus-behavioral"')[1].split("</section>")[0]
    assert "Not set yet: behavioral jobs use the built-in defaults below until you save." in behavioral
    assert 'value="0.30"' in behavioral and "No jobs with this focus yet." in behavioral


def test_admin_saves_a_focus_and_it_is_audited(client, db_session, admin):
    gen_score_weight(db_session, "technical")
    response = client.post("/admin/score-weights/technical", data=focus_entries("technical"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/score-weights#focus-technical"
    row = focus_row(db_session, "technical")
    assert (row.technical_weight, row.skills_weight, row.cultural_fit_weight, row.sentiment_weight) == (
        D("0.40"), D("0.30"), D("0.20"), D("0.10"))
    [event] = events(db_session, "admin.score_weights_updated")
    assert event.actor_id == admin.id and event.target_type == "interview_scoreweight"
    assert event.target_id == str(row.id)
    assert event.details == {
        "focus": "technical",
        "before": {"technical": "0.45", "skills": "0.30", "cultural_fit": "0.15", "sentiment": "0.10"},
        "after": {"technical": "0.40", "skills": "0.30", "cultural_fit": "0.20", "sentiment": "0.10"},
    }
    assert "Saved the technical defaults." in client.get("/admin/score-weights").get_data(as_text=True)


def test_admin_creates_the_row_of_a_focus_that_has_none(client, db_session, admin):
    assert focus_row(db_session, "behavioral") is None
    response = client.post("/admin/score-weights/behavioral", data=focus_entries("behavioral", "0.15", "0.20", "0.35",
                                                                                  "0.30"))
    assert response.status_code == 302
    assert focus_row(db_session, "behavioral").cultural_fit_weight == D("0.35")
    [event] = events(db_session, "admin.score_weights_updated")
    assert event.details["before"] is None


def test_new_defaults_reach_jobs_without_saved_weights_only(client, db_session, admin):
    company = gen_company(db_session)
    plain = gen_job(db_session, company, job_focus="technical")
    tuned = gen_job(db_session, company, job_focus="technical")
    gen_dynamic_score_weight(db_session, tuned)
    client.post("/admin/score-weights/technical", data=focus_entries("technical"))

    from webapp.scoring.weights import weights_for_job

    assert weights_for_job(db_session, plain).effective.technical == D("0.40")
    assert weights_for_job(db_session, tuned).effective.technical == D("0.35")


@pytest.mark.parametrize(
    ("changes", "message", "field_message"),
    [
        ({"technical": "0.50"}, "The weights add up to 1.10; lower them by 0.10 in total.", None),
        ({"sentiment": "0.05"}, "The weights add up to 0.95; raise them by 0.05 in total.", None),
        ({"skills": "NaN"}, None, "Enter a plain number between 0.00 and 1.00, such as 0.05."),
        ({"skills": "1.50"}, None, "Enter a number between 0.00 and 1.00; this is above 1.00."),
        ({"skills": "-0.10"}, None, "Enter a number between 0.00 and 1.00; this is below 0.00."),
        ({"skills": "1e400"}, None, "Enter a number between 0.00 and 1.00; this is above 1.00."),
        ({"skills": ""}, None, "Enter a number between 0.00 and 1.00."),
    ],
)
def test_admin_invalid_defaults_answer_422_and_write_nothing(client, db_session, admin, changes, message,
                                                             field_message):
    gen_score_weight(db_session, "technical")
    before_writes = writes_so_far(db_session)
    response = client.post("/admin/score-weights/technical", data=focus_entries("technical", **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    section = page.split('id="focus-technical"')[1].split("</section>")[0]
    assert "The technical defaults were not saved." in section and 'role="alert"' in section
    if message:
        assert message in section
    if field_message:
        assert f'<p class="field-error" id="technical-skills_weight-error">{field_message}</p>' in section
    assert focus_row(db_session, "technical").technical_weight == D("0.45")
    assert writes_so_far(db_session) == before_writes


def test_admin_unknown_focus_is_404(client, db_session, admin):
    before_writes = writes_so_far(db_session)
    response = client.post("/admin/score-weights/sales", data=focus_entries("sales"))
    assert response.status_code == 404
    assert writes_so_far(db_session) == before_writes


@pytest.mark.parametrize("role", ["user", "employer"])
def test_employers_and_candidates_cannot_reach_the_admin_page(client, auth, db_session, role):
    auth.login(gen_user(db_session, role=role).email, PASSWORD)
    before_writes = writes_so_far(db_session)
    assert client.get("/admin/score-weights").status_code == 403
    assert client.post("/admin/score-weights/technical", data=focus_entries("technical")).status_code == 403
    assert focus_row(db_session, "technical") is None
    assert writes_so_far(db_session) == before_writes


# --- CSRF --------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(db_engine, db_session):
    from tests.conftest import TEST_DATABASE_URL

    csrf_app = create_app({"DATABASE_URL": TEST_DATABASE_URL, "TESTING": True, "WTF_CSRF_ENABLED": True})
    csrf_app.extensions["db_bind"] = db_session.connection()
    return csrf_app.test_client()


def _token(page: str, name: str = "csrf_token") -> str:
    return page.split(f'name="{name}" type="hidden" value="')[1].split('"')[0]


def _log_in(client, user) -> None:
    token = _token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}).status_code == 302


def test_saving_without_a_csrf_token_is_refused(csrf_client, db_session):
    user = gen_user(db_session, role="employer")
    job = gen_job(db_session, gen_company(db_session, user))
    _log_in(csrf_client, user)
    assert csrf_client.post(url(job), data=entries()).status_code == 400
    assert csrf_client.post(url(job, "reset")).status_code == 400
    assert saved_row(db_session, job) is None
    page = csrf_client.get(url(job)).get_data(as_text=True)
    token = _token(page)
    assert csrf_client.post(url(job, "preview"), data=entries(), headers=HTMX | {"X-CSRFToken": token}).status_code == 200
    assert csrf_client.post(url(job), data=entries(csrf_token=token)).status_code == 302
    assert saved_row(db_session, job) is not None


def test_the_admin_forms_carry_their_prefixed_token(csrf_client, db_session):
    user = gen_user(db_session, role="admin")
    _log_in(csrf_client, user)
    page = csrf_client.get("/admin/score-weights").get_data(as_text=True)
    token = _token(page, "balanced-csrf_token")
    response = csrf_client.post(
        "/admin/score-weights/balanced", data=focus_entries("balanced") | {"balanced-csrf_token": token}
    )
    assert response.status_code == 302
    assert focus_row(db_session, "balanced").technical_weight == D("0.40")


def test_saving_weights_re_ranks_the_job_at_once(client, db_session, employer):
    from tests.factories import gen_cultural_fit, gen_interview
    from webapp.models import CandidateRanking

    _, job = employer
    candidate = gen_user(db_session)
    interview = gen_interview(db_session, candidate, job, status="completed")  # technical accuracy 80
    gen_cultural_fit(db_session, interview, score=D("40.00"))
    ranking = lambda: db_session.scalar(  # noqa: E731
        select(CandidateRanking.overall_score)
        .where(CandidateRanking.job_id == job.id)
        .execution_options(populate_existing=True)
    )
    assert ranking() is None  # nothing ranked before the first save

    client.post(url(job), data=entries(technical_adjustment="0.20", cultural_fit_adjustment="-0.20"))
    leaning_technical = ranking()
    client.post(url(job), data=entries(technical_adjustment="-0.20", cultural_fit_adjustment="0.20"))
    leaning_cultural = ranking()

    assert leaning_technical is not None and leaning_cultural is not None
    assert leaning_technical > leaning_cultural  # 80 technical outweighs 40 cultural fit only in the first
