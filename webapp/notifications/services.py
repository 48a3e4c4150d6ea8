"""Notifying people: rows in the caller's transaction, email for those who opted in, the events' wording.

`notify` is the one way in (the pipeline, the notes thread and the invitations call it); interview
completions are notified by the database trigger of migration 0022, whose emails `pending_emails`
sends (the job queue calls it periodically). Nobody is ever notified of their own action, and a
company's notification only reaches that company's members.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import Integer, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session

from webapp import mail
from webapp.audit.services import record
from webapp.models import NotificationPreference
from webapp.models.notifications import BODY_MAX, NOTIFICATION_KINDS, TITLE_MAX
from webapp.notifications import queries
from webapp.templating import person_name

# Each kind as the account page's "Email me when..." says it.
KIND_LABELS = {
    "interview_completed": "an interview I follow is completed",
    "invitation_answered": "a candidate accepts or declines an interview invitation",
    "mentioned": "someone mentions me in an interview's notes",
    "decision_made": "someone decides on a candidate of a job I am on",
}
PENDING_BATCH = 200  # trigger-made notifications mailed per pending_emails call


def _clip(value: str, limit: int) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _actor_ids(actor_id: int | None) -> set[int]:
    """Whoever acts: the given id and the logged-in user of the request (never told of their own action)."""
    ids = {actor_id} if actor_id is not None else set()
    if has_request_context() and current_user.is_authenticated:
        ids.add(current_user.id)
    return ids


def notify(session: Session, user_ids: Iterable[int], kind: str, title: str, body: str, url: str,
           company_id: int | None = None, *, actor_id: int | None = None) -> list[int]:
    """Notify `user_ids` (minus the actor) in the caller's transaction; mail those who want `kind` by email.

    One INSERT for everyone; with `company_id`, only that company's members get a row (whatever the
    caller passed). Returns who was notified.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"a notification links to a path of the app, not {url!r}")
    recipients = sorted(set(user_ids) - _actor_ids(actor_id))
    if not recipients:
        return []
    title, body = _clip(title, TITLE_MAX), _clip(body, BODY_MAX)
    members_only = "JOIN company_member m ON m.company_id = :company_id AND m.user_id = u.id" if company_id else ""
    rows = session.execute(
        text(f"""INSERT INTO notification_notification (user_id, company_id, kind, title, body, url)
                 SELECT u.id, :company_id, :kind, :title, :body, :url
                 FROM users_user u {members_only}
                 WHERE u.id = ANY(:ids) AND u.is_active IS NOT FALSE
                 RETURNING id, user_id""").bindparams(bindparam("ids", type_=ARRAY(Integer))),
        {"ids": recipients, "company_id": company_id, "kind": kind, "title": title, "body": body, "url": url},
    ).all()
    notified = {user_id: notification_id for notification_id, user_id in rows}
    for user_id, address in queries.opted_in_addresses(session, list(notified), kind):
        _mail(session, address, notified[user_id], title, body)
    return sorted(notified)


def pending_emails(session: Session, limit: int = PENDING_BATCH) -> int:
    """Mail the trigger-made notifications owed by email (interview completions), oldest first; how many.

    For the job queue, periodically; the caller commits. Rows are claimed with SKIP LOCKED, so two
    workers never mail the same one, and a row read or whose user changed their mind meanwhile is
    still mailed once (the preference was read when it was made).
    """
    rows = session.execute(
        text("""UPDATE notification_notification n SET email_due = false
                FROM (SELECT id FROM notification_notification WHERE email_due ORDER BY id
                      LIMIT :limit FOR UPDATE SKIP LOCKED) due, users_user u
                WHERE n.id = due.id AND u.id = n.user_id
                RETURNING n.id, n.title, n.body, u.email, u.is_active"""),
        {"limit": limit},
    ).all()
    for notification_id, title, body, address, active in rows:
        if active is not False:
            _mail(session, address, notification_id, title, body)
    return len(rows)


def _link(path: str) -> str:
    """An absolute link for mail: JOBHIVE_BASE_URL (required in production), else the request's address."""
    base = current_app.config.get("BASE_URL")
    if not base and has_request_context():
        base = request.url_root
    return (base or "").rstrip("/") + path


def _mail(session: Session, address: str, notification_id: int, title: str, body: str) -> None:
    text_ = (f"{body}\n\nOpen it: {_link(f'/notifications/{notification_id}')}\n\n"
             f"You get this email because you asked for it. Choose which emails you get on your account page: "
             f"{_link('/account#notifications')}")
    mail.send(session, address, title, text_)


# --- preferences -------------------------------------------------------------------------------------


def save_preferences(session: Session, user, wanted: set[str]) -> bool:
    """Set which kinds the user wants by email (one row per kind); audited. False when nothing changed."""
    before = queries.preferences_of(session, user.id)
    wanted = wanted & set(NOTIFICATION_KINDS)
    if wanted == before:
        return False
    upsert = insert(NotificationPreference).values(
        [{"user_id": user.id, "kind": kind, "email": kind in wanted} for kind in NOTIFICATION_KINDS])
    session.execute(upsert.on_conflict_do_update(index_elements=["user_id", "kind"],
                                                 set_={"email": upsert.excluded.email}))
    record(session, "notifications.preferences_changed", actor=user, target=user,
           details={"email": sorted(wanted), "added": sorted(wanted - before), "removed": sorted(before - wanted)})
    return True


# --- the events --------------------------------------------------------------------------------------


def decision_made(session: Session, job, company, names: list[str], action: str, stage_name: str | None,
                  reason: str | None, *, actor) -> list[int]:
    """A pipeline decision about one or several candidates (a bulk decision is one notification)."""
    who = person_name(actor)
    subject = names[0] if len(names) == 1 else f"{len(names)} candidates"
    title = {
        "moved": f"{who} moved {subject} to {stage_name}",
        "rejected": f"{who} rejected {subject}",
        "withdrawn": f"{who} marked {subject} as withdrawn",
        "reopened": f"{who} reopened {subject}",
    }[action]
    parts = [f"{job.title}."]
    if len(names) > 1:
        parts.append(", ".join(names) + ".")
    if reason:
        parts.append(f"Reason: {reason}")
    return notify(session, queries.decision_audience(session, company.id, job.id), "decision_made", title,
                  " ".join(parts), f"/jobs/{job.id}/pipeline", company.id, actor_id=actor.id)


def invitation_answered(session: Session, interview, accepted: bool, *, actor_id: int | None = None) -> list[int]:
    """A candidate accepted or declined an interview invitation (for the invitations' work to call):
    told to those who would hear of the interview's completion (queries.interview_audience)."""
    job = interview.job
    candidate = person_name(interview.user) if interview.user is not None else "A candidate"
    verb = "accepted" if accepted else "declined"
    return notify(session, queries.interview_audience(session, job.company_id, job.id, interview.id),
                  "invitation_answered", f"{candidate} {verb} the interview for {job.title}",
                  f"{candidate} {verb} the invitation to the interview for {job.title}.",
                  f"/interviews/{interview.session_id}", job.company_id, actor_id=actor_id)


def _mention_pattern(text_: str) -> re.Pattern:
    # "@Ada Lovelace" or "@ada@example.com", not in the middle of a word or a longer address.
    return re.compile(r"(?<![\w.@])@" + re.escape(text_) + r"(?![\w@-]|\.\w)", re.IGNORECASE)


def mentioned_in(body: str, members: list) -> set[int]:
    """The members (rows of queries.mentionable) a note mentions as @First Last or @email."""
    if "@" not in body:
        return set()
    found = set()
    for member in members:
        name = f"{member.first_name or ''} {member.last_name or ''}".strip()
        handles = [member.email] + ([name] if name else [])
        if any(_mention_pattern(handle).search(body) for handle in handles if handle):
            found.add(member.id)
    return found


def note_mentions(session: Session, interview, note, *, author, before: str | None = None) -> list[int]:
    """Notify the members a note mentions (only those who see the interview; on an edit, only the newly
    mentioned). The interview's job and candidate come loaded with it (interviews.scope)."""
    if "@" not in note.body:
        return []
    job = interview.job
    members = queries.mentionable(session, job.company_id, job.id, interview.id)
    mentioned = mentioned_in(note.body, members) - (mentioned_in(before, members) if before else set())
    if not mentioned:
        return []
    candidate = person_name(interview.user) if interview.user is not None else "a candidate"
    title = f"{person_name(author)} mentioned you in the notes on {candidate}’s interview"
    return notify(session, mentioned, "mentioned", title, f"{job.title}: “{_clip(note.body, 300)}”",
                  f"/interviews/{interview.session_id}#note-{note.id}", job.company_id, actor_id=author.id)

