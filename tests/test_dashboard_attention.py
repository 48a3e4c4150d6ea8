"""The employer dashboard leads somewhere: every candidate, job and interview is a link, and a
"needs attention" card lists what is waiting (completed without notes, today, technical difficulty),
each list bounded with a "see all" link to the interviews list filtered the same way."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import null

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_user


def _login(auth, user):
    assert auth.login(user.email, PASSWORD).status_code == 302


def _group(page: str, kind: str) -> str:
    """The HTML of one needs-attention list."""
    match = re.search(rf'<section class="attention-group" id="attention-{kind}".*?</section>', page, re.S)
    assert match, f"no {kind} list"
    return match.group(0)


def _hrefs(fragment: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', fragment)]


def _now_today() -> datetime:
    """A moment today (UTC) at least a minute before midnight, so 'later today' stays today."""
    now = datetime.now(UTC)
    return min(now, now.replace(hour=23, minute=58, second=0, microsecond=0))


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    company = gen_company(db_session, user, company_name="Linkworks")
    return user, company


def test_every_candidate_job_and_interview_on_the_dashboard_is_a_link(client, auth, db_session, employer):
    user, company = employer
    job = gen_job(db_session, company, title="Robot Whisperer")
    ada = gen_user(db_session, first_name="Ada", last_name="Lovelace")
    interview = gen_interview(db_session, ada, job, status="completed", interviewer_notes="Strong.",
                              start_time=datetime.now(UTC) - timedelta(days=1))
    _login(auth, user)

    page = client.get("/dashboard").get_data(as_text=True)

    recent = page[page.index('id="recent-title"'):]
    hrefs = _hrefs(recent)
    assert f"/interviews/{interview.session_id}" in hrefs  # the row's date opens the interview
    assert f"/jobs/{job.id}" in hrefs
    assert f"/interviews?candidate={ada.id}" in hrefs  # the candidate: their interviews with this company
    assert re.search(rf'<a href="/interviews\?candidate={ada.id}">Ada Lovelace</a>', recent)
    jobs = page[page.index('id="jobs-title"'):page.index('id="recent-title"')]
    assert f'<a href="/jobs/{job.id}">Robot Whisperer</a>' in jobs


def test_needs_attention_lists_unreviewed_today_and_difficulty_of_this_company_only(client, auth, db_session, employer):
    user, company = employer
    job = gen_job(db_session, company, title="Line Engineer")
    now = _now_today()
    people = {name: gen_user(db_session, first_name=name, last_name="Tester") for name in (
        "Unreviewed", "Reviewed", "Old", "Practice", "Planned", "Cancelled", "Flagged", "Tomorrow")}
    unreviewed = gen_interview(db_session, people["Unreviewed"], job, status="completed",
                               start_time=now - timedelta(days=2))
    gen_interview(db_session, people["Reviewed"], job, status="completed", interviewer_notes="Good answers.",
                  start_time=now - timedelta(days=2))
    gen_interview(db_session, people["Old"], job, status="completed", start_time=now - timedelta(days=20))
    gen_interview(db_session, people["Practice"], job, status="completed", is_practice=True,
                  start_time=now - timedelta(days=1))
    planned = gen_interview(db_session, people["Planned"], job, status="scheduled", start_time=null(),
                            scheduled_time=now + timedelta(seconds=30))
    gen_interview(db_session, people["Cancelled"], job, status="cancelled", start_time=null(), scheduled_time=now)
    gen_interview(db_session, people["Tomorrow"], job, status="scheduled", start_time=null(),
                  scheduled_time=now + timedelta(days=1, hours=1))
    flagged = gen_interview(db_session, people["Flagged"], job, status="no_show", technical_difficulty_reported=True,
                            interviewer_notes="Could not connect.", start_time=now - timedelta(days=3))
    # Another company's interviews of every kind never appear.
    theirs = gen_job(db_session, gen_company(db_session, company_name="Rival"), title="Rival Role")
    for kind in ("completed", "scheduled"):
        gen_interview(db_session, gen_user(db_session, first_name="Foreign", last_name=kind), theirs, status=kind,
                      technical_difficulty_reported=True, start_time=now - timedelta(hours=1))
    _login(auth, user)

    page = client.get("/dashboard").get_data(as_text=True)

    assert "Needs attention" in page
    assert "Foreign" not in page and "Rival Role" not in page
    waiting = _group(page, "unreviewed")
    assert "Unreviewed Tester" in waiting
    others = waiting.replace("Unreviewed Tester", "")
    assert not re.search("Reviewed Tester|Old Tester|Practice Tester|Flagged Tester", others)
    assert f"/interviews/{unreviewed.session_id}" in _hrefs(waiting)
    assert f"/interviews?candidate={people['Unreviewed'].id}" in _hrefs(waiting)
    assert f"/jobs/{job.id}" in _hrefs(waiting)

    today = _group(page, "today")
    assert "Planned Tester" in today and f"/interviews/{planned.session_id}" in _hrefs(today)
    assert "Cancelled Tester" not in today and "Tomorrow Tester" not in today
    assert "Scheduled" in today  # its status

    difficulty = _group(page, "difficulty")
    assert "Flagged Tester" in difficulty and f"/interviews/{flagged.session_id}" in _hrefs(difficulty)
    assert "Unreviewed Tester" not in difficulty
    assert "See all" not in page  # no list is longer than it shows


def test_a_long_list_links_to_all_of_it_and_that_list_is_filtered_the_same_way(client, auth, db_session, employer):
    user, company = employer
    job = gen_job(db_session, company)
    now = datetime.now(UTC)
    for n in range(7):
        gen_interview(db_session, gen_user(db_session, first_name=f"Waiting{n}", last_name="Person"), job,
                      status="completed", start_time=now - timedelta(hours=n + 1))
    gen_interview(db_session, gen_user(db_session, first_name="Noted", last_name="Person"), job, status="completed",
                  interviewer_notes="Done.", start_time=now - timedelta(hours=1))
    _login(auth, user)

    page = client.get("/dashboard").get_data(as_text=True)

    waiting = _group(page, "unreviewed")
    assert waiting.count("<li>") == 5  # the five newest, then a link to the rest
    assert "Waiting0 Person" in waiting and "Waiting6 Person" not in waiting
    see_all = [href for href in _hrefs(waiting) if "reviewed=no" in href]
    assert len(see_all) == 1 and "status=completed" in see_all[0]
    listed = client.get(see_all[0]).get_data(as_text=True)
    assert all(f"Waiting{n} Person" in listed for n in range(7))
    assert "Noted Person" not in listed


def test_nothing_to_attend_to_reads_as_such(client, auth, db_session, employer):
    user, company = employer
    gen_job(db_session, company)
    _login(auth, user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Nothing needs attention" in page
    assert 'id="attention-today"' not in page  # one sentence, not three empty lists


def test_an_empty_list_next_to_a_full_one_says_so(client, auth, db_session, employer):
    user, company = employer
    gen_interview(db_session, gen_user(db_session), gen_job(db_session, company), status="completed",
                  start_time=datetime.now(UTC) - timedelta(days=1))
    _login(auth, user)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "No interviews today." in _group(page, "today")
    assert "No technical difficulty reported in the last 7 days." in _group(page, "difficulty")


# --- The interviews list's filters the links use --------------------------------------------------------


def test_the_candidate_filter_lists_one_candidates_interviews_with_this_company_only(client, auth, db_session,
                                                                                    employer):
    user, company = employer
    job = gen_job(db_session, company, title="Our Role")
    grace, other = gen_user(db_session, first_name="Grace", last_name="Hopper"), gen_user(db_session, first_name="Alan")
    gen_interview(db_session, grace, job, status="completed")
    gen_interview(db_session, other, job, status="completed")
    their_job = gen_job(db_session, gen_company(db_session), title="Their Role")
    gen_interview(db_session, grace, their_job, status="completed")  # the same candidate at another company
    stranger = gen_user(db_session, first_name="Stranger", last_name="Elsewhere")
    gen_interview(db_session, stranger, their_job, status="completed")
    _login(auth, user)

    page = client.get(f"/interviews?candidate={grace.id}").get_data(as_text=True)
    rows = page[page.index('id="interview-rows"'):]
    assert rows.count("<tr id=") == 1 and "Our Role" in rows and "Their Role" not in rows
    assert "Alan" not in rows
    chip = page[page.index('id="filter-candidate"'):].split("</div>", 1)[0]
    assert '<span class="pill">Grace Hopper</span>' in chip and "Remove" in chip

    foreign = client.get(f"/interviews?candidate={stranger.id}").get_data(as_text=True)
    assert "Stranger" not in foreign and "Elsewhere" not in foreign  # never named, nothing listed
    assert "No interviews match these filters" in foreign


@pytest.mark.parametrize("query", ["candidate=abc", "candidate=99999999999", "reviewed=maybe", "difficulty=yes"])
def test_unreadable_new_filters_are_a_clear_400(client, auth, employer, query):
    _login(auth, employer[0])
    response = client.get(f"/interviews?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Clear the filters" in html
    assert 'id="filter-' not in html  # the unreadable value is not carried on as a chip


def test_reviewed_and_difficulty_filters(client, auth, db_session, employer):
    user, company = employer
    job = gen_job(db_session, company)
    gen_interview(db_session, gen_user(db_session, first_name="Noted"), job, status="completed",
                  interviewer_notes="Fine.")
    gen_interview(db_session, gen_user(db_session, first_name="Blank"), job, status="completed", interviewer_notes="  ")
    gen_interview(db_session, gen_user(db_session, first_name="Flagged"), job, status="completed",
                  technical_difficulty_reported=True)
    _login(auth, user)

    def names(query):
        page = client.get(f"/interviews?{query}").get_data(as_text=True)
        return set(re.findall(r"(Noted|Blank|Flagged)", page[page.index('id="interview-rows"'):]))

    assert names("reviewed=no") == {"Blank", "Flagged"}  # blank notes are no review
    assert names("reviewed=yes") == {"Noted"}
    assert names("difficulty=reported") == {"Flagged"}


def test_link_filters_show_as_chips_each_removable_on_its_own(client, auth, db_session, employer):
    user, company = employer
    gen_interview(db_session, gen_user(db_session), gen_job(db_session, company), status="completed")
    _login(auth, user)
    page = client.get("/interviews?status=completed&reviewed=no&difficulty=reported&from=2026-01-01")
    html = page.get_data(as_text=True)
    assert 'name="reviewed"' in html and "<select id=\"interview-reviewed\"" not in html  # a chip, not a choice
    reviewed = html[html.index('id="filter-reviewed"'):].split("</div>", 1)[0]
    assert "Not yet (no interviewer notes)" in reviewed
    remove = _hrefs(reviewed)[0]
    assert "reviewed" not in remove and "difficulty=reported" in remove and "status=completed" in remove
    difficulty = html[html.index('id="filter-difficulty"'):].split("</div>", 1)[0]
    assert "Reported" in difficulty and "Remove<span class=\"visually-hidden\"> the technical difficulty filter" in difficulty
