"""A video's rendition generations: a replacement (a new cut, transcoded beside the one on the air)
or relabelled sound tracks make the next one under `g<N>/`, swapped in by one commit; the older ones
stay SUPERSEDED_KEEP_SECONDS for boxes still playing them, then their files go.

New names for new content: what a box plays or a cache holds under an address never changes.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil

from aiohttp import web

from ..accounts.callers import USER, actor_of, requires
from ..kernel.background import in_background
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS, Settings
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..kernel.media_files import generation_prefix
from ..kernel.validation import read_json, text
from ..storage import STORE, Store, media as media_sql, video_life
from ..storage.media import VideoStatus
from ..uploads import discard_upload
from . import room
from .ingest import Ingest, discard_refused_source, find_uploads, prepare, source_fields, video_answer
from .jobs import TRANSCODER, work_dir
from .transcode import LANGUAGE_NAMES

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

GENERATION = re.compile(r"g\d+(\.new)?")  # the folders of later generations inside the first one's
SUPERSEDED_KEEP_SECONDS = 86400  # a replaced cut's files stay a day for boxes that were playing it
TIDY_INTERVAL_SECONDS = 3600


def relabel_audio(settings: Settings, row, labels: list[str], version: int) -> None:
    """Makes generation `version` from the current one with the sound tracks labelled `labels`:
    the same files, hard-linked, under the folder names and master playlist entries of their new
    languages (a new generation: what boxes and caches hold under the old names is never changed).
    Blocking: run it in a worker thread."""
    mapping = dict(zip(json.loads(row["audio_languages"]), labels))
    renamed = {f"{kind}_{old}": f"{kind}_{new}" for old, new in mapping.items() for kind in ("audio", "audio_only")}
    source = settings.root.rendition_dir(row["id"]) / generation_prefix(row["renditions_version"])
    target = settings.root.rendition_dir(row["id"]) / generation_prefix(version)
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for entry in source.iterdir():
            if entry.is_dir() and not GENERATION.fullmatch(entry.name):
                shutil.copytree(entry, staging / renamed.get(entry.name, entry.name), copy_function=os.link)
        master = (source / "master.m3u8").read_text(encoding="utf-8").splitlines()
        (staging / "master.m3u8").write_text("\n".join(_relabelled(line, mapping) for line in master) + "\n",
                                             encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _relabelled(line: str, mapping: dict[str, str]) -> str:
    """A master playlist line with a sound track's language, name and folder changed per `mapping`."""
    if line.startswith("#EXT-X-MEDIA:TYPE=AUDIO"):
        old = re.search(r'LANGUAGE="([^"]+)"', line).group(1)
        new = mapping.get(old, old)
        line = line.replace(f'LANGUAGE="{old}"', f'LANGUAGE="{new}"')
        line = line.replace(f'NAME="{LANGUAGE_NAMES[old]}"', f'NAME="{LANGUAGE_NAMES[new]}"')
        return re.sub(rf'URI="(audio|audio_only)_{old}/', rf'URI="\1_{new}/', line)
    match = re.fullmatch(r"audio_only_([a-z]+)/index\.m3u8", line)
    return f"audio_only_{mapping.get(match.group(1), match.group(1))}/index.m3u8" if match else line


def _queue_replacement(tx, video_id: str, spec: dict, actor: dict, now: float, before: dict) -> bool:
    """A write unit: queues the new cut's transcode and audits who asked for it."""
    if not media_sql.queue_replacement(tx, video_id, spec):
        return False
    video_life.record_replacement(tx, video_id, actor, now, before,
                                  {"renditions_version": before["renditions_version"] + 1,
                                   "duration": round(spec["probe"]["duration"], 2)})
    return True


@routes.post("/api/v1/videos/{video_id}/replace")
@requires("editor")
async def replace_video(request: web.Request) -> web.Response:
    """A new cut of a ready video: checked like an upload, transcoded beside the current one while
    that one plays on, then swapped in by one commit; id, schedule and households' places are kept."""
    store, settings = request.app[STORE], request.app[SETTINGS]
    row = await store.read(media_sql.video, request.match_info["video_id"])
    if row is None or row["deleted_at"] is not None:
        raise web.HTTPNotFound()
    body = await read_json(request)
    if row["status"] != VideoStatus.READY or row["job_state"] is not None:
        # TRANSLATORS: editor API and console error, max 100 chars
        raise ApiError(409, "not_replaceable", N_("Only a ready video that is not being converted can be replaced."))
    audio, uploads = source_fields(body, text(body, "upload_id", 64))
    ingest = Ingest(row["id"], {}, audio, uploads)
    owner_id = request[USER]["id"]
    await store.read(find_uploads, settings, ingest, owner_id)
    await asyncio.to_thread(shutil.rmtree, work_dir(settings.root, row["id"]), True)  # an earlier job's leftovers
    try:
        spec = await asyncio.to_thread(prepare, settings, ingest)
    except ApiError as exc:
        await store.write(discard_refused_source, settings, ingest, exc)
        raise
    try:
        await asyncio.to_thread(room.ensure_room, settings, row["id"], spec,
                                await store.read(media_sql.unfinished_transcodes))
        before = {"renditions_version": row["renditions_version"], "duration": round(row["duration"] or 0, 2)}
        queued = await store.write(_queue_replacement, row["id"], spec, actor_of(request), request.app[CLOCK](),
                                   before)
    except BaseException:
        await asyncio.to_thread(shutil.rmtree, work_dir(settings.root, row["id"]), True)
        raise
    if not queued:  # another editor's replacement or a deletion came first
        await asyncio.to_thread(shutil.rmtree, work_dir(settings.root, row["id"]), True)
        raise ApiError(409, "not_replaceable", N_("Only a ready video that is not being converted can be replaced."))
    for upload_id in ingest.uploads.values():
        await store.write(discard_upload, settings.root, upload_id)
    request.app[TRANSCODER].poke()
    return await video_answer(request, row["id"], status=202)


async def remove_superseded_generations(store: Store, settings: Settings, now: float) -> int:
    """Removes the files of generations replaced more than SUPERSEDED_KEEP_SECONDS ago (a box that
    began the old cut has finished it by then); returns how many videos were tidied."""
    tidied = 0
    for row in await store.read(video_life.superseded_before, now - SUPERSEDED_KEEP_SECONDS):
        await asyncio.to_thread(_remove_older_generations, settings, row["id"], row["renditions_version"])
        await store.write(video_life.forget_superseded, row["id"], row["renditions_version"])
        tidied += 1
    return tidied


def _remove_older_generations(settings: Settings, video_id: str, current: int) -> None:
    """Everything but generation `current` in the rendition folder; the older tile sheets in the
    poster folder (posters and thumbs stay: they are small and boxes may hold their addresses)."""
    keep = generation_prefix(current).rstrip("/")
    renditions, posters = settings.root.rendition_dir(video_id), settings.root.poster_dir(video_id)
    for folder, old in ((renditions, lambda entry: True),
                        (posters, lambda entry: entry.is_dir() or entry.name.startswith("tiles"))):
        for entry in (folder.iterdir() if folder.is_dir() else ()):
            if entry.name == keep or not old(entry):
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


async def _tidy_periodically(app: web.Application) -> None:
    while True:
        try:
            await remove_superseded_generations(app[STORE], app[SETTINGS], app[CLOCK]())
        except Exception:  # a failed round must not end the tidying
            log.exception("removing superseded renditions failed")
        await asyncio.sleep(TIDY_INTERVAL_SECONDS)


def setup(app: web.Application) -> None:
    app.add_routes(routes)
    app.cleanup_ctx.append(in_background(_tidy_periodically))  # first round at start
