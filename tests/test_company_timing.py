"""Interview timing settings: the rules, the preview line, and the form that saves them."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from tests.factories import PASSWORD, gen_company, gen_user
from webapp.company.services import PLATFORM_DEFAULTS, TIMING_FIELDS, Timing, describe_timeline, timing_problems
from webapp.models import AuditEvent

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
CUSTOM = replace(PLATFORM_DEFAULTS, custom_interview_timing=True)

FORM = {
    "custom_interview_timing": "y",
    "interview_duration_minutes": "45",
    "interview_first_warning_seconds": "600",
    "interview_final_warning_seconds": "120",
    "interview_force_end_seconds": "15",
    "allow_interview_extensions": "y",
    "max_interview_extensions": "3",
    "interview_extension_minutes": "5",
}


# --- the preview line (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({}, "30 min; warning at 25:00, final at 28:00, ends at 29:50; up to 2 extensions of 10 min"),
        (
            {"interview_duration_minutes": 45, "interview_first_warning_seconds": 90, "interview_final_warning_seconds": 45},
            "45 min; warning at 43:30, final at 44:15, ends at 44:50; up to 2 extensions of 10 min",
        ),
        ({"max_interview_extensions": 1, "interview_extension_minutes": 15}, "up to 1 extension of 15 min"),
        ({"max_interview_extensions": 0}, "ends at 29:50; no extensions"),
        ({"allow_interview_extensions": False, "max_interview_extensions": 5}, "ends at 29:50; no extensions"),
        ({"interview_force_end_seconds": 0}, "ends at 30:00;"),
        ({"interview_duration_minutes": 240, "interview_first_warning_seconds": 3600}, "240 min; warning at 180:00, final at 238:00, ends at 239:50"),
        ({"interview_duration_minutes": 5, "interview_first_warning_seconds": 299, "interview_final_warning_seconds": 61, "interview_force_end_seconds": 1}, "5 min; warning at 0:01, final at 3:59, ends at 4:59"),
    ],
)
def test_describe_timeline(changes, line):
    text_line = describe_timeline(replace(CUSTOM, **changes))
    assert line in text_line
    if not changes:
        assert text_line == line


def test_with_custom_timing_off_the_preview_is_the_platform_defaults_whatever_is_stored():
    stored = replace(PLATFORM_DEFAULTS, interview_duration_minutes=90, max_interview_extensions=7)
    assert describe_timeline(stored) == "30 min; warning at 25:00, final at 28:00, ends at 29:50; up to 2 extensions of 10 min"


def test_platform_defaults_are_the_documented_column_defaults(db_session):
    defaults = dict(
        db_session.execute(
            text(
                "SELECT column_name, column_default FROM information_schema.columns "
                "WHERE table_name = 'company_company' AND column_name = ANY(:names)"
            ),
            {"names": list(TIMING_FIELDS)},
        ).all()
    )
    assert sorted(defaults) == sorted(TIMING_FIELDS)
    for name in TIMING_FIELDS:
        expected = getattr(PLATFORM_DEFAULTS, name)
        assert defaults[name] == (str(expected).lower() if isinstance(expected, bool) else str(expected)), name


# --- the rules (pure) ---------------------------------------------------------------------


def test_coherent_settings_have_no_problems():
    assert timing_problems(PLATFORM_DEFAULTS) == {}
    assert timing_problems(CUSTOM) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"interview_duration_minutes": 4}, "interview_duration_minutes", "from 5 to 240 minutes"),
        ({"interview_duration_minutes": 241}, "interview_duration_minutes", "from 5 to 240 minutes"),
        ({"interview_duration_minutes": None}, "interview_duration_minutes", "Enter the interview length"),
        ({"interview_first_warning_seconds": 0}, "interview_first_warning_seconds", "more than 0 seconds"),
        ({"interview_first_warning_seconds": 1800}, "interview_first_warning_seconds", "use fewer than 1800 seconds"),
        ({"interview_final_warning_seconds": 300}, "interview_final_warning_seconds", "must come after the first warning"),
        ({"interview_final_warning_seconds": -5}, "interview_final_warning_seconds", "more than 0 seconds"),
        ({"interview_force_end_seconds": 120}, "interview_force_end_seconds", "must come after the final warning"),
        ({"interview_force_end_seconds": -1}, "interview_force_end_seconds", "cannot be negative"),
        ({"max_interview_extensions": 11}, "max_interview_extensions", "from 0 to 10 extensions"),
        ({"max_interview_extensions": -1}, "max_interview_extensions", "from 0 to 10 extensions"),
        ({"interview_extension_minutes": 0}, "interview_extension_minutes", "from 1 to 60 minutes"),
        ({"interview_extension_minutes": 61}, "interview_extension_minutes", "from 1 to 60 minutes"),
    ],
)
def test_each_problem_is_reported_on_its_field(changes, field, message):
    problems = timing_problems(replace(CUSTOM, **changes))
    assert list(problems) == [field]
    assert message in problems[field]


def test_a_conflict_is_only_reported_once_both_sides_are_valid():
    # The final warning cannot be compared with a first warning that is itself wrong.
    problems = timing_problems(replace(CUSTOM, interview_first_warning_seconds=0, interview_final_warning_seconds=500))
    assert list(problems) == ["interview_first_warning_seconds"]


def test_extension_details_do_not_matter_when_extensions_are_off():
    off = replace(CUSTOM, allow_interview_extensions=False, max_interview_extensions=None, interview_extension_minutes=999)
    assert timing_problems(off) == {}


def test_nothing_matters_when_custom_timing_is_off():
    broken = Timing(False, None, -1, 10**9, None, True, 99, 0)
    assert timing_problems(broken) == {}


# --- the form and views -----------------------------------------------------------------


def row(db_session, company_id: int) -> dict:
    return dict(db_session.execute(text("SELECT * FROM company_company WHERE id = :id"), {"id": company_id}).mappings().one())


def writes_so_far(db_session) -> int:
    return db_session.execute(
        text("SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
    ).scalar_one()


def field_error(body: str, field: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', body, re.S)
    return match.group(1) if match else None


@pytest.fixture
def company(db_session, auth):
    owner = gen_user(db_session, role="employer")
    company = gen_company(db_session, owner, updated_at=LONG_AGO)
    assert auth.login(owner.email, PASSWORD).status_code == 302
    return company


def test_page_shows_defaults_greyed_and_the_preview_when_custom_timing_is_off(client, company):
    page = client.get("/company").get_data(as_text=True)
    assert 'class="timing-defaults"' in page
    assert "<dt>Interview length</dt><dd>30 minutes</dd>" in page
    assert "Platform defaults: 30 min; warning at 25:00, final at 28:00, ends at 29:50; up to 2 extensions of 10 min" in page
    assert 'hx-post="/company/timing/preview" hx-trigger="input changed delay:200ms, change"' in page


def test_saving_custom_timing_writes_the_values_and_audits(client, db_session, company):
    response = client.post("/company/timing", data=FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/company#company-timing"
    stored = row(db_session, company.id)
    assert stored["custom_interview_timing"] is True
    assert stored["interview_duration_minutes"] == 45
    assert stored["interview_first_warning_seconds"] == 600
    assert stored["interview_final_warning_seconds"] == 120
    assert stored["interview_force_end_seconds"] == 15
    assert stored["allow_interview_extensions"] is True
    assert stored["max_interview_extensions"] == 3
    assert stored["interview_extension_minutes"] == 5
    assert stored["updated_at"] > LONG_AGO
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "company.timing_updated")).one()
    assert event.details["changed"]["interview_duration_minutes"] == 45
    assert "interview_final_warning_seconds" not in event.details["changed"]  # 120 was already stored
    page = client.get("/company").get_data(as_text=True)
    assert "Interview timing saved." in page
    assert "45 min; warning at 35:00, final at 43:00, ends at 44:45; up to 3 extensions of 5 min" in page


def test_htmx_save_re_renders_only_the_timing_section(client, db_session, company):
    response = client.post("/company/timing", data=FORM, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section class="card" id="company-timing"')
    assert "Interview timing saved." in body and "<html" not in body
    assert row(db_session, company.id)["interview_duration_minutes"] == 45


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"interview_final_warning_seconds": "700"}, "interview_final_warning_seconds", "must come after the first warning"),
        ({"interview_force_end_seconds": "130"}, "interview_force_end_seconds", "must come after the final warning"),
        ({"interview_first_warning_seconds": "2700"}, "interview_first_warning_seconds", "use fewer than 2700 seconds"),
        ({"interview_duration_minutes": "0"}, "interview_duration_minutes", "from 5 to 240 minutes"),
        ({"interview_duration_minutes": ""}, "interview_duration_minutes", "Enter a whole number of minutes."),
        ({"interview_duration_minutes": "thirty"}, "interview_duration_minutes", "Enter a whole number of minutes."),
        ({"interview_first_warning_seconds": "9" * 40}, "interview_first_warning_seconds", "use fewer than 2700 seconds"),
        ({"interview_force_end_seconds": "-3"}, "interview_force_end_seconds", "cannot be negative"),
        ({"max_interview_extensions": "11"}, "max_interview_extensions", "from 0 to 10 extensions"),
        ({"interview_extension_minutes": "0"}, "interview_extension_minutes", "from 1 to 60 minutes"),
        ({"interview_extension_minutes": "2.5"}, "interview_extension_minutes", "Enter a whole number of minutes."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_incoherent_timing_is_explained_next_to_the_field_and_nothing_is_written(
    client, db_session, company, changes, field, message, htmx
):
    before = row(db_session, company.id)
    response = client.post("/company/timing", data=FORM | changes, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in (field_error(body, field) or "")
    assert f'aria-describedby="{field}-help {field}-error"' in body
    assert "Nothing was saved" in body
    assert "Cannot draw the timeline yet." in body
    assert row(db_session, company.id) == before
    assert db_session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("company.%"))) == 0


def test_turning_custom_timing_off_keeps_the_custom_values_for_later(client, db_session, company):
    client.post("/company/timing", data=FORM)
    off = {k: v for k, v in FORM.items() if k != "custom_interview_timing"} | {"interview_duration_minutes": "junk"}
    assert client.post("/company/timing", data=off).status_code == 302
    stored = row(db_session, company.id)
    assert stored["custom_interview_timing"] is False
    assert stored["interview_duration_minutes"] == 45
    page = client.get("/company").get_data(as_text=True)
    assert "Platform defaults: 30 min" in page
    assert 'id="interview_duration_minutes" inputmode="numeric" max="240" min="5" name="interview_duration_minutes" type="number" value="45"' in page


def test_extension_details_are_neither_checked_nor_saved_when_extensions_are_off(client, db_session, company):
    data = {k: v for k, v in FORM.items() if k != "allow_interview_extensions"}
    data |= {"max_interview_extensions": "99", "interview_extension_minutes": ""}
    assert client.post("/company/timing", data=data).status_code == 302
    stored = row(db_session, company.id)
    assert stored["allow_interview_extensions"] is False
    assert stored["max_interview_extensions"] == 2 and stored["interview_extension_minutes"] == 10  # unchanged
    assert "no extensions" in client.get("/company").get_data(as_text=True)


def test_posted_fields_outside_the_form_change_nothing(client, db_session, company):
    before = row(db_session, company.id)
    extra = {"id": "1", "user_id": "1", "created_at": "2001-01-01", "company_name": "Hijacked"}
    assert client.post("/company/timing", data=FORM | extra).status_code == 302
    after = row(db_session, company.id)
    for column in ("id", "user_id", "created_at", "company_name"):
        assert after[column] == before[column]


# --- the live preview endpoint ----------------------------------------------------------


def test_preview_answers_with_the_line_only_and_writes_nothing(client, db_session, company):
    before = writes_so_far(db_session)
    response = client.post("/company/timing/preview", data=FORM | {"interview_duration_minutes": "60"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True).strip()
    assert body.startswith('<p id="timing-preview"') and body.endswith("</p>")
    assert "60 min; warning at 50:00, final at 58:00, ends at 59:45; up to 3 extensions of 5 min" in body
    assert writes_so_far(db_session) == before


def test_preview_explains_the_first_conflict(client, company):
    body = client.post("/company/timing/preview", data=FORM | {"interview_final_warning_seconds": "601"}).get_data(as_text=True)
    assert "Cannot draw the timeline yet." in body
    assert "Final warning (seconds before the end): The final warning must come after the first warning" in body
    assert "has-problem" in body


def test_preview_with_custom_timing_off_shows_the_platform_defaults(client, company):
    data = {k: v for k, v in FORM.items() if k != "custom_interview_timing"} | {"interview_duration_minutes": "x"}
    body = client.post("/company/timing/preview", data=data).get_data(as_text=True)
    assert "Platform defaults: 30 min; warning at 25:00" in body


@pytest.mark.parametrize("role", ["user", "admin"])
def test_timing_routes_refuse_candidates_and_admins(client, auth, db_session, role):
    victim = gen_company(db_session)
    before = row(db_session, victim.id)
    user = gen_user(db_session, role=role)
    auth.login(user.email, PASSWORD)
    assert client.post("/company/timing", data=FORM).status_code == 403
    assert client.post("/company/timing/preview", data=FORM).status_code == 403
    assert row(db_session, victim.id) == before


def test_another_employer_saving_timing_changes_only_their_own(client, auth, db_session, company):
    mine = row(db_session, company.id)
    other = gen_user(db_session, role="employer")
    theirs = gen_company(db_session, other)
    auth.logout()
    auth.login(other.email, PASSWORD)
    assert client.post("/company/timing", data=FORM).status_code == 302
    assert row(db_session, theirs.id)["interview_duration_minutes"] == 45
    assert row(db_session, company.id) == mine


# --- whatever is typed, never a server error --------------------------------------------

NUMBERISH = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
    st.sampled_from(["", " ", "\x00", "1e3", "0x10", "1_000", "٣٠", "+5", "-0", "9" * 5000, "NaN", "∞"]),
)
FLAG = st.sampled_from([None, "y", "", "false", "on", "\x00"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbers=st.fixed_dictionaries({k: NUMBERISH for k in FORM if k not in ("custom_interview_timing", "allow_interview_extensions")}),
       custom=FLAG, extensions=FLAG)
def test_timing_form_and_preview_never_fail_with_a_server_error(client, db_session, company, numbers, custom, extensions):
    data = numbers | {k: v for k, v in (("custom_interview_timing", custom), ("allow_interview_extensions", extensions)) if v is not None}
    before = row(db_session, company.id)
    preview = client.post("/company/timing/preview", data=data)
    assert preview.status_code == 200
    assert "timing-preview" in preview.get_data(as_text=True)
    response = client.post("/company/timing", data=data)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert row(db_session, company.id) == before
    else:
        stored = Timing(**{k: row(db_session, company.id)[k] for k in TIMING_FIELDS})
        assert timing_problems(stored) == {}
