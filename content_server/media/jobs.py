"""The persistent transcode queue: workers that turn a queued video into ready renditions.

Jobs live in SQLite (`transcode_jobs`), so they survive restarts; a job that was running when
the server stopped (even by kill -9) is queued again at start and redone from scratch in a fresh
attempt folder (work/<id>/attempt-…), the earlier attempt's folder removed first; ffmpeg dies with
the server (child_processes), so no earlier ffmpeg writes beside the new one.
Store access awaits the store's boundary; ffmpeg runs as a subprocess and Pillow in a thread.
"""
from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from aiohttp import web

from ..config import DataRoot, Settings
from ..i18n import N_
from ..storage import Store, media as media_sql
from . import pictures, subtitles
from .ladder import ladder_for
from .probe import Source, SourceLimits
from .transcode import (TILE_SECONDS, Plan, TranscodeFailed, check_decoded_length, ffmpeg_command, read_playlist,
                        run_ffmpeg, segment_info, write_master)

log = logging.getLogger(__name__)

TRANSCODE_SHARE = 0.95  # of the progress bar; pictures and playlists take the rest
# TRANSLATORS: status of a video in the editor's list, max 120 chars
FAILED = N_("The video could not be converted. Please check the file and try again.")


def work_dir(root: DataRoot, video_id: str) -> Path:
    """Where a video's source, converted subtitles and half-made outputs wait."""
    return root.work / video_id


def new_attempt(work: Path) -> Path:
    """Removes every earlier attempt's folder and makes a fresh, uniquely named one."""
    for folder in [*work.glob("attempt-*"), work / "out", work / "frames", work / "pictures"]:
        shutil.rmtree(folder, ignore_errors=True)  # (out, frames, pictures: the layout before attempts)
    return Path(tempfile.mkdtemp(prefix="attempt-", dir=work))


def make_plan(settings: Settings, row, attempt: Path) -> tuple[Plan, dict]:
    spec = json.loads(row["source"])
    info = Source.from_dict(spec["probe"])
    work = work_dir(settings.root, row["id"])
    plan = Plan(source=work / "source", info=info, outputs=ladder_for(info.width, info.height),
                audio=spec["audio"], out_dir=attempt / "out", frames_dir=attempt / "frames",
                preset=settings.extra.get("x264_preset", "veryfast"), limits=SourceLimits.of(settings))
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


def _move_into_place(root: DataRoot, video_id: str, attempt: Path) -> None:
    for source, target in ((attempt / "pictures", root.poster_dir(video_id)),
                           (attempt / "out", root.rendition_dir(video_id))):
        shutil.rmtree(target, ignore_errors=True)  # a half-finished earlier attempt
        os.replace(source, target)


class Transcoder:
    """Claims queued jobs and runs them; `cancel(id)` stops a running one (ffmpeg is killed)."""

    def __init__(self, store: Store, settings: Settings, metrics=None):
        self.store, self.settings, self.metrics = store, settings, metrics
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

    async def worker(self) -> None:
        while True:
            self.wake.clear()
            row = await self.store.write(media_sql.claim_next_job)
            if row is None:
                try:
                    await asyncio.wait_for(self.wake.wait(), 30)
                except asyncio.TimeoutError:
                    pass
                continue
            await self.run_job(row)

    async def run_job(self, row) -> None:
        """Runs one claimed job to ready, failed or cancelled."""
        video_id = row["id"]
        task = asyncio.create_task(self._transcode(row))
        self.running[video_id] = task
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:  # shutdown: stop ffmpeg, leave the job to be redone at start
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise
        finally:
            self.running.pop(video_id, None)
        if task.cancelled():
            log.info("transcode of %s cancelled", video_id)
        elif task.exception() is not None:
            exc = task.exception()
            log.error("transcode of %s failed: %s", video_id, exc, exc_info=not isinstance(exc, TranscodeFailed))
            await self.store.write(_fail_if_running, video_id, getattr(exc, "msgid", FAILED))

    async def _transcode(self, row) -> None:
        started = time.monotonic()
        video_id = row["id"]
        work = work_dir(self.settings.root, video_id)
        attempt = await asyncio.to_thread(new_attempt, work)
        plan, spec = make_plan(self.settings, row, attempt)
        try:
            await asyncio.to_thread(_output_dirs, plan)
            last = [0.0, 0.0]  # progress written, when

            def on_progress(value: float) -> None:
                value *= TRANSCODE_SHARE
                now = time.monotonic()
                if value - last[0] >= 0.01 and now - last[1] >= 0.5:
                    last[:] = [value, now]
                    write = asyncio.ensure_future(self.store.write(media_sql.set_progress, video_id, round(value, 3)))
                    self._progress_writes.add(write)
                    write.add_done_callback(self._progress_written)

            await run_ffmpeg(ffmpeg_command(plan), plan.info.duration, attempt / "ffmpeg.log", on_progress)
            ladder, duration, subtitle_languages = await asyncio.to_thread(finish_outputs, plan, spec, work, attempt)
            if await self.store.read(media_sql.job_state, video_id) != "running":
                raise asyncio.CancelledError()  # cancelled while the last pictures were made
            await asyncio.to_thread(_move_into_place, self.settings.root, video_id, attempt)
            await self.store.write(media_sql.finish_job, video_id, duration, ladder, subtitle_languages)
            await asyncio.to_thread(shutil.rmtree, work, True)
        except BaseException:
            await asyncio.to_thread(_clean_outputs, attempt)
            raise
        finally:
            if self.metrics is not None:
                self.metrics.inc("legaltv_transcode_seconds_total", time.monotonic() - started)


    def _progress_written(self, write: asyncio.Task) -> None:
        self._progress_writes.discard(write)
        if not write.cancelled() and write.exception() is not None:  # progress only: the job goes on
            log.warning("could not record transcode progress: %s", write.exception())


def _fail_if_running(tx, video_id: str, msgid: str) -> None:
    if media_sql.job_state(tx, video_id) == "running":
        media_sql.fail_job(tx, video_id, msgid)


def sweep_work(store: Store, root: DataRoot) -> None:
    """Removes work folders no video needs any more (e.g. left by a crash mid-ingest).
    Blocking: run it in a worker thread."""
    if not root.work.is_dir():
        return
    for folder in root.work.iterdir():
        if not folder.is_dir():
            continue
        row = store.read_blocking(media_sql.video, folder.name)
        if row is None or row["status"] == "ready":
            shutil.rmtree(folder, ignore_errors=True)


def run_pending_jobs(store: Store, settings: Settings) -> None:
    """Runs every queued job to its end in this thread (for `content-server demo`).
    Jobs marked running are left alone: a server on the same data root may be running them;
    the server requeues interrupted ones when it starts."""
    async def drain() -> None:
        transcoder = Transcoder(store, settings)
        while (row := await store.write(media_sql.claim_next_job)) is not None:
            await transcoder.run_job(row)
    asyncio.run(drain())


async def _transcoder_ctx(app: web.Application):
    store, settings, metrics = app["store"], app["settings"], app["metrics"]
    transcoder = app["transcoder"] = Transcoder(store, settings, metrics)
    if not settings.transcode:  # an API node: workers elsewhere own the jobs, running ones included
        yield
        return
    requeued = await store.write(media_sql.requeue_interrupted_jobs)
    if requeued:
        log.info("%d interrupted transcode job(s) queued again", requeued)
    await asyncio.to_thread(sweep_work, store, settings.root)
    workers = [asyncio.create_task(transcoder.worker()) for _ in range(max(1, settings.transcode_workers))]
    yield
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)


async def _job_count(store: Store, state: str) -> int:
    return (await store.read(media_sql.job_counts))[state]


def setup(app: web.Application) -> None:
    """Starts the workers with the app, stops them (and their ffmpeg) at shutdown; adds metrics."""
    metrics, store = app["metrics"], app["store"]
    metrics.describe("legaltv_transcode_seconds_total", "counter", "Wall seconds spent transcoding")
    for state, text in (("queued", "Transcode jobs waiting"), ("running", "Transcode jobs running"),
                        ("failed", "Videos whose transcode failed")):
        metrics.gauge(f"legaltv_transcode_jobs_{state}", text,
                      functools.partial(_job_count, store, state))
    app.cleanup_ctx.append(_transcoder_ctx)
