"""HTTP/1.1 spoken by hand over a real socket, so a test controls how a request is cut into pieces."""
from __future__ import annotations

import json
import socket
import time


def request_head(method: str, path: str, headers: dict) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(body: bytes, size: int) -> list[bytes]:
    """`body` in chunked transfer encoding, one chunk per `size` bytes, then the last chunk."""
    return [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size]) for i in range(0, len(body), size)] + [b"0\r\n\r\n"]


def pieces_of(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def exchange(port: int, pieces: list[bytes], pause: float = 0.0, timeout: float = 30) -> tuple[int, dict | bytes]:
    """Sends `pieces` one write each with `pause` seconds between; returns (status, JSON or raw body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # each piece its own segment
        for i, piece in enumerate(pieces):
            if i and pause:
                time.sleep(pause)
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server answered early (e.g. 413) and closed
        reply = b""
        try:
            while chunk := sock.recv(65536):
                reply += chunk
        except ConnectionResetError:
            pass
    head, _, body = reply.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body
