"""kill -9 of the server mid-transcode loses nothing: the job is redone after the restart."""
from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from content_server import auth
from content_server.storage import Store, accounts, media as media_sql

from . import media_samples as samples
from .conftest import add_account
from .ready_video import ensure_category
from .tus import tus_upload_sync

pytestmark = pytest.mark.slow


def call(server, method: str, path: str, headers: dict, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(server.url + path, method=method, headers={**headers, "Content-Type": "application/json"},
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def ffmpeg_working_on(video_id: str) -> bool:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"ffmpeg") and any(video_id.encode() in a for a in args):
            return True
    return False


def test_a_transcode_killed_by_kill_9_is_redone_after_restart(server_process, tmp_path):
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    store = Store(data / "legal-tv.db")
    token, token_hash = auth.new_token("ltv")
    accounts.add_api_token(store, add_account(store, "saren", "editor"), token_hash)
    ensure_category(store)
    editor = {"Authorization": f"Bearer {token}"}

    server = server_process()
    upload_id = tus_upload_sync(server.url, editor, samples.two_languages(12, "640x360"))
    status, answer = call(server, "POST", "/api/v1/videos", editor, {
        "upload_id": upload_id, "category": "traffic", "title": {"zh": "交通事故", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"}})
    assert status == 202
    video_id = answer["id"]

    # given a transcode under way
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = call(server, "GET", f"/api/v1/videos/{video_id}", editor)[1]
        if body["progress"] > 0:
            break
        time.sleep(0.1)
    assert body["status"] == "processing", body
    # when the server is killed without warning
    server.kill()
    assert media_sql.job_state(store, video_id) == "running"
    deadline = time.monotonic() + 10
    while ffmpeg_working_on(video_id) and time.monotonic() < deadline:
        time.sleep(0.1)  # its ffmpeg dies too (its progress pipe is gone)
    assert not ffmpeg_working_on(video_id)
    assert not (data / "renditions" / video_id).exists()  # nothing half-made is visible

    # then the restarted server redoes the job and the video becomes ready
    server = server_process()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = call(server, "GET", f"/api/v1/videos/{video_id}", editor)[1]
        if body["status"] != "processing":
            break
        time.sleep(0.3)
    assert body["status"] == "ready", body
    master = (data / "renditions" / video_id / "master.m3u8").read_text()
    assert master.index("234p/index.m3u8") < master.index("360p/index.m3u8")
    deadline = time.monotonic() + 10
    while any((data / "work").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # the work folder is removed just after the video turns ready
    assert [p.name for p in (data / "work").iterdir()] == []
    store.close()
