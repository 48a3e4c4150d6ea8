"""Notifications: each event notifies the right people of the right company (never the actor), the bell's
count, the list (newest first, unread marked, mark all read, opening one marks it read), the per-kind
email preferences of the account page, email only for those who opted in, and the completion trigger."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select, text, update

from tests.factories import (
    PASSWORD,
    gen_assignment,
    gen_company,
    gen_interview,
    gen_job,
    gen_job_team,
    gen_member,
    gen_user,
)
from tests.querycount import (
    recorded_statements,
    statements_of,
    statements_with_parameters,
)
from webapp.models import (
    AuditEvent,
    InterviewSession,
    Notification,
    NotificationPreference,
    OutboxMessage,
    PipelineCandidate,
    PipelineStage,
)
from webapp.notifications import services

HTMX = {"HX-Request": "true"}



@pytest.fixture
def acme(db_session):
    """Acme: an owner, an admin, a recruiter, a hiring manager on the job's team and one off it, an
    interviewer assigned to the interview and one not; Globex (another company) with its owner."""
    people = {key: gen_user(db_session, role="employer", first_name=first, last_name=last)
              for key, first, last in (("owner", "Olga", "Owner"), ("admin", "Adam", "Admin"),
                                       ("recruiter", "Rita", "Recruiter"), ("hank", "Hank", "Manager"),
                                       ("holly", "Holly", "Offteam"), ("ivy", "Ivy", "Assigned"),
                                       ("ian", "Ian", "Unassigned"), ("otto", "Otto", "Other"))}
    company = gen_company(db_session, people["owner"], company_name="Acme")
    for key, role in (("admin", "admin"), ("recruiter", "recruiter"), ("hank", "hiring_manager"),
                      ("holly", "hiring_manager"), ("ivy", "interviewer"), ("ian", "interviewer")):
        gen_member(db_session, company, people[key], role)
    job = gen_job(db_session, company, title="Robot Whisperer")
    gen_job_team(db_session, job, people["hank"], "hiring_manager")
    gen_job_team(db_session, job, people["ian"], "interviewer")  # on the team, but sees only assigned interviews
    cara = gen_user(db_session, first_name="Cara", last_name="Candidate")
    dan = gen_user(db_session, first_name="Dan", last_name="Doe")
    interview = gen_interview(db_session, cara, job, status="completed")
    running = gen_interview(db_session, dan, job, status="in_progress")
    for each in (interview, running):
        gen_assignment(db_session, each, people["ivy"])
    other = gen_company(db_session, people["otto"], company_name="Globex")
    other_job = gen_job(db_session, other, title="Globex Job")
    gen_job_team(db_session, other_job, people["otto"], "hiring_manager")
    return dict(people, company=company, job=job, cara=cara, dan=dan, interview=interview, running=running,
                other=other)


def login(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def notified(db_session, kind=None) -> dict[int, list[str]]:
    """user_id -> titles of their notifications (of `kind`)."""
    statement = select(Notification.user_id, Notification.title).order_by(Notification.id)
    if kind:
        statement = statement.where(Notification.kind == kind)
    found: dict[int, list[str]] = {}
    for user_id, title in db_session.execute(statement):
        found.setdefault(user_id, []).append(title)
    return found


def ids(acme, *keys) -> set[int]:
    return {acme[key].id for key in keys}


def opt_in(db_session, user, kind):
    db_session.add(NotificationPreference(user_id=user.id, kind=kind, email=True))
    db_session.flush()


def outbox(db_session) -> list[tuple[str, str]]:
    return [tuple(row) for row in db_session.execute(
        select(OutboxMessage.to_address, OutboxMessage.subject).order_by(OutboxMessage.id))]


def stage(db_session, job, kind):
    return db_session.scalar(select(PipelineStage).where(PipelineStage.job_id == job.id, PipelineStage.kind == kind))


def decide(client, db_session, job, candidate, **form):
    db_session.expire_all()
    place = db_session.scalar(select(PipelineCandidate).where(
        PipelineCandidate.job_id == job.id, PipelineCandidate.candidate_id == candidate.id))
    return client.post(f"/jobs/{job.id}/pipeline/{candidate.id}/decide", data={"version": place.version, **form})


# --- decisions ------------------------------------------------------------------------------------------


def test_a_move_notifies_the_jobs_people_of_its_company_never_the_actor(client, db_session, acme):
    login(client, acme["owner"])
    review = stage(db_session, acme["job"], "review")
    assert decide(client, db_session, acme["job"], acme["dan"], action="move", stage=review.id).status_code == 303
    found = notified(db_session, "decision_made")
    # owners/admins/recruiters and the hiring manager on the team; not the actor, not the hiring manager off the
    # team, not interviewers (no pipeline for them), not the other company's owner
    assert set(found) == ids(acme, "admin", "recruiter", "hank")
    assert found[acme["hank"].id] == ["Olga Owner moved Dan Doe to Review"]
    row = db_session.scalar(select(Notification).where(Notification.user_id == acme["hank"].id))
    assert (row.url, row.company_id, row.read_at) == (f"/jobs/{acme['job'].id}/pipeline", acme["company"].id, None)
    assert row.body == "Robot Whisperer."


def test_a_hiring_managers_rejection_reaches_the_owner_with_the_reason(client, db_session, acme):
    login(client, acme["hank"])
    reason = db_session.execute(text(
        "SELECT id FROM pipeline_reason WHERE company_id = :c AND kind = 'rejection' ORDER BY position LIMIT 1"),
        {"c": acme["company"].id}).scalar_one()
    response = decide(client, db_session, acme["job"], acme["dan"], action="reject", reason=reason, note="")
    assert response.status_code == 303
    found = notified(db_session, "decision_made")
    assert set(found) == ids(acme, "owner", "admin", "recruiter")
    assert found[acme["owner"].id] == ["Hank Manager rejected Dan Doe"]
    body = db_session.scalar(select(Notification.body).where(Notification.user_id == acme["owner"].id))
    assert body == "Robot Whisperer. Reason: Skills do not match the role"


def test_a_bulk_decision_is_one_notification_per_person(client, db_session, acme):
    login(client, acme["recruiter"])
    job = acme["job"]
    places = {row.candidate_id: row.version for row in db_session.scalars(
        select(PipelineCandidate).where(PipelineCandidate.job_id == job.id))}
    team = stage(db_session, job, "team_interview")
    form = {"action": "move", "stage": team.id, "candidate": [str(c) for c in places],
            **{f"v_{c}": v for c, v in places.items()}}
    response = client.post(f"/jobs/{job.id}/pipeline/bulk", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    found = notified(db_session, "decision_made")
    assert set(found) == ids(acme, "owner", "admin", "hank")
    assert found[acme["owner"].id] == ["Rita Recruiter moved 2 candidates to Team interview"]


def test_email_goes_only_to_those_who_opted_in_for_that_kind(client, db_session, acme):
    opt_in(db_session, acme["admin"], "decision_made")
    opt_in(db_session, acme["recruiter"], "mentioned")  # another kind: no email for a decision
    opt_in(db_session, acme["owner"], "decision_made")  # the actor: not notified, so not mailed
    login(client, acme["owner"])
    review = stage(db_session, acme["job"], "review")
    assert decide(client, db_session, acme["job"], acme["dan"], action="move", stage=review.id).status_code == 303
    mails = outbox(db_session)
    assert mails == [(acme["admin"].email, "Olga Owner moved Dan Doe to Review")]
    body = db_session.scalar(select(OutboxMessage.body_text))
    notification = db_session.scalar(select(Notification.id).where(Notification.user_id == acme["admin"].id))
    assert f"/notifications/{notification}" in body and "/account#notifications" in body


# --- the service itself ------------------------------------------------------------------------------------


def test_notify_inserts_only_for_the_companys_members_and_never_the_actor(app, db_session, acme):
    with app.test_request_context():
        everyone = [acme[key].id for key in ("owner", "admin", "otto", "cara")]
        with recorded_statements(app) as statements:
            done = services.notify(db_session, everyone, "invitation_answered", "Cara accepted", "Tuesday 10:00",
                                   "/interviews/x", acme["company"].id, actor_id=acme["admin"].id)
    assert done == [acme["owner"].id]
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and len(statements) == 2  # the INSERT and the opted-in addresses
    with pytest.raises(ValueError):
        services.notify(db_session, [acme["owner"].id], "decision_made", "x", "", "https://evil.example/")
    with pytest.raises(ValueError):
        services.notify(db_session, [acme["owner"].id], "no_such_kind", "x", "", "/")


def test_the_audience_of_an_interview_is_what_the_trigger_uses(db_session, acme):
    from webapp.notifications import queries

    audience = queries.interview_audience(db_session, acme["company"].id, acme["job"].id, acme["running"].id)
    assert set(audience) == ids(acme, "owner", "hank", "ivy")


def test_an_answered_invitation_notifies_the_interviews_audience(app, db_session, acme):
    with app.test_request_context():
        done = services.invitation_answered(db_session, acme["running"], accepted=False)
    assert set(done) == ids(acme, "owner", "hank", "ivy")
    assert notified(db_session, "invitation_answered")[acme["owner"].id] == [
        "Dan Doe declined the interview for Robot Whisperer"]


# --- mentions in the notes thread ------------------------------------------------------------------------


def test_a_note_notifies_the_members_it_mentions_who_see_the_interview(client, db_session, acme):
    login(client, acme["ivy"])
    note = ("Thanks @Olga Owner and @" + acme["hank"].email.upper() + ", see also @Holly Offteam, @Otto Other,"
            " @Ivy Assigned and mail@Rita Recruiter.")
    response = client.post(f"/interviews/{acme['interview'].session_id}/notes", data={"notes": note})
    assert response.status_code == 303
    found = notified(db_session, "mentioned")
    # Holly does not see the interview, Otto is in another company, Ivy wrote it, "mail@Rita" is no mention
    assert set(found) == ids(acme, "owner", "hank")
    assert found[acme["owner"].id] == ["Ivy Assigned mentioned you in the notes on Cara Candidate’s interview"]
    row = db_session.scalar(select(Notification).where(Notification.user_id == acme["owner"].id))
    assert row.url.startswith(f"/interviews/{acme['interview'].session_id}#note-")
    assert row.body.startswith("Robot Whisperer: “Thanks @Olga Owner")


def test_an_edit_notifies_only_the_newly_mentioned(client, db_session, acme):
    login(client, acme["owner"])
    url = f"/interviews/{acme['interview'].session_id}/notes"
    assert client.post(url, data={"notes": "Ask @Adam Admin"}).status_code == 303
    note_id = db_session.execute(text("SELECT max(id) FROM interview_note")).scalar_one()
    assert client.post(f"{url}/{note_id}", data={"body": "Ask @Adam Admin and @Rita Recruiter"}).status_code == 303
    found = notified(db_session, "mentioned")
    assert {user: len(titles) for user, titles in found.items()} == {acme["admin"].id: 1, acme["recruiter"].id: 1}


def test_the_note_form_explains_mentions(client, db_session, acme):
    login(client, acme["owner"])
    page = client.get(f"/interviews/{acme['interview'].session_id}").get_data(as_text=True)
    assert "@First Last or @their email address" in page


# --- interview completed: the trigger, and the queue's pending emails ------------------------------------


def complete(db_session, interview):
    db_session.execute(update(InterviewSession).where(InterviewSession.id == interview.id)
                       .values(status="completed").execution_options(synchronize_session=False))


def test_the_trigger_notifies_owners_the_team_and_the_assigned_when_an_interview_completes(app, db_session, acme):
    opt_in(db_session, acme["hank"], "interview_completed")
    complete(db_session, acme["running"])
    found = notified(db_session, "interview_completed")
    assert set(found) == ids(acme, "owner", "hank", "ivy")
    assert found[acme["ivy"].id] == ["Interview completed: Dan Doe"]
    rows = {row.user_id: row for row in db_session.scalars(select(Notification))}
    assert rows[acme["owner"].id].url == f"/interviews/{acme['running'].session_id}"
    assert rows[acme["owner"].id].body == "Dan Doe finished the AI interview for Robot Whisperer."
    assert {user for user, row in rows.items() if row.email_due} == {acme["hank"].id}
    # Another update of a completed interview notifies nobody again; a practice session never.
    complete(db_session, acme["running"])
    practice = gen_interview(db_session, acme["dan"], acme["job"], is_practice=True, status="in_progress")
    complete(db_session, practice)
    assert db_session.scalar(select(func.count()).select_from(Notification)) == 3
    # The job queue mails what the trigger owes, once.
    with app.test_request_context():
        assert services.pending_emails(db_session) == 1
        assert services.pending_emails(db_session) == 0
    assert outbox(db_session) == [(acme["hank"].email, "Interview completed: Dan Doe")]


# --- the bell, the list, opening, marking read ----------------------------------------------------------


def gen_notifications(db_session, user, count, company=None, **kw):
    db_session.execute(text(
        "INSERT INTO notification_notification (user_id, company_id, kind, title, url, created_at)"
        " SELECT :user, :company, 'decision_made', 'Decision ' || n, '/jobs', now() - n * interval '1 minute'"
        " FROM generate_series(1, :count) n"), {"user": user.id, "company": company.id if company else None,
                                                 "count": count})
    db_session.flush()


def test_the_bell_says_how_many_are_unread_in_one_statement_and_sets_no_cookie(app, client, db_session, acme):
    login(client, acme["admin"])
    gen_notifications(db_session, acme["admin"], 3, acme["company"])
    gen_notifications(db_session, acme["recruiter"], 2, acme["company"])  # someone else's
    page = client.get("/jobs").get_data(as_text=True)
    assert 'hx-get="/notifications/bell"' in page and 'hx-trigger="load, every 30s' in page
    client.get("/notifications/bell")  # the login's own bookkeeping done
    with recorded_statements(app) as statements:
        response = client.get("/notifications/bell", headers=HTMX)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    assert "Notifications, 3 unread" in html and "<a" not in html  # the link's text only
    assert len(statements) == 2, statements  # the login check and the count
    db_session.execute(text("UPDATE notification_notification SET read_at = now() WHERE user_id = :u"),
                       {"u": acme["admin"].id})
    assert "Notifications, none unread" in client.get("/notifications/bell", headers=HTMX).get_data(as_text=True)


def test_the_bell_counts_to_99_plus(client, db_session, acme):
    login(client, acme["admin"])
    gen_notifications(db_session, acme["admin"], 120, acme["company"])
    assert "Notifications, 99+ unread" in client.get("/notifications/bell").get_data(as_text=True)


def test_the_list_is_newest_first_marks_the_unread_and_pages_by_older(app, client, db_session, acme):
    login(client, acme["admin"])
    gen_notifications(db_session, acme["admin"], 30, acme["company"])
    db_session.execute(text("UPDATE notification_notification SET read_at = now() WHERE title = 'Decision 1'"))
    page = client.get("/notifications").get_data(as_text=True)
    titles = re.findall(r">(Decision \d+)</a>", page)
    assert titles == [f"Decision {n}" for n in range(1, 26)]
    assert page.count(">Unread</span>") == 24
    assert "29 unread." in page and "Mark all as read" in page
    older = re.search(r'href="(/notifications\?before=\d+)"', page).group(1)
    rest = client.get(older).get_data(as_text=True)
    assert re.findall(r">(Decision \d+)</a>", rest) == [f"Decision {n}" for n in range(26, 31)]
    assert "Older notifications" not in rest and ">Newest</a>" in rest
    assert client.get("/notifications?before=abc").status_code == 400


def test_the_list_reads_a_constant_number_of_statements(app, client, db_session, acme):
    login(client, acme["admin"])
    gen_notifications(db_session, acme["admin"], 3, acme["company"])
    few, _ = statements_of(app, client, "/notifications")
    gen_notifications(db_session, acme["admin"], 60, acme["company"])
    many, page = statements_of(app, client, "/notifications")
    assert len(few) == len(many) <= 4, many  # the login check, the header's companies, the page, the count
    assert page.count(">Unread</span>") == 25


def test_an_empty_list_says_so(client, db_session, acme):
    login(client, acme["ivy"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "No notifications yet" in page and "Mark all as read" not in page


def test_mark_all_read_marks_only_ones_own(client, db_session, acme):
    login(client, acme["admin"])
    gen_notifications(db_session, acme["admin"], 3, acme["company"])
    gen_notifications(db_session, acme["recruiter"], 2, acme["company"])
    response = client.post("/notifications/read", follow_redirects=True)
    assert "Marked 3 notifications as read." in response.get_data(as_text=True)
    unread = dict(db_session.execute(text(
        "SELECT user_id, count(*) FILTER (WHERE read_at IS NULL) FROM notification_notification GROUP BY 1")).all())
    assert unread == {acme["admin"].id: 0, acme["recruiter"].id: 2}


def test_opening_marks_read_and_goes_to_its_page_and_anothers_is_404(client, db_session, acme):
    login(client, acme["admin"])
    gen_notifications(db_session, acme["admin"], 1, acme["company"])
    gen_notifications(db_session, acme["recruiter"], 1, acme["company"])
    mine, theirs = (db_session.scalar(select(Notification.id).where(Notification.user_id == acme[key].id))
                    for key in ("admin", "recruiter"))
    response = client.get(f"/notifications/{mine}")
    assert (response.status_code, response.headers["Location"]) == (303, "/jobs")
    assert client.get(f"/notifications/{theirs}").status_code == 404
    assert client.get("/notifications/2000000000").status_code == 404
    db_session.expire_all()
    assert db_session.get(Notification, mine).read_at is not None
    assert db_session.get(Notification, theirs).read_at is None


def test_a_removed_member_no_longer_sees_that_companys_notifications(client, db_session, acme):
    gen_notifications(db_session, acme["holly"], 2, acme["company"])
    db_session.execute(text("DELETE FROM company_member WHERE user_id = :u"), {"u": acme["holly"].id})
    login(client, acme["holly"])
    assert "Notifications, none unread" in client.get("/notifications/bell").get_data(as_text=True)
    assert "No notifications yet" in client.get("/notifications").get_data(as_text=True)
    row = db_session.scalar(select(Notification.id).where(Notification.user_id == acme["holly"].id))
    assert client.get(f"/notifications/{row}").status_code == 404


def test_opening_another_companys_notification_makes_that_company_active(client, db_session, acme):
    gen_member(db_session, acme["other"], acme["admin"], "recruiter")
    gen_notifications(db_session, acme["admin"], 1, acme["other"])
    row = db_session.scalar(select(Notification.id).where(Notification.user_id == acme["admin"].id))
    login(client, acme["admin"])
    response = client.get(f"/notifications/{row}", follow_redirects=True)
    assert "You are now working in Globex." in response.get_data(as_text=True)


# --- the account page's email preferences --------------------------------------------------------------


def test_the_account_page_saves_email_preferences_with_a_flash_and_an_audit_event(client, db_session, acme):
    login(client, acme["hank"])
    page = client.get("/account").get_data(as_text=True)
    assert "Email me when…" in page
    assert page.count('type="checkbox"') >= 4 and 'name="mentioned"' in page
    response = client.post("/notifications/preferences", data={"mentioned": "y", "decision_made": "y"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Your email preferences have been saved." in html
    assert re.search(r'<input checked[^>]*name="mentioned"|name="mentioned"[^>]*checked', html)
    wanted = set(db_session.scalars(select(NotificationPreference.kind).where(
        NotificationPreference.user_id == acme["hank"].id, NotificationPreference.email.is_(True))))
    assert wanted == {"mentioned", "decision_made"}
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "notifications.preferences_changed"))
    assert event.details["added"] == ["decision_made", "mentioned"] and event.actor_id == acme["hank"].id
    client.post("/notifications/preferences", data={"mentioned": "y"})
    db_session.expire_all()
    wanted = set(db_session.scalars(select(NotificationPreference.kind).where(
        NotificationPreference.user_id == acme["hank"].id, NotificationPreference.email.is_(True))))
    assert wanted == {"mentioned"}


def test_a_candidates_account_page_has_no_email_preferences(client, db_session, acme):
    login(client, acme["cara"])
    assert "Email me when" not in client.get("/account").get_data(as_text=True)


# --- at scale -----------------------------------------------------------------------------------------------


def _plan_nodes(db_session, statement: str, parameters):
    row = db_session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar_one()
    stack = [(json.loads(row) if isinstance(row, str) else row)[0]["Plan"]]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.get("Plans", []))


def test_the_bell_and_the_list_read_along_their_indexes(app, client, db_session, acme):
    db_session.execute(text(
        """WITH people AS (
               INSERT INTO users_user (username, email, password, first_name, last_name, role, is_verified)
               SELECT 'busy' || n, 'busy' || n || '@example.test', 'x', 'Busy', 'Member ' || n, 'employer', true
               FROM generate_series(1, 300) AS n RETURNING id
           )
           INSERT INTO notification_notification (user_id, kind, title, url, created_at, read_at)
           SELECT p.id, 'decision_made', 'Decision', '/jobs', now() - g * interval '1 minute',
                  CASE WHEN g % 4 = 0 THEN NULL ELSE now() END
           FROM people p CROSS JOIN generate_series(1, 100) AS g"""))
    gen_notifications(db_session, acme["admin"], 40, acme["company"])
    db_session.execute(text("ANALYZE notification_notification"))
    login(client, acme["admin"])
    expected = {"/notifications/bell": {"idx_notification_notification_unread"},
                "/notifications": {"idx_notification_notification_user", "idx_notification_notification_unread"}}
    for url, indexes in expected.items():
        reads = [(sql, params) for sql, params in statements_with_parameters(app, client, url)
                 if "FROM notification_notification" in sql]
        used = set()
        for sql, params in reads:
            tree = list(_plan_nodes(db_session, sql, params))
            assert not [n for n in tree if n["Node Type"] == "Seq Scan"
                        and n.get("Relation Name") == "notification_notification"], sql
            used |= {n.get("Index Name") for n in tree}
        assert indexes <= used, (url, used)
