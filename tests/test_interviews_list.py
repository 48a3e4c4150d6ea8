"""The employer's interviews list: scope, filters, search, sorting, paging, bad input and a fixed query count."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_sentiment_session,
    gen_user,
)
from tests.querycount import statements_of

HTMX_ROWS = {"HX-Request": "true", "HX-Target": "interview-rows"}
DAY = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user, company_name="Initech")
    return user


@pytest.fixture
def company(employer):
    return employer.company


@pytest.fixture
def job(db_session, company):
    return gen_job(db_session, company, title="Platform Engineer")


@pytest.fixture
def logged_in(auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return employer


def candidate(db_session, first: str, last: str, email: str | None = None):
    return gen_user(db_session, first_name=first, last_name=last, **({"email": email} if email else {}))


def names(html: str) -> list[str]:
    """The candidate names of the table rows, top to bottom."""
    return [
        name.strip()
        for name in re.findall(r'<th scope="row" class="candidate">\s*(?:<a href="[^"]*">)?([^<]*)', html)
    ]


def row_of(html: str, name: str) -> str:
    """The whole table row of the candidate called `name`."""
    at = html.index(name)
    return html[html.rindex("<tr", 0, at):html.index("</tr>", at)]


def page_of(client, query: str = "", **kw) -> str:
    response = client.get(f"/interviews{query}", **kw)
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:2000])
    return response.get_data(as_text=True)


def bad_request(client, query: str, **kw) -> str:
    response = client.get(f"/interviews{query}", **kw)
    assert response.status_code == 400, response.status_code
    return response.get_data(as_text=True)


# --- what a row shows ----------------------------------------------------------------------


def test_a_row_shows_candidate_job_status_times_scores_and_sentiment(app, client, db_session, job, logged_in):
    ada = candidate(db_session, "Ada", "Lovelace", "ada@example.test")
    interview = gen_interview(
        db_session, ada, job, status="completed", start_time=DAY, duration=3900.0, completion_percentage=85,
        technical_accuracy=Decimal("91.50"), behavioral_score=Decimal("42.00"),
    )
    gen_sentiment_session(db_session, interview, overall_sentiment="mixed")

    html = page_of(client)

    row = row_of(html, "Ada Lovelace")
    assert "ada@example.test" in row
    assert "Platform Engineer" in row
    assert 'class="pill status-completed">Completed' in row
    assert "14 Mar 2026, 09:30" in row and 'datetime="2026-03-14T09:30:00Z"' in row
    assert "1 h 05 min" in row
    assert "85%" in row
    assert 'score score-high">91.5' in row and 'score score-low">42.0' in row
    assert 'class="pill sentiment-mixed">Mixed' in row
    link = f'href="/interviews/{interview.session_id}"'
    assert (link in row) == ("interviews.show" in app.view_functions)


def test_missing_values_show_dashes_and_a_hidden_sentiment_says_not_shared(client, db_session, job, logged_in):
    gen_interview(db_session, candidate(db_session, "Nova", "Pending"), job, status="scheduled", duration=None)
    shy = gen_interview(db_session, candidate(db_session, "Shy", "Person"), job, status="completed")
    gen_sentiment_session(db_session, shy, overall_sentiment="negative", employer_visible=False)

    html = page_of(client)

    pending = row_of(html, "Nova Pending")
    assert "Not analysed yet" in pending and "—" in pending
    hidden = row_of(html, "Shy Person")
    assert "Not shared" in hidden and "sentiment-negative" not in hidden


# --- scope -----------------------------------------------------------------------------------


def test_only_the_companys_real_interviews_are_listed(client, db_session, job, logged_in):
    gen_interview(db_session, candidate(db_session, "Mine", "Candidate"), job)
    gen_interview(db_session, candidate(db_session, "Practice", "Run"), job, is_practice=True)
    gen_interview(db_session, candidate(db_session, "No", "Job"), None)
    other_job = gen_job(db_session, gen_company(db_session), title="Secret Role")
    gen_interview(db_session, candidate(db_session, "Foreign", "Candidate"), other_job)

    html = page_of(client)

    assert names(html) == ["Mine Candidate"]
    assert "Secret Role" not in html and "Practice Run" not in html


def test_filtering_by_another_companys_job_is_a_400_that_shows_none_of_its_data(client, db_session, job, logged_in):
    other_job = gen_job(db_session, gen_company(db_session), title="Secret Role")
    gen_interview(db_session, candidate(db_session, "Foreign", "Candidate"), other_job)

    for value in (str(other_job.id), "2000000000", "99999999999999", "abc", "-1", "1.5"):
        html = bad_request(client, f"?job={value}")
        assert "Unknown job" in html
        assert "Foreign Candidate" not in html and "Secret Role" not in html


def test_the_job_filter_lists_own_jobs_and_narrows_the_rows(client, db_session, company, job, logged_in):
    other = gen_job(db_session, company, title="Data Analyst")
    gen_interview(db_session, candidate(db_session, "Eng", "One"), job)
    gen_interview(db_session, candidate(db_session, "Ana", "Lyst"), other)
    gen_job(db_session, gen_company(db_session), title="Secret Role")

    html = page_of(client, f"?job={other.id}")

    assert names(html) == ["Ana Lyst"]
    assert f'<option value="{other.id}" selected>Data Analyst</option>' in html
    assert "Platform Engineer</option>" in html and "Secret Role" not in html


def test_the_job_page_links_to_its_interviews(client, db_session, company, job, logged_in):
    gen_interview(db_session, candidate(db_session, "Eng", "One"), job)
    gen_interview(db_session, candidate(db_session, "Other", "Job"), gen_job(db_session, company))

    job_page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'href="/interviews?job={job.id}"' in job_page
    assert names(page_of(client, f"?job={job.id}")) == ["Eng One"]


# --- filters ------------------------------------------------------------------------------


def test_status_filter(client, db_session, job, logged_in):
    for first, status in (("Sam", "scheduled"), ("Cora", "completed"), ("Nina", "no_show")):
        gen_interview(db_session, candidate(db_session, first, "Test"), job, status=status)

    assert names(page_of(client, "?status=no_show")) == ["Nina Test"]
    assert names(page_of(client, "?status=completed")) == ["Cora Test"]
    assert "Unknown status" in bad_request(client, "?status=finished")


def test_date_range_is_inclusive_utc_days_on_the_start_time(client, db_session, job, logged_in):
    for first, start in (
        ("Before", datetime(2026, 3, 9, 23, 59, tzinfo=UTC)),
        ("First", datetime(2026, 3, 10, 0, 0, tzinfo=UTC)),
        ("Last", datetime(2026, 3, 12, 23, 59, tzinfo=UTC)),
        ("After", datetime(2026, 3, 13, 0, 0, tzinfo=UTC)),
    ):
        gen_interview(db_session, candidate(db_session, first, "Day"), job, start_time=start)

    assert set(names(page_of(client, "?from=2026-03-10&to=2026-03-12"))) == {"First Day", "Last Day"}
    assert set(names(page_of(client, "?from=2026-03-12"))) == {"Last Day", "After Day"}
    assert set(names(page_of(client, "?to=2026-03-09"))) == {"Before Day"}
    assert names(page_of(client, "?from=2026-03-10&to=2026-03-10")) == ["First Day"]


@pytest.mark.parametrize(
    "query, message",
    [
        ("?from=yesterday", "The start date must be a date like 2026-03-14"),
        ("?to=2026-02-30", "The end date must be a date like 2026-03-14"),
        ("?from=2026-3-1", "The start date must be a date like"),
        ("?from=2026-03-01T10:00", "The start date must be a date like"),
        ("?from=0001-01-01", "between the years 1900 and 2999"),
        ("?to=9999-12-31", "between the years 1900 and 2999"),
        ("?from=2026-03-12&to=2026-03-10", "The end date is before the start date"),
        ("?from=2020-01-01&to=2025-01-02", "at most 5 years"),
    ],
)
def test_bad_dates_are_a_clear_400(client, db_session, job, logged_in, query, message):
    gen_interview(db_session, candidate(db_session, "Any", "One"), job)
    html = bad_request(client, query)
    assert message in html
    assert 'role="alert"' in html
    assert "Any One" not in html  # an error shows no rows


def test_five_years_exactly_is_allowed(client, db_session, job, logged_in):
    gen_interview(db_session, candidate(db_session, "Leap", "Year"), job, start_time=datetime(2024, 2, 29, tzinfo=UTC))
    assert names(page_of(client, "?from=2020-01-01&to=2025-01-01")) == ["Leap Year"]
    assert names(page_of(client, "?from=2024-02-29&to=2029-02-28")) == ["Leap Year"]
    bad_request(client, "?from=2024-02-29&to=2029-03-01")


def test_a_bad_filter_keeps_the_form_as_sent_so_it_can_be_fixed(client, db_session, job, logged_in):
    html = bad_request(client, "?q=ada&from=2026-03-12&to=2026-03-10")
    assert 'name="q" value="ada"' in html
    assert 'name="from" value="2026-03-12"' in html and 'name="to" value="2026-03-10"' in html
    assert 'href="/interviews">Clear the filters' in html


# --- search -----------------------------------------------------------------------------------


def test_search_by_name_full_name_or_email_case_insensitively(client, db_session, job, logged_in):
    gen_interview(db_session, candidate(db_session, "Ada", "Lovelace", "countess@analytical.test"), job)
    gen_interview(db_session, candidate(db_session, "Grace", "Hopper", "grace@navy.test"), job)

    assert names(page_of(client, "?q=LOVE")) == ["Ada Lovelace"]
    assert names(page_of(client, "?q=ada+lovelace")) == ["Ada Lovelace"]
    assert names(page_of(client, "?q=navy.test")) == ["Grace Hopper"]
    assert names(page_of(client, "?q=%20%20grace%20%20")) == ["Grace Hopper"]


@pytest.mark.parametrize("query, expected", [("%", ["Per Cent"]), ("_", ["Under Score"]), ("\\", ["Back Slash"])])
def test_search_wildcards_are_literal(client, db_session, job, logged_in, query, expected):
    gen_interview(db_session, candidate(db_session, "Per", "Cent", "100%@example.test"), job)
    gen_interview(db_session, candidate(db_session, "Under", "Score", "under_score@example.test"), job)
    gen_interview(db_session, candidate(db_session, "Back", "Slash", "back\\slash@example.test"), job)
    gen_interview(db_session, candidate(db_session, "Plain", "Name", "plain@example.test"), job)

    assert names(page_of(client, "", query_string={"q": query})) == expected


def test_search_with_nul_and_oversized_input_is_harmless(client, db_session, job, logged_in):
    gen_interview(db_session, candidate(db_session, "Ada", "Lovelace"), job)
    assert names(page_of(client, "", query_string={"q": "Ada\x00"})) == ["Ada Lovelace"]
    assert names(page_of(client, "", query_string={"q": "x" * 5000})) == []


# --- sorting ------------------------------------------------------------------------------------


@pytest.fixture
def sortable(db_session, company):
    """Three interviews whose order differs for every sort key."""
    alpha, beta = gen_job(db_session, company, title="alpha role"), gen_job(db_session, company, title="Beta role")
    rows = [
        # first, job, status, start (days ago), completion, technical, behavioral
        ("Cleo", beta, "scheduled", 1, 10, "50.00", "90.00"),
        ("anna", alpha, "no_show", 3, 90, None, "20.00"),
        ("Bert", beta, "completed", 2, 50, "95.00", "55.00"),
    ]
    for first, job, status, days, completion, technical, behavioral in rows:
        gen_interview(
            db_session, candidate(db_session, first, "Sort"), job, status=status,
            start_time=DAY - timedelta(days=days), completion_percentage=completion,
            technical_accuracy=Decimal(technical) if technical else None, behavioral_score=Decimal(behavioral),
        )


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("", ["Cleo", "Bert", "anna"]),
        ("-start_time", ["Cleo", "Bert", "anna"]),
        ("start_time", ["anna", "Bert", "Cleo"]),
        ("candidate", ["anna", "Bert", "Cleo"]),
        ("-candidate", ["Cleo", "Bert", "anna"]),
        ("job", ["anna", "Cleo", "Bert"]),
        ("status", ["Bert", "anna", "Cleo"]),
        ("-completion", ["anna", "Bert", "Cleo"]),
        ("completion", ["Cleo", "Bert", "anna"]),
        ("-technical", ["Bert", "Cleo", "anna"]),  # no score yet: last either way
        ("technical", ["Cleo", "Bert", "anna"]),
        ("-behavioral", ["Cleo", "Bert", "anna"]),
        ("behavioral", ["anna", "Bert", "Cleo"]),
    ],
)
def test_sort_by_every_column(client, sortable, logged_in, sort, expected):
    html = page_of(client, "", query_string={"sort": sort} if sort else {})
    assert [name.split()[0] for name in names(html)] == expected


@pytest.mark.parametrize("sort", ["nonsense", "-", "--candidate", "duration"])
def test_unknown_sort_falls_back_to_newest_first(client, sortable, logged_in, sort):
    html = page_of(client, "", query_string={"sort": sort})
    assert [name.split()[0] for name in names(html)] == ["Cleo", "Bert", "anna"]


def test_sort_headers_link_to_the_reversed_order_keeping_the_filters(client, sortable, logged_in):
    html = page_of(client, "?sort=candidate&status=completed")
    assert 'aria-sort="ascending"' in html
    assert 'href="/interviews?status=completed&amp;sort=-candidate"' in html
    assert 'href="/interviews?status=completed&amp;sort=-technical"' in html


# --- paging -----------------------------------------------------------------------------------


@pytest.fixture
def many(db_session, job):
    person = candidate(db_session, "Many", "Times")
    for n in range(60):
        gen_interview(db_session, person, job, start_time=DAY - timedelta(hours=n), completion_percentage=n)


def test_twenty_five_per_page_and_pages_link_to_each_other(client, many, logged_in):
    first = page_of(client)
    assert len(names(first)) == 25
    assert "Showing 1–25 of 60 interviews" in first and "Page 1 of 3" in first
    assert 'href="/interviews?page=2" rel="next"' in first
    second = page_of(client, "?page=2")
    assert "Showing 26–50 of 60" in second
    assert 'href="/interviews" rel="prev"' in second and 'href="/interviews?page=3" rel="next"' in second


def test_paging_keeps_the_order(client, many, logged_in):
    html = page_of(client, "?sort=completion&page=3")
    assert "Showing 51–60 of 60" in html
    assert re.findall(r'<td class="num">(\d+)%</td>', html) == [str(n) for n in range(50, 60)]


@pytest.mark.parametrize("page", ["4", "999999999999999999999"])
def test_a_page_past_the_end_shows_the_last_page(client, many, logged_in, page):
    html = page_of(client, f"?page={page}")
    assert "Page 3 of 3" in html and "Showing 51–60 of 60" in html


@pytest.mark.parametrize("page", ["two", "-1", "1.5", "½"])
def test_a_page_that_is_not_a_number_is_a_clear_400(client, many, logged_in, page):
    assert "The page must be a whole number" in bad_request(client, "", query_string={"page": page})


def test_page_zero_is_the_first_page(client, many, logged_in):
    assert "Page 1 of 3" in page_of(client, "?page=0")


# --- htmx ---------------------------------------------------------------------------------------


def test_htmx_request_for_the_rows_gets_only_the_rows_and_the_canonical_url(client, many, job, logged_in):
    response = client.get(f"/interviews?q=many&status=&job={job.id}&sort=-start_time&page=2", headers=HTMX_ROWS)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="interview-rows"')
    assert "<html" not in html and 'id="interview-filters"' not in html
    assert response.headers["HX-Push-Url"] == f"/interviews?q=many&job={job.id}&page=2"
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_bad_filter_swaps_a_message_into_the_rows_and_keeps_the_url(client, many, logged_in):
    response = client.get("/interviews?from=2026-03-12&to=2026-03-01", headers=HTMX_ROWS)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.lstrip().startswith('<div id="interview-rows"')
    assert 'role="alert"' in html and "The end date is before the start date" in html
    assert response.headers["HX-Push-Url"] == "false"


def test_history_restore_gets_the_whole_page(client, many, logged_in):
    html = page_of(client, "?page=2", headers={**HTMX_ROWS, "HX-History-Restore-Request": "true"})
    assert "<html" in html and 'id="interview-filters"' in html


def test_full_page_works_without_javascript(client, many, logged_in):
    html = page_of(client)
    form = html[html.index('<form id="interview-filters"'):html.index("</form>", html.index('id="interview-filters"'))]
    assert 'method="get"' in form and 'action="/interviews"' in form
    for name in ("q", "job", "status", "from", "to"):
        assert f'name="{name}"' in form
    assert 'name="practice"' not in form  # practice sessions are never the employer's
    assert "<noscript><button type=\"submit\"" in form
    assert 'hx-push-url="true"' in form and 'hx-indicator="#interview-rows' in form


# --- empty states -------------------------------------------------------------------------------


def test_no_interviews_at_all_says_so(client, job, logged_in):
    html = page_of(client)
    assert "No interviews yet" in html
    assert 'id="interview-filters"' not in html


def test_no_match_says_so_and_offers_to_clear_the_filters(client, db_session, job, logged_in):
    gen_interview(db_session, candidate(db_session, "Ada", "Lovelace"), job)
    html = page_of(client, "?q=zzz")
    assert "No interviews match “zzz”" in html
    assert "see all 1 interview." in html
    assert 'href="/interviews">Clear filters' in html
    assert "No interviews match these filters" in page_of(client, "?status=cancelled")


# --- access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["user", "admin"])
def test_candidates_and_admins_are_refused(client, auth, db_session, role):
    user = gen_user(db_session, role=role)
    auth.login(user.email, PASSWORD)
    assert client.get("/interviews").status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get("/interviews")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_employer_without_a_company_gets_404(client, auth, db_session):
    user = gen_user(db_session, role="employer")
    auth.login(user.email, PASSWORD)
    assert client.get("/interviews").status_code == 404


# --- no N+1 -------------------------------------------------------------------------------------


def _interviews(db_session, job, count: int) -> None:
    for n in range(count):
        person = candidate(db_session, f"Person{n}", "Load")
        interview = gen_interview(db_session, person, job, status="completed", start_time=DAY - timedelta(hours=n))
        gen_sentiment_session(db_session, interview)


def test_the_list_takes_the_same_few_queries_for_10_or_100_interviews(app, client, db_session, company, job, logged_in):
    _interviews(db_session, job, 10)
    small, small_html = statements_of(app, client, "/interviews?sort=-technical")
    _interviews(db_session, gen_job(db_session, company), 90)
    large, large_html = statements_of(app, client, "/interviews?sort=-technical")

    assert len(names(small_html)) == 10 and len(names(large_html)) == 25
    assert len(small) == len(large)
    interview_reads = [s for s in large if "interview_interviewsession" in s or "dashboard_companyinterviewcount" in s]
    assert len(interview_reads) == 2  # one count (from the counters), one page of rows


# --- the tenant scope shared with the interview page ----------------------------------------------


def test_get_interview_or_404_only_finds_the_employers_real_interviews(app, db_session, employer, job):
    from flask_login import login_user
    from werkzeug.exceptions import NotFound

    from webapp.interviews.scope import get_interview_or_404

    person = candidate(db_session, "Scope", "Check")
    own = gen_interview(db_session, person, job)
    practice = gen_interview(db_session, person, job, is_practice=True)
    foreign = gen_interview(db_session, person, gen_job(db_session, gen_company(db_session)))

    with app.test_request_context():
        login_user(employer)
        assert get_interview_or_404(own.session_id).id == own.id
        assert get_interview_or_404(own.session_id, for_update=True).id == own.id
        for session_id in (practice.session_id, foreign.session_id, "no-such-interview", "x" * 300):
            with pytest.raises(NotFound):
                get_interview_or_404(session_id)
        login_user(person)  # a candidate is nobody's employer
        with pytest.raises(NotFound):
            get_interview_or_404(own.session_id)
