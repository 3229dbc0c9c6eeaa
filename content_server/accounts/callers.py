"""Who is calling: staff and editors by web session or API token, households by device token.

Requests authenticated by session cookie must carry the session's CSRF token on every unsafe
method (header X-CSRF-Token or form field csrf_token).
"""
from __future__ import annotations

import functools
import hmac
import secrets
import time

from aiohttp import web

from ..kernel.auth import ROLES, SESSION_COOKIE, new_token, token_hash
from ..kernel.client import client_is_https
from ..kernel.config import SETTINGS
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import STORE, accounts
from .device_tokens import DEVICE_TOKENS

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
USER = web.RequestKey("user", object)  # the signed-in account (a users row) or None, once looked up
DEVICE = web.RequestKey("device", object)  # the calling set-top box (a devices row)
DEVICE_READ_NOW = web.RequestKey("device_read_now", bool)  # its row read for this request: every field current


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
    if USER in request:
        return request[USER]
    store = request.app[STORE]
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
    request[USER] = user
    return user


async def _check_csrf(request: web.Request, expected: str) -> None:
    sent = request.headers.get("X-CSRF-Token")
    if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = (await request.post()).get("csrf_token")
    if not sent or not hmac.compare_digest(str(sent).encode(), expected.encode()):  # bytes: any text compares
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(403, "csrf", N_("This form has expired. Please reload the page and try again."))


def actor_of(request: web.Request) -> dict:
    """Who is calling, as audit logs keep it: {"id", "name"} of the signed-in account."""
    user = request[USER]
    return {"id": user["id"], "name": user["name"]}


def must_choose_password(user) -> bool:
    """Whether the account still has a one-time password it must replace before anything else."""
    return bool(user is not None and "must_change_password" in user.keys() and user["must_change_password"])


def requires(*roles: str, before_own_password: bool = False):
    """Handler decorator: the caller must be signed in with one of `roles` (and, unless
    `before_own_password`, have replaced any one-time password with their own)."""
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
            if must_choose_password(user) and not before_own_password:
                # TRANSLATORS: error message from the server, shown in the consoles, max 80 chars
                raise ApiError(403, "choose_password", N_("Please choose your own password first."))
            if user["role"] not in roles:
                # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
                raise ApiError(403, "forbidden", N_("Your account is not allowed to do this."))
            return await handler(request)
        wrapper.roles = roles
        return wrapper
    return decorate


def device_token_hash(request: web.Request) -> str | None:
    """The hash of the box's token on this request (how the token check knows the box)."""
    token = _bearer(request)
    return token_hash(token) if token else None


def requires_device(handler):
    """Handler decorator: the caller is a registered set-top box (request['device'])."""
    @functools.wraps(handler)
    async def wrapper(request: web.Request):
        token = _bearer(request)
        device, read_now = await request.app[DEVICE_TOKENS].device(token_hash(token)) if token else (None, True)
        if device is None:
            # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
            raise ApiError(401, "unauthenticated", N_("This set-top box is not registered. Please restart the app."),
                           headers={"WWW-Authenticate": 'Bearer realm="legal-tv"'})
        request[DEVICE], request[DEVICE_READ_NOW] = device, read_now
        return await handler(request)
    wrapper.roles = ("household",)
    return wrapper


async def start_session(request: web.Request, response: web.StreamResponse, user_id: int) -> str:
    """Signs a user in: stores the session and sets its cookie. Returns the CSRF token."""
    settings = request.app[SETTINGS]
    session_id, id_hash = new_token("s")
    csrf = secrets.token_urlsafe(24)
    await request.app[STORE].write(accounts.add_session, id_hash, user_id, csrf, time.time() + settings.session_hours * 3600)
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="Strict", path="/",
                        secure=client_is_https(request), max_age=settings.session_hours * 3600)
    return csrf


async def end_session(request: web.Request, response: web.StreamResponse) -> None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await request.app[STORE].write(accounts.end_session, token_hash(session_id))
    response.del_cookie(SESSION_COOKIE, path="/")
