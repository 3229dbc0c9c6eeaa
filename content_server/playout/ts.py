"""MPEG transport stream pieces: 188-byte packets, PSI/SI sections and PES packets.

Only what a broadcast playout writes: PAT, PMT, SDT, EIT and TDT sections (ISO/IEC 13818-1,
ETSI EN 300 468), PES packets of copied video and audio, PCR in adaptation fields, null packets.
"""
from __future__ import annotations

import zlib
from datetime import datetime, timezone

PACKET = 188
SYNC = 0x47
PAT_PID, SDT_PID, EIT_PID, TDT_PID, NULL_PID = 0x0000, 0x0011, 0x0012, 0x0014, 0x1FFF
PTS_WRAP = 1 << 33
NULL_PACKET = bytes([SYNC, 0x1F, 0xFF, 0x10]) + b"\xff" * 184

# EN 300 468 Annex A: the first byte of a text field names its character table
GB2312 = b"\x13"
UTF8 = b"\x15"


_REVERSED = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))


def crc32_mpeg(data: bytes) -> int:
    """The CRC that ends every PSI/SI section (CRC-32/MPEG-2: MSB first, no final xor), computed
    by zlib's reflected CRC-32 on bit-reversed bytes, then reversed back."""
    reflected = zlib.crc32(data.translate(_REVERSED)) ^ 0xFFFFFFFF
    return int(f"{reflected:032b}"[::-1], 2)


def section(table_id: int, extension: int, body: bytes, version: int = 0, number: int = 0,
            last: int = 0, syntax: bool = True, private: bool = False) -> bytes:
    """A long-form section with its CRC (or a short one for TDT when `syntax` is False)."""
    if not syntax:
        return bytes([table_id, 0x70 | (len(body) >> 8), len(body) & 0xFF]) + body
    head = extension.to_bytes(2, "big") + bytes([0xC1 | ((version & 0x1F) << 1), number, last])
    length = len(head) + len(body) + 4
    flags = 0xB0 if not private else 0xF0
    data = bytes([table_id, flags | (length >> 8), length & 0xFF]) + head + body
    return data + crc32_mpeg(data).to_bytes(4, "big")


def descriptor(tag: int, payload: bytes) -> bytes:
    return bytes([tag, len(payload)]) + payload


def dvb_text(text: str, language: str) -> bytes:
    """A DVB text field: Chinese in GB2312 (table 0x13), everything else in UTF-8 (0x15)."""
    if language == "zh":
        try:
            return GB2312 + text.encode("gb2312")
        except UnicodeEncodeError:
            pass  # a character outside GB2312: UTF-8 says it too
    return UTF8 + text.encode("utf-8")


def decode_dvb_text(data: bytes) -> str:
    if not data:
        return ""
    if data[0] == 0x13:
        return data[1:].decode("gb2312")
    if data[0] == 0x15:
        return data[1:].decode("utf-8")
    return data.decode("latin-1")


def pat(transport_id: int, program: int, pmt_pid: int) -> bytes:
    return section(0x00, transport_id, program.to_bytes(2, "big") + (0xE000 | pmt_pid).to_bytes(2, "big"))


def pmt(program: int, pcr_pid: int, streams: list[tuple[int, int, bytes]]) -> bytes:
    """streams: (stream_type, pid, descriptors)."""
    body = (0xE000 | pcr_pid).to_bytes(2, "big") + (0xF000).to_bytes(2, "big")
    for stream_type, pid, descriptors in streams:
        body += bytes([stream_type]) + (0xE000 | pid).to_bytes(2, "big") + (0xF000 | len(descriptors)).to_bytes(2, "big")
        body += descriptors
    return section(0x02, program, body)


def subtitling_descriptor(iso639: str, page: int) -> bytes:
    """DVB subtitles for an HD display (type 0x14) on composition and ancillary page `page`."""
    return descriptor(0x59, iso639.encode("ascii") + bytes([0x14]) + page.to_bytes(2, "big") * 2)


def language_descriptor(iso639: str) -> bytes:
    return descriptor(0x0A, iso639.encode("ascii") + b"\x00")  # audio type 0: undefined (normal)


def sdt(transport_id: int, network_id: int, service_id: int, provider: dict, name: dict) -> bytes:
    """SDT actual: a digital television service named in Chinese (GB2312) and Mongolian (UTF-8)."""
    service = descriptor(0x48, bytes([0x01]) + _sized(dvb_text(provider["zh"], "zh")) + _sized(dvb_text(name["zh"], "zh")))
    multilingual = b"".join(lang3.encode() + _sized(dvb_text(provider[lang], lang)) + _sized(dvb_text(name[lang], lang))
                            for lang, lang3 in (("zh", "chi"), ("mn", "mon")))
    descriptors = service + descriptor(0x5D, multilingual)
    entry = service_id.to_bytes(2, "big") + bytes([0xFC]) + (0x8000 | len(descriptors)).to_bytes(2, "big") + descriptors
    return section(0x42, transport_id, network_id.to_bytes(2, "big") + b"\xff" + entry)


def _sized(data: bytes) -> bytes:
    return bytes([len(data)]) + data


def mjd_utc(epoch_ms: int) -> bytes:
    """Five bytes: Modified Julian Date and UTC hh:mm:ss in BCD (EN 300 468 Annex C)."""
    moment = datetime.fromtimestamp(epoch_ms // 1000, timezone.utc)
    mjd = moment.toordinal() - datetime(1858, 11, 17).toordinal()
    return mjd.to_bytes(2, "big") + bytes(_bcd(v) for v in (moment.hour, moment.minute, moment.second))


def _bcd(value: int) -> int:
    return (value // 10) << 4 | value % 10


def bcd_duration(ms: int) -> bytes:
    seconds = max(0, ms // 1000)
    return bytes(_bcd(v) for v in (min(seconds // 3600, 99), seconds // 60 % 60, seconds % 60))


def tdt(epoch_ms: int) -> bytes:
    return section(0x70, 0, mjd_utc(epoch_ms), syntax=False)


def packets_of_section(pid: int, data: bytes, counter: int) -> tuple[list[bytes], int]:
    """A section cut into packets (pointer field first, 0xFF stuffing last); the next counter."""
    payload = b"\x00" + data
    out = []
    for n in range(0, len(payload), 184):
        chunk = payload[n:n + 184]
        head = bytes([SYNC, (0x40 if n == 0 else 0) | pid >> 8, pid & 0xFF, 0x10 | counter])
        out.append(head + chunk + b"\xff" * (184 - len(chunk)))
        counter = (counter + 1) & 0x0F
    return out, counter


def pes_header(stream_id: int, pts: int, dts: int | None, payload_length: int) -> bytes:
    """A PES header with PTS (and DTS when it differs); video PES get length 0 (unbounded)."""
    if dts is not None and dts != pts:
        flags, fields = 0xC0, _timestamp(0x3, pts) + _timestamp(0x1, dts)
    else:
        flags, fields = 0x80, _timestamp(0x2, pts)
    length = 3 + len(fields) + payload_length
    size = 0 if stream_id == 0xE0 or length > 0xFFFF else length
    aligned = 0x84 if stream_id == 0xBD else 0x80  # DVB subtitles start a display set in each PES
    return b"\x00\x00\x01" + bytes([stream_id]) + size.to_bytes(2, "big") + bytes([aligned, flags, len(fields)]) + fields


def _timestamp(marker: int, value: int) -> bytes:
    value %= PTS_WRAP
    return bytes([(marker << 4) | ((value >> 29) & 0x0E) | 1, (value >> 22) & 0xFF, ((value >> 14) & 0xFE) | 1,
                  (value >> 7) & 0xFF, ((value << 1) & 0xFE) | 1])


def read_timestamp(data: bytes) -> int:
    return (((data[0] >> 1) & 0x07) << 30) | (data[1] << 22) | ((data[2] >> 1) << 15) | (data[3] << 7) | (data[4] >> 1)


def pcr_field(pcr: int) -> bytes:
    """Six bytes of PCR: a 33-bit base at 90 kHz and a 9-bit extension at 27 MHz."""
    base, extension = (pcr // 300) % PTS_WRAP, pcr % 300
    return bytes([base >> 25 & 0xFF, base >> 17 & 0xFF, base >> 9 & 0xFF, base >> 1 & 0xFF,
                  (base & 1) << 7 | 0x7E | extension >> 8, extension & 0xFF])


def packet(pid: int, counter: int, payload: bytes, start: bool = False, pcr: int | None = None,
           random_access: bool = False) -> bytes:
    """One packet carrying `payload` (at most what fits), stuffed with an adaptation field."""
    adaptation = b""
    if pcr is not None or random_access or len(payload) < 184:
        flags = (0x10 if pcr is not None else 0) | (0x40 if random_access else 0)
        field = bytes([flags]) + (pcr_field(pcr) if pcr is not None else b"")
        room = 183 - len(payload)  # bytes after the adaptation_field_length byte
        if room < (len(field) if flags else 0):
            raise ValueError("payload too long for this packet")
        adaptation = bytes([room]) + (field + b"\xff" * (room - len(field)) if room else b"")
    control = (0x30 if adaptation else 0x10) if payload else 0x20
    head = bytes([SYNC, (0x40 if start else 0) | pid >> 8, pid & 0xFF, control | counter])
    return head + adaptation + payload

