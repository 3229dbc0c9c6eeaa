"""Transcode speed and picture quality: today's ladder settings, the server's, and a hand-written command.

Run by hand:  .venv/bin/python bench/transcode.py [--seconds 30] [--rounds 2] [--sources camera,phone,pattern]

Makes up to three sources (generated here; no footage ships with the project):
  camera   1920×1080 at 25 frames/s, 16 Mbit/s: a detailed fractal panned like a hand-held
           camera, with sensor grain, and a Chinese and a Mongolian sound track;
  phone    3840×2160 at 30 frames/s, 45 Mbit/s H.264 High like a phone: the same kind of picture;
  pattern  the source the first figures were measured on: ffmpeg's moving test pattern at
           1920×1080, 25 frames/s, under heavy grain, 8 Mbit/s, with a tone and pink noise.
Then, alternately (other work shares the CPU), for each source, times three ffmpeg runs making
the same renditions (5 video rungs, stereo and mono audio per language, 6 s HLS segments):
  reference  one hand-written command: every rung scaled from the source, plain `veryfast`;
  today      the server's command with the settings before tuning (`Plan(tuned=False)`);
  server     the server's command as it runs now (`Plan()`);
and once per source the server's whole path from "upload finished" to "video ready"
(`create_video` then the job queue's worker: probe, test decode, the command, WebVTT, poster,
tiles, rename into place). Prints medians of wall time and CPU time, the real-time factor
(source seconds per wall second), the ratios against the reference, and per rung the bytes and
the SSIM against the source scaled to that rung (lanczos), from one run of each.
"""
from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel import auth  # noqa: E402
from content_server.kernel.config import Settings  # noqa: E402
from content_server.media.ingest import create_video  # noqa: E402
from content_server.media.jobs import run_pending_jobs  # noqa: E402
from content_server.media.ladder import ladder_for  # noqa: E402
from content_server.media.probe import SourceLimits, probe_source  # noqa: E402
from content_server.media.transcode import Plan, ffmpeg_command  # noqa: E402
from content_server.storage import Store, accounts, catalog as catalog_sql, uploads as uploads_sql  # noqa: E402

FRACTAL = ("mandelbrot=size={w}x{h}:rate=1:start_scale=0.005:end_pts=1:maxiter=2000"
           ":start_x=-0.743643887037151:start_y=0.131825904205330")


def make_source(path: Path, seconds: int, width: int, height: int, fps: int, kbps: int, languages: int) -> None:
    """A still fractal 6/5 the picture's size, panned across like a hand-held camera, with grain."""
    still = path.with_suffix(".png")
    run(["ffmpeg", "-f", "lavfi", "-i", FRACTAL.format(w=width * 6 // 5, h=height * 6 // 5), "-frames:v", "1", str(still)])
    dx, dy = width // 10, height // 10
    cmd = ["ffmpeg", "-loop", "1", "-framerate", str(fps), "-i", str(still)]
    for k in range(languages):
        cmd += ["-f", "lavfi", "-i", f"sine=frequency={440 + 220 * k}:duration={seconds}"]
    cmd += ["-filter_complex", f"[0:v]crop={width}:{height}:x='{dx}+{dx}*sin(t*0.5)':y='{dy}+{dy}*cos(t*0.37)',"
            "noise=alls=3:allf=t,format=yuv420p[v]", "-map", "[v]", "-t", str(seconds),
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-b:v", f"{kbps}k",
            "-maxrate", f"{kbps * 5 // 4}k", "-bufsize", f"{kbps * 2}k", "-g", str(fps)]
    for k, tag in zip(range(languages), ("chi", "mon")):
        cmd += ["-map", f"{k + 1}:a", f"-metadata:s:a:{k}", f"language={tag}"]
    run(cmd + ["-c:a", "aac", "-b:a", "128k", str(path)])
    still.unlink()


def make_pattern_source(path: Path, seconds: int) -> None:
    run(["ffmpeg", "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={seconds},noise=alls=6:allf=t",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.2:duration={seconds}",
         "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "8M",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
         "-metadata:s:a:0", "language=chi", "-metadata:s:a:1", "language=mon", str(path)])


def run(cmd: list[str]) -> None:
    subprocess.run([cmd[0], "-nostdin", "-v", "error", "-y", *cmd[1:]], check=True)


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children."""
    return sum(getattr(resource.getrusage(who), name) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for name in ("ru_utime", "ru_stime"))


@dataclass
class Run:
    """What one way of making the renditions measured on one source."""
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rungs: dict[str, tuple[int, float]] = field(default_factory=dict)   # name → (bytes, SSIM)


def plan_for(source: Path, out: Path, tuned: bool) -> Plan:
    info = probe_source(source, SourceLimits())
    audio = [{"lang": ("zh", "mn")[k], "stream": track["stream"]} for k, track in enumerate(info.audio[:2])]
    plan = Plan(source=source, info=info, outputs=ladder_for(info.width, info.height), audio=audio,
                out_dir=out / "hls", frames_dir=out / "frames", tuned=tuned)
    for name in [o.name for o in plan.outputs] + [f"{kind}_{a['lang']}" for a in audio for kind in ("audio", "audio_only")]:
        (plan.out_dir / name).mkdir(parents=True)
    plan.frames_dir.mkdir()
    return plan


def reference_command(plan: Plan) -> list[str]:
    """The same renditions written by hand: what a person would type for this source."""
    n, gop = len(plan.outputs), round(plan.fps * 2)
    graph = f"[0:v:0]fps={plan.fps:.3f},split={n}" + "".join(f"[s{i}]" for i in range(n)) + ";" + ";".join(
        f"[s{i}]scale={o.width}:{o.height},setsar=1,format=yuv420p[v{i}]" for i, o in enumerate(plan.outputs))
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(plan.source), "-filter_complex", graph]
    for i, o in enumerate(plan.outputs):
        kbps = o.rung.kbps
        cmd += ["-map", f"[v{i}]", f"-c:v:{i}", "libx264", f"-preset:v:{i}", "veryfast", f"-profile:v:{i}", "main",
                f"-level:v:{i}", o.rung.level, f"-b:v:{i}", f"{kbps}k", f"-maxrate:v:{i}", f"{round(kbps * 1.1)}k",
                f"-bufsize:v:{i}", f"{round(kbps * 1.5)}k", f"-g:v:{i}", str(gop), f"-keyint_min:v:{i}", str(gop),
                f"-sc_threshold:v:{i}", "0", f"-force_key_frames:v:{i}", "expr:gte(t,n_forced*2)"]
    streams = [f"v:{i},agroup:aud,name:{o.name}" for i, o in enumerate(plan.outputs)]
    for k, track in enumerate(plan.audio + plan.audio):
        low = k >= len(plan.audio)
        cmd += ["-map", f"0:{track['stream']}", f"-c:a:{k}", "aac", f"-b:a:{k}", "48k" if low else "96k",
                f"-ac:a:{k}", "1" if low else "2", f"-ar:a:{k}", "48000"]
        streams.append(f"a:{k},name:audio_only_{track['lang']}" if low else
                       f"a:{k},agroup:aud,language:{track['lang']},name:audio_{track['lang']}")
    return cmd + ["-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod",
                  "-hls_segment_filename", str(plan.out_dir / "%v" / "seg_%05d.ts"), "-master_pl_name", "master.m3u8",
                  "-var_stream_map", " ".join(streams), str(plan.out_dir / "%v" / "index.m3u8")]


def time_command(kind: str, source: Path, work: Path, result: Run) -> None:
    out = work / f"{kind}-{uuid.uuid4().hex[:6]}"
    plan = plan_for(source, out, tuned=kind == "server")
    cmd = reference_command(plan) if kind == "reference" else ffmpeg_command(plan)
    started, cpu = time.monotonic(), cpu_seconds()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    result.walls.append(time.monotonic() - started)
    result.cpus.append(cpu_seconds() - cpu)
    if not result.rungs:
        quality = ssims(plan)
        result.rungs = {o.name: (rung_bytes(plan.out_dir / o.name), quality[o.name]) for o in plan.outputs}
    shutil.rmtree(out)


def rung_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.ts"))


def ssims(plan: Plan) -> dict[str, float]:
    """Mean SSIM of each rung against the source at that rung's size and rate (lanczos), frame by
    frame; the source is decoded once for all rungs."""
    n = len(plan.outputs)
    graph = [f"[{n}:v]fps={plan.fps:.3f},setpts=PTS-STARTPTS,split={n}" + "".join(f"[s{i}]" for i in range(n))]
    cmd = ["ffmpeg", "-nostdin", "-v", "error"]
    for i, out in enumerate(plan.outputs):
        cmd += ["-i", str(plan.out_dir / out.name / "index.m3u8")]
        graph += [f"[s{i}]scale={out.width}:{out.height}:flags=lanczos[r{i}]",
                  f"[{i}:v]setpts=PTS-STARTPTS[e{i}]",
                  f"[e{i}][r{i}]ssim=stats_file={plan.out_dir / out.name / 'ssim.log'}[o{i}]"]
    cmd += ["-i", str(plan.source), "-filter_complex", ";".join(graph)]
    for i in range(n):
        cmd += ["-map", f"[o{i}]", "-f", "null", "-"]
    subprocess.run(cmd, check=True)
    return {out.name: statistics.fmean(float(v) for v in re.findall(
        r"All:([0-9.]+)", (plan.out_dir / out.name / "ssim.log").read_text())) for out in plan.outputs}


def time_server_path(source: Path, work: Path) -> tuple[float, float]:
    settings = Settings(data=work / f"server-{uuid.uuid4().hex[:6]}")
    settings.root.create()
    store = Store(settings.root.database)
    owner = store.write_blocking(accounts.add_user, "bench", "editor", auth.hash_password("bench password"))
    store.write_blocking(catalog_sql.add_category, "traffic", "交通", "ᠵᠠᠮ")
    upload_id = uuid.uuid4().hex
    size = source.stat().st_size
    store.write_blocking(uploads_sql.add_upload, upload_id, owner, size, "case.mp4", "video/mp4", "", time.time() + 3600)
    shutil.copyfile(source, settings.root.upload_file(upload_id))
    store.write_blocking(uploads_sql.set_offset, upload_id, size, time.time() + 3600)
    fields = {"upload_id": upload_id, "category": "traffic", "title": {"zh": "交通事故怎么赔", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"}}
    started, cpu = time.monotonic(), cpu_seconds()  # the upload is finished: from here on it is the server's work
    video_id = create_video(store, settings, fields, owner)
    run_pending_jobs(store, settings)
    elapsed, cpu = time.monotonic() - started, cpu_seconds() - cpu
    row = store.read_blocking(lambda tx: tx.one("SELECT status FROM videos WHERE id = ?", (video_id,)))
    assert row["status"] == "ready", row["status"]
    store.close()
    shutil.rmtree(settings.root.root)
    return elapsed, cpu


def report(title: str, seconds: float, runs: dict[str, Run], path: tuple[float, float]) -> None:
    print(f"\n{title}, {seconds:.0f} s of source")
    ref_wall, ref_cpu = statistics.median(runs["reference"].walls), statistics.median(runs["reference"].cpus)
    names = list(runs["reference"].rungs)
    print(f"{'':10} {'wall s':>7} {'CPU s':>7} {'realtime':>8} {'wall/ref':>8} {'CPU/ref':>8}   "
          + "".join(f"{name + ' SSIM':>13} {'bytes':>10}" for name in names))
    for kind, run_ in runs.items():
        wall, cpu = statistics.median(run_.walls), statistics.median(run_.cpus)
        print(f"{kind:10} {wall:7.1f} {cpu:7.1f} {seconds / wall:7.2f}x {wall / ref_wall:8.3f} {cpu / ref_cpu:8.3f}   "
              + "".join(f"{run_.rungs[n][1]:13.4f} {run_.rungs[n][0]:10d}" for n in names))
    base = runs["today"].rungs
    print(f"{'server - today':24}" + " " * 27 + "".join(
        f"{runs['server'].rungs[n][1] - base[n][1]:+13.4f} {runs['server'].rungs[n][0] / base[n][0] - 1:+10.1%}"
        for n in names))
    print(f"server's whole path (probe, test decode, command, poster, tiles, into place): {path[0]:.1f} s wall, "
          f"{path[1]:.1f} s CPU, {seconds / path[0]:.2f}x realtime")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sources", default="camera,phone,pattern",
                        help="which sources, comma-separated: camera, phone, pattern")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ltv-bench-transcode-"))
    makers = {
        "camera": ("1080p25, camera-like, two sound tracks",
                   lambda path: make_source(path, args.seconds, 1920, 1080, 25, 16000, 2)),
        "phone": ("4K 30 frames/s, phone-like, one sound track",
                  lambda path: make_source(path, args.seconds, 3840, 2160, 30, 45000, 1)),
        "pattern": ("1080p25, test pattern under heavy grain (the first figures' source), two sound tracks",
                    lambda path: make_pattern_source(path, args.seconds)),
    }
    try:
        for name in args.sources.split(","):
            title, make = makers[name]
            source = work / f"{name}.mp4"
            print(f"making the source: {title} …", flush=True)
            make(source)
            runs = {kind: Run() for kind in ("reference", "today", "server")}
            for n in range(args.rounds):
                for kind, result in runs.items():
                    time_command(kind, source, work, result)
                    print(f"round {n + 1}: {kind:9} {result.walls[-1]:6.1f} s wall {result.cpus[-1]:6.1f} s CPU", flush=True)
            report(title, args.seconds, runs, time_server_path(source, work))
            source.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
