"""Password hashing (argon2) and opaque bearer tokens stored only as a keyed hash.

Tokens are random secrets, not signed claims: the database knows every token, so logout and an
admin deactivating a user take effect at once. What is stored is HMAC-SHA256(secret key, token),
so a leaked database copy holds no usable token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fieldsales.server.settings import Settings

ACCESS_PREFIX = "fsa_"
REFRESH_PREFIX = "fsr_"


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


#: Verified against when the username is unknown, so a login takes as long either way.
_DUMMY_HASH: dict[tuple[int, int, int], str] = {}


def dummy_verify(hasher: PasswordHasher) -> None:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hasher.hash(secrets.token_hex(8))
    verify_password(hasher, _DUMMY_HASH[key], "not-the-password")


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(settings: Settings, token: str) -> str:
    key = settings.secret_key.get_secret_value().encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def login_key(username: str, client_ip: str) -> str:
    """What failed logins are counted by: one user from one address."""
    return hashlib.sha256(f"{username.strip().lower()}|{client_ip}".encode()).hexdigest()
