"""Reads a stored HLS segment (MPEG-TS) back into what it carries: H.264 access units or audio
frames, each with its own timestamps, without decoding anything."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .ts import PACKET, PTS_WRAP, SYNC, read_timestamp

H264, AAC_ADTS, MPEG1_AUDIO, MPEG2_AUDIO = 0x1B, 0x0F, 0x03, 0x04


@dataclass
class Unit:
    """One access unit (video) or audio frame; times in 90 kHz ticks as stored."""
    pts: int
    dts: int
    data: bytes
    key: bool = False
    duration: int = 0  # audio frames know theirs; video uses the frame spacing


def read_segment(path: Path) -> tuple[int | None, list[Unit]]:
    """(stream type, units in decode order) of the first elementary stream of one segment file.
    Raises OSError when the file cannot be read (the caller shows the slate instead)."""
    data = path.read_bytes()
    pmt_pid = es_pid = stream_type = None
    pes: list[tuple[bytes, bool]] = []  # (packet payload, starts a PES)
    for n in range(0, len(data) - PACKET + 1, PACKET):
        p = data[n:n + PACKET]
        if p[0] != SYNC:
            continue
        pid = (p[1] & 0x1F) << 8 | p[2]
        start = bool(p[1] & 0x40)
        control = p[3] >> 4 & 0x3
        offset = 4
        if control & 0x2:
            offset += 1 + p[4]
        if not control & 0x1 or offset >= PACKET:
            continue
        payload = p[offset:]
        if pid == 0 and start and pmt_pid is None:
            body = payload[1 + payload[0]:]
            pmt_pid = (body[10] & 0x1F) << 8 | body[11]
        elif pid == pmt_pid and start and es_pid is None:
            body = payload[1 + payload[0]:]
            length = (body[1] & 0x0F) << 8 | body[2]
            info = (body[10] & 0x0F) << 8 | body[11]
            at = 12 + info
            if at + 5 <= 3 + length - 4:
                stream_type = body[at]
                es_pid = (body[at + 1] & 0x1F) << 8 | body[at + 2]
        elif pid == es_pid:
            pes.append((payload, start))
    packets, current = [], []
    for payload, start in pes:
        if start and current:
            packets.append(b"".join(current))
            current = []
        if start or current:
            current.append(payload)
    if current:
        packets.append(b"".join(current))
    units: list[Unit] = []
    for packet in packets:
        if len(packet) < 14 or packet[:3] != b"\x00\x00\x01":
            continue
        flags, header = packet[7], packet[8]
        pts = read_timestamp(packet[9:14]) if flags & 0x80 else None
        dts = read_timestamp(packet[14:19]) if flags & 0xC0 == 0xC0 else pts
        body = packet[9 + header:]
        if pts is None:
            continue
        if stream_type == H264:
            units.append(Unit(pts, dts, body, _is_idr(body)))
        elif stream_type == AAC_ADTS:
            units.extend(_adts_frames(body, pts))
        elif stream_type in (MPEG1_AUDIO, MPEG2_AUDIO):
            units.extend(mpeg_audio_frames(body, pts))
    return stream_type, units


def _is_idr(data: bytes) -> bool:
    """Whether an access unit holds an IDR slice (it can start a decode)."""
    at = 0
    while True:
        at = data.find(b"\x00\x00\x01", at)
        if at < 0 or at + 3 >= len(data):
            return False
        kind = data[at + 3] & 0x1F
        if kind == 5:
            return True
        if kind == 1:
            return False
        at += 3


ADTS_RATES = (96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350)


def _adts_frames(data: bytes, pts: int) -> list[Unit]:
    frames, at, t = [], 0, pts
    while at + 7 <= len(data):
        if data[at] != 0xFF or data[at + 1] & 0xF0 != 0xF0:
            break
        length = (data[at + 3] & 0x03) << 11 | data[at + 4] << 3 | data[at + 5] >> 5
        rate = ADTS_RATES[min((data[at + 2] >> 2) & 0x0F, len(ADTS_RATES) - 1)]
        duration = round(1024 * 90000 / rate)
        if length < 7 or at + length > len(data):
            break
        frames.append(Unit(t % PTS_WRAP, t % PTS_WRAP, data[at:at + length], True, duration))
        at += length
        t += duration
    return frames


MPEG_AUDIO_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000)}
LAYER2_KBPS = {3: (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
               2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}


def mpeg_audio_frames(data: bytes, pts: int) -> list[Unit]:
    """MPEG-1/2 Layer II frames (1152 samples each) with their times from `pts`."""
    frames, at, t = [], 0, pts
    while at + 4 <= len(data):
        if data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
            break
        version = (data[at + 1] >> 3) & 0x3
        bitrate = LAYER2_KBPS.get(version, LAYER2_KBPS[3])[(data[at + 2] >> 4) & 0x0F] * 1000
        rate = MPEG_AUDIO_RATES.get(version, MPEG_AUDIO_RATES[3])[min((data[at + 2] >> 2) & 0x3, 2)]
        padding = (data[at + 2] >> 1) & 1
        length = (144 if version == 3 else 72) * bitrate // rate + padding
        if length < 4 or at + length > len(data):
            break
        duration = round(1152 * 90000 / rate)
        frames.append(Unit(t % PTS_WRAP, t % PTS_WRAP, data[at:at + length], True, duration))
        at += length
        t += duration
    return frames

