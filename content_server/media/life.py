"""A video's life after upload, for editors: correct it (PATCH), withdraw and restore it, delete it
(refused while a channel schedules it; purged `deleted_video_days` later), and read its audit log.
Replacing it with a new cut and relabelling its sound tracks make a new generation (generations.py).

Each change is one write unit with its audit entry (storage/video_life.py); the catalog, the guides
and XMLTV follow the catalog document's version, so they change with the same commit.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aiohttp import web

from ..accounts.callers import USER, actor_of, requires
from ..catalog.publish_window import CHINA, iso, parse_instant
from ..kernel.background import in_background
from ..kernel.child_processes import run_child
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS, Settings
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..kernel.media_files import generation_prefix
from ..kernel.validation import bilingual_text, instant, read_json, text
from ..schedule.document import slots_playing
from ..storage import STORE, Store, media as media_sql, schedule as schedule_sql, video_life
from ..storage.media import VideoStatus
from ..uploads import discard_upload, finished_upload
from . import pictures
from .generations import relabel_audio
from .ingest import LANGUAGES, MAX_SUMMARY, MAX_TITLE, video_answer
from .jobs import TRANSCODER, work_dir
from .static import picture_name

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_REASON = 500
EDITABLE = ("title", "summary", "category", "publish_from", "publish_until", "poster", "poster_time",
            "audio_languages")
PURGE_INTERVAL_SECONDS = 3600
FRAME_TIMEOUT_SECONDS = 60


@dataclass
class Edit:
    """A checked PATCH: column changes, and where a new poster comes from (an upload or a time)."""
    changes: dict = field(default_factory=dict)
    poster_upload: str | None = None
    poster_time: float | None = None
    audio_languages: list[str] | None = None  # new labels of the sound tracks, in track order


def check_edit(tx, row, body) -> Edit:
    """A read unit: validates a PATCH body against the video's row; nothing is changed."""
    if not isinstance(body, dict) or not body:
        # TRANSLATORS: editor API and console error when an edit changes nothing, max 80 chars
        raise ApiError(422, "nothing_to_change", N_("Please change at least one field."))
    unknown = sorted(set(body) - set(EDITABLE))
    if unknown:
        # TRANSLATORS: editor API error; {options} lists the field names, max 120 chars
        raise ApiError(422, "unknown_field", N_("This field cannot be changed. You may change: {options}."),
                       field=unknown[0][:64], options=", ".join(EDITABLE))
    edit = Edit()
    changes = edit.changes
    if "title" in body:
        title = bilingual_text(body, "title", MAX_TITLE)
        changes.update(title_zh=title["zh"], title_mn=title["mn"])
    if "summary" in body:
        summary = bilingual_text(body, "summary", MAX_SUMMARY, required=False)
        changes.update(summary_zh=summary["zh"], summary_mn=summary["mn"])
    if "category" in body:
        category = text(body, "category", 64)
        if not media_sql.category_exists(tx, category):
            raise ApiError(422, "unknown_category", N_("Please choose one of the existing categories."),
                           field="category")
        changes["category"] = category
    for name in ("publish_from", "publish_until"):
        if name in body:
            moment = instant(body, name)
            changes[name] = moment and moment.isoformat(timespec="seconds")
    start = changes.get("publish_from", row["publish_from"])
    end = changes.get("publish_until", row["publish_until"])
    if start and end and parse_instant(end) <= parse_instant(start):
        # TRANSLATORS: ingest form error under the publish-until field, max 80 chars
        raise ApiError(422, "invalid_window", N_("The end of publication must come after its start."),
                       field="publish_until" if "publish_until" in body else "publish_from")
    if "poster" in body and "poster_time" in body:
        # TRANSLATORS: editor API and console error under the poster time field, max 100 chars
        raise ApiError(422, "one_poster", N_("Please give either a picture or a time in the video, not both."),
                       field="poster_time")
    if "poster" in body:
        edit.poster_upload = text(body, "poster", 64)
    if "poster_time" in body:
        at = body["poster_time"]
        duration = row["duration"] or 0
        if isinstance(at, bool) or not isinstance(at, (int, float)) or not 0 <= at < duration:
            # TRANSLATORS: editor API and console error under the poster time field, max 100 chars
            raise ApiError(422, "out_of_range", N_("Please give a time in seconds between 0 and {high}."),
                           field="poster_time", high=max(0, int(duration) - 1))
        edit.poster_time = float(at)
    if (edit.poster_upload or edit.poster_time is not None) and row["status"] != VideoStatus.READY:
        # TRANSLATORS: editor API and console error under the poster field, max 100 chars
        raise ApiError(409, "not_ready", N_("A poster can be chosen once the video is ready."),
                       field="poster" if edit.poster_upload else "poster_time")
    if "audio_languages" in body:
        current, labels = json.loads(row["audio_languages"]), body["audio_languages"]
        if not isinstance(labels, list) or len(labels) != len(current) or len(set(map(str, labels))) != len(labels) \
                or not all(isinstance(label, str) and label in LANGUAGES for label in labels):
            # TRANSLATORS: editor API and console error under the sound languages field, max 120 chars
            raise ApiError(422, "invalid_labels", N_("Give one language (zh or mn) for each of the {tracks} sound "
                                                     "tracks, in their order."), field="audio_languages",
                           tracks=len(current))
        if labels != current:
            if row["status"] != VideoStatus.READY or row["job_state"] is not None:
                # TRANSLATORS: editor API and console error under the sound languages field, max 100 chars
                raise ApiError(409, "not_ready", N_("Sound languages can be corrected once the video is ready."),
                               field="audio_languages")
            edit.audio_languages = labels
    return edit


def make_poster(settings: Settings, row, picture: Path | None, at: float | None, version: int) -> None:
    """Writes poster-<version>.jpg and thumb-<version>.jpg from an editor's picture or from the
    frame at `at` seconds of the video's best rung. Blocking: run it in a worker thread."""
    folder = settings.root.poster_dir(row["id"])
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=f".{row['id']}-") as scratch:
        scratch = Path(scratch)
        if picture is not None:
            try:
                pictures.check_image(picture)
            except pictures.BadImage as exc:
                raise ApiError(422, "bad_image", exc.args[0], field="poster")
            source = picture
        else:
            source = scratch / "frame.jpg"
            _grab_frame(settings, row, at, source)
        pictures.make_posters(source, scratch / "out", editor_supplied=picture is not None)
        for kind in ("poster", "thumb"):
            os.replace(scratch / "out" / f"{kind}.jpg", folder / picture_name(kind, version))


def _grab_frame(settings: Settings, row, at: float, target: Path) -> None:
    rungs = [r for r in json.loads(row["ladder"]) if r.get("height")]
    best = max(rungs, key=lambda r: r["height"], default=None)
    folder = settings.root.rendition_dir(row["id"]) / generation_prefix(row["renditions_version"])
    playlist = folder / best["name"] / "index.m3u8" if best else None
    done = None
    if playlist is not None and playlist.is_file():
        done = run_child(["ffmpeg", "-v", "error", "-nostdin", "-ss", f"{at:.3f}", "-i", str(playlist),
                          "-frames:v", "1", "-q:v", "2", "-y", str(target)], FRAME_TIMEOUT_SECONDS)
    if done is None or done.returncode != 0 or not target.is_file():
        # TRANSLATORS: editor API and console error under the poster time field, max 100 chars
        raise ApiError(422, "no_frame", N_("No picture could be taken at this time. Please try another time."),
                       field="poster_time")


async def _living(request: web.Request):
    row = await request.app[STORE].read(video_life.living_video, request.match_info["video_id"])
    if row is None:  # never was, or deleted
        raise web.HTTPNotFound()
    return row


@routes.patch("/api/v1/videos/{video_id}")
@requires("editor")
async def patch_video(request: web.Request) -> web.Response:
    store, settings = request.app[STORE], request.app[SETTINGS]
    row = await _living(request)
    edit = await store.read(check_edit, row, await read_json(request))
    now = request.app[CLOCK]()
    if edit.poster_upload or edit.poster_time is not None:
        picture = None
        if edit.poster_upload:
            picture = await store.read(finished_upload, settings.root, edit.poster_upload, "poster",
                                       request[USER]["id"])
        version = max(int(now * 1000), row["pictures_version"] + 1)  # a new name: the old one is cached
        await asyncio.to_thread(make_poster, settings, row, picture, edit.poster_time, version)
        edit.changes["pictures_version"] = version
    if edit.audio_languages:
        version = row["renditions_version"] + 1
        await asyncio.to_thread(relabel_audio, settings, row, edit.audio_languages, version)
        edit.changes.update(audio_languages=json.dumps(edit.audio_languages), renditions_version=version,
                            replaced_at=now)
    if await store.write(video_life.edit_video, row["id"], edit.changes, actor_of(request), now) is None:
        raise web.HTTPNotFound()  # deleted meanwhile
    if edit.poster_upload:
        await store.write(discard_upload, settings.root, edit.poster_upload)
    return await video_answer(request, row["id"])


async def _reason(request: web.Request) -> dict:
    return bilingual_text(await read_json(request), "reason", MAX_REASON)


@routes.post("/api/v1/videos/{video_id}/withdraw")
@requires("editor")
async def withdraw_video(request: web.Request) -> web.Response:
    row = await _living(request)
    reason = await _reason(request)
    done = await request.app[STORE].write(video_life.withdraw_video, row["id"], reason, actor_of(request),
                                          request.app[CLOCK]())
    if done is None:
        raise web.HTTPNotFound()
    if not done:
        # TRANSLATORS: editor API and console error, max 80 chars
        raise ApiError(409, "already_withdrawn", N_("This video is already withdrawn."))
    return await video_answer(request, row["id"])


@routes.post("/api/v1/videos/{video_id}/restore")
@requires("editor")
async def restore_video(request: web.Request) -> web.Response:
    row = await _living(request)
    reason = await _reason(request)
    done = await request.app[STORE].write(video_life.restore_video, row["id"], reason, actor_of(request),
                                          request.app[CLOCK]())
    if done is None:
        raise web.HTTPNotFound()
    if not done:
        # TRANSLATORS: editor API and console error, max 80 chars
        raise ApiError(409, "not_withdrawn", N_("This video is not withdrawn."))
    return await video_answer(request, row["id"])


def delete_unless_scheduled(tx, video_id: str, actor: dict, now: float) -> bool:
    """A write unit: deletes the video unless a channel's schedule names it (409 listing the slots)."""
    today = datetime.fromtimestamp(now, CHINA).date()
    slots = [{"channel": channel["id"], **slot} for channel in schedule_sql.channels(tx)
             for slot in slots_playing(schedule_sql.schedule_of(channel), video_id, today)]
    if slots:
        listed = ", ".join(f"{s['channel']} / {s['slot'] or s['playlist']}" + (f" {s['date']}" if s["date"] else "") +
                           (f" {s['start']}–{s['end']}" if s["start"] else "") for s in slots[:10])
        # TRANSLATORS: editor API and console error; {slots} lists channel / slot and times, max 160 chars
        raise ApiError(409, "still_scheduled", N_("This video is still in the schedule: {slots}. "
                                                  "Please take it out of these slots first."),
                       slots=listed, details={"slots": slots})
    return video_life.delete_video(tx, video_id, actor, now)


@routes.delete("/api/v1/videos/{video_id}")
@requires("editor")
async def delete_video(request: web.Request) -> web.Response:
    row = await _living(request)
    now = request.app[CLOCK]()
    if not await request.app[STORE].write(delete_unless_scheduled, row["id"], actor_of(request), now):
        raise web.HTTPNotFound()
    if TRANSCODER in request.app:
        request.app[TRANSCODER].cancel(row["id"])  # its job is gone: stop its ffmpeg now
    purge_at = now + request.app[SETTINGS].deleted_video_days * 86400
    return web.json_response({"id": row["id"], "deleted_at": iso(now), "purge_after": iso(purge_at)})


@routes.get("/api/v1/videos/{video_id}/audit")
@requires("editor")
async def video_audit(request: web.Request) -> web.Response:
    entries = await request.app[STORE].read(video_life.audit_log, request.match_info["video_id"])
    if not entries:
        await _living(request)  # 404 for a video that never was
    return web.json_response([
        {"at": iso(e["at"]), "who": e["actor_name"], "change": e["change"], "before": json.loads(e["before"]),
         "after": json.loads(e["after"]),
         "reason": {"zh": e["reason_zh"], "mn": e["reason_mn"]} if e["reason_zh"] or e["reason_mn"] else None}
        for e in entries])


async def purge_deleted_videos(store: Store, settings: Settings, now: float) -> int:
    """Removes the files and rows of videos deleted more than `deleted_video_days` ago; returns how many."""
    purged = 0
    for video_id in await store.read(video_life.deleted_before, now - settings.deleted_video_days * 86400):
        await asyncio.to_thread(_remove_files, settings, video_id)
        purged += await store.write(video_life.purge_video, video_id, now)
    return purged


def _remove_files(settings: Settings, video_id: str) -> None:
    root = settings.root
    for folder in (root.rendition_dir(video_id), root.poster_dir(video_id), work_dir(root, video_id)):
        shutil.rmtree(folder, ignore_errors=True)


async def _purge_periodically(app: web.Application) -> None:
    while True:
        try:
            await purge_deleted_videos(app[STORE], app[SETTINGS], app[CLOCK]())
        except Exception:  # a failed round must not end the purging
            log.exception("purging deleted videos failed")
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)


def setup(app: web.Application) -> None:
    app.add_routes(routes)
    app.cleanup_ctx.append(in_background(_purge_periodically))  # first round at start
