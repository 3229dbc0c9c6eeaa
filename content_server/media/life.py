"""A video's life after upload, for editors: correct it (PATCH), withdraw and restore it, delete it
(refused while a channel schedules it; purged `deleted_video_days` later), and read its audit log.

Each change is one write unit with its audit entry (storage/video_life.py); the catalog, the guides
and XMLTV follow the catalog document's version, so they change with the same commit.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aiohttp import web

from ..accounts.callers import USER, requires
from ..catalog.publish_window import CHINA, iso, parse_instant
from ..kernel.background import in_background
from ..kernel.child_processes import run_child
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS, Settings
from ..kernel.media_files import generation_prefix
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..kernel.validation import bilingual_text, read_json, text
from ..schedule.document import slots_playing
from ..storage import STORE, Store, media as media_sql, schedule as schedule_sql, video_life
from ..storage.media import VideoStatus
from ..uploads import discard_upload, finished_upload
from . import pictures
from . import room
from .ingest import (LANGUAGES, MAX_SUMMARY, MAX_TITLE, Ingest, discard_refused_source, find_uploads, prepare,
                     publish_instant, source_fields, video_status)
from .jobs import TRANSCODER, work_dir
from .static import picture_name
from .transcode import LANGUAGE_NAMES

log = logging.getLogger(__name__)
GENERATION = re.compile(r"g\d+(\.new)?")  # the folders of later generations inside the first one's
routes = web.RouteTableDef()

MAX_REASON = 500
EDITABLE = ("title", "summary", "category", "publish_from", "publish_until", "poster", "poster_time",
            "audio_languages")
PURGE_INTERVAL_SECONDS = 3600
SUPERSEDED_KEEP_SECONDS = 86400  # a replaced cut's files stay a day for boxes that were playing it
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
            moment = publish_instant(body, name)
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


def _actor(request: web.Request) -> dict:
    user = request[USER]
    return {"id": user["id"], "name": user["name"]}


async def _living(request: web.Request):
    row = await request.app[STORE].read(video_life.living_video, request.match_info["video_id"])
    if row is None:  # never was, or deleted
        raise web.HTTPNotFound()
    return row


async def _answer(request: web.Request, video_id: str, status: int = 200) -> web.Response:
    row = await request.app[STORE].read(media_sql.video, video_id)
    return web.json_response(video_status(row, request.app[SETTINGS].public_url.rstrip("/")), status=status)


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
    if await store.write(video_life.edit_video, row["id"], edit.changes, _actor(request), now) is None:
        raise web.HTTPNotFound()  # deleted meanwhile
    if edit.poster_upload:
        await store.write(discard_upload, settings.root, edit.poster_upload)
    return await _answer(request, row["id"])


async def _reason(request: web.Request) -> dict:
    return bilingual_text(await read_json(request), "reason", MAX_REASON)


@routes.post("/api/v1/videos/{video_id}/withdraw")
@requires("editor")
async def withdraw_video(request: web.Request) -> web.Response:
    row = await _living(request)
    reason = await _reason(request)
    done = await request.app[STORE].write(video_life.withdraw_video, row["id"], reason, _actor(request),
                                          request.app[CLOCK]())
    if done is None:
        raise web.HTTPNotFound()
    if not done:
        # TRANSLATORS: editor API and console error, max 80 chars
        raise ApiError(409, "already_withdrawn", N_("This video is already withdrawn."))
    return await _answer(request, row["id"])


@routes.post("/api/v1/videos/{video_id}/restore")
@requires("editor")
async def restore_video(request: web.Request) -> web.Response:
    row = await _living(request)
    reason = await _reason(request)
    done = await request.app[STORE].write(video_life.restore_video, row["id"], reason, _actor(request),
                                          request.app[CLOCK]())
    if done is None:
        raise web.HTTPNotFound()
    if not done:
        # TRANSLATORS: editor API and console error, max 80 chars
        raise ApiError(409, "not_withdrawn", N_("This video is not withdrawn."))
    return await _answer(request, row["id"])


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
        queued = await store.write(_queue_replacement, row["id"], spec, _actor(request), request.app[CLOCK](),
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
    return await _answer(request, row["id"], status=202)


def delete_unless_scheduled(tx, video_id: str, actor: dict, now: float) -> bool:
    """A write unit: deletes the video unless a channel's schedule names it (409 listing the slots)."""
    today = datetime.fromtimestamp(now, CHINA).date()
    slots = [{"channel": channel["id"], **slot} for channel in schedule_sql.channels(tx)
             for slot in slots_playing(schedule_sql.schedule_of(channel), video_id, today)]
    if slots:
        listed = ", ".join(f"{s['channel']} / {s['slot']}" + (f" {s['date']}" if s["date"] else "") +
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
    if not await request.app[STORE].write(delete_unless_scheduled, row["id"], _actor(request), now):
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
            await remove_superseded_generations(app[STORE], app[SETTINGS], app[CLOCK]())
        except Exception:  # a failed round must not end the purging
            log.exception("purging deleted videos failed")
        await asyncio.sleep(PURGE_INTERVAL_SECONDS)


def setup(app: web.Application) -> None:
    app.add_routes(routes)
    app.cleanup_ctx.append(in_background(_purge_periodically))  # first round at start
