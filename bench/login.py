"""Benchmark: does a burst of wrong passwords stall everyone else?

Starts a real `content-server serve` (behind "a proxy": the bench is trusted and sends each
login from its own X-Forwarded-For address, with the per-address and per-account limits raised so
that every login really runs scrypt). Each round polls /healthz from a separate thread, first
alone (the reference) and then while 50 wrong logins (half known names, half unknown) are sent
in parallel; it prints /healthz p50/p99 for both, their ratio and the login statuses. Then it
times wrong logins one at a time, known and unknown names in turn: the two should cost the same,
so that timing does not tell which names exist. Goal: /healthz p99 under load < 50 ms.

    .venv/bin/python bench/login.py [--rounds 3] [--logins 50]
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel import auth  # noqa: E402
from content_server.storage import Store, accounts  # noqa: E402

PASSWORD = "correct horse battery"
LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "content_server.cli", "serve", "--data", str(data), "--port", str(port),
         "--trusted-proxies", "127.0.0.1", "--login-attempts-per-15-minutes", "100000",
         "--login-failures-before-backoff", "100000", "--password-hash-queue", "200"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


class HealthPoller(threading.Thread):
    """GET /healthz over one keep-alive connection, back to back, until stopped."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port, self.latencies, self.stop = port, [], threading.Event()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stop.is_set():
            started = time.perf_counter()
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            self.latencies.append((time.perf_counter() - started) * 1000)
            time.sleep(0.002)
        conn.close()


async def wrong_logins(base: str, names: list[str], at_once: bool = True) -> tuple[Counter, dict[str, list[float]]]:
    """One wrong login per name, all at once (or one after another), each from its own address."""
    statuses: Counter = Counter()
    took: dict[str, list[float]] = {"known": [], "unknown": []}

    async def one(n: int, name: str) -> None:
        forwarded = {"X-Forwarded-For": f"10.{n // 250}.{n % 250}.1"}
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(f"{base}/console/login", headers=forwarded) as r:
                token = LOGIN_TOKEN.search(await r.text()).group(1)
            started = time.perf_counter()
            async with session.post(f"{base}/console/login", headers={**forwarded, "Origin": base},
                                    data={"name": name, "password": "not the password", "login_token": token}) as r:
                await r.read()
                statuses[r.status] += 1
            took["known" if name.startswith("known") else "unknown"].append((time.perf_counter() - started) * 1000)
    if at_once:
        await asyncio.gather(*(one(n, name) for n, name in enumerate(names)))
    else:
        for n, name in enumerate(names):
            await one(n, name)
    return statuses, took


def poll_while(port: int, work=None, seconds: float = 0.0) -> list[float]:
    poller = HealthPoller(port)
    poller.start()
    if work is not None:
        result = work()
    else:
        time.sleep(seconds)
        result = None
    poller.stop.set()
    poller.join()
    return poller.latencies, result


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--logins", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        store = Store(data / "legal-tv.db")
        known = [f"known{n}" for n in range(args.logins // 2)]
        password_hash = auth.hash_password(PASSWORD)
        for name in known:
            store.write_blocking(accounts.add_user, name, "staff", password_hash)
        store.close()
        unknown = [f"unknown{n}" for n in range(args.logins - len(known))]
        names = [name for pair in zip(known, unknown) for name in pair] + known[len(unknown):]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(data, port)
        try:
            poll_while(port, seconds=1.0)  # warm up
            rows = []
            for round_no in range(args.rounds):
                loaded, (statuses, took) = poll_while(port, lambda: asyncio.run(wrong_logins(base, names)))
                duration = max(took["known"] + took["unknown"]) / 1000
                quiet, _ = poll_while(port, seconds=max(1.0, duration))
                _, one_by_one = asyncio.run(wrong_logins(base, names[:20], at_once=False))
                rows.append((pct(quiet, .5), pct(quiet, .99), pct(loaded, .5), pct(loaded, .99),
                             statistics.median(one_by_one["known"]), statistics.median(one_by_one["unknown"])))
                print(f"round {round_no + 1}: /healthz alone p50 {rows[-1][0]:.1f} ms p99 {rows[-1][1]:.1f} ms "
                      f"({len(quiet)} requests) | during {len(names)} wrong logins p50 {rows[-1][2]:.1f} ms "
                      f"p99 {rows[-1][3]:.1f} ms ({len(loaded)} requests), all answered in {duration:.1f} s, "
                      f"statuses {dict(statuses)} | one at a time: known name {rows[-1][4]:.0f} ms, "
                      f"unknown {rows[-1][5]:.0f} ms")
        finally:
            server.terminate()
            server.wait(10)
    med = [statistics.median(column) for column in zip(*rows)]
    print(f"median of {args.rounds} rounds, cores: {os.cpu_count()}")
    print(f"  /healthz alone:           p50 {med[0]:7.1f} ms   p99 {med[1]:7.1f} ms")
    print(f"  /healthz during logins:   p50 {med[2]:7.1f} ms   p99 {med[3]:7.1f} ms   (goal p99 < 50 ms)")
    print(f"  ratio during/alone:       p50 {med[2] / med[0]:7.2f}x     p99 {med[3] / med[1]:7.2f}x")
    print(f"  one wrong login:          known name {med[4]:.0f} ms, unknown name {med[5]:.0f} ms "
          f"(ratio {med[4] / med[5]:.2f}; 1 = names cannot be told apart by time)")


if __name__ == "__main__":
    main()
