"""The account page: profile and links (htmx and plain), avatar upload, connections, password change."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_oauth_token, gen_user
from webapp.models import AuditEvent, LoginSession, User, UserOAuthToken

NEW_PASSWORD = "a different long passphrase"
HTMX = {"HX-Request": "true", "HX-Target": "profile-form"}


@pytest.fixture
def user(client, auth, db_session):
    user = gen_user(
        db_session, first_name="Ada", last_name="Lovelace", social_links={"facebook": "https://facebook.com/ada"}
    )
    auth.login(user.email, PASSWORD)
    return user


@pytest.fixture
def instance_folder(app, monkeypatch, tmp_path) -> Path:
    """Uploads land in a temporary instance folder, not the working tree's."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "uploads" / "avatars"


def profile(**overrides) -> dict:
    return {
        "first_name": "Ada",
        "last_name": "King",
        "linkedin": "",
        "github": "",
        "website": "",
        "twitter": "",
    } | overrides


def image_bytes(fmt: str = "PNG", size=(64, 48), color=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(client, data: bytes, filename: str = "me.png"):
    return client.post(
        "/account/avatar", data={"avatar": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def reload(db_session, user: User) -> User:
    db_session.expire_all()
    return db_session.get(User, user.id)


# --- the page ----------------------------------------------------------------------


def test_account_page_needs_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_account_page_shows_the_profile_and_empty_states(client, user):
    page = client.get("/account")
    assert page.status_code == 200
    assert b'value="Ada"' in page.data and b'value="Lovelace"' in page.data
    assert b"No photo yet." in page.data
    assert b"No connected accounts" in page.data
    assert b"Change password" in page.data


def test_account_page_links_to_two_factor_and_says_whether_it_is_on(client, user, db_session):
    page = client.get("/account").get_data(as_text=True)
    assert "Two-factor authentication" in page
    assert 'href="/account/two-factor' in page and "Off" in page and "Set up two-factor authentication" in page

    user.enable_2fa = True
    db_session.flush()
    page = client.get("/account").get_data(as_text=True)
    assert 'href="/account/two-factor' in page and "Manage two-factor authentication" in page
    assert "Set up two-factor authentication" not in page


# --- profile and links -------------------------------------------------------------


def test_saving_the_profile_without_htmx_redirects_with_a_message(client, user, db_session):
    data = profile(
        linkedin="https://www.linkedin.com/in/ada",
        github="https://github.com/ada",
        website="http://ada.example.org/about",
    )
    response = client.post("/account", data=data, follow_redirects=True)
    assert response.request.path == "/account"
    assert b"Your profile has been saved." in response.data
    saved = reload(db_session, user)
    assert saved.last_name == "King"
    assert saved.social_links == {
        "facebook": "https://facebook.com/ada",  # not offered by the form: kept
        "linkedin": "https://www.linkedin.com/in/ada",
        "github": "https://github.com/ada",
        "website": "http://ada.example.org/about",
    }


def test_saving_with_htmx_re_renders_only_the_form(client, user, db_session):
    response = client.post("/account", data=profile(twitter="https://x.com/ada"), headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.data
    assert b'id="profile-form"' in response.data and b"Your profile has been saved." in response.data
    assert "HX-Request" in response.headers["Vary"]
    assert reload(db_session, user).social_links["twitter"] == "https://x.com/ada"


def test_clearing_a_link_removes_it(client, user, db_session):
    client.post("/account", data=profile(github="https://github.com/ada"))
    client.post("/account", data=profile(github="  "))
    assert "github" not in reload(db_session, user).social_links


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"first_name": ""}, b"Enter your first name."),
        ({"last_name": "L" * 151}, b"Field cannot be longer than 150 characters."),
        ({"last_name": "Love\x00lace"}, b"Remove the control characters"),
        ({"website": "javascript:alert(1)"}, b"Enter a full web address starting with https://."),
        ({"website": "ftp://ada.example.org"}, b"Enter a full web address starting with https://."),
        ({"website": "https://localhost"}, b"Enter a full web address starting with https://."),
        ({"website": "https://ada example.org"}, b"Enter a full web address starting with https://."),
        ({"website": "https://user:pw@ada.example.org"}, b"A link cannot contain a user name or password."),
        ({"website": "https://[::1"}, b"Enter a full web address starting with https://."),
        ({"website": "https://ada.example.org/" + "a" * 200}, b"Field cannot be longer than 200 characters."),
        ({"linkedin": "https://evil.example/in/ada"}, b"Enter a link on linkedin.com."),
        ({"linkedin": "https://linkedin.com.evil.example/"}, b"Enter a link on linkedin.com."),
        ({"github": "https://gitlab.com/ada"}, b"Enter a link on github.com."),
        ({"twitter": "https://mastodon.social/@ada"}, b"Enter a link on x.com or twitter.com."),
    ],
)
def test_bad_profile_input_gets_a_field_message_and_changes_nothing(client, user, db_session, overrides, message):
    before = (user.first_name, user.last_name, dict(user.social_links))
    response = client.post("/account", data=profile(**overrides), headers=HTMX)
    assert response.status_code == 422
    assert message in response.data
    assert b'aria-invalid="true"' in response.data and b'role="alert"' in response.data
    assert b"<html" not in response.data
    saved = reload(db_session, user)
    assert (saved.first_name, saved.last_name, saved.social_links) == before


def test_bad_profile_input_without_htmx_renders_the_whole_page(client, user):
    response = client.post("/account", data=profile(first_name=""))
    assert response.status_code == 422
    assert b"<html" in response.data and b"Enter your first name." in response.data


def test_extra_fields_on_the_profile_form_change_nothing(client, user, db_session):
    data = profile(
        role="admin",
        is_staff="y",
        is_verified="n",
        email="other@example.test",
        username="root",
        avatar="../../etc/passwd",
    )
    assert client.post("/account", data=data).status_code == 303
    saved = reload(db_session, user)
    assert (saved.role, saved.is_staff, saved.is_verified) == ("user", False, True)
    assert (saved.email, saved.username, saved.avatar) == (user.email, user.username, None)


# --- avatar ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP", "GIF"])
def test_an_image_upload_is_stored_re_encoded_and_served(client, user, db_session, instance_folder, fmt):
    response = upload(client, image_bytes(fmt, size=(1200, 900)), filename=f"me.{fmt.lower()}")
    assert response.status_code == 303
    name = reload(db_session, user).avatar
    assert (instance_folder / name).is_file() and name.endswith(".png")

    served = client.get(f"/account/avatar/{user.id}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    picture = Image.open(io.BytesIO(served.data))
    assert picture.format == "PNG" and max(picture.size) == 512
    assert b"Your profile photo" in client.get("/account").data


def test_the_file_name_does_not_matter_only_the_content(client, user, db_session, instance_folder):
    assert upload(client, image_bytes("PNG"), filename="holiday.gif").status_code == 303
    assert upload(client, image_bytes("JPEG"), filename="script.php").status_code == 303
    assert reload(db_session, user).avatar.endswith(".png")


def test_replacing_the_avatar_deletes_the_old_file(client, user, db_session, instance_folder):
    upload(client, image_bytes())
    first = reload(db_session, user).avatar
    upload(client, image_bytes(color=(0, 0, 255)))
    second = reload(db_session, user).avatar
    assert first != second
    assert not (instance_folder / first).exists() and (instance_folder / second).is_file()


def test_removing_the_avatar_deletes_the_file(client, user, db_session, instance_folder):
    upload(client, image_bytes())
    name = reload(db_session, user).avatar
    response = client.post("/account/avatar/delete", follow_redirects=True)
    assert b"Your photo has been removed." in response.data
    assert reload(db_session, user).avatar is None
    assert not (instance_folder / name).exists()
    assert client.get(f"/account/avatar/{user.id}").status_code == 404


def _truncated_png() -> bytes:
    data = image_bytes(size=(300, 300))
    return data[: len(data) // 2]


def _too_big() -> bytes:
    # A real PNG padded past 2 MB (PNG readers ignore trailing bytes).
    return image_bytes() + b"\0" * (2 * 1024 * 1024)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"just some text, not a picture", "me.png", b"This file is not a PNG, JPEG, WebP or GIF image."),
        (b"%PDF-1.4 fake", "me.jpg", b"This file is not a PNG, JPEG, WebP or GIF image."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "me.svg", b"This file is not a PNG, JPEG, WebP or GIF image."),
        (None, "me.bmp", b"This file is not a PNG, JPEG, WebP or GIF image."),  # a real image, wrong type
        (b"", "empty.png", b"Choose an image file to upload."),
        ("too_big", "big.png", b"This file is larger than 2 MB."),
        ("too_wide", "wide.png", b"The image must be 16 to 4096 pixels wide and high."),
        ("too_small", "tiny.png", b"The image must be 16 to 4096 pixels wide and high."),
        ("truncated", "half.png", b"This image is damaged or incomplete."),
    ],
)
def test_bad_uploads_get_a_message_and_change_nothing(
    client, user, db_session, instance_folder, data, filename, message
):
    data = {
        None: lambda: image_bytes("BMP"),
        "too_big": _too_big,
        "too_wide": lambda: image_bytes(size=(5000, 20)),
        "too_small": lambda: image_bytes(size=(8, 8)),
        "truncated": _truncated_png,
    }.get(data, lambda: data)()
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert message in response.data
    assert b'aria-invalid="true"' in response.data
    assert reload(db_session, user).avatar is None
    assert not instance_folder.exists() or list(instance_folder.iterdir()) == []


def test_an_upload_without_a_file_gets_a_message(client, user, db_session):
    response = client.post("/account/avatar", data={"avatar": "not a file"})
    assert response.status_code == 422
    assert b"Choose an image file to upload." in response.data


def test_an_upload_over_the_request_limit_is_refused_cleanly(client, user, db_session, instance_folder):
    response = upload(client, b"\0" * (9 * 1024 * 1024), "huge.png")
    assert response.status_code == 413
    assert reload(db_session, user).avatar is None


def test_avatars_are_served_to_their_owner_not_to_any_logged_in_user(app, client, user, db_session, instance_folder):
    upload(client, image_bytes())
    assert client.get(f"/account/avatar/{user.id}").status_code == 200
    assert app.test_client().get(f"/account/avatar/{user.id}").status_code == 302
    other = gen_user(db_session)
    stranger = app.test_client()
    stranger.post("/login", data={"email": other.email, "password": PASSWORD})
    assert stranger.get(f"/account/avatar/{user.id}").status_code == 404  # see tests/test_avatar_access.py
    assert stranger.get(f"/account/avatar/{other.id}").status_code == 404  # has none
    assert stranger.get("/account/avatar/999999999").status_code == 404


def test_an_imported_avatar_name_never_reaches_outside_the_folder(client, user, db_session, instance_folder):
    user.avatar = "../../../etc/passwd"
    db_session.flush()
    assert client.get(f"/account/avatar/{user.id}").status_code == 404
    assert b"No photo yet." in client.get("/account").data


# --- connected accounts ------------------------------------------------------------


def test_connections_are_listed_and_disconnected_after_confirmation(client, user, db_session):
    token = gen_oauth_token(db_session, user, provider="github")
    page = client.get("/account")
    assert b"GitHub" in page.data and b"Disconnect" in page.data

    confirm = client.get(f"/account/connections/{token.id}/disconnect")
    assert confirm.status_code == 200
    assert b"Disconnect GitHub?" in confirm.data
    assert db_session.get(UserOAuthToken, token.id) is not None  # asking is not doing

    response = client.post(f"/account/connections/{token.id}/disconnect", follow_redirects=True)
    assert b"GitHub is no longer connected to your account." in response.data
    assert b"No connected accounts" in response.data
    assert db_session.scalar(select(func.count()).where(UserOAuthToken.id == token.id)) == 0
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "user.oauth_disconnected"))
    assert (event.actor_id, event.details) == (user.id, {"provider": "github"})


def test_someone_elses_connection_is_not_found(client, user, db_session):
    other = gen_user(db_session)
    token = gen_oauth_token(db_session, other, provider="google")
    assert client.get(f"/account/connections/{token.id}/disconnect").status_code == 404
    assert client.post(f"/account/connections/{token.id}/disconnect").status_code == 404
    assert client.post("/account/connections/999999999/disconnect").status_code == 404
    assert db_session.scalar(select(func.count()).where(UserOAuthToken.id == token.id)) == 1


# --- changing the password ---------------------------------------------------------


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(
        "/account/password", data={"current_password": current, "password": new, "confirm": confirm or new}
    )


def test_change_password_page_renders(client, user):
    response = client.get("/account/password")
    assert response.status_code == 200
    assert b"Current password" in response.data and b"Use 12 to 128 characters" in response.data


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, user, db_session):
    other_browser = app.test_client()
    other_browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other_browser.get("/dashboard").status_code == 200

    response = change(client)
    assert response.status_code == 303
    page = client.get("/account")
    assert page.status_code == 200
    assert b"Your password has been changed. 1 other session was logged out." in page.data
    assert other_browser.get("/dashboard").status_code == 302

    live = db_session.scalar(
        select(func.count()).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
    )
    assert live == 1
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_changed"))
    assert event.actor_id == user.id
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong password here", NEW_PASSWORD, None, b"That is not your current password."),
        ("", NEW_PASSWORD, None, b"Enter your current password."),
        (PASSWORD, "short", None, b"Your password must be 12 to 128 characters long."),
        (PASSWORD, " " * 13, None, b"Your password cannot be only spaces."),
        (PASSWORD, NEW_PASSWORD, "not the same", b"The two passwords do not match."),
        (PASSWORD, PASSWORD, None, b"Choose a password different from your current one."),
        ("\x00" + PASSWORD, NEW_PASSWORD, None, b"That is not your current password."),
    ],
)
def test_bad_password_changes_get_a_message_and_change_nothing(
    client, user, db_session, current, new, confirm, message
):
    before = db_session.scalar(select(User.password).where(User.id == user.id))
    response = change(client, current, new, confirm)
    assert response.status_code == 422
    assert message in response.data
    db_session.expire_all()
    assert db_session.scalar(select(User.password).where(User.id == user.id)) == before
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "user.password_changed")) == 0


def test_guessing_the_current_password_is_throttled_like_logging_in(client, user, db_session):
    for _ in range(5):
        assert change(client, current="wrong password here").status_code == 422
    blocked = change(client)  # even the right password, until the window passes
    assert blocked.status_code == 429
    assert b"Too many failed attempts. Try again in" in blocked.data
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).where(AuditEvent.action == "user.password_changed")) == 0
