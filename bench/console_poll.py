"""Benchmark: what an open staff console costs the server while it polls the queue.

Fills a fresh data root with queued questions (through the real intake API), signs a lawyer
in, then times over real HTTP on 127.0.0.1: the full queue page, the polled queue fragment
when something changed (200, rendered) and when nothing changed (304). The reference,
measured in the same run, is /healthz. Prints medians and ratios.

    .venv/bin/python bench/console_poll.py [--questions 300] [--requests 200]
"""
from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from content_server.app import create_app  # noqa: E402
from content_server.kernel import auth  # noqa: E402
from content_server.kernel.config import Settings  # noqa: E402
from content_server.storage import STORE, accounts  # noqa: E402

PASSWORD = "bench password 1234"
TOPICS = [("traffic", "traffic.2"), ("labour", "labour.1"), ("wages", "wages.1"), ("land", "land.2")]


async def fill(session: aiohttp.ClientSession, base: str, count: int) -> None:
    """`count` distinct questions from boxes that each ask three (the per-box limit)."""
    token = None
    for n in range(count):
        if n % 3 == 0:
            async with session.post(f"{base}/api/v1/devices", json={"region": "152502", "language": "mn"}) as r:
                token = (await r.json())["token"]
        topic, phrase = TOPICS[n % len(TOPICS)]
        body = {"topic": topic, "phrases": [phrase], "text": "", "phone": f"138{n:08d}",
                "callback_window": "any", "language": "mn" if n % 2 else "zh"}
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
        async with session.post(f"{base}/api/v1/questions", json=body, headers=headers) as r:
            assert r.status == 201, await r.text()


async def timed(session: aiohttp.ClientSession, url: str, requests: int, headers=None, status=200) -> list[float]:
    out = []
    for _ in range(requests):
        start = time.perf_counter()
        async with session.get(url, headers=headers or {}) as r:
            await r.read()
            assert r.status == status, (url, r.status)
        out.append((time.perf_counter() - start) * 1000)
    return out


async def main(questions: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data=Path(tmp) / "data", device_registrations_per_minute=100_000,
                            login_attempts_per_15_minutes=100)
        app = create_app(settings)
        await app[STORE].write(accounts.add_user, "bench", "staff", auth.hash_password(PASSWORD), "zh,mn")
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        try:
            # unsafe: the jar must keep cookies for an IP address host
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
                await fill(session, base, questions)
                async with session.get(f"{base}/console/login") as r:  # the form's pre-session token
                    login_token = re.search(r'name="login_token" value="([^"]*)"', await r.text()).group(1)
                async with session.post(f"{base}/console/login", headers={"Origin": base},
                                        data={"name": "bench", "password": PASSWORD, "login_token": login_token}) as r:
                    page = await r.text()
                    assert r.status == 200 and r.url.path == "/console/staff", "sign-in failed"
                shown = len(re.findall(r'class="q-card', page))
                healthz = await timed(session, f"{base}/healthz", requests)
                full_page = await timed(session, f"{base}/console/staff", requests)
                fragment = await timed(session, f"{base}/console/staff/queue", requests)
                async with session.get(f"{base}/console/staff/queue") as r:
                    etag = r.headers["ETag"]
                unchanged = await timed(session, f"{base}/console/staff/queue", requests,
                                        headers={"If-None-Match": etag}, status=304)
        finally:
            await runner.cleanup()
    ref = statistics.median(healthz)
    print(f"{questions} queued questions, {shown} cards on the page, {requests} sequential requests each")
    for name, values in (("GET /healthz (reference)", healthz), ("full queue page", full_page),
                         ("queue fragment, changed (200)", fragment), ("queue fragment, unchanged (304)", unchanged)):
        median = statistics.median(values)
        print(f"{name:34s} median {median:7.2f} ms   p90 {statistics.quantiles(values, n=10)[-1]:7.2f} ms"
              f"   x{median / ref:6.1f} of /healthz")
    print(f"an unchanged poll costs {statistics.median(unchanged) / statistics.median(fragment):.3f} "
          f"of a rendered one")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.questions, args.requests))
