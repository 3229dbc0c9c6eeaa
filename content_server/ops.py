"""Operations: /healthz, and /metrics in Prometheus text format."""
from __future__ import annotations

import hmac
import time
from collections import defaultdict
from typing import Callable

from aiohttp import web

from . import auth

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

    def render(self) -> str:
        samples: dict[str, list[tuple[tuple, float]]] = defaultdict(list)
        for (name, labels), value in self.counters.items():
            samples[name].append((labels, value))
        for name, read in self.gauges.items():
            value = read()
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
    request.app["metrics"].inc("legaltv_http_requests_total", path=path, status=response.status)
    return response


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    store = request.app["store"]
    root = request.app["settings"].root
    try:
        store.one("SELECT 1")
        probe = root.work / ".healthz"
        probe.write_bytes(b"ok")
        probe.unlink()
    except Exception as exc:  # report, never crash, when the disk or database is gone
        return web.json_response({"status": "unhealthy", "reason": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "time": time.time()})


def admin_or_scrape_token(handler):
    """Metrics are for administrators (session or API token) and for a scraper sending
    Settings.metrics_token as a Bearer token; they tell an attacker too much about the service."""
    as_admin = auth.requires("admin")(handler)

    async def wrapper(request: web.Request):
        scrape_token = request.app["settings"].metrics_token
        sent = request.headers.get("Authorization", "")
        if scrape_token and hmac.compare_digest(sent.encode(), f"Bearer {scrape_token}".encode()):
            return await handler(request)
        return await as_admin(request)
    wrapper.roles = as_admin.roles
    return wrapper


@routes.get("/metrics")
@admin_or_scrape_token
async def metrics(request: web.Request) -> web.Response:
    return web.Response(text=request.app["metrics"].render(), content_type="text/plain", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    app["metrics"].describe("legaltv_http_requests_total", "counter", "HTTP requests by route and status")
    app.add_routes(routes)
