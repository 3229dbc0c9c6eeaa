"""A box on a thin link sends one body in many small TCP segments; the server reads it whole."""
import json
import uuid

import pytest

from .raw_http import chunked, exchange, pieces_of, request_head

MONGOLIAN_TEXT = "ᠮᠢᠨᠦ ᠴᠠᠯᠢᠩ ᠢ ᠭᠤᠷᠪᠠᠨ ᠰᠠᠷ᠎ᠠ ᠥᠭᠭᠦᠭᠰᠡᠨ ᠦᠭᠡᠢ᠂ ᠡᠵᠡᠨ ᠨᠢ ᠳᠠᠷᠠᠭ᠎ᠠ ᠰᠠᠷ᠎ᠠ ᠳᠤ ᠥᠭᠭᠦᠨ᠎ᠡ ᠭᠡᠵᠦ ᠬᠡᠯᠡᠪᠡ᠃ "


@pytest.fixture
def server(server_process):
    return server_process()


def register(port: int) -> str:
    body = json.dumps({"region": "152500", "language": "mn"}).encode()
    status, reply = exchange(port, [request_head("POST", "/api/v1/devices", {
        "Content-Type": "application/json", "Content-Length": len(body)}) + body])
    assert status == 201
    return reply["token"]


def question() -> bytes:
    text = (MONGOLIAN_TEXT * 8)[:400]
    body = json.dumps({"topic": "wages", "phrases": ["wages.1"], "text": text, "phone": "138 1234 8000",
                       "callback_window": "morning", "language": "mn"}, ensure_ascii=False).encode()
    assert 1100 < len(body) < 1400  # what a box sends for a long spoken question
    return body


def question_head(token: str, **headers) -> bytes:
    return request_head("POST", "/api/v1/questions", {
        "Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4()),
        "Content-Type": "application/json; charset=utf-8", **headers})


def test_a_question_sent_in_small_pieces_with_pauses_is_accepted(server):
    token = register(server.port)
    body = question()
    status, reply = exchange(server.port, [question_head(token, **{"Content-Length": len(body)}),
                                           *pieces_of(body, 100)], pause=0.03)
    assert status == 201, reply
    assert reply["status"] == "queued"


def test_a_chunked_question_sent_in_small_pieces_with_pauses_is_accepted(server):
    token = register(server.port)
    status, reply = exchange(server.port, [question_head(token, **{"Transfer-Encoding": "chunked"}),
                                           *chunked(question(), 100)], pause=0.03)
    assert status == 201, reply
    assert reply["status"] == "queued"


def test_a_chunked_body_beyond_the_limit_is_refused_as_too_large(server):
    token = register(server.port)
    body = json.dumps({"text": "x" * 80 * 1024}).encode()  # the JSON limit is 64 KiB
    status, reply = exchange(server.port, [question_head(token, **{"Transfer-Encoding": "chunked"}),
                                           *chunked(body, 8 * 1024)], pause=0.01)
    assert status == 413
    assert reply["error"] == "too_large" and set(reply["message"]) == {"zh", "mn"}
