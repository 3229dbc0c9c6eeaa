"""The boxes' catalog: GET /api/v1/catalog, the editors' categories, and publish windows."""
from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Adds this feature's routes to the app."""
    from . import api, categories  # the boxes' catalog, editors' categories
    for part in (api, categories):
        part.setup(app)
