"""Who is calling: staff and editors by web session or API token, households by device token.

Passwords are hashed with scrypt; tokens and session ids are stored only as SHA-256 hashes.
Requests authenticated by session cookie must carry the session's CSRF token on every
unsafe method (header X-CSRF-Token or form field csrf_token).
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time

from aiohttp import web

from .errors import ApiError
from .i18n import N_
from .storage import accounts

ROLES = ("editor", "staff", "supervisor", "admin")
SESSION_COOKIE = "ltv_session"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32, **_SCRYPT)
    return hmac.compare_digest(candidate.hex(), digest)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str) -> tuple[str, str]:
    """A fresh secret token and the hash that is stored in its place."""
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return token, token_hash(token)


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
        user = accounts.user_by_api_token(store, token_hash(token))
    else:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            user = accounts.session_user(store, token_hash(session_id))
            if user is not None and request.method not in _SAFE_METHODS:
                await _check_csrf(request, user["csrf_token"])
    request["user"] = user
    return user


async def _check_csrf(request: web.Request, expected: str) -> None:
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = (await request.post()).get("csrf_token")
    if not sent or not hmac.compare_digest(str(sent), expected):
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
        device = accounts.device_by_token(request.app["store"], token_hash(token)) if token else None
        if device is None:
            # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
            raise ApiError(401, "unauthenticated", N_("This set-top box is not registered. Please restart the app."),
                           headers={"WWW-Authenticate": 'Bearer realm="legal-tv"'})
        request["device"] = device
        return await handler(request)
    wrapper.roles = ("household",)
    return wrapper


def start_session(request: web.Request, response: web.StreamResponse, user_id: int) -> str:
    """Signs a user in: stores the session and sets its cookie. Returns the CSRF token."""
    settings = request.app["settings"]
    session_id, id_hash = new_token("s")
    csrf = secrets.token_urlsafe(24)
    accounts.add_session(request.app["store"], id_hash, user_id, csrf, time.time() + settings.session_hours * 3600)
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="Strict", path="/",
                        secure=settings.tls_proxy or request.secure, max_age=settings.session_hours * 3600)
    return csrf


def end_session(request: web.Request, response: web.StreamResponse) -> None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        accounts.end_session(request.app["store"], token_hash(session_id))
    response.del_cookie(SESSION_COOKIE, path="/")
