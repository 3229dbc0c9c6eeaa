"""Web consoles for editors, callback staff, supervisors and admins: sign-in and rendering.

Each console lives in its own module here and adds its own routes; they all render
through `render`, which picks the console language (zh or mn) for the signed-in person.
"""
from __future__ import annotations

import hmac
import math
import re
import secrets
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import legaltv_regions
from aiohttp import web
from markupsafe import Markup

from ..accounts import callers
from ..accounts.callers import USER
from ..kernel import auth
from ..kernel.client import client_address, client_is_https, own_origin, trusted_networks
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS
from ..kernel.errors import ApiError
from ..kernel.http_cache import etag_matches
from ..kernel.i18n import LANGUAGES, N_, translate, translations
from ..kernel.password_policy import check_password
from ..kernel.ratelimit import Backoff, RateLimit
from ..storage import STORE, accounts, limits

HERE = Path(__file__).parent
LANGUAGE_COOKIE = "ltv_lang"
LOGIN_COOKIE = "ltv_login"  # pre-session token of the sign-in form (login CSRF)
_LOGIN_TOKEN = re.compile(r"[A-Za-z0-9_\-]{32}")
OWN_PASSWORD = "/console/password"  # where an account holding a one-time password chooses its own
HOME_BY_ROLE = {"editor": "/console/editor", "staff": "/console/staff",
                "supervisor": "/console/supervisor", "admin": "/console/admin"}

routes = web.RouteTableDef()
_BOOT = f"{time.time():.0f}"  # an ETag from a restarted server never matches an older one
_ASSET = re.compile(r"[a-z0-9-]{1,64}\.(css|js)")
_VENDORED = re.compile(r"[a-z0-9-]{1,64}\.min\.js")  # libraries copied from npm (static/vendor/)


@lru_cache(maxsize=None)
def environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)
    env.globals["language"] = language
    env.globals["place"] = lambda code: place_label(code, language)
    env.globals["region_names"] = lambda: region_names(language)
    return env


def place_label(code: str | None, language: str) -> Markup:
    """A region code (or prefix) as the console shows it: the place's names in the viewer's
    language, the code beside them as a small hint; an unknown code shows as it is."""
    if not code:
        return Markup("")
    named = legaltv_regions.label(code, language)
    if named == code:
        return Markup('<span class="place">{}</span>').format(code)
    return Markup('<span class="place">{} <small class="code">{}</small></span>').format(named, code)


@lru_cache(maxsize=None)
def region_names(language: str) -> dict[str, str]:
    """Every code of the region table with its names, for pages that name codes as editors type."""
    return {p.code: legaltv_regions.label(p.code, language) for p in legaltv_regions.all_places()}


def console_language(request: web.Request) -> str:
    lang = request.query.get("lang") or request.cookies.get(LANGUAGE_COOKIE) or "zh"
    return lang if lang in LANGUAGES else "zh"


def render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    """A console page in the viewer's language, never cached, framed by nobody."""
    language = console_language(request)
    user = request.get(USER)
    context.setdefault("user", user)
    context.setdefault("csrf_token", user["csrf_token"] if user is not None and "csrf_token" in user.keys() else "")
    context.setdefault("path", request.path)
    html = environment(language).get_template(template).render(**context)
    response = web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
    response.headers.update({"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                             "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                                        "style-src 'self'; script-src 'self'; media-src 'self' blob:; "
                                                        "frame-ancestors 'none'",
                             "Referrer-Policy": "same-origin"})
    if request.query.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, samesite="Strict", path="/", max_age=365 * 86400)
    return response


async def live_fragment(request: web.Request, template: str, context, viewer_key: str = "") -> web.Response:
    """A part of a console page that its script polls: 304 while nothing it shows can have changed.
    The tag moves with every committed write and once a minute (deadlines move with the clock);
    `viewer_key` adds what else the fragment depends on (who asks, which filters); `context` is
    awaited only when the page must be drawn."""
    etag = (f'"{_BOOT}-{request.app[STORE].changes}-{int(request.app[CLOCK]() // 60)}-'
            f'{console_language(request)}-{viewer_key}"')
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        return web.Response(status=304, headers={"ETag": etag, "Cache-Control": "no-store"})
    response = render(request, template, **await context())
    response.headers["ETag"] = etag
    return response

def console_page(*roles: str, before_own_password: bool = False):
    """Decorator for console pages: an anonymous visitor is sent to sign in instead of a JSON 401,
    and someone holding a one-time password to the page where they choose their own."""
    def decorate(handler):
        protected = callers.requires(*roles, before_own_password=before_own_password)(handler)

        async def wrapper(request: web.Request):
            user = await callers.current_user(request)
            if user is None:
                raise web.HTTPSeeOther(f"/console/login?next={request.path_qs}")
            if callers.must_choose_password(user) and not before_own_password:
                raise web.HTTPSeeOther(f"{OWN_PASSWORD}?next={request.path_qs}")
            return await protected(request)
        wrapper.roles = roles
        return wrapper
    return decorate


@routes.get("/")
@routes.get("/console")
@routes.get("/console/")
async def console_home(request: web.Request) -> web.Response:
    user = await callers.current_user(request)
    if user is None:
        raise web.HTTPSeeOther("/console/login")
    raise web.HTTPSeeOther(HOME_BY_ROLE[user["role"]])


@routes.get("/console/login")
async def login_form(request: web.Request) -> web.Response:
    return _login_page(request, next=_safe_next(request.query.get("next")))


@routes.post("/console/login")
async def login(request: web.Request) -> web.Response:
    """Sign-in: only from our own page (Origin and pre-session token), throttled per client address
    and per account name with backoff, the password checked off the event loop."""
    form = await request.post()
    next_path = _safe_next(form.get("next"))
    if not _from_own_sign_in_page(request, form):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        return _login_page(request, status=403, next=next_path,
                           error=N_("This form has expired. Please reload the page and try again."))
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:256]
    per_address: RateLimit = request.app[LOGIN_ATTEMPTS]
    per_account: Backoff = request.app[LOGIN_BACKOFF]
    address, account, store = client_address(request), name.strip().lower(), request.app[STORE]
    wait = await store.read(_sign_in_wait, per_address, per_account, address, account, request.app[CLOCK]())
    if wait:
        response = _login_page(request, status=429, next=next_path, name=name,
                               # TRANSLATORS: console, error message, max 80 chars
                               error=N_("Too many sign-in attempts. Please wait a few minutes."))
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    user = await store.read(accounts.user_by_name, name)
    try:
        ok = await request.app[auth.PASSWORD_HASHING].verify(password, user["password_hash"] if user else None)
    except ApiError as busy:
        response = _login_page(request, status=busy.status, next=next_path, name=name, error=busy.msgid)
        response.headers.update(busy.headers)
        return response
    if not ok:
        await store.write(_sign_in_failed, per_address, per_account, address, account, request.app[CLOCK]())
        return _login_page(request, status=401, next=next_path, name=name,
                           # TRANSLATORS: console, error message, max 80 chars
                           error=N_("The name or the password is wrong."))
    await store.write(limits.succeeded, per_account, account)
    response = web.HTTPSeeOther(next_path or HOME_BY_ROLE[user["role"]])
    if callers.must_choose_password(user):
        response = web.HTTPSeeOther(f"{OWN_PASSWORD}?next={next_path}" if next_path else OWN_PASSWORD)
    await callers.start_session(request, response, user["id"])
    response.del_cookie(LOGIN_COOKIE, path="/console/login")
    raise response


def _sign_in_wait(tx, per_address: RateLimit, per_account: Backoff, address: str, account: str, now: float) -> float:
    """Seconds this sign-in must wait: the account's backoff or the address's limit, as every node counts them."""
    return max(limits.locked_for(tx, per_account, account, now), limits.wait(tx, per_address, address, now))


def _sign_in_failed(tx, per_address: RateLimit, per_account: Backoff, address: str, account: str, now: float) -> None:
    limits.record(tx, per_address, address, now)
    limits.failed(tx, per_account, account, now)


def _login_page(request: web.Request, status: int = 200, **context) -> web.Response:
    """The sign-in form with its pre-session token, the same in a cookie and a hidden field."""
    token = request.cookies.get(LOGIN_COOKIE, "")
    if not _LOGIN_TOKEN.fullmatch(token):
        token = secrets.token_urlsafe(24)
    response = render(request, "login.html", status=status, login_token=token, **context)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict", path="/console/login",
                        secure=client_is_https(request))
    return response


def _from_own_sign_in_page(request: web.Request, form) -> bool:
    """Login CSRF: the browser says the form came from our origin, and it carries the token
    our sign-in page put in both its cookie and its hidden field."""
    origin = request.headers.get("Origin")
    if origin is None and request.headers.get("Referer"):  # browsers that omit Origin still send Referer
        parts = urlsplit(request.headers["Referer"])
        origin = f"{parts.scheme}://{parts.netloc}"
    cookie, field = request.cookies.get(LOGIN_COOKIE, ""), str(form.get("login_token", ""))
    return (origin is not None and origin.lower() == own_origin(request)
            and bool(cookie) and hmac.compare_digest(cookie.encode(), field.encode()))


@routes.post("/console/logout")
async def logout(request: web.Request) -> web.Response:
    if await callers.current_user(request) is None:
        raise ApiError(401, "unauthenticated", N_("Please sign in first."))
    response = web.HTTPSeeOther("/console/login")
    await callers.end_session(request, response)
    raise response


@routes.get(OWN_PASSWORD)
@console_page(*auth.ROLES, before_own_password=True)
async def own_password_form(request: web.Request) -> web.Response:
    return render(request, "password.html", next=_safe_next(request.query.get("next")))


@routes.post(OWN_PASSWORD)
@console_page(*auth.ROLES, before_own_password=True)
async def choose_own_password(request: web.Request) -> web.Response:
    """The signed-in person's own password (twice), checked by the policy, hashed off the loop."""
    form = await request.post()
    user, next_path = request[USER], _safe_next(form.get("next"))
    password = str(form.get("password", ""))
    try:
        check_password(password)
        if password != str(form.get("again", "")):
            # TRANSLATORS: console, error under the second password field, max 80 chars
            raise ApiError(422, "passwords_differ", N_("The two passwords are not the same. Please type them again."),
                           field="again")
        password_hash = await request.app[auth.PASSWORD_HASHING].hash(password)
    except ApiError as refused:
        return render(request, "password.html", status=refused.status, next=next_path, error_field=refused.field,
                      error=translate(refused.msgid, console_language(request), **refused.params))
    await request.app[STORE].write(accounts.choose_own_password, user["id"], password_hash,
                                   auth.token_hash(request.cookies.get(auth.SESSION_COOKIE, "")))
    raise web.HTTPSeeOther(next_path or HOME_BY_ROLE[user["role"]])


@routes.get("/console/static/{name}")
async def console_asset(request: web.Request) -> web.StreamResponse:
    """The consoles' scripts and styles. Any other name is the contract's 404 (aiohttp's static
    route answered an empty 404, and a 500 for a name longer than the file system allows)."""
    name = request.match_info["name"]
    path = HERE / "static" / name
    if not _ASSET.fullmatch(name) or not path.is_file():
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return web.FileResponse(path)


@routes.get("/console/static/vendor/{name}")
async def vendored_asset(request: web.Request) -> web.StreamResponse:
    """Libraries taken unchanged from npm (hls.js for the editor's preview): served from here, no CDN."""
    name = request.match_info["name"]
    path = HERE / "static" / "vendor" / name
    if not _VENDORED.fullmatch(name) or not path.is_file():
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return web.FileResponse(path)


def _safe_next(target) -> str:
    """Only local console paths: never an open redirect."""
    target = str(target or "")
    return target if target.startswith("/console/") and not target.startswith("//") else ""


LOGIN_ATTEMPTS = web.AppKey("login_attempts", RateLimit)  # sign-in attempts per client address
LOGIN_BACKOFF = web.AppKey("login_backoff", Backoff)  # failed sign-ins per account, with backoff


def setup(app: web.Application) -> None:
    settings = app[SETTINGS]
    trusted_networks(tuple(settings.trusted_proxies))  # a mistyped proxy address stops the start, not a request
    app[LOGIN_ATTEMPTS] = RateLimit("login_address", settings.login_attempts_per_15_minutes, 15 * 60)
    app[LOGIN_BACKOFF] = Backoff("login_account", settings.login_failures_before_backoff)
    hashing = app[auth.PASSWORD_HASHING] = auth.PasswordHashing(settings.password_hash_workers,
                                                                settings.password_hash_queue)

    async def close_hashing(app: web.Application) -> None:
        hashing.close()
    app.on_cleanup.append(close_hashing)
    app.add_routes(routes)
    from . import admin, staff, supervisor  # the desks import render from here
    for desk in (staff, supervisor, admin):
        desk.setup(app)
    from . import channels, editor, figures, guidance, notices, plays  # the editor console and its other pages
    editor.setup(app)
    guidance.setup(app)
    channels.setup(app)
    figures.setup(app)
    notices.setup(app)
    plays.setup(app)
    from . import service_points  # the editors' service points form
    service_points.setup(app)
