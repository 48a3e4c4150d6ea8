"""The notes thread of an interview: notes with their author and time, added by any member who sees the
interview, edited only by their author (earlier texts kept as the note's history), the documented
interviewer_notes kept as the newest note's text, notes from before the thread as "Earlier notes", 50 a page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from tests.factories import PASSWORD, gen_assignment, gen_company, gen_interview, gen_job, gen_member, gen_user
from tests.querycount import recorded_statements, statements_of
from webapp.models import AuditEvent, InterviewNote, InterviewNoteEdit

HTMX = {"HX-Request": "true"}


def login(client, user):
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


@pytest.fixture
def acme(db_session):
    owner = gen_user(db_session, role="employer", first_name="Olga", last_name="Owner")
    company = gen_company(db_session, owner, company_name="Acme")
    ivy = gen_user(db_session, role="employer", first_name="Ivy", last_name="Interviewer")
    gen_member(db_session, company, ivy, "interviewer")
    job = gen_job(db_session, company, title="Robot Whisperer")
    candidate = gen_user(db_session, first_name="Cara", last_name="Candidate")
    interview = gen_interview(db_session, candidate, job, status="completed")
    gen_assignment(db_session, interview, ivy)
    return {"owner": owner, "ivy": ivy, "job": job, "interview": interview, "company": company}


def notes_url(acme) -> str:
    return f"/interviews/{acme['interview'].session_id}/notes"


def page(client, acme) -> str:
    response = client.get(f"/interviews/{acme['interview'].session_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def thread(db_session, acme) -> list[tuple]:
    return db_session.execute(select(InterviewNote.author_id, InterviewNote.body).where(
        InterviewNote.interview_session_id == acme["interview"].id).order_by(InterviewNote.id)).all()


def test_members_add_notes_shown_with_author_and_time_and_the_summary_is_the_newest(client, db_session, acme):
    login(client, acme["ivy"])
    first = client.post(notes_url(acme), data={"notes": "Strong on <b>gears</b>\r\nFollow up."}, headers=HTMX)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card notes-card" id="interview-notes"')
    assert "Note added." in html and "Strong on &lt;b&gt;gears&lt;/b&gt;\nFollow up." in html
    assert "Ivy Interviewer" in html and " UTC</time>" in html
    login(client, acme["owner"])
    client.post(notes_url(acme), data={"notes": "Agreed, next round."}, headers=HTMX)

    assert thread(db_session, acme) == [(acme["ivy"].id, "Strong on <b>gears</b>\nFollow up."),
                                        (acme["owner"].id, "Agreed, next round.")]
    db_session.refresh(acme["interview"])
    assert acme["interview"].interviewer_notes == "Agreed, next round."
    html = page(client, acme)
    assert html.index("Strong on &lt;b&gt;gears") < html.index("Agreed, next round.")  # newest last
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "interview.note_added")).all()
    assert [e.actor_id for e in events] == [acme["ivy"].id, acme["owner"].id]
    assert "gears" not in json.dumps(events[0].details)  # the trail says a note was added, not what it says


def test_without_javascript_adding_a_note_redirects_to_it(client, db_session, acme):
    login(client, acme["ivy"])
    response = client.post(notes_url(acme), data={"notes": "Plain form."})
    note_id = db_session.scalar(select(InterviewNote.id).where(InterviewNote.body == "Plain form."))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/interviews/{acme['interview'].session_id}#note-{note_id}")


@pytest.mark.parametrize(("notes", "message"), [
    ("   ", "Write the note first."),
    ("x" * 10_001, "Keep the note to 10,000 characters or fewer."),
    ("null\x00byte", "Remove the invisible control characters"),
])
@pytest.mark.parametrize("htmx", [True, False])
def test_a_bad_note_gets_a_message_and_nothing_is_written(client, db_session, acme, notes, message, htmx):
    login(client, acme["ivy"])
    response = client.post(notes_url(acme), data={"notes": notes}, headers=HTMX if htmx else {})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'role="alert"' in html and 'aria-describedby="notes-error"' in html
    assert thread(db_session, acme) == []
    assert db_session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action.startswith("interview.note"))) == 0


def test_the_author_edits_their_note_and_the_earlier_text_is_kept_as_history(client, db_session, acme):
    login(client, acme["ivy"])
    client.post(notes_url(acme), data={"notes": "First thought."})
    note = db_session.scalar(select(InterviewNote))
    edited = client.post(f"{notes_url(acme)}/{note.id}", data={"body": "Second thought."}, headers=HTMX)
    assert edited.status_code == 200
    html = edited.get_data(as_text=True)
    assert "Note changed." in html and "Second thought." in html and ">edited</span>" in html
    assert "First thought." not in html
    db_session.expire_all()
    assert db_session.get(InterviewNote, note.id).edited_at is not None
    assert db_session.scalars(select(InterviewNoteEdit.body)).all() == ["First thought."]
    db_session.refresh(acme["interview"])
    assert acme["interview"].interviewer_notes == "Second thought."

    history = client.get(f"{notes_url(acme)}/{note.id}/history", headers=HTMX)
    assert history.status_code == 200 and "First thought." in history.get_data(as_text=True)
    full = client.get(f"{notes_url(acme)}/{note.id}/history").get_data(as_text=True)
    assert "<h1" in full and "First thought." in full and "Second thought." in full
    same = client.post(f"{notes_url(acme)}/{note.id}", data={"body": "Second thought."}, headers=HTMX)
    assert "already up to date" in same.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(InterviewNoteEdit)) == 1
    assert db_session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("interview.note"))
                              .order_by(AuditEvent.id)).all() == ["interview.note_added", "interview.note_edited"]


def test_nobody_edits_another_persons_note(client, db_session, acme):
    login(client, acme["ivy"])
    client.post(notes_url(acme), data={"notes": "Ivy wrote this."})
    note = db_session.scalar(select(InterviewNote))
    login(client, acme["owner"])
    html = page(client, acme)
    assert "Ivy wrote this." in html and f'data-draft="{acme["owner"].id}:interview-note:{note.id}"' not in html
    assert client.post(f"{notes_url(acme)}/{note.id}", data={"body": "Owner's edit"}).status_code == 403
    db_session.expire_all()
    assert db_session.get(InterviewNote, note.id).body == "Ivy wrote this."
    assert db_session.scalar(select(func.count()).select_from(InterviewNoteEdit)) == 0


def test_a_note_of_another_interview_or_company_is_404(client, db_session, acme):
    other = gen_interview(db_session, acme["interview"].user, acme["job"], status="completed")
    db_session.add(InterviewNote(interview_session_id=other.id, author_id=acme["owner"].id, body="Elsewhere"))
    db_session.flush()
    note = db_session.scalar(select(InterviewNote))
    login(client, acme["owner"])
    assert client.post(f"{notes_url(acme)}/{note.id}", data={"body": "x"}).status_code == 404
    assert client.get(f"{notes_url(acme)}/{note.id}/history").status_code == 404
    login(client, acme["ivy"])  # not assigned to the other interview
    assert client.post(f"/interviews/{other.session_id}/notes", data={"notes": "x"}).status_code == 404
    stranger = gen_user(db_session, role="employer")
    gen_company(db_session, stranger)
    login(client, stranger)
    assert client.post(notes_url(acme), data={"notes": "x"}).status_code == 404
    assert client.get(f"{notes_url(acme)}/{note.id}/history").status_code == 404
    assert db_session.scalar(select(func.count()).select_from(InterviewNote)) == 1


def test_notes_from_before_the_thread_show_as_earlier_notes(client, db_session, acme):
    db_session.add(InterviewNote(interview_session_id=acme["interview"].id, author_id=None, body="Old shared box."))
    db_session.flush()
    login(client, acme["ivy"])
    html = page(client, acme)
    assert re.search(r"<strong>Earlier notes</strong>\s*<time", html) and "Old shared box." in html
    assert "interview-note:" not in html  # nobody's to edit


def test_more_than_fifty_notes_are_paged_newest_last_with_a_fixed_number_of_statements(app, client, db_session, acme):
    login(client, acme["ivy"])
    client.post(notes_url(acme), data={"notes": "The only note."})
    few = len(statements_of(app, client, f"/interviews/{acme['interview'].session_id}")[0])
    start = datetime.now(UTC) - timedelta(days=1)
    db_session.execute(insert(InterviewNote), [
        {"interview_session_id": acme["interview"].id, "author_id": acme["owner"].id, "body": f"Note number {i}",
         "created_at": start + timedelta(minutes=i)} for i in range(1, 121)
    ])
    db_session.flush()
    statements, html = statements_of(app, client, f"/interviews/{acme['interview'].session_id}")
    assert len(statements) == few
    assert html.count('class="note"') == 50 and "121 notes" in html
    assert "Note number 120" in html and "Note number 72<" in html and "Note number 71<" not in html
    assert html.index("Note number 72<") < html.index("The only note.")  # the newest is last
    assert "Earlier notes<span" in html

    second = client.get(f"{notes_url(acme)}?page=2").get_data(as_text=True)
    assert second.count('class="note"') == 50 and "Note number 22<" in second and "Note number 71<" in second
    assert "Later notes" in second and 'id="note-add"' not in second
    third = client.get(f"{notes_url(acme)}?page=3", headers=HTMX).get_data(as_text=True)
    assert third.count('class="note"') == 21 and "Note number 1<" in third
    assert client.get(f"{notes_url(acme)}?page=4").status_code == 404
    assert client.get(f"{notes_url(acme)}?page=x").status_code == 400


def test_the_live_poll_reads_no_notes_and_no_scorecards(app, client, db_session, acme):
    acme["interview"].status = "in_progress"
    db_session.flush()
    login(client, acme["ivy"])
    client.post(notes_url(acme), data={"notes": "During the interview."})
    with recorded_statements(app) as statements:
        response = client.get(f"/interviews/{acme['interview'].session_id}/live", headers=HTMX)
    assert response.status_code == 200
    joined = "\n".join(statements)
    assert "interview_note" not in joined and "interview_scorecard" not in joined


def test_a_note_edited_on_an_earlier_page_stays_on_that_page(client, db_session, acme):
    start = datetime.now(UTC) - timedelta(days=1)
    db_session.execute(insert(InterviewNote), [
        {"interview_session_id": acme["interview"].id, "author_id": acme["ivy"].id, "body": f"Note number {i}",
         "created_at": start + timedelta(minutes=i)} for i in range(1, 61)
    ])
    db_session.flush()
    oldest = db_session.scalar(select(InterviewNote.id).where(InterviewNote.body == "Note number 1"))
    login(client, acme["ivy"])
    assert f'id="note-{oldest}"' in client.get(f"{notes_url(acme)}?page=2").get_data(as_text=True)

    swapped = client.post(f"{notes_url(acme)}/{oldest}", data={"body": "Number one, edited", "page": "2"}, headers=HTMX)
    html = swapped.get_data(as_text=True)
    assert "Number one, edited" in html and "Later notes" in html and "Note number 60" not in html
    plain = client.post(f"{notes_url(acme)}/{oldest}", data={"body": "Again", "page": "2"})
    assert plain.headers["Location"].endswith(f"{notes_url(acme)}?page=2#note-{oldest}")
    refused = client.post(f"{notes_url(acme)}/{oldest}", data={"body": " ", "page": "2"})
    assert refused.status_code == 422 and "A note cannot be empty." in refused.get_data(as_text=True)
    assert "Earlier notes on the interview" in refused.get_data(as_text=True)
