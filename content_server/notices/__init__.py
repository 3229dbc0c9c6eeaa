"""The notices feature: editors tell households of a region something (a banner on the home
screen, or an urgent warning shown once full screen), for a publish window."""
from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Adds this feature's routes and the cache of live notices."""
    from . import api
    from ..storage import STORE
    app[api.NOTICES_CACHE] = api.NoticesCache(app[STORE])
    app.add_routes(api.routes)
