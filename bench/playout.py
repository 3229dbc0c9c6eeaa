"""Broadcast playout CPU: seconds of CPU per hour of channel, against a live ffmpeg encode.

Run by hand:  .venv/bin/python bench/playout.py [--seconds 20] [--rounds 3] [--muxrate 8000000]

Makes one 1080p25 programme (x264 veryfast ~5 Mbit/s, AAC zh + mn, stored as the transcoder
stores it: 6 s HLS segments) and an all-day channel of it, then alternates, round by round:
  - `content-server playout legal --output udp://127.0.0.1:…` (copies the stored segments), and
  - the way ffplayout works: one ffmpeg reading the programme's source in real time (-re),
    encoding it live (libx264 veryfast 5 Mbit/s, AAC twice) into a CBR MPEG-TS over UDP.
Each process's CPU (utime+stime from /proc) is divided by the channel seconds it produced
(playout: packets sent at the muxrate; ffmpeg: -t). Prints medians and the ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel.config import DataRoot, Settings  # noqa: E402
from content_server.schedule.document import validate_schedule  # noqa: E402
from content_server.schedule.slate import make_slate  # noqa: E402
from content_server.storage import Store, media, schedule as schedule_sql  # noqa: E402

SECONDS = 30
SCHEDULE = {"seed": 1, "playlists": {"all": ["programme"]}, "overrides": [],
            "slots": [{"id": "day", "title": {"zh": "全天", "mn": "ᠡᠳᠦᠷ"}, "start": "00:00", "end": "24:00",
                       "source": {"type": "playlist", "playlist": "all"}, "order": "in_order"}]}
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-b:v", "5000k", "-maxrate", "5000k", "-bufsize", "5000k",
        "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


def make_programme(work: Path) -> Path:
    """The programme's source (what an editor uploaded) and its stored renditions."""
    source = work / "source.mp4"
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={SECONDS}",
           "-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}", *X264, "-c:a", "aac", "-b:a", "128k",
           str(source))
    folder = work / "renditions"
    for name, args in (("1080p", ["-map", "0:v", "-c:v", "copy"]),
                       ("audio_zh", ["-map", "0:a", "-c:a", "copy"]), ("audio_mn", ["-map", "0:a", "-c:a", "copy"])):
        (folder / name).mkdir(parents=True)
        ffmpeg("-i", str(source), *args, "-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod",
               "-hls_segment_filename", str(folder / name / "seg_%05d.ts"), str(folder / name / "index.m3u8"))
    return source


def fill(data: Path, work: Path) -> None:
    root = DataRoot(data)
    root.create()
    shutil.copytree(work / "renditions", root.rendition_dir("programme"))
    make_slate(root)
    store = Store(Settings(data=data).database_url)  # SQLite in the data root
    try:
        store.write_blocking(media.add_category, "family", "家庭", "ᠭᠡᠷ ᠪᠦᠯᠢ")
        store.write_blocking(media.add_video_with_job, {
            "id": "programme", "category": "family", "title_zh": "节目", "title_mn": "ᠨᠡᠪᠲᠡᠷᠡᠭᠦᠯᠭᠡ",
            "audio_languages": ["zh", "mn"], "subtitle_languages": [], "source": {},
            "publish_from": None, "publish_until": None})
        store.write_blocking(media.finish_job, "programme", float(SECONDS),
                             [{"name": "1080p", "width": 1920, "height": 1080, "bandwidth": 5500000,
                               "codecs": "avc1.640028"}])
        schedule = validate_schedule(SCHEDULE, store.read_blocking(schedule_sql.video_statuses),
                                     store.read_blocking(schedule_sql.ready_counts_by_category))
        store.write_blocking(schedule_sql.add_channel, "legal", {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, schedule)
    finally:
        store.close()


def sink() -> tuple[socket.socket, int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    return sock, sock.getsockname()[1]


def run_playout(data: Path, seconds: float, muxrate: int) -> float:
    """CPU seconds per hour of channel of the copying playout."""
    sock, port = sink()
    proc = subprocess.Popen([sys.executable, "-m", "content_server.cli", "playout", "legal", "--data", str(data),
                             "--muxrate", str(muxrate), "--output", f"udp://127.0.0.1:{port}?pkt_size=1316"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(seconds)
        cpu = cpu_seconds(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
        sock.close()
    state = json.loads((data / "playout" / "legal.json").read_text())
    channel_seconds = state["packets"] * 188 * 8 / muxrate
    return cpu / channel_seconds * 3600


def run_live_encode(source: Path, seconds: float, muxrate: int) -> float:
    """CPU seconds per hour of channel of one ffmpeg encoding the channel live (as ffplayout does)."""
    sock, port = sink()
    command = ["ffmpeg", "-nostdin", "-v", "error", "-re", "-stream_loop", "-1", "-i", str(source),
               "-map", "0:v", "-map", "0:a", "-map", "0:a", *X264, "-c:a", "aac", "-b:a", "128k",
               "-metadata:s:a:0", "language=chi", "-metadata:s:a:1", "language=mon",
               "-t", str(seconds), "-f", "mpegts", "-muxrate", str(muxrate),
               f"udp://127.0.0.1:{port}?pkt_size=1316"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu = 0.0
    try:
        while proc.poll() is None:
            cpu = cpu_seconds(proc.pid)  # the last reading before it exits
            time.sleep(0.2)
    finally:
        sock.close()
    return cpu / seconds * 3600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--muxrate", type=int, default=8_000_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-playout-"))
    try:
        source = make_programme(work)
        fill(work / "data", work)
        copying, encoding = [], []
        for n in range(args.rounds):
            copying.append(run_playout(work / "data", args.seconds, args.muxrate))
            encoding.append(run_live_encode(source, args.seconds, args.muxrate))
            print(f"round {n + 1}: playout {copying[-1]:.0f} CPU s/h, live encode {encoding[-1]:.0f} CPU s/h", flush=True)
        a, b = statistics.median(copying), statistics.median(encoding)
        print(f"median CPU seconds per hour of 1080p channel at {args.muxrate / 1e6:g} Mbit/s: "
              f"playout {a:.0f}, ffmpeg live encode {b:.0f}; live encode / playout = {b / a:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
