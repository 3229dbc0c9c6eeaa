"""The media feature: its routes, and its part of the demo content."""
from __future__ import annotations

from aiohttp import web

from ..kernel.config import Settings
from ..storage import Store


def setup(app: web.Application) -> None:
    """Adds this feature's routes and background tasks to the app."""
    from . import static  # media files
    static.setup(app)
    from . import generations, ingest, jobs, life  # uploads become queued transcodes; workers; edits after
    for part in (ingest, jobs, life, generations):
        part.setup(app)


def fill_demo(store: Store, settings: Settings) -> None:
    """Adds this feature's sample content; adds nothing twice."""
    from . import demo  # sample case videos through the editor's ingest path
    demo.fill_demo(store, settings)
