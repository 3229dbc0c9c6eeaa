"""Household endpoints (set-top boxes) and the editors' topic endpoints.

GET  /api/v1/topics                    public: [{"id", "title", "phrases": [{"id", "text"}]}]
GET  /api/v1/topics?all=1              editor: also retired topics, each with "active"
POST /api/v1/topics                    editor: a new topic (body: see topics.read_topic_body) → 201
PUT  /api/v1/topics/{id}               editor: replaces title, phrases, active → 200
POST /api/v1/questions                 device: intake (see intake.py for every reply)
GET  /api/v1/questions                 device: this box's questions
POST /api/v1/questions/{id}/rating     device: {"score": 1..5}, once, answered questions only
POST /api/v1/questions/{id}/cancel     device: cancels its own request (see requests.py); again → 200
"""
from __future__ import annotations

import json

from aiohttp import web

from ..accounts.callers import DEVICE, DEVICE_READ_NOW, requires, requires_device
from ..kernel import validation
from ..kernel.clock import CLOCK
from ..kernel.errors import ApiError
from ..kernel.http_cache import etag_matches, etag_of, public_json
from ..kernel.i18n import N_
from ..ops import METRICS
from ..storage import STORE, accounts, questions as db
from . import intake, requests, topics, views
from .calendar import CALENDAR
from .intake import BOX_LIMITS, INTAKE

routes = web.RouteTableDef()
TOPICS_MAX_AGE = 300  # editors' changes reach boxes within minutes; caches absorb the fleet


@routes.get("/api/v1/topics")
async def list_topics(request: web.Request) -> web.Response:
    if request.query.get("all") == "1":
        return await _all_topics(request)
    body = json.dumps(await request.app[STORE].read(db.topics), ensure_ascii=False).encode("utf-8")
    return public_json(request, body, etag_of(body, weak=True), TOPICS_MAX_AGE)

list_topics.query_roles = {"all=1": ("editor",)}  # a public route with one protected query: the role tests read this


@requires("editor")
async def _all_topics(request: web.Request) -> web.Response:
    return web.json_response(await request.app[STORE].read(db.topics, include_inactive=True),
                             headers={"Cache-Control": "no-store"})


@routes.post("/api/v1/topics")
@requires("editor")
async def create_topic(request: web.Request) -> web.Response:
    topic = topics.read_topic_body(await validation.read_json(request))
    return web.json_response(await request.app[STORE].write(_create_topic, topic), status=201)


def _create_topic(tx, topic: dict) -> dict:
    if db.topic(tx, topic["id"]) is not None:
        # TRANSLATORS: editor API error, max 80 chars
        raise ApiError(409, "exists", N_("A topic with this id exists already."), field="id")
    topics.save(tx, topic)
    return _one(tx, topic["id"])


@routes.put("/api/v1/topics/order")  # before /{topic_id}: "order" is never a topic's id
@requires("editor")
async def reorder_topics(request: web.Request) -> web.Response:
    order = validation.string_list(await validation.read_json(request), "order", 200, required=True)
    return web.json_response(await request.app[STORE].write(_reorder_topics, order))


def _reorder_topics(tx, order: list[str]) -> list[dict]:
    topics.reorder(tx, order)
    return db.topics(tx, include_inactive=True)


@routes.put("/api/v1/topics/{topic_id}")
@requires("editor")
async def replace_topic(request: web.Request) -> web.Response:
    store = request.app[STORE]
    topic_id = request.match_info["topic_id"]
    if await store.read(db.topic, topic_id) is None:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    topic = topics.read_topic_body(await validation.read_json(request), topic_id)
    return web.json_response(await store.write(_replace_topic, topic))


def _replace_topic(tx, topic: dict) -> dict:
    topics.save(tx, topic)
    return _one(tx, topic["id"])


def _one(tx, topic_id: str) -> dict:
    return next(t for t in db.topics(tx, include_inactive=True) if t["id"] == topic_id)


@routes.post("/api/v1/questions")
@requires_device
async def submit_question(request: web.Request) -> web.Response:
    key = intake.idempotency_key(request.headers)
    body = await validation.read_json(request)
    app = request.app
    status, reply = await app[INTAKE].submit(app[STORE], dict(request[DEVICE]), key, body,
                                             app[CLOCK](), app[CALENDAR], app[BOX_LIMITS])
    request.app[METRICS].inc("legaltv_questions_submitted_total", result=str(status))
    return web.json_response(reply, status=status)


@routes.get("/api/v1/questions")
@requires_device
async def device_questions(request: web.Request) -> web.Response:
    """Revalidated by the box's ETag: the device's questions_version says whether the list
    changed, so an unchanged list is a 304 without reading a question. A box asking every half
    hour is past the token check's memory: the row that check just read carries the version."""
    device = request[DEVICE]
    version = (device["questions_version"] if request[DEVICE_READ_NOW]
               else await request.app[STORE].read(accounts.questions_version, device["id"]))
    etag = f'"{device["id"]}.{version}"'
    headers = {"ETag": etag}  # no-store still (see _no_store): the box keeps the list itself
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        return web.Response(status=304, headers=headers)
    calendar = request.app[CALENDAR]
    rows = await request.app[STORE].read(db.device_questions, device["id"])
    return web.json_response([views.household_item(r, calendar) for r in rows], headers=headers)


@routes.post("/api/v1/questions/{question_id}/rating")
@requires_device
async def rate_question(request: web.Request) -> web.Response:
    score = validation.integer(await validation.read_json(request), "score", 1, 5)
    row = await request.app[STORE].write(_rate, request[DEVICE]["id"], request.match_info["question_id"],
                                         score, request.app[CLOCK]())
    return web.json_response(views.household_item(row, request.app[CALENDAR]))


def _rate(tx, device_id: str, question_id: str, score: int, now: float):
    if not db.device_can_see(tx, device_id, question_id):
        # another box's question answers exactly like a missing one
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    if not db.rate(tx, question_id, device_id, score, now):
        row = db.question(tx, question_id)
        if row["rating"] is not None:
            # TRANSLATORS: shown on the TV, max 60 chars
            raise ApiError(409, "already_rated", N_("You have already rated this answer. Thank you."))
        # TRANSLATORS: shown on the TV, max 60 chars
        raise ApiError(409, "not_answered", N_("You can rate the call once it has been answered."))
    return db.question(tx, question_id)


@routes.post("/api/v1/questions/{question_id}/cancel")
@requires_device
async def cancel_request(request: web.Request) -> web.Response:
    row = await request.app[STORE].write(requests.cancel, request[DEVICE]["id"], request.match_info["question_id"],
                                         request.app[CLOCK]())
    return web.json_response(views.household_item(row, request.app[CALENDAR]))
