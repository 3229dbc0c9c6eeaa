"""Where the transport stream goes: UDP (unicast or multicast) datagrams of whole packets, or
SRT (caller or listener) through Debian's srt-live-transmit."""
from __future__ import annotations

import ipaddress
import shutil
import socket
import subprocess
from urllib.parse import parse_qs, urlsplit

from .ts import PACKET


class OutputError(ValueError):
    pass


class UdpOutput:
    """`udp://HOST:PORT?pkt_size=1316&ttl=N&localaddr=IP`: a multicast group gets the TTL and,
    with `localaddr`, leaves by that interface (what a headend link needs)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme != "udp" or not parts.hostname or not parts.port:
            raise OutputError(f"expected udp://HOST:PORT, got {url!r}")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        size = int(query.get("pkt_size", 7 * PACKET))
        if size < PACKET or size % PACKET:
            raise OutputError("pkt_size must be a multiple of 188 (1316 for seven packets)")
        self.per_datagram = size // PACKET
        self.address = (parts.hostname, parts.port)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if ipaddress.ip_address(socket.gethostbyname(parts.hostname)).is_multicast:
            self.socket.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, int(query.get("ttl", 1)))
            if "localaddr" in query:
                self.socket.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(query["localaddr"]))

    def send(self, data: bytes) -> None:
        step = self.per_datagram * PACKET
        for n in range(0, len(data), step):
            try:
                self.socket.sendto(data[n:n + step], self.address)
            except OSError:  # nobody listening (unicast ICMP refusal): a broadcast keeps going
                pass

    def close(self) -> None:
        self.socket.close()


class SrtOutput:
    """`srt://HOST:PORT?mode=caller` (or `srt://:PORT?mode=listener`, and SRT's other options such
    as `latency` and `passphrase`): the datagrams go over loopback to srt-live-transmit, which
    carries each one as an SRT packet, byte for byte. Nothing is remuxed, so the tables, the
    timestamps and the constant rate arrive as made. If the relay stops, sending fails and the
    playout stops, to be started again by whoever runs it."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if parts.scheme != "srt" or not parts.port:
            raise OutputError(f"expected srt://HOST:PORT?mode=caller or srt://:PORT?mode=listener, got {url!r}")
        relay = shutil.which("srt-live-transmit")
        if relay is None:
            raise OutputError("SRT output needs srt-live-transmit (Debian package srt-tools)")
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(("127.0.0.1", 0))  # a free loopback port for the relay's input
        port = probe.getsockname()[1]
        probe.close()
        self.process = subprocess.Popen([relay, "-q", "-chunk:1316", f"udp://127.0.0.1:{port}", url],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        self.udp = UdpOutput(f"udp://127.0.0.1:{port}?pkt_size=1316")

    def send(self, data: bytes) -> None:
        if self.process.poll() is not None:
            raise OutputError(f"srt-live-transmit stopped (exit {self.process.returncode})")
        self.udp.send(data)

    def close(self) -> None:
        self.udp.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def open_output(url: str) -> UdpOutput | SrtOutput:
    if url.startswith("udp://"):
        return UdpOutput(url)
    if url.startswith("srt://"):
        return SrtOutput(url)
    raise OutputError(f"unsupported output {url!r}: use udp://HOST:PORT?pkt_size=1316 or srt://HOST:PORT?mode=caller")
