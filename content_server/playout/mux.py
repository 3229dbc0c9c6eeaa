"""A constant-bitrate multiplexer: every slot of the muxrate gets exactly one packet.

Per slot, in order: the tables when due (PAT and PMT every 100 ms, SDT every 500 ms, TDT every
second), a PCR when 30 ms have passed since the last, the next packet of the PES on its way
(units leave `DELAY_MS` before their decode time), else the programme guide (EIT), else a null
packet. The PCR is the byte position at the muxrate, so the bitrate is exact by construction.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Iterator

from . import subtitles, ts
from .feed import GAP, VIDEO, Timed

VIDEO_PID, PMT_PID = 0x100, 0x1000
AUDIO_PIDS = {"zh": 0x101, "mn": 0x102}
SUBTITLE_PIDS = {"subs_zh": 0x103, "subs_mn": 0x104}
PIDS = {VIDEO: VIDEO_PID, **AUDIO_PIDS, **SUBTITLE_PIDS}
ISO639 = {"zh": "chi", "mn": "mon"}
PROGRAM = SERVICE_ID = 1
TRANSPORT_ID = NETWORK_ID = 1
AAC, MP2 = "aac", "mp2"
AUDIO_STREAM_TYPES = {AAC: 0x0F, MP2: 0x03}

DELAY_MS = 700
PCR_EVERY_MS = 30
PSI_EVERY_MS = 100
SDT_EVERY_MS = 500
TDT_EVERY_MS = 1000
EIT_EVERY_MS = 500
EIT_SCHEDULE_EVERY_MS = 10_000  # TR 101 211: the first day's schedule at least every 10 s
CLOCK_HZ = 27_000_000


@dataclass
class Counters:
    """What the multiplexer did, for /metrics and the console."""
    packets: int = 0
    null_packets: int = 0
    eit_packets: int = 0
    late_units: int = 0  # units that left after their decode time: the muxrate is too low
    pes: dict = field(default_factory=lambda: dict.fromkeys(PIDS, 0))


class Multiplexer:
    def __init__(self, units: Iterator[Timed], muxrate: int, service: dict, provider: dict,
                 audio: str = AAC, guide=None):
        self.units, self.muxrate = units, muxrate
        self.guide = guide
        self.head: Timed | None = next(units, None)
        start_90 = (self.head.dts if self.head else 0) - DELAY_MS * 90
        self.clock0 = start_90 * 300
        self.counters = Counters()
        self.cc: dict[int, int] = {}
        self.tables = {
            "pat": ts.pat(TRANSPORT_ID, PROGRAM, PMT_PID),
            "pmt": ts.pmt(PROGRAM, VIDEO_PID, [(0x1B, VIDEO_PID, b"")] + [
                (AUDIO_STREAM_TYPES[audio], pid, ts.language_descriptor(ISO639[lang])) for lang, pid in AUDIO_PIDS.items()] + [
                (0x06, pid, ts.subtitling_descriptor(ISO639[track[5:]], subtitles.PAGE)) for track, pid in SUBTITLE_PIDS.items()]),
            "sdt": ts.sdt(TRANSPORT_ID, NETWORK_ID, SERVICE_ID, provider, service),
        }
        self.tables_due = {"psi": 0, "sdt": 0, "tdt": 0, "eit": 0, "eit_schedule": 0}
        self.queued: deque[bytes] = deque()  # table packets, sent before anything else
        # EIT sections waiting for null slots: present/following before the schedule; one
        # section leaves whole before the next starts (they share a PID)
        self.guide_sections: dict[str, deque[bytes]] = {"pf": deque(), "schedule": deque()}
        self.guide_packets: deque[bytes] = deque()
        self.pes: deque[bytes] = deque()  # the packets of the PES on its way
        self.pes_pid = 0
        self.last_pcr: int | None = None

    def clock(self, n: int | None = None) -> int:
        """The 27 MHz clock at the PCR field of packet `n` (the next one by default)."""
        n = self.counters.packets if n is None else n
        return self.clock0 + (n * ts.PACKET + 10) * 8 * CLOCK_HZ // self.muxrate

    def stream_ms(self) -> int:
        """The schedule instant a receiver shows now (epoch ms)."""
        return self.clock() // (300 * 90)

    def take(self, count: int) -> bytes:
        return b"".join(self.next_packet() for _ in range(count))

    def next_packet(self) -> bytes:
        now = self.clock()
        now_ms = now // (300 * 90)
        self._schedule_tables(now_ms)
        self.counters.packets += 1
        if self.queued:
            return self.queued.popleft()
        pcr_due = self.last_pcr is None or now - self.last_pcr >= PCR_EVERY_MS * 27_000
        if not self.pes:
            self._start_pes(now // 300)
        if pcr_due:
            self.last_pcr = now
            if self.pes and self.pes_pid == VIDEO_PID:
                return self._pes_packet(pcr=now)
            last = (self.cc.get(VIDEO_PID, 0) - 1) & 0x0F  # no payload: the counter repeats the last one
            return ts.packet(VIDEO_PID, last, b"", pcr=now)
        if self.pes:
            return self._pes_packet()
        if not self.guide_packets:
            waiting = self.guide_sections["pf"] or self.guide_sections["schedule"]
            if waiting:
                self.guide_packets.extend(ts.packets_of_section(ts.EIT_PID, waiting.popleft(), 0)[0])
        if self.guide_packets:
            self.counters.eit_packets += 1
            raw = self.guide_packets.popleft()
            counter = self.cc.get(ts.EIT_PID, 0)
            self.cc[ts.EIT_PID] = (counter + 1) & 0x0F
            return raw[:3] + bytes([raw[3] & 0xF0 | counter]) + raw[4:]
        self.counters.null_packets += 1
        return ts.NULL_PACKET

    def _schedule_tables(self, now_ms: int) -> None:
        due = self.tables_due
        if now_ms >= due["psi"]:
            due["psi"] = now_ms + PSI_EVERY_MS
            self._queue(ts.PAT_PID, self.tables["pat"])
            self._queue(PMT_PID, self.tables["pmt"])
        if now_ms >= due["sdt"]:
            due["sdt"] = now_ms + SDT_EVERY_MS
            self._queue(ts.SDT_PID, self.tables["sdt"])
        if now_ms >= due["tdt"]:
            due["tdt"] = now_ms + TDT_EVERY_MS
            self._queue(ts.TDT_PID, ts.tdt(now_ms))
        if self.guide is None:
            return
        if now_ms >= due["eit"] and not self.guide_sections["pf"]:
            due["eit"] = now_ms + EIT_EVERY_MS
            self.guide_sections["pf"].extend(self.guide.present_following(now_ms))
        if now_ms >= due["eit_schedule"] and not self.guide_sections["schedule"]:
            due["eit_schedule"] = now_ms + EIT_SCHEDULE_EVERY_MS
            self.guide_sections["schedule"].extend(self.guide.schedule(now_ms))

    def _queue(self, pid: int, data: bytes) -> None:
        packets, self.cc[pid] = ts.packets_of_section(pid, data, self.cc.get(pid, 0))
        self.queued.extend(packets)

    def _start_pes(self, now_90: int) -> None:
        unit = self.head
        if unit is None or unit.dts - DELAY_MS * 90 > now_90:
            return
        self.head = next(self.units, None)
        if unit.track == GAP:
            return
        if unit.dts < now_90:
            self.counters.late_units += 1
        video = unit.track == VIDEO
        pid = PIDS[unit.track]
        self.counters.pes[unit.track] += 1
        stream_id = 0xE0 if video else 0xBD if pid in SUBTITLE_PIDS.values() else 0xC0
        data = ts.pes_header(stream_id, unit.pts, unit.dts if video else None, len(unit.data)) + unit.data
        self.pes_pid = pid
        self.pes_key = unit.key and video
        self.pes = deque([data])
        self.pes_first = True

    def _pes_packet(self, pcr: int | None = None) -> bytes:
        data = self.pes.popleft()
        first = self.pes_first
        random_access = first and self.pes_key
        room = 184 - (8 if pcr is not None else 2 if random_access else 0)
        chunk, rest = data[:room], data[room:]
        if rest:
            self.pes.appendleft(rest)
        counter = self.cc.get(self.pes_pid, 0)
        self.cc[self.pes_pid] = (counter + 1) & 0x0F
        self.pes_first = False
        return ts.packet(self.pes_pid, counter, chunk, start=first, pcr=pcr, random_access=random_access)
