"""The box's HTTP client, disk cache and question outbox against a real content server
process (no window): what a household notices when the link comes and goes."""
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from stb_app.api import ApiClient, Offline
from stb_app.cache import ContentStore, DiskCache
from stb_app.outbox import REJECTED, Outbox

from .conftest import free_port

QUESTION = {"topic": "wages", "phrases": [], "text": "老板欠了三个月工资", "phone": "13812345678",
            "callback_window": "morning", "language": "zh"}


def test_the_box_registers_once_and_keeps_its_token_across_restarts(server_process, tmp_path):
    server = server_process()
    box = ApiClient(server.url, tmp_path / "box")
    token = box.token()
    assert token.startswith("dev_")
    again = ApiClient(server.url, tmp_path / "box")         # the app restarted
    assert again.token() == token
    assert again.questions() == []


def test_content_is_revalidated_and_shown_from_disk_when_the_server_is_gone(server_process, tmp_path):
    server = server_process()
    store = ContentStore(ApiClient(server.url, tmp_path / "box"), DiskCache(tmp_path / "box" / "cache"))
    topics = store.get("topics", "/api/v1/topics")
    assert topics.data and not topics.from_cache and not store.offline
    glossary = store.get("glossary", "/api/v1/glossary")
    etag = DiskCache(tmp_path / "box" / "cache").read("glossary")["etag"]
    assert etag                                              # kept for revalidation
    assert store.get("glossary", "/api/v1/glossary").data == glossary.data   # a 304 reuses the copy on disk
    server.kill()
    offline = ContentStore(ApiClient(server.url, tmp_path / "box", timeout=2), DiskCache(tmp_path / "box" / "cache"))
    cached = offline.get("topics", "/api/v1/topics")
    assert cached.from_cache and cached.data == topics.data and offline.offline
    assert offline.get("services", "/api/v1/services?region=152500") is None   # never fetched: nothing to show


def test_a_question_waits_in_the_outbox_across_restarts_until_the_server_acknowledges(server_process, tmp_path):
    port = free_port()
    box = ApiClient(f"http://127.0.0.1:{port}", tmp_path / "box", timeout=2)
    outbox = Outbox(tmp_path / "box" / "outbox.db", rng=random.Random(1))
    key = outbox.add(QUESTION, now=1000.0)
    assert outbox.flush(box.send_question, now=1000.0) == 0          # nobody listens on that port yet
    [waiting] = outbox.waiting()
    assert waiting.key == key and waiting.attempts == 1 and waiting.next_attempt_at > 1000.0
    outbox.mark_failed(key, "still down", now=1010.0)
    assert outbox.waiting()[0].next_attempt_at - 1010.0 > waiting.next_attempt_at - 1000.0   # backs off
    assert outbox.due(now=1010.0) == []                               # not hammering a thin link
    outbox.close()

    server = server_process(port)                                     # the server comes up; the box restarts
    outbox = Outbox(tmp_path / "box" / "outbox.db")
    assert [e.key for e in outbox.waiting()] == [key]
    outbox.retry_now()
    assert outbox.flush(box.send_question) == 1
    assert outbox.waiting() == []
    sent = outbox._entries("key = ?", (key,))[0].response
    assert sent["number"] and sent["status"] == "queued"
    # a retry after a lost reply is harmless: the same key gives the same question
    assert box.send_question(key, QUESTION)["id"] == sent["id"]
    assert [q["number"] for q in box.questions()] == [sent["number"]]
    server.stop()


def test_a_question_the_server_refuses_is_not_retried_forever(server_process, tmp_path):
    server = server_process()
    box = ApiClient(server.url, tmp_path / "box")
    outbox = Outbox(tmp_path / "box" / "outbox.db")
    outbox.add(dict(QUESTION, phone="12"))                            # not a phone number
    assert outbox.flush(box.send_question) == 0
    assert outbox.waiting() == [] and outbox.rejected()[0].state == REJECTED
    assert "phone" in json.dumps(outbox.rejected()[0].error)


def test_an_unreachable_server_is_reported_as_offline_not_as_a_crash(tmp_path):
    box = ApiClient(f"http://127.0.0.1:{free_port()}", tmp_path / "box", timeout=1)
    try:
        box.get_json("/api/v1/catalog")
    except Offline:
        pass
    else:
        raise AssertionError("expected Offline")


def test_a_fourth_open_question_is_refused_for_good_and_the_servers_words_are_kept(server_process, tmp_path):
    server = server_process()
    box = ApiClient(server.url, tmp_path / "box")
    outbox = Outbox(tmp_path / "box" / "outbox.db")
    for i in range(3):                                                # three questions waiting for a lawyer
        outbox.add(dict(QUESTION, phone=f"1380000{i:04d}"))
    assert outbox.flush(box.send_question) == 3
    fourth = outbox.add(dict(QUESTION, phone="13800009999"))
    reached = []
    box.on_reach = reached.append
    assert outbox.flush(box.send_question) == 0
    # the server answered (429, no Retry-After): final, not a network fault to retry for ever
    assert outbox.waiting() == [] and reached == [True]
    [refused] = outbox.rejected()
    assert refused.key == fourth and refused.refusal["status"] == 429
    assert "3" in refused.refusal["message"]["zh"] and refused.refusal["message"]["mn"]
    outbox.retry_now()
    assert outbox.flush(box.send_question) == 0 and reached == [True]    # nothing is sent again


class _BusyServer(BaseHTTPRequestHandler):
    """What a proxy in front of a busy server answers: 503, Retry-After and a bilingual message."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"error": "busy", "field": None,
                           "message": {"zh": "服务繁忙，请稍后", "mn": "ᠲᠦᠷ ᠬᠦᠯᠢᠶᠡᠭᠡᠷᠡᠢ"}}).encode()
        self.send_response(503)
        self.send_header("Retry-After", "120")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


def test_a_server_asking_to_wait_is_tried_again_after_retry_after_not_as_a_network_fault(tmp_path):
    busy = ThreadingHTTPServer(("127.0.0.1", 0), _BusyServer)
    threading.Thread(target=busy.serve_forever, daemon=True).start()
    try:
        box = ApiClient(f"http://127.0.0.1:{busy.server_port}", tmp_path / "box")
        box._token = "dev_known"                                      # registered earlier
        outbox = Outbox(tmp_path / "box" / "outbox.db", rng=random.Random(1))
        key = outbox.add(QUESTION, now=1000.0)
        assert outbox.flush(box.send_question, now=1000.0) == 0
        [waiting] = outbox.waiting()
        assert waiting.key == key and waiting.later
        assert waiting.next_attempt_at == 1120.0                      # when the server said, not 5 s later
        assert waiting.refusal["message"]["zh"] == "服务繁忙，请稍后"   # kept to be shown in its words
        outbox.retry_now()                                            # the network "came back": still waits
        assert outbox.due(now=1119.0) == [] and [e.key for e in outbox.due(now=1120.0)] == [key]
    finally:
        busy.shutdown()
