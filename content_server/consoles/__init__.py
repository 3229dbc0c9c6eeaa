"""Web consoles for editors, callback staff, supervisors and admins: sign-in and rendering.

Each console lives in its own module here and adds its own routes; they all render
through `render`, which picks the console language (zh or mn) for the signed-in person.
"""
from __future__ import annotations

import re
import time
from functools import lru_cache
from pathlib import Path

import jinja2
from aiohttp import web

from .. import auth
from ..errors import ApiError
from ..http_cache import etag_matches
from ..i18n import LANGUAGES, N_, translations
from ..ratelimit import RateLimit
from ..storage import accounts

HERE = Path(__file__).parent
LANGUAGE_COOKIE = "ltv_lang"
HOME_BY_ROLE = {"editor": "/console/editor", "staff": "/console/staff",
                "supervisor": "/console/supervisor", "admin": "/console/admin"}

routes = web.RouteTableDef()
_BOOT = f"{time.time():.0f}"  # an ETag from a restarted server never matches an older one
_ASSET = re.compile(r"[a-z0-9-]{1,64}\.(css|js)")


@lru_cache(maxsize=None)
def environment(language: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                             autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)
    env.globals["language"] = language
    return env


def console_language(request: web.Request) -> str:
    lang = request.query.get("lang") or request.cookies.get(LANGUAGE_COOKIE) or "zh"
    return lang if lang in LANGUAGES else "zh"


def render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    """A console page in the viewer's language, never cached, framed by nobody."""
    language = console_language(request)
    user = request.get("user")
    context.setdefault("user", user)
    context.setdefault("csrf_token", user["csrf_token"] if user is not None and "csrf_token" in user.keys() else "")
    context.setdefault("path", request.path)
    html = environment(language).get_template(template).render(**context)
    response = web.Response(text=html, content_type="text/html", charset="utf-8", status=status)
    response.headers.update({"Cache-Control": "no-store", "X-Frame-Options": "DENY",
                             "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                                        "style-src 'self'; script-src 'self'; frame-ancestors 'none'",
                             "Referrer-Policy": "same-origin"})
    if request.query.get("lang") in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, language, samesite="Strict", path="/", max_age=365 * 86400)
    return response


def live_fragment(request: web.Request, template: str, context, viewer_key: str = "") -> web.Response:
    """A part of a console page that its script polls: 304 while nothing it shows can have changed.
    The tag moves with every committed write and once a minute (deadlines move with the clock);
    `viewer_key` adds what else the fragment depends on (who asks, which filters)."""
    etag = (f'"{_BOOT}-{request.app["store"].changes}-{int(time.time() // 60)}-'
            f'{console_language(request)}-{viewer_key}"')
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        return web.Response(status=304, headers={"ETag": etag, "Cache-Control": "no-store"})
    response = render(request, template, **context())
    response.headers["ETag"] = etag
    return response

def console_page(*roles: str):
    """Decorator for console pages: an anonymous visitor is sent to sign in instead of a JSON 401."""
    def decorate(handler):
        protected = auth.requires(*roles)(handler)

        async def wrapper(request: web.Request):
            if await auth.current_user(request) is None:
                raise web.HTTPSeeOther(f"/console/login?next={request.path_qs}")
            return await protected(request)
        wrapper.roles = roles
        return wrapper
    return decorate


@routes.get("/")
@routes.get("/console")
@routes.get("/console/")
async def console_home(request: web.Request) -> web.Response:
    user = await auth.current_user(request)
    if user is None:
        raise web.HTTPSeeOther("/console/login")
    raise web.HTTPSeeOther(HOME_BY_ROLE[user["role"]])


@routes.get("/console/login")
async def login_form(request: web.Request) -> web.Response:
    return render(request, "login.html", next=_safe_next(request.query.get("next")))


@routes.post("/console/login")
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:256]
    limiter: RateLimit = request.app["login_attempts"]
    key = f"{request.remote}|{name.lower()}"
    if not limiter.allow(key):
        return render(request, "login.html", status=429, next=_safe_next(form.get("next")),
                      # TRANSLATORS: console, error message, max 80 chars
                      error=N_("Too many sign-in attempts. Please wait a few minutes."))
    user = accounts.user_by_name(request.app["store"], name)
    if user is None or not auth.verify_password(password, user["password_hash"]):
        return render(request, "login.html", status=401, next=_safe_next(form.get("next")), name=name,
                      # TRANSLATORS: console, error message, max 80 chars
                      error=N_("The name or the password is wrong."))
    response = web.HTTPSeeOther(_safe_next(form.get("next")) or HOME_BY_ROLE[user["role"]])
    auth.start_session(request, response, user["id"])
    raise response


@routes.post("/console/logout")
async def logout(request: web.Request) -> web.Response:
    if await auth.current_user(request) is None:
        raise ApiError(401, "unauthenticated", N_("Please sign in first."))
    response = web.HTTPSeeOther("/console/login")
    auth.end_session(request, response)
    raise response


@routes.get("/console/static/{name}")
async def console_asset(request: web.Request) -> web.StreamResponse:
    """The consoles' scripts and styles. Any other name is the contract's 404 (aiohttp's static
    route answered an empty 404, and a 500 for a name longer than the file system allows)."""
    name = request.match_info["name"]
    path = HERE / "static" / name
    if not _ASSET.fullmatch(name) or not path.is_file():
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return web.FileResponse(path)


def _safe_next(target) -> str:
    """Only local console paths: never an open redirect."""
    target = str(target or "")
    return target if target.startswith("/console/") and not target.startswith("//") else ""


def setup(app: web.Application) -> None:
    settings = app["settings"]
    app["login_attempts"] = RateLimit(settings.login_attempts_per_15_minutes, 15 * 60)
    app.add_routes(routes)
    from . import admin, staff, supervisor  # the desks import render from here
    for desk in (staff, supervisor, admin):
        desk.setup(app)
    from . import editor  # the editor console
    editor.setup(app)
