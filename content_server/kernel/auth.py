"""Credentials: roles, password hashes and secret tokens (who is calling is `accounts.callers`).

Passwords are hashed with scrypt in a bounded thread pool (never on the event loop); tokens and
session ids are stored only as SHA-256 hashes.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from .errors import ApiError
from .i18n import N_

ROLES = ("editor", "staff", "supervisor", "admin")
SESSION_COOKIE = "ltv_session"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


# checked against when the name is unknown, so that an unknown name costs what a known one does
_DUMMY_HASH = ("scrypt$5f0e3bd1c6a14f1f2c1a9a3c0b8f7e61$"
               "0d9b0c4c5c1f3f7e2b8a6d4e9c7a1b3f5e2d8c6a4b9f7e1d3c5a7b9e2f4d6c8a")


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)


def hash_password(password: str) -> str:
    """Blocking (tens of ms of CPU): on the server use `PasswordHashing.hash`."""
    salt = secrets.token_bytes(16)
    return f"scrypt${salt.hex()}${_scrypt(password, salt).hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Blocking; always runs scrypt once, whatever `stored` holds, so every answer costs the same."""
    try:
        scheme, salt, digest = stored.split("$")
        salt_bytes = bytes.fromhex(salt)
    except ValueError:
        scheme, salt_bytes, digest = "", b"\0" * 16, ""
    candidate = _scrypt(password, salt_bytes)
    return scheme == "scrypt" and hmac.compare_digest(candidate.hex(), digest)


class PasswordHashing:
    """A few threads for scrypt (it releases the GIL) and a bounded wait list: a flood of sign-ins
    is refused with 503 instead of queueing unbounded work or stalling the event loop."""

    def __init__(self, workers: int, queue: int):
        self._executor = ThreadPoolExecutor(max(1, workers), thread_name_prefix="password-hash")
        self._capacity = max(1, workers) + max(0, queue)
        self._pending = 0

    async def _run(self, fn, *args):
        if self._pending >= self._capacity:
            # TRANSLATORS: error message from the server, shown in the consoles, max 80 chars
            raise ApiError(503, "busy", N_("Many people are signing in right now. Please try again in a minute."),
                           headers={"Retry-After": "10"})
        self._pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self._pending -= 1

    async def hash(self, password: str) -> str:
        return await self._run(hash_password, password)

    async def verify(self, password: str, stored: str | None) -> bool:
        """`stored` None (no such account) is checked against a dummy: same cost, always False."""
        ok = await self._run(verify_password, password, stored or _DUMMY_HASH)
        return ok and stored is not None

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


PASSWORD_HASHING = web.AppKey("password_hashing", PasswordHashing)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str) -> tuple[str, str]:
    """A fresh secret token and the hash that is stored in its place."""
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return token, token_hash(token)
