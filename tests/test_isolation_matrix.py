"""Every route, tried by every kind of visitor against own, foreign and missing objects.

A route that is not classified in ROUTES fails `test_every_route_is_classified`:
adding a route means saying here who may reach it and which objects it scopes.
ROUTES is the one table of expected answers, member roles included: for each
employer endpoint, the company roles allowed, written by hand from the roles of
issue 16 (never imported from webapp.team.policy, so this checks the policy
instead of repeating it).
Denied requests must write nothing: PostgreSQL's per-transaction counters
(pg_stat_xact_user_tables) prove it, updates included.

The employer's company ("owner", its account) has two jobs, each with an interview
and a ranking: the hiring manager is on the first job's team, the interviewer is
assigned to the first job's interview. "assigned" is that job or interview,
"unassigned" the other: 404 for those two roles, allowed for full-reach roles.
A member whose role lacks the action gets 403; an employer in no company (a removed
member, an invitee who has not accepted) gets 404 for everything of a company.
No page shows an actor the names of jobs or companies outside their reach.
"""

from __future__ import annotations

import io
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from PIL import Image
from sqlalchemy import delete, func, select, text

from tests.factories import (
    PASSWORD,
    gen_assignment,
    gen_catalog_assessment_category,
    gen_catalog_assessment_type,
    gen_catalog_resource,
    gen_catalog_skill,
    gen_catalog_skill_category,
    gen_company,
    gen_interview,
    gen_invitation,
    gen_job,
    gen_job_team,
    gen_learning_path,
    gen_login_session,
    gen_member,
    gen_oauth_token,
    gen_plan,
    gen_ranking,
    gen_resume,
    gen_sentiment_session,
    gen_user,
)
from webapp.models import CompanyMember, Notification

# Members of the employer's company, with their role there ("owner" is the company's account).
MEMBER_ROLE_OF = {
    "owner": "owner",
    "co_owner": "owner",  # made an owner by the company's account: billing and all, without holding the plan
    "admin_member": "admin",
    "recruiter": "recruiter",
    "hiring_manager": "hiring_manager",
    "interviewer": "interviewer",
    "other_employer": "owner",  # of the other company
}
FULL_REACH = ("owner", "co_owner", "admin_member", "recruiter", "other_employer")  # see all of their company
PART_REACH = ("hiring_manager", "interviewer")  # see their team's job / their assigned interview
# Employer accounts in no company: removed from it (was a recruiter), or invited and not yet accepted.
COMPANYLESS = ("removed_member", "invitee")
ACTORS = (
    "anonymous", "candidate", "other_candidate", "owner", "co_owner", "admin_member", "recruiter", "hiring_manager",
    "interviewer", "other_employer", "removed_member", "invitee", "admin",
)
MISSING_ID = 2_000_000_000


@dataclass
class World:
    """Two companies with their objects (the first with a team), two candidates and an admin."""

    users: dict
    objects: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """Who may reach an endpoint, and how to build its URL for own/foreign/missing objects.

    access: "public" (anyone), "login" (any logged-in user) or a set of user roles.
    members: for employers, the company roles allowed (None: membership does not matter);
    an employer in no company is refused with 404, unless `without_company` (their own plan,
    the page that creates a company).
    args: builds the URL arguments from (world, actor, variant) where variant is "own",
    "assigned", "unassigned", "foreign" or "missing"; None for routes without object arguments.
    form: the same for a POST's form fields, for routes that name their object in the form.
    """

    access: str | frozenset
    args: Callable[[World, str, str], dict] | None = None
    form: Callable[[World, str, str], dict] | None = None
    members: frozenset | None = None
    without_company: bool = False
    methods: tuple[str, ...] = ()  # empty: every method the rule allows
    variants: tuple[str, ...] = ("own", "foreign", "missing")
    own_may_be_absent: bool = False  # e.g. a logo: "own" may rightly answer 404 when none is set
    out_of_reach: int = 404  # how an object out of reach is refused (a list's filter naming one: 400)
    destructive: bool = False  # deletes the actor's own object: tried after the others
    ends_session: bool = False  # tried last, since it logs the actor out


def roles(*names: str) -> frozenset:
    return frozenset(names)


CANDIDATES = ("candidate", "other_candidate")


def _owner_and_stranger(actor: str, kind: tuple[str, str]) -> tuple[str, str]:
    """The actor (or, for an actor of another kind, a stand-in) and someone else of that kind."""
    owner = actor if actor in kind else kind[0]
    return owner, kind[1] if owner == kind[0] else kind[0]


def company_scoped(args: Callable[[World, str, str], dict]) -> Callable[[World, str, str], dict]:
    """Marks arguments naming an object in a company that a member may or may not reach
    (a job, an interview): members get assigned/unassigned variants, companyless accounts no own."""
    args.scope = "reach"
    return args


def company_wide(args: Callable[[World, str, str], dict]) -> Callable[[World, str, str], dict]:
    """Marks arguments naming a company or a company-wide row: companyless accounts have no own."""
    args.scope = "company"
    return args


def _homes(actor: str) -> tuple[str, str]:
    """Whose objects are the actor's own and whose are foreign: for actors in no company the
    employer's stand in as own, and are the foreign ones for a companyless account."""
    if actor == "other_employer":
        return "other_employer", "owner"
    return "owner", "owner" if actor in COMPANYLESS else "other_employer"


def _company_object(world: World, actor: str, variant: str, kind: str):
    """The actor's company's `kind` ("job", "interview", "ranking", "team_member"): for a part-reach
    member the assigned one; the same company's other one ("unassigned"); another company's ("foreign")."""
    if variant == "unassigned":
        return world.objects["unassigned"][kind]
    home, away = _homes(actor)
    return world.objects[away if variant == "foreign" else home][kind]


@company_scoped
def job_id(world: World, actor: str, variant: str) -> dict:
    if variant == "missing":
        return {"job_id": MISSING_ID}
    return {"job_id": _company_object(world, actor, variant, "job").id}


@company_scoped
def ranked_candidate(world: World, actor: str, variant: str) -> dict:
    """A candidate ranked for a job of the actor's company, or for another company's job; or nobody."""
    if variant == "missing":
        return {"job_id": _company_object(world, actor, "own", "job").id, "candidate_id": MISSING_ID}
    ranking = _company_object(world, actor, variant, "ranking")
    return {"job_id": ranking.job_id, "candidate_id": ranking.candidate_id}


@company_scoped
def team_member(world: World, actor: str, variant: str) -> dict:
    """Someone on the hiring team of a job of the actor's company (the hiring manager on the first job,
    a colleague on the second), on the other company's job's team; or nobody on the team."""
    if variant == "missing":
        return {"job_id": _company_object(world, actor, "own", "job").id, "user_id": MISSING_ID}
    job, user = _company_object(world, actor, variant, "job"), _company_object(world, actor, variant, "team_member")
    return {"job_id": job.id, "user_id": user.id}


@company_scoped
def assignee(world: World, actor: str, variant: str) -> dict:
    """Someone assigned to an interview of the actor's company (the interviewer to the first job's,
    a colleague to the second's), to the other company's interview; or nobody assigned."""
    if variant == "missing":
        return interview_session_id(world, actor, "own") | {"user_id": MISSING_ID}
    user = _company_object(world, actor, variant, "assignee")
    return interview_session_id(world, actor, variant) | {"user_id": user.id}


def _company_row(world: World, actor: str, variant: str, kind: str):
    """A company-wide row (a membership, an invitation) of the actor's company or of another one."""
    home, away = _homes(actor)
    return world.objects[away if variant == "foreign" else home][kind]


@company_wide
def company_choice(world: World, actor: str, variant: str) -> dict:
    """The company to switch to: the actor's own, another one, or one that does not exist."""
    return {"company_id": MISSING_ID if variant == "missing" else _company_row(world, actor, variant, "company").id}


@company_wide
def member_id(world: World, actor: str, variant: str) -> dict:
    """A colleague's membership (never the actor's own) in the actor's company, or in the other company."""
    return {"member_id": MISSING_ID if variant == "missing" else _company_row(world, actor, variant, "member").id}


@company_wide
def invitation_id(world: World, actor: str, variant: str) -> dict:
    """An open invitation of the actor's company, or of the other company."""
    if variant == "missing":
        return {"invitation_id": MISSING_ID}
    return {"invitation_id": _company_row(world, actor, variant, "invitation").id}


def connection_id(world: World, actor: str, variant: str) -> dict:
    """A user's own OAuth connection, or another user's."""
    if variant == "missing":
        return {"connection_id": MISSING_ID}
    owner = actor if actor in world.users else "candidate"
    stranger = "other_candidate" if owner != "other_candidate" else "candidate"
    return {"connection_id": world.objects[owner if variant == "own" else stranger]["oauth"].id}


def any_user_id(world: World, actor: str, variant: str) -> dict:
    """Admin routes about a user: every user is the admin's to see; a missing one is 404."""
    return {"user_id": MISSING_ID if variant == "missing" else world.users["candidate"].id}


@company_scoped
def avatar_user(world: World, actor: str, variant: str) -> dict:
    """A photo the actor may see, or one it may not (every candidate here has one).

    Own: a candidate's own photo; for an employer, the candidate interviewed for the first job
    of each company (assigned to the part-reach members); for an admin, anyone's. Unassigned:
    the applicant interviewed only for the employer's second job. Foreign: for the employer's
    members, the candidate who only practised; for the other employer, the applicant; for a
    companyless account, the candidate their former company interviewed. Nothing is foreign
    to an admin, so its "foreign" is a missing user.
    """
    if variant == "missing" or (variant == "foreign" and actor == "admin"):
        return {"user_id": MISSING_ID}
    if actor in CANDIDATES:
        mine, theirs = _owner_and_stranger(actor, CANDIDATES)
        return {"user_id": world.users[mine if variant == "own" else theirs].id}
    if variant == "unassigned":
        return {"user_id": world.users["applicant"].id}
    if variant == "foreign":
        stranger = {"other_employer": "applicant"}.get(actor, "candidate" if actor in COMPANYLESS else "other_candidate")
        return {"user_id": world.users[stranger].id}
    return {"user_id": world.users["candidate"].id}


def login_session_id(world: World, actor: str, variant: str) -> dict:
    """Another browser's session of the actor's own account, another user's session, or an id nobody has."""
    if variant == "missing":
        return {"login_id": MISSING_ID}
    owner = actor if actor in world.users else "candidate"
    stranger = "other_candidate" if owner != "other_candidate" else "candidate"
    return {"login_id": world.objects[owner if variant == "own" else stranger]["login_session"].id}


def notification_id(world: World, actor: str, variant: str) -> dict:
    """A notification of the actor's own, another user's, or an id nobody has."""
    if variant == "missing":
        return {"notification_id": MISSING_ID}
    owner = actor if actor in world.users else "candidate"
    stranger = "other_candidate" if owner != "other_candidate" else "candidate"
    return {"notification_id": world.objects[owner if variant == "own" else stranger]["notification"].id}


def queue_job(world: World, actor: str, variant: str) -> dict:
    """A job of the queue (the world queues none): only the missing one, 404 even for an admin."""
    return {"job_id": MISSING_ID}


def focus(world: World, actor: str, variant: str) -> dict:
    return {"focus": "not-a-focus" if variant == "missing" else "technical"}


def token(world: World, actor: str, variant: str) -> dict:
    return {"token": "not-a-valid-token"}


def static_file(world: World, actor: str, variant: str) -> dict:
    return {"filename": "app.css"}


@company_scoped
def interview_session_id(world: World, actor: str, variant: str) -> dict:
    """An interview of a job of the actor's company, of the other company's, or an id nobody has."""
    if variant == "missing":
        return {"session_id": f"missing-{uuid.uuid4()}"}
    return {"session_id": _company_object(world, actor, variant, "interview").session_id}


@company_scoped
def interview_note(world: World, actor: str, variant: str) -> dict:
    """A note of the actor's (else anyone's) on an interview of the actor's company, on the other company's
    interview, or a note nobody wrote (the world's notes: see `world`)."""
    if variant == "missing":
        return interview_session_id(world, actor, "own") | {"note_id": MISSING_ID}
    interview = _company_object(world, actor, variant, "interview")
    notes = world.objects["notes"][interview.id]
    return {"session_id": interview.session_id, "note_id": notes.get(actor, next(iter(notes.values()))).id}


@company_scoped
def scorecard_attribute(world: World, actor: str, variant: str) -> dict:
    """One of the scorecard attributes of a job of the actor's company, of the other company's job, or none."""
    if variant == "missing":
        return job_id(world, actor, "own") | {"attribute_id": MISSING_ID}
    job = _company_object(world, actor, variant, "job")
    return {"job_id": job.id, "attribute_id": world.objects["attributes"][job.id]}


def practice_session_id(world: World, actor: str, variant: str) -> dict:
    """A candidate's own practice session, the other candidate's, or an id nobody has."""
    if variant == "missing":
        return {"session_id": "missing-practice-session"}
    owner, stranger = _owner_and_stranger(actor, CANDIDATES)
    return {"session_id": world.objects[owner if variant == "own" else stranger]["practice"].session_id}


def resume_id(world: World, actor: str, variant: str) -> dict:
    """A candidate's own resume, the other candidate's, or an id nobody has."""
    if variant == "missing":
        return {"resume_id": MISSING_ID}
    owner, stranger = _owner_and_stranger(actor, CANDIDATES)
    return {"resume_id": world.objects[owner if variant == "own" else stranger]["resume"].id}


def learning_path_id(world: World, actor: str, variant: str) -> dict:
    """A candidate's own learning path, the other candidate's, or an id nobody has."""
    if variant == "missing":
        return {"path_id": MISSING_ID}
    owner, stranger = _owner_and_stranger(actor, CANDIDATES)
    return {"path_id": world.objects[owner if variant == "own" else stranger]["learning_path"].id}


def learning_entry(world: World, actor: str, variant: str) -> dict:
    """A resource on a candidate's own path, on the other candidate's path, or on no path."""
    if variant == "missing":
        return {"path_id": MISSING_ID, "entry_id": MISSING_ID}
    owner, stranger = _owner_and_stranger(actor, CANDIDATES)
    path = world.objects[owner if variant == "own" else stranger]["learning_path"]
    return {"path_id": path.id, "entry_id": path.entries[0].id}


def catalog_item(kind: str) -> Callable[[World, str, str], dict]:
    """A catalog row of `kind` (the admin's to manage, like every catalog row), or an id nobody has."""

    def args(world: World, actor: str, variant: str) -> dict:
        return {"item_id": MISSING_ID if variant == "missing" else world.objects["catalog"][kind].id}

    return args


CATALOG_KINDS = ("skill_categories", "skills", "assessment_types", "assessment_categories", "resources")


def billing_plan_id(world: World, actor: str, variant: str) -> dict:
    """A plan of the actor's kind (employer or candidate), one of the other kind, or none."""
    if variant == "missing":
        return {"plan_id": MISSING_ID}
    kind = "candidate" if actor in CANDIDATES else "employer"
    other = "employer" if kind == "candidate" else "candidate"
    return {"plan_id": world.objects["plans"][kind if variant == "own" else other].id}


def admin_plan_id(world: World, actor: str, variant: str) -> dict:
    """Admin plan routes: any plan is the admin's; a missing one is 404."""
    return {"plan_id": MISSING_ID if variant == "missing" else world.objects["plans"]["employer"].id}


def admin_plan_move(world: World, actor: str, variant: str) -> dict:
    return admin_plan_id(world, actor, variant) | {"direction": "up"}


@company_scoped
def job_filter(world: World, actor: str, variant: str) -> dict:
    """A list's job filter (a query parameter): a job of the actor's company, another company's, or none."""
    return {"job": job_id(world, actor, variant)["job_id"]}


@company_wide
def member_filter(world: World, actor: str, variant: str) -> dict:
    """The audit page's member filter: a colleague in the actor's company, a member of another, or nobody."""
    if variant == "missing":
        return {"member": MISSING_ID}
    return {"member": _company_row(world, actor, variant, "member").user_id}


PUBLIC, LOGIN = "public", "login"
ADMIN = roles("admin")
EMPLOYER = roles("employer")
NO_FOREIGN = ("own", "missing")

# Company roles, by hand from issue 16: owners everything, billing included; admins everything
# but billing and ownership; recruiters jobs, interviews and scheduling, rankings, weights and
# analytics; hiring managers their team's jobs (read only), rankings, compare and interviews;
# interviewers their assigned interviews and their notes.
OWNERS = roles("owner")
MANAGERS = roles("owner", "admin")
RECRUITING = roles("owner", "admin", "recruiter")
JOB_READERS = roles("owner", "admin", "recruiter", "hiring_manager")
INTERVIEWERS = roles("owner", "admin", "recruiter", "hiring_manager", "interviewer")


def company(members: frozenset, args=None, **kw) -> Route:
    """An employer page of the active company, for members with these roles."""
    return Route(EMPLOYER, args, members=members, **kw)


def plan_page(args=None, **kw) -> Route:
    """Billing: a candidate's or employer's own plan; of a company's members, owners only."""
    return Route(roles("employer", "user"), args, members=OWNERS, without_company=True, **kw)

# Every endpoint of the app, by area; see the module docstring.
ROUTES: dict[str, Route] = {
    "static": Route(PUBLIC, static_file),
    "health.healthz": Route(PUBLIC),
    "assets.plotly": Route(PUBLIC),
    "dashboard.home": Route(PUBLIC),
    "dashboard.index": Route(LOGIN),
    # accounts and sign-in
    "auth.login": Route(PUBLIC),
    "auth.two_factor": Route(PUBLIC),
    "auth.logout": Route(PUBLIC, ends_session=True),
    "accounts.register": Route(PUBLIC),
    "accounts.check_email": Route(PUBLIC),
    "accounts.verify": Route(PUBLIC, token),
    "accounts.forgot_password": Route(PUBLIC),
    "accounts.reset_password": Route(PUBLIC, token),
    "accounts.show": Route(LOGIN),
    "accounts.update": Route(LOGIN),
    "accounts.update_time_zone": Route(LOGIN),
    "accounts.update_avatar": Route(LOGIN),
    "accounts.delete_avatar": Route(LOGIN, destructive=True),  # removes the photo accounts.avatar serves
    "accounts.avatar": Route(LOGIN, avatar_user),
    "accounts.change_password": Route(LOGIN),
    "accounts.resend_verification": Route(LOGIN),
    "accounts.disconnect": Route(LOGIN, connection_id, destructive=True),
    # signing out one of the actor's other browsers, or all of them (never this one: the matrix stays logged in)
    "accounts.revoke_session": Route(LOGIN, login_session_id, destructive=True),
    "accounts.revoke_other_sessions": Route(LOGIN, destructive=True),
    "twofactor.show": Route(LOGIN),
    "twofactor.enroll": Route(LOGIN),
    "twofactor.confirm": Route(LOGIN),
    "twofactor.disable": Route(LOGIN),
    "twofactor.regenerate_codes": Route(LOGIN),
    "mail.outbox": Route(PUBLIC),  # development and testing only; 404 in production
    # everyone's own notifications (the bell's count, the list, opening one); another user's is 404
    "notifications.bell": Route(LOGIN),
    "notifications.index": Route(LOGIN),
    "notifications.open": Route(LOGIN, notification_id),
    "notifications.mark_all_read": Route(LOGIN),
    "notifications.preferences": Route(LOGIN),
    # admin
    "admin.index": Route(ADMIN),
    "admin.users": Route(ADMIN),
    "admin.user": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.change_role": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.deactivate": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.reactivate": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.mark_verified": Route(ADMIN, any_user_id, variants=NO_FOREIGN),
    "admin.audit": Route(ADMIN),
    "queue_admin.index": Route(ADMIN),
    "queue_admin.retry": Route(ADMIN, queue_job, variants=("missing",)),
    "scoreweights.index": Route(ADMIN),
    "scoreweights.update": Route(ADMIN, focus, variants=NO_FOREIGN),
    # employer workspace: the active company has no id in its URLs, each member only reaches theirs;
    # an employer in no company is offered to create one, and any employer may create their own
    "company.show": company(MANAGERS, without_company=True),
    "company.create": Route(EMPLOYER),
    "company.update": company(MANAGERS),
    "company.update_timing": company(MANAGERS),
    "company.timing_preview": company(MANAGERS),
    "company.upload_logo": company(MANAGERS),
    "company.remove_logo": company(MANAGERS),
    "company.logo": company(MANAGERS, own_may_be_absent=True),
    # jobs: a hiring manager reads their team's; recruiters and up manage them all
    "jobs.index": company(JOB_READERS),
    "jobs.new": company(RECRUITING),
    "jobs.create": company(RECRUITING),
    "jobs.bulk": company(RECRUITING),
    "jobs.show": company(JOB_READERS, job_id),
    "jobs.edit": company(RECRUITING, job_id),
    "jobs.update": company(RECRUITING, job_id),
    "jobs.toggle": company(RECRUITING, job_id),
    "jobs.confirm_delete": company(RECRUITING, job_id),
    # a job's hiring team: recruiters and up (jobs.delete is last in this table: it takes the job away)
    "jobs.team_add": company(RECRUITING, job_id),
    "jobs.team_remove": company(RECRUITING, team_member, destructive=True),
    "weights.edit": company(RECRUITING, job_id),
    "weights.update": company(RECRUITING, job_id),
    "weights.preview": company(RECRUITING, job_id),
    "weights.reset": company(RECRUITING, job_id),
    # interviews: every member sees and reviews those in their reach; scheduling is for recruiters and up
    "interviews.index": company(INTERVIEWERS, job_filter, out_of_reach=400),
    "interviews.show": company(INTERVIEWERS, interview_session_id),
    "interviews.update_notes": company(INTERVIEWERS, interview_session_id),
    "interviews.toggle_difficulty": company(INTERVIEWERS, interview_session_id),
    # the notes thread and scorecards: every member on the interviews they see (bare POSTs answer 422);
    # a note is edited by its author only, a job's scorecard attributes by recruiters and up
    "scorecards.notes": company(INTERVIEWERS, interview_session_id),
    "scorecards.edit_note": company(INTERVIEWERS, interview_note),
    "scorecards.note_history": company(INTERVIEWERS, interview_note),
    "scorecards.save": company(INTERVIEWERS, interview_session_id),
    "scorecards.attributes": company(RECRUITING, job_id),
    "scorecards.add_attribute": company(RECRUITING, job_id),
    "scorecards.rename_attribute": company(RECRUITING, scorecard_attribute),
    "scorecards.move_attribute": company(RECRUITING, scorecard_attribute),
    "scorecards.delete_attribute": company(RECRUITING, scorecard_attribute),
    # the world's interviews are completed: own actions answer 422 (refused), never 404; nothing is destroyed
    "interviews.live": company(INTERVIEWERS, interview_session_id),
    "interviews.extend": company(RECRUITING, interview_session_id),
    "interviews.cancel": company(RECRUITING, interview_session_id),
    "interviews.reschedule": company(RECRUITING, interview_session_id),
    "interviews.new": company(RECRUITING),
    # an interview's interviewers: assigned with the scheduling
    "interviews.assign": company(RECRUITING, interview_session_id),
    "interviews.unassign": company(RECRUITING, assignee, destructive=True),
    "interviews.share_results": company(RECRUITING, interview_session_id),  # whether the candidate sees the results
    # rankings: hiring managers see and compare their team's jobs; weights are for recruiters and up
    "rankings.index": company(JOB_READERS, job_id),
    "rankings.explain": company(JOB_READERS, ranked_candidate),
    "rankings.save_weights": company(RECRUITING, job_id),
    "rankings.compare": company(JOB_READERS, job_id),
    "rankings.export": company(JOB_READERS, job_id),
    # people's pins and exclusions (with a reason): whoever reads the job's ranking; a bare POST is a 422
    "rankings.override": company(JOB_READERS, ranked_candidate),
    "rankings.remove_override": company(JOB_READERS, ranked_candidate),
    # the pipeline: hiring managers see and decide on their team's jobs; a job's stages are for recruiters and
    # up, the company's defaults, reasons and emails for owners and admins (empty forms answer 400/422)
    "pipeline.board": company(JOB_READERS, job_id),
    "pipeline.more": company(JOB_READERS, job_id),
    "pipeline.decide": company(JOB_READERS, ranked_candidate),
    "pipeline.bulk": company(JOB_READERS, job_id),
    "pipeline.stages": company(RECRUITING, job_id),
    "pipeline.stage_add": company(RECRUITING, job_id),
    "pipeline.stage_update": company(RECRUITING, job_id),
    "pipeline.settings": company(MANAGERS),
    "pipeline.default_stage_add": company(MANAGERS),
    "pipeline.default_stage_update": company(MANAGERS),
    "pipeline.reason_add": company(MANAGERS),
    "pipeline.reason_update": company(MANAGERS),
    "pipeline.template_save": company(MANAGERS),
    # candidates: practice feedback and interview history (employers and admins: 403)
    "practice.index": Route(roles("user")),
    "practice.progress": Route(roles("user")),
    "practice.show": Route(roles("user"), practice_session_id),
    "practice.share": Route(roles("user"), practice_session_id),  # whether employers see its tone
    "candidate_interviews.index": Route(roles("user")),
    # learning paths: a candidate's own; the world's paths are drafts, bare POSTs answer 400 (nothing to do)
    "learning.index": Route(roles("user")),
    "learning.create": Route(roles("user")),
    "learning.show": Route(roles("user"), learning_path_id),
    "learning.start": Route(roles("user"), learning_path_id),
    "learning.mark": Route(roles("user"), learning_entry),
    "learning.move": Route(roles("user"), learning_entry),
    # the candidate's resume; the world's resume rows name no stored file, so its download may be 404
    "resumes.index": Route(roles("user")),
    "resumes.upload": Route(roles("user")),
    "resumes.update": Route(roles("user"), resume_id),
    "resumes.download": Route(roles("user"), resume_id, own_may_be_absent=True),
    "resumes.confirm_delete": Route(roles("user"), resume_id),
    "resumes.delete": Route(roles("user"), resume_id, destructive=True),
    # admin catalog: the same seven routes for each kind; catalog rows belong to no tenant
    "catalog.index": Route(ADMIN),
    **{f"catalog.{kind}_{action}": Route(ADMIN) for kind in CATALOG_KINDS for action in ("index", "new", "create")},
    **{
        f"catalog.{kind}_{action}": Route(ADMIN, catalog_item(kind), variants=NO_FOREIGN)
        for kind in CATALOG_KINDS
        for action in ("edit", "update", "confirm_delete")
    },
    **{
        f"catalog.{kind}_delete": Route(ADMIN, catalog_item(kind), variants=NO_FOREIGN, destructive=True)
        for kind in CATALOG_KINDS
    },
    # billing: employers and candidates (admins have no plan: 403); a plan of the other kind is foreign
    "billing.index": plan_page(),
    "billing.plans": plan_page(),
    "billing.offline_switch": plan_page(billing_plan_id),
    "billing.offline_cancel": plan_page(),
    "billing.offline_resume": plan_page(),
    # analytics: always the member's active company; the job filter scopes like a job id
    "analytics.index": company(RECRUITING, job_filter),
    "analytics.export": company(RECRUITING, job_filter),
    "analytics.export_jobs": company(RECRUITING, job_filter),
    # billing through Stripe: not configured in tests, so allowed callers get 409; the webhook is public
    # (without STRIPE_WEBHOOK_SECRET it answers 404, with one an unsigned POST gets 400: never a write)
    "billing_stripe.checkout": plan_page(),
    "billing_stripe.portal": plan_page(),
    "billing_stripe.cancel": plan_page(),
    "billing_stripe.resume": plan_page(),
    "billing_stripe.webhook": Route(PUBLIC),
    # the company's team: owners and admins (only owners touch an owner: services, not this table);
    # an invitation or membership of another company is 404 like a missing one
    "team.members": company(MANAGERS),
    "team.invite": company(MANAGERS),
    "team.resend": company(MANAGERS, invitation_id),
    "team.change_role": company(MANAGERS, member_id),
    "team.audit": company(MANAGERS, member_filter, out_of_reach=400),
    "team.revoke": company(MANAGERS, invitation_id, destructive=True),
    "team.remove": company(MANAGERS, member_id, destructive=True),  # a colleague, never the actor
    # any employer switches among their own companies; another one is 404 like a missing one
    "team.switch": Route(EMPLOYER, form=company_choice),
    # the invitation link works without an account; a link nobody was sent names nothing
    "team.invitation": Route(PUBLIC, token),
    "team.accept": Route(PUBLIC, token),
    # plan management: admins only; every plan is the admin's
    "plans.index": Route(ADMIN),
    "plans.new": Route(ADMIN),
    "plans.create": Route(ADMIN),
    "plans.edit": Route(ADMIN, admin_plan_id, variants=NO_FOREIGN),
    "plans.update": Route(ADMIN, admin_plan_id, variants=NO_FOREIGN),
    "plans.move": Route(ADMIN, admin_plan_move, variants=NO_FOREIGN),
    "plans.toggle": Route(ADMIN, admin_plan_id, variants=NO_FOREIGN),
    "plans.delete": Route(ADMIN, admin_plan_id, variants=NO_FOREIGN, destructive=True),
    # last of all (destructive routes run in this table's order): the job goes with its interviews and team
    "jobs.delete": company(RECRUITING, job_id, destructive=True),
}

@pytest.fixture
def world(db_session, avatar_folder) -> World:
    users = {
        name: gen_user(db_session, role=role)
        for name, role in (
            ("candidate", "user"), ("other_candidate", "user"), ("applicant", "user"), ("admin", "admin"),
            *((name, "employer") for name in (*MEMBER_ROLE_OF, *COMPANYLESS)),
        )
    }
    world = World(users)
    for owner in ("owner", "other_employer"):
        # Names nobody else has, so a page that shows them to someone outside is caught (see _leaks).
        company = gen_company(db_session, users[owner], company_name=f"Company {secrets.token_hex(4)}")
        job = gen_job(db_session, company, title=f"Job {secrets.token_hex(4)}")
        interview = gen_interview(db_session, users["candidate"], job, status="completed")
        gen_sentiment_session(db_session, interview)
        world.objects[owner] = {"company": company, "job": job, "interview": interview}
        world.objects[owner]["ranking"] = gen_ranking(db_session, job, users["candidate"])
    # The employer's second job, with an interview of its own: outside the part-reach members' reach.
    mine = world.objects["owner"]
    job = gen_job(db_session, mine["company"], title=f"Job {secrets.token_hex(4)}")
    interview = gen_interview(db_session, users["applicant"], job, status="completed")
    world.objects["unassigned"] = {
        "job": job, "interview": interview, "ranking": gen_ranking(db_session, job, users["applicant"]),
    }
    for name in ("co_owner", "admin_member", "recruiter", "hiring_manager", "interviewer"):
        gen_member(db_session, mine["company"], users[name], MEMBER_ROLE_OF[name])
    gen_job_team(db_session, mine["job"], users["hiring_manager"], "hiring_manager")
    gen_assignment(db_session, mine["interview"], users["interviewer"], assigned_by=users["owner"])
    mine["team_member"], mine["assignee"] = users["hiring_manager"], users["interviewer"]
    mine["invitation"] = gen_invitation(db_session, mine["company"], users["invitee"].email)
    # Members no actor is, for the routes that change or remove one: a colleague on the second job's
    # team and assigned to its interview, and the same in the other company.
    theirs = world.objects["other_employer"]
    for company_objects, team_objects, team_role in (
        (mine, world.objects["unassigned"], "interviewer"), (theirs, theirs, "hiring_manager"),
    ):
        colleague = gen_user(db_session, role="employer")
        company_objects["member"] = gen_member(db_session, company_objects["company"], colleague, team_role)
        gen_job_team(db_session, team_objects["job"], colleague, team_role)
        gen_assignment(db_session, team_objects["interview"], colleague)
        team_objects["team_member"] = team_objects["assignee"] = colleague
    theirs["invitation"] = gen_invitation(db_session, theirs["company"])
    # A note by each member on each of their company's interviews (the recruiter of the two-company test
    # writes one in the other company too), and each job's first scorecard attribute.
    from webapp.models import InterviewNote, ScorecardAttribute

    world.objects["notes"] = {}
    members = [name for name in MEMBER_ROLE_OF if name != "other_employer"]
    for interview, authors in ((mine["interview"], members), (world.objects["unassigned"]["interview"], members),
                               (theirs["interview"], ("other_employer", "recruiter"))):
        world.objects["notes"][interview.id] = {
            name: InterviewNote(interview_session_id=interview.id, author_id=users[name].id, body=f"Note of {name}")
            for name in authors
        }
        db_session.add_all(world.objects["notes"][interview.id].values())
    world.objects["attributes"] = dict(db_session.execute(
        select(ScorecardAttribute.job_id, func.min(ScorecardAttribute.id)).group_by(ScorecardAttribute.job_id)
    ).all())
    for candidate in CANDIDATES:
        practice = gen_interview(db_session, users[candidate], is_practice=True, status="completed")
        world.objects[candidate] = {"practice": practice}
        world.objects[candidate]["learning_path"] = gen_learning_path(db_session, practice)
        world.objects[candidate]["resume"] = gen_resume(db_session, users[candidate])
    for name, user in users.items():
        world.objects.setdefault(name, {})["oauth"] = gen_oauth_token(db_session, user)
        world.objects[name]["login_session"] = gen_login_session(db_session, user)
        world.objects[name]["notification"] = Notification(
            user_id=user.id, kind="mentioned", title=f"A notification of {name}", url="/notifications")
        db_session.add(world.objects[name]["notification"])
    for candidate in (*CANDIDATES, "applicant"):
        users[candidate].avatar = _stored_photo(avatar_folder)
    db_session.flush()
    world.objects["plans"] = {kind: gen_plan(db_session, kind) for kind in ("employer", "candidate")}
    # One row per catalog kind, none depending on another, so deleting one leaves the others in place.
    world.objects["catalog"] = {
        "skill_categories": gen_catalog_skill_category(db_session),
        "skills": gen_catalog_skill(db_session),
        "assessment_types": gen_catalog_assessment_type(db_session),
        "assessment_categories": gen_catalog_assessment_category(db_session, gen_catalog_assessment_type(db_session)),
        "resources": gen_catalog_resource(db_session, gen_catalog_skill(db_session)),
    }
    return world


@pytest.fixture
def avatar_folder(app, monkeypatch, tmp_path):
    """Uploads land in a temporary instance folder, not the working tree's."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    folder = tmp_path / "uploads" / "avatars"
    folder.mkdir(parents=True)
    return folder


def _stored_photo(folder) -> str:
    """A tiny PNG under a name of the shape uploads stores; returns the name."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 160)).save(buffer, format="PNG")
    name = f"{secrets.token_hex(16)}.png"
    (folder / name).write_bytes(buffer.getvalue())
    return name


def writes_so_far(db_session) -> int:
    """Rows inserted, updated or deleted so far in this test's transaction, on every table."""
    return db_session.execute(
        text("SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
    ).scalar_one()


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = sorted(endpoints - ROUTES.keys())
    stale = sorted(ROUTES.keys() - endpoints)
    assert unclassified == [], f"classify these routes in tests/test_isolation_matrix.py: {unclassified}"
    assert stale == [], f"these classified routes no longer exist: {stale}"


def _variants(route: Route, actor: str) -> tuple[str, ...]:
    builder = route.args or route.form
    if builder is None or route.access == PUBLIC:
        return ("own",)
    scope = getattr(builder, "scope", None)
    if scope and actor in COMPANYLESS:
        return ("foreign", "missing")  # nothing of any company is theirs
    if scope == "reach" and actor in MEMBER_ROLE_OF and actor != "other_employer":
        return ("own" if actor in FULL_REACH else "assigned", "unassigned", "foreign", "missing")
    return route.variants


def _requests(app, endpoint: str, route: Route, world: World, actor: str) -> list[tuple[str, str, str, dict]]:
    """(variant, method, url, form) for every way of calling the endpoint."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    # Built before any request is sent: a streamed answer keeps its own request context until read.
    with app.test_request_context():
        from flask import url_for

        return [
            (
                variant,
                method,
                url_for(endpoint, **(route.args(world, actor, variant) if route.args else {})),
                route.form(world, actor, variant) if route.form else {},
            )
            for rule in rules
            for method in route.methods or sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
            for variant in _variants(route, actor)
        ]


def _user_role(actor: str) -> str:
    return {"candidate": "user", "other_candidate": "user", "admin": "admin"}.get(actor, "employer")


def _refusal(route: Route, actor: str) -> tuple[int, ...]:
    """The statuses the actor may be refused with, or () when the table lets the actor in."""
    if route.access != LOGIN and _user_role(actor) not in route.access:
        return (403, 404)
    if route.members is None or _user_role(actor) != "employer":
        return ()
    if actor in COMPANYLESS:
        return () if route.without_company else (404,)  # no company: nothing of one exists for them
    return () if MEMBER_ROLE_OF[actor] in route.members else (403,)  # a member whose role lacks it


def _out_of_reach(actor: str, variant: str) -> bool:
    return variant in ("foreign", "missing") or (variant == "unassigned" and actor not in FULL_REACH)


def _expect(route: Route, actor: str, variant: str, method: str, response) -> str | None:
    """None when the response is what this actor may get, else what went wrong."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if route.access == PUBLIC:
        return None
    if actor == "anonymous":
        location = response.headers.get("Location", "")
        if status == 302 and location.startswith("/login"):
            return None
        return f"anonymous got {status} {location!r}, expected a redirect to /login"
    refusal = _refusal(route, actor)
    if refusal:
        expected = "/".join(map(str, refusal))
        return None if status in refusal else f"{actor} got {status}, expected {expected}"
    if _out_of_reach(actor, variant):
        expected = route.out_of_reach
        return None if status == expected else f"{actor} got {status} for a {variant} object, expected {expected}"
    refused = (401, 403) if route.own_may_be_absent else (401, 403, 404)
    return None if status not in refused else f"{actor} was refused ({status}) on its {variant} object"


def _denied(route: Route, actor: str, variant: str) -> bool:
    if route.access == PUBLIC:
        return False
    return actor == "anonymous" or bool(_refusal(route, actor)) or _out_of_reach(actor, variant)


def _leaks(world: World, actor: str) -> list[str]:
    """Names the actor must never be shown: the employer's company and jobs for outsiders who are
    employers too, the second job for the part-reach members."""
    mine, unassigned = world.objects["owner"], world.objects["unassigned"]
    if actor in PART_REACH:
        return [unassigned["job"].title]
    if actor in ("other_employer", *COMPANYLESS):
        return [mine["company"].company_name, mine["job"].title, unassigned["job"].title]
    return []


def _remove_after_login(client, db_session, world: World) -> None:
    """The removed member: a recruiter whose browser has the company active when the membership goes."""
    user, company = world.users["removed_member"], world.objects["owner"]["company"]
    member = gen_member(db_session, company, user, "recruiter")
    with client.session_transaction() as cookie:
        cookie["company_id"] = company.id
    assert client.get("/jobs").status_code == 200  # still a member: the company's jobs
    db_session.execute(delete(CompanyMember).where(CompanyMember.id == member.id))
    db_session.flush()


@pytest.mark.parametrize("actor", ACTORS)
def test_isolation_matrix(app, client, auth, db_session, world, actor):
    if actor != "anonymous":
        assert auth.login(world.users[actor].email, PASSWORD).status_code == 302
    if actor == "removed_member":
        _remove_after_login(client, db_session, world)
    hidden = _leaks(world, actor)
    problems = []
    for endpoint, route in sorted(ROUTES.items(), key=lambda item: (item[1].ends_session, item[1].destructive)):
        for variant, method, url, form in _requests(app, endpoint, route, world, actor):
            before = writes_so_far(db_session)
            response = client.open(url, method=method, data=form, headers={"Accept": "text/html"})
            # Read (a streamed CSV to its end) and closed now: its request context must not outlive the next one's.
            body = response.get_data()
            response.close()
            problem = _expect(route, actor, variant, method, response)
            if problem is None and _denied(route, actor, variant) and writes_so_far(db_session) != before:
                problem = "a denied request wrote to the database"
            if problem is None and route.access != PUBLIC:
                shown = [name for name in hidden if name.encode() in body]
                problem = f"shows {shown}, outside {actor}'s reach" if shown else None
            if problem:
                problems.append(f"{method} {url} [{endpoint}, {variant}]: {problem}")
    assert problems == [], "\n".join(problems)


def test_a_member_of_two_companies_reaches_only_the_active_ones_objects(app, client, auth, db_session, world):
    """The employer's recruiter is also a hiring manager of the other company, on its job's team:
    whichever company is active, the other's jobs and interviews answer as if they did not exist,
    and the active company's role decides the rest."""
    user, mine, theirs = world.users["recruiter"], world.objects["owner"], world.objects["other_employer"]
    gen_member(db_session, theirs["company"], user, "hiring_manager")
    gen_job_team(db_session, theirs["job"], user, "hiring_manager")
    assert auth.login(user.email, PASSWORD).status_code == 302
    scoped = {
        endpoint: route for endpoint, route in ROUTES.items()
        if route.members is not None and getattr(route.args, "scope", None) == "reach" and not route.destructive
    }
    problems = []
    # The URLs are built as for the employer's recruiter: "own" is the employer's, "foreign" the other company's.
    for active, role, here in ((mine, "recruiter", "own"), (theirs, "hiring_manager", "foreign")):
        assert client.post("/company/switch", data={"company_id": active["company"].id}).status_code == 303
        for endpoint, route in scoped.items():
            for variant, method, url, form in _requests(app, endpoint, route, world, "recruiter"):
                if variant not in ("own", "foreign"):
                    continue
                before = writes_so_far(db_session)
                response = client.open(url, method=method, data=form, headers={"Accept": "text/html"})
                response.get_data()
                response.close()
                status = response.status_code
                if role not in route.members:
                    problem = None if status == 403 else f"got {status}, expected 403"
                elif variant != here:
                    expected = route.out_of_reach
                    problem = None if status == expected else f"got {status} for the other company's object, expected {expected}"
                else:
                    problem = f"refused ({status})" if status in (401, 403, 404) or status >= 500 else None
                if problem is None and (role not in route.members or variant != here):
                    problem = "a denied request wrote to the database" if writes_so_far(db_session) != before else None
                if problem:
                    problems.append(f"{method} {url} [{endpoint}, {role} in the active company]: {problem}")
    assert problems == [], "\n".join(problems)


def _in_a_week() -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


# Forms of the employer's company that name another company's job or member (a URL's own object
# being the actor's): each must refuse, or leave the other company's object out, and write nothing
# of it. An invitation may be sent all the same: its hiring manager then joins none of their jobs.
FOREIGN_FORMS = {
    "jobs.bulk": lambda world, theirs: ({}, {"action": "deactivate", "job_ids": [theirs["job"].id]}),
    "jobs.team_add": lambda world, theirs: (
        {"job_id": world.objects["owner"]["job"].id},
        {"user_id": theirs["team_member"].id, "team_role": "interviewer"},
    ),
    "interviews.assign": lambda world, theirs: (
        {"session_id": world.objects["owner"]["interview"].session_id}, {"user_id": theirs["assignee"].id},
    ),
    "interviews.new": lambda world, theirs: (
        {}, {"job_id": theirs["job"].id, "candidate_email": world.users["candidate"].email,
             "scheduled_time": _in_a_week()},
    ),
    "team.invite": lambda world, theirs: (
        {}, {"email": "new.manager@example.test", "role": "hiring_manager", "job_ids": [theirs["job"].id]},
    ),
}


@pytest.mark.parametrize("endpoint", sorted(FOREIGN_FORMS))
def test_forms_naming_another_companys_objects_change_nothing(app, client, auth, db_session, world, endpoint):
    from webapp.models import CompanyInvitation

    theirs = world.objects["other_employer"]
    assert auth.login(world.users["owner"].email, PASSWORD).status_code == 302
    arguments, form = FOREIGN_FORMS[endpoint](world, theirs)
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **arguments)
    before = writes_so_far(db_session)
    response = client.post(url, data=form, headers={"Accept": "text/html"})
    assert response.status_code < 500
    invited = db_session.scalars(select(CompanyInvitation).where(CompanyInvitation.email == form.get("email"))).all()
    if invited:
        assert [invitation.job_ids for invitation in invited] == [[]]
    else:
        assert writes_so_far(db_session) == before, f"{endpoint} answered {response.status_code} and wrote"
    db_session.refresh(theirs["job"])
    assert theirs["job"].is_active, "the other company's job was deactivated"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_ids_beyond_postgresql_integer_are_not_found(client, auth, db_session, world, method):
    auth.login(world.users["owner"].email, PASSWORD)
    too_big = 2**31
    for url in (f"/jobs/{too_big}", f"/jobs/{too_big}/weights", f"/jobs/{too_big}/delete"):
        assert client.open(url, method=method).status_code == 404, url


def test_an_anonymous_htmx_request_is_sent_to_login_as_a_whole_page(app, client, db_session, world):
    """A fragment request after the login expired must not swap a login form into a table cell."""
    problems = []
    for endpoint, route in ROUTES.items():
        if route.access == PUBLIC:
            continue
        for variant, method, url, form in _requests(app, endpoint, route, world, "anonymous"):
            response = client.open(url, method=method, data=form, headers={"HX-Request": "true"})
            redirect = response.headers.get("HX-Redirect", "")
            if response.status_code != 200 or not redirect.startswith("/login") or response.data:
                problems.append(f"{method} {url}: {response.status_code} HX-Redirect={redirect!r}")
    assert problems == []
