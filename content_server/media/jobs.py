"""The persistent transcode queue: turning a claimed job into ready renditions.

Jobs live in the database (`transcode_jobs`), so they survive restarts. A worker (media/worker.py:
inside `serve`, or `content-server worker` on another machine) claims a job with a lease and keeps
it by a heartbeat; a worker that dies (even by kill -9) stops renewing, and once the lease lapses
any worker redoes the job from scratch in its own attempt folder
(work/<id>/attempt-<host>-<pid>-<attempt>-…), the earlier attempts' folders removed first.
ffmpeg dies with its worker (child_processes), so no earlier ffmpeg writes beside the new one.

Publishing, in this order (a crash at any point leaves the job either unpublished and redone, or
published once):
1. everything is made inside the attempt folder, which no other worker or claim writes;
2. the lease is renewed, which also confirms this claim still holds the job (not cancelled,
   not taken over): otherwise the outputs are dropped;
3. pictures and renditions are renamed into place (the video is still `processing`, so nothing
   serves or lists them; a later claim replaces them whole);
4. one write unit marks the video ready and deletes the job, only if this claim still holds it:
   a video turns ready once, and only after its files are complete in place.
Store access awaits the store's boundary; ffmpeg runs as a subprocess and Pillow in a thread.
"""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

from aiohttp import web

from ..kernel.config import SETTINGS, DataRoot, Settings
from ..kernel.i18n import N_
from ..kernel.media_files import generation_prefix
from ..ops import METRICS
from ..storage import STORE, Store, media as media_sql
from ..storage.media import JobState, VideoStatus
from . import pictures, subtitles
from .ladder import PRESET, ladder_for
from .probe import Source, SourceLimits
from .static import picture_name
from .transcode import (TILE_SECONDS, Plan, TranscodeFailed, check_decoded_length, ffmpeg_command, read_playlist,
                        run_ffmpeg, segment_info, write_master)

log = logging.getLogger(__name__)

TRANSCODE_SHARE = 0.95  # of the progress bar; pictures and playlists take the rest
# TRANSLATORS: status of a video in the editor's list, max 120 chars
FAILED = N_("The video could not be converted. Please check the file and try again.")


def work_dir(root: DataRoot, video_id: str) -> Path:
    """Where a video's source, converted subtitles and half-made outputs wait."""
    return root.work / video_id


def new_attempt(work: Path, holder: str = "") -> Path:
    """Removes every earlier attempt's folder and makes a fresh one named after the claim
    (host, pid, attempt number), so two workers never write the same files."""
    for folder in [*work.glob("attempt-*"), work / "out", work / "frames", work / "pictures"]:
        shutil.rmtree(folder, ignore_errors=True)  # (out, frames, pictures: the layout before attempts)
    prefix = "attempt-" + "".join(c if c.isalnum() or c in ".-" else "-" for c in holder) + ("-" if holder else "")
    return Path(tempfile.mkdtemp(prefix=prefix, dir=work))


def make_plan(settings: Settings, row, attempt: Path) -> tuple[Plan, dict]:
    spec = json.loads(row["source"])
    info = Source.from_dict(spec["probe"])
    work = work_dir(settings.root, row["id"])
    plan = Plan(source=work / "source", info=info, outputs=ladder_for(info.width, info.height),
                audio=spec["audio"], out_dir=attempt / "out", frames_dir=attempt / "frames",
                preset=settings.extra.get("x264_preset", PRESET), limits=SourceLimits.of(settings))
    return plan, spec


def _output_dirs(plan: Plan) -> None:
    plan.frames_dir.mkdir(parents=True)
    for name in [o.name for o in plan.outputs] + [f"{kind}_{a['lang']}" for a in plan.audio
                                                   for kind in ("audio", "audio_only")]:
        (plan.out_dir / name).mkdir(parents=True)


def finish_outputs(plan: Plan, spec: dict, work: Path, attempt: Path) -> tuple[list[dict], float, list[str]]:
    """Subtitles, master playlist and pictures, once ffmpeg is done; returns (ladder, duration,
    subtitle languages). Raises SourceTooLong if the source decoded longer than allowed."""
    lowest = plan.out_dir / plan.outputs[0].name
    durations = read_playlist(lowest / "index.m3u8").durations
    check_decoded_length(sum(durations), plan.limits)
    start = float(segment_info(lowest / "seg_00000.ts").get("start_time") or 0)
    vtt = {lang: work / f"subs_{lang}.vtt" for lang in spec.get("subtitles", [])}  # converted at ingest
    for track in spec.get("embedded_subtitles", []):
        try:
            subtitles.to_webvtt(plan.source, attempt / f"subs_{track['lang']}.vtt", stream=track["stream"])
        except subtitles.BadSubtitles:  # an empty or unreadable embedded track: the video is fine without it
            log.warning("embedded %s subtitles of %s skipped", track["lang"], work.name)
            continue
        vtt[track["lang"]] = attempt / f"subs_{track['lang']}.vtt"
    languages = list(vtt)
    for lang, path in vtt.items():
        cues = subtitles.read_cues(path.read_text(encoding="utf-8"))
        subtitles.write_segmented(cues, plan.out_dir / f"subs_{lang}", durations, round(start * 90000))
    ladder = write_master(plan.out_dir, plan.outputs, [a["lang"] for a in plan.audio], languages, plan.fps)
    frames = sorted(plan.frames_dir.glob("tile_*.jpg"))
    candidates = sorted(plan.frames_dir.glob("poster_*.jpg"))
    if not frames or not candidates:
        raise TranscodeFailed("no frames for pictures")
    editor_poster = work / "poster"
    if spec.get("poster") and editor_poster.is_file():
        pictures.make_posters(editor_poster, attempt / "pictures", editor_supplied=True)
    else:
        pictures.make_posters(pictures.best_frame(candidates), attempt / "pictures", editor_supplied=False)
    pictures.make_tiles(frames, attempt / "pictures", TILE_SECONDS)
    return ladder, sum(durations), languages


def _clean_outputs(attempt: Path) -> None:
    """Frees the space of a failed attempt; its ffmpeg.log stays for whoever looks into it."""
    for name in ("out", "frames", "pictures"):
        shutil.rmtree(attempt / name, ignore_errors=True)


def _move_into_place(root: DataRoot, video_id: str, attempt: Path, generation: int | None = None,
                     pictures_version: int = 0) -> None:
    """A first transcode fills the video's folders. A replacement (`generation` N) puts its renditions
    beside the ones playing, in g<N>/, its poster and thumb under new names and its tiles in g<N>/:
    nothing a box is playing or a cache holds is touched."""
    if generation is None:
        for source, target in ((attempt / "pictures", root.poster_dir(video_id)),
                               (attempt / "out", root.rendition_dir(video_id))):
            shutil.rmtree(target, ignore_errors=True)  # a half-finished earlier attempt
            os.replace(source, target)
        return
    prefix = generation_prefix(generation)
    target = root.rendition_dir(video_id) / prefix
    shutil.rmtree(target, ignore_errors=True)  # a half-finished earlier attempt
    os.replace(attempt / "out", target)
    posters = root.poster_dir(video_id)
    posters.mkdir(parents=True, exist_ok=True)
    for kind in ("poster", "thumb"):
        os.replace(attempt / "pictures" / f"{kind}.jpg", posters / picture_name(kind, pictures_version))
    shutil.rmtree(posters / prefix, ignore_errors=True)
    os.replace(attempt / "pictures", posters / prefix)


def worker_name() -> str:
    """This process among every node's workers: host and pid (hostnames are unique per node)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Transcoder:
    """Runs claimed jobs; `cancel(id)` stops a running one here (ffmpeg is killed). A job this
    process no longer holds (an editor cancelled it on any node, or its lease lapsed and another
    worker took it) is stopped at the next heartbeat or progress write."""

    def __init__(self, store: Store, settings: Settings, metrics=None):
        self.store, self.settings, self.metrics = store, settings, metrics
        self.worker = worker_name()
        self.lease_seconds = float(settings.extra.get("transcode_lease_seconds", media_sql.LEASE_SECONDS))
        self.wake = asyncio.Event()
        self.running: dict[str, asyncio.Task] = {}
        self._progress_writes: set[asyncio.Task] = set()  # kept until done (a bare task may be collected)

    def poke(self) -> None:
        """A job was queued: wake an idle worker."""
        self.wake.set()

    def cancel(self, video_id: str) -> None:
        task = self.running.get(video_id)
        if task is not None:
            task.cancel()

    async def claim(self):
        """The next claimable job, leased to this process, or None."""
        return await self.store.write(media_sql.claim_next_job, self.worker, self.lease_seconds)

    async def run_job(self, row) -> None:
        """Runs one claimed job to ready, failed or cancelled, renewing its lease meanwhile."""
        video_id, holder = row["id"], row["holder"]
        task = asyncio.create_task(self._transcode(row, holder))
        self.running[video_id] = task
        heartbeat = asyncio.create_task(self._heartbeat(video_id, holder, task))
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:  # shutdown: stop ffmpeg and hand the job back to the queue
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            try:
                await self.store.write(media_sql.release_job, video_id, holder)
            except Exception as exc:  # the lease lapses instead
                log.warning("could not hand back the transcode of %s: %s", video_id, exc)
            raise
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
            self.running.pop(video_id, None)
        if task.cancelled():
            log.info("transcode of %s stopped: cancelled or no longer this worker's", video_id)
        elif task.exception() is not None:
            exc = task.exception()
            log.error("transcode of %s failed: %s", video_id, exc, exc_info=not isinstance(exc, TranscodeFailed))
            await self.store.write(media_sql.fail_job, video_id, getattr(exc, "msgid", FAILED), holder)

    async def _heartbeat(self, video_id: str, holder: str, task: asyncio.Task) -> None:
        """Renews the lease every third of it; stops the transcode once the job is not ours."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                held = await self.store.write(media_sql.renew_lease, video_id, holder, self.lease_seconds)
            except Exception as exc:  # the database is away for a moment: the lease has time left
                log.warning("could not renew the lease of %s: %s", video_id, exc)
                continue
            if not held:
                task.cancel()
                return

    async def _transcode(self, row, holder: str) -> None:
        started = time.monotonic()
        video_id = row["id"]
        work = work_dir(self.settings.root, video_id)
        attempt = await asyncio.to_thread(new_attempt, work, holder)
        plan, spec = make_plan(self.settings, row, attempt)
        me = asyncio.current_task()
        try:
            await asyncio.to_thread(_output_dirs, plan)
            last = [0.0, 0.0]  # progress written, when

            def on_progress(value: float) -> None:
                value *= TRANSCODE_SHARE
                now = time.monotonic()
                if value - last[0] >= 0.01 and now - last[1] >= 0.5:
                    last[:] = [value, now]
                    write = asyncio.ensure_future(self.store.write(
                        media_sql.renew_lease, video_id, holder, self.lease_seconds, round(value, 3)))
                    self._progress_writes.add(write)
                    write.add_done_callback(functools.partial(self._progress_written, me))

            await run_ffmpeg(ffmpeg_command(plan), plan.info.duration, attempt / "ffmpeg.log", on_progress)
            ladder, duration, subtitle_languages = await asyncio.to_thread(finish_outputs, plan, spec, work, attempt)
            if not await self.store.write(media_sql.renew_lease, video_id, holder, self.lease_seconds):
                raise asyncio.CancelledError()  # cancelled or taken over while the last pictures were made
            replacement = None
            if row["status"] == VideoStatus.READY:  # a new cut: made beside the one on the air, swapped at commit
                replacement = {"renditions_version": row["renditions_version"] + 1,
                               "pictures_version": max(int(time.time() * 1000), row["pictures_version"] + 1),
                               "audio_languages": [a["lang"] for a in spec["audio"]]}
            await asyncio.to_thread(_move_into_place, self.settings.root, video_id, attempt,
                                    replacement and replacement["renditions_version"],
                                    replacement["pictures_version"] if replacement else 0)
            if not await self.store.write(media_sql.finish_job, video_id, duration, ladder, subtitle_languages,
                                          holder, replacement):
                log.warning("transcode of %s was no longer this worker's when it finished", video_id)
                return
            await asyncio.to_thread(shutil.rmtree, work, True)
        except BaseException:
            await asyncio.to_thread(_clean_outputs, attempt)
            raise
        finally:
            if self.metrics is not None:
                self.metrics.inc("legaltv_transcode_seconds_total", time.monotonic() - started)

    def _progress_written(self, transcode: asyncio.Task, write: asyncio.Task) -> None:
        self._progress_writes.discard(write)
        if write.cancelled():
            return
        if write.exception() is not None:  # progress only: the job goes on
            log.warning("could not record transcode progress: %s", write.exception())
        elif not write.result():
            transcode.cancel()  # cancelled by an editor, or taken over: stop ffmpeg now


# an ingest on any node fills work/<id> a moment (a probe and a test decode) before the video's
# row exists: a folder without a row is a crash's leftover only once it is this old
INGEST_GRACE_SECONDS = 3600


def sweep_work(store: Store, root: DataRoot, now: float | None = None) -> None:
    """Removes work folders no video needs any more (e.g. left by a crash mid-ingest).
    Blocking: run it in a worker thread."""
    if not root.work.is_dir():
        return
    now = time.time() if now is None else now
    for folder in root.work.iterdir():
        if not folder.is_dir():
            continue
        row = store.read_blocking(media_sql.video, folder.name.removesuffix(".new"))
        abandoned = row is None and folder.stat().st_mtime < now - INGEST_GRACE_SECONDS
        if abandoned or (row is not None and row["status"] == VideoStatus.READY and row["job_state"] is None):
            shutil.rmtree(folder, ignore_errors=True)


def run_pending_jobs(store: Store, settings: Settings) -> None:
    """Runs every claimable job to its end in this thread (for `content-server demo`).
    Jobs another worker holds are left to it."""
    async def drain() -> None:
        transcoder = Transcoder(store, settings)
        while (row := await transcoder.claim()) is not None:
            await transcoder.run_job(row)
    asyncio.run(drain())


async def _transcoder_ctx(app: web.Application):
    from .worker import transcode_jobs
    store, settings, metrics = app[STORE], app[SETTINGS], app[METRICS]
    loops = settings.transcode_workers if settings.transcode else 0  # an API node: workers elsewhere own the jobs
    if loops:
        await asyncio.to_thread(sweep_work, store, settings.root)
    async with transcode_jobs(store, settings, loops, metrics) as transcoder:
        app[TRANSCODER] = transcoder
        yield


async def _job_count(store: Store, state: str) -> int:
    return (await store.read(media_sql.job_counts))[state]


TRANSCODER = web.AppKey("transcoder", Transcoder)  # this node's transcode workers (set while the app runs)


def setup(app: web.Application) -> None:
    """Starts the workers with the app (none with no_transcode or transcode_workers 0: workers
    elsewhere claim the jobs), stops them (and their ffmpeg) at shutdown; adds metrics."""
    metrics, store = app[METRICS], app[STORE]
    metrics.describe("legaltv_transcode_seconds_total", "counter", "Wall seconds spent transcoding")
    for state, text in ((JobState.QUEUED, "Transcode jobs waiting"), (JobState.RUNNING, "Transcode jobs running"),
                        (VideoStatus.FAILED, "Videos whose transcode failed")):
        metrics.gauge(f"legaltv_transcode_jobs_{state}", text,
                      functools.partial(_job_count, store, state))
    app.cleanup_ctx.append(_transcoder_ctx)
