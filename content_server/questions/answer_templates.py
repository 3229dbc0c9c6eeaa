"""Answer templates: bilingual texts per topic that supervisors keep; staff insert one into an
answer with one click on the question page.

staff, supervisor:
  GET  /api/v1/desk/templates?topic=ID      {"templates": [{"id", "topic", "title", "text": {"zh", "mn"}}]}
supervisor:
  POST /api/v1/desk/templates               {"topic", "title", "text": {"zh", "mn"}}  201 (a form sends text_zh, text_mn)
  POST /api/v1/desk/templates/{template_id} the same fields: the template is replaced
  POST /api/v1/desk/templates/{template_id}/delete
A form may add `next=/console/...` to be redirected there (303) instead of getting JSON.
"""
from __future__ import annotations

from aiohttp import web

from ..accounts.callers import USER, requires
from ..kernel import validation
from ..kernel.clock import CLOCK
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import STORE, answer_templates as db, questions as questions_db
from .duty import DESK, _body, _redirect_or

routes = web.RouteTableDef()
TITLE_MAX = 60
TEXT_MAX = 1000  # an answer summary holds at most 1000 characters per language


def _fields(body: dict) -> tuple[str, str, dict]:
    """The topic, title and both texts of a template, from JSON or from a form."""
    if "form" in body:
        body = {**body, "text": {"zh": body.get("text_zh", ""), "mn": body.get("text_mn", "")}}
    title = validation.text(body, "title", TITLE_MAX)
    return str(body.get("topic", "")), title, validation.bilingual_text(body, "text", TEXT_MAX)


def _known_topic(tx, topic_id: str) -> None:
    if questions_db.topic(tx, topic_id) is None:
        raise ApiError(422, "unknown_topic", N_("Please choose one of the listed topics."), field="topic")


@routes.get("/api/v1/desk/templates")
@requires(*DESK)
async def list_templates(request: web.Request) -> web.Response:
    topic = request.query.get("topic") or None
    return web.json_response({"templates": await request.app[STORE].read(db.templates, topic)})


@routes.post("/api/v1/desk/templates")
@requires("supervisor")
async def add_template(request: web.Request) -> web.Response:
    body = await _body(request)
    topic, title, text = _fields(body)
    item = await request.app[STORE].write(_add, topic, title, text, request.app[CLOCK](), request[USER]["id"])
    return _redirect_or(body, item, 201)


def _add(tx, topic: str, title: str, text: dict, now: float, by: int) -> dict:
    _known_topic(tx, topic)
    return db.template(tx, db.add_template(tx, topic, title, text, now, by))


@routes.post("/api/v1/desk/templates/{template_id}")
@requires("supervisor")
async def change_template(request: web.Request) -> web.Response:
    template_id, body = validation.path_id(request, "template_id"), await _body(request)
    topic, title, text = _fields(body)
    item = await request.app[STORE].write(_change, template_id, topic, title, text, request.app[CLOCK](),
                                          request[USER]["id"])
    return _redirect_or(body, item)


def _change(tx, template_id: int, topic: str, title: str, text: dict, now: float, by: int) -> dict:
    _known_topic(tx, topic)
    if not db.update_template(tx, template_id, topic, title, text, now, by):
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return db.template(tx, template_id)


@routes.post("/api/v1/desk/templates/{template_id}/delete")
@requires("supervisor")
async def delete_template(request: web.Request) -> web.Response:
    template_id, body = validation.path_id(request, "template_id"), await _body(request)
    if not await request.app[STORE].write(db.delete_template, template_id):
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return _redirect_or(body, {"deleted": template_id})
