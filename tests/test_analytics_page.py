"""The analytics page: KPIs and charts of the employer's own company, filters in the URL, htmx swaps,
empty states, bad input, the CSV export and a fixed number of statements."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_user
from tests.querycount import statements_of
from webapp.analytics import metrics, queries, report
from webapp.analytics.services import rollup

TODAY = datetime.now(UTC).date()
HTMX = {"HX-Request": "true", "HX-Target": "analytics-content"}


def _at(days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(hour), tzinfo=UTC)


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user, company_name="Initech")
    return user


@pytest.fixture
def job(db_session, employer):
    return gen_job(db_session, employer.company, title="Platform Engineer", job_focus="technical")


@pytest.fixture
def logged_in(auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return employer


@pytest.fixture
def history(db_session, job):
    """Interviews over the last weeks: 3 in the last 7 days (2 completed), 1 the week before."""
    candidate = gen_user(db_session)
    gen_interview(db_session, candidate, job, status="completed", start_time=_at(1))
    gen_interview(db_session, candidate, job, status="completed", start_time=_at(2), technical_accuracy=60,
                  behavioral_score=50)
    gen_interview(db_session, candidate, job, status="no_show", start_time=_at(3))
    gen_interview(db_session, candidate, job, status="cancelled", start_time=_at(9))
    return job


def kpi(html: str, label: str) -> tuple[str, str]:
    """(value, change) of the KPI card labelled `label`, as the page shows them."""
    match = re.search(
        rf'<span class="stat-label">{re.escape(label)}</span>\s*<span class="stat-value">(.*?)</span>\s*'
        r'<span class="stat-hint[^"]*">(.*?)</span>\s*</div>', html, re.S,
    )
    assert match, label
    return tuple(" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in match.groups())


def test_kpis_compare_with_the_previous_period(client, logged_in, history):
    html = client.get("/analytics?range=7").get_data(as_text=True)
    assert kpi(html, "Interviews") == ("3", "▲ +200% vs previous 7 days")
    assert kpi(html, "Completed")[0] == "2"
    assert kpi(html, "No-show rate")[0] == "33.3%"
    assert kpi(html, "Completion rate") == ("66.7%", "▲ +66.7 pts vs previous 7 days")
    assert kpi(html, "Average score") == ("65.0", "No data for the previous 7 days")  # (75 + 55) / 2
    assert kpi(html, "Average duration")[0] == "30.0 min"
    assert kpi(html, "Communication average") == ("No data", "")  # no communication assessments
    assert "Conversion rate:</strong> no data" in html
    for chart in ("chart-status", "chart-scores", "chart-durations", "chart-score-focus"):
        assert re.search(f'<script type="application/json" data-chart="{chart}-[0-9a-f]+">{{"data"', html), chart
    assert 'id="analytics-job-' in html and "Platform Engineer" in html


def test_rollups_and_live_days_add_up_to_the_same_page(client, logged_in, db_session, history):
    live = client.get("/analytics?range=30").get_data(as_text=True)
    rollup(db_session, TODAY - timedelta(days=29), TODAY - timedelta(days=1))
    rolled = client.get("/analytics?range=30").get_data(as_text=True)
    strip = lambda html: re.findall(r'<span class="stat-value">(.*?)</span>', html)  # noqa: E731
    assert strip(rolled) == strip(live) and strip(live)[0] == "4"


def test_only_the_own_company_is_counted(client, logged_in, db_session, history):
    stranger_job = gen_job(db_session, gen_company(db_session), title="Their Job")
    for days_ago in (1, 2, 3, 4):
        gen_interview(db_session, gen_user(db_session), stranger_job, status="completed", start_time=_at(days_ago))
    rollup(db_session, TODAY - timedelta(days=13), TODAY - timedelta(days=1))
    html = client.get("/analytics?range=7").get_data(as_text=True)
    assert kpi(html, "Interviews")[0] == "3"
    assert "Their Job" not in html
    # Another company's job is answered like a job that does not exist.
    response = client.get(f"/analytics?job={stranger_job.id}")
    assert response.status_code == 404
    assert "Unknown job: choose one of your own jobs" in response.get_data(as_text=True)


def test_job_filter_and_weekly_granularity(client, logged_in, db_session, history):
    other = gen_job(db_session, logged_in.company, title="Data Analyst", job_focus="behavioral")
    gen_interview(db_session, gen_user(db_session), other, status="cancelled", start_time=_at(2))
    html = client.get(f"/analytics?range=7&job={history.id}&granularity=week").get_data(as_text=True)
    assert kpi(html, "Interviews")[0] == "3"
    assert 'id="analytics-job-%d"' % history.id in html and 'id="analytics-job-%d"' % other.id not in html
    assert "Interviews per week" in html
    assert '<option value="week" selected>' in html


def test_the_per_job_table_sorts(client, logged_in, db_session, history):
    quiet = gen_job(db_session, logged_in.company, title="Analyst")
    gen_interview(db_session, gen_user(db_session), quiet, status="cancelled", start_time=_at(1))
    order = lambda html: re.findall(r'<tr id="analytics-job-(\d+)">', html)  # noqa: E731
    by_count = client.get("/analytics?range=7").get_data(as_text=True)
    assert order(by_count) == [str(history.id), str(quiet.id)]  # most interviews first
    by_title = client.get("/analytics?range=7&sort=title").get_data(as_text=True)
    assert order(by_title) == [str(quiet.id), str(history.id)]
    assert 'aria-sort="ascending"' in by_title
    # A job without scores shows "No data", and sorts last whichever way.
    assert order(client.get("/analytics?range=7&sort=average_score").get_data(as_text=True)) == order(
        client.get("/analytics?range=7&sort=-average_score").get_data(as_text=True)
    ) == [str(history.id), str(quiet.id)]


def test_the_per_job_table_shows_the_first_jobs_and_the_csv_lists_every_one(
    client, logged_in, db_session, history, monkeypatch
):
    monkeypatch.setattr(report, "TOP_JOBS", 1)
    quiet = gen_job(db_session, logged_in.company, title="Analyst")
    gen_interview(db_session, gen_user(db_session), quiet, status="cancelled", start_time=_at(1))
    html = client.get("/analytics?range=7").get_data(as_text=True)
    assert re.findall(r'<tr id="analytics-job-(\d+)">', html) == [str(history.id)]
    assert "The first 1 of 2 jobs with interviews in the range" in html
    response = client.get("/analytics/jobs.csv?range=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("Job,Interviews,Completed") and len(lines) == 3
    assert lines[1].startswith("Platform Engineer,3,2,") and lines[2].startswith("Analyst,1,0,1,")
    assert client.get("/analytics/jobs.csv?range=8").status_code == 400


def test_htmx_swaps_the_content_and_pushes_the_canonical_url(client, logged_in, history):
    response = client.get("/analytics?range=90&granularity=day&job=&from=&to=", headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="analytics-content"') and "<html" not in body
    assert response.headers["HX-Push-Url"] == "/analytics?range=90"
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("range=14", "Choose a range of 7, 30, 90 or 365 days, or custom dates."),
        ("range=custom&from=2026-03-01", "Choose both a start and an end date for a custom range."),
        ("range=custom&from=2026-03-10&to=2026-03-01", "The end date is before the start date"),
        ("range=custom&from=2020-01-01&to=2026-01-02", "Choose a date range of at most 5 years."),
        ("range=custom&from=2026-02-30&to=2026-03-01", "The start date must be a date like 2026-03-14"),
        ("range=custom&from=0001-01-01&to=0001-02-01", "between the years 1900 and 2999"),
        ("range=custom&from=2026-01-01&to=%00", "The end date must be a date like"),
        ("granularity=year", "Group the figures by day, week or month."),
    ],
)
def test_bad_parameters_get_a_clear_message(client, logged_in, history, query, message):
    response = client.get(f"/analytics?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    live = client.get(f"/analytics?{query}", headers=HTMX)
    assert live.status_code == 422 and live.headers["HX-Push-Url"] == "false"
    assert 'role="alert"' in live.get_data(as_text=True)
    assert client.get(f"/analytics.csv?{query}").status_code == 400


@pytest.mark.parametrize("job_param", ["2000000000", "99999999999999", "abc", "-1"])
def test_unknown_jobs_are_not_found(client, logged_in, history, job_param):
    response = client.get(f"/analytics?job={job_param}")
    assert response.status_code == 404 and "Unknown job" in response.get_data(as_text=True)
    assert client.get(f"/analytics.csv?job={job_param}").status_code == 404


def test_a_five_year_custom_range_is_accepted(client, logged_in, history):
    first = TODAY.replace(year=TODAY.year - 5) if not (TODAY.month == 2 and TODAY.day == 29) else TODAY - timedelta(days=1826)
    response = client.get(f"/analytics?range=custom&from={first}&to={TODAY}")
    assert response.status_code == 200 and kpi(response.get_data(as_text=True), "Interviews")[0] == "4"


def test_a_brand_new_company_sees_a_helpful_empty_state(client, logged_in):
    html = client.get("/analytics").get_data(as_text=True)
    assert "No interviews to analyse yet" in html and "stat-value" not in html and "data-chart" not in html


def test_an_empty_range_says_so_instead_of_showing_zeros(client, logged_in, db_session, job):
    gen_interview(db_session, gen_user(db_session), job, status="completed", start_time=_at(200))
    html = client.get("/analytics?range=30").get_data(as_text=True)
    # (the candidate joined the job's pipeline today: the funnel has that decision, the interview KPIs nothing)
    assert "No interviews in this range" in html and "stat kpi " not in html
    assert "Show the last 365 days" in html


def test_the_statement_count_does_not_grow_with_the_range(app, client, logged_in, db_session, history):
    for days_ago in range(0, 300, 7):
        gen_interview(db_session, gen_user(db_session), history, status="completed", start_time=_at(days_ago))
    rollup(db_session, TODAY - timedelta(days=200), TODAY - timedelta(days=100))
    counts = {
        url: len(statements_of(app, client, url)[0])
        for url in ("/analytics?range=7", "/analytics?range=365&granularity=month",
                    f"/analytics?range=custom&from={TODAY - timedelta(days=1800)}&to={TODAY}")
    }
    assert len(set(counts.values())) == 1, counts
    # The login's user, the plan check (one statement), the company, then jobs, daily figures and distributions,
    # and the hiring funnel.
    assert next(iter(counts.values())) <= 7, counts


def test_csv_export_streams_the_series(client, logged_in, history):
    response = client.get("/analytics.csv?range=7")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="analytics-{TODAY - timedelta(days=6)}-to-{TODAY}-by-day.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Period start", "Interviews", "Completed"]
    assert [r[0] for r in rows[1:]] == [str(TODAY - timedelta(days=d)) for d in range(6, -1, -1)]
    by_day = {r[0]: r for r in rows[1:]}
    assert by_day[str(TODAY - timedelta(days=3))][1:3] == ["1", "0"]
    assert by_day[str(TODAY)][9] == ""  # no interviews: the rates are empty, not 0


def test_weeks_and_months_add_up_the_days():
    class Row:
        def __init__(self, day, total, score_sum=0.0, score_count=0):
            self.day, self.job_id = day, 1
            self.__dict__.update(dict.fromkeys(queries.METRIC_COLUMNS, 0.0))
            self.total, self.score_sum, self.score_count = total, score_sum, score_count

    rows = [Row(date(2026, 3, 1), 2, 150, 2), Row(date(2026, 3, 2), 1, 90, 1), Row(date(2026, 3, 31), 4)]
    weeks = metrics.series(rows, date(2026, 3, 1), date(2026, 3, 31), "week")
    assert weeks[0][0] == date(2026, 2, 23) and weeks[0][1].total == 2  # Sunday 1 March: the week of Monday 23 Feb
    assert weeks[1][0] == date(2026, 3, 2) and weeks[1][1].average_score == 90
    months = metrics.series(rows, date(2026, 3, 1), date(2026, 3, 31), "month")
    assert len(months) == 1 and months[0][1].total == 7 and months[0][1].average_score == 80  # 240 / 3, not (75 + 90) / 2
    assert months[0][1].communication is None


def _charts(html: str) -> list[str]:
    return re.findall(r'<script type="application/json" data-chart="chart-[a-z-]+?-[0-9a-f]+">(.*?)</script>', html, re.S)


def test_rolled_up_days_keep_charts_and_quiet_days_read_as_zero(client, logged_in, db_session, history):
    live_page = client.get("/analytics?range=30").get_data(as_text=True)
    live_csv = client.get("/analytics.csv?range=30").get_data(as_text=True)
    report = rollup(db_session, TODAY - timedelta(days=29), TODAY - timedelta(days=1))
    # Only company-days with interviews are written; the quiet days of the window are still rolled up.
    assert (report.company_days, report.days) == (4, 29)
    rolled_page = client.get("/analytics?range=30").get_data(as_text=True)
    assert _charts(rolled_page) == _charts(live_page) and len(_charts(live_page)) == 5  # the funnel's too
    rolled_csv = client.get("/analytics.csv?range=30").get_data(as_text=True)
    assert rolled_csv == live_csv
    quiet = next(line for line in rolled_csv.splitlines() if line.startswith(str(TODAY - timedelta(days=5))))
    assert quiet.split(",")[1:3] == ["0", "0"] and quiet.split(",")[9] == ""  # a count is 0, an average no data
