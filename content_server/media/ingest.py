"""POST /api/v1/videos and friends: an editor's finished upload becomes a queued transcode.

Everything is checked before anything is kept: the fields, the uploads, the source (probed
and test-decoded), the subtitles (converted to WebVTT) and the poster image. A refusal leaves
no video, job or work folder behind; an accepted source moves into DataRoot.work/<id>.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from ..accounts.callers import USER, requires
from ..kernel.config import SETTINGS, Settings
from ..kernel.errors import ApiError
from ..kernel.i18n import N_, bilingual
from ..kernel.media_files import generation_prefix
from ..kernel.validation import bilingual_text, instant, read_json, string_list, text
from ..storage import STORE, Store, media as media_sql, video_life
from ..storage.media import VideoStatus
from ..uploads import discard_upload, finished_upload
from ..catalog.publish_window import iso
from . import pictures, room, subtitles
from .jobs import TRANSCODER, work_dir
from .probe import NotAVideo, Source, SourceLimits, probe_source
from .static import picture_name

routes = web.RouteTableDef()

LANGUAGES = ("zh", "mn")
MAX_TITLE = 120
MAX_SUMMARY = 2000


@dataclass
class Ingest:
    """A checked request: the fields to store and the upload files to take."""
    video_id: str
    fields: dict
    audio_languages: list[str] | None
    uploads: dict[str, str] = field(default_factory=dict)   # role ("source", "subs_zh", "poster") → upload id
    paths: dict[str, Path] = field(default_factory=dict)


def check_fields(store, body: dict) -> Ingest:
    """A read unit: validates the request body (no files touched yet)."""
    upload_id = text(body, "upload_id", 64)
    category = text(body, "category", 64)
    if not media_sql.category_exists(store, category):
        # TRANSLATORS: ingest form error under the category field, max 80 chars
        raise ApiError(422, "unknown_category", N_("Please choose one of the existing categories."), field="category")
    fields = {"category": category}
    title = bilingual_text(body, "title", MAX_TITLE)
    summary = bilingual_text(body, "summary", MAX_SUMMARY, required=False)
    fields.update(title_zh=title["zh"], title_mn=title["mn"], summary_zh=summary["zh"], summary_mn=summary["mn"])
    audio, uploads = source_fields(body, upload_id)
    if body.get("poster") is not None:
        uploads["poster"] = text(body, "poster", 64)
    start = instant(body, "publish_from")
    end = instant(body, "publish_until")
    if start and end and end <= start:
        # TRANSLATORS: ingest form error under the publish-until field, max 80 chars
        raise ApiError(422, "invalid_window", N_("The end of publication must come after its start."),
                       field="publish_until")
    fields.update(publish_from=start and start.isoformat(timespec="seconds"),
                  publish_until=end and end.isoformat(timespec="seconds"))
    return Ingest(uuid.uuid4().hex, fields, audio, uploads)


def source_fields(body: dict, upload_id: str) -> tuple[list[str] | None, dict[str, str]]:
    """(audio languages or None, uploads by role) of a body naming a source: its sound languages
    in track order (none given: the tracks' language tags decide) and subtitle uploads."""
    audio = None
    if body.get("audio_languages") not in (None, []):  # none given: follow the tracks' language tags
        audio = string_list(body, "audio_languages", len(LANGUAGES))
        if not audio or len(set(audio)) != len(audio) or not set(audio) <= set(LANGUAGES):
            # TRANSLATORS: ingest form error under the sound languages field, max 80 chars
            raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."),
                           field="audio_languages", options="zh, mn")
    uploads = {"source": upload_id}
    subs = body.get("subtitles") or {}
    if not isinstance(subs, dict) or not set(subs) <= set(LANGUAGES) or \
            not all(isinstance(v, str) and v for v in subs.values()):
        # TRANSLATORS: ingest form error under the subtitles field, max 80 chars
        raise ApiError(422, "wrong_type", N_("Subtitles are given per language: zh and mn."), field="subtitles")
    uploads.update({f"subs_{lang}": value for lang, value in subs.items()})
    return audio, uploads


def find_uploads(store, settings: Settings, ingest: Ingest, owner_id: int | None) -> None:
    """A read unit: resolves every upload id to its finished file (422 naming the field otherwise)."""
    for role, upload_id in ingest.uploads.items():
        field_name = {"source": "upload_id", "poster": "poster"}.get(role, role.replace("subs_", "subtitles."))
        ingest.paths[role] = finished_upload(store, settings.root, upload_id, field_name, owner_id)


def prepare(settings: Settings, ingest: Ingest) -> dict:
    """Probes and test-decodes the source, converts subtitles, checks the poster, and fills
    DataRoot.work/<id>; returns the transcode spec. Thread-safe (no store). On refusal,
    raises ApiError and leaves nothing behind."""
    try:
        info = probe_source(ingest.paths["source"], SourceLimits.of(settings))
    except NotAVideo as exc:
        raise ApiError(422, "not_a_video", exc.args[0], field="upload_id", **exc.params)
    audio = map_audio(info, ingest.audio_languages)
    final = work_dir(settings.root, ingest.video_id)
    staging = final.with_name(final.name + ".new")
    staging.mkdir(parents=True)
    try:
        sub_langs = []
        for lang in LANGUAGES:
            if f"subs_{lang}" in ingest.paths:
                try:
                    subtitles.to_webvtt(ingest.paths[f"subs_{lang}"], staging / f"subs_{lang}.vtt")
                except subtitles.UnknownEncoding:
                    raise ApiError(422, "bad_subtitles", subtitles.UnknownEncoding.msgid, field=f"subtitles.{lang}")
                except subtitles.BadSubtitles:
                    # TRANSLATORS: ingest form error under the subtitles field, max 100 chars
                    raise ApiError(422, "bad_subtitles", N_("This subtitle file is not an SRT, WebVTT or ASS file."),
                                   field=f"subtitles.{lang}")
                sub_langs.append(lang)
        embedded = [{"lang": s["language"], "stream": s["stream"]} for s in info.subtitles
                    if s["language"] and s["language"] not in sub_langs]
        embedded = list({s["lang"]: s for s in reversed(embedded)}.values())[::-1]  # first stream per language
        if "poster" in ingest.paths:
            try:
                pictures.check_image(ingest.paths["poster"])
            except pictures.BadImage as exc:
                raise ApiError(422, "bad_image", exc.args[0], field="poster")
            shutil.copyfile(ingest.paths["poster"], staging / "poster")
        _take(ingest.paths["source"], staging / "source")
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {"probe": info.to_dict(), "audio": audio, "subtitles": sub_langs,
            "embedded_subtitles": embedded, "poster": "poster" in ingest.paths}


def map_audio(info: Source, requested: list[str] | None) -> list[dict]:
    """Which source audio stream becomes which language: by language tag first, then by order."""
    if requested is None:
        tagged = [a["language"] for a in info.audio if a["language"]]
        requested = [lang for lang in LANGUAGES if lang in tagged]
        untagged = sum(1 for a in info.audio if not a["language"])
        requested += [lang for lang in LANGUAGES if lang not in requested][:untagged]
    free = list(info.audio)
    chosen = {}
    for lang in requested:
        match = next((a for a in free if a["language"] == lang), None)
        if match:
            chosen[lang] = match
            free.remove(match)
    for lang in requested:
        if lang not in chosen:
            match = next((a for a in free if a["language"] is None), None) or (free[0] if free else None)
            if match is None:
                # TRANSLATORS: ingest form error under the sound languages field, max 100 chars
                raise ApiError(422, "missing_audio", N_("The video has fewer sound tracks than the languages given."),
                               field="audio_languages")
            chosen[lang] = match
            free.remove(match)
    return [{"lang": lang, "stream": chosen[lang]["stream"]} for lang in requested]


def _take(upload: Path, target: Path) -> None:
    """Hard-links the upload into the work folder (same disk: no copy of a multi-GB file)."""
    try:
        os.link(upload, target)
    except OSError:
        shutil.copyfile(upload, target)


def commit(store, settings: Settings, ingest: Ingest, spec: dict, owner_id: int | None) -> None:
    """A write unit: stores the video with its queued job and lets go of the uploads."""
    try:
        media_sql.add_video_with_job(store, {
            "id": ingest.video_id, **ingest.fields, "owner_id": owner_id,
            "audio_languages": [a["lang"] for a in spec["audio"]],
            "subtitle_languages": spec["subtitles"] + [s["lang"] for s in spec["embedded_subtitles"]],
            "duration": spec["probe"]["duration"], "source": spec})
    except BaseException:
        shutil.rmtree(work_dir(settings.root, ingest.video_id), ignore_errors=True)
        raise
    for upload_id in ingest.uploads.values():
        discard_upload(store, settings.root, upload_id)


def discard_refused_source(store, settings: Settings, ingest: Ingest, exc: ApiError) -> None:
    """A write unit."""
    if exc.code == "not_a_video":  # useless to keep; a field error keeps it for the next try
        discard_upload(store, settings.root, ingest.uploads["source"])


def create_video(store: Store, settings: Settings, fields: dict, owner_id: int | None) -> str:
    """Checks and queues a video exactly like POST /api/v1/videos; returns its id (raises ApiError).
    Blocking: for code outside the event loop (the demo, benchmarks)."""
    ingest = store.read_blocking(check_fields, fields)
    store.read_blocking(find_uploads, settings, ingest, owner_id)
    try:
        spec = prepare(settings, ingest)
    except ApiError as exc:
        store.write_blocking(discard_refused_source, settings, ingest, exc)
        raise
    store.write_blocking(commit, settings, ingest, spec, owner_id)
    return ingest.video_id


def video_status(row, base_url: str = "") -> dict:
    """The editor's view of a video: status, progress, error, and its catalog fields."""
    base = f"{base_url}/media/renditions/{row['id']}/{generation_prefix(row['renditions_version'])}".rstrip("/")
    posters = f"{base_url}/media/posters/{row['id']}"
    ready = row["status"] == VideoStatus.READY
    return {
        "id": row["id"], "status": row["status"], "progress": round(row["progress"], 3),
        "error": bilingual(row["error"]) if row["error"] else None,
        "category": row["category"],
        "title": {"zh": row["title_zh"], "mn": row["title_mn"]},
        "summary": {"zh": row["summary_zh"], "mn": row["summary_mn"]},
        "duration": round(row["duration"] or 0, 2),
        "audio": json.loads(row["audio_languages"]),
        "subtitles": [{"lang": lang, "url": f"{base}/subs_{lang}/index.m3u8" if ready else None}
                      for lang in json.loads(row["subtitle_languages"])],
        "hls": f"{base}/master.m3u8" if ready else None,
        "poster": f"{posters}/{picture_name('poster', row['pictures_version'])}" if ready else None,
        "thumb": f"{posters}/{picture_name('thumb', row['pictures_version'])}" if ready else None,
        "ladder": json.loads(row["ladder"]),
        "publish_from": row["publish_from"], "publish_until": row["publish_until"],
        "withdrawn_at": iso(row["withdrawn_at"]) if row["withdrawn_at"] is not None else None,
        "replacing": ready and row["job_state"] is not None,  # a new cut is being made; this one plays on
    }


@routes.post("/api/v1/videos")
@requires("editor")
async def post_video(request: web.Request) -> web.Response:
    store, settings = request.app[STORE], request.app[SETTINGS]
    owner_id = request[USER]["id"]
    ingest = await store.read(check_fields, await read_json(request))
    await store.read(find_uploads, settings, ingest, owner_id)
    try:
        spec = await asyncio.to_thread(prepare, settings, ingest)
    except ApiError as exc:
        await store.write(discard_refused_source, settings, ingest, exc)
        raise
    await asyncio.to_thread(room.ensure_room, settings, ingest.video_id, spec,  # 507 before a job that cannot finish
                            await store.read(media_sql.unfinished_transcodes))
    await store.write(commit, settings, ingest, spec, owner_id)
    request.app[TRANSCODER].poke()
    return web.json_response({"id": ingest.video_id, "status": VideoStatus.PROCESSING}, status=202)


async def _status(request: web.Request, video_id: str) -> dict:
    row = await request.app[STORE].read(media_sql.video, video_id)
    return video_status(row, request.app[SETTINGS].public_url.rstrip("/"))


async def video_answer(request: web.Request, video_id: str, status: int = 200) -> web.Response:
    """The editor's view of the video (`video_status`) as the answer to a request."""
    return web.json_response(await _status(request, video_id), status=status)


async def _video_or_404(request: web.Request):
    row = await request.app[STORE].read(video_life.living_video, request.match_info["video_id"])
    if row is None:  # never was, or deleted
        raise web.HTTPNotFound()
    return row


@routes.get("/api/v1/videos/{video_id}")
@requires("editor")
async def get_video(request: web.Request) -> web.Response:
    return web.json_response(await _status(request, (await _video_or_404(request))["id"]))


@routes.post("/api/v1/videos/{video_id}/cancel")
@requires("editor")
async def cancel_video(request: web.Request) -> web.Response:
    row = await _video_or_404(request)
    if not await request.app[STORE].write(media_sql.cancel_job, row["id"]):
        # TRANSLATORS: error when an editor cancels a video that is not converting, max 80 chars
        raise ApiError(409, "not_processing", N_("This video is not being converted."))
    request.app[TRANSCODER].cancel(row["id"])
    return web.json_response(await _status(request, row["id"]))


@routes.post("/api/v1/videos/{video_id}/retry")
@requires("editor")
async def retry_video(request: web.Request) -> web.Response:
    row = await _video_or_404(request)
    store, root = request.app[STORE], request.app[SETTINGS].root
    if not await asyncio.to_thread((work_dir(root, row["id"]) / "source").is_file):
        # TRANSLATORS: error when an editor retries a video whose file is gone, max 80 chars
        raise ApiError(409, "source_gone", N_("The original file is gone. Please upload it again."))
    if not await store.write(media_sql.retry_job, row["id"]):
        # TRANSLATORS: error when an editor retries a video that did not fail, max 80 chars
        raise ApiError(409, "not_retryable", N_("Only failed or cancelled videos can be converted again."))
    request.app[TRANSCODER].poke()
    return web.json_response(await _status(request, row["id"]), status=202)


def setup(app: web.Application) -> None:
    app.add_routes(routes)
