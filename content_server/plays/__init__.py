"""What households watch: boxes send anonymous play events in batches; the server adds them up per
video, day, region and language for the editors' statistics and the households' Popular row."""
from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Adds this feature's routes, the boxes' sending limit and the Popular rankings' cache."""
    from . import api
    from ..kernel.ratelimit import RateLimit
    from ..storage import STORE
    app[api.PLAY_BATCHES] = RateLimit("box_play_batches", 1, api.BATCH_SPACING_SECONDS)
    app[api.POPULAR_CACHE] = api.PopularCache(app[STORE])
    app.add_routes(api.routes)
