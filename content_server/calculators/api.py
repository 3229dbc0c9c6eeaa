"""HTTP routes of the calculators feature.

GET  /api/v1/calculators?region=       → {"calculators": [{"id", "title", "questions"}], "figures": [in force]}
POST /api/v1/calculators/{id}          {"answers": {...}, "region"?} → {"lines", "total", "total_label", "notes", "figures"}
GET  /api/v1/calculators/figures       → {"items": [every figure]}
PUT  /api/v1/calculators/figures       role editor, {"items": [...]} → replaces the whole set, answers it
Reads are public and cacheable; a calculation writes nothing, so it is answered from the figures
kept in memory for the current version.
"""
from __future__ import annotations

import json

from aiohttp import web

import legaltv_calculators as calculators
from legaltv_calculators.figures import INNER_MONGOLIA
from legaltv_calculators.rendering import describe, result_json

from ..accounts.callers import USER, requires
from ..kernel import validation
from ..kernel.clock import CLOCK
from ..kernel.errors import ApiError
from ..kernel.http_cache import etag_of, public_json
from ..kernel.i18n import N_, translate
from ..storage import STORE
from ..storage import calculators as calculators_sql
from ..storage.documents import Document

routes = web.RouteTableDef()
MAX_AGE = 3600
ANSWERS_MAX_BYTES = 16 * 1024      # a dozen short answers
FIGURES_MAX_BYTES = 512 * 1024     # decades of figures for every league
FIGURES_CACHE = web.AppKey("calculator_figures", dict)  # version → Figures, and rendered bodies
BODIES_KEPT = 512


def _region(request: web.Request, value: object) -> str:
    if value is None:
        return INNER_MONGOLIA
    if not (isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "invalid_region", N_("The region code must be six digits."), field="region")
    return value


async def current_figures(request: web.Request) -> tuple[int, calculators.Figures]:
    """The current set, parsed once per version (every node sees the version move)."""
    version = request.app[STORE].version_of(Document.FIGURES)[0]
    cache: dict = request.app[FIGURES_CACHE]
    if version not in cache:
        rows = await request.app[STORE].read(calculators_sql.figures)
        cache.clear()
        cache[version] = calculators.Figures.from_json(rows)
    return version, cache[version]


async def _cached_body(request: web.Request, key: tuple, make) -> bytes:
    """The JSON body `make(figures)` renders, kept per figures version and `key` (the day and
    region a description depends on), so a polled document is not rendered for every box."""
    version, figures = await current_figures(request)
    cache: dict = request.app[FIGURES_CACHE]
    full = ("body", version, *key)
    if full not in cache:
        if len(cache) > BODIES_KEPT:  # many regions asked: start again, keeping the parsed figures
            cache.clear()
            cache[version] = figures
        cache[full] = json.dumps(make(figures), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return cache[full]


@routes.get("/api/v1/calculators")
async def list_calculators(request: web.Request) -> web.Response:
    region = _region(request, request.query.get("region"))
    today = request.app[CLOCK].today()
    body = await _cached_body(request, (today, region),
                              lambda figures: describe(calculators.CALCULATORS, figures, region, today, translate))
    return public_json(request, body, etag_of(body, weak=True), MAX_AGE)


@routes.get("/api/v1/calculators/figures")
async def list_figures(request: web.Request) -> web.Response:
    body = await _cached_body(request, (), lambda figures: {"items": [f.as_json() for f in figures.all]})
    return public_json(request, body, etag_of(body, weak=True), MAX_AGE)


@routes.post("/api/v1/calculators/{id}")
async def calculate(request: web.Request) -> web.Response:
    calculator = calculators.CALCULATORS.get(request.match_info["id"])
    if calculator is None:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(404, "unknown_calculator", N_("There is no such calculator."))
    body = await validation.read_json(request, ANSWERS_MAX_BYTES)
    region = _region(request, body.get("region"))
    _, figures = await current_figures(request)
    try:
        result = calculator.compute(body.get("answers"), figures, region, request.app[CLOCK].today())
    except calculators.AnswerError as e:
        field = "answers" if e.question == "answers" else f"answers.{e.question}"
        raise ApiError(422, "invalid_answer", e.message, field=field, **e.params) from None
    except calculators.FigureMissing as e:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 120 chars
        raise ApiError(409, "figure_missing", N_("A published figure this calculation needs is not in the data yet. "
                                                 "Call 12348 for free and a lawyer will work it out."),
                       field=e.key) from None
    return web.json_response(result_json(result, translate), dumps=lambda d: json.dumps(d, ensure_ascii=False))


@routes.put("/api/v1/calculators/figures")
@requires("editor")
async def import_figures(request: web.Request) -> web.Response:
    body = await validation.read_json(request, FIGURES_MAX_BYTES)
    try:
        figures = calculators.figures.parse(body.get("items"))
    except calculators.FigureError as e:
        raise ApiError(422, "invalid_figure", e.message, field=e.field) from None
    rows = [f.as_json() for f in figures]
    await request.app[STORE].write(calculators_sql.replace_figures, rows, request[USER]["name"])
    return web.json_response({"items": rows}, dumps=lambda d: json.dumps(d, ensure_ascii=False))
