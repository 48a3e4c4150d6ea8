"""Property-based: arbitrary text (unicode, NUL bytes, oversized) in any field of the account forms
never gives a 5xx, and a refused submission writes nothing."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.factories import PASSWORD, gen_user
from webapp.models import AuditEvent, Company, OutboxMessage, User

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    # One database transaction (the fixture's) for all examples; each example checks its own before/after.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALID_PASSWORD = "a long enough new password"
_unique = itertools.count(1)

nasty_text = st.one_of(
    st.text(max_size=30),
    st.text(min_size=120, max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\t\n", "😀" * 80, "x" * 5000, "ＡＢＣ", "<script>alert(1)</script>"]),
    st.builds(lambda s: s * 300, st.text(min_size=1, max_size=3)),
)


def counts(db_session) -> tuple[int, ...]:
    return tuple(
        db_session.scalar(select(func.count()).select_from(model))
        for model in (User, Company, OutboxMessage, AuditEvent)
    )


REGISTRATION_FIELDS = (
    "account_type",
    "company_name",
    "username",
    "email",
    "first_name",
    "last_name",
    "password",
    "confirm",
)


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(REGISTRATION_FIELDS + ("role", "is_staff", "company_id")), nasty_text))
def test_registration_never_fails_and_refusals_write_nothing(app, db_session, changes):
    n = next(_unique)
    data = {
        "account_type": "employer",
        "company_name": "Prop Co",
        "username": f"prop{n}",
        "email": f"prop{n}@example.test",
        "first_name": "Prop",
        "last_name": "Erty",
        "password": VALID_PASSWORD,
        "confirm": VALID_PASSWORD,
    } | changes
    before = counts(db_session)
    # An address of its own per example: the fixture's one transaction would otherwise reach the sign-up limit.
    address = {"REMOTE_ADDR": f"10.77.{n // 250}.{n % 250}"}
    response = app.test_client().post("/register", data=data, environ_base=address)
    assert response.status_code < 500
    if response.status_code == 303:
        user = db_session.scalar(select(User).where(func.lower(User.username) == data["username"].strip().lower()))
        if user is None:  # the same answer for an address that already had an account: nothing created
            assert db_session.scalar(select(User).where(func.lower(User.email) == data["email"].strip().lower()))
        else:
            assert user.role in ("user", "employer") and not user.is_staff and not user.is_verified
    else:
        assert response.status_code == 422
        assert b'class="field-error"' in response.data
        assert counts(db_session) == before


PROFILE_FIELDS = ("first_name", "last_name", "linkedin", "github", "website", "twitter")


@SETTINGS
@given(
    changes=st.dictionaries(st.sampled_from(PROFILE_FIELDS + ("role", "email", "is_verified")), nasty_text),
    htmx=st.booleans(),
)
def test_profile_form_never_fails_and_refusals_change_nothing(app, db_session, changes, htmx):
    user = gen_user(db_session)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    data = {"first_name": "Prop", "last_name": "Erty"} | changes
    before = (user.first_name, user.last_name, dict(user.social_links or {}), user.role, user.email)
    response = client.post("/account", data=data, headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code < 500
    db_session.expire_all()
    saved = db_session.get(User, user.id)
    assert (saved.role, saved.email, saved.is_verified) == ("user", before[4], True)
    if response.status_code == 422:
        assert b'class="field-error"' in response.data
        assert (saved.first_name, saved.last_name, saved.social_links, saved.role, saved.email) == before
    else:
        assert response.status_code == (200 if htmx else 303)
        assert all(len(url) <= 200 and url.startswith(("http://", "https://")) for url in saved.social_links.values())


@settings(SETTINGS, max_examples=25)  # each example hashes passwords: deliberately slow
@given(changes=st.dictionaries(st.sampled_from(("current_password", "password", "confirm")), nasty_text))
def test_password_change_never_fails_and_refusals_change_nothing(app, db_session, changes):
    user = gen_user(db_session)
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    data = {"current_password": PASSWORD, "password": VALID_PASSWORD, "confirm": VALID_PASSWORD} | changes
    before = user.password
    response = client.post("/account/password", data=data)
    assert response.status_code < 500
    db_session.expire_all()
    changed = db_session.get(User, user.id).password != before
    assert changed is (response.status_code == 303)


@SETTINGS
@given(email=nasty_text)
def test_forgot_password_never_fails_and_never_tells(app, db_session, email):
    n = next(_unique)
    response = app.test_client().post(
        "/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": f"10.78.{n // 250}.{n % 250}"}
    )
    assert response.status_code in (200, 422, 429)
    if response.status_code == 200:
        assert b"If an account exists for that address" in response.data
    if response.status_code == 429:  # one address typed in more than 5 examples
        assert b"Too many password reset requests." in response.data
