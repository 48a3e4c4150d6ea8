"""The hiring funnel on /analytics and the rollups' hiring figures, from hand-made decisions with known numbers.

Four candidates on one job, entered at the AI interview eight days ago at 09:00 UTC (day 0):
- Ada: review after 1 day, team interview after 3, offer after 4, hired after 6;
- Bob: review after 2 days, team interview after 3, offer after 5, withdrew at the offer after 6;
- Cy: review after 1 day, rejected at review after 4;
- Di: still at the AI interview.
So 4 reached the AI interview (and Applied, the stage before), 3 Review, 2 Team interview, 2 Offer, 1 Hired.
Of those leaving a stage, the share moving on: the AI interview 3 of 3, Review 2 of 3, Team interview 2 of 2,
Offer 1 of 2. Days in stage: AI interview 1, 2, 1 (average 1.33), Review 2, 1, 3 (2), Team interview 1, 2
(1.5), Offer 2, 1 (1.5); one hire 6 days after entering; 3 left the running (1 hired: 33.3 %); offers 1
hired of 2 closed (50 %).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text

from tests.factories import PASSWORD, gen_company, gen_interview, gen_job, gen_user
from tests.querycount import recorded_statements
from webapp.analytics import charts, metrics, queries
from webapp.analytics.services import rollup
from webapp.dateranges import day_start
from webapp.db import make_engine
from webapp.models import (
    InterviewStatistics,
    PipelineCandidate,
    PipelineDecision,
    PipelineStage,
)

TODAY = datetime.now(UTC).date()
DAY0 = datetime.combine(TODAY - timedelta(days=8), time(9), tzinfo=UTC)

# name -> [(action, from kind, to kind, days after day 0)]
STORIES = {
    "Ada": [("moved", "ai_interview", "review", 1), ("moved", "review", "team_interview", 3),
            ("moved", "team_interview", "offer", 4), ("moved", "offer", "hired", 6)],
    "Bob": [("moved", "ai_interview", "review", 2), ("moved", "review", "team_interview", 3),
            ("moved", "team_interview", "offer", 5), ("withdrawn", "offer", "offer", 6)],
    "Cy": [("moved", "ai_interview", "review", 1), ("rejected", "review", "review", 4)],
    "Di": [],
}


def stage_ids(db_session, job) -> dict[str, int]:
    return dict(db_session.execute(
        select(PipelineStage.kind, PipelineStage.id).where(PipelineStage.job_id == job.id)
    ).all())


def story(db_session, job, name: str, steps, *, day0=DAY0) -> PipelineCandidate:
    """A candidate entered at the AI interview at `day0`, then `steps`, written as the board writes them."""
    stages = stage_ids(db_session, job)
    candidate = gen_user(db_session, first_name=name, last_name="Test")
    last_kind = steps[-1][2] if steps else "ai_interview"
    status = {"rejected": "rejected", "withdrawn": "withdrawn"}.get(steps[-1][0] if steps else "", "active")
    entry = PipelineCandidate(job_id=job.id, candidate_id=candidate.id, stage_id=stages[last_kind], status=status,
                              entered_stage_at=day0, created_at=day0, updated_at=day0)
    db_session.add(entry)
    db_session.flush()
    decisions = [PipelineDecision(pipeline_candidate_id=entry.id, company_id=job.company_id, job_id=job.id,
                                  action="entered", to_stage_id=stages["ai_interview"], to_kind="ai_interview",
                                  decided_at=day0)]
    for action, from_kind, to_kind, days in steps:
        decisions.append(PipelineDecision(
            pipeline_candidate_id=entry.id, company_id=job.company_id, job_id=job.id, action=action,
            from_stage_id=stages[from_kind], to_stage_id=stages[to_kind], from_kind=from_kind, to_kind=to_kind,
            reason="Test", decided_at=day0 + timedelta(days=days),
        ))
    db_session.add_all(decisions)
    db_session.flush()
    return entry


@pytest.fixture
def employer(db_session):
    user = gen_user(db_session, role="employer")
    gen_company(db_session, user, company_name="Funnel Inc")
    return user


@pytest.fixture
def job(db_session, employer):
    return gen_job(db_session, employer.company, title="Backend Engineer")


@pytest.fixture
def decisions(db_session, job):
    # The page needs an interview to show anything; its pipeline entry (a decision of today) is taken out
    # so that only the stories count.
    gen_interview(db_session, gen_user(db_session), job, status="completed", start_time=DAY0)
    db_session.execute(delete(PipelineCandidate).where(PipelineCandidate.job_id == job.id))
    return [story(db_session, job, name, steps) for name, steps in STORIES.items()]


@pytest.fixture
def logged_in(auth, employer):
    assert auth.login(employer.email, PASSWORD).status_code == 302
    return employer


def table_rows(html: str, caption_start: str) -> list[list[str]]:
    table = re.search(rf'<caption class="visually-hidden">{re.escape(caption_start)}.*?</table>', html, re.DOTALL).group(0)
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.DOTALL)]


def stat(html: str, label: str) -> str:
    found = re.search(rf'<span class="stat-label">{re.escape(label)}</span>\s*<span class="stat-value">(.*?)</span>\s*</div>',
                      html, re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1))).strip()


# --- the funnel ------------------------------------------------------------------------------------


def funnel_of(db_session, company_id, first, last, job_id=None) -> metrics.Funnel:
    return metrics.funnel(queries.funnel(db_session, company_id, first, last, today=TODAY, job_id=job_id),
                          queries.FUNNEL_STAGES)


def test_the_funnel_counts_each_stage_with_conversions_and_days(db_session, employer, job, decisions):
    funnel = funnel_of(db_session, employer.company.id, TODAY - timedelta(days=29), TODAY)

    assert [(s.kind, s.reached) for s in funnel.stages] == [
        ("applied", 4), ("ai_interview", 4), ("review", 3), ("team_interview", 2), ("offer", 2), ("hired", 1),
    ]
    assert [(s.left, s.advanced) for s in funnel.stages] == [(0, 0), (3, 3), (3, 2), (2, 2), (2, 1), (0, 0)]
    assert [None if s.conversion is None else round(s.conversion, 1) for s in funnel.stages] == [
        None, None, 100.0, 66.7, 100.0, 50.0,
    ]
    assert [None if s.average_days is None else round(s.average_days, 2) for s in funnel.stages] == [
        None, 1.33, 2.0, 1.5, 1.5, None,
    ]
    assert (funnel.hired, funnel.left_running, funnel.offers_lost) == (1, 3, 1)
    assert funnel.average_days_to_hire == 6.0
    assert round(funnel.conversion_rate, 1) == 33.3 and funnel.offer_acceptance == 50.0


def test_the_range_and_the_job_filter_bound_the_decisions(db_session, employer, job, decisions):
    other_job = gen_job(db_session, employer.company)
    story(db_session, other_job, "Eve", [("moved", "ai_interview", "review", 1)])
    stranger_job = gen_job(db_session, gen_company(db_session))
    story(db_session, stranger_job, "Fay", [("rejected", "ai_interview", "ai_interview", 1)])
    company_id = employer.company.id

    def reached(first, last, job_id=None):
        return [s.reached for s in funnel_of(db_session, company_id, first, last, job_id).stages]

    assert reached(TODAY - timedelta(days=29), TODAY) == [5, 5, 4, 2, 2, 1]  # Eve too, never Fay
    assert reached(TODAY - timedelta(days=29), TODAY, job.id) == [4, 4, 3, 2, 2, 1]
    # the last three days: only day 6's decisions (Ada hired, Bob withdrew): Ada reached Hired for the first time
    assert reached(TODAY - timedelta(days=2), TODAY, job.id) == [0, 0, 0, 0, 0, 1]
    assert reached(TODAY - timedelta(days=300), TODAY - timedelta(days=200)) == [0, 0, 0, 0, 0, 0]


def test_moving_back_and_forth_counts_a_stage_once(db_session, employer, job):
    story(db_session, job, "Yo", [("moved", "ai_interview", "review", 1), ("moved", "review", "ai_interview", 2),
                                  ("moved", "ai_interview", "review", 3), ("moved", "review", "offer", 4)])
    funnel = funnel_of(db_session, employer.company.id, TODAY - timedelta(days=29), TODAY)
    # Team interview skipped: reached through the offer; Review entered twice, counted once
    assert [s.reached for s in funnel.stages] == [1, 1, 1, 1, 1, 0]
    # left the AI interview twice (both moving on), Review twice (once back, once on)
    assert [(s.left, s.advanced) for s in funnel.stages][1:3] == [(2, 2), (2, 1)]


def test_rolled_up_days_and_live_days_give_the_same_funnel(db_session, employer, job, decisions):
    first, last = TODAY - timedelta(days=29), TODAY
    live = funnel_of(db_session, employer.company.id, first, last)
    live_job = funnel_of(db_session, employer.company.id, first, last, job.id)

    rollup(db_session, TODAY - timedelta(days=30), TODAY - timedelta(days=1))
    # the rolled-up days' decisions taken away: only the rollups can still give the same answer
    db_session.execute(delete(PipelineDecision).where(PipelineDecision.decided_at < DAY0 + timedelta(days=8)))
    assert funnel_of(db_session, employer.company.id, first, last) == live
    assert funnel_of(db_session, employer.company.id, first, last, job.id) == live_job

    # today stays live: a decision made now counts at once
    story(db_session, job, "Zed", [], day0=datetime.now(UTC))
    assert funnel_of(db_session, employer.company.id, first, last).stages[1].reached == 5


def test_the_analytics_page_shows_the_funnel_with_its_summary_and_table(app, client, logged_in, job, decisions):
    html = client.get("/analytics?range=30").get_data(as_text=True)

    assert '<h2 id="funnel-title">Hiring funnel</h2>' in html
    assert stat(html, "Hires") == "1"
    assert stat(html, "Conversion rate").startswith("33.3%")
    assert stat(html, "Average time to hire").startswith("6.0 days")
    assert stat(html, "Offer acceptance").startswith("50.0%")
    assert ("4 candidates entered the pipeline in the range; 2 reached the offer stage; 1 was hired, "
            "on average 6.0 days after entering the pipeline.") in html
    assert table_rows(html, "Candidates reaching each stage") == [
        ["Applied", "4", "—", "—"], ["AI interview", "4", "—", "1.3"], ["Review", "3", "100.0%", "2.0"],
        ["Team interview", "2", "66.7%", "1.5"], ["Offer", "2", "100.0%", "1.5"], ["Hired", "1", "50.0%", "—"],
    ]
    assert re.search(r'data-chart="chart-funnel-[0-9a-f]+"', html)
    # hires and offers are no longer "no data"; surveys still are
    assert "Conversion rate:</strong> no data" not in html and "Offer acceptance:</strong> no data" not in html
    assert "Candidate satisfaction:</strong> no data" in html


def test_a_range_without_decisions_says_so(app, client, logged_in, db_session, job, decisions):
    html = client.get(f"/analytics?range=custom&from={TODAY - timedelta(days=300)}&to={TODAY - timedelta(days=200)}"
                      ).get_data(as_text=True)
    assert "No hiring decisions in this range" in html


def test_the_funnel_is_one_statement_whatever_the_number_of_decisions(app, client, logged_in, db_session, job,
                                                                       decisions):
    def count() -> int:
        with recorded_statements(app) as sent:
            assert client.get("/analytics?range=30").status_code == 200
        return len([s for s in sent if "pipeline_decision" in s])

    before = count()
    for n in range(5):
        story(db_session, job, f"More{n}", STORIES["Ada"])
    assert count() == before == 1


def test_the_page_reads_the_rollups_and_only_the_live_days_decisions(bench_database_url):
    """At bench shape (every company's candidates on their pipelines, the year rolled up): the biggest company's
    funnel over 90 days reads its daily funnel rows, and decisions only of today, by its index."""
    engine = make_engine(bench_database_url)
    try:
        with engine.connect() as connection:
            company_id = connection.execute(text(
                "SELECT company_id FROM pipeline_decision GROUP BY company_id ORDER BY count(*) DESC LIMIT 1")).scalar()
            today = datetime.now(UTC).date()
            params = {"company_id": company_id, "job_id": None, "first": today - timedelta(days=89), "last": today,
                      "today": today, "live_starts": [day_start(today)], "live_stops": [day_start(today + timedelta(1))]}
            sql = queries.FUNNEL.format(job="", days="analytics_companyfunnelday", stored_job="")
            plan = "\n".join(row[0] for row in connection.execute(text("EXPLAIN " + sql), params))
    finally:
        engine.dispose()
    assert "analytics_companyfunnelday_pkey" in plan, plan
    assert "idx_pipeline_decision_company" in plan, plan
    assert "Seq Scan on pipeline_decision" not in plan, plan


def test_the_funnel_summary_without_hires():
    funnel = metrics.Funnel(
        stages=[metrics.FunnelStage("ai_interview", "AI interview", reached=2, left=0, advanced=0, average_days=None,
                                    conversion=None)],
        hired=0, left_running=0, offers_lost=0, average_days_to_hire=None)
    assert charts.funnel_table(funnel).summary == "2 candidates entered the pipeline in the range; 0 were hired."
    assert funnel.conversion_rate is None and funnel.offer_acceptance is None
    assert [label for label, _ in metrics.no_data_figures(funnel)] == [
        "Conversion rate", "Time to hire", "Offer acceptance", "Candidate satisfaction"]


# --- the daily rollup's hiring columns ---------------------------------------------------------------


def statistics(db_session, company_id) -> dict:
    return {
        row.date: row for row in db_session.scalars(
            select(InterviewStatistics).where(InterviewStatistics.company_id == company_id)
        )
    }


def test_the_rollup_writes_conversion_time_to_hire_and_offer_acceptance(db_session, employer, job, decisions):
    rollup(db_session, TODAY - timedelta(days=10), TODAY - timedelta(days=1))
    db_session.expire_all()
    rows = statistics(db_session, employer.company.id)

    day4, day6 = (DAY0 + timedelta(days=4)).date(), (DAY0 + timedelta(days=6)).date()
    # day 4: Cy rejected, nobody hired; no offer closed, nobody hired that day
    assert rows[day4].conversion_rate == 0
    assert rows[day4].offer_acceptance_rate is None and rows[day4].time_to_hire is None
    assert rows[day4].total_interviews == 0  # a day with decisions and no interview
    # day 6: Ada hired (6 days after entering), Bob withdrew at the offer
    assert rows[day6].conversion_rate == 50
    assert rows[day6].time_to_hire == timedelta(days=6)
    assert rows[day6].offer_acceptance_rate == 50
    # the interview's day keeps its interview figures, and no hiring figure
    assert rows[DAY0.date()].total_interviews == 1 and rows[DAY0.date()].conversion_rate is None
    # days with neither have no row
    assert set(rows) == {DAY0.date(), day4, day6}


def test_the_rollup_averages_the_days_hires_and_drops_days_without_outcomes(db_session, employer, job, decisions):
    # another hire on day 6, 2 days after entering on day 4
    story(db_session, job, "Gus", [("moved", "ai_interview", "hired", 2)], day0=DAY0 + timedelta(days=4))
    first, last = TODAY - timedelta(days=10), TODAY - timedelta(days=1)
    rollup(db_session, first, last)
    db_session.expire_all()
    day4, day6 = (DAY0 + timedelta(days=4)).date(), (DAY0 + timedelta(days=6)).date()
    row = statistics(db_session, employer.company.id)[day6]
    assert row.time_to_hire == timedelta(days=4)  # (6 + 2) / 2
    assert row.conversion_rate == Decimal("66.67")  # 2 hired of 3 who left
    assert row.offer_acceptance_rate == Decimal("66.67")  # 2 hires, 1 offer lost

    # Cy's rejection undone: day 4 has no outcome any more, and its row goes on the next rollup
    db_session.execute(delete(PipelineDecision).where(PipelineDecision.action == "rejected"))
    report = rollup(db_session, first, last)
    db_session.expire_all()
    assert day4 not in statistics(db_session, employer.company.id) and report.stale_company_days == 1
