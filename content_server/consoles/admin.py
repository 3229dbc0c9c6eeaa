"""The admin console: who may sign in, with which role and which answering languages,
and the API tokens programs sign in with (also as JSON under /api/v1/tokens)."""
from __future__ import annotations

import re
import time

from aiohttp import web

from ..accounts import callers
from ..accounts.callers import USER
from ..kernel import auth, validation
from ..kernel.errors import ApiError
from ..kernel.i18n import N_, translate
from ..kernel.password_policy import check_password
from ..kernel.validation import path_id
from ..storage import STORE, accounts, questions as question_store
from . import console_language, console_page, render
from .staff import SERVICE_LABELS

routes = web.RouteTableDef()

NAME = re.compile(r"^[\w.\-]{2,40}$")
MAX_TOKEN_DAYS = 3650
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
        "routing": N_("Languages and topics were saved."),
        # TRANSLATORS: admin console, confirmation, max 60 chars
        "revoked": N_("The API token was revoked.")}
DESK_ROLES = ("staff", "supervisor")


@routes.get("/console/admin")
@console_page("admin")
async def admin_page(request: web.Request) -> web.Response:
    return await _page(request, notice=DONE.get(request.query.get("done", "")))


@routes.post("/console/admin/users")
@console_page("admin")
async def add_user(request: web.Request) -> web.Response:
    form = await request.post()
    store = request.app[STORE]
    try:
        name = str(form.get("name", "")).strip()
        if not NAME.match(name):
            # TRANSLATORS: admin console, error message, max 80 chars
            raise ApiError(422, "invalid_name", N_("A name has 2 to 40 letters, digits, dots or dashes."), field="name")
        if any(row["name"].lower() == name.lower() for row in await store.read(accounts.users)):
            # TRANSLATORS: admin console, error message, max 80 chars
            raise ApiError(422, "name_taken", N_("An account with this name exists already."), field="name")
        role = str(form.get("role", ""))
        if role not in auth.ROLES:
            raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."), field="role",
                           options=", ".join(auth.ROLES))
        languages = _languages(form)
        password = _password(form)
    except ApiError as exc:
        return await _page(request, status=exc.status, error=exc, form=form)
    password_hash = await request.app[auth.PASSWORD_HASHING].hash(password)
    await store.write(accounts.add_user, name, role, password_hash, ",".join(languages))
    raise web.HTTPSeeOther(_back("added"))


@routes.post("/console/admin/users/{user_id:\\d+}/active")
@console_page("admin")
async def set_active(request: web.Request) -> web.Response:
    form = await request.post()
    target = await _target(request)
    active = form.get("active") == "1"
    if not active and target["id"] == request[USER]["id"]:
        # TRANSLATORS: admin console, error message, max 80 chars
        error = ApiError(422, "own_account", N_("You cannot deactivate your own account."))
        return await _page(request, status=422, error=error)
    await request.app[STORE].write(accounts.set_active, target["id"], active)
    raise web.HTTPSeeOther(_back("activated" if active else "deactivated"))


@routes.post("/console/admin/users/{user_id:\\d+}/password")
@console_page("admin")
async def reset_password(request: web.Request) -> web.Response:
    form = await request.post()
    target = await _target(request)
    try:
        password = _password(form)
    except ApiError as exc:
        return await _page(request, status=exc.status, error=exc)
    password_hash = await request.app[auth.PASSWORD_HASHING].hash(password)
    await request.app[STORE].write(accounts.reset_password, target["id"], password_hash)
    raise web.HTTPSeeOther(_back("password"))


@routes.post("/console/admin/tokens")
@console_page("admin")
async def create_token_form(request: web.Request) -> web.Response:
    """A new API token for an account; its secret is shown on this page once and never again."""
    form = await request.post()
    try:
        target = await _account_named(request, str(form.get("user", "")))
        days = str(form.get("expires_days", "")).strip()
        if days and not (days.isascii() and days.isdigit()):
            raise ApiError(422, "wrong_type", N_("This field must be a whole number."), field="expires_days")
        # more digits than any allowed number: out of range (and int() of thousands of digits raises)
        expires_days = _token_days({"expires_days": (int(days) if len(days) <= 6 else MAX_TOKEN_DAYS + 1)
                                    if days else None})
        label = validation.text({"label": form.get("label")}, "label", 80, required=False)
    except ApiError as exc:
        return await _page(request, status=exc.status, error=exc)
    token, _token_id, _expires_at = await request.app[STORE].write(callers.issue_api_token, target["id"], expires_days, label)
    # TRANSLATORS: admin console, confirmation above a new API token, max 100 chars
    return await _page(request, status=201, new_token=token, notice=N_("Copy this token now: it is shown only once."))


@routes.post("/console/admin/tokens/{token_id}/revoke")
@console_page("admin")
async def revoke_token_form(request: web.Request) -> web.Response:
    if not await request.app[STORE].write(accounts.revoke_api_token, request.match_info["token_id"]):
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    raise web.HTTPSeeOther(_back("revoked") + "#tokens")


@routes.get("/api/v1/tokens")
@callers.requires("admin")
async def list_tokens(request: web.Request) -> web.Response:
    """Every API token (never its secret), or only those of ?user=NAME."""
    user_id = None
    if "user" in request.query:
        user_id = (await _account_named(request, request.query["user"]))["id"]
    rows = await request.app[STORE].read(accounts.api_tokens, user_id)
    return web.json_response([_token_json(row) for row in rows], headers={"Cache-Control": "no-store"})


@routes.post("/api/v1/tokens")
@callers.requires("admin")
async def create_token(request: web.Request) -> web.Response:
    body = await validation.read_json(request)
    target = await _account_named(request, validation.text(body, "user", 40))
    expires_days = _token_days(body)
    label = validation.text(body, "label", 80, required=False)
    token, token_id, expires_at = await request.app[STORE].write(callers.issue_api_token, target["id"], expires_days, label)
    return web.json_response({"id": token_id, "token": token, "user": target["name"], "label": label,
                              "expires_at": expires_at}, status=201, headers={"Cache-Control": "no-store"})


@routes.delete("/api/v1/tokens/{token_id}")
@callers.requires("admin")
async def revoke_token(request: web.Request) -> web.Response:
    if not await request.app[STORE].write(accounts.revoke_api_token, request.match_info["token_id"]):
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return web.Response(status=204)


def _token_json(row) -> dict:
    return {"id": row["id"], "user": row["user_name"], "label": row["label"],
            "created_at": row["created_at"], "expires_at": row["expires_at"]}


def _token_days(body: dict) -> int | None:
    """Days until a new token expires; None (absent) for a token that lasts until revoked."""
    if body.get("expires_days") is None:
        return None
    return validation.integer(body, "expires_days", 1, MAX_TOKEN_DAYS)


async def _account_named(request: web.Request, name: str):
    row = await request.app[STORE].read(accounts.user_by_name, name)
    if row is None:
        # TRANSLATORS: admin console and API, error message, max 80 chars
        raise ApiError(422, "unknown_user", N_("There is no active account with this name."), field="user")
    return row


@routes.post("/console/admin/users/{user_id:\\d+}/routing")
@console_page("admin")
async def set_routing(request: web.Request) -> web.Response:
    """Which questions reach a lawyer: the languages they answer in and, optionally, topics and
    the services whose requests they handle."""
    form = await request.post()
    target = await _target(request)
    store = request.app[STORE]
    try:
        languages = _languages(form)
        if target["role"] not in DESK_ROLES and form.getall("topics", []):
            # TRANSLATORS: admin console, error message, max 80 chars
            raise ApiError(422, "not_desk", N_("Only callback staff and supervisors answer topics."), field="topics")
        known = {t["id"] for t in await store.read(question_store.topics, include_inactive=True)}
        topics = list(dict.fromkeys(form.getall("topics", [])))
        if not set(topics) <= known:
            raise ApiError(422, "unknown_topic", N_("Please choose one of the listed topics."), field="topics")
        services = _services(form.getall("services", []), target)
    except ApiError as exc:
        return await _page(request, status=exc.status, error=exc)
    await store.write(_set_routing, target, languages, topics, services)
    raise web.HTTPSeeOther(_back("routing"))


def _services(wanted: list[str], target) -> list[str]:
    """The services ticked for a desk account, each once and known."""
    if wanted and target["role"] not in DESK_ROLES:
        # TRANSLATORS: admin console, error message, max 80 chars
        raise ApiError(422, "not_desk", N_("Only callback staff and supervisors handle requests."), field="services")
    if not set(wanted) <= set(SERVICE_LABELS):
        raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."), field="services",
                       options=", ".join(SERVICE_LABELS))
    return list(dict.fromkeys(wanted))


def _set_routing(tx, target, languages: list[str], topics: list[str], services: list[str]) -> None:
    accounts.set_languages(tx, target["id"], ",".join(languages))
    if target["role"] in DESK_ROLES:
        question_store.set_staff_topics(tx, target["id"], topics)
        question_store.set_staff_services(tx, target["id"], services)


async def _page(request: web.Request, status: int = 200, error: ApiError | None = None, form=None, notice=None,
                new_token: str | None = None):
    language = console_language(request)
    message = translate(error.msgid, language, **error.params) if error else None
    page = await request.app[STORE].read(_page_data)
    return render(request, "admin.html", status=status, roles=ROLE_LABELS, error=message,
                  error_field=error.field if error else None, form=form or {}, notice=notice,
                  new_token=new_token, **page)


def _page_data(tx) -> dict:
    users = accounts.users(tx)
    return {"users": users, "topics": question_store.topics(tx),
            "routing": {row["id"]: question_store.staff_topics(tx, row["id"])
                        for row in users if row["role"] in DESK_ROLES},
            "service_routing": {row["id"]: question_store.staff_services(tx, row["id"])
                                for row in users if row["role"] in DESK_ROLES},
            "service_labels": SERVICE_LABELS,
            "tokens": [_token_row(row) for row in accounts.api_tokens(tx)]}


def _token_row(row) -> dict:
    expires = row["expires_at"]
    return {**dict(row), "expired": expires is not None and expires <= time.time(),
            "expires_on": time.strftime("%Y-%m-%d", time.localtime(expires)) if expires else ""}


async def _target(request: web.Request):
    row = await request.app[STORE].read(accounts.user_by_id, path_id(request, "user_id"))
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
    return check_password(str(form.get("password", "")))


def _back(done: str) -> str:
    return f"/console/admin?done={done}"


def setup(app: web.Application) -> None:
    app.add_routes(routes)
