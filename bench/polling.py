"""A simulated fleet polling a real server on loopback: the old schedule beside the new one.

Old: every box revalidates every document and asks for its own questions every 60 s, all on
the same beat. New: the box's own `stb_app.polling` schedule (changes every minute with jitter,
a document only when its version moved, own questions every minute only while one is open).
Boxes start as they are in steady state (content saved, versions seen). Time is simulated in
ticks: a tick's requests all finish before the clock moves, so the counts do not depend on how
fast this machine is. Bounded in boxes, simulated minutes and wall seconds.

    .venv/bin/python bench/polling.py [--boxes 2000] [--old-boxes 200] [--minutes 20] [--open 0.05]

Prints, per schedule: origin requests per box-hour, the share (and number per box-hour) that
only a box's own data can answer (per-device: no edge can cache them), the share that reads
per-device rows from the database (a token lookup past the in-memory check, the list's version,
or the list; both schedules run against today's server, which reads the version even for a box
sending no ETag), and SQL statements per box-hour.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content_server.accounts.device_tokens import DEVICE_TOKENS  # noqa: E402
from content_server.app import create_app  # noqa: E402
from content_server.kernel import auth  # noqa: E402
from content_server.kernel.config import Settings  # noqa: E402
from content_server.schedule.document import empty_schedule  # noqa: E402
from content_server.storage import STORE, accounts, schedule as schedule_sql  # noqa: E402
from stb_app import polling  # noqa: E402

DOCUMENTS = {"catalog": "/api/v1/catalog", "topics": "/api/v1/topics", "services": "/api/v1/services?region=152500",
             "glossary": "/api/v1/glossary", "guides": "/api/v1/guides", "channels": "/api/v1/channels",
             "guide": "/api/v1/channels/legal/guide?hours=48"}
TICK = 5.0  # simulated seconds between looks at the schedule, as the box's app does
QUESTION = {"topic": "labour", "phrases": ["labour.1"], "text": "", "phone": "13812348000",
            "callback_window": "any", "language": "zh"}


class Fleet:
    def __init__(self, url: str, session: aiohttp.ClientSession):
        self.url, self.session = url, session
        self.requests, self.per_device = 0, 0
        self.slots = asyncio.Semaphore(64)

    async def get(self, path: str, etag: str | None = None, token: str | None = None):
        headers = {"Accept-Encoding": "gzip"}
        if etag:
            headers["If-None-Match"] = etag
        if token:
            headers["Authorization"] = f"Bearer {token}"
            self.per_device += 1
        self.requests += 1
        async with self.slots, self.session.get(self.url + path, headers=headers) as resp:
            body = await resp.json() if resp.status == 200 else None
            return resp.status, body, resp.headers.get("ETag")


class Box:
    def __init__(self, token: str, has_open_question: bool, etags: dict, changes: dict, rng: random.Random):
        self.token, self.etags, self.rng = token, dict(etags), rng
        self.questions = [{"status": "queued"}] if has_open_question else []
        self.questions_etag: str | None = None
        self.changes, self.changes_etag = dict(changes), None
        self.schedule = polling.Schedule.starting(0.0, rng, nothing_cached=False, questions=self.questions)
        self.schedule.seen.update(changes)

    async def old_minute(self, fleet: Fleet) -> None:
        """Today's box: every document revalidated, its questions fetched (no ETag to send)."""
        for name, path in DOCUMENTS.items():
            _, _, etag = await fleet.get(path, self.etags.get(name))
            self.etags[name] = etag or self.etags.get(name)
        await fleet.get("/api/v1/questions", None, self.token)

    async def new_tick(self, fleet: Fleet, now: float) -> None:
        plan = self.schedule
        if plan.changes.due(now):
            status, body, etag = await fleet.get("/api/v1/changes", self.changes_etag)
            if status == 200:
                self.changes, self.changes_etag = body, etag
            plan.changes.succeeded(now)
            for name in polling.stale_documents(plan.seen, self.changes, DOCUMENTS):
                _, _, etag = await fleet.get(DOCUMENTS[name], self.etags.get(name))
                self.etags[name] = etag or self.etags.get(name)
                plan.seen[name] = self.changes.get(name)
        if plan.questions.due(now):
            status, body, etag = await fleet.get("/api/v1/questions", self.questions_etag, self.token)
            if status == 200:
                self.questions, self.questions_etag = body, etag
            plan.questions.succeeded(now, polling.questions_interval(self.questions))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run_schedule(name: str, app, fleet: Fleet, boxes: list[Box], minutes: float, deadline: float) -> dict:
    store, tokens = app[STORE], app[DEVICE_TOKENS]
    statements: list = []
    tokens._known.clear()
    lookups_before, fleet.requests, fleet.per_device = tokens.lookups, 0, 0
    list_reads = 0

    def trace(sql: str) -> None:
        nonlocal list_reads
        statements.append(1)
        if "FROM questions q WHERE q.device_id" in sql or "questions_version FROM devices" in sql:
            list_reads += 1
    store.conn.set_trace_callback(trace)
    simulated, started = 0.0, time.monotonic()
    tokens.clock = lambda: simulated  # the token check's lifetime runs on the simulated clock too
    try:
        while simulated < minutes * 60 and time.monotonic() < deadline:
            if name == "old":
                if simulated % 60 == 0:  # every box on the same beat
                    await asyncio.gather(*(box.old_minute(fleet) for box in boxes))
            else:
                await asyncio.gather(*(box.new_tick(fleet, simulated) for box in boxes))
            simulated += TICK
    finally:
        store.conn.set_trace_callback(None)
    box_hours = len(boxes) * simulated / 3600
    database = (tokens.lookups - lookups_before) + list_reads
    return {"name": name, "boxes": len(boxes), "minutes": simulated / 60, "wall": time.monotonic() - started,
            "per_box_hour": fleet.requests / box_hours, "per_device": fleet.per_device / max(1, fleet.requests),
            "database": database / max(1, fleet.requests), "statements": len(statements) / box_hours,
            "device_per_box_hour": fleet.per_device / box_hours,
            "requests": fleet.requests}


async def main(args) -> None:
    data = Path(tempfile.mkdtemp(prefix="bench-polling-")) / "data"
    settings = Settings(data=data)
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}"
    rng = random.Random(12348)
    store = app[STORE]
    schedule_sql.add_channel(store, "legal", {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, empty_schedule())
    tokens = []
    for _ in range(max(args.boxes, args.old_boxes)):  # registered beforehand: registration is not polling
        token, token_hash = auth.new_token("dev")
        accounts.add_device(store, str(uuid.uuid4()), token_hash, "152500", "zh")
        tokens.append(token)
    open_boxes = set(rng.sample(range(len(tokens)), int(len(tokens) * args.open)))
    deadline = time.monotonic() + args.max_seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as session:
        fleet = Fleet(url, session)
        for n in sorted(open_boxes):
            async with session.post(url + "/api/v1/questions", json=dict(QUESTION, phone=f"1381234{n:04d}"),
                                    headers={"Authorization": f"Bearer {tokens[n]}",
                                             "Idempotency-Key": str(uuid.uuid4())}) as resp:
                assert resp.status == 201, await resp.text()
        etags = {name: (await fleet.get(path))[2] for name, path in DOCUMENTS.items()}
        changes = (await fleet.get("/api/v1/changes"))[1]
        results = []
        for name, count in (("old", args.old_boxes), ("new", args.boxes)):
            boxes = [Box(tokens[n], n in open_boxes, etags, changes, random.Random(rng.random()))
                     for n in range(count)]
            if name == "new":  # in steady state a box holds its list's ETag already
                for box in boxes:
                    box.questions_etag = (await fleet.get("/api/v1/questions", None, box.token))[2]
            results.append(await run_schedule(name, app, fleet, boxes, args.minutes, deadline))
    await runner.cleanup()
    print(f"{len(open_boxes) / len(tokens):.0%} of boxes with an open question; no edge in front (origin sees all)")
    print(f"{'schedule':8} {'boxes':>6} {'sim min':>7} {'requests':>9} {'req/box-h':>10} {'per-device':>10} "
          f"{'dev/box-h':>9} {'reads rows':>10} {'SQL/box-h':>10}")
    for r in results:
        print(f"{r['name']:8} {r['boxes']:6d} {r['minutes']:7.0f} {r['requests']:9d} {r['per_box_hour']:10.1f} "
              f"{r['per_device']:10.1%} {r['device_per_box_hour']:9.1f} {r['database']:10.1%} {r['statements']:10.1f}")
    old, new = results
    print(f"new / old: {new['per_box_hour'] / old['per_box_hour']:.3f} of the origin requests per box-hour, "
          f"{new['device_per_box_hour'] / old['device_per_box_hour']:.3f} of the per-device ones, "
          f"{new['statements'] / max(old['statements'], 1e-9):.3f} of the SQL statements per box-hour")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--boxes", type=int, default=2000)
    parser.add_argument("--old-boxes", type=int, default=200, help="the old schedule costs 8 requests a minute each")
    parser.add_argument("--minutes", type=float, default=20, help="simulated minutes per schedule")
    parser.add_argument("--open", type=float, default=0.05, help="share of boxes with an open question")
    parser.add_argument("--max-seconds", type=float, default=300, help="wall-clock bound for the whole run")
    asyncio.run(main(parser.parse_args()))
