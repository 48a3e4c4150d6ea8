"""The mailer (outbox row always; SMTP after commit when configured) and the development outbox page."""

from __future__ import annotations

import logging
import socket
import socketserver
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, text

from tests.conftest import TEST_DATABASE_URL
from tests.factories import gen_outbox_message, gen_user
from webapp import create_app, db, mail
from webapp.config import ConfigError, from_environment
from webapp.mail import delivery
from webapp.models import OutboxMessage


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 localhost test SMTP")
        sender, recipients = None, []
        while line := self.rfile.readline():
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append((sender, recipients, message_from_bytes(data, policy=policy.default)))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def smtp_app(app, monkeypatch, smtp_server):
    """The test app with MAIL_SERVER pointing at the local SMTP server."""
    for key, value in {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.server_address[1],
        "MAIL_USE_TLS": False,
        "MAIL_FROM": "JobHive <no-reply@jobhive.test>",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return app


# --- the mailer --------------------------------------------------------------------


def test_without_a_mail_server_the_message_is_recorded_and_logged(app, db_session, caplog):
    caplog.set_level(logging.INFO, logger="webapp.mail.services")
    with app.app_context():
        message = mail.send(db.session(), "ann@example.test", "Hello", "Body with https://example.test/x")
        db.session.commit()
    row = db_session.get(OutboxMessage, message.id)
    assert (row.to_address, row.subject, row.body_text, row.sent_at) == (
        "ann@example.test",
        "Hello",
        "Body with https://example.test/x",
        None,
    )
    assert "Mail to ann@example.test (not sent, no MAIL_SERVER): Hello" in caplog.text


def test_with_a_mail_server_the_message_goes_out_by_smtp_after_the_commit(smtp_app, smtp_server, db_session):
    with smtp_app.app_context():
        message = mail.send(db.session(), "ann@example.test", "Hello Ann", "Line one\n.leading dot\nLine three")
        assert smtp_server.received == []  # nothing leaves before the commit
        db.session.commit()
    sender, recipients, received = smtp_server.received[0]
    assert recipients == ["ann@example.test"]
    assert "no-reply@jobhive.test" in sender
    assert received["Subject"] == "Hello Ann"
    assert received["From"] == "JobHive <no-reply@jobhive.test>"
    assert received.get_content().splitlines() == ["Line one", ".leading dot", "Line three"]
    db_session.expire_all()
    assert db_session.get(OutboxMessage, message.id).sent_at is not None


def test_a_rolled_back_message_is_never_sent(smtp_app, smtp_server, db_session):
    with smtp_app.app_context():
        mail.send(db.session(), "ann@example.test", "Never", "This change was rolled back.")
        db.session.rollback()
        db.session.commit()  # a later commit of the same session must not send it either
    assert smtp_server.received == []
    assert db_session.scalar(select(OutboxMessage).where(OutboxMessage.subject == "Never")) is None


def test_a_password_reset_over_smtp_reaches_the_server(smtp_app, smtp_server, client, db_session):
    user = gen_user(db_session)
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 200
    (_sender, recipients, received) = smtp_server.received[0]
    assert recipients == [user.email]
    assert "/password/reset/" in received.get_content()


def test_an_unreachable_mail_server_is_logged_and_the_request_still_succeeds(
    app, monkeypatch, client, db_session, caplog
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    user = gen_user(db_session)
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 200
    assert "Could not deliver message" in caplog.text
    row = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == user.email))
    assert row is not None and row.sent_at is None


def test_links_use_the_public_base_url_when_configured(app, monkeypatch, client, db_session):
    monkeypatch.setitem(app.config, "BASE_URL", "https://jobs.example.com")
    user = gen_user(db_session)
    client.post("/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"})
    body = db_session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.to_address == user.email))
    assert "https://jobs.example.com/password/reset/" in body
    assert "evil.example" not in body


# --- configuration -----------------------------------------------------------------


def test_mail_settings_come_from_the_environment():
    config = from_environment(
        {
            "JOBHIVE_ENV": "testing",
            "MAIL_SERVER": "smtp.example.com",
            "MAIL_PORT": "2525",
            "MAIL_USERNAME": "mailer",
            "MAIL_PASSWORD": "secret",
            "MAIL_USE_TLS": "0",
            "MAIL_FROM": "JobHive <hello@example.com>",
        }
    )
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"]) == ("smtp.example.com", 2525, False)
    assert (config["MAIL_USERNAME"], config["MAIL_PASSWORD"]) == ("mailer", "secret")
    assert config["MAIL_FROM"] == "JobHive <hello@example.com>"
    defaults = from_environment({"JOBHIVE_ENV": "testing"})
    assert (defaults["MAIL_SERVER"], defaults["MAIL_PORT"], defaults["MAIL_USE_TLS"]) == (None, 587, True)


def test_a_bad_mail_port_is_a_configuration_error():
    with pytest.raises(ConfigError, match="MAIL_PORT"):
        from_environment({"JOBHIVE_ENV": "testing", "MAIL_PORT": "smtp"})


def test_production_mail_needs_a_sender_and_a_public_url():
    production = {"JOBHIVE_ENV": "production", "SECRET_KEY": "s" * 32, "DATABASE_URL": TEST_DATABASE_URL}
    smtp = {"MAIL_SERVER": "smtp.example.com", "MAIL_FROM": "a@example.com"}
    with pytest.raises(ConfigError, match="JOBHIVE_BASE_URL"):
        from_environment(production | smtp)
    with pytest.raises(ConfigError, match="MAIL_FROM"):
        from_environment(production | {"MAIL_SERVER": "smtp.example.com", "JOBHIVE_BASE_URL": "https://x.example"})
    config = from_environment(production | smtp | {"JOBHIVE_BASE_URL": "https://x.example/"})
    assert config["BASE_URL"] == "https://x.example"


# --- the development outbox --------------------------------------------------------


def test_outbox_lists_messages_newest_first_with_clickable_links(client, db_session):
    gen_outbox_message(db_session, subject="Older message", body_text="First.")
    gen_outbox_message(
        db_session,
        subject="Newer message",
        body_text="Open http://localhost/verify/abc.def, then <b>done</b>.",
    )
    response = client.get("/dev/outbox")
    assert response.status_code == 200
    page = response.data.decode()
    assert page.index("Newer message") < page.index("Older message")
    assert '<a href="http://localhost/verify/abc.def">http://localhost/verify/abc.def</a>, then' in page
    assert "&lt;b&gt;done&lt;/b&gt;" in page  # bodies are text, never HTML


def test_outbox_filters_by_recipient_and_says_when_empty(client, db_session):
    gen_outbox_message(db_session, to="ann@example.test", subject="For Ann")
    gen_outbox_message(db_session, to="bob@example.test", subject="For Bob")
    page = client.get("/dev/outbox?to=ANN@example.test").data
    assert b"For Ann" in page and b"For Bob" not in page
    empty = client.get("/dev/outbox?to=nobody%00@example.test")
    assert empty.status_code == 200
    assert b"No messages to nobody@example.test" in empty.data


def test_outbox_htmx_filter_returns_only_the_list(client, db_session):
    gen_outbox_message(db_session, to="ann@example.test", subject="For Ann")
    response = client.get("/dev/outbox?to=ann@example.test", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.data and b'id="outbox-messages"' in response.data
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(("environment", "status"), [("production", 404), ("development", 200)])
def test_outbox_exists_only_in_development_and_testing(db_session, environment, status):
    other = create_app({"DATABASE_URL": TEST_DATABASE_URL, "ENV_NAME": environment})
    other.extensions["db_bind"] = db_session.get_bind()
    try:
        gen_outbox_message(db_session, subject="A secret link")
        response = other.test_client().get("/dev/outbox")
        assert response.status_code == status
        assert (b"A secret link" in response.data) is (status == 200)
    finally:
        other.extensions["db_engine"].dispose()


# --- retries: backoff, giving up, and showing it ----------------------------------------


@pytest.fixture
def closed_port():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable_smtp_app(app, monkeypatch, closed_port):
    """The test app with MAIL_SERVER pointing at a port nothing listens on."""
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": closed_port, "MAIL_USE_TLS": False}.items():
        monkeypatch.setitem(app.config, key, value)
    return app


def outbox_row(db_session, message_id: int) -> dict:
    """The message's delivery state, `next_in` being how long after now() (the test's transaction time) it is due."""
    db_session.expire_all()
    return dict(db_session.execute(
        text("SELECT status, attempts, last_error, sent_at, next_attempt_at - now() AS next_in "
             "FROM mail_outboxmessage WHERE id = :id"), {"id": message_id}).mappings().one())


def make_due(db_session, message_id: int) -> None:
    db_session.execute(
        text("UPDATE mail_outboxmessage SET next_attempt_at = now() - interval '1 second' WHERE id = :id"),
        {"id": message_id},
    )
    db_session.flush()


def retry(app):
    return app.test_cli_runner().invoke(args=["mail", "retry"])


def failed_in_outbox(db_session) -> int:
    return db_session.scalar(text("SELECT count(*) FROM mail_outboxmessage WHERE status = 'failed'"))


def test_a_failed_send_is_queued_and_the_retry_sends_it(unreachable_smtp_app, monkeypatch, smtp_server, db_session):
    app = unreachable_smtp_app
    with app.app_context():
        message = mail.send(db.session(), "ann@example.test", "Verify", "Open https://example.test/verify/x")
        db.session.commit()  # the after-commit attempt fails: nothing listens
    state = outbox_row(db_session, message.id)
    assert (state["status"], state["attempts"], state["sent_at"]) == ("queued", 1, None)
    assert state["last_error"].startswith("ConnectionRefusedError")
    assert state["next_in"] == delivery.RETRY_DELAYS[0]

    assert "Sent 0, 0 to retry later" in retry(app).output  # not due yet: nothing tried
    assert outbox_row(db_session, message.id)["attempts"] == 1

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.server_address[1])  # the server is back
    make_due(db_session, message.id)
    result = retry(app)
    assert result.exit_code == 0, result.output
    assert "Sent 1, 0 to retry later, gave up on 0." in result.output
    (_sender, recipients, received) = smtp_server.received[0]
    assert recipients == ["ann@example.test"] and received["Subject"] == "Verify"
    state = outbox_row(db_session, message.id)
    assert (state["status"], state["attempts"], state["next_in"]) == ("sent", 2, None)
    assert state["sent_at"] is not None


def test_retries_back_off_and_give_up_visibly_after_the_last_attempt(unreachable_smtp_app, client, db_session):
    app = unreachable_smtp_app
    failed_before = failed_in_outbox(db_session)
    with app.app_context():
        message = mail.send(db.session(), "bob@example.test", "Reset your password", "https://example.test/reset/y")
        db.session.commit()
    waits = [outbox_row(db_session, message.id)["next_in"]]
    for attempt in range(2, delivery.MAX_ATTEMPTS):
        make_due(db_session, message.id)
        result = retry(app)
        assert result.exit_code == 0, result.output
        assert "Sent 0, 1 to retry later, gave up on 0." in result.output
        state = outbox_row(db_session, message.id)
        assert (state["status"], state["attempts"]) == ("queued", attempt)
        waits.append(state["next_in"])
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]

    make_due(db_session, message.id)
    result = retry(app)
    assert result.exit_code == 1  # a cron job that gave up on mail needs a person
    assert f"gave up on message {message.id} to bob@example.test: ConnectionRefusedError" in result.output
    assert f"Sent 0, 0 to retry later, gave up on 1. Outbox: 0 queued, {failed_before + 1} failed." in result.output
    state = outbox_row(db_session, message.id)
    assert (state["status"], state["attempts"], state["next_in"]) == ("failed", 5, None)

    make_due(db_session, message.id)  # a failed message is never tried again
    assert "Sent 0, 0 to retry later, gave up on 0." in retry(app).output
    assert outbox_row(db_session, message.id)["attempts"] == 5

    page = client.get("/dev/outbox?to=bob@example.test").data.decode()
    assert "Failed after 5 attempts" in page and "Last error: ConnectionRefusedError" in page


def test_the_outbox_shows_queued_messages_and_emptied_bodies(client, db_session):
    gen_outbox_message(db_session, to="cy@example.test", subject="Waiting", status="queued", attempts=2,
                       last_error="SMTPServerDisconnected: Connection unexpectedly closed")
    gen_outbox_message(db_session, to="cy@example.test", subject="Old", status="sent", body_text="",
                       body_removed_at=datetime.now(UTC))
    page = client.get("/dev/outbox?to=cy@example.test").data.decode()
    assert "Queued after 2 failed attempts" in page and "Last error: SMTPServerDisconnected" in page
    assert "Body removed by retention" in page


def test_retry_without_a_mail_server_sends_nothing_and_says_why(app, db_session):
    gen_outbox_message(db_session, status="queued")
    result = retry(app)
    assert result.exit_code == 1
    assert "MAIL_SERVER is not set: nothing sent." in result.output
    assert "messages are queued for SMTP but MAIL_SERVER is not set" in result.output


def test_a_message_that_cannot_be_built_counts_as_a_failed_attempt(smtp_app, smtp_server, db_session):
    message = gen_outbox_message(db_session, to="ann@example.test\nBcc: eve@example.test", status="queued")
    make_due(db_session, message.id)
    result = retry(smtp_app)
    assert "Sent 0, 1 to retry later, gave up on 0." in result.output
    state = outbox_row(db_session, message.id)
    assert (state["status"], state["attempts"]) == ("queued", 1) and state["last_error"].startswith("ValueError")
    assert smtp_server.received == []
