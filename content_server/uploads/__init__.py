"""The uploads feature (tus 1.0.0 at /api/v1/uploads): routes, expiry cleanup, and the
two functions other features use to consume a finished upload."""
from __future__ import annotations

from pathlib import Path

from aiohttp import web

from ..kernel.config import DataRoot, Settings
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import Store
from ..storage import uploads as db
from . import cleanup, routes


def setup(app: web.Application) -> None:
    """Adds the tus routes and the periodic cleanup of expired partial uploads."""
    routes.setup(app)
    cleanup.setup(app)


def fill_demo(store: Store, settings: Settings) -> None:
    """Adds this feature's sample content; adds nothing twice (uploads have none)."""


def finished_upload(store, root: DataRoot, upload_id: str, field: str, owner_id: int | None = None) -> Path:
    """The file of a complete upload. Raises ApiError 422 (field=field, bilingual) if the id is unknown,
    belongs to another editor (when owner_id is given), or the upload is incomplete."""
    row = db.upload(store, upload_id) if isinstance(upload_id, str) and routes.valid_id(upload_id) else None
    if row is None or (owner_id is not None and row["owner_id"] != owner_id):
        # TRANSLATORS: ingest form error under a file field, max 80 chars
        raise ApiError(422, "unknown_upload", N_("This upload was not found. Please upload the file again."),
                       field=field)
    path = root.upload_file(upload_id)
    if row["completed_at"] is None or not path.is_file() or path.stat().st_size != row["length"]:
        # TRANSLATORS: ingest form error under a file field, max 80 chars
        raise ApiError(422, "upload_incomplete", N_("This upload is not finished yet. Please wait for it to complete."),
                       field=field)
    return path


def discard_upload(store, root: DataRoot, upload_id: str) -> None:
    """Removes an upload and its file (after ingest has consumed it)."""
    if not isinstance(upload_id, str) or not routes.valid_id(upload_id):
        return
    routes.remove_upload(store, root, upload_id)
