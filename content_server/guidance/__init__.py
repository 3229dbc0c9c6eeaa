"""The guidance feature: service points, the legal glossary and step-by-step situation guides.

Households read them (public, cacheable); editors replace a whole set by JSON import.
The sets in data/ are seeded on first start, so a fresh server already helps people.
"""
from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

from ..kernel.config import Settings
from ..storage import STORE, Store
from ..storage import guidance as guidance_sql
from .api import GUIDANCE_BODIES

DATA = Path(__file__).parent / "data"
_REPLACE = {"services": guidance_sql.replace_services, "glossary": guidance_sql.replace_glossary,
            "guides": guidance_sql.replace_guides}


def seed_data(kind: str) -> list[dict]:
    """The bundled set of one kind (services, glossary, guides)."""
    return json.loads((DATA / f"{kind}.json").read_text(encoding="utf-8"))


def documents_to_bring(tx, topic: str) -> dict[str, str]:
    """What to bring to an appointment about `topic`, in both scripts: its guide's documents, as
    editors keep them (a read: `await store.read(documents_to_bring, topic)`)."""
    documents = guidance_sql.guide_documents(tx, topic)
    return {"zh": "、".join(d["zh"] for d in documents), "mn": "᠂ ".join(d["mn"] for d in documents)}


def seed(store) -> None:
    """A unit of work: fills each set that was never filled (editors' later imports are never overwritten)."""
    for kind in guidance_sql.KINDS:  # glossary before guides: guides name glossary ids
        if guidance_sql.set_version(store, kind) is None:
            _REPLACE[kind](store, seed_data(kind), by="seed")
    if guidance_sql.seeded_services_without_kinds(store):  # a seed no editor touched, from before services
        guidance_sql.replace_services(store, seed_data("services"), by="seed")
    if guidance_sql.seeded_guides_without_documents(store):  # a seed no editor touched, from before documents
        guidance_sql.replace_guides(store, seed_data("guides"), by="seed")


def setup(app: web.Application) -> None:
    """Adds this feature's routes and background tasks to the app."""
    from . import api
    app.on_startup.append(_seed)
    app[GUIDANCE_BODIES] = {}
    app.add_routes(api.routes)


async def _seed(app: web.Application) -> None:
    await app[STORE].write(seed)


def fill_demo(store: Store, settings: Settings) -> None:
    """Adds this feature's sample content; adds nothing twice."""
    store.write_blocking(seed)
