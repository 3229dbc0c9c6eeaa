"""Checking an editor's JSON import of a whole guidance set; every refusal names its field."""
from __future__ import annotations

import re

from legaltv_regions.offices import LEVEL_LABELS, SERVICE_LABELS

from ..kernel import validation
from ..kernel.errors import ApiError
from ..kernel.i18n import N_

LEVELS = tuple(LEVEL_LABELS)  # a service point's level, widest first
SERVICE_KINDS = tuple(SERVICE_LABELS)  # what a service point may offer
MAX_ITEMS = 1000
# what to bring prefills an appointment's "bring" (at most 500 characters): 8 names of 60, with separators
MAX_DOCUMENTS, DOCUMENT_MAX = 8, 60
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_REGION = re.compile(r"^[0-9]{6}$")
_PHONE = re.compile(r"^[0-9][0-9-]{2,19}$")
_MONGOLIAN = re.compile(r"[\u1800-\u18af]")

# TRANSLATORS: error of an editor's JSON import, max 80 chars
NOT_A_LIST = N_("This field must be a list of entries.")
# TRANSLATORS: error of an editor's JSON import, max 90 chars
BAD_ID = N_("Use only lowercase letters, digits, - and _ (at most 64) for ids.")
# TRANSLATORS: error of an editor's JSON import or form, max 90 chars
NOT_MONGOLIAN = N_("The Mongolian text must be written in traditional Mongolian script.")
# TRANSLATORS: error of an editor's JSON import, max 80 chars
BAD_PHONE = N_("A phone number may only contain digits and dashes.")


def items(body: dict) -> list[dict]:
    """The body's "items": a non-empty list of objects."""
    value = body.get("items")
    if value is None or value == []:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "missing_field", N_("Please fill in this field."), field="items")
    if not isinstance(value, list):
        raise ApiError(422, "wrong_type", NOT_A_LIST, field="items")
    if len(value) > MAX_ITEMS:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "too_many", N_("Too many entries (at most {max})."), field="items", max=MAX_ITEMS)
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            # TRANSLATORS: error of an editor's JSON import, max 80 chars
            raise ApiError(422, "wrong_type", N_("Each entry must be a JSON object."), field=f"items[{i}]")
    return value


def _where(where: str, field: str, exc: ApiError) -> ApiError:
    exc.field = f"{where}.{field}" if exc.field in (None, field) else f"{where}.{field}.{exc.field}"
    return exc


def _bilingual(item: dict, field: str, max_length: int, where: str) -> dict[str, str]:
    return _bilingual_value(item.get(field), f"{where}.{field}", max_length)


def _bilingual_value(value, path: str, max_length: int) -> dict[str, str]:
    try:
        checked = validation.bilingual_text({"value": value}, "value", max_length)
    except ApiError as exc:
        exc.field = path + (exc.field or "value").removeprefix("value")  # "value.mn" -> "<path>.mn"
        raise
    if not _MONGOLIAN.search(checked["mn"]):
        raise ApiError(422, "not_mongolian", NOT_MONGOLIAN, field=f"{path}.mn")
    return checked


def _text(item: dict, field: str, max_length: int, where: str, pattern: re.Pattern | None = None,
          code: str = "", msgid: str = "") -> str:
    try:
        value = validation.text(item, field, max_length)
    except ApiError as exc:
        raise _where(where, field, exc)
    if pattern is not None and not pattern.match(value):
        raise ApiError(422, code, msgid, field=f"{where}.{field}")
    return value


def _id(item: dict, field: str, where: str, seen: set[str]) -> str:
    value = _text(item, field, 64, where, _ID, "invalid_id", BAD_ID)
    if value in seen:
        # TRANSLATORS: error of an editor's JSON import, max 60 chars
        raise ApiError(422, "duplicate_id", N_("This id appears twice in the list."), field=f"{where}.{field}")
    seen.add(value)
    return value


def services(body: dict) -> list[dict]:
    """Validated service points, in the editor's order."""
    out, seen = [], set()
    for i, item in enumerate(items(body)):
        where = f"items[{i}]"
        level = item.get("level")
        if level not in LEVELS:
            raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."),
                           field=f"{where}.level", options=", ".join(LEVELS))
        out.append({
            "id": _id(item, "id", where, seen),
            "region": _text(item, "region", 6, where, _REGION, "invalid_region",
                            N_("The region code must be six digits.")),
            "level": level,
            "name": _bilingual(item, "name", 120, where),
            "phone": _text(item, "phone", 20, where, _PHONE, "invalid_phone", BAD_PHONE),
            "hours": _bilingual(item, "hours", 200, where),
            "address": _bilingual(item, "address", 200, where),
            "services": _service_kinds(item, where),
        })
    return out


def _service_kinds(item: dict, where: str) -> list[str]:
    """What a point offers: known kinds, each once (none given: an empty list)."""
    value = item.get("services", [])
    if not isinstance(value, list):
        raise ApiError(422, "wrong_type", NOT_A_LIST, field=f"{where}.services")
    for n, kind in enumerate(value):
        if kind not in SERVICE_KINDS:
            raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."),
                           field=f"{where}.services[{n}]", options=", ".join(SERVICE_KINDS))
        if kind in value[:n]:
            raise ApiError(422, "duplicate_id", N_("This id appears twice in the list."),
                           field=f"{where}.services[{n}]")
    return list(value)


def glossary(body: dict) -> list[dict]:
    """Validated glossary terms, in the editor's order."""
    out, seen = [], set()
    for i, item in enumerate(items(body)):
        where = f"items[{i}]"
        out.append({"id": _id(item, "id", where, seen), "term": _bilingual(item, "term", 80, where),
                    "definition": _bilingual(item, "definition", 600, where)})
    return out


def guides(body: dict, glossary_ids: set[str]) -> list[dict]:
    """Validated situation guides; every glossary id they name must exist."""
    out, seen = [], set()
    for i, item in enumerate(items(body)):
        where = f"items[{i}]"
        topic = _id(item, "topic", where, seen)
        steps = item.get("steps")
        if not isinstance(steps, list) or not steps:
            raise ApiError(422, "wrong_type", NOT_A_LIST, field=f"{where}.steps")
        if len(steps) > 10:
            raise ApiError(422, "too_many", N_("Too many entries (at most {max})."), field=f"{where}.steps", max=10)
        checked_steps = [_bilingual_value(step, f"{where}.steps[{n}]", 300) for n, step in enumerate(steps)]
        try:
            terms = validation.string_list(item, "glossary", 30)
        except ApiError as exc:
            raise _where(where, "glossary", exc)
        for term in terms:
            if term not in glossary_ids:
                # TRANSLATORS: error of an editor's guide import, max 80 chars
                raise ApiError(422, "unknown_term", N_("This glossary term does not exist: {id}."),
                               field=f"{where}.glossary", id=term)
        category = item.get("category")
        if category is not None:
            category = _text(item, "category", 64, where, _ID, "invalid_id", BAD_ID)
        out.append({"topic": topic, "title": _bilingual(item, "title", 120, where), "steps": checked_steps,
                     "glossary": terms, "category": category, "documents": _documents(item, where)})
    return out


def _documents(item: dict, where: str) -> list[dict]:
    """What to bring to an appointment about the guide's topic: bilingual names (none given: empty)."""
    value = item.get("documents", [])
    if not isinstance(value, list):
        raise ApiError(422, "wrong_type", NOT_A_LIST, field=f"{where}.documents")
    if len(value) > MAX_DOCUMENTS:
        raise ApiError(422, "too_many", N_("Too many entries (at most {max})."), field=f"{where}.documents",
                       max=MAX_DOCUMENTS)
    return [_bilingual_value(name, f"{where}.documents[{n}]", DOCUMENT_MAX) for n, name in enumerate(value)]
