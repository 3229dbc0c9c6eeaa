"""`content-server demo`: a working system for a newcomer, made through the real paths."""
from __future__ import annotations

import logging

from . import calculators, guidance, media, plays, questions, schedule
from .accounts import demo as demo_accounts
from .kernel.config import Settings
from .storage import Store

log = logging.getLogger(__name__)


def fill_demo(settings: Settings) -> None:
    """Each feature adds its sample content; running it twice adds nothing twice. Ends by printing
    one console account per role with its one-time password."""
    settings.root.create()
    store = Store(settings.database_url)
    try:
        for feature in (guidance, calculators, questions, media, schedule, plays):  # schedule and plays need the videos
            feature.fill_demo(store, settings)
        made = demo_accounts.fill_demo(store)
    finally:
        store.close()
    log.info("demo content is ready under %s", settings.root.root)
    print(demo_accounts.accounts_text(made), flush=True)
