"""Every route of the live router, fed generated and hostile input by every role that may call it,
answers below 500; every JSON refusal is the contract's bilingual shape; a refusal writes nothing.

Routes are read from `create_app()`'s router, so a route added tomorrow is tested tomorrow.
"""
from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import tempfile
import threading
import uuid
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from yarl import URL

from content_server.app import create_app
from content_server.kernel import auth
from content_server.kernel.config import SETTINGS, Settings
from content_server.storage import STORE, accounts, media as media_store

from . import given as setup_store
from .conftest import add_account

PARAM = re.compile(r"\{(\w+)(?::[^{}]*)?\}")
ROLES = ("editor", "staff", "supervisor", "admin")
EXAMPLES_PER_ROUTE = 25
# the app's transcoder finishes (here: fails) a retried video's job between requests
WRITTEN_IN_THE_BACKGROUND = {"transcode_jobs"}
COUNTS_OF_REQUESTS = {"rate_events", "rate_backoff"}  # rate limits count refused requests too, by design

# Values that broke handlers once: non-ASCII digits, 64-bit overflow, calendar edges, lone surrogates.
HOSTILE_TEXT = ["", "0", "-1", "1", "²", "⑦", "١٢", "𝟗", "9" * 25, str(2**63), str(2**64), "-" + str(2**63 + 1),
                "1e999", "NaN", " 1", "1_0", "0x10", "9999-12-31", "0001-01-01", "2026-02-30", "2026-11-26",
                "\ud800", "a\udfffb", "\x00", "../../etc/passwd", "%2e%2e", "a" * 300, "ᠮᠣᠩᠭᠣᠯ", "wages",
                "week", "day", "month", "true", "null", "[]", "{}"]
# Replaced after json.dumps by text json.dumps cannot write: huge numbers, deep nesting, non-JSON constants.
RAW_JSON = {"__big_int__": "1" * 5000, "__big_negative__": "-" + "9" * 5000, "__big_float__": "1e999",
            "__long_float__": "0." + "1" * 5000, "__nan__": "NaN", "__deep__": "[" * 30000 + "]" * 30000,
            "__deep_object__": '{"a":' * 5000 + "1" + "}" * 5000, "__int64__": str(2**63)}
QUERY_NAMES = ["from", "until", "date", "limit", "hours", "region", "language", "topic", "sla", "mine", "all",
               "period", "channel", "question_id", "next", "lang", "done"]
HEADER_NAMES = ["If-None-Match", "If-Modified-Since", "Range", "If-Range", "Accept-Encoding", "Accept-Language",
                "Upload-Length", "Upload-Offset", "Upload-Metadata", "Upload-Checksum", "Upload-Defer-Length",
                "Tus-Resumable", "X-CSRF-Token", "Origin", "Cookie"]
FORM_NAMES = ["version", "active", "password", "name", "role", "languages", "topics", "summary_zh", "summary_mn",
              "reached", "satisfied", "outcome", "note", "next", "score", "csrf_token"]

TITLE = {"zh": "法治", "mn": "ᠬᠠᠤᠯᠢ"}
SCHEDULE = {"slots": [{"id": "morning", "days": [1, 2, 3, 4, 5, 6, 7], "start": "08:00", "end": "09:00",
                       "title": TITLE, "source": {"type": "videos", "videos": ["talk"]}}],
            "playlists": {}, "overrides": []}
# A valid body per route, so generated changes to one field reach deep into the handler.
EXAMPLE_BODIES = {
    "POST /api/v1/devices": {"region": "152500", "language": "mn"},
    "POST /api/v1/questions": {"topic": "wages", "phrases": ["wages.1"], "text": "老板说下个月再给。",
                               "phone": "138 1234 8000", "callback_window": "morning", "language": "mn"},
    "POST /api/v1/questions/{question_id}/rating": {"score": 5},
    "POST /api/v1/topics": {"id": "pension", "title": TITLE, "phrases": [{"text": TITLE}]},
    "PUT /api/v1/topics/{topic_id}": {"title": TITLE, "phrases": [{"id": "wages.9", "text": TITLE}]},
    "POST /api/v1/categories": {"id": "wages2", "title": TITLE},
    "PATCH /api/v1/categories/{category_id}": {"title": TITLE},
    "PUT /api/v1/categories/order": {"order": ["wages", "traffic"]},
    "POST /api/v1/videos": {"upload_id": "0" * 32, "category": "family", "title": TITLE, "summary": TITLE,
                            "audio_languages": ["zh", "mn"], "subtitles": {}, "publish_from": "2026-11-26T08:00:00+08:00"},
    "POST /api/v1/channels": {"id": "legal", "title": TITLE, "schedule": SCHEDULE},
    "PUT /api/v1/channels/{channel_id}": {"title": TITLE, "schedule": SCHEDULE},
    "POST /api/v1/channels/{channel_id}/overrides": {"date": "2026-12-24", "start": "21:00", "end": "21:30",
                                                     "title": TITLE, "source": {"type": "videos", "videos": ["talk"]}},
    "POST /api/v1/channels/{channel_id}/preview": {"schedule": SCHEDULE, "date": "2026-11-26"},
    "POST /api/v1/desk/questions/{question_id}/{action}": {"version": 1, "outcome": "answered", "note": "好",
                                                           "summary": TITLE, "reached": True, "satisfied": True},
    "PUT /api/v1/desk/staff/{user_id}/topics": {"topics": ["wages"]},
    "PUT /api/v1/desk/staff/{user_id}/services": {"services": ["notary"]},
    "PUT /api/v1/services": {"items": [{"id": "abag-test-office", "region": "152522", "level": "sumu",
                                        "name": TITLE, "phone": "0479-12348", "hours": TITLE, "address": TITLE}]},
    "PUT /api/v1/glossary": {"items": [{"id": "wage", "term": TITLE, "definition": TITLE}]},
    "PUT /api/v1/guides": {"items": []},
}


def live_routes() -> list[tuple[str, str, tuple]]:
    """(method, path pattern, roles) of every route of a freshly created app."""
    with tempfile.TemporaryDirectory() as data:
        app = create_app(Settings(data=data))
        table = []
        for route in app.router.routes():
            info = route.resource.get_info()
            pattern = info.get("formatter") or info.get("path") or info.get("prefix") + "/{filename}"
            table.append((route.method, pattern, tuple(getattr(route.handler, "roles", ()) or ())))
        app[STORE].close()
    return sorted(set(table))


ROUTES = live_routes()


class LiveApp:
    """The app on a real SQLite file in this process, its event loop running all along on a thread
    of its own (as a server's does), driven by blocking calls. A loop that stood still between
    requests would wake late at each one, which the app rightly reads as a node short of CPU."""

    def __init__(self, data):
        self.loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self.loop.run_forever, name="live-app-loop", daemon=True)
        self._loop_thread.start()
        self.app = create_app(Settings(data=data))
        self.client = TestClient(TestServer(self.app), loop=self.loop)
        self._on_loop(self.client.start_server())
        self.database = str(self.app[SETTINGS].root.database)
        self.reader: sqlite3.Connection | None = None
        store = self.app[STORE]
        self.headers = {"anonymous": {}}
        self.user_ids = set()
        for role in ROLES:
            user_id = add_account(store, f"who-{role}", role)
            token, token_hash = auth.new_token("ltv")
            setup_store.write(store, accounts.add_api_token, user_id, token_hash)
            self.headers[role] = {"Authorization": f"Bearer {token}"}
            self.user_ids.add(str(user_id))
        self.target_user = str(add_account(store, "target-staff", "staff"))  # for the admin's forms
        status, body = self.send("POST", "/api/v1/devices", json_text=json.dumps(EXAMPLE_BODIES["POST /api/v1/devices"]))
        self.headers["household"] = {"Authorization": f"Bearer {body['token']}"}
        status, body = self.send("POST", "/api/v1/questions", headers={**self.headers["household"],
                                 "Idempotency-Key": str(uuid.uuid4())},
                                 json_text=json.dumps(EXAMPLE_BODIES["POST /api/v1/questions"]))
        assert status == 201, body
        # path parameters naming something that exists, so generated input reaches the handler
        self.known = {"question_id": body["id"], "user_id": self.target_user, "topic_id": "wages",
                      "category_id": "family", "channel_id": "legal", "action": "answer", "period": "week",
                      "video_id": "pending", "variant": "180p", "upload_id": "0" * 32}
        status, body = self.send("POST", "/api/v1/channels", headers=self.headers["editor"],
                                 json_text=json.dumps({"id": "legal", "title": TITLE}))
        assert status == 201, body
        status, body = self.send("POST", "/api/v1/categories", headers=self.headers["editor"],
                                 json_text=json.dumps({"id": "family", "title": TITLE}))
        assert status in (201, 409), body
        setup_store.write(store, media_store.add_video_with_job, {"id": "pending", "category": "family", "title_zh": "处理中",
                                               "title_mn": "ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠭᠤᠯᠵᠤ", "audio_languages": ["zh"],
                                               "subtitle_languages": [], "source": {}})
        setup_store.write(store, media_store.claim_next_job)  # failed at once, so the app's transcoder leaves it alone
        setup_store.write(store, media_store.fail_job, "pending", "The source could not be read.")

    def send(self, method: str, path: str, headers: dict | None = None, json_text: str | None = None,
             data: bytes | None = None, content_type: str | None = None) -> tuple[int, object]:
        headers = dict(headers or {})
        if json_text is not None:
            data, content_type = json_text.encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type

        async def call():
            resp = await self.client.request(method, URL(path, encoded=True), headers=headers, data=data,
                                             allow_redirects=False)
            raw = await resp.read()
            if resp.content_type == "application/json" and raw:
                return resp.status, json.loads(raw)
            return resp.status, (resp.content_type, raw)
        return self._on_loop(call())

    def _on_loop(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def row_counts(self) -> dict:
        if self.reader is None:  # autocommit: every count sees the latest commit
            self.reader = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, isolation_level=None)
        tables = [r[0] for r in self.reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if r[0] not in WRITTEN_IN_THE_BACKGROUND | COUNTS_OF_REQUESTS]
        return {t: self.reader.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
        self._on_loop(self.client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._loop_thread.join()
        self.loop.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    app = LiveApp(tmp_path_factory.mktemp("hostile") / "data")
    yield app
    app.close()


def _encoded(value: str) -> str:
    return quote(value, safe="", errors="surrogatepass")


hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=20),
                         st.integers(min_value=-2**70, max_value=2**70).map(str))
json_leaves = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                        st.floats(allow_nan=False, allow_infinity=False), hostile_text,
                        st.sampled_from(sorted(RAW_JSON)))
json_values = st.recursive(json_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(hostile_text, st.sampled_from(FORM_NAMES)), inner,
                                                  max_size=4)), max_leaves=12)


def _json_text(value) -> str:
    text = json.dumps(value)
    for marker, raw in RAW_JSON.items():
        text = text.replace(f'"{marker}"', raw)
    return text


@st.composite
def requests(draw, live: LiveApp, method: str, pattern: str, roles: tuple):
    """One request to this route: a caller, path parameters, a query string and a body."""
    callers = list(roles) if roles else ["anonymous"]
    caller = draw(st.one_of(st.sampled_from(callers), st.sampled_from(["anonymous", "household", *ROLES])))

    def fill(match):
        name = match.group(1)
        value = draw(st.one_of(st.just(live.known.get(name, "x")), hostile_text))
        if name == "user_id" and value in live.user_ids:
            value = live.target_user  # keep the callers' own accounts usable for the next examples
        return _encoded(value) or "x"
    path = PARAM.sub(fill, pattern)
    query = draw(st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), hostile_text), hostile_text, max_size=3))
    if query:
        path += "?" + "&".join(f"{_encoded(k)}={_encoded(v)}" for k, v in query.items())
    header_text = hostile_text.map(lambda v: "".join(c for c in v if " " <= c <= "~")[:200])  # what HTTP carries
    headers = {**draw(st.dictionaries(st.sampled_from(HEADER_NAMES), header_text, max_size=3)),
               **live.headers[caller]}
    if pattern.startswith("/api/v1/questions") and method == "POST":
        headers["Idempotency-Key"] = draw(st.one_of(st.uuids().map(str), header_text.map(lambda v: v[:64])))
    example = EXAMPLE_BODIES.get(f"{method} {pattern}")
    kind = draw(st.sampled_from(["example", "json", "form", "bytes", "none"] if example
                                else ["json", "form", "bytes", "none"]))
    if kind == "example":
        body = dict(example)
        field = draw(st.one_of(st.sampled_from(sorted(body)), hostile_text))
        if draw(st.booleans()):
            body.pop(field, None)
        else:
            body[field] = draw(json_values)
        return dict(method=method, path=path, headers=headers, json_text=_json_text(body))
    if kind == "json":
        return dict(method=method, path=path, headers=headers, json_text=_json_text(draw(json_values)))
    if kind == "form":
        fields = draw(st.dictionaries(st.one_of(st.sampled_from(FORM_NAMES), hostile_text), hostile_text, max_size=5))
        form = "&".join(f"{_encoded(k)}={_encoded(v)}" for k, v in fields.items()).encode()
        return dict(method=method, path=path, headers=headers, data=form,
                    content_type="application/x-www-form-urlencoded")
    if kind == "bytes":
        return dict(method=method, path=path, headers=headers, data=draw(st.binary(max_size=200)),
                    content_type="application/json")
    return dict(method=method, path=path, headers=headers)


def sweep(live: LiveApp, method: str, pattern: str, roles: tuple):
    """Every hostile value in every path parameter, in every query name at once (GET) or every form
    field at once (other methods), and in every field of the route's example body, sent by a caller
    the route is meant for."""
    headers = dict(live.headers[roles[0] if roles else "anonymous"])
    if pattern == "/api/v1/questions" and method == "POST":
        headers["Idempotency-Key"] = str(uuid.uuid4())
    example = EXAMPLE_BODIES.get(f"{method} {pattern}")
    known_path = PARAM.sub(lambda m: live.known.get(m.group(1), "x"), pattern)
    # bodies first: a rate-limited route (registrations) refuses everything after its first 30
    for marker in RAW_JSON:
        yield dict(method=method, path=known_path, headers=headers, json_text=RAW_JSON[marker])
    for field in example or ():
        for hostile in (*RAW_JSON, *HOSTILE_TEXT):
            yield dict(method=method, path=known_path, headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
                       json_text=_json_text({**example, field: hostile}))
    for value in HOSTILE_TEXT:
        path = PARAM.sub(lambda m: _encoded(value) or "x", pattern)
        if "{" in pattern:
            yield dict(method=method, path=path, headers=headers)
        if method == "GET":
            query = "&".join(f"{name}={_encoded(value)}" for name in QUERY_NAMES)
            yield dict(method=method, path=known_path + "?" + query, headers=headers)
        else:
            form = "&".join(f"{name}={_encoded(value)}" for name in FORM_NAMES).encode()
            yield dict(method=method, path=path, headers=headers, data=form,
                       content_type="application/x-www-form-urlencoded")


def answers_within_the_contract(live: LiveApp, method: str, pattern: str, request: dict) -> None:
    before = live.row_counts()
    status, body = live.send(**request)
    assert status < 500, (status, body, request)
    if status >= 400:
        if isinstance(body, dict):
            assert set(body) == {"error", "field", "message"} and set(body["message"]) == {"zh", "mn"}, body
        else:  # only a console page may refuse as a page (in the viewer's language), and a HEAD has no body
            assert method == "HEAD" or (pattern.startswith("/console/") and body[0] == "text/html"), body
        assert live.row_counts() == before, request


@pytest.mark.parametrize("method,pattern,roles", ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_hostile_input_never_gets_a_server_error_nor_writes_half_a_row(live, method, pattern, roles):
    if method != "HEAD":  # a HEAD runs its GET's handler
        for request in sweep(live, method, pattern, roles):
            answers_within_the_contract(live, method, pattern, request)

    @hypothesis_settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None,
                         suppress_health_check=list(HealthCheck))
    @given(request=requests(live, method, pattern, roles))
    def check(request):
        answers_within_the_contract(live, method, pattern, request)
    check()
