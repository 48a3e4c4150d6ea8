from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user, login_required

from webapp import db
from webapp.dashboard import queries
from webapp.htmx import render_page_or_block, wants_block
from webapp.models.interview import INTERVIEW_STATUSES
from webapp.models.users import ROLES
from webapp.team.membership import current_membership
from webapp.team.scope import TEAM_JOBS, reach

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def home():
    return redirect(url_for("dashboard.index"))


@bp.route("/dashboard")
@login_required
def index():
    render = {"employer": _employer, "admin": _admin}.get(current_user.role, _candidate)
    return render()


def _requested_week() -> datetime:
    """The `week` query parameter (any ISO date in that week) or today; bad input is a 400."""
    raw = request.args.get("week")
    if not raw:
        return datetime.now(UTC)
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400, description="The week must be a date such as 2026-11-23.")
    if not 1900 <= day.year <= 2999:
        # Keeps the week's end and its pager links (a week either side) inside what dates can hold.
        abort(400, description="The week must be between the years 1900 and 2999.")
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _employer():
    session = db.session()
    membership = current_membership()
    company = membership.company if membership is not None else None
    if company is None:
        return render_page_or_block("dashboard/employer.html", "content", company=None)
    if not membership.sees_every_job:
        return _member(session, membership)
    week = _week(session, company.id)
    if wants_block():
        # The week pager swaps only its card: the jobs and latest interviews are not read.
        return render_page_or_block("dashboard/employer.html", "week_summary", company=company, **week)
    active_jobs = session.execute(queries.active_jobs(), {"company_id": company.id}).all()
    return render_page_or_block(
        "dashboard/employer.html",
        "week_summary",
        company=company,
        active_job_count=active_jobs[0].active_job_count if active_jobs else 0,
        active_jobs=active_jobs,
        recent=session.execute(queries.recent_completed_interviews(), {"company_id": company.id}).all(),
        attention=_attention(session, company.id),
        **week,
    )


ATTENTION_SHOWN = 5


def _attention(session, company_id: int, team_of: int | None = None) -> dict:
    """The needs-attention lists: per kind, up to ATTENTION_SHOWN rows, whether there are more, and the
    list filters that show them all; today's count comes from the counters (`team_of`: a hiring
    manager's jobs only, counted from their sessions)."""
    now = datetime.now(UTC)
    values = queries.attention_values(company_id, now) | {"member": team_of}
    rows = session.execute(queries.needs_attention(ATTENTION_SHOWN, team_of is not None), values).all()
    since, today = values["since"].date().isoformat(), values["day_start"].date().isoformat()
    filters = {
        "unreviewed": {"status": "completed", "reviewed": "no", "from": since},
        "today": {"from": today, "to": today, "sort": "start_time"},
        "difficulty": {"difficulty": "reported", "from": since, "to": today},
    }
    lists = {}
    for kind in queries.ATTENTION_KINDS:
        mine = sorted((row for row in rows if row.kind == kind), key=lambda row: row.date_utc,
                      reverse=kind != "today")
        lists[kind] = {"rows": mine[:ATTENTION_SHOWN], "more": len(mine) > ATTENTION_SHOWN, "filters": filters[kind]}
    lists["today"]["total"] = rows[0].today_total if rows else 0
    return {"lists": lists, "days": queries.ATTENTION_DAYS, "empty": not rows}


def _member(session, membership):
    """A hiring manager's dashboard (their team's jobs) or an interviewer's (their assigned interviews)."""
    values = {"company_id": membership.company_id, "member": membership.user_id}
    if reach(membership.role) == TEAM_JOBS:
        active_jobs = session.execute(queries.active_jobs(team=True), values).all()
        return render_page_or_block(
            "dashboard/member.html",
            "content",
            membership=membership,
            company=membership.company,
            active_job_count=active_jobs[0].active_job_count if active_jobs else 0,
            active_jobs=active_jobs,
            recent=session.execute(queries.team_recent_completed(), values).all(),
            attention=_attention(session, membership.company_id, team_of=membership.user_id),
        )
    rows = session.execute(queries.assigned_interviews(), values | {"now": datetime.now(UTC)}).all()
    assigned = {}
    for kind in ("upcoming", "latest"):
        mine = sorted((row for row in rows if row.kind == kind), key=lambda row: row.date_utc,
                      reverse=kind == "latest")
        assigned[kind] = {"rows": mine[:queries.ASSIGNED_SHOWN], "more": len(mine) > queries.ASSIGNED_SHOWN}
    return render_page_or_block(
        "dashboard/member.html", "content", membership=membership, company=membership.company, assigned=assigned
    )


def _week(session, company_id: int) -> dict:
    """The requested week's interviews by status, its label and its pager links."""
    week_start, week_end = queries.week_bounds(_requested_week())
    by_status = dict(session.execute(
        queries.interviews_by_status(),
        {"company_id": company_id, "first_day": week_start.date(), "stop_day": week_end.date()},
    ).all())
    this_week, _ = queries.week_bounds(datetime.now(UTC))
    return dict(
        week_label=f"{week_start:%d %b} – {week_end - timedelta(days=1):%d %b %Y}",
        is_current_week=week_start == this_week,
        previous_week=(week_start - timedelta(days=7)).date().isoformat(),
        next_week=week_end.date().isoformat() if week_start < this_week else None,
        week_counts=[(status, by_status.get(status, 0)) for status in INTERVIEW_STATUSES],
        week_total=sum(by_status.values()),
    )


def _candidate():
    practice = db.session.execute(queries.select_recent_practice_sessions(current_user.id)).all()
    return render_page_or_block("dashboard/candidate.html", "content", practice=practice)


def _admin():
    session = db.session()
    by_role = dict(session.execute(queries.select_users_by_role()).all())
    return render_page_or_block(
        "dashboard/admin.html",
        "content",
        role_counts=[(role, by_role.get(role, 0)) for role in ROLES],
        user_total=sum(by_role.values()),
        totals=session.execute(queries.select_platform_totals()).one(),
    )
