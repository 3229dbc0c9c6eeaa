"""A province on loopback beside one machine: what 1.8 million boxes need, from figures measured here.

Province mode: a real PostgreSQL (tests/postgres.py's starter, with fsync and synchronous_commit
on, as a province runs it), two `content-server serve --database postgresql://… --no-transcode`
API nodes behind Debian's nginx (the tests' caching edge, tests/test_nginx_cache.py, with the two
nodes in its upstream and failover to the other node),
two `content-server worker` processes on the shared media root, each given a short upload to
transcode. Reference, in the same run and under the same load: today's single node (one `serve`
with its embedded SQLite, synchronous=FULL, transcoding in-process) behind the same edge.

Each mode runs four phases of --seconds each, open-loop (requests leave on a schedule, whatever
the answers), bounded in count and time:
  poll   a fleet of boxes on the box's own schedule (stb_app/polling.py), time compressed --speed
         times; what reaches the nodes (their /metrics) per simulated box-hour;
  intake questions offered at --rate per second, each box at most 3 (its open-question cap);
  desk   --staff lawyers each claiming and answering a question every --staff-interval seconds;
  mixed  all three at once; in province mode one API node is killed with kill -9 halfway.
The load generator resends like the box outbox (same Idempotency-Key) on 502/503/504 or a cut
connection. CPU: /proc of the node processes (and PostgreSQL's postmaster and backends) per phase.
Afterwards: every acknowledged question is in the database, and bytes per device and per question.

    .venv/bin/python bench/province.py [--seconds 20] [--rate 300] [--boxes 600] [--speed 30]
                                       [--staff 200] [--staff-interval 2] [--only province|sqlite]
"""
from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from content_server.kernel import auth  # noqa: E402
from content_server.kernel.config import DataRoot  # noqa: E402
from content_server.schedule.document import empty_schedule  # noqa: E402
from content_server.storage import Store, accounts, schedule as schedule_sql  # noqa: E402
from stb_app import polling  # noqa: E402
from tests import media_samples as samples, postgres as postgres_starter  # noqa: E402
from tests.conftest import METRICS, ServerProcess, free_port  # noqa: E402
from tests.ready_video import ensure_category  # noqa: E402
from tests.test_nginx_cache import NGINX_CONF, origin_hits  # noqa: E402
from tests.test_transcode_workers import WorkerProcess, submit  # noqa: E402

DOCUMENTS = {"catalog": "/api/v1/catalog", "topics": "/api/v1/topics", "services": "/api/v1/services?region=152500",
             "glossary": "/api/v1/glossary", "guides": "/api/v1/guides", "channels": "/api/v1/channels",
             "guide": "/api/v1/channels/legal/guide?hours=48"}
EDGE_ANSWERED = ("HIT", "UPDATING", "STALE")  # X-Cache-Status of answers the origin never saw
RESEND = (0, 502, 503, 504)  # what the box outbox sends again, with the same key
ANSWER = {"zh": "已电话答复。", "mn": "ᠤᠳᠠᠰᠤ ᠪᠠᠷ ᠬᠠᠷᠢᠭᠤᠯᠪᠠ"}
TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- processes and /proc

def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU of a process (and of its reaped children), 0 once it is gone."""
    try:
        fields_ = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    ticks = int(fields_[11]) + int(fields_[12]) + ((int(fields_[13]) + int(fields_[14])) if children else 0)
    return ticks / TICK


def child_pids(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def tree_cpu(parent: int) -> float:
    """A server and every process it runs (PostgreSQL's backends, nginx's workers), exited ones too."""
    return cpu_seconds(parent, children=True) + sum(cpu_seconds(pid) for pid in child_pids(parent))


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("exited before listening")
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


class Edge:
    """Debian's nginx with the tests' caching configuration, its upstream being `origins`."""

    def __init__(self, folder: Path, origins: list[int]):
        folder.mkdir()
        self.port = free_port()
        user = "user root;" if os.geteuid() == 0 else ""
        conf = NGINX_CONF.format(user=user, dir=folder, origin=origins[0], port=self.port)
        one_server = f"server 127.0.0.1:{origins[0]};"
        private = "client_max_body_size 0;\n"  # the end of its location for private paths (never cached)
        assert one_server in conf and private in conf, "the tests' edge configuration changed"
        # failover: a node that refuses or cuts a connection is skipped for 5 s; a GET (or a POST
        # not yet sent) goes to the other node, a POST already sent is answered 502 (the box resends)
        servers = " ".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in origins)
        conf = conf.replace(one_server, servers).replace(
            private, private + "            add_header X-Upstream $upstream_addr always;\n")
        conf = conf.replace("add_header X-Cache-Status $upstream_cache_status;",
                            "add_header X-Cache-Status $upstream_cache_status always; "
                            "add_header X-Upstream $upstream_addr always;")
        conf = conf.replace("access_log {}/access.log;".format(folder), "access_log off;")
        (folder / "nginx.conf").write_text(conf)
        self.conf = conf
        self.proc = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                                      str(folder / "error.log"), "-g", "daemon off;"])
        wait_for_port(self.port, self.proc)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# ---------------------------------------------------------------- a mode: the servers of one run

@dataclass
class Accounts:
    boxes: list[str]            # fleet tokens
    askers: list[str]           # tokens of the boxes that send questions (3 each at most)
    staff: list[str]
    editor: dict


def add_accounts(tx, devices: list[tuple[str, str]], staff: list[str], editor: str) -> None:
    """One unit: every box, every lawyer with an API token, an editor, the channel the guide names."""
    for device_id, token_hash in devices:
        accounts.add_device(tx, device_id, token_hash, "152500", "mn")
    for number, token_hash in enumerate(staff):
        accounts.add_api_token(tx, accounts.add_user(tx, f"desk{number}", "staff", "-", "zh,mn"), token_hash)
    accounts.add_api_token(tx, accounts.add_user(tx, "editor", "editor", "-", "zh,mn"), editor)
    schedule_sql.add_channel(tx, "legal", {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, empty_schedule())


def prepare(store: Store, fleet: int, askers: int, staff: int) -> Accounts:
    def tokens(prefix: str, count: int) -> list[tuple[str, str]]:
        return [auth.new_token(prefix) for _ in range(count)]
    boxes, asking, desks = tokens("dev", fleet), tokens("dev", askers), tokens("ltv", staff)
    editor = auth.new_token("ltv")
    store.write_blocking(add_accounts, [(uuid.uuid4().hex, h) for _, h in boxes + asking], [h for _, h in desks],
                         editor[1])
    ensure_category(store)
    return Accounts([t for t, _ in boxes], [t for t, _ in asking], [t for t, _ in desks],
                    {"Authorization": f"Bearer {editor[0]}"})


class Mode:
    """The servers of one mode; `nodes` answer behind `edge`."""

    def __init__(self, name: str, work: Path, database: str, nodes: int, workers: int, pg=None):
        self.name, self.pg = name, pg
        self.data = work / "data"
        DataRoot(self.data).create()
        self.database = database
        self.store = Store(database or DataRoot(self.data).database)
        self.nodes: list[ServerProcess] = []
        self.workers: list[WorkerProcess] = []
        self.edge: Edge | None = None
        self.node_count, self.worker_count = nodes, workers

    def start(self) -> None:
        self.store.close()  # the nodes own the database from here (SQLite: one writer process)
        self.store = None
        env_before = os.environ.get("LEGAL_TV_TRANSCODE")
        if self.worker_count:
            os.environ["LEGAL_TV_TRANSCODE"] = "false"  # API nodes only: the workers transcode
        try:
            for _ in range(self.node_count):
                self.nodes.append(ServerProcess(self.data, database=self.database).start(60))
        finally:
            os.environ.pop("LEGAL_TV_TRANSCODE", None)
            if env_before is not None:
                os.environ["LEGAL_TV_TRANSCODE"] = env_before
        self.workers = [WorkerProcess(self.data, f"w{n}", lease=30.0, poll=5.0, database=self.database)
                        for n in range(self.worker_count)]
        for worker in self.workers:  # stand-ins for machines of their own: their ffmpeg yields the cores
            os.setpriority(os.PRIO_PROCESS, worker.proc.pid, 10)
        self.edge = Edge(self.data.parent / "edge", [node.port for node in self.nodes])

    def node_cpu(self) -> float:
        return sum(cpu_seconds(node.proc.pid) for node in self.nodes if node.proc.poll() is None)

    def database_cpu(self) -> float:
        if self.pg is None:
            return 0.0  # embedded: SQLite's work is inside the node's CPU
        pid = int((self.pg.data / "postmaster.pid").read_text().split()[0])
        return tree_cpu(pid)

    def edge_cpu(self) -> float:
        return tree_cpu(self.edge.proc.pid)

    def stop(self) -> None:
        for process in [*self.nodes, *self.workers]:
            process.stop()
        if self.edge:
            self.edge.stop()


# ---------------------------------------------------------------- the load

@dataclass
class Tally:
    """What one phase's load saw."""
    sent: dict = field(default_factory=dict)          # kind → requests sent
    status: dict = field(default_factory=dict)        # (kind, status) → count
    edge_answered: dict = field(default_factory=dict)  # kind → answered from the edge's cache
    edge_retried: int = 0                             # requests nginx passed on to the other node
    latency: dict = field(default_factory=dict)       # kind → (sent at, seconds) of answered requests
    late: list = field(default_factory=list)          # seconds a request left after its scheduled time

    def add(self, kind: str, status: int, headers, started: float) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1
        self.status[(kind, status)] = self.status.get((kind, status), 0) + 1
        if headers is not None:
            if headers.get("X-Cache-Status") in EDGE_ANSWERED:
                self.edge_answered[kind] = self.edge_answered.get(kind, 0) + 1
            if "," in headers.get("X-Upstream", ""):
                self.edge_retried += 1
        if status and status < 500:
            self.latency.setdefault(kind, []).append((started, time.monotonic() - started))


class Client:
    def __init__(self, session: aiohttp.ClientSession, url: str):
        self.session, self.url = session, url
        self.tasks: set[asyncio.Task] = set()
        self.tally = Tally()

    def spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def call(self, kind: str, method: str, path: str, headers: dict, body=None):
        """(status, JSON or None, headers); status 0 when the connection failed or was cut."""
        started = time.monotonic()
        try:
            async with self.session.request(method, self.url + path, headers=headers, json=body) as resp:
                raw = await resp.read()
                answer = json.loads(raw) if raw and resp.content_type == "application/json" else None
                self.tally.add(kind, resp.status, resp.headers, started)
                return resp.status, answer, resp.headers
        except (aiohttp.ClientError, asyncio.TimeoutError):
            self.tally.add(kind, 0, None, started)
            return 0, None, {}


async def paced(start: float, until: float, interval: float, tally: Tally):
    """Yields the scheduled instants start, start+interval, … before `until`, on time or late."""
    due = start
    while due < until:
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tally.late.append(max(0.0, time.monotonic() - due))
        yield due
        due += interval


class Fleet:
    """Boxes polling on their own schedule, `speed` simulated seconds per second."""

    def __init__(self, tokens: list[str], open_boxes: set[int], speed: float, rng: random.Random):
        self.speed, self.tokens = speed, tokens
        self.plans = [polling.Schedule.starting(0.0, random.Random(rng.random()), nothing_cached=False,
                                                questions=[{"status": "queued"}] if n in open_boxes else [])
                      for n in range(len(tokens))]
        self.etags: list[dict] = [{} for _ in tokens]
        self.simulated = 0.0

    def steady(self, changes: dict, etags: dict, question_etags: list) -> None:
        """Boxes as they are in steady state: every document and its version seen."""
        for n, plan in enumerate(self.plans):
            plan.seen.update(changes)
            self.etags[n] = {**etags, "questions": question_etags[n]}

    async def run(self, client: Client, until: float) -> None:
        started, base = time.monotonic(), self.simulated
        heap = []
        for n, plan in enumerate(self.plans):
            heap.append((plan.changes.next_at, n, "changes"))
            heap.append((plan.questions.next_at, n, "questions"))
        heapq.heapify(heap)
        while heap:
            due, n, kind = heap[0]
            wall = started + (due - base) / self.speed
            if wall >= until:
                break
            if wall > time.monotonic():
                await asyncio.sleep(wall - time.monotonic())
            heapq.heappop(heap)
            client.tally.late.append(max(0.0, time.monotonic() - wall))
            poll = getattr(self.plans[n], kind)
            poll.succeeded(due)  # open loop: the next poll is due whatever this one answers
            heapq.heappush(heap, (poll.next_at, n, kind))
            client.spawn(self._changes(client, n, due) if kind == "changes" else self._questions(client, n))
        self.simulated = base + (until - started) * self.speed

    async def _changes(self, client: Client, n: int, now: float) -> None:
        etags, plan = self.etags[n], self.plans[n]
        headers = {"Accept-Encoding": "gzip", **({"If-None-Match": etags["changes"]} if "changes" in etags else {})}
        status, body, answer = await client.call("changes", "GET", "/api/v1/changes", headers)
        if status == 200:
            etags["changes"] = answer.get("ETag")
            for name in polling.stale_documents(plan.seen, body, DOCUMENTS):
                headers = {"Accept-Encoding": "gzip", **({"If-None-Match": etags[name]} if name in etags else {})}
                status, _, answer = await client.call("document", "GET", DOCUMENTS[name], headers)
                if status in (200, 304):
                    etags[name] = answer.get("ETag") or etags.get(name)
                    plan.seen[name] = body.get(name)

    async def _questions(self, client: Client, n: int) -> None:
        etags, plan = self.etags[n], self.plans[n]
        headers = {"Authorization": f"Bearer {self.tokens[n]}",
                   **({"If-None-Match": etags["questions"]} if etags.get("questions") else {})}
        status, body, answer = await client.call("own questions", "GET", "/api/v1/questions", headers)
        if status == 200:
            etags["questions"] = answer.get("ETag")
            plan.questions.interval = polling.questions_interval(body)


class Intake:
    """Questions offered at `rate` per second; each box sends at most three (its open cap)."""

    def __init__(self, tokens: list[str]):
        self.tokens, self.sent = tokens, 0
        self.acknowledged: dict[str, str] = {}  # Idempotency-Key → question id
        self.unacknowledged = 0
        self.resent = 0

    async def run(self, client: Client, until: float, rate: float) -> None:
        async for _ in paced(time.monotonic(), until, 1 / rate, client.tally):
            if self.sent >= 3 * len(self.tokens):
                break
            client.spawn(self._question(client, self.sent))
            self.sent += 1

    async def _question(self, client: Client, number: int) -> None:
        key = str(uuid.uuid4())
        # boxes take turns: one box's three questions are len(tokens)/rate seconds apart, as households' are
        headers = {"Authorization": f"Bearer {self.tokens[number % len(self.tokens)]}", "Idempotency-Key": key}
        body = {"topic": "labour", "phrases": ["labour.1"], "text": f"question {number}", "phone": f"139{number:08d}",
                "callback_window": "any", "language": "mn" if number % 2 else "zh"}
        for attempt in range(8):  # the outbox keeps it and sends it again, same key, same body
            status, answer, headers_ = await client.call("question", "POST", "/api/v1/questions", headers, body)
            if status in (200, 201):
                self.acknowledged[key] = answer["id"]
                return
            if status not in RESEND:
                break
            self.resent += 1
            wait = float(headers_.get("Retry-After", 1)) if headers_ else 1.0
            await asyncio.sleep(min(2.0, wait))  # the outbox's wait, compressed
        self.unacknowledged += 1


class Desk:
    """Lawyers each claiming the next question and answering it, every `interval` seconds."""

    def __init__(self, tokens: list[str], interval: float):
        self.tokens, self.interval = tokens, interval
        self.answered, self.empty = 0, 0

    async def run(self, client: Client, until: float, rng: random.Random) -> None:
        start = time.monotonic()
        await asyncio.gather(*(self._lawyer(client, token, start + rng.uniform(0, self.interval), until)
                               for token in self.tokens))

    async def _lawyer(self, client: Client, token: str, start: float, until: float) -> None:
        async for _ in paced(start, until, self.interval, client.tally):
            client.spawn(self._take_one(client, {"Authorization": f"Bearer {token}"}))

    async def _take_one(self, client: Client, headers: dict) -> None:
        status, claimed, _ = await client.call("claim", "POST", "/api/v1/desk/claim", headers)
        if status == 404:
            self.empty += 1
        if status != 200:
            return
        status, _, _ = await client.call("answer", "POST", f"/api/v1/desk/questions/{claimed['id']}/answer", headers,
                                         {"version": claimed["version"], "summary": ANSWER})
        if status == 200:
            self.answered += 1


# ---------------------------------------------------------------- one mode's run

@dataclass
class Phase:
    name: str
    seconds: float
    tally: Tally
    node_cpu: float
    db_cpu: float
    edge_cpu: float
    origin: dict | None       # route → requests the nodes answered (None when a node died)
    killed_at: float | None = None  # when a node was killed (time.monotonic())


async def scrape(session: aiohttp.ClientSession, mode: Mode) -> dict[str, float] | None:
    """Requests the nodes answered, by route (None when a node died)."""
    total: dict[str, float] = {}
    for node in mode.nodes:
        if node.proc.poll() is not None:
            return None
        async with session.get(node.url + "/metrics", headers=METRICS) as resp:
            for path, count in origin_hits(await resp.text()).items():
                total[path] = total.get(path, 0) + count
    total.pop("/metrics", None)  # the scrapes themselves
    return total


async def phase(name: str, mode: Mode, session, seconds: float, loads, kill_at: float | None = None) -> Phase:
    client = Client(session, mode.edge.url)
    before = await scrape(session, mode)
    cpu = (mode.node_cpu(), mode.database_cpu(), mode.edge_cpu())
    started = time.monotonic()
    until = started + seconds
    killer, killed = None, []
    if kill_at is not None:
        async def kill():
            await asyncio.sleep(kill_at)
            killed.append(time.monotonic())
            mode.nodes[-1].kill()  # kill -9: no goodbye to nginx, PostgreSQL or the clients
        killer = asyncio.ensure_future(kill())
    await asyncio.gather(*(load(client, until) for load in loads))
    await asyncio.sleep(max(0.0, until - time.monotonic()))  # a phase lasts its seconds, idle or not
    if killer:
        await killer
    deadline = time.monotonic() + 60
    while client.tasks and time.monotonic() < deadline:  # answers still on their way, resends
        await asyncio.wait(set(client.tasks), timeout=max(0.1, deadline - time.monotonic()))
    for task in list(client.tasks):
        task.cancel()
    elapsed = time.monotonic() - started
    after = await scrape(session, mode)
    origin = None if before is None or after is None else {p: after[p] - before.get(p, 0) for p in after}
    return Phase(name, elapsed, client.tally, mode.node_cpu() - cpu[0],
                 mode.database_cpu() - cpu[1], mode.edge_cpu() - cpu[2], origin, killed[0] if killed else None)


def database_sizes(tx, dialect: str) -> dict[str, int]:
    """Bytes on disk per table, its indexes included."""
    if dialect == "postgresql":
        rows = tx.all("SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c "
                      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'")
        return {r["name"]: int(r["bytes"]) for r in rows}
    rows = tx.all("SELECT m.tbl_name AS name, SUM(d.pgsize) AS bytes FROM dbstat d "
                  "JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name")
    return {r["name"]: int(r["bytes"]) for r in rows}


def counts(tx) -> dict:
    one = lambda sql: tx.one(sql)[0]  # noqa: E731
    return {"devices": one("SELECT COUNT(*) FROM devices"), "questions": one("SELECT COUNT(*) FROM questions"),
            "claimed": one("SELECT COUNT(*) FROM questions WHERE status = 'claimed'"),
            "resolved": one("SELECT COUNT(*) FROM questions WHERE status = 'resolved'"),
            "ids": [r[0] for r in tx.all("SELECT id FROM questions")],
            "videos": {r[0]: r[1] for r in tx.all("SELECT status, COUNT(*) FROM videos GROUP BY status")}}


async def run_mode(mode: Mode, acc: Accounts, args, source: bytes) -> dict:
    rng = random.Random(12348)
    open_boxes = set(rng.sample(range(len(acc.boxes)), int(len(acc.boxes) * args.open)))
    fleet = Fleet(acc.boxes, open_boxes, args.speed, rng)
    intake = Intake(acc.askers)
    desk = Desk(acc.staff, args.staff_interval)
    connector = aiohttp.TCPConnector(limit=256)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        direct = Client(session, mode.nodes[0].url)
        for n in sorted(open_boxes):  # the fleet's open questions, asked before the run
            status, _, _ = await direct.call("setup", "POST", "/api/v1/questions", {
                "Authorization": f"Bearer {acc.boxes[n]}", "Idempotency-Key": str(uuid.uuid4())},
                {"topic": "family", "phrases": [], "text": "open", "phone": f"137{n:08d}", "callback_window": "any",
                 "language": "zh"})
            assert status == 201, status
        edge = Client(session, mode.edge.url)
        _, changes, changes_headers = await edge.call("setup", "GET", "/api/v1/changes", {})
        etags = {name: (await edge.call("setup", "GET", path, {}))[2].get("ETag") for name, path in DOCUMENTS.items()}
        etags["changes"] = changes_headers.get("ETag")
        question_etags = [(await direct.call("setup", "GET", "/api/v1/questions", {"Authorization": f"Bearer {t}"}))[2]
                          .get("ETag") for t in acc.boxes]
        fleet.steady(changes, etags, question_etags)
        # the workers (or the single node) get a short upload each, so they transcode during the run
        videos = [await asyncio.to_thread(submit, mode.nodes[0], acc.editor, source) for _ in range(2)]

        T = args.seconds
        # what the servers burn with no request at all (housekeeping, version watch): taken off each phase
        phases = [await phase("idle", mode, session, min(10.0, T), [])]
        phases.append(await phase("poll", mode, session, T, [lambda c, u: fleet.run(c, u)]))
        poll_box_hours = len(acc.boxes) * T * args.speed / 3600
        phases.append(await phase("intake", mode, session, T, [lambda c, u: intake.run(c, u, args.rate)]))
        phases.append(await phase("desk", mode, session, T, [lambda c, u: desk.run(c, u, rng)]))
        videos += [await asyncio.to_thread(submit, mode.nodes[0], acc.editor, source) for _ in range(2)]
        kill_at = T / 2 if len(mode.nodes) > 1 else None
        phases.append(await phase("mixed", mode, session, T, [lambda c, u: fleet.run(c, u),
                                                              lambda c, u: intake.run(c, u, args.rate),
                                                              lambda c, u: desk.run(c, u, rng)], kill_at))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # the transcodes end (bounded)
            async with session.get(mode.nodes[0].url + "/api/v1/videos/" + videos[-1], headers=acc.editor) as resp:
                if (await resp.json())["status"] != "processing":
                    break
            await asyncio.sleep(1)
    return {"mode": mode, "phases": phases, "box_hours": poll_box_hours, "intake": intake, "desk": desk}


def verify(mode: Mode, result: dict) -> dict:
    """Counts and sizes read from the database once the load is over; the acknowledged ids not in it."""
    store = Store(mode.database or DataRoot(mode.data).database)
    try:
        found = store.read_blocking(counts)
        sizes = store.read_blocking(database_sizes, store.dialect)
    finally:
        store.close()
    stored = set(found["ids"])
    lost = [qid for qid in result["intake"].acknowledged.values() if qid not in stored]
    return {**result, "counts": found, "sizes": sizes, "lost": lost}


# ---------------------------------------------------------------- figures and the table

def percentile(timed: list[tuple[float, float]], q: float, since: float = 0.0, before: float = math.inf) -> float:
    """The q-quantile of the seconds of requests sent in [since, before)."""
    values = sorted(seconds for sent, seconds in timed if since <= sent < before)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


def figures(result: dict, args) -> dict:
    by_name = {p.name: p for p in result["phases"]}
    poll, intake, desk, mixed = (by_name[n] for n in ("poll", "intake", "desk", "mixed"))

    idle = by_name["idle"]
    node_idle, db_idle = idle.node_cpu / idle.seconds, idle.db_cpu / idle.seconds

    def per_thousand(p: Phase) -> tuple[float, float, float]:
        """Requests that reached the nodes, and CPU-s per 1,000 of them above the idle servers' own."""
        reached = sum(p.origin.values()) if p.origin else float("nan")
        return (reached, 1000 * max(0.0, p.node_cpu - node_idle * p.seconds) / reached,
                1000 * max(0.0, p.db_cpu - db_idle * p.seconds) / reached)
    out = {"node_idle": node_idle / len(result["mode"].nodes), "db_idle": db_idle}
    out["fleet_per_box_hour"] = sum(v for k, v in poll.tally.sent.items()) / result["box_hours"]
    out["origin_per_box_hour"] = sum(poll.origin.values()) / result["box_hours"]
    out["edge_share"] = sum(poll.tally.edge_answered.values()) / max(1, sum(poll.tally.sent.values()))
    own = poll.origin.get("/api/v1/questions", 0)
    out["own_per_box_hour"] = own / result["box_hours"]
    for name, p in (("poll", poll), ("intake", intake), ("desk", desk)):
        reached, node, db = per_thousand(p)
        out[f"{name}_requests"] = reached
        out[f"{name}_node_cpu"] = node
        out[f"{name}_db_cpu"] = db
        out[f"{name}_rate"] = reached / p.seconds
    out["edge_cpu_per_1000"] = 1000 * poll.edge_cpu / max(1, sum(poll.tally.sent.values()))
    sent_q = intake.tally.sent.get("question", 0)
    acked_first = sum(c for (k, s), c in intake.tally.status.items() if k == "question" and s in (200, 201))
    out["intake_offered"] = args.rate
    out["intake_achieved"] = acked_first / args.seconds
    out["intake_p50"] = percentile(intake.tally.latency.get("question", []), .5)
    out["intake_p99"] = percentile(intake.tally.latency.get("question", []), .99)
    out["intake_late_p99"] = percentile([(0, late) for late in intake.tally.late], .99)
    out["intake_sent"] = sent_q
    claims = desk.tally.latency.get("claim", [])
    out["claim_p50"], out["claim_p99"] = percentile(claims, .5), percentile(claims, .99)
    out["claims_per_s"] = result["desk"].answered / max(1e-9, sum(p.seconds for p in (desk, mixed)))
    kill = mixed.killed_at or math.inf
    timed = mixed.tally.latency.get("question", [])
    if timed:  # the mixed phase second by second (stderr): when answers slowed, against the kill
        start = min(sent for sent, _ in timed)
        line = " ".join(f"{percentile(timed, .99, start + t, start + t + 2):.1f}" for t in range(0, int(args.seconds), 2))
        killed = f"; node killed at {kill - start:.1f} s" if mixed.killed_at else ""
        print(f"{result['mode'].name} mixed: intake p99 per 2 s of sending: {line}{killed}", file=sys.stderr)
    for kind, key in (("question", "intake"), ("claim", "claim")):
        out[f"mixed_{key}_p99"] = percentile(mixed.tally.latency.get(kind, []), .99, before=kill)
        out[f"killed_{key}_p99"] = percentile(mixed.tally.latency.get(kind, []), .99, since=kill)
    out["mixed_failed"] = sum(c for (k, s), c in mixed.tally.status.items() if s in RESEND)
    out["mixed_5xx_other"] = sum(c for (k, s), c in mixed.tally.status.items() if s >= 500 and s not in RESEND)
    out["all_500"] = sum(c for p in result["phases"] for (k, s), c in p.tally.status.items() if s == 500)
    out["mixed_sent"] = sum(mixed.tally.sent.values())
    answered = lambda kind: sum(c for (k, st), c in mixed.tally.status.items() if k == kind and st in (200, 201))  # noqa: E731
    out["mixed_acknowledged"] = answered("question") / mixed.seconds
    out["mixed_answered"] = answered("answer") / mixed.seconds
    out["edge_retried"] = mixed.tally.edge_retried
    out["resent"] = result["intake"].resent
    out["acknowledged"] = len(result["intake"].acknowledged)
    out["unacknowledged"] = result["intake"].unacknowledged
    out["unfinished"] = result["intake"].sent - out["acknowledged"] - out["unacknowledged"]
    out["lost"] = len(result["lost"])
    c, sizes = result["counts"], result["sizes"]
    out["devices"], out["questions"], out["stranded"] = c["devices"], c["questions"], c["claimed"]
    out["videos"] = c["videos"]
    out["bytes_per_device"] = sum(b for t, b in sizes.items() if t.startswith("device")) / c["devices"]
    per_question = ("question", "call_attempts")  # the question, its submissions, audit and calls
    out["bytes_per_question"] = sum(b for t, b in sizes.items() if t.startswith(per_question)) / c["questions"]
    out["largest_tables"] = sorted(sizes.items(), key=lambda item: -item[1])[:6]
    out["status_codes"] = sorted({s for p in result["phases"] for (k, s) in p.tally.status})
    return out


def province_needs(f: dict, args) -> dict:
    """What 1.8 M boxes need, from the per-request costs just measured and the assumptions given."""
    polls = args.province_boxes * args.on_at_peak * f["origin_per_box_hour"] / 3600
    average_questions = args.province_boxes * args.questions_per_box_year / (365 * 24 * 3600)
    peak_questions = average_questions * args.peak_factor
    questions = max(peak_questions, args.burst)
    desk = args.province_staff * args.desk_requests_per_staff_hour / 3600
    node_cores = (polls * f["poll_node_cpu"] + questions * f["intake_node_cpu"] + desk * f["desk_node_cpu"]) / 1000
    db_cores = (polls * f["poll_db_cpu"] + questions * f["intake_db_cpu"] + desk * f["desk_db_cpu"]) / 1000 \
        + f["db_idle"]
    # each node also spends its idle share of a core (housekeeping) whatever it serves
    nodes = math.ceil(node_cores / (args.node_utilisation - f["node_idle"])) + 1
    edge = args.province_boxes * args.on_at_peak * f["fleet_per_box_hour"] / 3600
    years = args.retention_years
    db_bytes = (args.province_boxes * f["bytes_per_device"]
                + args.province_boxes * args.questions_per_box_year * years * f["bytes_per_question"])
    return {"polls_per_s": polls, "peak_questions": peak_questions, "questions_per_s": questions,
            "node_cores": node_cores, "nodes": nodes,
            "db_cores": db_cores, "edge_per_s": edge, "edge_cores": edge * f["edge_cpu_per_1000"] / 1000,
            "db_bytes": db_bytes}


def print_table(prov: dict | None, ref: dict | None, args) -> None:
    def cell(f, key, fmt):
        if f is None or key not in f:
            return "—"
        value = f[key]
        return fmt.format(value) if isinstance(value, (int, float)) and not (isinstance(value, float) and math.isnan(value)) else "—"
    rows = [
        ("fleet requests per box-hour (what an origin without edge gets)", "fleet_per_box_hour", "{:.1f}"),
        ("answered by the edge's cache (share of fleet requests)", "edge_share", "{:.1%}"),
        ("origin requests per box-hour (reached the nodes)", "origin_per_box_hour", "{:.2f}"),
        ("  of which a box's own questions", "own_per_box_hour", "{:.2f}"),
        ("idle: one node's CPU-s per second (no requests)", "node_idle", "{:.3f}"),
        ("idle: PostgreSQL CPU-s per second", "db_idle", "{:.3f}"),
        ("poll: node CPU-s per 1,000 origin requests", "poll_node_cpu", "{:.3f}"),
        ("poll: PostgreSQL CPU-s per 1,000", "poll_db_cpu", "{:.3f}"),
        ("intake: node CPU-s per 1,000 questions", "intake_node_cpu", "{:.3f}"),
        ("intake: PostgreSQL CPU-s per 1,000", "intake_db_cpu", "{:.3f}"),
        ("desk (claim + answer): node CPU-s per 1,000 requests", "desk_node_cpu", "{:.3f}"),
        ("desk: PostgreSQL CPU-s per 1,000", "desk_db_cpu", "{:.3f}"),
        ("edge (nginx) CPU-s per 1,000 fleet requests", "edge_cpu_per_1000", "{:.3f}"),
        ("questions offered per s", "intake_offered", "{:.0f}"),
        ("questions acknowledged per s (first try, intake phase)", "intake_achieved", "{:.0f}"),
        ("intake p50 s", "intake_p50", "{:.3f}"),
        ("intake p99 s", "intake_p99", "{:.3f}"),
        ("load generator lateness p99 s (intake)", "intake_late_p99", "{:.3f}"),
        ("claim p50 s", "claim_p50", "{:.3f}"),
        ("claim p99 s", "claim_p99", "{:.3f}"),
        ("questions answered by the desk per s", "claims_per_s", "{:.0f}"),
        ("mixed: intake p99 s (sent before the kill)", "mixed_intake_p99", "{:.3f}"),
        ("mixed: claim p99 s (sent before the kill)", "mixed_claim_p99", "{:.3f}"),
        ("mixed: intake p99 s (sent after the kill)", "killed_intake_p99", "{:.3f}"),
        ("mixed: claim p99 s (sent after the kill)", "killed_claim_p99", "{:.3f}"),
        ("mixed: questions acknowledged per s (until the last answer)", "mixed_acknowledged", "{:.0f}"),
        ("mixed: questions answered by the desk per s", "mixed_answered", "{:.0f}"),
        ("mixed: requests sent", "mixed_sent", "{:d}"),
        ("mixed: failed (502/503/504/cut) as the client saw them", "mixed_failed", "{:d}"),
        ("mixed: passed on by the edge to the other node", "edge_retried", "{:d}"),
        ("any 500 answer, whole run", "all_500", "{:d}"),
        ("questions resent by the outbox (same key)", "resent", "{:d}"),
        ("questions acknowledged", "acknowledged", "{:d}"),
        ("  acknowledged but not in the database (lost)", "lost", "{:d}"),
        ("  never acknowledged (outbox gave up)", "unacknowledged", "{:d}"),
        ("  still being resent when the bench stopped waiting", "unfinished", "{:d}"),
        ("claims stranded by a cut answer (lapse after the lease)", "stranded", "{:d}"),
        ("database bytes per device", "bytes_per_device", "{:.0f}"),
        ("database bytes per question (+ submissions, audit, calls)", "bytes_per_question", "{:.0f}"),
    ]
    needs = [
        ("1.8M: origin poll requests per s at peak", "polls_per_s", "{:.0f}"),
        ("1.8M: questions per s sized for (max of peak hour, burst)", "questions_per_s", "{:.0f}"),
        ("1.8M: API node cores busy", "node_cores", "{:.2f}"),
        ("1.8M: API nodes (one core each, at the utilisation given, +1)", "nodes", "{:d}"),
        ("1.8M: PostgreSQL cores busy", "db_cores", "{:.2f}"),
        ("1.8M: edge requests per s / edge cores", "edge_per_s", "{:.0f}"),
        ("1.8M: database size GB after the retention years", "db_bytes", "{:.1f}"),
    ]
    width = max(len(r[0]) for r in rows + needs)
    print(f"{'':{width}}  {'province':>12}  {'SQLite ref':>12}  {'ratio':>7}")
    for label, key, fmt in rows:
        a, b = cell(prov, key, fmt), cell(ref, key, fmt)
        ratio = ""
        if prov and ref and isinstance(prov.get(key), (int, float)) and isinstance(ref.get(key), (int, float)) \
                and ref[key] and not math.isnan(ref[key]) and not math.isnan(prov[key]) and "{:d}" != fmt:
            ratio = f"{prov[key] / ref[key]:.2f}"
        print(f"{label:{width}}  {a:>12}  {b:>12}  {ratio:>7}")
    p_needs = province_needs(prov, args) if prov else None
    r_needs = province_needs(ref, args) if ref else None
    for n in (p_needs, r_needs):
        if n:
            n["db_bytes"] = n["db_bytes"] / 1e9
            n["edge_per_s"] = n["edge_per_s"]
    for label, key, fmt in needs:
        print(f"{label:{width}}  {cell(p_needs, key, fmt):>12}  {cell(r_needs, key, fmt):>12}")
    for n, f in ((p_needs, prov), (r_needs, ref)):
        if n:
            print(f"  edge cores at peak ({'province' if n is p_needs else 'SQLite ref'}): {n['edge_cores']:.2f}; "
                  f"peak-hour questions/s {n['peak_questions']:.2f}; status codes seen {f['status_codes']}; "
                  f"videos {f['videos']}; largest tables {f['largest_tables']}")


def main(args) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-province-"))
    source = samples.two_languages(args.video_seconds, "640x360")
    askers = math.ceil(2 * args.rate * args.seconds / 3) + 10
    results = {}
    pg = None
    bin_dir = postgres_starter._bin_dir()
    try:
        for name in ("province", "sqlite"):
            if args.only and name != args.only:
                continue
            folder = work / name
            folder.mkdir()
            if name == "province":
                if bin_dir is None:
                    print("PostgreSQL is not installed: scripts/setup.sh installs it")
                    continue
                # a province's durability: every COMMIT reaches the disk (the tests switch it off)
                postgres_starter.SERVER_SETTINGS = ("max_connections=200",)
                pg = postgres_starter.PostgresServer(bin_dir)
                pg.start()
                mode = Mode(name, folder, pg.create_database(), nodes=2, workers=2, pg=pg)
            else:
                mode = Mode(name, folder, "", nodes=1, workers=0)
            try:
                acc = prepare(mode.store, args.boxes, askers, args.staff)
                mode.start()
                print(f"{name}: {len(mode.nodes)} node(s), {len(mode.workers)} worker(s), edge {mode.edge.url}",
                      file=sys.stderr, flush=True)
                results[name] = figures(verify(mode, asyncio.run(run_mode(mode, acc, args, source))), args)
            finally:
                mode.stop()
                if pg is not None:
                    pg.stop()
                    pg = None
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"machine: {os.cpu_count()} cores, {platform_line()}; phases of {args.seconds:.0f} s; fleet {args.boxes} boxes "
          f"x{args.speed:.0f} time ({args.open:.0%} with an open question); {args.staff} staff every "
          f"{args.staff_interval:.1f} s; both modes behind the same nginx edge")
    print_table(results.get("province"), results.get("sqlite"), args)


def platform_line() -> str:
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    return model


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each of the four phases")
    parser.add_argument("--rate", type=float, default=300, help="questions offered per second")
    parser.add_argument("--boxes", type=int, default=600, help="boxes in the simulated fleet")
    parser.add_argument("--speed", type=float, default=30, help="simulated seconds per second for the fleet")
    parser.add_argument("--open", type=float, default=0.05, help="share of the fleet with an open question")
    parser.add_argument("--staff", type=int, default=200)
    parser.add_argument("--staff-interval", type=float, default=2.0, help="seconds between one lawyer's claims")
    parser.add_argument("--video-seconds", type=float, default=6, help="length of each upload the workers transcode")
    parser.add_argument("--only", choices=("province", "sqlite"))
    parser.add_argument("--keep", action="store_true", help="keep the data roots and logs")
    # assumptions of the capacity lines
    parser.add_argument("--province-boxes", type=int, default=1_800_000)
    parser.add_argument("--on-at-peak", type=float, default=1.0, help="share of boxes switched on at the peak")
    parser.add_argument("--questions-per-box-year", type=float, default=2.0)
    parser.add_argument("--peak-factor", type=float, default=10.0, help="peak hour's questions / an average hour's")
    parser.add_argument("--burst", type=float, default=300.0, help="questions/s the province must take at once")
    parser.add_argument("--province-staff", type=int, default=200)
    parser.add_argument("--desk-requests-per-staff-hour", type=float, default=120.0)
    parser.add_argument("--node-utilisation", type=float, default=0.5, help="share of a core an API node may use")
    parser.add_argument("--retention-years", type=float, default=5.0, help="years questions are kept")
    main(parser.parse_args())
