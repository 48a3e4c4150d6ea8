"""Password hashing with werkzeug's scrypt (a memory-hard adaptive KDF)."""

from werkzeug.security import check_password_hash, generate_password_hash

# Compared against when the account does not exist, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")
# What werkzeug writes today, e.g. "scrypt:32768:8:1"; hashes made with anything else get upgraded.
CURRENT_METHOD, _DUMMY_SALT, _ = _DUMMY_HASH.split("$", 2)


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    try:
        return check_password_hash(password_hash, password)
    except ValueError:
        # A format werkzeug does not know (imported from elsewhere): it can never match.
        check_password_hash(_DUMMY_HASH, password)
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash was made with another method, other parameters or a shorter salt
    than werkzeug's current default (so a successful login should store a new hash)."""
    method, separator, rest = password_hash.partition("$")
    salt = rest.partition("$")[0]
    return not separator or method != CURRENT_METHOD or len(salt) < len(_DUMMY_SALT)
