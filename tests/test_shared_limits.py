"""Limits hold across API nodes: two app instances on one database (PostgreSQL, as a province
runs, and one SQLite file) count one box's submissions and one account's failed sign-ins
together, whichever node a request reaches."""
import time
import uuid

import pytest

from content_server.app import create_app
from content_server.consoles import LOGIN_BACKOFF
from content_server.kernel.config import Settings
from content_server.kernel.ratelimit import Backoff, RateLimit
from content_server.questions.intake import BOX_LIMITS
from content_server.storage import STORE, Store, limits

from .conftest import METRICS_TOKEN, PASSWORD, add_account
from .console_session import post_login

pytestmark = pytest.mark.both_engines


@pytest.fixture
async def two_nodes(aiohttp_client, settings):
    """Two apps on the same database and data root, each with its own process memory."""
    first = await aiohttp_client(create_app(settings))
    second = await aiohttp_client(create_app(Settings(data=settings.data, database=settings.database,
                                                      metrics_token=METRICS_TOKEN)))
    return first, second


def question(number: int) -> dict:
    return {"topic": "labour", "phrases": ["labour.1"], "text": "", "phone": f"1381234{number:04d}",
            "callback_window": "any", "language": "mn"}


async def test_a_box_meets_one_submission_limit_through_either_node(two_nodes):
    first, second = two_nodes
    for node in two_nodes:
        node.server.app[BOX_LIMITS].submissions.count = 2
    registered = await (await first.post("/api/v1/devices", json={"region": "152500", "language": "mn"})).json()
    box = {"Authorization": f"Bearer {registered['token']}"}
    statuses, refusal = [], None
    for number, node in enumerate((first, second, first)):  # a box behind a balancer reaches both nodes
        resp = await node.post("/api/v1/questions", json=question(number),
                               headers={**box, "Idempotency-Key": str(uuid.uuid4())})
        statuses.append(resp.status)
        refusal = await resp.json()
    # the third is over the box's limit of two, though the first node has seen only one
    assert statuses == [201, 201, 429]
    assert refusal["error"] == "too_many_submissions" and refusal["message"]["zh"]
    assert int(resp.headers["Retry-After"]) > 3000


async def test_an_account_locked_on_one_node_is_locked_on_the_other(two_nodes):
    first, second = two_nodes
    for node in two_nodes:
        node.server.app[LOGIN_BACKOFF].free, node.server.app[LOGIN_BACKOFF].first = 2, 600
    add_account(first.server.app[STORE], "wulan", "staff")
    # three failures, alternating nodes: two free, the third locks the account
    for n, node in enumerate((first, second, first)):
        assert (await post_login(node, "wulan", f"guess {n}")).status == 401
    # the right password on the other node must wait too
    locked = await post_login(second, "wulan", PASSWORD, allow_redirects=False)
    assert locked.status == 429 and int(locked.headers["Retry-After"]) > 500


def test_old_windows_are_forgotten_when_the_limit_counts_again(tmp_path):
    store = Store(tmp_path / "legal-tv.db")
    limit = RateLimit("box_submissions", 2, 3600)
    now = time.time()
    for key in ("box-a", "box-b", "box-a"):
        assert store.write_blocking(limits.allow, limit, key, now - 7200) == 0
    assert store.write_blocking(limits.allow, limit, "box-a", now - 7200) > 0  # over its limit then
    # an hour later the old events are out of the window: allowed, and their rows are gone
    assert store.write_blocking(limits.allow, limit, "box-c", now) == 0
    rows = store.read_blocking(lambda tx: [tuple(r) for r in tx.all("SELECT key FROM rate_events")])
    assert rows == [("box-c",)]
    store.close()


def test_a_stale_backoff_is_forgotten_when_another_account_fails(tmp_path):
    store = Store(tmp_path / "legal-tv.db")
    backoff = Backoff("login_account", free=1, first=60, forget_after=3600)
    for now in (0, 10):
        store.write_blocking(limits.failed, backoff, "wulan", now=now)
    assert store.read_blocking(limits.locked_for, backoff, "wulan", now=20) > 0
    # a day later another account fails: wulan's row goes, and wulan starts counting afresh
    store.write_blocking(limits.failed, backoff, "saran", now=86400)
    keys = store.read_blocking(lambda tx: [r[0] for r in tx.all("SELECT key FROM rate_backoff")])
    assert keys == ["saran"]
    store.write_blocking(limits.failed, backoff, "wulan", now=86401)
    assert store.read_blocking(limits.locked_for, backoff, "wulan", now=86401) == 0
    store.close()
