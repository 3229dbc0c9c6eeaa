"""One ffmpeg process per source: decode once, split, one libx264 encoder per rung, HLS out.

The same process also drops a frame every 10 s for the seek-preview tiles and a handful of
poster candidates, so the source is decoded exactly once. The master playlist is written
here from the playlists ffmpeg made, so it always lists the lowest video rung first.
"""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..kernel.i18n import N_
from ..kernel.child_processes import run_child, start_child
from .ladder import (AUDIO_KBPS, AUDIO_ONLY_KBPS, BUFSIZE_FACTOR, GOP_SECONDS, MAXRATE_FACTOR, PRESET,
                     SEGMENT_SECONDS, Output)
from .probe import Source, SourceLimits

TILE_SECONDS = 10
TILE_WIDTH = 320
POSTER_CANDIDATES = 6
LANGUAGE_NAMES = {"zh": "中文", "mn": "ᠮᠣᠩᠭᠣᠯ"}
INPUT_GUARD = ["-protocol_whitelist", "file"]  # uploads never make ffmpeg fetch URLs
# decoding stops this far past the allowed length: enough to see that a source is longer
OVERRUN_SECONDS = 1.0


class TranscodeFailed(Exception):
    """ffmpeg could not make the renditions; args[0] is the tail of its log."""


class SourceTooLong(TranscodeFailed):
    """The source decoded longer than allowed, though its container said otherwise."""

    # TRANSLATORS: status of a video in the editor's list, max 120 chars
    msgid = N_("The video is longer than allowed, though its file says otherwise. Please shorten it and upload it again.")


@dataclass
class Plan:
    """Everything one transcode needs, decided before ffmpeg starts."""
    source: Path
    info: Source
    outputs: list[Output]
    audio: list[dict]        # [{"lang": "zh", "stream": 1}], in rendition order
    out_dir: Path            # HLS output (becomes the rendition dir)
    frames_dir: Path         # tile frames and poster candidates
    preset: str = PRESET
    limits: SourceLimits = SourceLimits()
    # each rung scaled from the next larger one and encoded with its rung's x264 options;
    # False is the ladder before that tuning, kept for bench/transcode.py to compare against
    tuned: bool = True

    @property
    def fps(self) -> float:
        """Output frame rate: high-rate phone video is halved, for thin links and old boxes."""
        fps = self.info.fps
        while fps > 31:
            fps /= 2
        return fps


def ffmpeg_command(plan: Plan) -> list[str]:
    """The single ffmpeg command for a plan (used by the server and shown by the benchmark)."""
    n = len(plan.outputs)
    gop = max(1, round(plan.fps * GOP_SECONDS))
    head = f"fps={plan.fps:.3f}," if plan.fps < plan.info.fps - 0.01 else ""
    chains = _scaling(plan, head)
    top = plan.outputs[-1]
    tile_height = _even(TILE_WIDTH * top.height / top.width)
    chains.append(f"[st]{_every(TILE_SECONDS)},scale={TILE_WIDTH}:{tile_height},setsar=1[tiles]")
    interval = max(plan.info.duration / POSTER_CANDIDATES, 0.5)
    poster_w, poster_h = _fit(top.width, top.height, 960, 540)
    chains.append(f"[sp]{_every(interval)},scale={poster_w}:{poster_h},setsar=1[posters]")
    cmd = ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", "-progress", "pipe:1", "-nostats",
           *INPUT_GUARD, *decode_caps(plan.limits), "-i", str(plan.source), "-filter_complex", ";".join(chains),
           "-max_muxing_queue_size", "4096"]
    streams = []
    for i, out in enumerate(plan.outputs):
        kbps = out.rung.kbps
        cmd += ["-map", f"[v{i}]", f"-c:v:{i}", "libx264", f"-preset:v:{i}", plan.preset,
                f"-profile:v:{i}", "main", f"-level:v:{i}", out.rung.level,
                f"-b:v:{i}", f"{kbps}k", f"-maxrate:v:{i}", f"{round(kbps * MAXRATE_FACTOR)}k",
                f"-bufsize:v:{i}", f"{round(kbps * BUFSIZE_FACTOR)}k",
                f"-g:v:{i}", str(gop), f"-keyint_min:v:{i}", str(gop), f"-sc_threshold:v:{i}", "0",
                f"-force_key_frames:v:{i}", f"expr:gte(t,n_forced*{GOP_SECONDS})"]
        if plan.tuned and plan.preset == PRESET and out.rung.x264:
            cmd += [f"-x264-params:v:{i}", out.rung.x264]
        streams.append(f"v:{i},name:{out.name}")
    for k, track in enumerate(plan.audio + plan.audio):
        low = k >= len(plan.audio)
        cmd += ["-map", f"0:{track['stream']}", f"-c:a:{k}", "aac",
                f"-b:a:{k}", f"{AUDIO_ONLY_KBPS if low else AUDIO_KBPS}k", f"-ac:a:{k}", "1" if low else "2",
                f"-ar:a:{k}", "48000"]
        streams.append(f"a:{k},name:{'audio_only' if low else 'audio'}_{track['lang']}")
    cmd += ["-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
            "-hls_flags", "independent_segments", "-hls_segment_type", "mpegts",
            "-hls_segment_filename", str(plan.out_dir / "%v" / "seg_%05d.ts"),
            "-var_stream_map", " ".join(streams), str(plan.out_dir / "%v" / "index.m3u8")]
    # passthrough: one picture per selected frame (constant-rate output would repeat them)
    cmd += ["-map", "[tiles]", "-fps_mode", "passthrough", "-q:v", "3", "-f", "image2",
            str(plan.frames_dir / "tile_%05d.jpg")]
    cmd += ["-map", "[posters]", "-fps_mode", "passthrough", "-q:v", "2", "-f", "image2",
            str(plan.frames_dir / "poster_%02d.jpg")]
    return cmd


def _scaling(plan: Plan, head: str) -> list[str]:
    """Filter chains from the decoded source to [v0]…[vN-1] (one per rung), [st] and [sp].

    Tuned, the source is scaled once to the top rung and every smaller rung from the next larger
    one: each scale reads a picture a quarter to a half the size of the source's."""
    n = len(plan.outputs)
    if not plan.tuned:
        chains = [f"[0:v:0]{head}split={n + 2}" + "".join(f"[s{i}]" for i in range(n)) + "[st][sp]"]
        return chains + [f"[s{i}]scale={out.width}:{out.height}:flags=bicubic,setsar=1,format=yuv420p[v{i}]"
                         for i, out in enumerate(plan.outputs)]
    chains, previous = [f"[0:v:0]{head}split=3[c{n}][st][sp]"], f"c{n}"
    for i in reversed(range(n)):
        out = plan.outputs[i]
        chains.append(f"[{previous}]scale={out.width}:{out.height}:flags=bicubic,setsar=1,format=yuv420p"
                      + (f",split[v{i}][c{i}]" if i else f"[v{i}]"))
        previous = f"c{i}"
    return chains


def decode_caps(limits: SourceLimits) -> list[str]:
    """Input options bounding what is decoded, whatever the container declares: the length (a
    little past the limit, so an over-long source shows) and the picture size (decoder memory)."""
    return ["-max_pixels", str(limits.decoder_pixels), "-t", f"{limits.seconds + OVERRUN_SECONDS:.3f}"]


def check_decoded_length(seconds: float, limits: SourceLimits) -> None:
    """Raises SourceTooLong when the renditions came out longer than the allowed length."""
    if seconds > limits.seconds + OVERRUN_SECONDS / 2:
        raise SourceTooLong(f"decoded {seconds:.1f} s, at most {limits.seconds:.1f} s allowed")


async def run_ffmpeg(cmd: list[str], duration: float, log_path: Path,
                     on_progress: Callable[[float], None]) -> None:
    """Runs ffmpeg, reporting 0..1 from `-progress`; kills it if this task is cancelled."""
    with open(log_path, "ab") as log:
        proc = await start_child(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        try:
            async for line in proc.stdout:
                key, _, value = line.decode(errors="replace").strip().partition("=")
                if key == "out_time_us" and value.lstrip("-").isdigit() and duration > 0:
                    on_progress(min(max(int(value) / 1e6 / duration, 0.0), 1.0))
            code = await proc.wait()
        except BaseException:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            raise
    if code != 0:
        raise TranscodeFailed(log_path.read_bytes()[-2000:].decode(errors="replace"))


@dataclass
class Playlist:
    path: Path
    durations: list[float]
    peak_bps: int
    average_bps: int


def read_playlist(path: Path) -> Playlist:
    """Segment durations of a media playlist, and its peak and average bit rates from the files."""
    durations, sizes = [], []
    pending = None
    for line in path.read_text().splitlines():
        if line.startswith("#EXTINF:"):
            pending = float(line[8:].split(",")[0])
        elif line and not line.startswith("#") and pending is not None:
            durations.append(pending)
            sizes.append((path.parent / line).stat().st_size)
            pending = None
    if not durations:
        raise TranscodeFailed(f"empty playlist {path}")
    rates = [size * 8 / max(d, 0.1) for size, d in zip(sizes, durations)]
    return Playlist(path, durations, int(max(rates)), int(sum(sizes) * 8 / max(sum(durations), 0.1)))


def segment_info(path: Path) -> dict:
    """Start time and codec profile/level of the first stream of one segment."""
    proc = run_child(["ffprobe", "-v", "error", "-show_entries",
                      "stream=codec_type,profile,level,start_time,width,height", "-of", "json", str(path)], timeout=60)
    streams = json.loads(proc.stdout or b"{}").get("streams", [])
    return streams[0] if streams else {}


def avc_codec(profile: str, level: int) -> str:
    """RFC 6381 codec string for the profiles x264 writes here."""
    prefix = {"Baseline": "42c0", "Constrained Baseline": "42c0", "Main": "4d40", "High": "6400"}.get(profile, "4d40")
    return f"avc1.{prefix}{int(level):02x}"


def write_master(out_dir: Path, outputs: list[Output], languages: list[str], subtitles: list[str],
                 fps: float) -> list[dict]:
    """Writes master.m3u8 (lowest video rung first, audio-only last) and returns the ladder."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    audio_peak = audio_avg = low_peak = low_avg = 0
    for group, folder in (("audio", "audio"), ("audio_low", "audio_only")):
        for n, lang in enumerate(languages):
            playlist = read_playlist(out_dir / f"{folder}_{lang}" / "index.m3u8")
            if group == "audio":
                audio_peak, audio_avg = max(audio_peak, playlist.peak_bps), max(audio_avg, playlist.average_bps)
            else:
                low_peak, low_avg = max(low_peak, playlist.peak_bps), max(low_avg, playlist.average_bps)
            channels = "2" if group == "audio" else "1"
            lines.append(f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{group}",LANGUAGE="{lang}",'
                         f'NAME="{LANGUAGE_NAMES[lang]}",DEFAULT={"YES" if n == 0 else "NO"},AUTOSELECT=YES,'
                         f'CHANNELS="{channels}",URI="{folder}_{lang}/index.m3u8"')
    for lang in subtitles:
        lines.append(f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="{lang}",'
                     f'NAME="{LANGUAGE_NAMES[lang]}",DEFAULT=NO,AUTOSELECT=YES,URI="subs_{lang}/index.m3u8"')
    groups = (',AUDIO="audio"' if languages else "") + (',SUBTITLES="subs"' if subtitles else "")
    audio_codec = ",mp4a.40.2" if languages else ""
    ladder = []
    for out in outputs:
        playlist = read_playlist(out_dir / out.name / "index.m3u8")
        info = segment_info(out_dir / out.name / "seg_00000.ts")
        codecs = avc_codec(info.get("profile", "Main"), info.get("level", 30))
        bandwidth, average = playlist.peak_bps + audio_peak, playlist.average_bps + audio_avg
        lines += [f"#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},AVERAGE-BANDWIDTH={average},"
                  f'RESOLUTION={out.width}x{out.height},FRAME-RATE={fps:.3f},CODECS="{codecs}{audio_codec}"{groups}',
                  f"{out.name}/index.m3u8"]
        ladder.append({"name": out.name, "width": out.width, "height": out.height,
                       "bandwidth": bandwidth, "codecs": codecs + audio_codec})
    if languages:
        low_groups = ',AUDIO="audio_low"' + (',SUBTITLES="subs"' if subtitles else "")
        lines += [f'#EXT-X-STREAM-INF:BANDWIDTH={low_peak},AVERAGE-BANDWIDTH={low_avg},CODECS="mp4a.40.2"{low_groups}',
                  f"audio_only_{languages[0]}/index.m3u8"]
        ladder.append({"name": "audio_only", "width": 0, "height": 0, "bandwidth": low_peak, "codecs": "mp4a.40.2"})
    (out_dir / "master.m3u8").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ladder


def _every(seconds: float) -> str:
    """A filter keeping the first frame of each `seconds`-long slice of the timeline."""
    return (f"select='isnan(prev_selected_t)+gte(floor(t/{seconds:.3f})-floor(prev_selected_t/{seconds:.3f}),1)'")


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def _fit(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    scale = min(box_w / width, box_h / height)
    return _even(width * scale), _even(height * scale)
