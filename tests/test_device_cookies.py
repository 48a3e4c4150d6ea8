"""Lockout is no denial of service: a browser that logged in before keeps its own failure budget (OWASP device cookies)."""

from __future__ import annotations

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from tests.factories import PASSWORD, gen_two_factor_user, gen_user
from tests.test_twofactor import code_at, submit_code
from webapp.auth import devices
from webapp.models import LoginAttempt

WRONG = "wrong password, not the real one"


def post_login(client, email, password, ip="127.0.0.1"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def trusted_browser(app, user, ip="127.0.0.1"):
    """A browser where `user` logged in (and out) once: it now holds a device cookie for them."""
    browser = app.test_client()
    assert post_login(browser, user.email, PASSWORD, ip=ip).status_code == 302
    assert browser.post("/logout").status_code == 302
    assert browser.get_cookie(devices.COOKIE) is not None
    return browser


def test_a_login_sets_a_signed_http_only_device_cookie(client, db_session):
    user = gen_user(db_session)
    response = post_login(client, user.email, PASSWORD)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(devices.COOKIE + "="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=15552000" in header
    assert "@" not in header and str(user.email) not in header  # ids and a nonce, signed; no email


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out_of_their_browser(app, client, db_session):
    owner = gen_user(db_session)
    own_browser = trusted_browser(app, owner, ip="192.0.2.10")
    for n in range(5):
        post_login(client, owner.email, WRONG, ip=f"203.0.113.{n}")

    # The brute-force limit still holds for every unknown browser, even with the right password...
    assert post_login(client, owner.email, PASSWORD, ip="203.0.113.77").status_code == 429
    assert post_login(app.test_client(), owner.email, PASSWORD, ip="192.0.2.10").status_code == 429
    # ...but the owner's own browser logs in.
    response = post_login(own_browser, owner.email, PASSWORD, ip="192.0.2.10")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert own_browser.get("/dashboard", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 200


def test_a_trusted_browser_has_its_own_budget_that_does_not_lock_the_account(app, db_session):
    owner = gen_user(db_session)
    own_browser = trusted_browser(app, owner)
    for _ in range(5):
        assert post_login(own_browser, owner.email, WRONG).status_code == 422

    throttled = post_login(own_browser, owner.email, PASSWORD)
    assert throttled.status_code == 429 and b"Too many failed attempts" in throttled.data
    # Its failures were its own: the account and the address are not locked for anyone else.
    assert post_login(app.test_client(), owner.email, PASSWORD).status_code == 302
    failures = db_session.scalars(
        select(LoginAttempt).where(LoginAttempt.email == owner.email, LoginAttempt.succeeded.is_(False))
    ).all()
    assert len(failures) == 5 and len({row.device_hash for row in failures}) == 1
    assert failures[0].device_hash == devices._digest(*_entries(app, own_browser)[0])


def test_an_address_that_guessed_wrong_does_not_block_other_accounts_trusted_browsers(app, client, db_session):
    colleague = gen_user(db_session)
    office = "198.51.100.40"
    colleague_browser = trusted_browser(app, colleague, ip=office)
    for n in range(5):  # someone behind the same address sprays guesses over many accounts
        assert post_login(client, f"guess{n}@example.test", WRONG, ip=office).status_code == 422

    assert post_login(client, "guess9@example.test", WRONG, ip=office).status_code == 429
    assert post_login(colleague_browser, colleague.email, PASSWORD, ip=office).status_code == 302
    # An unknown browser at that address is refused: that is what stops the spraying.
    assert post_login(app.test_client(), colleague.email, PASSWORD, ip=office).status_code == 429


def test_a_device_cookie_for_someone_else_or_forged_earns_no_trust(app, client, db_session):
    owner, other = gen_user(db_session), gen_user(db_session)
    others_browser = trusted_browser(app, other)
    for _ in range(5):
        post_login(client, owner.email, WRONG, ip="203.0.113.5")
    assert post_login(others_browser, owner.email, PASSWORD).status_code == 429

    forged = app.test_client()
    nonce = _entries(app, others_browser)[0][1]
    foreign_key = URLSafeTimedSerializer("not our secret", salt=devices.SALT).dumps([[owner.id, nonce]])
    for value in (foreign_key, "garbage", others_browser.get_cookie(devices.COOKIE).value[:-4] + "AAAA"):
        forged.set_cookie(devices.COOKIE, value)
        assert post_login(forged, owner.email, PASSWORD).status_code == 429


def test_a_browser_shared_by_two_people_trusts_both(app, db_session):
    first, second = gen_user(db_session), gen_user(db_session)
    browser = trusted_browser(app, first)
    post_login(browser, second.email, PASSWORD)
    browser.post("/logout")
    assert {uid for uid, _nonce in _entries(app, browser)} == {first.id, second.id}
    for user in (first, second):
        for n in range(5):
            post_login(app.test_client(), user.email, WRONG, ip=f"203.0.113.{20 + n}")
        assert post_login(browser, user.email, PASSWORD).status_code == 302
        browser.post("/logout")


def test_the_second_step_not_the_password_makes_a_browser_trusted(client, db_session):
    user = gen_two_factor_user(db_session)
    response = post_login(client, user.email, PASSWORD)
    assert response.headers["Location"] == "/login/two-factor"
    assert client.get_cookie(devices.COOKIE) is None
    assert submit_code(client, code_at(user)).status_code == 302
    assert client.get_cookie(devices.COOKIE) is not None


def test_changing_the_password_from_a_trusted_browser_is_not_blocked_by_others_failures(app, client, db_session):
    owner = gen_user(db_session)
    own_browser = trusted_browser(app, owner)
    assert post_login(own_browser, owner.email, PASSWORD).status_code == 302
    for n in range(5):
        post_login(client, owner.email, WRONG, ip=f"203.0.113.{40 + n}")
    new = "a brand new long passphrase"
    response = own_browser.post(
        "/account/password", data={"current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 303


def _entries(app, browser) -> list[tuple[int, str]]:
    value = browser.get_cookie(devices.COOKIE).value
    return [tuple(entry) for entry in URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=devices.SALT).loads(value)]
