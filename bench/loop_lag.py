"""Benchmark: how late the server's event loop wakes while the intake benchmark's load runs.

A probe inside the server process (a task that sleeps 10 ms, over and over, and records how much
later than asked it woke) measures the loop lag; anything that blocks the loop (a SQL statement,
a COMMIT's fsync, a lock's busy wait) shows as lag. The server is `content_server.app` run with
that probe added (`serve` below), so the same probe measures any revision of the code: pass
`--code DIR` (e.g. a `git worktree` of an older commit) to measure that one too, in the same run.

Per revision it prints the lag's p50 / p99 / max with no load, then under the intake load of
bench/intake.py (wrk, 50 connections, every request a new question), and the intake rate.
The goal: p99 loop lag under 5 ms while the intake load runs.

    .venv/bin/python bench/loop_lag.py [--seconds 8] [--code /tmp/old-checkout ...]
"""
from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

TICK = 0.01
SETTLE_SECONDS = 1.0  # skipped at the start of each phase (connections opening, the first batch)


def serve(code: Path, data: Path, port: int, lag_log: Path) -> None:
    """Runs the app of the checkout at `code` with the loop-lag probe; writes `time lag` lines."""
    sys.path.insert(0, str(code))
    import asyncio

    from aiohttp import web
    from content_server.app import create_app
    from content_server.kernel.config import Settings

    async def probe(app):
        log = open(lag_log, "a", buffering=1)

        async def tick():
            loop = asyncio.get_running_loop()
            lines = []
            while True:
                start = loop.time()
                await asyncio.sleep(TICK)
                lines.append(f"{time.time():.4f} {max(0.0, loop.time() - start - TICK):.6f}\n")
                if len(lines) >= 100:  # about once a second: a small write, not a stall
                    log.write("".join(lines))
                    lines = []
        task = asyncio.create_task(tick())
        yield
        task.cancel()
        log.close()

    app = create_app(Settings(data=data, port=port))
    app.cleanup_ctx.append(probe)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def lag_between(lag_log: Path, start: float, end: float) -> list[float]:
    lags = []
    for line in lag_log.read_text().splitlines():
        at, lag = line.split()
        if start <= float(at) < end:
            lags.append(float(lag) * 1000)
    return sorted(lags)


def summary(lags: list[float]) -> str:
    if not lags:
        return "no samples"
    p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
    return (f"p50 {statistics.median(lags):6.2f} ms  p99 {p99:6.2f} ms  max {lags[-1]:7.2f} ms"
            f"  ({len(lags)} samples)")


def p99_of(lags: list[float]) -> float:
    return lags[min(len(lags) - 1, int(len(lags) * 0.99))] if lags else float("nan")


def measure(code: Path, seconds: int, connections: int, threads: int, devices: int) -> dict:
    import intake  # bench/intake.py: its load generator and its setup of registered boxes

    with tempfile.TemporaryDirectory(prefix="loop-lag-") as tmp:
        tmp = Path(tmp)
        data, tokens, lag_log = tmp / "data", tmp / "tokens.txt", tmp / "lag.log"
        intake.make_devices(data, devices, tokens)
        (tmp / "intake.lua").write_text(intake.LUA % {"tokens": tokens})
        port = intake.free_port()
        server = subprocess.Popen([sys.executable, __file__, "serve", str(code), str(data), str(port), str(lag_log)],
                                  cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("the server did not start")
                    time.sleep(0.1)
            idle_start = time.time() + SETTLE_SECONDS
            time.sleep(seconds + SETTLE_SECONDS)
            idle_end = time.time()
            load: dict = {}
            runner = threading.Thread(target=lambda: load.update(intake.run_wrk(
                f"http://127.0.0.1:{port}/api/v1/questions", tmp / "intake.lua", seconds + 1, connections,
                threads, server.pid, "0", "0", str(devices), str(threads))))
            load_start = time.time() + SETTLE_SECONDS
            runner.start()
            runner.join()
            load_end = time.time() - 0.5  # wrk's last half second may already be winding down
            time.sleep(1.5)  # the probe writes its samples about once a second
        finally:
            server.terminate()
            server.wait(10)
        return {"idle": lag_between(lag_log, idle_start, idle_end),
                "load": lag_between(lag_log, load_start, load_end), "intake": load}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8, help="length of the idle and of the loaded phase")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--devices", type=int, default=20000)
    parser.add_argument("--code", type=Path, action="append", default=[],
                        help="another checkout to measure in the same run (e.g. an older commit)")
    args = parser.parse_args()
    results = {}
    for code in [ROOT, *args.code]:
        results[code] = measure(code.resolve(), args.seconds, args.connections, args.threads, args.devices)
    for code, result in results.items():
        name = "this checkout" if code == ROOT else str(code)
        load = result["intake"]
        print(f"{name}:")
        print(f"  loop lag, no load      : {summary(result['idle'])}")
        print(f"  loop lag, intake load  : {summary(result['load'])}")
        print(f"  intake                 : {load['rate']:.0f} questions/s, p50 {load['p50_ms']:.1f} ms, "
              f"p99 {load['p99_ms']:.1f} ms, {load['errors']} errors")
    ours = p99_of(results[ROOT]["load"])
    print(f"goal (p99 loop lag < 5 ms under the intake load): {'met' if ours < 5 else 'NOT met'} ({ours:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
