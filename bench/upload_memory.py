"""Server memory while receiving a 2 GB tus upload, against plain Python file writes.

Starts a real `content-server serve` process, uploads SIZE bytes (a repeating pattern made on the
fly, never held in memory) to 127.0.0.1 in tus PATCH requests, samples the server's RSS from
/proc/PID/status, and prints the peak RSS growth (target < 64 MB) and the throughput. For
reference, the same bytes are then written with plain Python file writes in this process.
Everything written is removed afterwards.

    .venv/bin/python bench/upload_memory.py [--gib 2] [--patch-mib 256] [--rounds 3]
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel import auth  # noqa: E402
from content_server.kernel.config import DataRoot  # noqa: E402
from content_server.storage import Store, accounts  # noqa: E402

BLOCK = hashlib.sha256(b"legal-tv").digest() * (1024 * 1024 // 32)  # 1 MiB, reused for every block
MIB = 1024 * 1024


def rss_bytes(pid: int | str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


class PeakRss:
    """Samples a process's RSS every 20 ms in a thread; `.peak` is the highest seen."""

    def __init__(self, pid: int | str):
        self.pid, self.peak, self._stop = pid, rss_bytes(pid), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes(self.pid))

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.pid))


def pattern(size: int):
    """`size` bytes of the repeating block, yielded block by block."""
    full, rest = divmod(size, len(BLOCK))
    for _ in range(full):
        yield BLOCK
    if rest:
        yield BLOCK[:rest]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int) -> subprocess.Popen:
    log = open(data.parent / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "content_server.cli", "serve", "--data", str(data),
                             "--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start:\n" + (data.parent / "server.log").read_text())


def editor_token(data: Path) -> str:
    DataRoot(data).create()
    store = Store(DataRoot(data).database)
    user_id = store.write_blocking(accounts.add_user, "bench", "editor", auth.hash_password("bench bench bench"))
    token, token_hash = auth.new_token("ltv")
    store.write_blocking(accounts.add_api_token, user_id, token_hash)
    store.close()
    return token


def tus_upload(port: int, token: str, size: int, patch_size: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    tus = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    conn.request("POST", "/api/v1/uploads", headers={**tus, "Upload-Length": str(size)})
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 201, resp.status
    location, offset = resp.headers["Location"], 0
    while offset < size:
        piece = min(patch_size, size - offset)
        conn.request("PATCH", location, body=pattern(piece), headers={
            **tus, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset),
            "Content-Length": str(piece)})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 204, resp.status
        offset = int(resp.headers["Upload-Offset"])
    conn.close()


def plain_writes(path: Path, size: int) -> None:
    with open(path, "wb") as out:
        for block in pattern(size):
            out.write(block)
        out.flush()
        os.fsync(out.fileno())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=2.0)
    parser.add_argument("--patch-mib", type=int, default=256, help="bytes per PATCH request")
    parser.add_argument("--rounds", type=int, default=3, help="alternating tus / plain rounds; medians are printed")
    args = parser.parse_args()
    size = int(args.gib * 1024**3)
    workdir = Path(tempfile.mkdtemp(prefix="upload-bench-", dir=ROOT / "bench"))
    data, port = workdir / "data", free_port()
    proc = None
    try:
        token = editor_token(data)
        proc = start_server(data, port)
        tus_upload(port, token, 4 * MIB, MIB)  # warm up code paths before the baseline
        time.sleep(0.5)
        baseline = rss_bytes(proc.pid)
        peak, own_growth, tus_seconds, plain_seconds = baseline, 0, [], []
        for _ in range(args.rounds):
            with PeakRss(proc.pid) as server_rss:
                started = time.perf_counter()
                tus_upload(port, token, size, args.patch_mib * MIB)
                tus_seconds.append(time.perf_counter() - started)
            peak = max(peak, server_rss.peak)
            for path in DataRoot(data).uploads.glob("*.bin"):
                path.unlink()  # free the disk between runs

            own_baseline = rss_bytes("self")
            with PeakRss("self") as own_rss:
                started = time.perf_counter()
                plain_writes(workdir / "reference.bin", size)
                plain_seconds.append(time.perf_counter() - started)
            own_growth = max(own_growth, own_rss.peak - own_baseline)
            (workdir / "reference.bin").unlink()

        growth = (peak - baseline) / MIB
        tus_median, plain_median = statistics.median(tus_seconds), statistics.median(plain_seconds)
        print(f"upload size:               {size / 1024**3:.2f} GiB in {args.patch_mib} MiB tus PATCHes, "
              f"{args.rounds} rounds")
        print(f"server RSS baseline/peak:  {baseline / MIB:.1f} / {peak / MIB:.1f} MiB")
        print(f"server peak RSS growth:    {growth:.1f} MiB (target < 64) -> {'OK' if growth < 64 else 'OVER'}")
        print(f"tus upload, median:        {size / MIB / tus_median:.0f} MiB/s ({tus_median:.2f} s)")
        print(f"plain file writes, median: {size / MIB / plain_median:.0f} MiB/s ({plain_median:.2f} s), "
              f"peak RSS growth {own_growth / MIB:.1f} MiB")
        print(f"throughput ratio tus/plain (medians): {plain_median / tus_median:.2f}")
        return 0 if growth < 64 else 1
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
