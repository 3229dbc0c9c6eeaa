"""The admin console: who may sign in, with which role and which answering languages."""
from __future__ import annotations

import re

from aiohttp import web

from .. import auth
from ..errors import ApiError
from ..i18n import N_, translate
from ..storage import accounts, questions as question_store
from ..validation import path_id
from . import console_language, console_page, render

routes = web.RouteTableDef()

NAME = re.compile(r"^[\w.\-]{2,40}$")
MIN_PASSWORD = 10
ROLE_LABELS = {
    # TRANSLATORS: role of an account: edits videos and texts, max 20 chars
    "editor": N_("Editor"),
    # TRANSLATORS: role of an account: 12348 lawyer who calls households back, max 20 chars
    "staff": N_("Callback staff"),
    # TRANSLATORS: role of an account, max 20 chars
    "supervisor": N_("Supervisor"),
    # TRANSLATORS: role of an account: manages accounts, max 20 chars
    "admin": N_("Administrator"),
}
# TRANSLATORS: admin console, confirmation shown above the list of accounts, max 60 chars
DONE = {"added": N_("The account was added."),
        # TRANSLATORS: admin console, confirmation, max 60 chars
        "deactivated": N_("The account was deactivated."),
        # TRANSLATORS: admin console, confirmation, max 60 chars
        "activated": N_("The account was activated again."),
        # TRANSLATORS: admin console, confirmation, max 60 chars
        "password": N_("The new password was set."),
        # TRANSLATORS: admin console, confirmation, max 60 chars
        "routing": N_("Languages and topics were saved.")}
DESK_ROLES = ("staff", "supervisor")


@routes.get("/console/admin")
@console_page("admin")
async def admin_page(request: web.Request) -> web.Response:
    return _page(request, notice=DONE.get(request.query.get("done", "")))


@routes.post("/console/admin/users")
@console_page("admin")
async def add_user(request: web.Request) -> web.Response:
    form = await request.post()
    store = request.app["store"]
    try:
        name = str(form.get("name", "")).strip()
        if not NAME.match(name):
            # TRANSLATORS: admin console, error message, max 80 chars
            raise ApiError(422, "invalid_name", N_("A name has 2 to 40 letters, digits, dots or dashes."), field="name")
        if any(row["name"].lower() == name.lower() for row in accounts.users(store)):
            # TRANSLATORS: admin console, error message, max 80 chars
            raise ApiError(422, "name_taken", N_("An account with this name exists already."), field="name")
        role = str(form.get("role", ""))
        if role not in auth.ROLES:
            raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."), field="role",
                           options=", ".join(auth.ROLES))
        languages = _languages(form)
        password = _password(form)
    except ApiError as exc:
        return _page(request, status=exc.status, error=exc, form=form)
    accounts.add_user(store, name, role, auth.hash_password(password), ",".join(languages))
    raise web.HTTPSeeOther(_back("added"))


@routes.post("/console/admin/users/{user_id:\\d+}/active")
@console_page("admin")
async def set_active(request: web.Request) -> web.Response:
    form = await request.post()
    target = _target(request)
    active = form.get("active") == "1"
    if not active and target["id"] == request["user"]["id"]:
        # TRANSLATORS: admin console, error message, max 80 chars
        error = ApiError(422, "own_account", N_("You cannot deactivate your own account."))
        return _page(request, status=422, error=error)
    accounts.set_active(request.app["store"], target["id"], active)
    raise web.HTTPSeeOther(_back("activated" if active else "deactivated"))


@routes.post("/console/admin/users/{user_id:\\d+}/password")
@console_page("admin")
async def reset_password(request: web.Request) -> web.Response:
    form = await request.post()
    target = _target(request)
    try:
        password = _password(form)
    except ApiError as exc:
        return _page(request, status=exc.status, error=exc)
    store = request.app["store"]
    with store.write():  # a reset also signs the person out, in case the old password leaked
        accounts.set_password(store, target["id"], auth.hash_password(password))
        accounts.end_sessions_of(store, target["id"])
    raise web.HTTPSeeOther(_back("password"))


@routes.post("/console/admin/users/{user_id:\\d+}/routing")
@console_page("admin")
async def set_routing(request: web.Request) -> web.Response:
    """Which questions reach a lawyer: the languages they answer in and, optionally, topics."""
    form = await request.post()
    target = _target(request)
    store = request.app["store"]
    try:
        languages = _languages(form)
        if target["role"] not in DESK_ROLES and form.getall("topics", []):
            # TRANSLATORS: admin console, error message, max 80 chars
            raise ApiError(422, "not_desk", N_("Only callback staff and supervisors answer topics."), field="topics")
        known = {t["id"] for t in question_store.topics(store, include_inactive=True)}
        topics = list(dict.fromkeys(form.getall("topics", [])))
        if not set(topics) <= known:
            raise ApiError(422, "unknown_topic", N_("Please choose one of the listed topics."), field="topics")
    except ApiError as exc:
        return _page(request, status=exc.status, error=exc)
    with store.write():
        accounts.set_languages(store, target["id"], ",".join(languages))
        if target["role"] in DESK_ROLES:
            question_store.set_staff_topics(store, target["id"], topics)
    raise web.HTTPSeeOther(_back("routing"))


def _page(request: web.Request, status: int = 200, error: ApiError | None = None, form=None, notice=None):
    language = console_language(request)
    message = translate(error.msgid, language, **error.params) if error else None
    store = request.app["store"]
    users = accounts.users(store)
    routing = {row["id"]: question_store.staff_topics(store, row["id"]) for row in users if row["role"] in DESK_ROLES}
    return render(request, "admin.html", status=status, users=users, routing=routing,
                  topics=question_store.topics(store), roles=ROLE_LABELS, error=message,
                  error_field=error.field if error else None, form=form or {}, notice=notice)


def _target(request: web.Request):
    row = accounts.user_by_id(request.app["store"], path_id(request, "user_id"))
    if row is None:
        # TRANSLATORS: admin console, error message, max 80 chars
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return row


def _languages(form) -> list[str]:
    chosen = [lang for lang in ("zh", "mn") if lang in form.getall("languages", [])]
    if not chosen:
        # TRANSLATORS: admin console, error message, max 80 chars
        raise ApiError(422, "missing_field", N_("Please choose at least one language."), field="languages")
    return chosen


def _password(form) -> str:
    password = str(form.get("password", ""))
    if len(password) < MIN_PASSWORD or len(password) > 256:
        # TRANSLATORS: admin console, error message, max 80 chars
        raise ApiError(422, "weak_password", N_("A password has at least {min} characters."),
                       field="password", min=MIN_PASSWORD)
    return password


def _back(done: str) -> str:
    return f"/console/admin?done={done}"


def setup(app: web.Application) -> None:
    app.add_routes(routes)
