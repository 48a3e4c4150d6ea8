"""Password hashing with werkzeug's scrypt (a memory-hard adaptive KDF)."""

from werkzeug.security import check_password_hash, generate_password_hash

# Compared against when the account does not exist, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
