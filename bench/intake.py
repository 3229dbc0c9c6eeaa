"""Benchmark: acknowledged household questions per second against a real `content-server serve`.

50 concurrent connections (wrk with a Lua script: every request has its own Idempotency-Key,
its own phone number and one of many registered boxes, so nothing is merged or refused), with
the production durability setting (WAL, synchronous=FULL). Prints req/s, p50/p99 latency,
the count of 201 replies, and as a reference measured in the same run the rate of bare
/healthz requests, with the ratio. Afterwards it checks that every acknowledged question is stored.

    .venv/bin/python bench/intake.py [--rounds 3] [--seconds 5] [--connections 50] [--threads 2]
                                     [--database postgresql://…  (an empty database; default: SQLite)]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel import auth  # noqa: E402
from content_server.kernel.config import Settings  # noqa: E402
from content_server.questions import topics  # noqa: E402
from content_server.storage import Store, accounts  # noqa: E402

LUA = r"""
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local counter = 0
thread_no = 0  -- a global: setup() sets it per thread
local next_thread = 0

function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end

local offset, device_base, device_span, threads = 0, 0, #tokens, 1

function init(args)
  math.randomseed(os.time() + thread_no * 7919)
  -- each round uses phones and boxes no earlier round used, so nothing merges or hits the box limit
  offset = tonumber(args[1] or "0")
  device_base = tonumber(args[2] or "0")
  device_span = tonumber(args[3] or tostring(#tokens))
  threads = tonumber(args[4] or "1")
end

local run = 0
local function uuid()
  -- random per run and thread, then a counter: unique and cheap to make
  if run == 0 then run = math.random(0, 0x7fffffff) end
  return string.format("%%08x-%%04x-4%%03x-a%%03x-%%012x", run, thread_no, math.random(0, 4095),
                       math.random(0, 4095), counter)
end

function request()
  counter = counter + 1
  local n = offset + thread_no * 1000000 + counter
  local token = tokens[device_base + ((counter * threads + thread_no) %% device_span) + 1]
  local phone = string.format("13%%09d", n)
  local body = '{"topic":"wages","phrases":["wages.1"],"text":"","phone":"' .. phone ..
               '","callback_window":"any","language":"mn"}'
  return wrk.format("POST", "/api/v1/questions",
    {["Authorization"] = "Bearer " .. token, ["Idempotency-Key"] = uuid(),
     ["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d seconds=%%.3f p50=%%d p99=%%d errors=%%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout +
    summary.errors.status))
end
"""

HEALTH_LUA = r"""
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f p50=%d p99=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout +
    summary.errors.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fsync_ms(directory: Path, count: int = 40) -> tuple[float, float]:
    """Median and 90th percentile of one 4 KiB append + fsync on the data disk, in ms."""
    probe = directory / "fsync-probe"
    times = []
    with open(probe, "ab") as f:
        for _ in range(count):
            f.write(b"x" * 4096)
            f.flush()
            start = time.perf_counter()
            os.fsync(f.fileno())
            times.append((time.perf_counter() - start) * 1000)
    probe.unlink()
    times.sort()
    return statistics.median(times), times[int(count * 0.9)]


def median_of(runs: list[dict]) -> dict:
    """Each figure's median over the rounds."""
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def make_devices(data: Path, count: int, tokens_file: Path, database: str = "") -> None:
    settings = Settings(data=data, database=database)
    settings.root.create()
    store = Store(settings.database_url)
    store.write_blocking(topics.seed)  # what the server seeds when it starts
    tokens = store.write_blocking(_add_devices, count)
    store.close()
    tokens_file.write_text("\n".join(tokens) + "\n")


def _add_devices(tx, count: int) -> list[str]:
    tokens = []
    for i in range(count):
        token, token_hash = auth.new_token("dev")
        accounts.add_device(tx, f"bench-{i}", token_hash, "152500", "mn")
        tokens.append(token)
    return tokens


def stored_questions(data: Path, database: str = "") -> tuple[int, int]:
    """(questions stored, PRAGMA synchronous of a store connection; 2 on PostgreSQL, which syncs each COMMIT)."""
    store = Store(Settings(data=data, database=database).database_url)
    try:
        return store.read_blocking(_count_and_durability)
    finally:
        store.close()


def _count_and_durability(tx) -> tuple[int, int]:
    synchronous = tx.one("PRAGMA synchronous")[0] if getattr(tx, "dialect", "sqlite") == "sqlite" else 2
    return tx.one("SELECT COUNT(*) AS n FROM questions")["n"], synchronous


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, script: Path, seconds: int, connections: int, threads: int, server_pid: int,
            *script_args: str) -> dict:
    server_cpu = cpu_seconds(server_pid)
    wrk_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", str(script), url, *(["--", *script_args] if script_args else [])], capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT requests=(\d+) seconds=([\d.]+) p50=(\d+) p99=(\d+) errors=(\d+)", out)
    if not match:
        raise RuntimeError(out)
    requests, secs, p50, p99, errors = match.groups()
    server_cpu = cpu_seconds(server_pid) - server_cpu
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrk_cpu = after.ru_utime + after.ru_stime - wrk_cpu.ru_utime - wrk_cpu.ru_stime
    return {"server_cpu_us": server_cpu / int(requests) * 1e6, "wrk_cpu_us": wrk_cpu / int(requests) * 1e6,"requests": int(requests), "seconds": float(secs), "rate": int(requests) / float(secs),
            "p50_ms": int(p50) / 1000, "p99_ms": int(p99) / 1000, "errors": int(errors)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="alternating healthz/intake rounds; medians are printed")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--devices", type=int, default=30000)
    parser.add_argument("--database", default="", help="postgresql://… (an empty database); default: SQLite in a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-bench-") as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        tokens = tmp / "tokens.txt"
        make_devices(data, args.devices, tokens, args.database)
        (tmp / "intake.lua").write_text(LUA % {"tokens": tokens})
        (tmp / "health.lua").write_text(HEALTH_LUA)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "content_server.cli", "serve", "--data", str(data),
                                   "--port", str(port), *(["--database", args.database] if args.database else [])], cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            base = f"http://127.0.0.1:{port}"
            run_wrk(base + "/healthz", tmp / "health.lua", 2, args.connections, args.threads, server.pid)  # warm-up
            healths, intakes, syncs = [], [], []
            span = args.devices // args.rounds  # boxes per round: 3 questions each at most
            for round_no in range(args.rounds):  # alternate, so both see the same machine load
                syncs.append(fsync_ms(data))
                healths.append(run_wrk(base + "/healthz", tmp / "health.lua", args.seconds, args.connections,
                                       args.threads, server.pid))
                intakes.append(run_wrk(base + "/api/v1/questions", tmp / "intake.lua", args.seconds,
                                       args.connections, args.threads, server.pid, str(round_no * 10_000_000),
                                       str(round_no * span), str(span), str(args.threads)))
                print(f"round {round_no + 1}: intake {intakes[-1]['rate']:.0f} req/s p99 {intakes[-1]['p99_ms']:.1f} ms;"
                      f" healthz {healths[-1]['rate']:.0f} req/s", flush=True)
        finally:
            server.terminate()
            server.wait(10)
        stored, synchronous = stored_questions(data, args.database)
    acknowledged = sum(i["requests"] - i["errors"] for i in intakes)
    errors = sum(i["errors"] for i in intakes)
    intake, health = median_of(intakes), median_of(healths)
    print("durability: PostgreSQL (as its server is configured)" if args.database else
          f"durability: journal WAL, synchronous={'FULL' if synchronous == 2 else synchronous} (as in production)")
    print(f"medians of {args.rounds} rounds of {args.seconds} s, {args.connections} connections:")
    print(f"intake  : {intake['rate']:8.0f} req/s  p50 {intake['p50_ms']:6.1f} ms  p99 {intake['p99_ms']:6.1f} ms  "
          f"({acknowledged} acknowledged in all, {errors} refused or failed)")
    print(f"healthz : {health['rate']:8.0f} req/s  p50 {health['p50_ms']:6.1f} ms  p99 {health['p99_ms']:6.1f} ms")
    sync_median = statistics.median(m for m, _ in syncs)
    print(f"disk    : fsync median {sync_median:.1f} ms (p90 {statistics.median(p for _, p in syncs):.1f} ms); "
          f"one commit acknowledges a whole batch, so {args.connections} clients allow at most "
          f"~{args.connections / (sync_median / 1000):.0f} questions/s from the disk alone")
    print(f"cpu     : server {intake['server_cpu_us']:.0f} us/question vs {health['server_cpu_us']:.0f} us/healthz; "
          f"load generator {intake['wrk_cpu_us']:.0f} us/question")
    print(f"ratio   : intake runs at {intake['rate'] / health['rate']:.2f} x the rate of bare /healthz")
    print(f"stored  : {stored} questions for {acknowledged} acknowledged replies (the rest were in flight at the end)")
    # replies in flight when wrk stops are stored but not counted by wrk
    ok = (intake["rate"] >= 1000 and intake["p99_ms"] < 100 and errors == 0
          and acknowledged <= stored <= acknowledged + args.connections * args.rounds)
    print("target (>= 1000 acknowledged/s, p99 < 100 ms, all stored):", "met" if ok else "NOT met")
    print(json.dumps({"intake": intakes, "healthz": healths, "stored": stored}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
