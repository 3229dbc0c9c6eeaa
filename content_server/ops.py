"""Operations: /healthz, and /metrics in Prometheus text format (with the event loop's lag)."""
from __future__ import annotations

import asyncio
import hmac
import math
import os
import time
from collections import defaultdict
from typing import Callable

from aiohttp import web

from .accounts import callers
from .kernel import disk_space
from .kernel.background import in_background
from .kernel.config import SETTINGS
from .kernel.errors import ApiError, DISK_FULL_RETRY_SECONDS, disk_full, disk_full_error
from .kernel.i18n import N_
from .kernel.loop_lag import LAG_TICK_SECONDS, LAG_WINDOW_SECONDS, LOOP_LAG
from .storage import STORE, health as health_sql

routes = web.RouteTableDef()


class Metrics:
    """Counters kept in memory, plus gauges read from callbacks when scraped."""

    def __init__(self):
        self.counters: dict[tuple[str, tuple], float] = defaultdict(float)
        self.gauges: dict[str, Callable[[], dict[tuple, float] | float]] = {}
        self.help: dict[str, tuple[str, str]] = {}

    def describe(self, name: str, kind: str, text: str) -> None:
        self.help[name] = (kind, text)

    def inc(self, name: str, amount: float = 1.0, **labels) -> None:
        self.counters[(name, tuple(sorted(labels.items())))] += amount

    def gauge(self, name: str, text: str, read: Callable) -> None:
        self.describe(name, "gauge", text)
        self.gauges[name] = read

    async def render(self) -> str:
        samples: dict[str, list[tuple[tuple, float]]] = defaultdict(list)
        for (name, labels), value in self.counters.items():
            samples[name].append((labels, value))
        for name, read in self.gauges.items():
            value = read()
            if asyncio.iscoroutine(value):  # a gauge that reads the database awaits the store
                value = await value
            if isinstance(value, dict):
                samples[name].extend((tuple(sorted(dict(k).items())), v) for k, v in value.items())
            else:
                samples[name].append(((), value))
        lines = []
        for name in sorted(samples):
            kind, text = self.help.get(name, ("counter", name))
            lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
            for labels, value in samples[name]:
                label_text = ",".join(f'{k}="{v}"' for k, v in labels)
                lines.append(f"{name}{{{label_text}}} {value:g}" if label_text else f"{name} {value:g}")
        return "\n".join(lines) + "\n"


@web.middleware
async def count_requests(request: web.Request, handler):
    response = await handler(request)
    route = request.match_info.route.resource
    path = route.canonical if route is not None else "unmatched"
    request.app[METRICS].inc("legaltv_http_requests_total", path=path, status=response.status)
    return response


HEALTHY_PROBE_SECONDS = 1.0  # a passed commit probe is reused this long: polling under load costs no fsync each


class HealthProbe:
    """A real commit through the store's writer and a file written under the data root (in a
    worker thread); concurrent /healthz requests share the probe under way, and a pass is
    trusted for a second."""

    def __init__(self, settings, store):
        self.settings, self.store = settings, store
        self._passed_at = -math.inf
        self._running: asyncio.Future | None = None

    async def check(self) -> None:
        """Returns when the database and the media root take writes; raises what failed."""
        if time.monotonic() - self._passed_at < HEALTHY_PROBE_SECONDS:
            return
        if self._running is None:
            self._running = asyncio.ensure_future(self._probe())
            self._running.add_done_callback(self._finished)
        await asyncio.shield(self._running)

    async def _probe(self) -> None:
        await self.store.write(health_sql.probe_commit, time.time())
        await asyncio.to_thread(self._probe_media_root)

    def _probe_media_root(self) -> None:
        probe = self.settings.root.work / f".healthz-{os.getpid()}"  # API nodes may share one media root
        probe.write_bytes(b"ok")
        probe.unlink()

    def _finished(self, probe: asyncio.Future) -> None:
        self._running = None
        if not probe.cancelled() and probe.exception() is None:
            self._passed_at = time.monotonic()


def _room(settings) -> tuple[int, int]:
    return disk_space.free_bytes(settings.root.root), disk_space.reserve_bytes(settings, settings.root.root)


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    try:
        free, reserve = await asyncio.to_thread(_room, settings)
        if free < reserve:
            # TRANSLATORS: status of the server for administrators (health check), max 100 chars
            low = ApiError(503, "low_disk_space", N_("The server's disk is almost full. Please free space on it."),
                           headers={"Retry-After": str(DISK_FULL_RETRY_SECONDS)})
            return _unhealthy("low_disk_space", low, free_bytes=free, min_free_bytes=reserve)
        await request.app[HEALTH_PROBE].check()
    except Exception as exc:  # report, never crash, when the disk or database is gone
        if disk_full(exc):
            return _unhealthy("disk_full", disk_full_error())
        return web.json_response({"status": "unhealthy", "reason": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "time": time.time(), "free_bytes": free})


def _unhealthy(reason: str, error: ApiError, **figures) -> web.Response:
    return web.json_response({"status": "unhealthy", "reason": reason, **error.body(), **figures},
                             status=error.status, headers=error.headers)


def admin_or_scrape_token(handler):
    """Metrics are for administrators (session or API token) and for a scraper sending
    Settings.metrics_token as a Bearer token; they tell an attacker too much about the service."""
    as_admin = callers.requires("admin")(handler)

    async def wrapper(request: web.Request):
        scrape_token = request.app[SETTINGS].metrics_token
        sent = request.headers.get("Authorization", "")
        if scrape_token and hmac.compare_digest(sent.encode(), f"Bearer {scrape_token}".encode()):
            return await handler(request)
        return await as_admin(request)
    wrapper.roles = as_admin.roles
    return wrapper


@routes.get("/metrics")
@admin_or_scrape_token
async def metrics(request: web.Request) -> web.Response:
    return web.Response(text=await request.app[METRICS].render(), content_type="text/plain", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


METRICS = web.AppKey("metrics", Metrics)  # counters and gauges served by /metrics
HEALTH_PROBE = web.AppKey("health_probe", HealthProbe)  # the last /healthz check, shared by callers within a second


def setup(app: web.Application) -> None:
    app[METRICS].describe("legaltv_http_requests_total", "counter", "HTTP requests by route and status")
    app[HEALTH_PROBE] = HealthProbe(app[SETTINGS], app[STORE])
    app[METRICS].gauge("legaltv_event_loop_lag_seconds",
                       f"how late a {LAG_TICK_SECONDS:g} s sleep wakes, over the last {LAG_WINDOW_SECONDS:g} s",
                       app[LOOP_LAG].quantiles)
    app.cleanup_ctx.append(in_background(lambda app: app[LOOP_LAG].run()))
    app.add_routes(routes)
