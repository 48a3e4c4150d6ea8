"""CSV export of a job's ranking as shown: /jobs/<id>/rankings.csv"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from tests.factories import PASSWORD, gen_company, gen_job, gen_ranking, gen_user
from tests.querycount import recorded_statements
from tests.rankings_support import candidate, employer, logged_in, ranked  # noqa: F401 (fixtures)
from webapp.rankings import export_csv


@pytest.fixture
def job(db_session, employer):
    return gen_job(db_session, gen_company(db_session, employer), title="Données & Co / Lead Engineer")


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_is_the_ranking_as_shown_streamed_with_a_dated_filename(logged_in, job, ranked):
    response = logged_in.get(f"/jobs/{job.id}/rankings.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    today = date.today().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="rankings-donnees-co-lead-engineer-{today}.csv"'
    rows = rows_of(response)
    assert rows[0] == list(export_csv.HEADER)
    assert [r[1] for r in rows[1:]] == ["Grace Hopper", "Edsger Dijkstra", "Alan Turing"]
    assert rows[1][:4] == ["1", "Grace Hopper", ranked[0].email, "85.45"]
    assert rows[1][rows[0].index("Skills")] == ""  # no skills evidence: empty, not 0
    assert rows[1][4:6] == ["", "0"]  # no scorecard yet: no human score, not 0
    assert response.get_data(as_text=True).endswith("\r\n")


def test_sort_filter_and_what_if_apply_to_the_csv(logged_in, job, ranked):
    rows = rows_of(logged_in.get(f"/jobs/{job.id}/rankings.csv?sort=candidate&min=66"))
    assert [r[1] for r in rows[1:]] == ["Edsger Dijkstra", "Grace Hopper"]
    rows = rows_of(logged_in.get(f"/jobs/{job.id}/rankings.csv", query_string={
        "w_technical": "0", "w_skills": "0", "w_cultural_fit": "1", "w_sentiment": "0"}))
    assert rows[0][-2:] == ["Saved rank", "Movement"]
    assert [(r[0], r[1], r[3], r[-2], r[-1]) for r in rows[1:]] == [
        ("1", "Edsger Dijkstra", "95.00", "2", "up 1"),
        ("2", "Grace Hopper", "80.00", "1", "down 1"),
        ("3", "Alan Turing", "60.00", "3", "same"),
    ]


def test_the_ranking_page_links_to_the_csv_of_what_it_shows(logged_in, job, ranked):
    html = logged_in.get(f"/jobs/{job.id}/rankings?sort=candidate&min=60").get_data(as_text=True)
    assert f'href="/jobs/{job.id}/rankings.csv?sort=candidate&amp;min=60"' in html


@pytest.mark.parametrize("name, cell", [
    ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "'=cmd"),  # names are trimmed; what is left still starts with =
])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(logged_in, db_session, job, name, cell):
    user = gen_user(db_session, first_name=name, last_name="")
    gen_ranking(db_session, job, user)
    rows = rows_of(logged_in.get(f"/jobs/{job.id}/rankings.csv"))
    assert rows[1][1] == cell


def test_a_tab_or_carriage_return_at_the_start_of_any_cell_is_neutralised(logged_in, db_session, job):
    user = gen_user(db_session, email="\tweird@example.test")
    gen_ranking(db_session, job, user)
    assert rows_of(logged_in.get(f"/jobs/{job.id}/rankings.csv"))[1][2] == "'\tweird@example.test"


def test_csv_module_quoting_of_commas_quotes_and_newlines(logged_in, db_session, job):
    user = gen_user(db_session, first_name='Ann "The, Best"', last_name="O'Neil\nJr")
    gen_ranking(db_session, job, user)
    body = logged_in.get(f"/jobs/{job.id}/rankings.csv").get_data(as_text=True)
    assert '"Ann ""The, Best"" O\'Neil\nJr"' in body
    assert list(csv.reader(io.StringIO(body)))[1][1] == "Ann \"The, Best\" O'Neil\nJr"


def test_safe_cell_rules():
    assert [export_csv.safe(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", "", None, 5)] == [
        "'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "a=1", "", "", "5"]
    assert export_csv.slug("  ") == "job" and export_csv.slug("Ünïcode Dev!") == "unicode-dev"


def test_bad_parameters_are_a_400_with_the_reason(logged_in, job, ranked):
    response = logged_in.get(f"/jobs/{job.id}/rankings.csv?min=abc")
    assert response.status_code == 400 and "Enter a minimum overall score" in response.get_data(as_text=True)
    response = logged_in.get(f"/jobs/{job.id}/rankings.csv?w_technical=9")
    assert response.status_code == 400 and "this is above 1.00" in response.get_data(as_text=True)


def test_an_empty_ranking_exports_just_the_header(logged_in, job):
    assert rows_of(logged_in.get(f"/jobs/{job.id}/rankings.csv")) == [list(export_csv.HEADER)]


def test_the_export_runs_a_fixed_number_of_queries(app, logged_in, db_session, job):
    def statements_for(n: int) -> int:
        for _ in range(n):
            gen_ranking(db_session, job, overall_score=Decimal("50"))
        with recorded_statements(app) as statements:
            assert len(rows_of(logged_in.get(f"/jobs/{job.id}/rankings.csv"))) > n
        return len(statements)

    assert statements_for(2) == statements_for(40)


def test_another_companys_job_is_not_found(client, db_session, job, ranked):
    stranger = gen_user(db_session, role="employer")
    gen_company(db_session, stranger)
    client.post("/login", data={"email": stranger.email, "password": PASSWORD})
    response = client.get(f"/jobs/{job.id}/rankings.csv")
    assert response.status_code == 404 and "Grace" not in response.get_data(as_text=True)
