"""The one HTTP client of the box: the contract in ARCHITECTURE.md, nothing else.

Blocking calls with timeouts (run them off the UI thread). GETs revalidate with ETags; the
device token is registered once and kept on disk; a lost token (server reset) re-registers.
"""
from __future__ import annotations

import gzip
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONNECT_TIMEOUT = 8.0  # seconds; a 512 kbit/s link with 300 ms round trips still answers in time


class Offline(Exception):
    """The server could not be reached (or answered 5xx); cached data should be used."""


class Rejected(Exception):
    """The server answered 4xx: the request itself is wrong and retrying will not help."""

    def __init__(self, status: int, body: Any, retry_after: float | None = None):
        super().__init__(f"{status}: {body}")
        self.status, self.body, self.retry_after = status, body, retry_after

    @property
    def answer(self) -> dict:
        """What the server said, to keep and show: {"status", "error", "field", "message": {"zh", "mn"}}."""
        body = self.body if isinstance(self.body, dict) else {}
        message = body.get("message")
        return {"status": self.status, "error": body.get("error"), "field": body.get("field"),
                "message": message if isinstance(message, dict) else None}


class Later(Rejected):
    """The server answered 429 or 503 with Retry-After: the request is fine but must wait that long."""


def _retry_after(headers) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form), None when absent or unreadable."""
    try:
        return max(0.0, float(headers.get("Retry-After")))
    except (TypeError, ValueError):
        return None


@dataclass
class Reply:
    status: int
    data: Any
    etag: str | None
    nbytes: int = 0
    seconds: float = 0.0


class ApiClient:
    def __init__(self, server: str, data_dir: Path, region: str = "150000", language: str = "zh",
                 timeout: float = CONNECT_TIMEOUT):
        self.server = server.rstrip("/")
        self.device_file = Path(data_dir) / "device.json"
        self.region, self.language, self.timeout = region, language, timeout
        self._token: str | None = None
        self._told_region: str | None = None  # the region the server holds for this box (device.json)
        self.shaping: str | None = None  # which text path joins Mongolian here (stb_app.shaping), told at registration
        self.on_reach = None  # called with True/False after every request: was the server reached?

    def _reached(self, ok: bool) -> None:
        if self.on_reach is not None:
            self.on_reach(ok)

    # -- plumbing ---------------------------------------------------------------------------
    def url(self, path: str) -> str:
        """An absolute URL for a path or URL the server handed out (relative URLs allowed)."""
        return urllib.parse.urljoin(self.server + "/", path)

    def _request(self, method: str, path: str, body: Any = None, headers: dict | None = None,
                 auth: bool = True) -> Reply:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        request = urllib.request.Request(self.url(path), data=data, headers=headers, method=method)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                raw = resp.read()
                status, resp_headers = resp.status, resp.headers
        except urllib.error.HTTPError as err:
            raw, status, resp_headers = err.read(), err.code, err.headers
        except (OSError, ValueError) as err:  # refused, reset, DNS, timeout
            self._reached(False)
            raise Offline(str(err)) from err
        seconds = time.monotonic() - started
        if resp_headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        parsed = None
        if raw and status != 304:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw
        retry_after = _retry_after(resp_headers)
        if status in (429, 503) and retry_after is not None:
            self._reached(True)
            raise Later(status, parsed, retry_after)
        if status >= 500:
            self._reached(False)
            raise Offline(f"server answered {status}")
        self._reached(True)
        if status >= 400:
            raise Rejected(status, parsed)
        return Reply(status, parsed, resp_headers.get("ETag"), len(raw), seconds)

    # -- device -------------------------------------------------------------------------------
    def token(self) -> str:
        """This box's device token, registering the box on first use."""
        if self._token:
            return self._token
        try:
            saved = json.loads(self.device_file.read_text())
            self._token, self._told_region = saved["token"], saved.get("region")
        except (OSError, ValueError, KeyError):
            self._token = self.register()
        return self._token

    def register(self) -> str:
        body = {"region": self.region, "language": self.language}
        if self.shaping:
            body["shaping"] = self.shaping
        reply = self._request("POST", "/api/v1/devices", body, auth=False)
        token = reply.data["token"]
        self._save_device(reply.data["device_id"], token, self.region)
        self._token = token
        return token

    def _save_device(self, device_id: str, token: str, region: str) -> None:
        self.device_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.device_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"device_id": device_id, "token": token, "region": region}))
        tmp.replace(self.device_file)
        self._told_region = region

    def _tell_region(self) -> None:
        """The household chose another place since the server last heard: the server learns it
        before any request that speaks for the box (its questions carry the region)."""
        self.token()
        region = self.region
        if self._told_region is None or self._told_region == region:  # None: a token from elsewhere
            return
        try:
            self._request("PUT", "/api/v1/devices/region", {"region": region})
        except Rejected as err:
            if err.status == 401:  # the server forgot us: registering again tells it the region
                self._token = None
                self.device_file.unlink(missing_ok=True)
                self.token()
                return
            # a region the server refuses is not sent again with every request
        saved = json.loads(self.device_file.read_text())
        self._save_device(saved["device_id"], saved["token"], region)

    def _authed(self, method: str, path: str, body: Any = None, headers: dict | None = None) -> Reply:
        self._tell_region()
        try:
            return self._request(method, path, body, headers)
        except Rejected as err:
            if err.status != 401:
                raise
            self._token = None
            self.device_file.unlink(missing_ok=True)  # the server forgot us: register again
            return self._request(method, path, body, headers)

    # -- contract -----------------------------------------------------------------------------
    def get_json(self, path: str, etag: str | None = None) -> Reply:
        """GET a JSON resource; with `etag`, a 304 Reply (data None) means "unchanged"."""
        return self._authed("GET", path, headers={"If-None-Match": etag} if etag else None)

    def get_bytes(self, url: str) -> tuple[bytes, float]:
        """Download a file (poster, subtitle, playlist); returns (bytes, seconds taken)."""
        started = time.monotonic()
        try:
            with urllib.request.urlopen(self.url(url), timeout=self.timeout) as resp:
                content = resp.read()
        except urllib.error.HTTPError as err:
            self._reached(err.code < 500)
            if err.code >= 500:
                raise Offline(f"server answered {err.code}") from err
            raise Rejected(err.code, None) from err
        except (OSError, ValueError) as err:
            self._reached(False)
            raise Offline(str(err)) from err
        self._reached(True)
        return content, time.monotonic() - started

    def send_question(self, idempotency_key: str, body: dict) -> dict:
        return self._authed("POST", "/api/v1/questions", body, {"Idempotency-Key": idempotency_key}).data

    def send_plays(self, batch_id: str, body: dict) -> dict:
        """One batch of play events; the batch id makes a resend after a lost reply count once."""
        return self._authed("POST", "/api/v1/plays", {"batch": batch_id, "events": body["events"]}).data

    def send_complaint(self, idempotency_key: str, body: dict) -> dict:
        """A complaint about a question that has ended (`body`: {"question_id", "reason"})."""
        return self._authed("POST", f"/api/v1/questions/{body['question_id']}/complaint", {"reason": body["reason"]},
                            {"Idempotency-Key": idempotency_key}).data

    def questions(self) -> list:
        return self._authed("GET", "/api/v1/questions").data

    def cancel_request(self, question_id: str) -> dict:
        """Cancels this box's service request (cancelling again answers the same)."""
        return self._authed("POST", f"/api/v1/questions/{question_id}/cancel", {}).data

    def rate(self, question_id, score: int) -> Any:
        return self._authed("POST", f"/api/v1/questions/{question_id}/rating", {"score": score}).data
