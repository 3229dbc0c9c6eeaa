"""Where the transport stream goes: UDP (unicast or multicast) datagrams of whole packets."""
from __future__ import annotations

import ipaddress
import socket
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


def open_output(url: str) -> UdpOutput:
    if url.startswith("udp://"):
        return UdpOutput(url)
    raise OutputError(f"unsupported output {url!r}: use udp://HOST:PORT?pkt_size=1316")
