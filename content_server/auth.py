"""Who is calling: staff and editors by web session or API token, households by device token.

Passwords are hashed with scrypt in a bounded thread pool (never on the event loop); tokens and
session ids are stored only as SHA-256 hashes. Requests authenticated by session cookie must
carry the session's CSRF token on every unsafe method (header X-CSRF-Token or form field csrf_token).
"""
from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import secrets
import time
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from .client import client_is_https
from .errors import ApiError
from .i18n import N_
from .storage import accounts

ROLES = ("editor", "staff", "supervisor", "admin")
SESSION_COOKIE = "ltv_session"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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


def issue_api_token(store, user_id: int, expires_days: int | None = None,
                    label: str = "") -> tuple[str, str, float | None]:
    """A new API token for an account: (secret, public id, expiry or None). Only the hash is kept."""
    token, hashed = new_token("ltv")
    expires_at = time.time() + expires_days * 86400 if expires_days else None
    return token, accounts.add_api_token(store, user_id, hashed, expires_at, label), expires_at


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


async def current_user(request: web.Request):
    """The signed-in user (row) of this request, or None; CSRF-checked for cookie sessions."""
    if "user" in request:
        return request["user"]
    store = request.app["store"]
    user = None
    token = _bearer(request)
    if token:
        user = await store.read(accounts.user_by_api_token, token_hash(token))
    else:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            user = await store.read(accounts.session_user, token_hash(session_id))
            if user is not None and request.method not in _SAFE_METHODS:
                await _check_csrf(request, user["csrf_token"])
    request["user"] = user
    return user


async def _check_csrf(request: web.Request, expected: str) -> None:
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = (await request.post()).get("csrf_token")
    if not sent or not hmac.compare_digest(str(sent).encode(), expected.encode()):  # bytes: any text compares
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(403, "csrf", N_("This form has expired. Please reload the page and try again."))


def requires(*roles: str):
    """Handler decorator: the caller must be signed in with one of `roles`."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown

    def decorate(handler):
        @functools.wraps(handler)
        async def wrapper(request: web.Request):
            user = await current_user(request)
            if user is None:
                # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
                raise ApiError(401, "unauthenticated", N_("Please sign in first."),
                               headers={"WWW-Authenticate": 'Bearer realm="legal-tv"'})
            if user["role"] not in roles:
                # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
                raise ApiError(403, "forbidden", N_("Your account is not allowed to do this."))
            return await handler(request)
        wrapper.roles = roles
        return wrapper
    return decorate


def requires_device(handler):
    """Handler decorator: the caller is a registered set-top box (request['device'])."""
    @functools.wraps(handler)
    async def wrapper(request: web.Request):
        token = _bearer(request)
        device = await request.app["device_tokens"].device(token_hash(token)) if token else None
        if device is None:
            # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
            raise ApiError(401, "unauthenticated", N_("This set-top box is not registered. Please restart the app."),
                           headers={"WWW-Authenticate": 'Bearer realm="legal-tv"'})
        request["device"] = device
        return await handler(request)
    wrapper.roles = ("household",)
    return wrapper


async def start_session(request: web.Request, response: web.StreamResponse, user_id: int) -> str:
    """Signs a user in: stores the session and sets its cookie. Returns the CSRF token."""
    settings = request.app["settings"]
    session_id, id_hash = new_token("s")
    csrf = secrets.token_urlsafe(24)
    await request.app["store"].write(accounts.add_session, id_hash, user_id, csrf, time.time() + settings.session_hours * 3600)
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="Strict", path="/",
                        secure=client_is_https(request), max_age=settings.session_hours * 3600)
    return csrf


async def end_session(request: web.Request, response: web.StreamResponse) -> None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await request.app["store"].write(accounts.end_session, token_hash(session_id))
    response.del_cookie(SESSION_COOKIE, path="/")
