"""Account rules: sign-up, email verification, password reset and change, profile, avatar, connections.

Services never commit; the view commits once. Links in mail are signed with
itsdangerous and carry the state they are allowed to change (whether the email is
verified, a fingerprint of the password hash), so each works once: after use
that state has moved on and the signature no longer matches reality.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp import mail, queue, timezones, uploads
from webapp.accounts import queries
from webapp.audit import services as audit
from webapp.audit.services import client_ip
from webapp.auth import sessions as login_sessions
from webapp.auth import devices, throttle
from webapp.auth.passwords import hash_password, verify_password
from webapp.mail import queries as mail_queries
from webapp.models import Company, User, UserOAuthToken

VERIFY_SALT = "jobhive.accounts.verify-email"
RESET_SALT = "jobhive.accounts.reset-password"
VERIFY_MAX_AGE = timedelta(hours=48)
RESET_MAX_AGE = timedelta(hours=1)
# At most one verification (or reset) mail per address in this window: the outbox is the ledger.
MAIL_INTERVAL = timedelta(minutes=5)
VERIFY_SUBJECT = "Verify your email address for JobHive"
RESET_SUBJECT = "Reset your JobHive password"
SIGNUP_TAKEN_SUBJECT = "Someone tried to sign up to JobHive with your email address"

USERNAME_TAKEN = "This username is taken. Please choose another."
WRONG_PASSWORD = "That is not your current password."

AVATAR_FOLDER = "avatars"  # under <instance>/uploads/, managed by webapp.uploads
AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_MIN_SIDE, AVATAR_MAX_SIDE = 16, 4096
AVATAR_STORED_SIDE = 512
_DIMENSIONS = f"The image must be {AVATAR_MIN_SIDE} to {AVATAR_MAX_SIDE} pixels wide and high."
# The account page's own wording for some refusals (keyed by UploadError.reason); others use the shared text.
_AVATAR_MESSAGES = {
    "empty": "Choose an image file to upload.",
    "too_large": "This file is larger than 2 MB. Choose a smaller image.",
    "not_image": "This file is not a PNG, JPEG, WebP or GIF image.",
    "damaged": "This image is damaged or incomplete. Try another file.",
    "dimensions": _DIMENSIONS,
    "too_many_pixels": _DIMENSIONS,
}


class AccountError(Exception):
    """Input that passed the form but breaks a rule; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class TokenError(Exception):
    """A link that is tampered with, expired, used or stale; the message says which, for people."""


# --- registration ------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    account_type: str  # "employer" or "candidate"
    username: str
    email: str
    first_name: str
    last_name: str
    password: str
    company_name: str | None = None
    time_zone: str = timezones.UTC_NAME  # the browser's, already checked


def register(session: Session, data: Registration) -> User | None:
    """Create the user (and an employer's company) and mail the verification link; None when the email is taken.

    Sign-up never tells whether an address has an account: for a taken email
    nothing is created, the account's owner is mailed that someone tried to sign
    up, and the caller answers exactly as for a new account. The password is
    hashed and one message recorded either way, so both cost the same. A taken
    username is still an error (usernames are shown to others anyway); it is
    checked first, so the answer about it does not depend on the email.

    The unique constraints are case-sensitive, so two sign-ups as "Ann" and "ann"
    could both pass a plain check. A transaction-scoped advisory lock per lower-cased
    email and username makes the check and the insert one step for racing sign-ups.
    """
    password_hash = hash_password(data.password)
    for key in sorted({f"users_user.email:{data.email.lower()}", f"users_user.username:{data.username.lower()}"}):
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))
    if session.scalar(queries.select_user_id_by_username(data.username)) is not None:
        raise AccountError({"username": USERNAME_TAKEN})
    owner = session.scalar(queries.select_user_by_email(data.email))
    if owner is not None:
        _tell_owner_about_signup(session, owner)
        return None
    employer = data.account_type == "employer"
    user = User(
        username=data.username,
        email=data.email.lower(),
        password=password_hash,
        first_name=data.first_name,
        last_name=data.last_name,
        role="employer" if employer else "user",
        is_verified=False,
        is_staff=False,
        is_active=True,
        auth_provider="email",
        social_links={},
    )
    session.add(user)
    session.flush()  # a unique violation (a writer that skipped our lock) surfaces here
    if employer:
        session.add(Company(user_id=user.id, company_name=data.company_name, contact_email=user.email))
        session.flush()
    timezones.store(session, user.id, data.time_zone)
    audit.record(
        session, "user.registered", actor=user, target=user, details={"role": user.role, "time_zone": data.time_zone}
    )
    send_verification(session, user)
    return user


def _tell_owner_about_signup(session: Session, owner: User) -> None:
    """Mail an account's owner that someone tried to sign up with their address (at most every few minutes)."""
    audit.record(session, "user.signup_with_taken_email", target=owner)
    if not owner.is_active or _recently_mailed(session, owner.email, SIGNUP_TAKEN_SUBJECT) is not None:
        return
    body = render_template(
        "accounts/mail/signup_taken.txt",
        user=owner,
        login_link=mail.absolute_url("auth.login"),
        reset_link=mail.absolute_url("accounts.forgot_password"),
    )
    mail.send(session, owner.email, SIGNUP_TAKEN_SUBJECT, body)


def taken_field(error: IntegrityError) -> str | None:
    """"email" or "username" for a unique violation on that column; None for any other integrity error."""
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    return {"users_user_email_key": "email", "users_user_username_key": "username"}.get(constraint)


# --- signed links ------------------------------------------------------------------


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(salt: str, token: str, max_age: timedelta, what: str) -> dict:
    try:
        data = _serializer(salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise TokenError(f"This {what} link has expired.") from None
    except BadSignature:
        raise TokenError(f"This {what} link is not valid. Check that you copied all of it.") from None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        raise TokenError(f"This {what} link is not valid. Check that you copied all of it.")
    return data


def _locked_user(session: Session, user_id: int) -> User | None:
    """Lock the row so two clicks on one link cannot both use it."""
    return session.scalars(queries.select_user_for_update(user_id)).one_or_none()


def _recently_mailed(session: Session, email: str, subject: str) -> timedelta | None:
    """How long to wait before mailing `subject` to `email` again (None: go ahead)."""
    last = session.scalar(mail_queries.select_last_sent_at(email, subject, MAIL_INTERVAL))
    if last is None:
        return None
    now = session.scalar(select(func.now()))
    return max(MAIL_INTERVAL - (now - last), timedelta(seconds=1))


# --- email verification ------------------------------------------------------------


def verification_token(user: User) -> str:
    return _serializer(VERIFY_SALT).dumps(
        {"uid": user.id, "email": user.email.lower(), "verified": bool(user.is_verified)}
    )


def send_verification(session: Session, user: User) -> None:
    link = mail.absolute_url("accounts.verify", token=verification_token(user))
    hours = int(VERIFY_MAX_AGE.total_seconds() // 3600)
    body = render_template("accounts/mail/verify_email.txt", user=user, link=link, hours=hours)
    mail.send(session, user.email, VERIFY_SUBJECT, body)


def resend_verification(session: Session, user: User) -> timedelta | None:
    """Mail a new link unless one went out recently; returns how long to wait instead, or None when sent."""
    user = _locked_user(session, user.id)  # parallel clicks queue here and see each other's mail
    if user is None or user.is_verified:
        return None
    wait = _recently_mailed(session, user.email, VERIFY_SUBJECT)
    if wait is None:
        send_verification(session, user)
    return wait


def verify_email(session: Session, token: str) -> User:
    data = _load(VERIFY_SALT, token, VERIFY_MAX_AGE, "verification")
    user = _locked_user(session, data["uid"])
    if user is None or not user.is_active:
        raise TokenError("This verification link is not valid any more.")
    if user.is_verified or data.get("verified") or user.email.lower() != data.get("email"):
        raise TokenError("This verification link has already been used or is out of date.")
    user.is_verified = True
    audit.record(session, "user.email_verified", actor=user, target=user)
    return user


# --- password reset ----------------------------------------------------------------


def _fingerprint(password_hash: str) -> str:
    # Changes with every new hash (fresh salt), so a reset link dies once it is used.
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps({"uid": user.id, "fp": _fingerprint(user.password)})


def request_password_reset(session: Session, email: str) -> None:
    """Queue the mailing of a reset link to an active account with this address; silently nothing otherwise.

    The request does the same for every address (nothing), so neither its answer
    nor its time tells whether the address has an account.
    """
    queue.defer(session, "accounts.reset_link", email=email)


def mail_reset_link(session: Session, email: str) -> None:
    """The `accounts.reset_link` job: the link, to an active account with this address not mailed one just now."""
    user = session.scalar(queries.select_active_user_by_email(email))
    if user is None or _recently_mailed(session, user.email, RESET_SUBJECT) is not None:
        return
    link = mail.absolute_url("accounts.reset_password", token=reset_token(user))
    minutes = int(RESET_MAX_AGE.total_seconds() // 60)
    body = render_template("accounts/mail/reset_password.txt", user=user, link=link, minutes=minutes)
    mail.send(session, user.email, RESET_SUBJECT, body)


def user_for_reset(session: Session, token: str) -> User:
    """The user a reset link belongs to (row locked); TokenError when it is expired, used or forged."""
    data = _load(RESET_SALT, token, RESET_MAX_AGE, "password reset")
    user = _locked_user(session, data["uid"])
    if user is None or not user.is_active or data.get("fp") != _fingerprint(user.password):
        raise TokenError("This password reset link has already been used or is out of date.")
    return user


def reset_password(session: Session, user: User, new_password: str) -> None:
    user.password = hash_password(new_password)
    login_sessions.revoke_all(session, user.id)  # every browser, including any attacker's copy
    audit.record(session, "user.password_reset", actor=user, target=user)


# --- password change, profile ------------------------------------------------------


class PasswordCheckThrottled(AccountError):
    """Too many wrong current passwords: the same limit as logging in."""


def change_password(session: Session, user: User, current_password: str, new_password: str) -> int:
    """Set a new password and end the user's other sessions; returns how many were ended.

    Checking the current password is a password check like logging in, so it is
    throttled and recorded the same way: a stolen session cannot guess it quickly.
    The caller commits also when this raises, so the failed attempt is kept.
    """
    subject = throttle.Subject.password(user.email, client_ip(), user.id, device=devices.trusted(user.id))
    blocked = throttle.guard(session, subject)
    if blocked is not None:
        raise PasswordCheckThrottled({"current_password": blocked.message})
    valid = verify_password(user.password, current_password)
    throttle.record(session, subject, succeeded=valid)
    if not valid:
        raise AccountError({"current_password": WRONG_PASSWORD})
    user.password = hash_password(new_password)
    ended = login_sessions.revoke_all(session, user.id, keep_current=True)
    audit.record(session, "user.password_changed", actor=user, target=user, details={"sessions_ended": ended})
    return ended


def update_profile(session: Session, user: User, first_name: str, last_name: str, links: dict[str, str | None]) -> None:
    user.first_name, user.last_name = first_name, last_name
    # Keys the form does not offer (written by the interview engine, say) stay as they are.
    merged = dict(user.social_links or {})
    for key, url in links.items():
        if url:
            merged[key] = url
        else:
            merged.pop(key, None)
    user.social_links = merged  # a new dict, so the JSONB column is seen as changed


def set_time_zone(session: Session, user: User, name: str, previous: str) -> bool:
    """Store the user's zone (`name` already checked); False when it was already that one."""
    if name == previous:
        return False
    timezones.store(session, user.id, name)
    audit.record(session, "user.time_zone_changed", actor=user, target=user, details={"from": previous, "to": name})
    return True


# --- avatar ------------------------------------------------------------------------


def save_avatar(file) -> str:
    """Check an upload by its content, store it shrunk to at most 512 px and return the file name.

    All checking and storing is webapp.uploads' (as for company logos); AccountError carries the message.
    """
    try:
        return uploads.save_image(
            file,
            AVATAR_FOLDER,
            max_bytes=AVATAR_MAX_BYTES,
            max_side=AVATAR_MAX_SIDE,
            min_side=AVATAR_MIN_SIDE,
            fit_within=AVATAR_STORED_SIDE,
        )
    except uploads.UploadError as error:
        raise AccountError({"avatar": _AVATAR_MESSAGES.get(error.reason, str(error))}) from None


def set_avatar(session: Session, user: User, name: str | None) -> str | None:
    """Point the user at a new avatar file (or none); returns the old file name to delete after commit."""
    previous, user.avatar = user.avatar, name
    return previous


# --- connected providers -----------------------------------------------------------


def disconnect(session: Session, user: User, connection: UserOAuthToken) -> None:
    provider = connection.provider
    session.delete(connection)
    audit.record(session, "user.oauth_disconnected", actor=user, target=user, details={"provider": provider})
