"""Households register their set-top box once and get a device token."""
from __future__ import annotations

import functools
import re
import uuid

from aiohttp import web

from .accounts.callers import DEVICE, device_token_hash, requires_device
from .accounts.device_tokens import DEVICE_TOKENS, DeviceTokens
from .kernel import validation
from .kernel.auth import new_token
from .kernel.client import client_address
from .kernel.config import SETTINGS
from .kernel.errors import ApiError
from .kernel.i18n import N_
from .kernel.ratelimit import RateLimit
from .ops import METRICS
from .storage import STORE, accounts, limits

routes = web.RouteTableDef()
REGION_CODE = re.compile(r"^[0-9]{6}$")  # GB/T 2260 administrative division code
SHAPING_PATHS = ("raqm", "sdl2", "none")  # the box's self-check (stb_app/shaping.py); "none": no Mongolian


@routes.post("/api/v1/devices")
async def register_device(request: web.Request) -> web.Response:
    limit: RateLimit = request.app[DEVICE_REGISTRATIONS]
    key = client_address(request)
    wait = await request.app[STORE].write(limits.allow, limit, key)
    if wait:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(429, "rate_limited", N_("Too many requests. Please wait a moment and try again."),
                       headers={"Retry-After": str(wait)})
    body = await validation.read_json(request)
    region = region_of(body)
    language = validation.choice(body, "language", ("zh", "mn"))
    # which text path joins Mongolian on the box; boxes from before the check do not say
    shaping = validation.choice(body, "shaping", SHAPING_PATHS, required=False)
    device_id = str(uuid.uuid4())
    token, token_hash = new_token("dev")
    await request.app[STORE].write(accounts.add_device, device_id, token_hash, region, language, shaping)
    return web.json_response({"device_id": device_id, "token": token}, status=201,
                             headers={"Cache-Control": "no-store"})  # a secret: no cache may keep it


def region_of(body: dict) -> str:
    region = validation.text(body, "region", 12)
    if not REGION_CODE.match(region):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "invalid_region", N_("The region code must be six digits."), field="region")
    return region


@routes.put("/api/v1/devices/region")
@requires_device
async def change_region(request: web.Request) -> web.Response:
    """The household chose another place on its box: its later questions carry the new region."""
    region = region_of(await validation.read_json(request))
    await request.app[STORE].write(accounts.set_device_region, request[DEVICE]["id"], region)
    request.app[DEVICE_TOKENS].forget(device_token_hash(request))
    return web.json_response({"region": region}, headers={"Cache-Control": "no-store"})


DEVICE_REGISTRATIONS = web.AppKey("device_registrations", RateLimit)  # box registrations per client address


def setup(app: web.Application) -> None:
    settings = app[SETTINGS]
    app[DEVICE_REGISTRATIONS] = RateLimit("device_registration", settings.device_registrations_per_minute, 60)
    app[DEVICE_TOKENS] = DeviceTokens(app[STORE])
    app[METRICS].gauge("legaltv_devices_by_shaping",
                       'registered boxes by the text path that joins Mongolian; "none": Mongolian unavailable',
                       functools.partial(_devices_by_shaping, app[STORE]))
    app.add_routes(routes)


async def _devices_by_shaping(store) -> dict:
    counts = await store.read(accounts.devices_by_shaping)
    # every path is listed, a zero too, so an alert on shaping="none" has a series from the start
    return {(("shaping", path),): counts.get(path, 0) for path in (*SHAPING_PATHS, "unknown")}
