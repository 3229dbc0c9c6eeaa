"""Transcode speed: the server's whole ingest path against one hand-written ffmpeg command.

Run by hand:  .venv/bin/python bench/transcode.py [--seconds 60] [--rounds 2] [--keep DIR]

Makes a 60 s 1080p25 source with a Chinese and a Mongolian sound track. Then, alternately
(other work shares the CPU), times:
  reference  one hand-written ffmpeg command making the same rungs (5 video rungs, two audio
             renditions, two audio-only renditions, 6 s HLS segments, same x264 settings);
  server     the real path from "upload finished" to "video ready": `create_video` (probe,
             test decode, checks) then the job queue's worker (the one-decode ffmpeg, WebVTT,
             master playlist, poster, thumbnails and seek tiles, rename into place).
Prints each run, the medians, the ratio server / reference (target <= 1.10) and the realtime
factor (source seconds per wall second). CPU seconds (ffmpeg children plus this process's
Pillow work) are printed too: on a shared machine they vary much less than wall time.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel import auth  # noqa: E402
from content_server.kernel.config import Settings  # noqa: E402
from content_server.media.ingest import create_video  # noqa: E402
from content_server.media.jobs import run_pending_jobs  # noqa: E402
from content_server.storage import Store, accounts, catalog as catalog_sql, uploads as uploads_sql  # noqa: E402


def make_source(path: Path, seconds: int) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={seconds},noise=alls=6:allf=t",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.2:duration={seconds}",
         "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "8M",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
         "-metadata:s:a:0", "language=chi", "-metadata:s:a:1", "language=mon", str(path)],
        check=True)


def reference_command(source: Path, out: Path) -> list[str]:
    """The same rungs, written by hand: what a person would type for this source."""
    rungs = [("234p", 416, 234, 145, "3.0"), ("360p", 640, 360, 365, "3.0"), ("540p", 960, 540, 1200, "3.1"),
             ("720p", 1280, 720, 3000, "3.1"), ("1080p", 1920, 1080, 6000, "4.0")]
    graph = "[0:v:0]split=5[s0][s1][s2][s3][s4];" + ";".join(
        f"[s{i}]scale={w}:{h},setsar=1,format=yuv420p[v{i}]" for i, (_, w, h, _, _) in enumerate(rungs))
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-filter_complex", graph]
    for i, (_, _, _, kbps, level) in enumerate(rungs):
        cmd += ["-map", f"[v{i}]", f"-c:v:{i}", "libx264", f"-preset:v:{i}", "veryfast", f"-profile:v:{i}", "main",
                f"-level:v:{i}", level, f"-b:v:{i}", f"{kbps}k", f"-maxrate:v:{i}", f"{round(kbps * 1.1)}k",
                f"-bufsize:v:{i}", f"{round(kbps * 1.5)}k", f"-g:v:{i}", "50", f"-keyint_min:v:{i}", "50",
                f"-sc_threshold:v:{i}", "0", f"-force_key_frames:v:{i}", "expr:gte(t,n_forced*2)"]
    for k, (stream, kbps, channels) in enumerate([(1, 96, 2), (2, 96, 2), (1, 48, 1), (2, 48, 1)]):
        cmd += ["-map", f"0:{stream}", f"-c:a:{k}", "aac", f"-b:a:{k}", f"{kbps}k", f"-ac:a:{k}", str(channels),
                f"-ar:a:{k}", "48000"]
    streams = [f"v:{i},agroup:aud,name:{name}" for i, (name, *_) in enumerate(rungs)]
    streams += ["a:0,agroup:aud,language:zh,name:audio_zh", "a:1,agroup:aud,language:mn,name:audio_mn",
                "a:2,name:audio_only_zh", "a:3,name:audio_only_mn"]
    cmd += ["-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod", "-hls_segment_filename",
            str(out / "%v" / "seg_%05d.ts"), "-master_pl_name", "master.m3u8",
            "-var_stream_map", " ".join(streams), str(out / "%v" / "index.m3u8")]
    return cmd


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children."""
    return sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))


def time_reference(source: Path, work: Path) -> tuple[float, float]:
    out = work / f"reference-{uuid.uuid4().hex[:6]}"
    out.mkdir()
    started, cpu = time.monotonic(), cpu_seconds()
    subprocess.run(reference_command(source, out), check=True)
    elapsed, cpu = time.monotonic() - started, cpu_seconds() - cpu
    shutil.rmtree(out)
    return elapsed, cpu


def time_server(source: Path, work: Path) -> tuple[float, float]:
    settings = Settings(data=work / f"server-{uuid.uuid4().hex[:6]}")
    settings.root.create()
    store = Store(settings.root.database)
    owner = store.write_blocking(accounts.add_user, "bench", "editor", auth.hash_password("bench password"))
    if store.read_blocking(catalog_sql.category, "traffic") is None:
        store.write_blocking(catalog_sql.add_category, "traffic", "交通", "ᠵᠠᠮ")
    upload_id = uuid.uuid4().hex
    size = source.stat().st_size
    store.write_blocking(uploads_sql.add_upload, upload_id, owner, size, "case.mp4", "video/mp4", "", time.time() + 3600)
    shutil.copyfile(source, settings.root.upload_file(upload_id))
    store.write_blocking(uploads_sql.set_offset, upload_id, size, time.time() + 3600)
    fields = {"upload_id": upload_id, "category": "traffic",
              "title": {"zh": "交通事故怎么赔", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"}}
    started, cpu = time.monotonic(), cpu_seconds()  # the upload is finished: from here on it is the server's work
    video_id = create_video(store, settings, fields, owner)
    run_pending_jobs(store, settings)
    elapsed, cpu = time.monotonic() - started, cpu_seconds() - cpu
    row = store.read_blocking(lambda tx: tx.one("SELECT status, ladder FROM videos WHERE id = ?", (video_id,)))
    assert row["status"] == "ready", row["status"]
    store.close()
    shutil.rmtree(settings.root.root)
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ltv-bench-transcode-"))
    try:
        source = work / "source.mp4"
        print(f"making a {args.seconds} s 1080p25 source with two sound tracks …", flush=True)
        make_source(source, args.seconds)
        reference, server = [], []
        for n in range(args.rounds):
            reference.append(time_reference(source, work))
            print(f"round {n + 1}: reference {reference[-1][0]:6.1f} s wall {reference[-1][1]:6.1f} s CPU", flush=True)
            server.append(time_server(source, work))
            print(f"round {n + 1}: server    {server[-1][0]:6.1f} s wall {server[-1][1]:6.1f} s CPU", flush=True)
        ref, srv = (statistics.median(w for w, _ in runs) for runs in (reference, server))
        ref_cpu, srv_cpu = (statistics.median(c for _, c in runs) for runs in (reference, server))
        print(f"\nmedian wall time   reference {ref:.1f} s   server {srv:.1f} s")
        print(f"median CPU time    reference {ref_cpu:.1f} s   server {srv_cpu:.1f} s")
        print(f"ratio server / reference: wall {srv / ref:.3f}  (target <= 1.10)   CPU {srv_cpu / ref_cpu:.3f}")
        print(f"realtime factor: server {args.seconds / srv:.2f}x   reference {args.seconds / ref:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
