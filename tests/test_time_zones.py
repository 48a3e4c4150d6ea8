"""Time zones: detected at sign-up, changed on the account page, times shown and typed in the viewer's zone.

Every time stays stored in UTC (and in the <time datetime> values); the pages name the zone they show.
The daylight-saving dates are found from today, so the tests keep working as the calendar moves on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, null, select

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_member,
    gen_user,
)
from tests.querycount import statements_of
from tests.test_accounts import signup
from webapp import timezones
from webapp.models import AuditEvent, InterviewSession, User, UserSetting

PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
WINTER_AFTERNOON = datetime(2030, 1, 15, 14, 0, tzinfo=UTC)  # 15:00 CET in Paris, 09:00 EST in New York


def zone_of(db_session, user_id: int) -> str | None:
    return db_session.scalar(select(UserSetting.time_zone).where(UserSetting.user_id == user_id))


def set_zone(db_session, user: User, name: str) -> None:
    timezones.store(db_session, user.id, name)
    db_session.flush()


def _next_day(zone: ZoneInfo, wall_clock: str, *, exists: bool, twice: bool = False) -> date:
    """The next day (from tomorrow) on which `wall_clock` (HH:MM) is skipped (or happens twice) in `zone`."""
    hour, minute = map(int, wall_clock.split(":"))
    day = date.today() + timedelta(days=1)
    for _ in range(400):
        naive = datetime(day.year, day.month, day.day, hour, minute)
        first = naive.replace(tzinfo=zone)
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        skipped = round_trip != naive
        doubled = first.utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset() and not skipped
        if (not exists and skipped) or (twice and doubled):
            return day
        day += timedelta(days=1)
    raise AssertionError("no daylight-saving change within 400 days")


# --- helpers ------------------------------------------------------------------------------------


def test_a_skipped_time_is_refused_and_a_doubled_one_is_its_first_occurrence():
    spring = _next_day(PARIS, "02:30", exists=False)
    with pytest.raises(timezones.NonexistentTime, match="does not exist in Europe/Paris"):
        timezones.to_utc(datetime(spring.year, spring.month, spring.day, 2, 30), PARIS)
    autumn = _next_day(PARIS, "02:30", exists=True, twice=True)
    first = timezones.to_utc(datetime(autumn.year, autumn.month, autumn.day, 2, 30), PARIS)
    assert first == datetime(autumn.year, autumn.month, autumn.day, 0, 30, tzinfo=UTC)  # CEST, UTC+2
    assert timezones.to_utc(datetime(2030, 1, 15, 9, 0), NEW_YORK) == WINTER_AFTERNOON


def test_only_known_zones_are_kept():
    assert timezones.checked("Europe/Paris") == "Europe/Paris"
    assert timezones.checked(" America/New_York ") == "America/New_York"
    for unknown in ("Mars/Olympus_Mons", "", None, "europe/paris", "Europe/Paris\x00", "x" * 200):
        assert timezones.checked(unknown) == "UTC"
    assert timezones.zone_names()[0] == "UTC" and "Europe/Paris" in timezones.zone_names()


# --- sign-up ------------------------------------------------------------------------------------


def test_the_register_page_detects_the_zone_with_a_static_script(client):
    page = client.get("/register").get_data(as_text=True)
    assert 'name="time_zone"' in page and "data-detect-time-zone" in page
    assert "/static/timezone" in page and "<script>" not in page  # CSP: no inline script


def test_sign_up_stores_the_detected_zone(client, db_session):
    response = client.post("/register", data=signup(time_zone="Europe/Paris"))
    assert response.status_code == 303
    user = db_session.scalar(select(User).where(User.username == "ada.lovelace"))
    assert zone_of(db_session, user.id) == "Europe/Paris"
    details = db_session.scalar(select(AuditEvent.details).where(AuditEvent.action == "user.registered"))
    assert details["time_zone"] == "Europe/Paris"


@pytest.mark.parametrize("sent", ["Mars/Olympus_Mons", "", None])
def test_an_unknown_or_missing_zone_at_sign_up_is_utc(client, db_session, sent):
    data = signup() if sent is None else signup(time_zone=sent)
    assert client.post("/register", data=data).status_code == 303
    user = db_session.scalar(select(User).where(User.username == "ada.lovelace"))
    assert zone_of(db_session, user.id) == "UTC"


# --- the account page ---------------------------------------------------------------------------


@pytest.fixture
def member(db_session, client, auth):
    user = gen_user(db_session, role="user", email="zoe@example.test")
    assert auth.login(user.email, PASSWORD).status_code == 302
    return user


def test_a_user_without_a_setting_is_in_utc(client, member):
    page = client.get("/account").get_data(as_text=True)
    assert '<label for="time_zone">Time zone</label>' in page
    assert '<strong id="current-time-zone">UTC (UTC, UTC+00:00)</strong>' in page
    assert '<option selected value="UTC">UTC</option>' in page


def test_changing_the_zone_saves_it_says_so_and_is_audited(client, db_session, member):
    response = client.post("/account/time-zone", data={"time_zone": "America/New_York"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account#time-zone")
    assert zone_of(db_session, member.id) == "America/New_York"
    page = client.get("/account").get_data(as_text=True)
    assert "Your time zone is now America/New_York (" in page
    assert '<strong id="current-time-zone">America/New_York (E' in page  # EST or EDT, as the date has it
    assert '<option selected value="America/New_York">America/New York</option>' in page
    event = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "user.time_zone_changed")).one()
    assert (event.actor_id, event.details) == (member.id, {"from": "UTC", "to": "America/New_York"})

    again = client.post("/account/time-zone", data={"time_zone": "America/New_York"}, follow_redirects=True)
    assert "Your time zone stays America/New_York" in again.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "user.time_zone_changed")) == 1


@pytest.mark.parametrize("sent", ["Mars/Olympus_Mons", "", "Europe/Paris; DROP TABLE users_setting", "x" * 300])
def test_an_unknown_zone_is_refused_and_nothing_is_written(client, db_session, member, sent):
    set_zone(db_session, member, "Europe/Paris")
    response = client.post("/account/time-zone", data={"time_zone": sent})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a time zone from the list" in page or "Choose your time zone." in page
    assert zone_of(db_session, member.id) == "Europe/Paris"
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "user.time_zone_changed")) == 0


def test_the_zone_form_needs_a_login(client):
    response = client.post("/account/time-zone", data={"time_zone": "Europe/Paris"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the same interview in two zones ------------------------------------------------------------


@pytest.fixture
def team(db_session):
    """A company whose owner works from Paris and whose recruiter works from New York, one interview planned."""
    owner = gen_user(db_session, role="employer", email="paris@example.test")
    company = gen_company(db_session, owner)
    recruiter = gen_user(db_session, role="employer", email="newyork@example.test")
    gen_member(db_session, company, recruiter, role="recruiter")
    job = gen_job(db_session, company, title="Zone Engineer")
    candidate = gen_user(db_session, first_name="Grace", last_name="Hopper")
    interview = gen_interview(db_session, candidate, job, status="scheduled", start_time=null(),
                              scheduled_time=WINTER_AFTERNOON)
    set_zone(db_session, owner, "Europe/Paris")
    set_zone(db_session, recruiter, "America/New_York")
    return owner, recruiter, job, interview


def _page_as(app, email: str, url: str) -> str:
    browser = app.test_client()
    assert browser.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    response = browser.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_paris_and_new_york_see_the_same_interview_at_their_own_times(app, team):
    _, _, _, interview = team
    url = f"/interviews/{interview.session_id}"
    in_paris = _page_as(app, "paris@example.test", url)
    in_new_york = _page_as(app, "newyork@example.test", url)
    stamp = 'datetime="2030-01-15T14:00:00Z"'  # the machine-readable value stays UTC for both
    assert f'<time {stamp} title="Europe/Paris">Tuesday 15 January 2030, 15:00 CET</time>' in in_paris
    assert f'<time {stamp} title="America/New_York">Tuesday 15 January 2030, 09:00 EST</time>' in in_new_york


def test_the_interviews_list_shows_each_viewer_their_time(app, team):
    in_paris = _page_as(app, "paris@example.test", "/interviews")
    in_new_york = _page_as(app, "newyork@example.test", "/interviews")
    assert "15 Jan 2030, 15:00 CET" in in_paris and "15 Jan 2030, 09:00 EST" in in_new_york


def test_the_zone_costs_no_statement_on_a_list_page(app, db_session, client, auth, team):
    owner, *_ = team
    assert auth.login(owner.email, PASSWORD).status_code == 302
    in_paris, page = statements_of(app, client, "/interviews")
    assert "15:00 CET" in page
    db_session.execute(UserSetting.__table__.delete().where(UserSetting.user_id == owner.id))
    db_session.flush()
    in_utc, page = statements_of(app, client, "/interviews")
    assert "14:00 UTC" in page
    assert len(in_paris) == len(in_utc)
    assert not any("users_setting" in statement for statement in in_paris[1:])  # only the login's join reads it


# --- typing a time in one's own zone, across a daylight-saving change ---------------------------


@pytest.fixture
def paris_recruiter(db_session, client, auth):
    employer = gen_user(db_session, role="employer")
    job = gen_job(db_session, gen_company(db_session, employer), title="Spring Role")
    candidate = gen_user(db_session, role="user", email="spring.candidate@example.test")
    set_zone(db_session, employer, "Europe/Paris")
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return employer, job, candidate


def _schedule(client, job, wall_clock: str):
    data = {"job_id": str(job.id), "candidate_email": "spring.candidate@example.test", "scheduled_time": wall_clock}
    return client.post("/interviews/new", data=data)


def _booked(db_session, job) -> list[datetime]:
    statement = select(InterviewSession.scheduled_time).where(InterviewSession.job_id == job.id)
    return sorted(moment.astimezone(UTC) for moment in db_session.scalars(statement))


def test_the_schedule_form_names_the_zone_and_the_rule_for_doubled_times(client, paris_recruiter):
    page = client.get("/interviews/new").get_data(as_text=True)
    assert "Date and time (Europe/Paris)" in page
    assert "In your time zone, Europe/Paris (" in page and timezones.AMBIGUOUS_HINT in page


def test_scheduling_across_the_spring_change_stores_the_right_utc_instants(client, db_session, paris_recruiter):
    _, job, _ = paris_recruiter
    spring = _next_day(PARIS, "02:30", exists=False)
    before, after = spring - timedelta(days=1), spring + timedelta(days=1)
    for day in (before, after):
        response = _schedule(client, job, f"{day:%Y-%m-%d}T10:00")
        assert response.status_code == 303, response.get_data(as_text=True)
    # 10:00 in Paris is 09:00 UTC in winter time (CET) and 08:00 UTC in summer time (CEST)
    assert _booked(db_session, job) == [
        datetime(before.year, before.month, before.day, 9, 0, tzinfo=UTC),
        datetime(after.year, after.month, after.day, 8, 0, tzinfo=UTC),
    ]
    flashed = client.get("/interviews").get_data(as_text=True)
    assert f"{after:%d %b %Y}, 10:00 CEST" in flashed


def test_a_skipped_time_is_refused_with_a_clear_400_and_nothing_is_booked(client, db_session, paris_recruiter):
    _, job, _ = paris_recruiter
    spring = _next_day(PARIS, "02:30", exists=False)
    response = _schedule(client, job, f"{spring:%Y-%m-%d}T02:30")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"{spring:%d %b %Y}, 02:30 does not exist in Europe/Paris" in page
    assert _booked(db_session, job) == []


def test_a_doubled_time_is_booked_at_its_first_occurrence(client, db_session, paris_recruiter):
    _, job, _ = paris_recruiter
    autumn = _next_day(PARIS, "02:30", exists=True, twice=True)
    assert _schedule(client, job, f"{autumn:%Y-%m-%d}T02:30").status_code == 303
    assert _booked(db_session, job) == [datetime(autumn.year, autumn.month, autumn.day, 0, 30, tzinfo=UTC)]


def test_rescheduling_reads_and_shows_the_viewers_zone(client, db_session, paris_recruiter):
    _, job, candidate = paris_recruiter
    interview = gen_interview(db_session, candidate, job, status="scheduled", start_time=null(),
                              scheduled_time=datetime.now(UTC) + timedelta(days=3))
    url = f"/interviews/{interview.session_id}/reschedule"
    form = client.get(url).get_data(as_text=True)
    assert "New date and time (Europe/Paris)" in form
    shown = interview.scheduled_time.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{shown}"' in form  # the current time, in Paris, as the field reads it

    spring = _next_day(PARIS, "02:30", exists=False)
    refused = client.post(url, data={"scheduled_time": f"{spring:%Y-%m-%d}T02:30"})
    assert refused.status_code == 400 and "does not exist in Europe/Paris" in refused.get_data(as_text=True)

    after = spring + timedelta(days=1)
    done = client.post(url, data={"scheduled_time": f"{after:%Y-%m-%d}T10:00"})
    assert done.status_code == 303
    db_session.refresh(interview)
    assert interview.scheduled_time.astimezone(UTC) == datetime(after.year, after.month, after.day, 8, 0, tzinfo=UTC)
    assert f"Interview rescheduled to {after:%d %b %Y}, 10:00 CEST." in client.get(done.headers["Location"]).get_data(
        as_text=True
    )


def test_joining_by_invitation_stores_the_detected_zone(app, db_session):
    from tests.factories import gen_invitation

    company = gen_company(db_session, gen_user(db_session, role="employer"))
    invitation = gen_invitation(db_session, company, email="invited.zone@example.test", role="recruiter")
    browser = app.test_client()
    page = browser.get(f"/invitations/{invitation.secret}").get_data(as_text=True)
    assert "data-detect-time-zone" in page and "/static/timezone" in page
    data = {"first_name": "Ines", "last_name": "Invited", "username": "ines.invited", "password": PASSWORD * 2,
            "confirm": PASSWORD * 2, "time_zone": "Asia/Tokyo"}
    assert browser.post(f"/invitations/{invitation.secret}", data=data).status_code == 303
    user = db_session.scalar(select(User).where(User.username == "ines.invited"))
    assert zone_of(db_session, user.id) == "Asia/Tokyo"
    assert "JST" in browser.get("/account").get_data(as_text=True)
