"""A small MPEG-TS analyser for the playout tests: what a headend's TR 101 290 probe checks first.

It reads raw bytes (as received from UDP) and reports continuity errors, PCRs, table
repetition, PES timestamps per PID, the PMT's languages, the SDT's names and the EIT p/f
events, with each packet's time on the stream's own clock (PCR), never the receiver's.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, field

from content_server.playout.ts import decode_dvb_text, read_timestamp

PACKET = 188
WRAP = 1 << 33


def pcr_of(p: bytes) -> int | None:
    if p[3] & 0x20 and p[4] >= 7 and p[5] & 0x10:
        base = p[6] << 25 | p[7] << 17 | p[8] << 9 | p[9] << 1 | p[10] >> 7
        return base * 300 + ((p[10] & 1) << 8 | p[11])
    return None


def receive(sock: socket.socket, chunks: list[bytes], until_ms: int, near_ms: int) -> None:
    """Appends datagrams until the stream's clock passes `until_ms` (epoch ms near `near_ms`)."""
    while True:
        data = sock.recv(65536)
        chunks.append(data)
        for n in range(len(data) - PACKET, -1, -PACKET):
            pcr = pcr_of(data[n:n + PACKET])
            if pcr is not None:
                if epoch_ms(pcr // 300, near_ms) >= until_ms:
                    return
                break


def epoch_ms(ticks90: int, near_ms: int) -> float:
    """A 33-bit 90 kHz time as epoch ms, given an instant near it (the stream's PTS is schedule time)."""
    delta = (ticks90 - near_ms * 90) % WRAP
    if delta >= WRAP // 2:
        delta -= WRAP
    return near_ms + delta / 90


@dataclass
class Analysis:
    packets: int = 0
    continuity_errors: list = field(default_factory=list)
    pcrs: list = field(default_factory=list)  # (packet index, pcr 27 MHz unwrapped)
    tables: dict = field(default_factory=dict)  # table name → packet indices where a section starts
    pes: dict = field(default_factory=dict)  # pid → [(pts, dts)]
    languages: dict = field(default_factory=dict)  # pid → ISO 639 code
    stream_types: dict = field(default_factory=dict)
    sdt_names: list = field(default_factory=list)
    eit: list = field(default_factory=list)  # (packet index, section number, event dict)
    eit_schedule: list = field(default_factory=list)  # (index, (version, section, last, segment last), event)
    text_tables: set = field(default_factory=set)  # (ISO 639, Annex A table byte) of EIT names

    def time_ms(self, index: int, near_ms: int) -> float:
        """A packet's time on the stream clock, interpolated from the PCRs around it."""
        for (i0, c0), (i1, c1) in zip(self.pcrs, self.pcrs[1:]):
            if i0 <= index <= i1:
                return _ms(c0 + (c1 - c0) * (index - i0) / (i1 - i0), near_ms)
        i0, c0 = self.pcrs[-1] if index > self.pcrs[-1][0] else self.pcrs[0]
        return _ms(c0, near_ms)


def _ms(pcr27: float, near_ms: int) -> float:
    return epoch_ms(int(pcr27 // 300) % WRAP, near_ms)


def analyse(data: bytes) -> Analysis:
    a = Analysis()
    counters: dict[int, int] = {}
    sections: dict[int, bytearray] = {}
    pes_open: dict[int, bytearray] = {}
    pmt_pid = None
    last_pcr = None
    for index in range(len(data) // PACKET):
        p = data[index * PACKET:(index + 1) * PACKET]
        assert p[0] == 0x47, f"lost sync at packet {index}"
        a.packets += 1
        pid = (p[1] & 0x1F) << 8 | p[2]
        if pid == 0x1FFF:
            continue
        start = bool(p[1] & 0x40)
        control, cc = p[3] >> 4 & 3, p[3] & 0x0F
        has_payload = bool(control & 1)
        if pid in counters:
            expected = (counters[pid] + 1) & 0x0F if has_payload else counters[pid]
            if cc != expected:
                a.continuity_errors.append((index, pid, counters[pid], cc))
        counters[pid] = cc
        pcr = pcr_of(p)
        if pcr is not None:
            if last_pcr is not None:
                step = (pcr - last_pcr[1] % (WRAP * 300)) % (WRAP * 300)
                pcr = last_pcr[1] + step
            a.pcrs.append((index, pcr))
            last_pcr = (index, pcr)
        offset = 4 + (1 + p[4] if control & 2 else 0)
        if not has_payload or offset >= PACKET:
            continue
        payload = p[offset:]
        if pid in (0, 0x11, 0x12, 0x14) or pid == pmt_pid:
            if start:
                pointer = payload[0]
                if pid in sections and pointer:
                    sections[pid] += payload[1:1 + pointer]
                    _section(a, pid, bytes(sections[pid]), index)
                sections[pid] = bytearray(payload[1 + pointer:])
            elif pid in sections:
                sections[pid] += payload
            body = sections.get(pid)
            if body and len(body) >= 3 and len(body) >= 3 + ((body[1] & 0x0F) << 8 | body[2]):
                found = _section(a, pid, bytes(body), index)
                if found:
                    pmt_pid = found
                del sections[pid]
            continue
        if pid in a.stream_types:
            if start and pid in pes_open:
                _pes(a, pid, bytes(pes_open[pid]))
            if start:
                pes_open[pid] = bytearray(payload)
            elif pid in pes_open:
                pes_open[pid] += payload
    for pid, body in pes_open.items():
        _pes(a, pid, bytes(body))
    return a


def _pes(a: Analysis, pid: int, body: bytes) -> None:
    if body[:3] != b"\x00\x00\x01":
        return
    flags = body[7]
    pts = read_timestamp(body[9:14]) if flags & 0x80 else None
    dts = read_timestamp(body[14:19]) if flags & 0xC0 == 0xC0 else pts
    a.pes.setdefault(pid, []).append((pts, dts))


def _section(a: Analysis, pid: int, body: bytes, index: int) -> int | None:
    table = body[0]
    length = (body[1] & 0x0F) << 8 | body[2]
    body = body[:3 + length]
    name = {0x00: "pat", 0x02: "pmt", 0x42: "sdt", 0x4E: "eit_pf", 0x50: "eit_schedule", 0x70: "tdt"}.get(table)
    if name is None:
        return None
    a.tables.setdefault(name, []).append(index)
    if table == 0x00:
        return (body[10] & 0x1F) << 8 | body[11]
    if table == 0x02:
        info = (body[10] & 0x0F) << 8 | body[11]
        at = 12 + info
        while at < len(body) - 4:
            stream_type, es = body[at], (body[at + 1] & 0x1F) << 8 | body[at + 2]
            es_len = (body[at + 3] & 0x0F) << 8 | body[at + 4]
            a.stream_types[es] = stream_type
            for tag, payload in _descriptors(body[at + 5:at + 5 + es_len]):
                if tag in (0x0A, 0x59):  # ISO 639 language, DVB subtitling
                    a.languages[es] = payload[:3].decode()
            at += 5 + es_len
    elif table == 0x42:
        for tag, payload in _descriptors(body[16:len(body) - 4]):
            if tag == 0x5D:
                at = 0
                while at < len(payload):
                    lang = payload[at:at + 3].decode()
                    n = payload[at + 3]
                    provider = decode_dvb_text(payload[at + 4:at + 4 + n])
                    m = payload[at + 4 + n]
                    service = decode_dvb_text(payload[at + 5 + n:at + 5 + n + m])
                    a.sdt_names.append((lang, provider, service))
                    at += 5 + n + m
    elif table in (0x4E, 0x50):
        number = body[6] if table == 0x4E else (body[5] >> 1 & 0x1F, body[6], body[7], body[12])
        at = 14
        while at < len(body) - 4:
            mjd = body[at + 2] << 8 | body[at + 3]
            hh, mm, ss = (int(f"{b:02x}") for b in body[at + 4:at + 7])
            dh, dm, ds = (int(f"{b:02x}") for b in body[at + 7:at + 10])
            loop = (body[at + 10] & 0x0F) << 8 | body[at + 11]
            names = {}
            for tag, payload in _descriptors(body[at + 12:at + 12 + loop]):
                if tag == 0x4D:
                    n = payload[3]
                    names[payload[:3].decode()] = decode_dvb_text(payload[4:4 + n])
                    a.text_tables.add((payload[:3].decode(), payload[4]))
            start_s = (mjd - 40587) * 86400 + hh * 3600 + mm * 60 + ss
            (a.eit if table == 0x4E else a.eit_schedule).append((index, number, {"start_ms": start_s * 1000,
                                          "end_ms": (start_s + dh * 3600 + dm * 60 + ds) * 1000,
                                          "running": body[at + 10] >> 5, "names": names}))
            at += 12 + loop
    return None


def _descriptors(data: bytes):
    at = 0
    while at + 2 <= len(data):
        tag, n = data[at], data[at + 1]
        yield tag, data[at + 2:at + 2 + n]
        at += 2 + n
