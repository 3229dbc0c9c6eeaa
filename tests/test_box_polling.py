"""Boxes that poll politely, box side: the pure schedule (jitter, random start, backoff,
Retry-After, which documents to revalidate), then the box's Library against a real server
over a simulated hour, counting the requests it makes."""
from __future__ import annotations

import random
import urllib.request
import uuid

from stb_app import polling
from stb_app.api import ApiClient
from stb_app.library import Library
from stb_app.polling import Poll, Schedule

from .conftest import add_account


def test_boxes_powered_on_together_spread_their_first_request_over_a_minute():
    firsts = [Poll.starting(60, 1000.0, random.Random(seed)).next_at - 1000.0 for seed in range(2000)]
    assert 0 <= min(firsts) < 3 and 57 < max(firsts) <= 60
    per_second = [sum(1 for f in firsts if s <= f < s + 1) for s in range(60)]
    assert max(per_second) < 3 * 2000 / 60   # no second takes much more than its share


def test_every_interval_has_twenty_percent_jitter():
    poll = Poll.starting(60, 0.0, random.Random(7), at_once=True)
    gaps = []
    for _ in range(1000):
        now = poll.next_at
        poll.succeeded(now)
        gaps.append(poll.next_at - now)
    assert 48 <= min(gaps) < 50 and 70 < max(gaps) <= 72
    assert 58 < sum(gaps) / len(gaps) < 62


def test_failures_back_off_exponentially_up_to_thirty_minutes_and_retry_after_is_obeyed():
    poll = Poll.starting(60, 0.0, random.Random(3), at_once=True)
    waits = []
    for _ in range(10):
        poll.failed(0.0)
        waits.append(poll.next_at)
    assert 48 <= waits[0] <= 72 and 96 <= waits[1] <= 144 and 192 <= waits[2] <= 288
    assert max(waits) == polling.MAX_BACKOFF_SECONDS and waits[-1] == polling.MAX_BACKOFF_SECONDS
    poll.failed(0.0, retry_after=7200)                    # the server asks for two hours: it gets them
    assert poll.next_at == 7200
    poll.succeeded(10.0)                                  # one success and the beat is back
    assert poll.failures == 0 and 58 <= poll.next_at <= 82


def test_only_documents_whose_version_moved_are_revalidated():
    names = ("catalog", "topics", "guide", "services")
    changes = {"catalog": "a1", "topics": "3", "guide": "1.2.3600"}
    assert polling.stale_documents({}, changes, names) == list(names)          # first time: all
    seen = dict(changes)
    assert polling.stale_documents(seen, changes, names) == ["services"]       # not listed: always
    moved = dict(changes, guide="1.2.7200")
    assert polling.stale_documents(seen, dict(moved, services="1"), names) == ["guide", "services"]


def test_own_questions_are_asked_every_minute_only_while_one_is_unfinished():
    assert polling.questions_interval([]) == 30 * 60
    assert polling.questions_interval([{"status": "resolved"}, {"status": "closed"}]) == 30 * 60
    assert polling.questions_interval([{"status": "resolved"}, {"status": "claimed"}]) == 60
    assert polling.questions_interval([{"status": "queued"}]) == 60


def test_a_box_with_nothing_saved_asks_at_once_one_with_saved_content_spreads():
    assert Schedule.starting(50.0, random.Random(1), nothing_cached=True).changes.due(50.0)
    later = Schedule.starting(50.0, random.Random(1), nothing_cached=False)
    assert not later.changes.due(50.0) and later.changes.due(110.0)


class SimulatedClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def counting(api: ApiClient) -> list:
    """The requests a box's client makes (every request reports whether it reached the server)."""
    made: list = []
    api.on_reach = made.append
    return made


def simulated_hour(library: Library, clock: SimulatedClock, tick: float = 5.0, at=None) -> None:
    for step in range(int(3600 / tick)):
        clock.now = step * tick
        if at is not None:
            at(clock.now)
        library.poll()


def test_over_an_hour_a_box_asks_about_sixty_small_questions_instead_of_four_hundred_eighty_documents(
        server_process, tmp_path):
    server = server_process()
    clock = SimulatedClock()
    api = ApiClient(server.url, tmp_path / "box")
    api.token()
    library = Library(api, tmp_path / "box", clock=clock, rng=random.Random(11))
    made = counting(api)
    simulated_hour(library, clock)
    # a box with nothing saved fetches everything once, then asks `changes` about once a minute
    # and its (finished) questions twice in the hour: the old schedule made 8 requests a minute
    assert library.catalog["items"] is not None and library.topics
    documents = len(library.RESOURCES) + 1
    assert len(made) <= documents + 75 + 3
    assert len(made) < 480 / 4
    assert all(made)


def test_a_moved_document_is_revalidated_once_and_an_open_question_is_followed_every_minute(
        server_process, tmp_path):
    server = server_process()
    clock = SimulatedClock()
    api = ApiClient(server.url, tmp_path / "box")
    library = Library(api, tmp_path / "box", clock=clock, rng=random.Random(5))
    library.poll()
    asked: list = []
    original = api.get_json

    def get_json(path, etag=None):
        asked.append(path)
        return original(path, etag)
    api.get_json = get_json
    editor = editor_token(server)

    def midway(now):
        if now == 1800:  # an editor retitles a topic; a question of this box is queued
            retitle_a_topic(server, editor)
            api.send_question(str(uuid.uuid4()), {"topic": "labour", "phrases": ["labour.1"], "text": "",
                                                   "phone": "13812348000", "callback_window": "any",
                                                   "language": "zh"})
            library.refresh_questions()  # as the app does right after sending one
    simulated_hour(library, clock, at=midway)
    assert asked.count("/api/v1/topics") == 1
    assert asked.count("/api/v1/catalog") == 0
    assert 48 <= asked.count("/api/v1/changes") <= 75
    # before the question: twice in half an hour at most; after it: about once a minute
    assert 20 <= asked.count("/api/v1/questions") <= 40


def editor_token(server) -> str:
    from content_server.storage import Store, accounts
    from content_server.kernel import auth
    store = Store(server.data / "legal-tv.db")
    try:
        user_id = add_account(store, "editor-" + uuid.uuid4().hex[:6], "editor")
        token, token_hash = auth.new_token("ltv")
        store.write_blocking(accounts.add_api_token, user_id, token_hash)
    finally:
        store.close()
    return token


def retitle_a_topic(server, token: str) -> None:
    import json
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(server.url + "/api/v1/topics?all=1", headers=headers)
    topic = json.loads(urllib.request.urlopen(request, timeout=10).read())[0]
    topic["title"]["zh"] += "（新）"
    request = urllib.request.Request(server.url + f"/api/v1/topics/{topic['id']}", method="PUT",
                                     data=json.dumps(topic).encode(), headers=headers)
    assert urllib.request.urlopen(request, timeout=10).status == 200


def test_a_box_whose_server_is_gone_backs_off_instead_of_knocking_every_minute(server_process, tmp_path):
    server = server_process()
    clock = SimulatedClock()
    api = ApiClient(server.url, tmp_path / "box", timeout=2)
    library = Library(api, tmp_path / "box", clock=clock, rng=random.Random(9))
    library.poll()                                   # given a box that has everything saved
    server.kill()
    made = counting(api)
    simulated_hour(library, clock)
    # then over the hour it tries `changes` about 6 times (1, 2, 4, 8, 16, 30 minutes apart), not 60
    assert made and not any(made)
    assert len(made) <= 9
    assert library.schedule.changes.failures >= 5
