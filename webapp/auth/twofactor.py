"""Two-factor authentication rules: TOTP (pyotp) codes, recovery codes, enrollment.

A TOTP code is accepted within one time step of drift and never twice: the
accepted step is stored with a conditional UPDATE, so of two parallel requests
carrying one code exactly one moves the step forward and wins. Recovery codes
are single-use the same way. Services never commit; the view does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from webapp.audit import services as audit
from webapp.auth import throttle
from webapp.auth.passwords import verify_password
from webapp.auth.throttle import Subject, Throttled
from webapp.models import RecoveryCode, TwoFactorState, User

ISSUER = "JobHive"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # pyotp's valid_window=1: the previous and the next code are accepted too
RECOVERY_CODE_COUNT = 10
# 31 symbols without look-alikes (0/o, 1/l/i); 16 of them are about 79 bits, so a plain
# SHA-256 of the code is enough to store it (nobody can enumerate 2**79 candidates).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 16
TOTP, RECOVERY = "totp", "recovery_code"


# --- codes ------------------------------------------------------------------------------


def normalize_code(raw: str | None) -> str:
    """What the user typed without spaces and dashes, lower-cased ("123 456" -> "123456")."""
    return "".join(ch for ch in (raw or "") if ch not in " \t-").lower()


def is_totp_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def is_recovery_code(code: str) -> bool:
    return len(code) == RECOVERY_LENGTH and all(ch in RECOVERY_ALPHABET for ch in code)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code is `code`, looking one step either side of now; None if none."""
    if not is_totp_code(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_step(session: Session, user_id: int, step: int) -> bool:
    """Move the user's last accepted step to `step` if it is newer; False if the code was used already.

    The WHERE clause is re-checked after waiting for a concurrent writer's row lock,
    so when two transactions race with one code, the second finds the step taken.
    """
    session.execute(
        insert(TwoFactorState).values(user_id=user_id).on_conflict_do_nothing(index_elements=["user_id"])
    )
    won = session.execute(
        update(TwoFactorState)
        .where(
            TwoFactorState.user_id == user_id,
            (TwoFactorState.last_accepted_step.is_(None)) | (TwoFactorState.last_accepted_step < step),
        )
        .values(last_accepted_step=step)
        .returning(TwoFactorState.user_id)
        .execution_options(synchronize_session=False)
    ).first()
    return won is not None


def verify_totp(session: Session, user_id: int, secret: str | None, code: str) -> bool:
    step = matching_step(secret, code) if secret else None
    return step is not None and accept_step(session, user_id, step)


def recovery_code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def use_recovery_code(session: Session, user_id: int, code: str) -> bool:
    """Spend one unused recovery code (atomically: of two parallel uses, one wins)."""
    if not is_recovery_code(code):
        return False
    used = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=func.now())
        .returning(RecoveryCode.id)
        .execution_options(synchronize_session=False)
    ).first()
    return used is not None


def remaining_recovery_codes(session: Session, user_id: int) -> int:
    return session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )


def new_recovery_codes(session: Session, user_id: int) -> list[str]:
    """Replace every recovery code of the user; the plain codes are returned once and never stored."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    session.add_all(RecoveryCode(user_id=user_id, code_hash=recovery_code_hash(code)) for code in codes)
    session.flush()
    return [format_recovery_code(code) for code in codes]


def format_recovery_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- checking a second factor (login, disabling, new recovery codes) --------------------


@dataclass(frozen=True)
class SecondFactorCheck:
    method: str | None = None  # TOTP or RECOVERY when the code was right
    throttled: Throttled | None = None

    @property
    def ok(self) -> bool:
        return self.method is not None


def _verify_code(session: Session, user: User, code: str) -> str | None:
    if is_totp_code(code):
        return TOTP if verify_totp(session, user.id, user.secret_key, code) else None
    if use_recovery_code(session, user.id, code):
        audit.record(
            session,
            "user.recovery_code_used",
            actor=user,
            target=user,
            details={"remaining": remaining_recovery_codes(session, user.id)},
        )
        return RECOVERY
    return None


def check_second_factor(session: Session, user: User, raw_code: str, ip: str | None) -> SecondFactorCheck:
    """Throttled check of a TOTP or recovery code of a user with 2FA on; records the attempt."""
    subject = Subject.second_factor(user.id, ip, user.email)
    blocked = throttle.guard(session, subject)
    if blocked:
        return SecondFactorCheck(throttled=blocked)
    method = _verify_code(session, user, normalize_code(raw_code)) if user.enable_2fa else None
    throttle.record(session, subject, succeeded=method is not None)
    return SecondFactorCheck(method=method)


# --- enrollment and management ------------------------------------------------------------


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code (drawn here: no image service sees the secret)."""
    qr = segno.make(uri, error="m", micro=False)
    svg = qr.svg_inline(scale=5, border=4, dark="#111827", light="#ffffff", svgclass="qr-code", lineclass=None)
    return Markup(svg)  # segno's own markup: the URI is drawn as modules, never written out as text


def grouped_key(secret: str) -> str:
    """The manual key in groups of four, easier to type: "ABCD EFGH ..."."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def start_enrollment(session: Session, user: User) -> str:
    """Give the user a fresh pending secret; 2FA stays off until `confirm_enrollment`."""
    if user.enable_2fa:
        raise ValueError("two-factor authentication is already on")
    user.secret_key = pyotp.random_base32()
    return user.secret_key


def confirm_enrollment(session: Session, user: User, raw_code: str) -> list[str] | None:
    """Turn 2FA on if the code matches the pending secret; the new recovery codes, or None."""
    if user.enable_2fa or not user.secret_key:
        return None
    code = normalize_code(raw_code)
    # Not throttled: the pending secret is on the user's own screen, so guessing gains nothing.
    if not verify_totp(session, user.id, user.secret_key, code):
        return None
    user.enable_2fa = True
    session.execute(
        update(TwoFactorState)
        .where(TwoFactorState.user_id == user.id)
        .values(enabled_at=datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    codes = new_recovery_codes(session, user.id)
    audit.record(session, "user.2fa_enabled", actor=user, target=user)
    return codes


def regenerate_recovery_codes(
    session: Session, user: User, raw_code: str, ip: str | None
) -> tuple[SecondFactorCheck, list[str]]:
    """New recovery codes (the old ones stop working) after a right, current second factor."""
    check = check_second_factor(session, user, raw_code, ip)
    if not check.ok:
        return check, []
    codes = new_recovery_codes(session, user.id)
    audit.record(session, "user.recovery_codes_regenerated", actor=user, target=user, details={"count": len(codes)})
    return check, codes


@dataclass(frozen=True)
class DisableResult:
    password_ok: bool = False
    code_ok: bool = False
    throttled: Throttled | None = None

    @property
    def done(self) -> bool:
        return self.password_ok and self.code_ok


def disable(session: Session, user: User, password: str, raw_code: str, ip: str | None) -> DisableResult:
    """Turn 2FA off after the right password AND a right code (both checks throttled and recorded)."""
    password_subject = Subject.password(user.email, ip, user_id=user.id)
    code_subject = Subject.second_factor(user.id, ip, user.email)
    blocked = throttle.guard(session, password_subject, code_subject)
    if blocked:
        return DisableResult(throttled=blocked)
    password_ok = verify_password(user.password, password)
    throttle.record(session, password_subject, succeeded=password_ok)
    if not password_ok:
        # The code is not checked, so a recovery code typed with a wrong password is not spent.
        return DisableResult()
    code_ok = _verify_code(session, user, normalize_code(raw_code)) is not None
    throttle.record(session, code_subject, succeeded=code_ok)
    if not code_ok:
        return DisableResult(password_ok=True)
    user.enable_2fa = False
    user.secret_key = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.execute(
        update(TwoFactorState)
        .where(TwoFactorState.user_id == user.id)
        .values(enabled_at=None)
        .execution_options(synchronize_session=False)
    )
    audit.record(session, "user.2fa_disabled", actor=user, target=user)
    return DisableResult(password_ok=True, code_ok=True)


def enabled_at(session: Session, user_id: int) -> datetime | None:
    return session.scalar(select(TwoFactorState.enabled_at).where(TwoFactorState.user_id == user_id))
