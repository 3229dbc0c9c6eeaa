"""Reading and checking request bodies; every refusal is a bilingual ApiError."""
from __future__ import annotations

import asyncio
import json
import math
import re
from datetime import date, datetime, timezone
from typing import Any, Iterable

from aiohttp import web

from .config import SETTINGS
from .errors import ApiError
from .i18n import N_

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_JSON_DEPTH = 32  # the deepest real body, a channel schedule, nests 5 levels
PARSE_ON_LOOP_BYTES = 64 * 1024  # a household's or the desk's body parses in a few milliseconds
_INT64 = 2**63  # SQLite's integers are signed 64-bit
_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_INTEGER = re.compile(r"-?[0-9]{1,19}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


async def read_body(request: web.Request, limit: int) -> bytes:
    """The whole request body, however many pieces it arrives in; beyond `limit` bytes → 413."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large()
    pieces, size = [], 0
    idle = request.app[SETTINGS].body_timeout_seconds
    while True:  # content.read(n) returns what has arrived so far, b"" only at the end
        try:
            async with asyncio.timeout(idle):
                piece = await request.content.read(limit + 1 - size)
        except TimeoutError:
            raise _too_slow() from None
        if not piece:
            return b"".join(pieces)
        size += len(piece)
        if size > limit:
            raise _too_large()
        pieces.append(piece)


@web.middleware
async def form_bodies_in_time(request: web.Request, handler):
    """A form body read whole within body_timeout_seconds: aiohttp's request.post() waits forever."""
    if request.content_type == "application/x-www-form-urlencoded" and request.can_read_body:
        try:
            async with asyncio.timeout(request.app[SETTINGS].body_timeout_seconds):
                await request.read()  # kept by the request: post() parses these bytes
        except TimeoutError:
            raise _too_slow() from None
    return await handler(request)


def _too_slow() -> ApiError:
    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
    return ApiError(408, "too_slow", N_("The request arrived too slowly. Please try again."),
                    headers={"Connection": "close"})


async def read_json(request: web.Request, max_bytes: int | None = None) -> dict:
    """The request body as a JSON object, read with a size cap."""
    raw = await read_body(request, max_bytes or request.app[SETTINGS].max_json_bytes)
    # an editor's 2 MB import takes ~0.5 s to parse and check: off the loop, so boxes are not kept waiting
    body = load_json(raw) if len(raw) <= PARSE_ON_LOOP_BYTES else await asyncio.to_thread(load_json, raw)
    if not isinstance(body, dict):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(400, "invalid_json", N_("The request body must be a JSON object."))
    return body


def load_json(raw: bytes) -> Any:
    """JSON that the rest of the server can store and walk safely: UTF-8 text without lone
    surrogates, integers SQLite holds, finite numbers, at most MAX_JSON_DEPTH levels deep."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_int=_json_integer, parse_float=_json_float,
                           parse_constant=_json_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _invalid_json()
    _check_json_tree(value)
    return value


def _invalid_json() -> ApiError:
    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
    return ApiError(400, "invalid_json", N_("The request body is not valid JSON."))


def _json_integer(digits: str) -> int:
    if len(digits) > 20 or not -_INT64 <= (value := int(digits)) < _INT64:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(400, "number_too_large", N_("A number in the request is too large."))
    return value


def _json_float(digits: str) -> float:
    value = float(digits)  # float() has no digit limit; 1e999 becomes inf
    if not math.isfinite(value):
        raise ApiError(400, "number_too_large", N_("A number in the request is too large."))
    return value


def _json_constant(name: str):
    raise _invalid_json()  # NaN and Infinity are not JSON


def _check_json_tree(value: Any) -> None:
    """Refuses trees deeper than MAX_JSON_DEPTH and text with lone surrogates (not UTF-8)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                raise _not_unicode()
        elif isinstance(node, (dict, list)):
            if depth >= MAX_JSON_DEPTH:
                # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
                raise ApiError(400, "too_deep", N_("The request is nested too deeply."))
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


def _not_unicode() -> ApiError:
    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
    return ApiError(400, "invalid_text", N_("The request contains characters that are not valid text."))


def _too_large() -> ApiError:
    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
    return ApiError(413, "too_large", N_("The request is too large."))


def text(body: dict, field: str, max_length: int, required: bool = True, default: str = "") -> str:
    """A plain string field, trimmed, without control characters."""
    value = body.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ApiError(422, "missing_field", N_("Please fill in this field."), field=field)
        return default
    if not isinstance(value, str):
        raise ApiError(422, "wrong_type", N_("This field must be text."), field=field)
    value = value.strip()
    if _CONTROL.search(value):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "invalid_text", N_("This field contains characters that are not allowed."), field=field)
    if len(value) > max_length:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "too_long", N_("This field is too long (at most {max} characters)."),
                       field=field, max=max_length)
    return value


def bilingual_text(body: dict, field: str, max_length: int, required: bool = True) -> dict[str, str]:
    """A {"zh", "mn"} field; both languages are required when the field is."""
    value = body.get(field)
    if value is None and not required:
        return {"zh": "", "mn": ""}
    if not isinstance(value, dict):
        raise ApiError(422, "wrong_type", N_("This field needs both a Chinese and a Mongolian text."), field=field)
    out = {}
    for lang in ("zh", "mn"):
        try:
            out[lang] = text(value, lang, max_length, required=required)
        except ApiError as exc:
            exc.field = f"{field}.{lang}"  # e.g. "title.mn": a form with several fields knows which
            raise
    unknown = set(value) - {"zh", "mn"}
    if unknown:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "unknown_language", N_("Only Chinese (zh) and Mongolian (mn) texts are accepted."),
                       field=field)
    return out


def choice(body: dict, field: str, options: Iterable[str], required: bool = True, default: str | None = None) -> str:
    value = body.get(field, default)
    options = list(options)
    if value is None and not required:
        return default
    if value not in options:
        raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."),
                       field=field, options=", ".join(options))
    return value


def integer(body: dict, field: str, low: int, high: int) -> int:
    value = body.get(field)
    if isinstance(value, bool) or not isinstance(value, int):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "wrong_type", N_("This field must be a whole number."), field=field)
    if not low <= value <= high:
        raise ApiError(422, "out_of_range", N_("This number must be between {low} and {high}."),
                       field=field, low=low, high=high)
    return value


def string_list(body: dict, field: str, max_items: int, required: bool = False) -> list[str]:
    value: Any = body.get(field, None)
    if value is None:
        if required:
            raise ApiError(422, "missing_field", N_("Please fill in this field."), field=field)
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(422, "wrong_type", N_("This field must be a list of texts."), field=field)
    if len(value) > max_items:
        raise ApiError(422, "too_many", N_("Too many entries (at most {max})."), field=field, max=max_items)
    return value


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # far inside what date arithmetic can reach


def query_date(request: web.Request, name: str, default: date) -> date:
    """A calendar date from the query string (2026-11-26), or `default` when absent."""
    raw = request.query.get(name)
    if not raw:
        return default
    return calendar_date(raw, name)


def calendar_date(raw, field: str) -> date:
    """A date written 2026-11-26 between FIRST_DAY and LAST_DAY, so adding days or a month never
    overflows (9999-12-31 + 1 day does)."""
    try:
        day = date.fromisoformat(raw) if isinstance(raw, str) and _ISO_DATE.fullmatch(raw) else None
    except ValueError:
        day = None
    if day is None:
        # TRANSLATORS: console and API error under a date field, max 60 chars
        raise ApiError(422, "invalid_date", N_("Please give a date like 2026-11-26."), field=field)
    if not FIRST_DAY <= day <= LAST_DAY:
        # TRANSLATORS: console and API error under a date field, max 60 chars
        raise ApiError(422, "invalid_date", N_("Please give a date between {first} and {last}."), field=field,
                       first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
    return day


def instant(body: dict, name: str) -> datetime | None:
    """A moment written with its offset (2026-12-01T08:00:00+08:00), in UTC; None when absent or empty."""
    value = body.get(name)
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or not FIRST_DAY <= moment.date() <= LAST_DAY:
        # TRANSLATORS: console and API error under a date and time field, max 100 chars
        raise ApiError(422, "invalid_time", N_("Please give a date and time with its offset, e.g. 2026-12-01T08:00:00+08:00."),
                       field=name)
    return moment.astimezone(timezone.utc)


def whole_number(raw: str, field: str, low: int, high: int) -> int:
    """A whole number written in a query, path or form value. Only ASCII digits: isdigit() takes
    '²' (which int() refuses) and int() takes '٣'."""
    if not _ASCII_INTEGER.fullmatch(raw):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "wrong_type", N_("This field must be a whole number."), field=field)
    value = int(raw)
    if not low <= value <= high:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "out_of_range", N_("This number must be between {low} and {high}."),
                       field=field, low=low, high=high)
    return value


def path_id(request: web.Request, name: str) -> int:
    """A numeric id from the path; anything else (², a 30-digit number) names nothing: 404."""
    raw = request.match_info[name]
    if not _ASCII_INTEGER.fullmatch(raw) or not 0 < int(raw) < _INT64:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return int(raw)
