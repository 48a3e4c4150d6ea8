"""The employer's jobs list: search, filters, sorting, paging, counts, fragments and a fixed query count."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_ranking, gen_user
from tests.querycount import statements_of

HTMX_ROWS = {"HX-Request": "true", "HX-Target": "job-rows"}


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user, company_name="Initech")
    return user


@pytest.fixture
def company(employer):
    return employer.company


@pytest.fixture
def logged_in(auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return employer


def titles(html: str) -> list[str]:
    """The job titles of the table rows, top to bottom."""
    return re.findall(r'<th scope="row"><a href="/jobs/\d+">([^<]*)</a></th>', html)


def page_of(client, query: str = "", **kw) -> str:
    response = client.get(f"/jobs{query}", **kw)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- what a row shows ----------------------------------------------------------------------


def test_rows_show_focus_status_date_interview_counts_and_top_score(client, db_session, company, logged_in):
    job = gen_job(
        db_session, company, title="Platform Engineer", job_focus="technical",
        created_at=datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
    )
    candidate = gen_user(db_session)
    for status in ("scheduled", "scheduled", "completed", "no_show", "in_progress"):
        gen_interview(db_session, candidate, job, status=status)
    gen_interview(db_session, candidate, job, status="completed", is_practice=True)  # not the employer's
    gen_ranking(db_session, job, overall_score=Decimal("91.50"))
    gen_ranking(db_session, job, overall_score=Decimal("64.00"))
    gen_job(db_session, company, title="Quiet Role", is_active=False)

    html = page_of(client)

    assert set(titles(html)) == {"Platform Engineer", "Quiet Role"}
    row = html[html.index("Platform Engineer"):html.index("</tr>", html.index("Platform Engineer"))]
    assert 'class="pill focus-technical">Technical' in row
    assert 'aria-checked="true"' in row and ">Active<" in row
    assert "14 Mar 2026" in row
    assert "2 scheduled" in row and "1 completed" in row and "1 no show" in row and "1 in progress" in row
    assert "5 interviews by status" in row  # the practice session is not counted
    assert "cancelled" not in row  # zero counts are left out
    assert "91.5" in row and "64.0" not in row
    quiet = html[html.index("Quiet Role"):]
    assert 'aria-checked="false"' in quiet and "None yet" in quiet


def test_only_the_employers_own_jobs_are_listed(client, db_session, company, logged_in):
    gen_job(db_session, company, title="Mine")
    gen_job(db_session, gen_company(db_session), title="Someone Else's Secret Role")
    html = page_of(client)
    assert titles(html) == ["Mine"]
    assert "Secret Role" not in page_of(client, "?q=Secret")


# --- search ---------------------------------------------------------------------------------


def test_search_matches_title_case_insensitively_anywhere(client, db_session, company, logged_in):
    for title in ("Senior Backend Engineer", "Frontend engineer", "Designer"):
        gen_job(db_session, company, title=title)
    assert sorted(titles(page_of(client, "?q=ENGINEER"))) == ["Frontend engineer", "Senior Backend Engineer"]
    assert titles(page_of(client, "?q=ntEND+eng")) == ["Frontend engineer"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("%25", ["100% Remote"]), ("_", ["Data_Engineer"]), ("%5C", [r"Back\slash"]), ("a_E", ["Data_Engineer"])],
)
def test_search_wildcards_are_literal(client, db_session, company, logged_in, query, expected):
    for title in ("100% Remote", "Data_Engineer", "DataXEngineer", r"Back\slash"):
        gen_job(db_session, company, title=title)
    assert titles(page_of(client, f"?q={query}")) == expected


def test_search_with_nul_and_oversized_input_is_harmless(client, db_session, company, logged_in):
    gen_job(db_session, company, title="Engineer")
    assert titles(page_of(client, "?q=Engi%00neer")) == ["Engineer"]
    html = page_of(client, "?q=" + "x" * 5000)
    assert "No jobs match" in html


# --- filters ----------------------------------------------------------------------------------


def test_active_and_focus_filters(client, db_session, company, logged_in):
    gen_job(db_session, company, title="Open Tech", job_focus="technical", is_active=True)
    gen_job(db_session, company, title="Closed Tech", job_focus="technical", is_active=False)
    gen_job(db_session, company, title="Open People", job_focus="behavioral", is_active=True)
    gen_job(db_session, company, title="Open Both", job_focus="balanced", is_active=True)

    assert sorted(titles(page_of(client, "?active=active"))) == ["Open Both", "Open People", "Open Tech"]
    assert titles(page_of(client, "?active=inactive")) == ["Closed Tech"]
    assert sorted(titles(page_of(client, "?focus=technical"))) == ["Closed Tech", "Open Tech"]
    assert titles(page_of(client, "?focus=behavioral&active=active")) == ["Open People"]
    assert len(titles(page_of(client, "?focus=nonsense&active=whatever"))) == 4  # unknown: no filter


# --- sorting ----------------------------------------------------------------------------------


@pytest.fixture
def sortable(db_session, company):
    """Three jobs whose order differs for every column."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    candidate = gen_user(db_session)
    alpha = gen_job(db_session, company, title="alpha", job_focus="technical", is_active=False, created_at=base)
    bravo = gen_job(db_session, company, title="Bravo", job_focus="balanced", is_active=True,
                    created_at=base + timedelta(days=2))
    charlie = gen_job(db_session, company, title="charlie", job_focus="behavioral", is_active=True,
                      created_at=base + timedelta(days=1))
    for job, n in ((alpha, 2), (bravo, 0), (charlie, 1)):
        for _ in range(n):
            gen_interview(db_session, candidate, job)
    gen_ranking(db_session, bravo, overall_score=Decimal("55.00"))
    gen_ranking(db_session, alpha, overall_score=Decimal("88.00"))
    # charlie has no ranking: it sorts last both ways


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["alpha", "Bravo", "charlie"]),
        ("-title", ["charlie", "Bravo", "alpha"]),
        ("focus", ["Bravo", "charlie", "alpha"]),
        ("-focus", ["alpha", "charlie", "Bravo"]),
        ("status", ["Bravo", "charlie", "alpha"]),  # active first (ties by id)
        ("-status", ["alpha", "charlie", "Bravo"]),
        ("created_at", ["alpha", "charlie", "Bravo"]),
        ("-created_at", ["Bravo", "charlie", "alpha"]),
        ("interviews", ["Bravo", "charlie", "alpha"]),
        ("-interviews", ["alpha", "charlie", "Bravo"]),
        ("top_score", ["Bravo", "alpha", "charlie"]),
        ("-top_score", ["alpha", "Bravo", "charlie"]),
    ],
)
def test_sort_by_every_column(client, sortable, logged_in, sort, expected):
    html = page_of(client, f"?sort={sort}")
    assert titles(html) == expected
    key = sort.removeprefix("-")
    direction = "descending" if sort.startswith("-") else "ascending"
    assert f'aria-sort="{direction}"' in html
    assert html.count("aria-sort=") == 1
    reverse = key if sort.startswith("-") else f"-{key}"
    reverse_url = "/jobs" if reverse == "-created_at" else f"/jobs?sort={reverse}"  # the default needs no parameter
    assert f'href="{reverse_url}"' in html  # clicking the header again reverses the order


@pytest.mark.parametrize("sort", ["bogus", "--title", "", "-", "title;DROP TABLE company_job"])
def test_unknown_sort_falls_back_to_newest_first(client, sortable, logged_in, sort):
    assert titles(page_of(client, f"?sort={sort}")) == ["Bravo", "charlie", "alpha"]


# --- paging -----------------------------------------------------------------------------------


@pytest.fixture
def many_jobs(db_session, company):
    base = datetime(2026, 1, 1, tzinfo=UTC)
    return [gen_job(db_session, company, title=f"Job {n:03d}", created_at=base + timedelta(hours=n)) for n in range(45)]


def test_twenty_per_page_by_default_and_pages_link_to_each_other(client, many_jobs, logged_in):
    html = page_of(client)
    assert len(titles(html)) == 20 and titles(html)[0] == "Job 044"
    assert "Showing 1–20 of 45 jobs" in html and "Page 1 of 3" in html
    assert 'href="/jobs?page=2"' in html and "Previous" not in html
    second = page_of(client, "?page=2")
    assert titles(second)[0] == "Job 024"
    assert 'href="/jobs?page=1"' not in second and 'href="/jobs"' in second  # page 1 is the default URL
    assert 'href="/jobs?page=3"' in second


@pytest.mark.parametrize("per_page", [10, 20, 50, 100])
def test_allowed_page_sizes(client, many_jobs, logged_in, per_page):
    assert len(titles(page_of(client, f"?per_page={per_page}"))) == min(per_page, 45)


@pytest.mark.parametrize("per_page", ["7", "1000", "abc", "-10", "0"])
def test_other_page_sizes_fall_back_to_twenty(client, many_jobs, logged_in, per_page):
    assert len(titles(page_of(client, f"?per_page={per_page}"))) == 20


@pytest.mark.parametrize("page", ["4", "99", "999999999999999999999999"])
def test_a_page_past_the_end_shows_the_last_page(client, many_jobs, logged_in, page):
    html = page_of(client, f"?page={page}")
    assert titles(html) == [f"Job {n:03d}" for n in range(4, -1, -1)]
    assert "Showing 41–45 of 45 jobs" in html and "Page 3 of 3" in html


@pytest.mark.parametrize("page", ["abc", "1.5", "-1", "٣", "2x", "%00"])
def test_a_page_that_is_not_a_number_is_a_clear_400(client, many_jobs, logged_in, page):
    response = client.get(f"/jobs?page={page}")
    assert response.status_code == 400
    assert "The page must be a whole number such as 2" in response.get_data(as_text=True)


def test_page_zero_is_the_first_page(client, many_jobs, logged_in):
    assert titles(page_of(client, "?page=0"))[0] == "Job 044"


# --- fragments, URL state, no-JS ------------------------------------------------------------


def test_htmx_request_for_the_rows_gets_only_the_rows_and_the_canonical_url(client, many_jobs, logged_in):
    response = client.get("/jobs?q=Job+00&active=all&focus=&sort=-created_at&per_page=20&page=", headers=HTMX_ROWS)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="job-rows"')
    assert "<html" not in html and 'id="job-filters"' not in html
    assert titles(html) == [f"Job {n:03d}" for n in range(9, -1, -1)]
    assert response.headers["HX-Push-Url"] == "/jobs?q=Job+00"  # defaults left out
    assert "HX-Request" in response.headers["Vary"]


def test_select_all_rerenders_rows_checked_without_pushing_a_url(client, many_jobs, logged_in):
    response = client.get("/jobs?page=2&select_all=1", headers=HTMX_ROWS | {"HX-Trigger-Name": "select_all"})
    html = response.get_data(as_text=True)
    assert "HX-Push-Url" not in response.headers
    assert html.count('name="job_ids"') == 20
    assert len(re.findall(r'name="job_ids" value="\d+" form="job-bulk"\s+aria-label="[^"]*" checked', html)) == 20
    unchecked = client.get("/jobs?page=2", headers=HTMX_ROWS | {"HX-Trigger-Name": "select_all"})
    assert " checked>" not in unchecked.get_data(as_text=True)


def test_history_restore_gets_the_whole_page(client, many_jobs, logged_in):
    response = client.get("/jobs?q=Job", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" in html and 'id="job-filters"' in html and 'value="Job"' in html


def test_full_page_works_without_javascript(client, many_jobs, logged_in):
    html = page_of(client, "?q=Job&sort=title&per_page=10")
    form = html[html.index('<form id="job-filters"'):html.index("</form>", html.index('<form id="job-filters"'))]
    assert 'method="get"' in form and 'action="/jobs"' in form
    assert '<noscript><button type="submit"' in form
    assert 'name="q" value="Job"' in form and '<option value="10" selected>' in form
    # the sort is carried by the filter form even though it sits next to the table
    assert '<input type="hidden" name="sort" value="title" form="job-filters">' in html
    assert 'hx-trigger="input changed delay:250ms, search"' in form and 'hx-push-url="true"' in form
    assert 'href="/jobs?q=Job&amp;sort=-title&amp;per_page=10"' in html  # header links are real links
    assert 'href="/jobs?q=Job&amp;sort=title&amp;page=2&amp;per_page=10"' in html


# --- empty states -----------------------------------------------------------------------------


def test_no_jobs_at_all_invites_to_post_the_first(client, logged_in):
    html = page_of(client)
    assert "No jobs yet" in html and 'href="/jobs/new">Post your first job' in html
    assert 'id="job-filters"' not in html


def test_no_match_says_so_and_offers_to_clear_the_filters(client, db_session, company, logged_in):
    gen_job(db_session, company, title="Engineer")
    html = page_of(client, "?q=<b>zebra</b>")
    assert "No jobs match “&lt;b&gt;zebra&lt;/b&gt;”" in html
    assert 'href="/jobs">Clear filters' in html
    assert "No jobs match these filters" in page_of(client, "?focus=behavioral")


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["user", "admin"])
def test_candidates_and_admins_are_refused(client, auth, db_session, role):
    user = gen_user(db_session, role=role)
    auth.login(user.email, PASSWORD)
    assert client.get("/jobs").status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get("/jobs?q=x")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_employer_without_a_company_gets_404(client, auth, db_session):
    user = gen_user(db_session, role="employer")
    auth.login(user.email, PASSWORD)
    assert client.get("/jobs").status_code == 404


# --- no N+1 -----------------------------------------------------------------------------------


def test_the_list_takes_the_same_few_queries_whatever_the_page_size(app, client, db_session, company, logged_in):
    candidates = [gen_user(db_session) for _ in range(3)]
    for n in range(105):
        job = gen_job(db_session, company, title=f"Role {n:03d}", is_active=n % 3 != 0)
        for status, candidate in zip(("completed", "scheduled", "cancelled"), candidates, strict=True):
            gen_interview(db_session, candidate, job, status=status)
        gen_ranking(db_session, job, candidates[0], overall_score=Decimal(n % 100))

    small, small_html = statements_of(app, client, "/jobs?per_page=10&sort=-top_score")
    large, large_html = statements_of(app, client, "/jobs?per_page=100&sort=-top_score")

    assert len(titles(small_html)) == 10 and len(titles(large_html)) == 100
    assert large_html.count("1 completed") == 100 and "99.0" in large_html
    assert len(small) == len(large)
    # the login session, the company, the counts and the rows; the rest is savepoint bookkeeping
    assert [s.split()[0] for s in large].count("SELECT") == 4
