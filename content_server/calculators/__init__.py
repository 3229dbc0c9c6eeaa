"""The calculators feature: what a household is owed, and what court costs, worked out the same
way on the box and here (the pure package legaltv_calculators); the published figures they
use are data that editors replace, seeded once on a fresh server."""
from __future__ import annotations

from aiohttp import web

from legaltv_calculators import figures as bundled

from ..kernel.config import Settings
from ..storage import STORE, Store
from ..storage import calculators as calculators_sql


def seed(store) -> None:
    """A unit of work: fills the figures once (an editor's later set is never overwritten)."""
    if not calculators_sql.filled(store):
        calculators_sql.replace_figures(store, [f.as_json() for f in bundled.Figures.seed().all], by="seed")


def setup(app: web.Application) -> None:
    """Adds this feature's routes to the app and seeds its figures at start."""
    from . import api
    app.on_startup.append(_seed)
    app[api.FIGURES_CACHE] = {}
    app.add_routes(api.routes)


async def _seed(app: web.Application) -> None:
    await app[STORE].write(seed)


def fill_demo(store: Store, settings: Settings) -> None:
    store.write_blocking(seed)
