"""What households watch: boxes send anonymous play events in batches; the server adds them up per
video, day, region and language for the editors' statistics and the households' Popular row."""
from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Adds this feature's routes, the boxes' sending limit and the Popular rankings' cache."""
    from . import api
    from ..storage import STORE
    app[api.PLAY_BATCHES] = api.batch_limit()
    app[api.POPULAR_CACHE] = api.PopularCache(app[STORE])
    app.add_routes(api.routes)


def fill_demo(store, settings) -> None:
    """Adds two weeks of sample plays of the demo videos; adds nothing twice."""
    from . import demo
    demo.fill_demo(store, settings)
