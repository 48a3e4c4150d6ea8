"""Who in a company may do what: the one table of member roles per action.

Views name an action (`@member_required("jobs.manage")`); nothing else compares roles.
Two roles see only part of the company, whatever the action allows them:
a hiring manager sees the jobs whose hiring team they are on (and those jobs' interviews),
an interviewer sees only the interviews assigned to them (see `webapp.team.scope`).
"""

from __future__ import annotations

OWNER, ADMIN, RECRUITER, HIRING_MANAGER, INTERVIEWER = MEMBER_ROLES = (
    "owner", "admin", "recruiter", "hiring_manager", "interviewer",
)

ROLE_LABELS = {
    OWNER: "Owner",
    ADMIN: "Admin",
    RECRUITER: "Recruiter",
    HIRING_MANAGER: "Hiring manager",
    INTERVIEWER: "Interviewer",
}

ROLE_SUMMARIES = {
    OWNER: "Everything, billing and ownership included.",
    ADMIN: "Everything but billing and ownership: company settings, members, jobs, interviews, analytics.",
    RECRUITER: "Jobs, interviews and scheduling, rankings, score weights and analytics.",
    HIRING_MANAGER: "Their assigned jobs: rankings, comparisons and those jobs' interviews. No settings, no billing.",
    INTERVIEWER: "Only the interviews assigned to them, and their own notes.",
}

_MANAGERS = frozenset({OWNER, ADMIN})
_RECRUITING = frozenset({OWNER, ADMIN, RECRUITER})
_EVERYONE = frozenset(MEMBER_ROLES)

ACTIONS: dict[str, frozenset[str]] = {
    # the company itself
    "company.manage": _MANAGERS,  # profile, logo, interview timing
    "members.view": _MANAGERS,
    "members.manage": _MANAGERS,  # invite, resend, revoke, change role, remove (owners: see below)
    "members.manage_owners": frozenset({OWNER}),  # make, demote or remove an owner
    "audit.view": _MANAGERS,
    "billing.manage": frozenset({OWNER}),
    # jobs and candidates
    "jobs.view": frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),
    "jobs.manage": _RECRUITING,  # post, edit, open/close, delete
    "jobs.team": _RECRUITING,  # a job's hiring managers and interviewers
    "weights.manage": _RECRUITING,
    "rankings.view": frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),  # rankings, explain, compare, export
    "analytics.view": _RECRUITING,
    # interviews
    "interviews.view": _EVERYONE,
    "interviews.review": _EVERYONE,  # notes, the technical-difficulty flag
    "interviews.manage": _RECRUITING,  # schedule, extend, reschedule, cancel, assign interviewers
    "interviews.share_results": _RECRUITING,  # whether the candidate may see an interview's results
    # decisions (a hiring manager: on their team's jobs, as with rankings)
    "pipeline.view": frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),  # board, table, a candidate's history
    "pipeline.decide": frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),  # move, reject, reopen, bulk
    "pipeline.configure": _RECRUITING,  # a job's stages and scorecard attributes
    "pipeline.company_settings": _MANAGERS,  # default stages, reasons, rejection and offer emails
    "rankings.override": frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),  # pin or exclude, with a reason
    "scorecards.write": _EVERYONE,  # one's own scorecard of an interview one may see
    "scorecards.view_all": frozenset({OWNER, ADMIN, RECRUITER, HIRING_MANAGER}),  # others' before submitting one's own
}

# Roles that see only their part of the company.
JOB_SCOPED_ROLES = frozenset({HIRING_MANAGER})
INTERVIEW_SCOPED_ROLES = frozenset({INTERVIEWER})


def allows(role: str | None, action: str) -> bool:
    """Whether a member with `role` may take `action` (an unknown action is a programming error)."""
    return role in ACTIONS[action]


def roles_a_member_may_grant(role: str) -> tuple[str, ...]:
    """The roles `role` may give others: owners any, admins any but owner."""
    if allows(role, "members.manage_owners"):
        return MEMBER_ROLES
    if allows(role, "members.manage"):
        return tuple(r for r in MEMBER_ROLES if r != OWNER)
    return ()
