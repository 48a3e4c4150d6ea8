"""Analytics charts a recruiter can read: titles clear of ticks and legends, joined score lines, one completion
KPI, and a text alternative (summary and data table) under every chart holding the chart's numbers."""

from __future__ import annotations

import json
import re
from datetime import date
from types import SimpleNamespace

from tests.test_analytics_page import _at, employer, history, job, logged_in  # noqa: F401 (fixtures)
from tests.test_chart_text_alternatives import data_table, summary_before
from webapp.analytics import charts, metrics


def _totals(**values) -> metrics.Totals:
    totals = metrics.Totals()
    totals.values.update({key: float(value) for key, value in values.items()})
    return totals


SERIES = [
    (date(2026, 3, 2), _totals(total=2, completed=1, no_show=1, score_sum=140, score_count=2)),
    (date(2026, 3, 3), _totals()),  # a day without interviews
    (date(2026, 3, 4), _totals(total=1, completed=1, score_sum=80, score_count=1)),
]


def test_score_lines_join_the_days_without_scores():
    figure = charts.scores_over_time(SERIES, "day")
    overall = figure["data"][0]
    assert overall["y"] == [70.0, None, 80.0] and overall["connectgaps"] is True and "markers" in overall["mode"]


def test_axis_titles_and_legends_never_overlap():
    for figure in (charts.scores_over_time(SERIES, "day"), charts.interviews_by_status(SERIES, "day"),
                   charts.duration_distribution([SimpleNamespace(bin=3, n=4)]),
                   charts.score_distribution_by_focus([SimpleNamespace(focus="technical", bin=7, n=2)])):
        layout = figure["layout"]
        assert layout["legend"]["y"] > 1 and layout["legend"]["yanchor"] == "bottom"  # above the plot
        assert layout["xaxis"]["automargin"] and layout["yaxis"]["automargin"]
        for axis in ("xaxis", "yaxis"):
            if "title" in layout[axis]:
                assert layout[axis]["title"]["standoff"] >= 10


def test_one_completion_kpi():
    labels = [figure.label for figure in metrics.FIGURES]
    assert "Completion rate" in labels and "Average completion" not in labels


def test_the_tables_hold_the_chart_numbers():
    status = charts.status_table(SERIES, "day")
    assert status.columns[:3] == ("Day", "Interviews", "Completed")
    assert status.rows[0][:3] == ("Mar 2, 2026", "2", "1") and status.rows[0][-1] == "1"  # one no-show
    assert status.summary == "3 interviews in 3 days; the busiest day was Mar 2, 2026 with 2; 2 completed."
    scores = charts.scores_table(SERIES, "day")
    assert [row[:2] for row in scores.rows] == [("Mar 2, 2026", "70.0"), ("Mar 4, 2026", "80.0")]
    assert scores.summary == ("The overall score was 70.0 on Mar 2, 2026 and 80.0 on Mar 4, 2026; "
                              "2 days of 3 had scored interviews.")
    weekly = charts.scores_table([(date(2026, 3, 2), SERIES[0][1])], "week")
    assert weekly.summary.startswith("The overall score was 70.0 in the week of Mar 2, 2026 and 70.0 in the week of")
    durations = charts.duration_table([SimpleNamespace(bin=3, n=4), SimpleNamespace(bin=1, n=1)])
    assert durations.summary.startswith("Most interviews that ended lasted 15–20 min (4 of 5)")
    focus = charts.score_focus_table([SimpleNamespace(focus="technical", bin=7, n=2)])
    assert focus.columns == ("Overall score", "Technical jobs") and focus.rows[7] == ("70–79", "2")
    assert focus.summary == "Technical jobs: 2 interviews, most scored 70–79."


def test_the_page_shows_every_charts_table_and_no_dayly(client, logged_in, history):  # noqa: F811
    html = client.get("/analytics?range=7&granularity=day").get_data(as_text=True)

    assert "dayly" not in html and "of the daily series" in html
    assert "Average completion" not in html
    status = data_table(html, "Interviews per day, by status")
    assert len(status) == 1 + 7 and sum(int(row[1]) for row in status[1:]) == 3
    assert summary_before(html, "Interviews per day, by status").startswith("3 interviews in 7 days")
    scores = data_table(html, "Average overall, technical and communication score per day")
    assert [row[1] for row in scores[1:]] == ["55.0", "75.0"]  # 2 days ago (60 and 50), yesterday; oldest first
    for caption in ("Interviews that ended, by how long they lasted", "Scored interviews per overall-score range"):
        assert data_table(html, caption)
    chart = re.search(r'data-chart="chart-scores-[0-9a-f]+">(.*?)</script>', html, re.S).group(1)
    assert json.loads(chart)["data"][0]["connectgaps"] is True
